/* test_mail_render.c - a message's words per language, and the mail as a
 * relay takes it: encoded subject, base64 body, headers that no param can
 * add to. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "features/mail_render.h"

static json_t *params(const char *text)
{
	json_error_t e;
	json_t *p = json_loads(text, 0, &e);

	assert_non_null(p);
	return p;
}

static void render(const char *kind, const char *lang, const char *json,
		   struct strbuf *subject, struct strbuf *body)
{
	json_t *p = params(json);

	strbuf_init(subject);
	strbuf_init(body);
	assert_int_equal(mail_render(kind, lang, p, "https://f.example/u?t=1",
				     subject, body),
			 0);
	json_decref(p);
}

static void test_order_status_in_three_languages(void **state)
{
	const char *p =
		"{\"fair_name\":\"春季訂貨會\",\"user_name\":\"陳店長\","
		"\"order\":12,\"status\":\"shipped\",\"carrier\":\"順豐\","
		"\"tracking\":\"SF1\"}";
	struct strbuf s, b;

	(void)state;
	render("order.status", "zh-Hans", p, &s, &b);
	assert_string_equal(s.data, "订单 12：已发货");
	assert_non_null(strstr(b.data, "陳店長，您好"));
	assert_non_null(strstr(b.data, "您在 春季訂貨會 的订单 12 已发货。"));
	assert_non_null(strstr(b.data, "承运商 順豐，运单号 SF1。"));
	assert_non_null(strstr(b.data, "退订：https://f.example/u?t=1"));
	strbuf_free(&s);
	strbuf_free(&b);
	render("order.status", "zh-Hant", p, &s, &b);
	assert_string_equal(s.data, "訂單 12：已發貨");
	assert_non_null(strstr(b.data, "退訂：https://f.example/u?t=1"));
	strbuf_free(&s);
	strbuf_free(&b);
	render("order.status", "en", p, &s, &b);
	assert_string_equal(s.data, "Order 12: was shipped");
	assert_non_null(strstr(b.data, "Dear 陳店長,"));
	assert_non_null(strstr(b.data, "Carrier 順豐, tracking number SF1."));
	assert_non_null(strstr(b.data, "Unsubscribe from these mails: "));
	strbuf_free(&s);
	strbuf_free(&b);
}

static void test_every_kind_renders_and_missing_params_are_empty(void **state)
{
	static const char *const kinds[] = {"product.launched", "promotion",
					    "coupon",           "fair.reminder",
					    "order.status",     "chat.answer"};
	struct strbuf s, b;

	(void)state;
	for (size_t i = 0; i < 6; i++) {
		render(kinds[i], "fr", "{}", &s, &b); /* fr: Simplified */
		assert_non_null(s.data);
		assert_null(strchr(s.data, '{'));
		assert_null(strchr(b.data, '{'));
		strbuf_free(&s);
		strbuf_free(&b);
	}
	strbuf_init(&s);
	strbuf_init(&b);
	assert_int_equal(mail_render("nonsense", "en", NULL, NULL, &s, &b), -1);
	strbuf_free(&s);
	strbuf_free(&b);
}

static void test_derived_words(void **state)
{
	struct strbuf s, b;

	(void)state;
	render("fair.reminder", "zh-Hans",
	       "{\"fair_name\":\"秋冬會\",\"when\":\"hour\",\"starts_at\":"
	       "\"2027-01-02T02:00:00.000Z\",\"timezone\":\"Asia/Shanghai\"}",
	       &s, &b);
	assert_string_equal(s.data, "【秋冬會】将于一小时后开幕");
	strbuf_free(&s);
	strbuf_free(&b);
	/* the fair's English name in English, its name in Chinese */
	render("fair.reminder", "en",
	       "{\"fair_name\":\"秋冬會\",\"fair_name_en\":\"Autumn fair\","
	       "\"when\":\"day\"}",
	       &s, &b);
	assert_string_equal(s.data, "[Autumn fair] opens tomorrow");
	assert_non_null(strstr(b.data, "Autumn fair opens tomorrow"));
	strbuf_free(&s);
	strbuf_free(&b);
	render("fair.reminder", "zh-Hant",
	       "{\"fair_name\":\"秋冬會\",\"fair_name_en\":\"Autumn fair\","
	       "\"when\":\"day\"}",
	       &s, &b);
	assert_string_equal(s.data, "【秋冬會】將於明天開幕");
	strbuf_free(&s);
	strbuf_free(&b);
	render("product.launched", "en",
	       "{\"fair_name\":\"F\",\"name\":\"風衣\",\"style\":\"S1\","
	       "\"price\":123450,\"currency\":\"CNY\"}",
	       &s, &b);
	assert_string_equal(s.data, "[F] Just launched: 風衣"); /* no name_en */
	assert_non_null(strstr(b.data, "at CNY 1,234.50."));
	strbuf_free(&s);
	strbuf_free(&b);
	/* a coupon as coupons.sql sends it: its terms in words */
	render("coupon", "zh-Hant",
	       "{\"fair_name\":\"F\",\"name\":\"開幕券\",\"code\":\"OPEN200\","
	       "\"amount_off\":20000,\"threshold\":200000,\"currency\":\"CNY\","
	       "\"valid_until\":\"2027-03-01T00:00:00.000Z\"}",
	       &s, &b);
	assert_string_equal(s.data, "【F】您獲得一張優惠券：開幕券");
	assert_non_null(strstr(
		b.data,
		"「開幕券」（滿 CNY 2,000.00 減 CNY 200.00），券碼 OPEN200"));
	strbuf_free(&s);
	strbuf_free(&b);
	render("coupon", "en",
	       "{\"name\":\"Early\",\"code\":\"E5\",\"percent_bp\":500,\"cap\":"
	       "100000}",
	       &s, &b);
	assert_non_null(strstr(
		b.data, "Early (5.00% off, at most CNY 1,000.00), code E5"));
	strbuf_free(&s);
	strbuf_free(&b);
	render("coupon", "zh-Hans", "{\"name\":\"早鸟\",\"percent_bp\":500}",
	       &s, &b);
	assert_non_null(strstr(b.data, "「早鸟」（9.5 折）"));
	strbuf_free(&s);
	strbuf_free(&b);
	/* a promotion of no fair: no empty 【】 or [] before its title */
	render("promotion", "zh-Hans",
	       "{\"title\":\"春季上新\",\"text\":\"x\"}", &s, &b);
	assert_string_equal(s.data, "春季上新");
	strbuf_free(&s);
	strbuf_free(&b);
	render("promotion", "en", "{\"title\":\"New in\",\"text\":\"x\"}", &s,
	       &b);
	assert_string_equal(s.data, "New in");
	strbuf_free(&s);
	strbuf_free(&b);
	render("promotion", "en",
	       "{\"title\":\"New in\",\"fair_name\":\"Spring\"}", &s, &b);
	assert_string_equal(s.data, "[Spring] New in");
	strbuf_free(&s);
	strbuf_free(&b);
	/* a param with a line break cannot make a second subject line */
	render("promotion", "en", "{\"title\":\"a\\r\\nBcc: x@y.z\"}", &s, &b);
	assert_null(strchr(s.data, '\n'));
	assert_null(strchr(s.data, '\r'));
	strbuf_free(&s);
	strbuf_free(&b);
}

static void test_compose(void **state)
{
	struct strbuf out;
	struct mail_head h = {.from = "fair@example.com",
			      .from_name = "訂貨會",
			      .to = "shop@example.com",
			      .unsubscribe_url = "https://f.example/u?t=1",
			      .unsubscribe_post =
				      "https://f.example/u/one-click?t=1",
			      .kind = "order.status",
			      .outbox_id = 42,
			      .created_ms = 1700000000000};

	(void)state;
	strbuf_init(&out);
	assert_int_equal(
		mail_compose(&h, "訂單 12：已取消", "第一行\n第二行\n", &out),
		0);
	assert_non_null(strstr(out.data, "From: =?UTF-8?B?6KiC6LKo5pyD?= "
					 "<fair@example.com>\r\n"));
	assert_non_null(strstr(out.data, "To: <shop@example.com>\r\n"));
	assert_non_null(strstr(
		out.data,
		"Subject: =?UTF-8?B?6KiC5ZauIDEy77ya5bey5Y+W5raI?=\r\n"));
	assert_non_null(
		strstr(out.data, "Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n"));
	assert_non_null(strstr(
		out.data,
		"Message-ID: <outbox-42.1700000000000@example.com>\r\n"));
	assert_non_null(
		strstr(out.data, "Content-Transfer-Encoding: base64\r\n"));
	assert_non_null(strstr(
		out.data,
		"List-Unsubscribe: <https://f.example/u/one-click?t=1>\r\n"
		"List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"));
	/* "第一行\r\n第二行\r\n" */
	assert_non_null(strstr(out.data,
			       "\r\n\r\n56ys5LiA6KGMDQrnrKzkuozooYwNCg==\r\n"));
	strbuf_free(&out);

	/* a long subject: several encoded words, none cut inside a character */
	strbuf_init(&out);
	assert_int_equal(mail_compose(&h,
				      "新品上架新品上架新品上架新品上架新品上架"
				      "新品上架新品上架",
				      "x", &out),
			 0);
	assert_non_null(strstr(out.data, "?=\r\n =?UTF-8?B?"));
	strbuf_free(&out);

	/* an address that would add a header is refused */
	strbuf_init(&out);
	h.to = "a@b.c>\r\nBcc: <x@y.z";
	assert_int_equal(mail_compose(&h, "s", "b", &out), -1);
	assert_int_equal(out.len, 0);
	strbuf_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_status_in_three_languages),
		cmocka_unit_test(
			test_every_kind_renders_and_missing_params_are_empty),
		cmocka_unit_test(test_derived_words),
		cmocka_unit_test(test_compose),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
