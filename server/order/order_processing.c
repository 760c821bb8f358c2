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
	char user[OP_SQL_INT_TEXT];
};

static void print_fail(uint64_t id, int status, const char *text)
{
	struct strbuf h;

	strbuf_init(&h);
	html_page_start(&h, "Order");
	html_raw(&h, "<p>");
	html_text(&h, text);
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
		print_fail(pr->http_id, 503,
			   "The database is unavailable: "
			   "try again in a moment.");
		free(pr);
		return;
	}
	if (PQgetisnull(res, 0, 0)) {
		print_fail(pr->http_id, 404, "No such order.");
		free(pr);
		return;
	}
	order = json_loads(PQgetvalue(res, 0, 0), 0, &jerr);
	if (json_object_get(order, "refused")) {
		/* as for an unknown order: which ids exist is nobody's
		 * business but their dealers' */
		print_fail(pr->http_id, 404, "No such order.");
	} else if (!order) {
		print_fail(pr->http_id, 500, "The order could not be read.");
	} else {
		strbuf_init(&h);
		html_order_confirmation(&h, order);
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
		print_fail(pr->http_id, 401, "Log in to see this order.");
		free(pr);
		return;
	}
	if (status == 403) { /* a temporary password */
		print_fail(pr->http_id, 403, "Change your password first.");
		free(pr);
		return;
	}
	if (status != 200) {
		print_fail(pr->http_id, 503,
			   "The database is unavailable: try "
			   "again in a moment.");
		free(pr);
		return;
	}
	snprintf(pr->user, sizeof pr->user, "%lld", (long long)user->user_id);
	snprintf(order, sizeof order, "%lld", pr->order);
	if (pg_query(srv.db,
		     "SELECT order_print_json($1::bigint, $2::bigint)::text", 2,
		     params, print_rows, pr)) {
		print_fail(pr->http_id, 503,
			   "The database is unavailable: try "
			   "again in a moment.");
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
		print_fail(call->id, 404, "No such page.");
		return;
	}
	pr = xcalloc(1, sizeof *pr);
	pr->http_id = call->id;
	pr->order = id;
	auth_http_user(call->session, print_authorized, pr);
}
