/* order_life.c - the parameters and checks of amend, cancel, waitlists,
 * drafts and orders.mine, and order.status pushes (see order_life.h). */
#include "order/order_life.h"

#include "base/log.h"
#include "db/pg.h"
#include "net/audience.h"
#include "net/frame.h"
#include "net/ws_session.h"
#include "order/order_rules.h"
#include "rpc/op_reply.h"
#include "server.h"

const struct param_spec order_amend_params[] = {
	{"order", PARAM_ID, true, 0, 0},
	{"lines", PARAM_ARRAY, true, 1, ORDER_LINES_MAX},
	{NULL, 0, false, 0, 0},
};

const struct param_spec order_cancel_params[] = {
	{"order", PARAM_ID, true, 0, 0},
	{NULL, 0, false, 0, 0},
};

const struct param_spec orders_mine_params[] = {
	{"fair", PARAM_ID, false, 0, 0},
	{"dealer", PARAM_ID, false, 0, 0},
	{NULL, 0, false, 0, 0},
};

const struct param_spec waitlist_join_params[] = {
	{"fair", PARAM_ID, true, 0, 0},
	{"variant", PARAM_ID, true, 0, 0},
	{"qty", PARAM_INT, true, 1, ORDER_QTY_MAX},
	{NULL, 0, false, 0, 0},
};

const struct param_spec waitlist_leave_params[] = {
	{"fair", PARAM_ID, true, 0, 0},
	{"variant", PARAM_ID, true, 0, 0},
	{NULL, 0, false, 0, 0},
};

const struct param_spec draft_save_params[] = {
	{"fair", PARAM_ID, true, 0, 0},
	{"lines", PARAM_ARRAY, true, 0, ORDER_LINES_MAX},
	{"note", PARAM_STRING, false, 0, 1000},
	{NULL, 0, false, 0, 0},
};

const struct param_spec draft_get_params[] = {
	{"fair", PARAM_ID, true, 0, 0},
	{NULL, 0, false, 0, 0},
};

/* Lines as order.place reads them (an empty draft is allowed); answers
 * bad_request and returns false when they are not. */
static bool lines_ok(struct op_call *call, bool allow_empty)
{
	struct order_line lines[ORDER_LINES_MAX];
	json_t *given = json_object_get(call->msg, "lines");
	size_t n;
	char why[160];

	if (allow_empty && json_array_size(given) == 0)
		return true;
	if (order_lines_parse(given, lines, &n, why, sizeof why)) {
		op_fail(call, ERR_BAD_REQUEST, why, NULL);
		return false;
	}
	return true;
}

bool order_amend_check(struct op_call *call)
{
	return lines_ok(call, false);
}

bool draft_save_check(struct op_call *call)
{
	return lines_ok(call, true);
}

/* ---- order.status pushes ---- */

/* payload: the push itself, as order_status_notify builds it */
static void on_order_status(void *arg, const char *channel, const char *payload)
{
	json_error_t jerr;
	json_t *msg;
	struct frame *f;
	int64_t dealer;

	(void)arg;
	(void)channel;
	if (!payload)
		return; /* a notification, not state: nothing to catch up on */
	msg = json_loads(payload, 0, &jerr);
	dealer = json_integer_value(json_object_get(msg, "dealer"));
	if (!msg || !dealer) {
		LOG(LOG_WARN, "order_status: unreadable notification");
		json_decref(msg);
		return;
	}
	f = frame_from_json(msg);
	json_decref(msg);
	if (!f)
		return;
	/* the dealer's sessions, and the reps and admins (not the managers) */
	audience_of_dealer(dealer, ws_session_push_each, f);
	audience_of_roles(ROLE_REP | ROLE_ADMIN, ws_session_push_each, f);
	frame_unref(f);
}

void order_life_start(void)
{
	if (pg_listen(srv.db, "order_status", on_order_status, NULL))
		LOG(LOG_ERROR, "cannot listen to order_status");
}
