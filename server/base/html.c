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
	html_page_start_in(h, "zh-Hans", title);
}

void html_page_start_in(struct strbuf *h, const char *lang_tag,
			const char *title)
{
	html_raw(h, "<!doctype html>\n<html lang=\"");
	html_text(h, lang_tag);
	html_raw(h, "\"><head><meta charset=\"utf-8\"><title>");
	html_text(h, title);
	/* a stylesheet of web/: the Content-Security-Policy lws sends allows
	 * no inline style */
	html_raw(h, "</title><link rel=\"stylesheet\" href=\"/print.css\">"
		    "</head><body><main>\n");
}

void html_page_end(struct strbuf *h)
{
	html_raw(h, "</main></body></html>\n");
}

static const char *str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* o's name in lang: its name_en in English when it has one, else its name
 * (a product's, the fair's). */
static const char *name_in(const json_t *o, enum lang lang)
{
	const char *en = str(o, "name_en");

	return lang == LANG_EN && en && *en ? en : str(o, "name");
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

/* The confirmation's words in the reader's language. */
struct print_words {
	const char *title; /* before the order's id */
	const char *fair, *season, *dealer, *code, *status, *placed, *key;
	const char *behalf, *recipient, *phone, *address, *ship_to, *note;
	const char *colour, *units, *price, *amount, *discount, *payable;
	const char *total, *units_of; /* after a number of units */
	const char *early, *tier, *coupon;
	const char *statuses[7]; /* in the order of status_names */
};

static const char *const status_names[7] = {
	"accepted",  "reviewed", "shipped",   "in_transit",
	"delivered", "rejected", "cancelled",
};

static const struct print_words words[] = {
	[LANG_HANS] =
		{
			.title = "订单确认 ",
			.fair = "订货会",
			.season = "季度",
			.dealer = "经销商",
			.code = "编号",
			.status = "状态",
			.placed = "下单时间",
			.key = "单号",
			.behalf = "代下单",
			.recipient = "收货人",
			.phone = "电话",
			.address = "地址",
			.ship_to = "收货地址",
			.note = "备注",
			.colour = "颜色",
			.units = "件数",
			.price = "单价",
			.amount = "金额",
			.discount = "折扣",
			.payable = "应付",
			.total = "合计",
			.units_of = " 件",
			.early = "早鸟折扣",
			.tier = "订货政策折扣",
			.coupon = "优惠券",
			.statuses = {"已接单", "已审核", "已发货", "运输中",
				     "已签收", "已拒绝", "已取消"},
		},
	[LANG_HANT] =
		{
			.title = "訂單確認 ",
			.fair = "訂貨會",
			.season = "季度",
			.dealer = "經銷商",
			.code = "編號",
			.status = "狀態",
			.placed = "下單時間",
			.key = "單號",
			.behalf = "代下單",
			.recipient = "收貨人",
			.phone = "電話",
			.address = "地址",
			.ship_to = "收貨地址",
			.note = "備註",
			.colour = "顏色",
			.units = "件數",
			.price = "單價",
			.amount = "金額",
			.discount = "折扣",
			.payable = "應付",
			.total = "合計",
			.units_of = " 件",
			.early = "早鳥折扣",
			.tier = "訂貨政策折扣",
			.coupon = "優惠券",
			.statuses = {"已接單", "已審核", "已出貨", "運送中",
				     "已簽收", "已拒絕", "已取消"},
		},
	[LANG_EN] =
		{
			.title = "Order confirmation ",
			.fair = "Fair",
			.season = "Season",
			.dealer = "Dealer",
			.code = "Code",
			.status = "Status",
			.placed = "Placed",
			.key = "Key",
			.behalf = "Placed on behalf by",
			.recipient = "Ship to",
			.phone = "Phone",
			.address = "Address",
			.ship_to = "Ship to",
			.note = "Note",
			.colour = "Colour",
			.units = "Units",
			.price = "Price",
			.amount = "Amount",
			.discount = "Discount",
			.payable = "Payable",
			.total = "Total",
			.units_of = " units",
			.early = "Early-bird discount",
			.tier = "Volume discount",
			.coupon = "Coupon",
			.statuses = {"Accepted", "Reviewed", "Shipped",
				     "In transit", "Delivered", "Rejected",
				     "Cancelled"},
		},
};

static const struct print_words *words_in(enum lang lang)
{
	return &words[lang == LANG_EN     ? LANG_EN
		      : lang == LANG_HANT ? LANG_HANT
					  : LANG_HANS];
}

/* A status in words; an unknown one as it is. */
static const char *status_words(const struct print_words *w, const char *status)
{
	for (size_t i = 0; status && i < 7; i++)
		if (!strcmp(status, status_names[i]))
			return w->statuses[i];
	return status;
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

static void cell_money(struct strbuf *h, int64_t minor)
{
	html_raw(h, "<td>");
	html_money(h, minor);
	html_raw(h, "</td>");
}

/* A column heading of money: "label (CNY)". */
static void th_money(struct strbuf *h, const char *label, const char *currency)
{
	html_raw(h, "<th>");
	html_text(h, label);
	html_raw(h, " (");
	html_text(h, currency);
	html_raw(h, ")</th>");
}

/* What one product adds to the order's figures. */
struct print_sums {
	int64_t units, amount, discount;
};

/* One product: colours down, sizes across, then units, unit price and
 * amount per colour, and its share of the order's discount and what remains
 * to pay when the order has a discount. */
static void product_table(struct strbuf *h, const struct print_words *w,
			  enum lang lang, const json_t *p, const char *currency,
			  bool discounted, struct print_sums *sums)
{
	const json_t *lines = json_object_get(p, "lines");
	const char *sizes[MAX_SIZES];
	const char *name = name_in(p, lang);
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
	/* headings in order for screen readers: h1 the order, h2 each product
	 * and the total */
	html_raw(h, "<h2 class=\"product\">");
	html_text(h, str(p, "style"));
	html_raw(h, " ");
	html_text(h, name);
	html_raw(h, "</h2><table><tr><th>");
	html_text(h, w->colour);
	html_raw(h, "</th>");
	for (j = 0; j < n_sizes; j++) {
		html_raw(h, "<th>");
		html_text(h, sizes[j]);
		html_raw(h, "</th>");
	}
	html_raw(h, "<th>");
	html_text(h, w->units);
	html_raw(h, "</th>");
	th_money(h, w->price, currency);
	th_money(h, w->amount, currency);
	if (discounted) {
		th_money(h, w->discount, currency);
		th_money(h, w->payable, currency);
	}
	html_raw(h, "</tr>");
	for (i = 0; i < json_array_size(lines);) {
		const char *color = str(json_array_get(lines, i), "color"),
			   *color_en =
				   str(json_array_get(lines, i), "color_en");
		int64_t qty[MAX_SIZES] = {0}, row_units = 0, row_amount = 0,
			row_discount = 0,
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
			row_discount = amount_add(row_discount, 1,
						  num(line, "discount"));
			one_price &= num(line, "price") == price;
		}
		html_raw(h, "<tr><td>");
		html_text(h, lang == LANG_EN && color_en ? color_en : color);
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
		html_raw(h, "</td>");
		cell_money(h, row_amount);
		if (discounted) {
			cell_money(h, row_discount);
			cell_money(h, row_amount - row_discount);
		}
		html_raw(h, "</tr>");
		sums->units += row_units;
		sums->amount = amount_add(sums->amount, 1, row_amount);
		sums->discount = amount_add(sums->discount, 1, row_discount);
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
static void discounts_table(struct strbuf *h, const struct print_words *w,
			    const json_t *order, const char *currency)
{
	const json_t *d = json_object_get(order, "discounts");
	const char *coupon = str(order, "coupon");
	char label[96];

	if (num(order, "discount") <= 0)
		return;
	snprintf(label, sizeof label, "%s %s", w->coupon, coupon ? coupon : "");
	html_raw(h, "<table class=\"meta\">");
	discount_row(h, w->early, currency, num(d, "early"), true);
	discount_row(h, w->tier, currency, num(d, "tier"), true);
	discount_row(h, label, currency, num(d, "coupon"), true);
	discount_row(h, w->payable, currency, num(order, "payable"), false);
	html_raw(h, "</table>\n");
}

void html_order_confirmation(struct strbuf *h, const json_t *order,
			     enum lang lang)
{
	const struct print_words *w = words_in(lang);
	const json_t *fair = json_object_get(order, "fair");
	const json_t *dealer = json_object_get(order, "dealer");
	const json_t *ship = json_object_get(order, "ship_to");
	const char *currency = str(fair, "currency");
	bool discounted = num(order, "discount") > 0;
	const json_t *p;
	char title[96], id[32], placed[160], units[64];
	struct print_sums sums = {0};
	size_t i;

	snprintf(id, sizeof id, "%" PRId64, num(order, "id"));
	snprintf(title, sizeof title, "%s%s", w->title, id);
	html_page_start_in(h, lang_tag(lang), title);
	html_raw(h, "<h1>");
	html_text(h, title);
	html_raw(h, "</h1><table class=\"meta\">");
	meta_row(h, w->fair, name_in(fair, lang));
	meta_row(h, w->season, str(fair, "season"));
	meta_row(h, w->dealer, str(dealer, "name"));
	meta_row(h, w->code, str(dealer, "code"));
	meta_row(h, w->status, status_words(w, str(order, "status")));
	/* the fair's clock, labelled with its zone (order_print_json) */
	if (str(order, "placed_local"))
		snprintf(placed, sizeof placed, "%s %s",
			 str(order, "placed_local"),
			 str(fair, "zone") ? str(fair, "zone") : "");
	else
		snprintf(placed, sizeof placed, "%s",
			 str(order, "created_at") ? str(order, "created_at")
						  : "");
	meta_row(h, w->placed, placed);
	meta_row(h, w->key, str(order, "key"));
	if (json_is_true(json_object_get(order, "on_behalf")))
		meta_row(h, w->behalf, str(order, "placed_by_name"));
	if (json_is_object(ship)) {
		meta_row(h, w->recipient, str(ship, "recipient"));
		meta_row(h, w->phone, str(ship, "phone"));
		meta_row(h, w->address, str(ship, "address"));
	} else {
		meta_row(h, w->ship_to, "—");
	}
	if (str(order, "note") && *str(order, "note"))
		meta_row(h, w->note, str(order, "note"));
	html_raw(h, "</table>\n");
	json_array_foreach(json_object_get(order, "products"), i, p)
		product_table(h, w, lang, p, currency, discounted, &sums);
	html_raw(h, "<h2 class=\"total\">");
	html_text(h, w->total);
	html_raw(h, lang == LANG_EN ? ": " : "：");
	snprintf(units, sizeof units, "%" PRId64 "%s", sums.units, w->units_of);
	html_text(h, units);
	html_raw(h, lang == LANG_EN ? ", " : "，");
	html_text(h, currency);
	html_raw(h, " ");
	html_money(h, sums.amount);
	html_raw(h, "</h2>\n");
	discounts_table(h, w, order, currency);
	html_page_end(h);
}
