/* html.c - server-side HTML (see html.h). */
#include "base/html.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/money.h"

#define MAX_SIZES 32 /* columns of a product's table */

void html_raw(struct strbuf *h, const char *markup)
{
	strbuf_addstr(h, markup);
}

void html_text(struct strbuf *h, const char *text)
{
	for (const char *p = text; p && *p; p++) {
		const char *entity = NULL;

		switch (*p) {
		case '&':
			entity = "&amp;";
			break;
		case '<':
			entity = "&lt;";
			break;
		case '>':
			entity = "&gt;";
			break;
		case '"':
			entity = "&quot;";
			break;
		case '\'':
			entity = "&#39;";
			break;
		default:
			strbuf_add(h, p, 1);
			continue;
		}
		html_raw(h, entity);
	}
}

void html_money(struct strbuf *h, int64_t minor)
{
	char text[MONEY_TEXT_MAX];

	money_text(text, minor, true);
	html_raw(h, text);
}

void html_page_start(struct strbuf *h, const char *title)
{
	html_raw(h, "<!doctype html>\n<html lang=\"zh-Hant\"><head><meta "
		    "charset=\"utf-8\"><title>");
	html_text(h, title);
	/* a stylesheet of web/: the Content-Security-Policy lws sends allows
	 * no inline style */
	html_raw(h, "</title><link rel=\"stylesheet\" href=\"/print.css\">"
		    "</head><body>\n");
}

void html_page_end(struct strbuf *h)
{
	html_raw(h, "</body></html>\n");
}

static const char *str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static int64_t num(const json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

/* sum + qty × price, saturated instead of overflowing: the database keeps
 * stored amounts in range (sql/026), this keeps C defined for any input. */
static int64_t amount_add(int64_t sum, int64_t qty, int64_t price)
{
	int64_t line;

	if (__builtin_mul_overflow(qty, price, &line) ||
	    __builtin_add_overflow(sum, line, &sum))
		return INT64_MAX;
	return sum;
}

static void meta_row(struct strbuf *h, const char *label, const char *value)
{
	html_raw(h, "<tr><td>");
	html_text(h, label);
	html_raw(h, "</td><td>");
	html_text(h, value);
	html_raw(h, "</td></tr>");
}

static void cell_int(struct strbuf *h, int64_t v)
{
	char buf[32];

	snprintf(buf, sizeof buf, "<td>%" PRId64 "</td>", v);
	html_raw(h, buf);
}

/* One product: colours down, sizes across, then units, unit price and
 * amount per colour. */
static void product_table(struct strbuf *h, const json_t *p, int64_t *units,
			  int64_t *amount)
{
	const json_t *lines = json_object_get(p, "lines");
	const char *sizes[MAX_SIZES];
	size_t n_sizes = 0, i, j;
	const json_t *line;

	json_array_foreach(lines, i, line)
	{
		const char *size = str(line, "size");

		for (j = 0; j < n_sizes && strcmp(sizes[j], size); j++)
			;
		if (j == n_sizes && n_sizes < MAX_SIZES && size)
			sizes[n_sizes++] = size;
	}
	html_raw(h, "<h3>");
	html_text(h, str(p, "style"));
	html_raw(h, " ");
	html_text(h, str(p, "name"));
	html_raw(h, "</h3><table><tr><th>顏色 Colour</th>");
	for (j = 0; j < n_sizes; j++) {
		html_raw(h, "<th>");
		html_text(h, sizes[j]);
		html_raw(h, "</th>");
	}
	html_raw(h, "<th>件數 Units</th><th>單價 Price</th><th>金額 Amount</th>"
		    "</tr>");
	for (i = 0; i < json_array_size(lines);) {
		const char *color = str(json_array_get(lines, i), "color");
		int64_t qty[MAX_SIZES] = {0}, row_units = 0, row_amount = 0,
			price = num(json_array_get(lines, i), "price");
		bool one_price = true;

		for (; i < json_array_size(lines) &&
		       !strcmp(str(json_array_get(lines, i), "color"), color);
		     i++) {
			line = json_array_get(lines, i);
			for (j = 0;
			     j < n_sizes && strcmp(sizes[j], str(line, "size"));
			     j++)
				;
			if (j < n_sizes)
				qty[j] += num(line, "qty");
			row_units += num(line, "qty");
			row_amount = amount_add(row_amount, num(line, "qty"),
						num(line, "price"));
			one_price &= num(line, "price") == price;
		}
		html_raw(h, "<tr><td>");
		html_text(h, color);
		html_raw(h, "</td>");
		for (j = 0; j < n_sizes; j++) {
			if (qty[j])
				cell_int(h, qty[j]);
			else
				html_raw(h, "<td></td>");
		}
		cell_int(h, row_units);
		html_raw(h, "<td>");
		if (one_price)
			html_money(h, price);
		html_raw(h, "</td><td>");
		html_money(h, row_amount);
		html_raw(h, "</td></tr>");
		*units += row_units;
		*amount = amount_add(*amount, 1, row_amount);
	}
	html_raw(h, "</table>\n");
}

/* One row of the discounts: "label  CUR -amount" (nothing for a discount of
 * 0), or "label  CUR amount" for what remains. */
static void discount_row(struct strbuf *h, const char *label,
			 const char *currency, int64_t amount, bool minus)
{
	if (minus && !amount)
		return;
	html_raw(h, "<tr><th>");
	html_text(h, label);
	html_raw(h, "</th><td>");
	html_text(h, currency);
	html_raw(h, minus ? " −" : " ");
	html_money(h, amount);
	html_raw(h, "</td></tr>");
}

/* What the fair's policies and the order's coupon take off it, and what
 * remains to pay (PROTOCOL.md, Fair policies; Coupons): only when there is a
 * discount. */
static void discounts_table(struct strbuf *h, const json_t *order,
			    const char *currency)
{
	const json_t *d = json_object_get(order, "discounts");
	const char *coupon = str(order, "coupon");
	char label[96];

	if (num(order, "discount") <= 0)
		return;
	snprintf(label, sizeof label, "優惠券 Coupon %s", coupon ? coupon : "");
	html_raw(h, "<table class=\"meta\">");
	discount_row(h, "早鳥折扣 Early-bird discount", currency,
		     num(d, "early"), true);
	discount_row(h, "訂貨政策折扣 Volume discount", currency,
		     num(d, "tier"), true);
	discount_row(h, label, currency, num(d, "coupon"), true);
	discount_row(h, "應付 Payable", currency, num(order, "payable"), false);
	html_raw(h, "</table>\n");
}

void html_order_confirmation(struct strbuf *h, const json_t *order)
{
	const json_t *fair = json_object_get(order, "fair");
	const json_t *dealer = json_object_get(order, "dealer");
	const json_t *ship = json_object_get(order, "ship_to");
	const json_t *p;
	char title[96], id[32];
	int64_t units = 0, amount = 0;
	size_t i;

	snprintf(id, sizeof id, "%" PRId64, num(order, "id"));
	snprintf(title, sizeof title, "訂單確認 Order %s", id);
	html_page_start(h, title);
	html_raw(h, "<h1>");
	html_text(h, title);
	html_raw(h, "</h1><table class=\"meta\">");
	meta_row(h, "訂貨會 Fair", str(fair, "name"));
	meta_row(h, "季度 Season", str(fair, "season"));
	meta_row(h, "經銷商 Dealer", str(dealer, "name"));
	meta_row(h, "編號 Code", str(dealer, "code"));
	meta_row(h, "狀態 Status", str(order, "status"));
	meta_row(h, "下單時間 Placed (UTC)", str(order, "created_at"));
	meta_row(h, "單號 Key", str(order, "key"));
	if (json_is_true(json_object_get(order, "on_behalf")))
		meta_row(h, "代下單 Placed on behalf by",
			 str(order, "placed_by_name"));
	if (json_is_object(ship)) {
		meta_row(h, "收貨人 Ship to", str(ship, "recipient"));
		meta_row(h, "電話 Phone", str(ship, "phone"));
		meta_row(h, "地址 Address", str(ship, "address"));
	} else {
		meta_row(h, "收貨地址 Ship to", "—");
	}
	if (str(order, "note") && *str(order, "note"))
		meta_row(h, "備註 Note", str(order, "note"));
	html_raw(h, "</table>\n");
	json_array_foreach(json_object_get(order, "products"), i, p)
		product_table(h, p, &units, &amount);
	html_raw(h, "<h2>合計 Total: ");
	{
		char buf[64];

		snprintf(buf, sizeof buf, "%" PRId64 " 件 units, ", units);
		html_raw(h, buf);
	}
	html_text(h, str(fair, "currency"));
	html_raw(h, " ");
	html_money(h, amount);
	html_raw(h, "</h2>\n");
	discounts_table(h, order, str(fair, "currency"));
	html_page_end(h);
}
