/* room_state.c - fair.state and presence pushes (see room_state.h). */
#include "live/room_state.h"

#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/log.h"
#include "base/strbuf.h"
#include "base/timefmt.h"
#include "db/pg.h"
#include "db/pgarray.h"
#include "live/fairs.h"
#include "live/room.h"
#include "server.h"

#define PRESENCE_INTERVAL_MS 2000

static char process_id[33];
static struct loop_timer presence_timer, transition_timer;
static bool presence_busy;
static int64_t presence_sent_ms;     /* when the refresh in flight was sent */
static size_t presence_sent_dealers; /* and how many dealers it listed */

/* ---- fair.state ---- */

static struct frame *state_frame(struct room *r, const struct fair_state *s)
{
	char starts[32], ends[32];
	json_t *msg = json_pack(
		"{s:s,s:I,s:s,s:s,s:s,s:s,s:s}", "ev", "fair.state", "fair",
		(json_int_t)r->fair_id, "status", s->status, "starts_at",
		timefmt_rfc3339(s->starts_ms, starts, sizeof starts), "ends_at",
		timefmt_rfc3339(s->ends_ms, ends, sizeof ends), "name", s->name,
		"name_en", s->name_en);
	struct frame *f = frame_from_json(msg);

	json_decref(msg);
	return f;
}

/* FNV-1a over the names, a NUL between them: a rename shows as a change
 * without each room keeping copies of the texts. */
static uint64_t names_hash(const struct fair_state *s)
{
	uint64_t h = 14695981039346656037ULL;

	for (const char *t = s->name;; t++) {
		h = (h ^ (unsigned char)*t) * 1099511628211ULL;
		if (!*t)
			break;
	}
	for (const char *t = s->name_en; *t; t++)
		h = (h ^ (unsigned char)*t) * 1099511628211ULL;
	return h;
}

bool room_state_take(struct room *r, const struct fair_state *s)
{
	uint64_t names = names_hash(s);

	/* statuses are static strings; extending moves only times */
	if (r->status == s->status && r->starts_ms == s->starts_ms &&
	    r->ends_ms == s->ends_ms && r->names_hash == names)
		return false;
	r->status = s->status;
	r->starts_ms = s->starts_ms;
	r->ends_ms = s->ends_ms;
	r->names_hash = names;
	return true;
}

static void schedule_transition(void);

/* Compares every room's fair state with the cache and pushes changes. */
static void check_states(void)
{
	struct room *r;

	for (size_t i = 0; (r = room_each(&i));) {
		struct fair_state s;
		struct frame *f;

		if (fairs_state(r->fair_id, &s) || !room_state_take(r, &s))
			continue;
		/* kept snapshots hold the fair as it was (a state change has
		 * no seq to tell them apart by) */
		r->stock_gen++;
		f = state_frame(r, &s);
		if (!f)
			continue;
		for (struct room_member *m = r->members; m; m = m->next)
			room_member_set_slot(m, SLOT_STATE, f);
		frame_unref(f);
	}
	schedule_transition();
}

static void on_transition(struct loop_timer *t)
{
	(void)t;
	check_states();
}

static void schedule_transition(void)
{
	int64_t in_ms = fairs_next_transition_in_ms();

	if (in_ms < 0) {
		loop_timer_cancel(&transition_timer);
		return;
	}
	/* a little after the moment, so PostgreSQL's clock agrees */
	loop_timer_schedule(&transition_timer, on_transition,
			    (in_ms + 20) * LWS_US_PER_MS);
}

static void on_fairs_changed(void)
{
	check_states();
}

/* ---- presence ---- */

static void presence_done(void *arg, enum pg_outcome outcome,
			  const PGresult *res)
{
	struct room *r;

	(void)arg;
	presence_busy = false;
	LOG(LOG_DEBUG, "presence refresh: %zu dealers, %lld ms",
	    presence_sent_dealers,
	    (long long)(timefmt_mono_ms() - presence_sent_ms));
	if (outcome != PG_DONE || PQresultStatus(res) != PGRES_TUPLES_OK) {
		if (outcome == PG_DONE)
			LOG(LOG_ERROR, "presence refresh: %s",
			    PQresultErrorMessage(res));
		return; /* the next tick tries again */
	}
	for (size_t i = 0; (r = room_each(&i));) {
		long long online = 0;
		json_t *msg;
		struct frame *f;

		for (int row = 0; row < PQntuples(res); row++)
			if (atoll(PQgetvalue(res, row, 0)) == r->fair_id)
				online = atoll(PQgetvalue(res, row, 1));
		if (online == r->online)
			continue;
		r->online = online;
		if (!r->staff)
			continue;
		msg = json_pack("{s:s,s:I,s:I}", "ev", "presence", "fair",
				(json_int_t)r->fair_id, "online",
				(json_int_t)online);
		f = frame_from_json(msg);
		json_decref(msg);
		for (struct room_member *m = r->members; f && m; m = m->next)
			if (m->who.staff)
				room_member_set_slot(m, SLOT_PRESENCE, f);
		frame_unref(f);
	}
}

/* Every 2 s, one round trip: for each fair with members here, how many
 * distinct dealers are joined and which (presence_refresh, sql/030, keeps
 * the dealers as a set difference); the answer is every process's counts. */
static void presence_tick(struct loop_timer *t)
{
	struct strbuf fairs, online, dealer_fairs, dealers;
	size_t n = 0, nd = 0;
	const char *params[5];
	struct room *r;

	(void)t;
	loop_timer_schedule(&presence_timer, presence_tick,
			    PRESENCE_INTERVAL_MS * LWS_US_PER_MS);
	if (presence_busy || srv.stopping)
		return;
	strbuf_init(&fairs);
	strbuf_init(&online);
	strbuf_init(&dealer_fairs);
	strbuf_init(&dealers);
	for (size_t i = 0; (r = room_each(&i));) {
		if (!r->dealers && !r->staff)
			continue;
		pgarray_int(&fairs, n, r->fair_id);
		pgarray_int(&online, n, r->dealers);
		n++;
		for (size_t s = 0; s < r->dealer_sessions.capacity; s++) {
			uint64_t dealer = r->dealer_sessions.slots[s].id;

			if (!dealer)
				continue;
			pgarray_int(&dealer_fairs, nd, r->fair_id);
			pgarray_int(&dealers, nd, (long long)dealer);
			nd++;
		}
	}
	pgarray_end(&fairs, n);
	pgarray_end(&online, n);
	pgarray_end(&dealer_fairs, nd);
	pgarray_end(&dealers, nd);
	params[0] = process_id;
	params[1] = fairs.data;
	params[2] = online.data;
	params[3] = dealer_fairs.data;
	params[4] = dealers.data;
	presence_sent_ms = timefmt_mono_ms();
	presence_sent_dealers = nd;
	presence_busy = pg_query(srv.db,
				 "SELECT fair, total FROM presence_refresh("
				 "$1, $2::bigint[], $3::int[], $4::bigint[], "
				 "$5::bigint[])",
				 5, params, presence_done, NULL) == 0;
	strbuf_free(&fairs);
	strbuf_free(&online);
	strbuf_free(&dealer_fairs);
	strbuf_free(&dealers);
}

void room_state_start(void)
{
	unsigned char random[16];

	RAND_bytes(random, sizeof random);
	for (int i = 0; i < 16; i++)
		snprintf(process_id + 2 * i, 3, "%02x", random[i]);
	fairs_on_change = on_fairs_changed;
	loop_timer_schedule(&presence_timer, presence_tick,
			    PRESENCE_INTERVAL_MS * LWS_US_PER_MS);
}
