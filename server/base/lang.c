/* lang.c - the reader's language (see lang.h). */
#include "base/lang.h"

#include "base/query.h"

#include <string.h>

enum lang lang_from_query(const char *query)
{
	static const struct {
		const char *tag;
		enum lang lang;
	} known[] = {
		{"zh-Hans", LANG_HANS},
		{"zh-Hant", LANG_HANT},
		{"en", LANG_EN},
	};
	size_t len;
	const char *v = query_value(query, "lang", &len);

	for (size_t i = 0; v && i < sizeof known / sizeof known[0]; i++)
		if (len == strlen(known[i].tag) &&
		    !memcmp(v, known[i].tag, len))
			return known[i].lang;
	return LANG_HANS;
}

const char *lang_tag(enum lang lang)
{
	return lang == LANG_EN     ? "en"
	       : lang == LANG_HANT ? "zh-Hant"
				   : "zh-Hans";
}
