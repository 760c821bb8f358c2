/* csv.h - CSV for spreadsheets (RFC 4180, UTF-8). Pure code: unit-tested.
 *
 * Fields are quoted when they hold a comma, a quote or a line break. Text a
 * spreadsheet would run as a formula (starting with = + - @, a tab, a line
 * break, or a full-width ＝ ＋ － ＠) is
 * prefixed with an apostrophe: a dealer's name must never become a
 * formula in a manager's Excel. */
#ifndef FAIR_CSV_H
#define FAIR_CSV_H

#include <stdbool.h>
#include <stdint.h>

#include "base/strbuf.h"

/* Excel reads a file as UTF-8 only when it starts with this mark. */
#define CSV_UTF8_BOM "\xEF\xBB\xBF"

/* Appends a text field, after a comma unless first. */
void csv_text(struct strbuf *b, const char *text, bool first);

/* Appends a number, or an amount of minor units as "1234.50". */
void csv_int(struct strbuf *b, int64_t v, bool first);
void csv_money(struct strbuf *b, int64_t minor, bool first);

/* Ends the row (CRLF, as RFC 4180 and Excel expect). */
void csv_end_row(struct strbuf *b);

#endif
