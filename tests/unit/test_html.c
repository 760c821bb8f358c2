/* test_html.c - server-side HTML: escaping, money, the order confirmation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "base/html.h"

static void test_text_is_escaped(void **state)
{
	struct strbuf h;

	(void)state;
	strbuf_init(&h);
	html_text(&h, "<script>alert(\"x\" & 'y')</script>旗艦");
	html_text(&h, NULL);
	assert_string_equal(h.data, "&lt;script&gt;alert(&quot;x&quot; &amp; "
				    "&#39;y&#39;)&lt;/script&gt;旗艦");
	strbuf_free(&h);
}

static void test_money(void **state)
{
	static const struct {
		int64_t minor;
		const char *text;
	} cases[] = {
		{0, "0.00"},
		{5, "0.05"},
		{100, "1.00"},
		{123456, "1,234.56"},
		{100000000, "1,000,000.00"},
		{-250, "-2.50"},
		{INT64_MAX, "92,233,720,368,547,758.07"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct strbuf h;

		strbuf_init(&h);
		html_money(&h, cases[i].minor);
		assert_string_equal(h.data, cases[i].text);
		strbuf_free(&h);
	}
}

static void test_confirmation(void **state)
{
	json_error_t jerr;
	json_t *order = json_loads(
		"{\"id\": 7, \"key\": \"k<1>\", \"status\": \"accepted\","
		" \"created_at\": \"2026-11-26T10:00:00.000Z\", \"note\": \"\","
		" \"placed_local\": \"2026-11-26 18:00\","
		" \"ship_to\": null, \"on_behalf\": true, \"placed_by_name\": "
		"\"陳<志明>\","
		" \"fair\": {\"name\": \"春夏\", \"season\": \"2027SS\", "
		"\"currency\": \"CNY\", \"zone\": \"Asia/Shanghai (UTC+8)\"},"
		" \"dealer\": {\"name\": \"A&B\", \"code\": \"D1\"},"
		" \"products\": [{\"style\": \"S1\", \"name\": \"外套\", "
		"\"name_en\": \"Coat\", \"lines\": ["
		"  {\"size\": \"M\", \"color\": \"白\", \"qty\": 1, \"price\": "
		"1000},"
		"  {\"size\": \"L\", \"color\": \"白\", \"qty\": 2, \"price\": "
		"1000},"
		"  {\"size\": \"M\", \"color\": \"黑\", \"qty\": 3, \"price\": "
		"1000}]}]}",
		0, &jerr);
	struct strbuf h;

	(void)state;
	assert_non_null(order);
	strbuf_init(&h);
	html_order_confirmation(&h, order, LANG_HANS);
	assert_non_null(h.data);
	assert_non_null(strstr(h.data, "<html lang=\"zh-Hans\">"));
	assert_non_null(strstr(h.data, "A&amp;B"));
	assert_non_null(strstr(h.data, "k&lt;1&gt;"));
	assert_non_null(strstr(h.data, "<th>M</th><th>L</th>"));
	/* 白: M 1, L 2 = 3 units, 30.00; 黑: M 3, no L */
	assert_non_null(strstr(h.data,
			       "<td>白</td><td>1</td><td>2</td><td>3</td>"
			       "<td>10.00</td><td>30.00</td>"));
	assert_non_null(
		strstr(h.data, "<td>黑</td><td>3</td><td></td><td>3</td>"));
	assert_non_null(strstr(h.data, "合计：6 件，CNY 60.00"));
	assert_non_null(strstr(h.data, "收货地址</td><td>—"));
	assert_non_null(strstr(h.data, "代下单</td><td>陳&lt;志明&gt;"));
	assert_non_null(strstr(h.data, "状态</td><td>已接单"));
	assert_non_null(strstr(h.data, "<th>金额 (CNY)</th>"));
	/* the fair's clock and its zone */
	assert_non_null(strstr(h.data, "下单时间</td><td>2026-11-26 18:00 "
				       "Asia/Shanghai (UTC+8)"));
	assert_null(strstr(h.data, "折扣")); /* no discount, no columns */
	strbuf_free(&h);

	strbuf_init(&h);
	html_order_confirmation(&h, order, LANG_EN);
	assert_non_null(strstr(h.data, "<html lang=\"en\">"));
	assert_non_null(strstr(h.data, "Status</td><td>Accepted"));
	assert_non_null(strstr(h.data, "Total: 6 units, CNY 60.00"));
	assert_non_null(strstr(h.data, "<h2 class=\"product\">S1 Coat</h2>"));
	assert_null(strstr(h.data, "件"));
	strbuf_free(&h);

	strbuf_init(&h);
	html_order_confirmation(&h, order, LANG_HANT);
	assert_non_null(strstr(h.data, "狀態</td><td>已接單"));
	assert_non_null(strstr(h.data, "合計：6 件，CNY 60.00"));
	assert_non_null(strstr(h.data, "<h2 class=\"product\">S1 外套</h2>"));
	strbuf_free(&h);
	json_decref(order);
}

/* An order with a discount: each colour's share and what remains. */
static void test_confirmation_discount(void **state)
{
	json_error_t jerr;
	json_t *order = json_loads(
		"{\"id\": 9, \"key\": \"k\", \"status\": \"shipped\","
		" \"discount\": 500, \"payable\": 5500,"
		" \"discounts\": {\"early\": 0, \"tier\": 500, \"coupon\": 0},"
		" \"fair\": {\"name\": \"x\", \"season\": \"x\","
		" \"currency\": \"CNY\"}, \"dealer\": {\"name\": \"x\"},"
		" \"products\": [{\"style\": \"S1\", \"name\": \"x\", "
		"\"lines\": ["
		"  {\"size\": \"M\", \"color\": \"白\", \"qty\": 3, \"price\": "
		"1000,"
		"   \"discount\": 250},"
		"  {\"size\": \"M\", \"color\": \"黑\", \"qty\": 3, \"price\": "
		"1000,"
		"   \"discount\": 250}]}]}",
		0, &jerr);
	struct strbuf h;

	(void)state;
	assert_non_null(order);
	strbuf_init(&h);
	html_order_confirmation(&h, order, LANG_HANS);
	assert_non_null(
		strstr(h.data, "<th>折扣 (CNY)</th><th>应付 (CNY)</th>"));
	assert_non_null(strstr(h.data, "<td>白</td><td>3</td><td>3</td>"
				       "<td>10.00</td><td>30.00</td>"
				       "<td>2.50</td><td>27.50</td>"));
	assert_non_null(strstr(h.data, "状态</td><td>已发货"));
	assert_non_null(strstr(h.data, "订货政策折扣</th><td>CNY −5.00"));
	assert_non_null(strstr(h.data, "应付</th><td>CNY 55.00"));
	strbuf_free(&h);
	json_decref(order);
}

static void test_lang_from_query(void **state)
{
	(void)state;
	assert_int_equal(lang_from_query(NULL), LANG_HANS);
	assert_int_equal(lang_from_query(""), LANG_HANS);
	assert_int_equal(lang_from_query("lang=en"), LANG_EN);
	assert_int_equal(lang_from_query("width=3&lang=zh-Hant"), LANG_HANT);
	assert_int_equal(lang_from_query("lang=zh-Hans&x=1"), LANG_HANS);
	assert_int_equal(lang_from_query("lang=english"), LANG_HANS);
	assert_int_equal(lang_from_query("xlang=en"), LANG_HANS);
	assert_string_equal(lang_tag(LANG_EN), "en");
	assert_string_equal(lang_tag(LANG_HANT), "zh-Hant");
}

/* Amounts no order can reach (the database refuses such prices) are drawn
 * without undefined behaviour: UBSan would stop this test in make test-asan. */
static void test_huge_amount(void **state)
{
	json_error_t jerr;
	json_t *order = json_loads(
		"{\"id\": 8, \"key\": \"k\", \"status\": \"accepted\","
		" \"created_at\": \"2026-11-26T10:00:00.000Z\", \"note\": \"\","
		" \"ship_to\": null, \"fair\": {\"name\": \"x\", \"season\": "
		"\"x\","
		" \"currency\": \"CNY\"}, \"dealer\": {\"name\": \"x\", "
		"\"code\": \"D1\"},"
		" \"products\": [{\"style\": \"S1\", \"name\": \"x\", "
		"\"lines\": ["
		"  {\"size\": \"M\", \"color\": \"白\", \"qty\": 12000,"
		"   \"price\": 1000000000000000},"
		"  {\"size\": \"L\", \"color\": \"白\", \"qty\": 100000,"
		"   \"price\": 1000000000000000}]}]}",
		0, &jerr);
	struct strbuf h;

	(void)state;
	assert_non_null(order);
	strbuf_init(&h);
	html_order_confirmation(&h, order, LANG_HANS);
	assert_non_null(h.data);
	assert_non_null(
		strstr(h.data, "112000 件")); /* the units, still right */
	strbuf_free(&h);
	json_decref(order);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_is_escaped),
		cmocka_unit_test(test_money),
		cmocka_unit_test(test_confirmation),
		cmocka_unit_test(test_huge_amount),
		cmocka_unit_test(test_confirmation_discount),
		cmocka_unit_test(test_lang_from_query),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
