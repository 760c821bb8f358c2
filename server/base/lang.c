/* lang.c - the reader's language (see lang.h). */
#include "base/lang.h"

#include <string.h>

enum lang lang_from_query(const char *query)
{
	static const struct {
		const char *arg;
		enum lang lang;
	} known[] = {
		{"lang=zh-Hans", LANG_HANS},
		{"lang=zh-Hant", LANG_HANT},
		{"lang=en", LANG_EN},
	};
	const char *p = query;

	while (p && *p) {
		size_t len = strcspn(p, "&");

		for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
			if (len == strlen(known[i].arg) &&
			    !strncmp(p, known[i].arg, len))
				return known[i].lang;
		p += len;
		if (*p == '&')
			p++;
	}
	return LANG_HANS;
}

const char *lang_tag(enum lang lang)
{
	return lang == LANG_EN     ? "en"
	       : lang == LANG_HANT ? "zh-Hant"
				   : "zh-Hans";
}
