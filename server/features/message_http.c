/* message_http.c - the unsubscribe link and the ERP download (see
 * message_http.h). */
#include "features/message_http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "base/html.h"
#include "base/log.h"
#include "base/query.h"
#include "base/strbuf.h"
#include "base/xalloc.h"
#include "db/pg.h"
#include "features/erp_export.h"
#include "rpc/dispatch.h"
#include "server.h"

static bool digits(const char *s)
{
	if (!*s || strlen(s) > 18)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* ---- the unsubscribe link ---- */

/* Each kind in Simplified and Traditional Chinese and English: the pages
 * say all three (the link comes from a mail in any of them). */
static const struct {
	const char *kind, *hans, *hant, *en;
} kinds[] = {
	{"product.launched", "新品上架", "新品上架", "new products"},
	{"promotion", "促销活动", "促銷活動", "promotions"},
	{"coupon", "优惠券", "優惠券", "coupons"},
	{"fair.reminder", "开幕提醒", "開幕提醒", "fair reminders"},
	{"order.status", "订单状态", "訂單狀態", "order status"},
	{"chat.answer", "问答回复", "問答回覆", "answers to your questions"},
};

#define UNSUBSCRIBE_TITLE "退订 / 退訂 / Unsubscribe"
#define LINK_NOT_VALID \
	"<h1>此链接无效 / 此連結無效 / This link is not valid</h1>\n"

struct unsubscribe {
	uint64_t http_id;
	int kind;
};

static void page(uint64_t id, int status, const char *title,
		 const char *body_html)
{
	struct strbuf h;

	strbuf_init(&h);
	html_page_start(&h, title);
	html_raw(&h, body_html);
	html_page_end(&h);
	http_finish_page(id, status, h.data, h.len);
	strbuf_free(&h);
}

static void unsubscribed(void *arg, enum pg_outcome outcome,
			 const PGresult *res)
{
	struct unsubscribe *u = arg;
	struct strbuf h;

	if (outcome != PG_DONE || PQresultStatus(res) != PGRES_TUPLES_OK) {
		if (outcome == PG_DONE)
			LOG(LOG_WARN, "unsubscribe: %s",
			    PQresultErrorMessage(res));
		http_fail(u->http_id, ERR_UNAVAILABLE,
			  "cannot unsubscribe now: try again");
	} else if (strcmp(PQgetvalue(res, 0, 0), "t")) {
		page(u->http_id, 404, UNSUBSCRIBE_TITLE, LINK_NOT_VALID);
	} else {
		strbuf_init(&h);
		html_raw(&h, "<h1>已退订 / 已退訂 / Unsubscribed</h1>\n"
			     "<p lang=\"zh-Hans\">不再以邮件发送「");
		html_text(&h, kinds[u->kind].hans);
		html_raw(&h, "」；站内信照常。</p>\n<p lang=\"zh-Hant\">"
			     "不再以郵件寄送「");
		html_text(&h, kinds[u->kind].hant);
		html_raw(&h,
			 "」；站內信照常。</p>\n<p lang=\"en\">You will get "
			 "no more mail about ");
		html_text(&h, kinds[u->kind].en);
		html_raw(&h,
			 "; your inbox still shows them. Choose again under "
			 "Inbox on the fair's pages.</p>\n");
		page(u->http_id, 200, UNSUBSCRIBE_TITLE, h.data);
		strbuf_free(&h);
	}
	free(u);
}

/* The link's user, kind and token; the kind's index, or -1 (answered 404
 * then). */
static int link_of(const struct http_call *call, char user[24], char kind[32],
		   char token[40])
{
	int k = -1;

	if (query_copy(call->query, "u", user, 24) > 0 &&
	    query_copy(call->query, "k", kind, 32) > 0 &&
	    query_copy(call->query, "t", token, 40) > 0 && digits(user) &&
	    strlen(token) == 36 && strspn(token, "0123456789abcdef-") == 36)
		for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
			if (!strcmp(kind, kinds[i].kind))
				k = (int)i;
	if (k < 0)
		page(call->id, 404, UNSUBSCRIBE_TITLE, LINK_NOT_VALID);
	return k;
}

void unsubscribe_http_ask(const struct http_call *call)
{
	char user[24], kind[32], token[40];
	struct strbuf h;
	int k = link_of(call, user, kind, token);

	if (k >= 0) { /* ask, change nothing */
		strbuf_init(&h);
		html_raw(&h, "<h1>退订邮件 / 退訂郵件 / Unsubscribe</h1>\n"
			     "<p lang=\"zh-Hans\">不再以邮件发送「");
		html_text(&h, kinds[k].hans);
		html_raw(&h, "」？</p>\n<p lang=\"zh-Hant\">不再以郵件寄送「");
		html_text(&h, kinds[k].hant);
		html_raw(&h, "」？</p>\n<p lang=\"en\">Stop mail about ");
		html_text(&h, kinds[k].en);
		html_raw(&h, "?</p>\n<form method=\"post\" "
			     "action=\"" UNSUBSCRIBE_POST_PATH "?u=");
		html_text(&h, user);
		html_raw(&h, "&amp;k=");
		html_text(&h, kind);
		html_raw(&h, "&amp;t=");
		html_text(&h, token);
		html_raw(&h,
			 "\"><input type=\"hidden\" name=\"List-Unsubscribe\" "
			 "value=\"One-Click\"><button type=\"submit\">退订 / "
			 "退訂 / Unsubscribe</button></form>\n");
		page(call->id, 200, UNSUBSCRIBE_TITLE, h.data);
		strbuf_free(&h);
	}
}

void unsubscribe_http(const struct http_call *call)
{
	char user[24], kind[32], token[40];
	int k = link_of(call, user, kind, token);

	if (k >= 0) {
		struct unsubscribe *u = xmalloc(sizeof *u);
		const char *params[3] = {user, kinds[k].kind, token};

		u->http_id = call->id;
		u->kind = k;
		if (pg_query(srv.db,
			     "SELECT inbox_unsubscribe($1::bigint, $2, "
			     "$3::uuid)",
			     3, params, unsubscribed, u)) {
			free(u);
			http_fail(call->id, ERR_UNAVAILABLE,
				  "cannot unsubscribe now: try again");
		}
	}
}

/* ---- the ERP download ---- */

struct erp_request {
	uint64_t http_id;
	int64_t fair;
	enum erp_layout layout;
};

static void no_drain(uint64_t id, void *arg)
{
	(void)id;
	(void)arg;
}

static void erp_rows(void *arg, enum pg_outcome outcome, const PGresult *res)
{
	struct erp_request *rq = arg;
	struct strbuf csv;
	char name[64];
	int64_t order = 0, running = 0;

	if (outcome != PG_DONE || PQresultStatus(res) != PGRES_TUPLES_OK) {
		if (outcome == PG_DONE)
			LOG(LOG_WARN, "erp export: %s",
			    PQresultErrorMessage(res));
		http_fail(rq->http_id, ERR_UNAVAILABLE,
			  "the export cannot be read now: try again");
		free(rq);
		return;
	}
	strbuf_init(&csv);
	erp_header(rq->layout, &csv);
	for (int i = 0; i < PQntuples(res); i++) {
		struct erp_line l = {
			.order_id = atoll(PQgetvalue(res, i, 0)),
			.order_date = PQgetvalue(res, i, 1),
			.dealer_code = PQgetvalue(res, i, 2),
			.dealer_name = PQgetvalue(res, i, 3),
			.style = PQgetvalue(res, i, 4),
			.product_name = PQgetvalue(res, i, 5),
			.size = PQgetvalue(res, i, 6),
			.color = PQgetvalue(res, i, 7),
			.qty = atoll(PQgetvalue(res, i, 8)),
			.price = atoll(PQgetvalue(res, i, 9)),
			.amount = atoll(PQgetvalue(res, i, 10)),
			.note = PQgetvalue(res, i, 12),
			.currency = PQgetvalue(res, i, 13),
			.fair_id = rq->fair,
		};

		if (l.order_id != order) {
			order = l.order_id;
			running = 0;
		}
		l.discount = erp_discount_share(atoll(PQgetvalue(res, i, 14)),
						atoll(PQgetvalue(res, i, 11)),
						running, l.amount);
		running += l.amount;
		erp_row(rq->layout, &l, &csv);
	}
	snprintf(name, sizeof name, "fair-%lld-%s.csv", (long long)rq->fair,
		 rq->layout == ERP_U8 ? "u8" : "gjp");
	if (!http_stream_begin(rq->http_id, 200, "text/csv; charset=utf-8",
			       name, no_drain, NULL) &&
	    http_stream_write(rq->http_id, csv.data, csv.len) >= 0)
		http_stream_end(rq->http_id, false);
	strbuf_free(&csv);
	free(rq);
}

/* The session's user may export (an admin): read the rows. */
static void erp_authorized(void *arg, struct auth_user *user, int status)
{
	struct erp_request *rq = arg;
	char fair[24];
	const char *params[1] = {fair};

	if (!auth_http_allow(rq->http_id, user, status, ROLE_ADMIN,
			     "only administrators export orders to the ERP")) {
		free(rq);
		return;
	}
	snprintf(fair, sizeof fair, "%lld", (long long)rq->fair);
	/* one statement: lines and discounts of one snapshot, in the
	 * lines' order */
	if (pg_query(srv.db,
		     "WITH l AS (SELECT *, row_number() OVER () AS n FROM "
		     "erp_order_lines($1::bigint)) "
		     "SELECT l.order_id, l.order_date, l.dealer_code, "
		     "l.dealer_name, l.style, l.product_name, l.size, l.color, "
		     "l.qty, l.price, l.amount, l.order_total, l.note, "
		     "l.currency, coalesce(d.discount, 0) FROM l LEFT JOIN "
		     "erp_order_discounts($1::bigint) d USING (order_id) "
		     "ORDER BY l.n",
		     1, params, erp_rows, rq)) {
		http_fail(rq->http_id, ERR_UNAVAILABLE,
			  "the export cannot be read now: try again");
		free(rq);
	}
}

void erp_http(const struct http_call *call)
{
	const char *fair = call->path + strlen(ERP_PATH_PREFIX);
	char layout[16];
	struct erp_request *rq;
	int l = -1;

	if (query_copy(call->query, "layout", layout, sizeof layout) > 0)
		l = erp_layout_parse(layout);
	if (!digits(fair) || l < 0) {
		http_fail(call->id, ERR_BAD_REQUEST,
			  "GET /api/erp/<fair>?layout=u8|gjp");
		return;
	}
	rq = xmalloc(sizeof *rq);
	rq->http_id = call->id;
	rq->fair = atoll(fair);
	rq->layout = (enum erp_layout)l;
	auth_http_user(call->session, erp_authorized, rq);
}
