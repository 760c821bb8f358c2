/* dashboard.c - dashboard.watch and the totals pushes (see dashboard.h). */
#include "features/dashboard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/idmap.h"
#include "base/log.h"
#include "base/loop_timer.h"
#include "base/throttle.h"
#include "base/timefmt.h"
#include "base/xalloc.h"
#include "db/pg.h"
#include "net/audience.h"
#include "net/frame.h"
#include "net/ws_session.h"
#include "rpc/op_reply.h"
#include "rpc/op_sql.h"
#include "server.h"

#define TOTALS_INTERVAL_MS 250 /* at most 4 totals pushes a second per fair */

const struct param_spec dashboard_watch_params[] = {
	{"fair", PARAM_ID, true, 0, 0},
	{NULL, 0, false, 0, 0},
};

const struct param_spec dashboard_discounts_params[] = {
	{"fair", PARAM_ID, true, 0, 0},
	{NULL, 0, false, 0, 0},
};

/* The totals of one fair watched in this process; who watches is the
 * audience's (audience_watchers). */
struct watch {
	int64_t fair_id;
	struct throttle reads; /* at most TOTALS_INTERVAL_MS apart */
	char *last_pushed; /* the totals as last pushed, to push only changes */
	struct loop_timer timer;
};

static struct idmap watches; /* fair id -> struct watch */

static struct watch *watch_get(int64_t fair_id, bool create)
{
	struct watch *w = idmap_get(&watches, (uint64_t)fair_id);

	if (w || !create)
		return w;
	w = xcalloc(1, sizeof *w);
	w->fair_id = fair_id;
	throttle_init(&w->reads, TOTALS_INTERVAL_MS);
	if (idmap_put(&watches, (uint64_t)fair_id, w)) { /* id 0 */
		free(w);
		return NULL;
	}
	return w;
}

/* Sessions watching fair w here (those gone left the audience). */
static size_t watchers(const struct watch *w)
{
	return audience_watchers(w->fair_id, NULL, NULL);
}

/* ---- totals pushes ---- */

static void totals_step(struct watch *w, enum throttle_step step,
			int64_t delay_ms);

/* Pushes to every watcher, in the order they began watching. */
static void push_totals(struct watch *w, struct frame *f)
{
	audience_watchers(w->fair_id, ws_session_push_each, f);
}

static void totals_read(void *arg, enum pg_outcome outcome, const PGresult *res)
{
	struct watch *w = watch_get((int64_t)(intptr_t)arg, false);
	int64_t delay = 0;
	const char *text;
	json_error_t jerr;
	json_t *msg;
	struct frame *f;

	if (!w)
		return;
	text = outcome == PG_DONE && PQresultStatus(res) == PGRES_TUPLES_OK &&
			       PQntuples(res) == 1
		       ? PQgetvalue(res, 0, 0)
		       : NULL;
	/* Two notifications of one change (a late one from another process,
	 * or one that came during the read) read the same totals: push once. */
	if (text && !(w->last_pushed && !strcmp(w->last_pushed, text)) &&
	    (msg = json_loads(text, 0, &jerr))) {
		free(w->last_pushed);
		w->last_pushed = xstrdup(text);
		json_object_set_new(msg, "ev", json_string("totals"));
		json_object_set_new(msg, "fair", json_integer(w->fair_id));
		f = frame_from_json(msg);
		json_decref(msg);
		if (f) {
			push_totals(w, f);
			frame_unref(f);
		}
	} else if (!text && outcome == PG_DONE) {
		LOG(LOG_WARN, "dashboard: reading the totals of fair %lld: %s",
		    (long long)w->fair_id, PQresultErrorMessage(res));
	}
	totals_step(w, throttle_read_done(&w->reads, timefmt_mono_ms(), &delay),
		    delay);
}

static void timer_fired(struct loop_timer *t)
{
	struct watch *w = lws_container_of(t, struct watch, timer);
	int64_t delay = 0;

	totals_step(w, throttle_fired(&w->reads, timefmt_mono_ms(), &delay),
		    delay);
}

/* Does what the throttle says: read and push the totals now, or later. */
static void totals_step(struct watch *w, enum throttle_step step,
			int64_t delay_ms)
{
	char fair[OP_SQL_INT_TEXT];
	const char *params[1] = {fair};

	if (step == THROTTLE_ARM) {
		loop_timer_schedule(&w->timer, timer_fired,
				    delay_ms * LWS_US_PER_MS);
		return;
	}
	if (step != THROTTLE_READ)
		return;
	snprintf(fair, sizeof fair, "%lld", (long long)w->fair_id);
	/* nobody watching here any more, or not sent: the read is over */
	if (!watchers(w) ||
	    pg_query(srv.db, "SELECT dashboard_watch($1::bigint)::text", 1,
		     params, totals_read, (void *)(intptr_t)w->fair_id))
		throttle_read_done(&w->reads, timefmt_mono_ms(), &delay_ms);
}

static void totals_changed(struct watch *w)
{
	int64_t delay = 0;

	if (watchers(w))
		totals_step(
			w,
			throttle_changed(&w->reads, timefmt_mono_ms(), &delay),
			delay);
}

/* "fair id" from the transaction that changed its totals; NULL after the
 * LISTEN connection was away: read every watched fair again. */
static void on_fair_totals(void *arg, const char *channel, const char *payload)
{
	(void)arg;
	(void)channel;
	if (payload) {
		struct watch *w = watch_get(atoll(payload), false);

		if (w)
			totals_changed(w);
		return;
	}
	for (size_t i = 0; i < watches.capacity; i++)
		if (watches.slots[i].id)
			totals_changed(watches.slots[i].value);
}

/* ---- dashboard.watch ---- */

static void watch_rows(struct op_ticket *t, const PGresult *res)
{
	json_error_t jerr;
	json_t *snapshot = PQntuples(res) == 1
				   ? json_loads(PQgetvalue(res, 0, 0), 0, &jerr)
				   : NULL;
	struct watch *w =
		snapshot ? watch_get(*(int64_t *)t->data, true) : NULL;

	if (!w) {
		json_decref(snapshot);
		op_ticket_fail(t, ERR_INTERNAL,
			       "the dashboard could not be read", NULL);
		return;
	}
	audience_watch(t->caller.session_id, w->fair_id);
	op_ticket_ok(t, snapshot);
}

void dashboard_op_watch(struct op_call *call)
{
	struct op_ticket *t = op_defer(call);
	int64_t *fair = xmalloc(sizeof *fair);
	char text[OP_SQL_INT_TEXT];
	const char *params[1] = {op_sql_int(call, "fair", text)};

	*fair = json_integer_value(json_object_get(call->msg, "fair"));
	t->data = fair; /* freed with the ticket */
	op_ticket_read(t, "SELECT dashboard_watch($1::bigint)::text", 1, params,
		       watch_rows);
}

void dashboard_start(void)
{
	if (pg_listen(srv.db, "fair_totals", on_fair_totals, NULL))
		LOG(LOG_ERROR, "cannot listen to fair_totals");
}

static void free_watch(uint64_t id, void *value, void *arg)
{
	struct watch *w = value;

	(void)id;
	(void)arg;
	free(w->last_pushed);
	free(w);
}

void dashboard_stop(void)
{
	idmap_foreach(&watches, free_watch, NULL);
	idmap_free(&watches);
}
