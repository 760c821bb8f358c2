/* pgarray.c - PostgreSQL array literals (see pgarray.h). */
#include "db/pgarray.h"

#include <stdio.h>

void pgarray_text(struct strbuf *b, size_t i, const char *text)
{
	strbuf_addstr(b, i ? "," : "{");
	if (!text) {
		strbuf_addstr(b, "NULL");
		return;
	}
	strbuf_addstr(b, "\"");
	for (const char *c = text; *c; c++) {
		if (*c == '"' || *c == '\\')
			strbuf_addstr(b, "\\");
		strbuf_add(b, c, 1);
	}
	strbuf_addstr(b, "\"");
}

void pgarray_int(struct strbuf *b, size_t i, long long v)
{
	char text[24];

	strbuf_addstr(b, i ? "," : "{");
	strbuf_add(b, text, (size_t)snprintf(text, sizeof text, "%lld", v));
}

void pgarray_end(struct strbuf *b, size_t n)
{
	strbuf_addstr(b, n ? "}" : "{}");
}
