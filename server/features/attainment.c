/* attainment.c - targets, must-order styles and attainment pushes (see
 * attainment.h). */
#include "features/attainment.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/idmap.h"
#include "base/log.h"
#include "base/loop_timer.h"
#include "base/strbuf.h"
#include "base/throttle.h"
#include "base/timefmt.h"
#include "base/xalloc.h"
#include "db/pg.h"
#include "db/pgarray.h"
#include "net/audience.h"
#include "net/frame.h"
#include "net/ws_session.h"
#include "rpc/op_sql_args.h"
#include "server.h"

#define ATTAINMENT_INTERVAL_MS 250 /* per fair, like the totals */

const struct param_spec target_set_params[] = {
	{"fair", PARAM_ID, true, 0, 0},
	{"dealer", PARAM_ID, false, 0, 0},
	{"region", PARAM_STRING, false, 1, 64},
	{"amount", PARAM_INT, true, 0, 1000000000000000LL},
	{"units", PARAM_INT, false, 0, 2000000000},
	{NULL, 0, false, 0, 0},
};

const struct param_spec mustorder_set_params[] = {
	{"fair", PARAM_ID, true, 0, 0},
	{"product", PARAM_ID, true, 0, 0},
	{"required", PARAM_BOOL, true, 0, 0},
	{NULL, 0, false, 0, 0},
};

const struct param_spec attainment_params[] = {
	{"fair", PARAM_ID, true, 0, 0},
	{NULL, 0, false, 0, 0},
};

/* ---- pushes ---- */

/* The dealers of one fair whose attainment is to be pushed. */
struct pending {
	int64_t fair_id;
	struct idmap dealers; /* dealer id -> (void *)1 */
	bool all;             /* every dealer (targets or must-order changed) */
	struct throttle reads; /* at most ATTAINMENT_INTERVAL_MS apart */
	struct loop_timer timer;
};

static struct idmap fairs; /* fair id -> struct pending */

static struct pending *pending_get(int64_t fair_id)
{
	struct pending *p = idmap_get(&fairs, (uint64_t)fair_id);

	if (p)
		return p;
	p = xcalloc(1, sizeof *p);
	p->fair_id = fair_id;
	throttle_init(&p->reads, ATTAINMENT_INTERVAL_MS);
	if (idmap_put(&fairs, (uint64_t)fair_id, p)) { /* id 0 */
		free(p);
		return NULL;
	}
	return p;
}

/* The pending dealers of p online here, as an array literal. */
struct collect {
	struct pending *p;
	struct strbuf ids;
	size_t n;
};

static void collect_online(int64_t dealer_id, void *arg)
{
	struct collect *c = arg;

	if (c->p->all || idmap_get(&c->p->dealers, (uint64_t)dealer_id))
		pgarray_int(&c->ids, c->n++, dealer_id);
}

static void collect_pending(uint64_t dealer_id, void *value, void *arg)
{
	struct collect *c = arg;

	(void)value;
	if (audience_dealer_online((int64_t)dealer_id))
		pgarray_int(&c->ids, c->n++, (int64_t)dealer_id);
}

/* Walks the shorter of the two: the dealers online here, or those
 * pending (a few, usually, while thousands are online). */
static void collect_dealers(struct collect *c)
{
	if (c->p->all || c->p->dealers.count > audience_dealers_online())
		audience_each_dealer(collect_online, c);
	else
		idmap_foreach(&c->p->dealers, collect_pending, c);
}

/* One row per dealer: its id and its event's text, pushed as PostgreSQL
 * wrote it (no parse, no serialisation here). */
static void flush_step(struct pending *p, enum throttle_step step,
		       int64_t delay_ms);

static void events_read(void *arg, enum pg_outcome outcome, const PGresult *res)
{
	struct pending *p = idmap_get(&fairs, (uint64_t)(intptr_t)arg);
	int64_t delay = 0;

	if (!p)
		return;
	if (outcome != PG_DONE || PQresultStatus(res) != PGRES_TUPLES_OK ||
	    PQnfields(res) != 2) {
		if (outcome == PG_DONE)
			LOG(LOG_WARN, "attainment: %s",
			    PQresultErrorMessage(res));
		flush_step(p,
			   throttle_read_done(&p->reads, timefmt_mono_ms(),
					      &delay),
			   delay);
		return;
	}
	for (int i = 0; i < PQntuples(res); i++) {
		struct frame *f = frame_from_text(
			PQgetvalue(res, i, 1), (size_t)PQgetlength(res, i, 1));

		audience_of_dealer(atoll(PQgetvalue(res, i, 0)),
				   ws_session_push_each, f);
		frame_unref(f);
	}
	/* dealers that changed while it read go next */
	flush_step(p, throttle_read_done(&p->reads, timefmt_mono_ms(), &delay),
		   delay);
}

static void flush_timer(struct loop_timer *t)
{
	struct pending *p = lws_container_of(t, struct pending, timer);
	int64_t delay = 0;

	flush_step(p, throttle_fired(&p->reads, timefmt_mono_ms(), &delay),
		   delay);
}

/* Does what the throttle says: read and push the attainment of the pending
 * dealers that have a session in this process now, or later. */
static void flush_step(struct pending *p, enum throttle_step step,
		       int64_t delay_ms)
{
	struct collect c = {.p = p};
	char fair[OP_SQL_INT_TEXT];
	const char *params[2];
	bool sent = false;

	if (step == THROTTLE_ARM) {
		loop_timer_schedule(&p->timer, flush_timer,
				    delay_ms * LWS_US_PER_MS);
		return;
	}
	if (step != THROTTLE_READ)
		return;
	strbuf_init(&c.ids);
	collect_dealers(&c);
	idmap_free(&p->dealers);
	p->all = false;
	pgarray_end(&c.ids, c.n);
	if (c.n) {
		snprintf(fair, sizeof fair, "%lld", (long long)p->fair_id);
		params[0] = fair;
		params[1] = c.ids.data;
		sent = !pg_query(
			srv.db,
			"SELECT dealer, event FROM attainment_event_rows("
			"$1::bigint, $2::bigint[])",
			2, params, events_read, (void *)(intptr_t)p->fair_id);
	}
	strbuf_free(&c.ids);
	if (!sent) /* nobody here to tell, or not sent: the read is over */
		throttle_read_done(&p->reads, timefmt_mono_ms(), &delay_ms);
}

/* At most 4 times a second per fair. */
static void flush(struct pending *p)
{
	int64_t delay = 0;

	if (p->all || p->dealers.count)
		flush_step(
			p,
			throttle_changed(&p->reads, timefmt_mono_ms(), &delay),
			delay);
}

/* dealer_totals: "fair:dealer,dealer,..."; fair_targets: "fair". NULL
 * after a LISTEN gap: every fair known here, every dealer. */
static void on_notify(void *arg, const char *channel, const char *payload)
{
	struct pending *p;
	const char *q;

	(void)arg;
	(void)channel;
	if (!payload) {
		for (size_t i = 0; i < fairs.capacity; i++)
			if (fairs.slots[i].id) {
				p = fairs.slots[i].value;
				p->all = true;
				flush(p);
			}
		return;
	}
	p = pending_get(atoll(payload));
	if (!p)
		return;
	q = strchr(payload, ':');
	if (!q)
		p->all = true;
	while (q && *++q) {
		idmap_put(&p->dealers, (uint64_t)atoll(q), (void *)1);
		q = strchr(q, ',');
	}
	flush(p);
}

void attainment_start(void)
{
	if (pg_listen(srv.db, "dealer_totals", on_notify, NULL) ||
	    pg_listen(srv.db, "fair_targets", on_notify, NULL))
		LOG(LOG_ERROR, "cannot listen for attainment changes");
}

static void free_pending(uint64_t id, void *value, void *arg)
{
	struct pending *p = value;

	(void)id;
	(void)arg;
	idmap_free(&p->dealers);
	free(p);
}

void attainment_stop(void)
{
	idmap_foreach(&fairs, free_pending, NULL);
	idmap_free(&fairs);
}
