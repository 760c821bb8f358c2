/* csv.c - CSV fields (see csv.h). */
#include "csv.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "money.h"

void csv_text(struct strbuf *b, const char *text, bool first)
{
	bool quote, formula;

	if (!first)
		strbuf_add(b, ",", 1);
	if (!text)
		return;
	quote = strpbrk(text, ",\"\r\n") != NULL;
	formula = strchr("=+-@\t", text[0]) && text[0];
	if (quote)
		strbuf_add(b, "\"", 1);
	if (formula)
		strbuf_add(b, "'", 1);
	for (const char *p = text; *p; p++) {
		if (*p == '"')
			strbuf_add(b, "\"", 1);
		strbuf_add(b, p, 1);
	}
	if (quote)
		strbuf_add(b, "\"", 1);
}

void csv_int(struct strbuf *b, int64_t v, bool first)
{
	char buf[32];
	int n = snprintf(buf, sizeof buf, "%s%" PRId64, first ? "" : ",", v);

	strbuf_add(b, buf, (size_t)n);
}

void csv_money(struct strbuf *b, int64_t minor, bool first)
{
	char text[MONEY_TEXT_MAX];

	money_text(text, minor, false);
	if (!first)
		strbuf_add(b, ",", 1);
	strbuf_addstr(b, text);
}

void csv_end_row(struct strbuf *b)
{
	strbuf_add(b, "\r\n", 2);
}
