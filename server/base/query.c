/* query.c - a URL's arguments (see query.h). */
#include "base/query.h"

#include <string.h>

const char *query_value(const char *query, const char *name, size_t *len)
{
	size_t name_len = strlen(name);

	for (const char *p = query; p && *p;) {
		size_t n = strcspn(p, "&");

		if (n > name_len && !memcmp(p, name, name_len) &&
		    p[name_len] == '=') {
			*len = n - name_len - 1;
			return p + name_len + 1;
		}
		p += n;
		if (*p == '&')
			p++;
	}
	return NULL;
}

int query_copy(const char *query, const char *name, char *out, size_t size)
{
	size_t len;
	const char *v = query_value(query, name, &len);

	if (size)
		out[0] = '\0';
	if (!v)
		return 0;
	if (len >= size)
		return -1;
	memcpy(out, v, len);
	out[len] = '\0';
	return 1;
}
