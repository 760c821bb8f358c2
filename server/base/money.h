/* money.h - numbers and amounts of minor units (fen, cents) as text, for
 * the pages, the CSV report and the charts. Pure code: unit-tested. */
#ifndef FAIR_MONEY_H
#define FAIR_MONEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MONEY_TEXT_MAX 32 /* bytes of the longest text, with its NUL */

/* The largest unit price anything accepts, in minor units (¥1,000,000,000.00):
 * an order's total, at most 200 lines of 100,000 units at this price, stays
 * far inside int64 and PostgreSQL's bigint (2 × 10^18 < 9.2 × 10^18). */
#define MONEY_UNIT_PRICE_MAX 100000000000LL

/* A whole number with thousands separators: "-1,234,567". */
void grouped_int(char buf[MONEY_TEXT_MAX], int64_t v);

/* An amount of minor units in major units with two decimals: "1,234.50"
 * when grouped, else "1234.50". */
void money_text(char buf[MONEY_TEXT_MAX], int64_t minor, bool grouped);

#endif
