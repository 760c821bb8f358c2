/* order_processing.c - the parameters and checks of the processing queue,
 * review, shipping, tracking and priorities, and the printable confirmation
 * (see order_processing.h). */
#include "order/order_processing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "base/html.h"
#include "base/log.h"
#include "base/xalloc.h"
#include "db/pg.h"
#include "rpc/op_sql.h"
#include "server.h"

static const char *const statuses[] = {"accepted",   "reviewed",  "shipped",
				       "in_transit", "delivered", "rejected",
				       "cancelled",  NULL};

const struct param_spec orders_queue_params[] = {
	{"fair", PARAM_ID, false, 0, 0},
	{"status", PARAM_STRING, false, 1, 16},
	{NULL, 0, false, 0, 0},
};

const struct param_spec order_review_params[] = {
	{"order", PARAM_ID, true, 0, 0},
	{"decision", PARAM_STRING, true, 1, 16},
	{"note", PARAM_STRING, false, 0, 1000},
	{NULL, 0, false, 0, 0},
};

const struct param_spec order_ship_params[] = {
	{"order", PARAM_ID, true, 0, 0},
	{"carrier", PARAM_STRING, true, 1, 64},
	{"tracking", PARAM_STRING, true, 1, 64},
	{NULL, 0, false, 0, 0},
};

const struct param_spec order_advance_params[] = {
	{"order", PARAM_ID, true, 0, 0},
	{"status", PARAM_STRING, true, 1, 16},
	{NULL, 0, false, 0, 0},
};

const struct param_spec order_priority_params[] = {
	{"order", PARAM_ID, true, 0, 0},
	{"priority", PARAM_STRING, true, 1, 16},
	{NULL, 0, false, 0, 0},
};

bool orders_queue_check(struct op_call *call)
{
	return op_sql_choice(call, "status", statuses);
}

bool order_review_check(struct op_call *call)
{
	static const char *const decisions[] = {"approve", "reject", NULL};

	return op_sql_choice(call, "decision", decisions);
}

bool order_advance_check(struct op_call *call)
{
	static const char *const steps[] = {"in_transit", "delivered", NULL};

	return op_sql_choice(call, "status", steps);
}

bool order_priority_check(struct op_call *call)
{
	static const char *const priorities[] = {"normal", "high", "urgent",
						 NULL};

	return op_sql_choice(call, "priority", priorities);
}

/* ---- GET /orders/<id>/print ---- */

struct print_req {
	uint64_t http_id;
	long long order;
	enum lang lang; /* the reader's (lang=) */
	char user[OP_SQL_INT_TEXT];
};

/* Why there is no page, in the reader's language. */
enum print_why {
	PRINT_NO_ORDER,
	PRINT_NO_PAGE,
	PRINT_LOG_IN,
	PRINT_PASSWORD,
	PRINT_DB_DOWN,
	PRINT_UNREADABLE,
};

static void print_fail(uint64_t id, enum lang lang, int status,
		       enum print_why why)
{
	static const char *const texts[][3] = {
		[PRINT_NO_ORDER] = {"没有这个订单。", "沒有這個訂單。",
				    "No such order."},
		[PRINT_NO_PAGE] = {"没有这个页面。", "沒有這個頁面。",
				   "No such page."},
		[PRINT_LOG_IN] = {"请先登录再查看这个订单。",
				  "請先登入再查看這個訂單。",
				  "Log in to see this order."},
		[PRINT_PASSWORD] = {"请先修改密码。", "請先修改密碼。",
				    "Change your password first."},
		[PRINT_DB_DOWN] = {"数据库暂时不可用，请稍后再试。",
				   "資料庫暫時無法使用，請稍後再試。",
				   "The database is unavailable: try again "
				   "in a moment."},
		[PRINT_UNREADABLE] = {"订单读取失败。", "訂單讀取失敗。",
				      "The order could not be read."},
	};
	static const char *const titles[3] = {"订单", "訂單", "Order"};
	int l = lang == LANG_EN ? 2 : lang == LANG_HANT ? 1 : 0;
	struct strbuf h;

	strbuf_init(&h);
	html_page_start_in(&h, lang_tag(lang), titles[l]);
	html_raw(&h, "<p>");
	html_text(&h, texts[why][l]);
	html_raw(&h, "</p>");
	html_page_end(&h);
	http_finish_page(id, status, h.data, h.len);
	strbuf_free(&h);
}

static void print_rows(void *arg, enum pg_outcome outcome, const PGresult *res)
{
	struct print_req *pr = arg;
	json_error_t jerr;
	json_t *order;
	struct strbuf h;

	if (outcome != PG_DONE || PQresultStatus(res) != PGRES_TUPLES_OK) {
		if (outcome == PG_DONE)
			LOG(LOG_ERROR, "order print: %s",
			    PQresultErrorMessage(res));
		print_fail(pr->http_id, pr->lang, 503, PRINT_DB_DOWN);
		free(pr);
		return;
	}
	if (PQgetisnull(res, 0, 0)) {
		print_fail(pr->http_id, pr->lang, 404, PRINT_NO_ORDER);
		free(pr);
		return;
	}
	order = json_loads(PQgetvalue(res, 0, 0), 0, &jerr);
	if (json_object_get(order, "refused")) {
		/* as for an unknown order: which ids exist is nobody's
		 * business but their dealers' */
		print_fail(pr->http_id, pr->lang, 404, PRINT_NO_ORDER);
	} else if (!order) {
		print_fail(pr->http_id, pr->lang, 500, PRINT_UNREADABLE);
	} else {
		strbuf_init(&h);
		html_order_confirmation(&h, order, pr->lang);
		http_finish_page(pr->http_id, 200, h.data, h.len);
		strbuf_free(&h);
	}
	json_decref(order);
	free(pr);
}

static void print_authorized(void *arg, struct auth_user *user, int status)
{
	struct print_req *pr = arg;
	char order[OP_SQL_INT_TEXT];
	const char *params[2] = {pr->user, order};

	if (status == 401 || (status == 200 && !user)) {
		print_fail(pr->http_id, pr->lang, 401, PRINT_LOG_IN);
		free(pr);
		return;
	}
	if (status == 403) { /* a temporary password */
		print_fail(pr->http_id, pr->lang, 403, PRINT_PASSWORD);
		free(pr);
		return;
	}
	if (status != 200) {
		print_fail(pr->http_id, pr->lang, 503, PRINT_DB_DOWN);
		free(pr);
		return;
	}
	snprintf(pr->user, sizeof pr->user, "%lld", (long long)user->user_id);
	snprintf(order, sizeof order, "%lld", pr->order);
	if (pg_query(srv.db,
		     "SELECT order_print_json($1::bigint, $2::bigint)::text", 2,
		     params, print_rows, pr)) {
		print_fail(pr->http_id, pr->lang, 503, PRINT_DB_DOWN);
		free(pr);
	}
}

void order_print_http(const struct http_call *call)
{
	const char *rest = call->path + strlen(ORDER_PRINT_PATH_PREFIX);
	char *end;
	long long id = strtoll(rest, &end, 10);
	struct print_req *pr;

	if (rest[0] < '1' || rest[0] > '9' || id <= 0 ||
	    strcmp(end, "/print")) {
		print_fail(call->id, lang_from_query(call->query), 404,
			   PRINT_NO_PAGE);
		return;
	}
	pr = xcalloc(1, sizeof *pr);
	pr->http_id = call->id;
	pr->order = id;
	pr->lang = lang_from_query(call->query);
	auth_http_user(call->session, print_authorized, pr);
}
