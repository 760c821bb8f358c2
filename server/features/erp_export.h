/* erp_export.h - a fair's standing orders as the CSV import layouts of two
 * ERPs the brands use: 用友U8+ (its sales order, 销售订单) and 管家婆 (its
 * 销售订单 import). One row per order line, the layout's column names as
 * the header (PROTOCOL.md, "ERP export", says what goes in each). UTF-8
 * with a byte order mark (both read it so), money in yuan with two
 * decimals, text that a spreadsheet would run quoted as base/csv.c does.
 * Pure (unit-tested, test_erp_export): fairctl erp-export and the admin's
 * download feed it the rows of erp_order_lines (sql/functions/messages/
 * erp.sql). */
#ifndef FAIR_ERP_EXPORT_H
#define FAIR_ERP_EXPORT_H

#include <stdint.h>

#include "base/strbuf.h"

enum erp_layout { ERP_U8, ERP_GJP };

/* "u8" or "gjp" (also "yonyou", "guanjiapo"); -1 for anything else. */
int erp_layout_parse(const char *name);

/* One line of an order, as erp_order_lines gives it. */
struct erp_line {
	int64_t order_id;
	const char *order_date; /* YYYY-MM-DD, the fair's local date */
	const char *dealer_code, *dealer_name;
	const char *style, *product_name, *size, *color;
	int64_t qty, price, amount; /* minor units */
	int64_t discount;           /* this line's share of the order's */
	const char *note;
	const char *currency;
	int64_t fair_id;
};

/* Appends the header row (after the byte order mark). */
void erp_header(enum erp_layout layout, struct strbuf *out);

/* Appends one line's row. */
void erp_row(enum erp_layout layout, const struct erp_line *l,
	     struct strbuf *out);

/* A line's share of its order's discount, as PostgreSQL's
 * order_lines_discounted shares it: floor(discount × running / total) less
 * what the lines before took, running being the order's amount up to and
 * including this line. Exact: the shares add up to the discount. */
int64_t erp_discount_share(int64_t discount, int64_t total,
			   int64_t running_before, int64_t amount);

#endif
