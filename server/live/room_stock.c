/* room_stock.c - stock notifications and coalesced stock pushes (see
 * room_stock.h). */
#include "live/room_stock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/timefmt.h"
#include "db/pg.h"
#include "live/room.h"
#include "live/stock_merge.h"
#include "order/order_intake.h"
#include "order/stock_cache.h"
#include "server.h"

#define STOCK_INTERVAL_MS 50 /* at most 20 stock pushes a second */

static void stock_push(struct loop_timer *t)
{
	struct room *r = lws_container_of(t, struct room, stock_timer);
	struct stock_merges merges = {0};
	char at[32];
	json_t *msg;
	struct frame *f;

	r->stock_timer_armed = false;
	if (!json_object_size(r->stock_changes))
		return;
	msg = json_pack("{s:s,s:I,s:O,s:s}", "ev", "stock", "fair",
			(json_int_t)r->fair_id, "v", r->stock_changes, "at",
			timefmt_rfc3339(r->stock_at_ms, at, sizeof at));
	f = frame_from_json(msg);
	json_decref(msg);
	json_object_clear(r->stock_changes);
	r->stock_last_push_ms = timefmt_mono_ms();
	if (!f)
		return;
	merges.newer = f;
	for (struct room_member *m = r->members; m; m = m->next) {
		/* A member still holding an unsent stock frame gets the
		 * changes of both: merge rather than lose the older ones. */
		struct frame *merged =
			m->slot[SLOT_STOCK]
				? stock_merge(&merges, m->slot[SLOT_STOCK])
				: NULL;

		room_member_set_slot(m, SLOT_STOCK, merged ? merged : f);
		frame_unref(merged);
	}
	stock_merges_free(&merges);
	frame_unref(f);
}

/* After the LISTEN connection was away, stock changes may have been
 * missed: push every room's whole stock, read afresh. Not into the stock
 * cache: a notification heard while this read was on its way may be newer
 * than it; the cache, forgotten, is read again by the fair's next order
 * (order/stock_seed.c), which keeps its read only if nothing was heard. */
static void stock_reread(void *arg, enum pg_outcome outcome,
			 const PGresult *res)
{
	struct room *r = room_get((int64_t)(intptr_t)arg, false);
	json_error_t jerr;
	json_t *all;

	if (!r || outcome != PG_DONE ||
	    PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1)
		return;
	all = json_loads(PQgetvalue(res, 0, 0), 0, &jerr);
	if (!all)
		return;
	json_object_update(r->stock_changes, all);
	json_decref(all);
	r->stock_at_ms = atoll(PQgetvalue(res, 0, 1));
	stock_push(&r->stock_timer);
}

static void resync_stock(void)
{
	struct room *r;

	for (size_t i = 0; (r = room_each(&i));) {
		char fair[24];
		const char *params[1] = {fair};

		if (!r->members)
			continue;
		snprintf(fair, sizeof fair, "%lld", (long long)r->fair_id);
		pg_query(srv.db,
			 "SELECT fair_stock_json($1::bigint)::text, "
			 "floor(extract(epoch FROM now()) * 1000)::bigint",
			 1, params, stock_reread, (void *)(intptr_t)r->fair_id);
	}
}

/* "fair:time_ms:variant=remaining,..." */
static void on_fair_stock(void *arg, const char *channel, const char *payload)
{
	struct room *r;
	const char *p;
	int64_t fair, wait_ms;

	(void)arg;
	(void)channel;
	if (!payload) {
		stock_cache_forget();
		resync_stock();
		return;
	}
	fair = atoll(payload);
	r = room_get(fair, false);
	p = strchr(payload, ':');
	if (!p)
		return;
	if (r) {
		r->stock_at_ms = atoll(p + 1);
		r->stock_gen++; /* kept snapshots hold the stock before it */
	}
	p = strchr(p + 1, ':');
	while (p && *++p) {
		char key[24];
		const char *eq = strchr(p, '=');
		size_t len = eq ? (size_t)(eq - p) : 0;

		if (!eq || len >= sizeof key)
			break;
		memcpy(key, p, len);
		key[len] = '\0';
		stock_cache_set(fair, atoll(key), atoll(eq + 1));
		if (r)
			json_object_set_new(r->stock_changes, key,
					    json_integer(atoll(eq + 1)));
		p = strchr(eq, ',');
	}
	order_intake_stock_heard();
	if (!r || r->stock_timer_armed || !r->members)
		return;
	wait_ms =
		STOCK_INTERVAL_MS - (timefmt_mono_ms() - r->stock_last_push_ms);
	r->stock_timer_armed = true;
	loop_timer_schedule(&r->stock_timer, stock_push,
			    (wait_ms > 0 ? wait_ms : 0) * LWS_US_PER_MS + 1);
}

int room_stock_start(void)
{
	return pg_listen(srv.db, "fair_stock", on_fair_stock, NULL);
}
