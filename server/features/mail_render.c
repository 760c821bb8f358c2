/* mail_render.c - templates and the RFC 5322 text of a mail (see
 * mail_render.h). */
#include "features/mail_render.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/money.h"

enum lang { ZH_HANS, ZH_HANT, EN, LANGS };

struct template
{
	const char *kind;
	const char *subject[LANGS];
	const char *body[LANGS];
};

/* {fair_name} and {user_name} are in every message; the rest per kind
 * (PROTOCOL.md, "Messages"). */
static const struct template templates[] = {
	{"product.launched",
	 {"【{fair_name}】新品上架：{name}", "【{fair_name}】新品上架：{name}",
	  "[{fair_name}] Just launched: {name_en}"},
	 {"{user_name}，您好：\n\n{fair_name} 上架了新品「{name}」（款号 "
	  "{style}），"
	  "订货价 {price_text}。\n",
	  "{user_name}，您好：\n\n{fair_name} 上架了新品「{name}」（款號 "
	  "{style}），"
	  "訂貨價 {price_text}。\n",
	  "Dear {user_name},\n\n{fair_name} has just launched {name_en} (style "
	  "{style}) at {price_text}.\n"}},
	{"promotion",
	 {"【{fair_name}】{title}", "【{fair_name}】{title}",
	  "[{fair_name}] {title}"},
	 {"{user_name}，您好：\n\n{title}\n\n{text}\n",
	  "{user_name}，您好：\n\n{title}\n\n{text}\n",
	  "Dear {user_name},\n\n{title}\n\n{text}\n"}},
	{"coupon",
	 {"【{fair_name}】您获得一张优惠券：{name}",
	  "【{fair_name}】您獲得一張優惠券：{name}",
	  "[{fair_name}] A coupon for you: {name}"},
	 {"{user_name}，您好：\n\n您获得一张优惠券「{name}」（{terms}），券码 "
	  "{code}，"
	  "有效期至 {valid_until}。下单时选择即可使用。\n",
	  "{user_name}，您好：\n\n您獲得一張優惠券「{name}」（{terms}），券碼 "
	  "{code}，"
	  "有效期至 {valid_until}。下單時選擇即可使用。\n",
	  "Dear {user_name},\n\nYou have a coupon: {name} ({terms}), code "
	  "{code}, "
	  "valid until {valid_until}. Choose it when you place an order.\n"}},
	{"fair.reminder",
	 {"【{fair_name}】{when_text}", "【{fair_name}】{when_text}",
	  "[{fair_name}] {when_text}"},
	 {"{user_name}，您好：\n\n{fair_name}{when_text}（{starts_at}，"
	  "{timezone}）。届时请登录订货。\n",
	  "{user_name}，您好：\n\n{fair_name}{when_text}（{starts_at}，"
	  "{timezone}）。屆時請登入訂貨。\n",
	  "Dear {user_name},\n\n{fair_name} {when_text} ({starts_at}, "
	  "{timezone}). Log in then to order.\n"}},
	{"order.status",
	 {"订单 {order}：{status_text}", "訂單 {order}：{status_text}",
	  "Order {order}: {status_text}"},
	 {"{user_name}，您好：\n\n您在 {fair_name} 的订单 {order} "
	  "{status_text}。{shipping}\n",
	  "{user_name}，您好：\n\n您在 {fair_name} 的訂單 {order} "
	  "{status_text}。{shipping}\n",
	  "Dear {user_name},\n\nYour order {order} at {fair_name} "
	  "{status_text}."
	  "{shipping}\n"}},
	{"chat.answer",
	 {"【{fair_name}】您的提问有了回复", "【{fair_name}】您的提問有了回覆",
	  "[{fair_name}] Your question was answered"},
	 {"{user_name}，您好：\n\n问：{question}\n答：{answer}\n",
	  "{user_name}，您好：\n\n問：{question}\n答：{answer}\n",
	  "Dear {user_name},\n\nQ: {question}\nA: {answer}\n"}},
};

static const char *const footer[LANGS] = {
	"\n——\n不想再收到此类邮件？退订：{unsubscribe}\n",
	"\n——\n不想再收到此類郵件？退訂：{unsubscribe}\n",
	"\n--\nUnsubscribe from these mails: {unsubscribe}\n",
};

/* An order's statuses, as the sentence "your order N <text>" ends. */
static const struct {
	const char *status;
	const char *text[LANGS];
} statuses[] = {
	{"accepted", {"已接单", "已接單", "was accepted"}},
	{"reviewed", {"已审核", "已審核", "was reviewed"}},
	{"shipped", {"已发货", "已發貨", "was shipped"}},
	{"in_transit", {"运输中", "運輸中", "is on its way"}},
	{"delivered", {"已送达", "已送達", "was delivered"}},
	{"rejected", {"未通过审核", "未通過審核", "was rejected"}},
	{"cancelled", {"已取消", "已取消", "was cancelled"}},
};

static enum lang lang_of(const char *lang)
{
	if (lang && !strcmp(lang, "en"))
		return EN;
	if (lang && !strcmp(lang, "zh-Hant"))
		return ZH_HANT;
	return ZH_HANS;
}

static const char *str(const json_t *params, const char *name)
{
	const char *s = json_string_value(json_object_get(params, name));

	return s ? s : "";
}

/* A coupon's terms (coupons.sql's message): "滿 ¥2,000.00 減 ¥200.00",
 * "9.5 折" or "5% off, at most …" into {terms}. */
static void coupon_terms(json_t *p, enum lang l)
{
	json_t *off = json_object_get(p, "amount_off");
	json_t *bp = json_object_get(p, "percent_bp");
	json_t *cap = json_object_get(p, "cap");
	const char *cur = *str(p, "currency") ? str(p, "currency") : "CNY";
	char a[MONEY_TEXT_MAX], b[MONEY_TEXT_MAX], line[256];

	if (json_is_integer(off)) {
		money_text(a, json_integer_value(off), true);
		money_text(b,
			   json_integer_value(json_object_get(p, "threshold")),
			   true);
		snprintf(line, sizeof line,
			 l == EN ? "%s %s off orders from %s %s"
				 : (l == ZH_HANT ? "滿 %s %s 減 %s %s"
						 : "满 %s %s 减 %s %s"),
			 cur, l == EN ? a : b, cur, l == EN ? b : a);
	} else if (json_is_integer(bp)) {
		long long v = json_integer_value(bp);

		if (l == EN)
			snprintf(line, sizeof line, "%lld.%02lld%% off",
				 v / 100, v % 100);
		else /* 500 bp off: 9.5 折 */
			snprintf(line, sizeof line, "%lld.%lld 折",
				 (10000 - v) / 1000, (10000 - v) / 100 % 10);
		if (json_is_integer(cap)) {
			size_t n = strlen(line);

			money_text(a, json_integer_value(cap), true);
			snprintf(line + n, sizeof line - n,
				 l == EN ? ", at most %s %s"
					 : (l == ZH_HANT ? "，最多減 %s %s"
							 : "，最多减 %s %s"),
				 cur, a);
		}
	} else {
		return;
	}
	json_object_set_new(p, "terms", json_string(line));
}

/* The words this module adds to the params. */
static void derive(json_t *p, enum lang l, const char *unsubscribe)
{
	const char *status = str(p, "status");
	const char *when = str(p, "when");
	json_t *price = json_object_get(p, "price");
	char buf[MONEY_TEXT_MAX + 8], line[512];

	for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
		if (!strcmp(status, statuses[i].status))
			json_object_set_new(p, "status_text",
					    json_string(statuses[i].text[l]));
	if (!strcmp(when, "day") || !strcmp(when, "hour")) {
		static const char *const text[2][LANGS] = {
			{"将于明天开幕", "將於明天開幕", "opens tomorrow"},
			{"将于一小时后开幕", "將於一小時後開幕",
			 "opens within the hour"},
		};
		json_object_set_new(
			p, "when_text",
			json_string(text[!strcmp(when, "hour")][l]));
	}
	if (json_is_integer(price)) {
		money_text(buf, json_integer_value(price), true);
		snprintf(line, sizeof line, "%s %s",
			 json_string_value(json_object_get(p, "currency"))
				 ? str(p, "currency")
				 : "CNY",
			 buf);
		json_object_set_new(p, "price_text", json_string(line));
	}
	if (*str(p, "tracking")) {
		snprintf(line, sizeof line,
			 l == EN ? " Carrier %s, tracking number %s."
				 : (l == ZH_HANT ? "承運商 %s，運單號 %s。"
						 : "承运商 %s，运单号 %s。"),
			 str(p, "carrier"), str(p, "tracking"));
		json_object_set_new(p, "shipping", json_string(line));
	}
	if (!*str(p, "name") && *str(p, "title")) /* a coupon's name */
		json_object_set(p, "name", json_object_get(p, "title"));
	coupon_terms(p, l);
	if (l == EN && !*str(p, "name_en") && *str(p, "name"))
		json_object_set(p, "name_en", json_object_get(p, "name"));
	if (l == EN && *str(p, "fair_name_en")) /* the fair's English name */
		json_object_set(p, "fair_name",
				json_object_get(p, "fair_name_en"));
	json_object_set_new(p, "unsubscribe", json_string(unsubscribe));
}

/* Appends template t with each {name} replaced. An unknown or unclosed
 * brace stays as it is. */
static void fill(struct strbuf *out, const char *t, const json_t *params)
{
	while (*t) {
		const char *open = strchr(t, '{');
		const char *close = open ? strchr(open, '}') : NULL;
		char name[64];
		json_t *v;

		if (!open || !close ||
		    (size_t)(close - open - 1) >= sizeof name) {
			strbuf_addstr(out, t);
			return;
		}
		strbuf_add(out, t, (size_t)(open - t));
		memcpy(name, open + 1, (size_t)(close - open - 1));
		name[close - open - 1] = '\0';
		v = json_object_get(params, name);
		if (json_is_string(v)) {
			strbuf_addstr(out, json_string_value(v));
		} else if (json_is_integer(v)) {
			char n[32];

			snprintf(n, sizeof n, "%lld",
				 (long long)json_integer_value(v));
			strbuf_addstr(out, n);
		}
		t = close + 1;
	}
}

/* A subject's template without its "【{fair_name}】" or "[{fair_name}] "
 * head when the message is of no fair (a promotion to every dealer): not
 * "【】…". */
static const char *subject_of(const char *tpl, const json_t *p)
{
	static const char *const heads[] = {"【{fair_name}】",
					    "[{fair_name}] "};

	if (*str(p, "fair_name"))
		return tpl;
	for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++)
		if (!strncmp(tpl, heads[i], strlen(heads[i])))
			return tpl + strlen(heads[i]);
	return tpl;
}

int mail_render(const char *kind, const char *lang, const json_t *params,
		const char *unsubscribe_url, struct strbuf *subject,
		struct strbuf *body)
{
	enum lang l = lang_of(lang);
	const struct template *t = NULL;
	json_t *p;

	for (size_t i = 0; i < sizeof templates / sizeof templates[0]; i++)
		if (!strcmp(kind, templates[i].kind))
			t = &templates[i];
	if (!t)
		return -1;
	p = json_is_object(params) ? json_deep_copy(params) : json_object();
	derive(p, l, unsubscribe_url ? unsubscribe_url : "");
	fill(subject, subject_of(t->subject[l], p), p);
	fill(body, t->body[l], p);
	if (unsubscribe_url && *unsubscribe_url)
		fill(body, footer[l], p);
	json_decref(p);
	/* a subject is one line: whatever a param held */
	for (size_t i = 0; subject->data && i < subject->len; i++)
		if (subject->data[i] == '\r' || subject->data[i] == '\n')
			subject->data[i] = ' ';
	return 0;
}

void mail_base64(struct strbuf *out, const unsigned char *p, size_t n)
{
	static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqr"
				  "stuvwxyz0123456789+/";
	char q[4];

	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16;

		if (i + 1 < n)
			v |= (unsigned)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		q[0] = abc[(v >> 18) & 63];
		q[1] = abc[(v >> 12) & 63];
		q[2] = i + 1 < n ? abc[(v >> 6) & 63] : '=';
		q[3] = i + 2 < n ? abc[v & 63] : '=';
		strbuf_add(out, q, 4);
	}
}

/* RFC 2047 encoded words of at most 45 bytes of UTF-8 each (60 characters
 * of base64, 72 with their frame), never cutting a character, folded. */
static void encoded_words(struct strbuf *out, const char *s)
{
	size_t n = strlen(s), at = 0;
	bool first = true;

	while (at < n) {
		size_t take = n - at > 45 ? 45 : n - at;

		while (at + take < n && take > 0 &&
		       ((unsigned char)s[at + take] & 0xC0) == 0x80)
			take--; /* back to a character's first byte */
		if (!first)
			strbuf_addstr(out, "\r\n ");
		strbuf_addstr(out, "=?UTF-8?B?");
		mail_base64(out, (const unsigned char *)s + at, take);
		strbuf_addstr(out, "?=");
		at += take;
		first = false;
	}
}

static bool address_ok(const char *a)
{
	return a && *a && !strpbrk(a, "\r\n<>\"");
}

int mail_compose(const struct mail_head *h, const char *subject,
		 const char *body, struct strbuf *out)
{
	char line[1200], date[64];
	const char *domain = h->from ? strrchr(h->from, '@') : NULL;
	time_t secs = (time_t)(h->created_ms / 1000);
	struct tm tm;
	struct strbuf crlf, b64;

	if (!address_ok(h->from) || !address_ok(h->to) ||
	    (h->unsubscribe_post && strpbrk(h->unsubscribe_post, "\r\n<>")))
		return -1;
	gmtime_r(&secs, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
	strbuf_addstr(out, "From: ");
	if (h->from_name && *h->from_name) {
		encoded_words(out, h->from_name);
		strbuf_addstr(out, " ");
	}
	snprintf(line, sizeof line, "<%s>\r\nTo: <%s>\r\nSubject: ", h->from,
		 h->to);
	strbuf_addstr(out, line);
	encoded_words(out, subject);
	snprintf(line, sizeof line,
		 "\r\nDate: %s\r\nMessage-ID: <outbox-%lld.%lld@%s>\r\n"
		 "MIME-Version: 1.0\r\n"
		 "Content-Type: text/plain; charset=UTF-8\r\n"
		 "Content-Transfer-Encoding: base64\r\n"
		 "X-Fair-Message: %s\r\n",
		 date, (long long)h->outbox_id, (long long)h->created_ms,
		 domain ? domain + 1 : "localhost",
		 h->kind && !strpbrk(h->kind, "\r\n") ? h->kind : "message");
	strbuf_addstr(out, line);
	if (h->unsubscribe_post && *h->unsubscribe_post) {
		snprintf(
			line, sizeof line,
			"List-Unsubscribe: <%s>\r\n"
			"List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n",
			h->unsubscribe_post);
		strbuf_addstr(out, line);
	}
	strbuf_addstr(out, "\r\n");
	/* the body with CRLF line ends, in base64 lines of 76 */
	strbuf_init(&crlf);
	for (const char *p = body; *p; p++) {
		if (*p == '\n' && (p == body || p[-1] != '\r'))
			strbuf_add(&crlf, "\r", 1);
		strbuf_add(&crlf, p, 1);
	}
	strbuf_init(&b64);
	if (crlf.len)
		mail_base64(&b64, (const unsigned char *)crlf.data, crlf.len);
	for (size_t i = 0; i < b64.len; i += 76) {
		strbuf_add(out, b64.data + i,
			   b64.len - i > 76 ? 76 : b64.len - i);
		strbuf_addstr(out, "\r\n");
	}
	strbuf_free(&crlf);
	strbuf_free(&b64);
	return 0;
}
