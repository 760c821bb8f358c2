/* csv.c - CSV fields (see csv.h). */
#include "base/csv.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/money.h"

/* Whether a spreadsheet could take text for a formula: = + - @, a tab, a
 * line break, or the full-width ＝ ＋ － ＠ (U+FF1D, FF0B, FF0D, FF20), which
 * some spreadsheets read as their ASCII forms. */
static bool csv_formula(const char *text)
{
	static const char *const wide[] = {"\xEF\xBC\x9D", "\xEF\xBC\x8B",
					   "\xEF\xBC\x8D", "\xEF\xBC\xA0"};

	if (text[0] && strchr("=+-@\t\r\n", text[0]))
		return true;
	for (size_t i = 0; i < sizeof wide / sizeof wide[0]; i++)
		if (!strncmp(text, wide[i], 3))
			return true;
	return false;
}

void csv_text(struct strbuf *b, const char *text, bool first)
{
	bool quote, formula;

	if (!first)
		strbuf_add(b, ",", 1);
	if (!text)
		return;
	quote = strpbrk(text, ",\"\r\n") != NULL;
	formula = csv_formula(text);
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
