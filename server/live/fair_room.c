/* fair_room.c - rooms, the event ring, resume, state pushes (see
 * fair_room.h). */
#include "live/fair_room.h"

#include <openssl/rand.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "base/idmap.h"
#include "base/log.h"
#include "base/loop_timer.h"
#include "base/strbuf.h"
#include "base/timefmt.h"
#include "base/xalloc.h"
#include "db/pg.h"
#include "db/pgarray.h"
#include "live/fairs.h"
#include "live/stock_merge.h"
#include "net/ws_session.h"
#include "order/order_intake.h"
#include "order/stock_cache.h"
#include "rpc/op_reply.h"
#include "server.h"

#define RING_SIZE 4096          /* events kept per fair for members behind */
#define RESUME_MAX 1000         /* more missed events: a full snapshot */
#define JOIN_PAGE 20            /* items in a join snapshot */
#define KEEP_SNAPSHOT_MS 1000   /* a kept shared snapshot serves joins this long
				   at most (the fair's status and flash prices
				   follow the clock, not events) */
#define AUDIENCES 27            /* staff, then dealers of tiers A to Z */
#define STOCK_INTERVAL_MS 50    /* at most 20 stock pushes a second */
#define PRESENCE_INTERVAL_MS 2000
#define CLOSE_FELL_BEHIND 4409

enum slot { SLOT_STOCK, SLOT_STATE, SLOT_PRESENCE, SLOT__COUNT };

struct ring_entry {
	int64_t seq;
	char tier[8];        /* "" unless a tier's copy */
	int64_t dealer_id;   /* 0 unless for one dealer */
	bool staff_only;
	struct frame *frame;
};

struct room {
	int64_t fair_id;
	struct ring_entry ring[RING_SIZE];
	uint64_t first;          /* absolute index of the oldest entry */
	uint64_t end;            /* absolute index after the newest */
	int64_t last_seq;        /* the newest seq read from `events` */
	int64_t floor_seq;       /* events up to here are not in the ring */
	bool fetching, fetch_again;
	struct room_member *members;
	unsigned dealers;        /* distinct dealers joined here (presence) */
	struct idmap dealer_sessions; /* dealer id -> its sessions here */
	unsigned staff;          /* staff members here */
	json_t *stock_changes;   /* variant -> remaining since the last push */
	int64_t stock_at_ms;     /* commit time of the newest change */
	bool stock_timer_armed;
	int64_t stock_last_push_ms;
	struct loop_timer stock_timer;
	const char *status;      /* the last fair.state pushed (static) */
	int64_t starts_ms, ends_ms; /* and its times */
	long long online;        /* dealers online in every process */
	uint64_t stock_gen;      /* stock notifications heard */
	/* The part of a join snapshot every member of an audience shares, read
	 * by an earlier join: current while no event and no stock change has
	 * come since (fair_snapshot_shared, 018). */
	struct kept_snapshot {
		char *text;          /* a JSON object's text; NULL: none */
		size_t len;
		int64_t seq;
		uint64_t stock_gen;
		int64_t at_ms;
	} kept[AUDIENCES];
};

struct room_member {
	struct room *room;
	uint64_t session_id;
	bool staff;
	char tier[8];
	int64_t dealer_id;
	uint64_t tail;            /* next ring entry to consider */
	int64_t min_seq;          /* the snapshot covered events up to here */
	bool behind;              /* its snapshot predates the ring */
	struct frame *slot[SLOT__COUNT];
	struct room_member *next, *prev;
};

static struct idmap rooms; /* fair id -> room */
static char process_id[33];
static struct loop_timer presence_timer, transition_timer;
static bool presence_busy;
static int64_t presence_sent_ms;     /* when the refresh in flight was sent */
static size_t presence_sent_dealers; /* and how many dealers it listed */

/* ---- rooms and members ---- */

static struct room *room_get(int64_t fair_id, bool create)
{
	struct room *r = idmap_get(&rooms, (uint64_t)fair_id);

	if (r || !create)
		return r;
	r = xcalloc(1, sizeof *r);
	r->fair_id = fair_id;
	r->stock_changes = json_object();
	idmap_put(&rooms, (uint64_t)fair_id, r);
	return r;
}

/* Frees a room once the lws context (and with it every timer and member)
 * is gone. */
static void room_free(struct room *r)
{
	for (uint64_t i = r->first; i < r->end; i++)
		frame_unref(r->ring[i % RING_SIZE].frame);
	json_decref(r->stock_changes);
	idmap_free(&r->dealer_sessions);
	for (int i = 0; i < AUDIENCES; i++)
		free(r->kept[i].text);
	free(r);
}

static void member_set_slot(struct room_member *m, enum slot s,
			    struct frame *f)
{
	frame_unref(m->slot[s]);
	m->slot[s] = frame_ref(f);
	ws_session_wake(m->session_id);
}

/* Counts a dealer's sessions in the room, so that presence counts dealers,
 * not tabs. */
static void count_dealer(struct room *r, int64_t dealer_id, int delta)
{
	uintptr_t n = (uintptr_t)idmap_get(&r->dealer_sessions,
					   (uint64_t)dealer_id);

	if (delta > 0 && n++ == 0)
		r->dealers++;
	if (delta < 0 && n && --n == 0)
		r->dealers--;
	if (n)
		idmap_put(&r->dealer_sessions, (uint64_t)dealer_id, (void *)n);
	else
		idmap_remove(&r->dealer_sessions, (uint64_t)dealer_id);
}

void room_member_free(struct room_member *m)
{
	struct room *r;

	if (!m)
		return;
	r = m->room;
	if (m->prev)
		m->prev->next = m->next;
	else
		r->members = m->next;
	if (m->next)
		m->next->prev = m->prev;
	if (m->staff)
		r->staff--;
	else
		count_dealer(r, m->dealer_id, -1);
	for (int s = 0; s < SLOT__COUNT; s++)
		frame_unref(m->slot[s]);
	free(m);
	/* An empty room is kept: its ring and last_seq stay valid while the
	 * process follows the fair, and rooms are few (one per fair). */
}

static bool entry_visible(const struct ring_entry *e,
			  const struct room_member *m)
{
	if (m->staff)
		return !e->tier[0];
	return !e->staff_only && (!e->tier[0] || !strcmp(e->tier, m->tier)) &&
	       (!e->dealer_id || e->dealer_id == m->dealer_id);
}

enum room_next room_member_next(struct room_member *m, struct frame **out)
{
	struct room *r = m->room;

	if (m->behind || m->tail < r->first)
		return ROOM_FELL_BEHIND;
	while (m->tail < r->end) {
		struct ring_entry *e = &r->ring[m->tail++ % RING_SIZE];

		if (e->seq > m->min_seq && entry_visible(e, m)) {
			*out = frame_ref(e->frame);
			return ROOM_FRAME;
		}
	}
	for (int s = 0; s < SLOT__COUNT; s++)
		if (m->slot[s]) {
			*out = m->slot[s]; /* the slot's reference moves out */
			m->slot[s] = NULL;
			return ROOM_FRAME;
		}
	return ROOM_NOTHING;
}

bool room_member_pending(const struct room_member *m)
{
	if (m->behind || m->tail < m->room->first || m->tail < m->room->end)
		return true;
	for (int s = 0; s < SLOT__COUNT; s++)
		if (m->slot[s])
			return true;
	return false;
}

/* ---- events: read after NOTIFY, appended to the ring ---- */

static void ring_append(struct room *r, int64_t seq, const char *tier,
			int64_t dealer_id, bool staff_only, struct frame *f)
{
	struct ring_entry *e;

	if (r->end - r->first == RING_SIZE) {
		/* the oldest goes; members still before it fall behind */
		r->floor_seq = r->ring[r->first % RING_SIZE].seq;
		frame_unref(r->ring[r->first % RING_SIZE].frame);
		r->first++;
	}
	e = &r->ring[r->end % RING_SIZE];
	e->seq = seq;
	snprintf(e->tier, sizeof e->tier, "%s", tier);
	e->dealer_id = dealer_id;
	e->staff_only = staff_only;
	e->frame = f;
	r->end++;
}

static void room_wake_all(struct room *r)
{
	for (struct room_member *m = r->members; m; m = m->next)
		ws_session_wake(m->session_id);
}

static void fetch_events(struct room *r);

static void events_fetched(void *arg, enum pg_outcome outcome,
			   const PGresult *res)
{
	int64_t fair_id = (int64_t)(intptr_t)arg;
	struct room *r = room_get(fair_id, false);
	int n;

	if (!r)
		return;
	r->fetching = false;
	if (outcome != PG_DONE || PQresultStatus(res) != PGRES_TUPLES_OK) {
		LOG(LOG_WARN, "fair %lld: could not read new events: %s",
		    (long long)fair_id,
		    outcome == PG_DONE ? PQresultErrorMessage(res)
				       : "database unavailable");
		return; /* the next notification or resync reads them */
	}
	n = PQntuples(res);
	for (int i = 0; i < n; i++) {
		int64_t seq = atoll(PQgetvalue(res, i, 0));
		const char *text = PQgetvalue(res, i, 1);
		struct frame *f = frame_from_text(text, strlen(text));

		ring_append(r, seq, PQgetvalue(res, i, 2),
			    PQgetisnull(res, i, 3) ? 0
						   : atoll(PQgetvalue(res, i, 3)),
			    !strcmp(PQgetvalue(res, i, 4), "t"), f);
		r->last_seq = seq;
	}
	if (n)
		room_wake_all(r);
	if (n == 256 || r->fetch_again) {
		r->fetch_again = false;
		fetch_events(r);
	}
}

static void fetch_events(struct room *r)
{
	char fair[24], since[24];
	const char *params[2] = {fair, since};

	if (r->fetching) {
		r->fetch_again = true;
		return;
	}
	snprintf(fair, sizeof fair, "%lld", (long long)r->fair_id);
	snprintf(since, sizeof since, "%lld", (long long)r->last_seq);
	r->fetching = true;
	if (pg_query(srv.db,
		     "SELECT seq, payload::text, coalesce(tier, ''), dealer_id, "
		     "staff_only FROM events WHERE fair_id = $1::bigint "
		     "AND seq > $2::bigint ORDER BY seq LIMIT 256",
		     2, params, events_fetched, (void *)(intptr_t)r->fair_id))
		r->fetching = false;
}

static void on_fair_events(void *arg, const char *channel, const char *payload)
{
	(void)arg;
	(void)channel;
	if (!payload) {
		/* LISTEN came back: read whatever was missed, for every room */
		for (size_t i = 0; i < rooms.capacity; i++)
			if (rooms.slots[i].id)
				fetch_events(rooms.slots[i].value);
		return;
	}
	{
		int64_t fair_id = atoll(payload);
		const char *colon = strchr(payload, ':');
		struct room *r = room_get(fair_id, false);

		/* only fairs someone here follows; skip what was read */
		if (r && colon && atoll(colon + 1) > r->last_seq)
			fetch_events(r);
	}
}

/* ---- stock: coalesced, latest values ---- */

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
		struct frame *merged = m->slot[SLOT_STOCK]
					       ? stock_merge(&merges,
							     m->slot[SLOT_STOCK])
					       : NULL;

		member_set_slot(m, SLOT_STOCK, merged ? merged : f);
		frame_unref(merged);
	}
	stock_merges_free(&merges);
	frame_unref(f);
}

/* After the LISTEN connection was away, stock changes may have been
 * missed: push every room's whole stock, read afresh. */
static void stock_reread(void *arg, enum pg_outcome outcome,
			 const PGresult *res)
{
	struct room *r = room_get((int64_t)(intptr_t)arg, false);
	json_error_t jerr;
	json_t *all, *value;
	const char *key;

	if (!r || outcome != PG_DONE || PQresultStatus(res) != PGRES_TUPLES_OK ||
	    PQntuples(res) != 1)
		return;
	all = json_loads(PQgetvalue(res, 0, 0), 0, &jerr);
	if (!all)
		return;
	json_object_foreach(all, key, value)
		stock_cache_set(r->fair_id, atoll(key), json_integer_value(value));
	json_object_update(r->stock_changes, all);
	json_decref(all);
	r->stock_at_ms = atoll(PQgetvalue(res, 0, 1));
	stock_push(&r->stock_timer);
}

static void resync_stock(void)
{
	for (size_t i = 0; i < rooms.capacity; i++) {
		struct room *r = rooms.slots[i].id ? rooms.slots[i].value : NULL;
		char fair[24];
		const char *params[1] = {fair};

		if (!r || !r->members)
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
	wait_ms = STOCK_INTERVAL_MS -
		  (timefmt_mono_ms() - r->stock_last_push_ms);
	r->stock_timer_armed = true;
	loop_timer_schedule(&r->stock_timer, stock_push,
			    (wait_ms > 0 ? wait_ms : 0) * LWS_US_PER_MS + 1);
}

/* ---- fair.state ---- */

static struct frame *state_frame(struct room *r, const char *status,
				 int64_t starts_ms, int64_t ends_ms)
{
	char starts[32], ends[32];
	json_t *msg = json_pack(
		"{s:s,s:I,s:s,s:s,s:s}", "ev", "fair.state", "fair",
		(json_int_t)r->fair_id, "status", status, "starts_at",
		timefmt_rfc3339(starts_ms, starts, sizeof starts), "ends_at",
		timefmt_rfc3339(ends_ms, ends, sizeof ends));
	struct frame *f = frame_from_json(msg);

	json_decref(msg);
	return f;
}

static void schedule_transition(void);

/* Compares every room's fair state with the cache and pushes changes. */
static void check_states(void)
{
	for (size_t i = 0; i < rooms.capacity; i++) {
		struct room *r = rooms.slots[i].id ? rooms.slots[i].value : NULL;
		const char *status;
		int64_t starts, ends;
		struct frame *f;

		if (!r || fairs_state(r->fair_id, &status, &starts, &ends))
			continue;
		/* statuses are static strings; extending moves only times */
		if (r->status == status && r->starts_ms == starts &&
		    r->ends_ms == ends)
			continue;
		r->status = status;
		r->starts_ms = starts;
		r->ends_ms = ends;
		/* kept snapshots hold the fair as it was (a state change has
		 * no seq to tell them apart by) */
		r->stock_gen++;
		f = state_frame(r, status, starts, ends);
		if (!f)
			continue;
		for (struct room_member *m = r->members; m; m = m->next)
			member_set_slot(m, SLOT_STATE, f);
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
	for (size_t i = 0; i < rooms.capacity; i++) {
		struct room *r = rooms.slots[i].id ? rooms.slots[i].value : NULL;
		long long online = 0;
		json_t *msg;
		struct frame *f;

		if (!r)
			continue;
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
			if (m->staff)
				member_set_slot(m, SLOT_PRESENCE, f);
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

	(void)t;
	loop_timer_schedule(&presence_timer, presence_tick,
			    PRESENCE_INTERVAL_MS * LWS_US_PER_MS);
	if (presence_busy || srv.stopping)
		return;
	strbuf_init(&fairs);
	strbuf_init(&online);
	strbuf_init(&dealer_fairs);
	strbuf_init(&dealers);
	for (size_t i = 0; i < rooms.capacity; i++) {
		struct room *r = rooms.slots[i].id ? rooms.slots[i].value : NULL;

		if (!r || (!r->dealers && !r->staff))
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

/* ---- join and leave ---- */

const struct param_spec room_join_params[] = {
	{"fair", PARAM_ID, true, 0, 0},
	{"since", PARAM_INT, false, 0, INT64_MAX},
	{NULL, 0, false, 0, 0},
};

const struct param_spec room_leave_params[] = {
	{"fair", PARAM_ID, true, 0, 0},
	{NULL, 0, false, 0, 0},
};

struct join_job {
	int64_t fair_id;
	bool resume;     /* this answer is a resume (may be NULL: snapshot) */
	bool whole;      /* read the whole snapshot, not a kept part */
	int audience;    /* index into room.kept, or -1: not kept */
	enum { PART_OWN, PART_BATCH, PART_KEPT } part; /* where its shared
				part comes from: read for it, read for its
				audience in the same batch, or kept */
	int64_t kept_seq;    /* PART_KEPT: the kept part it counts on */
};

static void join_query(struct op_ticket *t, bool resume, int64_t since);
static void join_snapshot_query(struct op_ticket *t, bool whole);

static unsigned long long joins_read, joins_kept;

void room_join_stats(unsigned long long *read, unsigned long long *kept)
{
	*read = joins_read;
	*kept = joins_kept;
}

/* Makes the session a member of the fair's room from snapshot seq on. */
static void attach(struct op_ticket *t, int64_t fair_id, int64_t seq)
{
	const struct auth_user *u = ws_session_user(t->caller.session_id);
	struct room *r;
	struct room_member *m;
	const char *status;
	int64_t starts, ends;

	if (!u)
		return; /* the session left meanwhile */
	r = room_get(fair_id, true);
	m = xcalloc(1, sizeof *m);
	if (!r->last_seq) {
		/* A new room: read the last RING_SIZE events so that joins
		 * whose snapshots were taken a little earlier are covered. */
		r->floor_seq = r->last_seq = seq > RING_SIZE ? seq - RING_SIZE : 0;
	}
	m->room = r;
	m->behind = seq < r->floor_seq; /* it must resume */
	m->session_id = t->caller.session_id;
	m->staff = u->role != ROLE_DEALER;
	snprintf(m->tier, sizeof m->tier, "%s", u->tier);
	m->dealer_id = u->dealer_id;
	m->min_seq = seq;
	/* events after the snapshot that are in the ring already */
	m->tail = r->end;
	while (m->tail > r->first && r->ring[(m->tail - 1) % RING_SIZE].seq > seq)
		m->tail--;
	m->next = r->members;
	if (r->members)
		r->members->prev = m;
	r->members = m;
	if (m->staff)
		r->staff++;
	else
		count_dealer(r, m->dealer_id, +1);
	if (!r->status && !fairs_state(fair_id, &status, &starts, &ends)) {
		r->status = status;
		r->starts_ms = starts;
		r->ends_ms = ends;
	}
	room_member_free(ws_session_set_member(m->session_id, m));
	if (r->last_seq < seq)
		fetch_events(r); /* events the snapshot saw are not read yet */
	ws_session_wake(m->session_id);
}

/* Which kept snapshot a member would share: staff, or its dealer tier. */
static int audience_of(const struct op_ticket *t)
{
	const struct auth_user *u = ws_session_user(t->caller.session_id);

	if (t->caller.role != ROLE_DEALER)
		return 0;
	if (u && u->tier[0] >= 'A' && u->tier[0] <= 'Z' && !u->tier[1])
		return 1 + (u->tier[0] - 'A');
	return -1;
}

/* The kept snapshot for an audience, when it may still serve a join. */
static struct kept_snapshot *kept_current(int64_t fair_id, int audience)
{
	struct room *r = room_get(fair_id, false);
	struct kept_snapshot *k;

	if (!r || audience < 0)
		return NULL;
	k = &r->kept[audience];
	if (!k->text || k->stock_gen != r->stock_gen || r->last_seq > k->seq ||
	    timefmt_mono_ms() - k->at_ms >= KEEP_SNAPSHOT_MS)
		return NULL;
	return k;
}

/* Replies with the text of a snapshot or resume and makes the session a
 * member from seq on: the reply goes out before any push that follows it. */
static void join_answer(struct op_ticket *t, const char *text, size_t len,
			int64_t seq)
{
	struct join_job *job = t->data;
	int64_t fair_id = job->fair_id;
	struct op_ticket copy = *t;

	copy.data = NULL;
	if (!op_ticket_ok_text(t, text, len))
		attach(&copy, fair_id, seq);
}

/* Replies with the shared part and the member's chat as one snapshot
 * ({...shared, "chat": chat}). */
static void join_reply(struct op_ticket *t, const char *shared, size_t len,
		       const char *chat, int64_t seq)
{
	size_t chat_len = strlen(chat), n;
	char *text;

	while (len && shared[len - 1] != '}')
		len--;
	if (!len) {
		op_ticket_fail(t, ERR_INTERNAL, "unreadable snapshot", NULL);
		return;
	}
	text = xmalloc(len + chat_len + 16);
	memcpy(text, shared, len - 1);
	n = len - 1;
	n += (size_t)sprintf(text + n, ", \"chat\": ");
	memcpy(text + n, chat, chat_len);
	n += chat_len;
	text[n++] = '}';
	join_answer(t, text, n, seq);
	free(text);
}

/* A resume goes to the client as PostgreSQL wrote it: with 10,000 dealers
 * joining at 10:00, parsing and serialising each answer again was most of
 * the server's time (perf, BENCHMARKS.md). */
static void join_resume_rows(struct op_ticket *t, const PGresult *res)
{
	struct join_job *job = t->data;

	if (PQgetisnull(res, 0, 0)) {
		/* history too long or not ours: a full snapshot */
		job->resume = false;
		join_snapshot_query(t, false);
		return;
	}
	join_answer(t, PQgetvalue(res, 0, 0), (size_t)PQgetlength(res, 0, 0),
		    atoll(PQgetvalue(res, 0, 1)));
}

/* ---- joins that need a snapshot: read together ---- */

/* At 10:00 thousands of dealers join one fair within a second. Read one by
 * one, every join was a query (a whole snapshot until a first one was
 * kept): the pool's queue overflowed and most joins were refused
 * `unavailable` and sent again (43,000 refusals for 10,000 dealers,
 * BENCHMARKS.md). Joins now wait at the fair's gate while one read is in
 * the database, and the next read answers all of them at once: the shared
 * part once per audience that has no current kept copy, each member's chat,
 * and the fair's seq, all in one statement (one snapshot of the data). */
#define JOIN_BATCH_MAX 500

struct join_gate {
	int64_t fair_id;
	struct op_ticket **waiting;
	size_t count, cap;
	bool in_flight;        /* one read per fair at a time */
};

static struct idmap gates; /* fair id -> join_gate while joins wait */

struct join_batch {
	struct join_gate *gate;
	uint64_t stock_gen;    /* the room's when the read was sent */
	size_t count;
	struct op_ticket *t[];
};

static const char sql_join_batch[] =
	"SELECT m.i, CASE WHEN m.own THEN fair_snapshot_shared($1::bigint, "
	"m.staff, m.tier, $6::int)::text END, fair_chat_snapshot($1::bigint, "
	"m.staff, m.dealer)::text, (SELECT seq FROM fair_seq WHERE fair_id = "
	"$1::bigint) FROM unnest($2::boolean[], $3::bigint[], $4::text[], "
	"$5::boolean[]) WITH ORDINALITY AS m(staff, dealer, tier, own, i)";

enum { COL_I, COL_SHARED, COL_CHAT, COL_SEQ };

static void gate_send(struct join_gate *g);

static void gate_free_if_idle(struct join_gate *g)
{
	if (g->count || g->in_flight)
		return;
	idmap_remove(&gates, (uint64_t)g->fair_id);
	free(g->waiting);
	free(g);
}

static void gate_enter(struct op_ticket *t)
{
	struct join_job *job = t->data;
	struct join_gate *g = idmap_get(&gates, (uint64_t)job->fair_id);

	if (!g) {
		g = xcalloc(1, sizeof *g);
		g->fair_id = job->fair_id;
		idmap_put(&gates, (uint64_t)job->fair_id, g);
	}
	if (g->count == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 64;
		g->waiting = xrealloc(g->waiting, g->cap * sizeof *g->waiting);
	}
	g->waiting[g->count++] = t;
	gate_send(g);
	gate_free_if_idle(g); /* when nothing could be sent */
}

/* Decides where each join's shared part comes from and builds the arrays. */
static void batch_plan(struct join_batch *b, struct strbuf arrays[4])
{
	bool read_for[AUDIENCES] = {false};

	for (size_t i = 0; i < b->count; i++) {
		struct op_ticket *t = b->t[i];
		struct join_job *job = t->data;
		const struct auth_user *u = ws_session_user(t->caller.session_id);
		struct kept_snapshot *k;
		char dealer[24];

		job->audience = audience_of(t);
		k = job->whole ? NULL : kept_current(job->fair_id, job->audience);
		job->kept_seq = k ? k->seq : -1;
		if (k) {
			job->part = PART_KEPT;
		} else if (job->audience >= 0 && read_for[job->audience]) {
			job->part = PART_BATCH;
		} else {
			job->part = PART_OWN;
			if (job->audience >= 0)
				read_for[job->audience] = true;
		}
		snprintf(dealer, sizeof dealer, "%lld",
			 (long long)t->caller.dealer_id);
		pgarray_text(&arrays[0], i,
			     t->caller.role != ROLE_DEALER ? "t" : "f");
		pgarray_text(&arrays[1], i, t->caller.dealer_id ? dealer : NULL);
		pgarray_text(&arrays[2], i,
			     job->part == PART_OWN && u && u->tier[0] ? u->tier
								      : NULL);
		pgarray_text(&arrays[3], i, job->part == PART_OWN ? "t" : "f");
	}
	for (int a = 0; a < 4; a++)
		pgarray_end(&arrays[a], b->count);
}

/* Keeps the shared part just read for its audience, unless the stock or
 * an event has moved on since the read was sent. */
static void keep_part(int64_t fair_id, int audience, uint64_t stock_gen,
		      const char *shared, size_t len, int64_t seq)
{
	struct room *r = room_get(fair_id, false); /* made by attach */
	struct kept_snapshot *k;
	char *copy;

	if (!r || audience < 0 || r->stock_gen != stock_gen ||
	    r->kept[audience].seq > seq)
		return;
	copy = xmalloc(len + 1);
	memcpy(copy, shared, len + 1);
	k = &r->kept[audience];
	free(k->text);
	k->text = copy;
	k->len = len;
	k->seq = seq;
	k->stock_gen = stock_gen;
	k->at_ms = timefmt_mono_ms();
}

/* Answers one join of a batch from row `row`; the shared parts read by the
 * batch are in own_row (per audience, -1: none). Returns false when the
 * join must be read again, whole. */
static bool batch_answer(struct join_batch *b, struct op_ticket *t,
			 const PGresult *res, int row, const int *own_row)
{
	struct join_job *job = t->data;
	const char *chat = PQgetvalue(res, row, COL_CHAT);
	int from = job->part == PART_OWN ? row
		   : job->part == PART_BATCH ? own_row[job->audience]
					     : -1;

	if (from >= 0) {
		const char *shared = PQgetvalue(res, from, COL_SHARED);
		size_t len = (size_t)PQgetlength(res, from, COL_SHARED);
		int64_t seq;

		if (PQgetisnull(res, from, COL_SHARED)) {
			op_ticket_fail(t, ERR_NOT_FOUND, "no such fair", NULL);
			return true;
		}
		/* read in the same statement as the part: the events it
		 * covers */
		seq = atoll(PQgetvalue(res, from, COL_SEQ));
		if (job->part == PART_OWN) {
			int64_t fair_id = job->fair_id;
			int audience = job->audience;

			joins_read++;
			join_reply(t, shared, len, chat, seq); /* frees job */
			/* after the reply: its attach makes the room */
			keep_part(fair_id, audience, b->stock_gen, shared, len,
				  seq);
		} else {
			joins_kept++;
			join_reply(t, shared, len, chat, seq);
		}
		return true;
	}
	{
		struct kept_snapshot *k =
			kept_current(job->fair_id, job->audience);

		if (!k || k->seq != job->kept_seq ||
		    PQgetisnull(res, row, COL_SEQ) ||
		    atoll(PQgetvalue(res, row, COL_SEQ)) != k->seq)
			return false; /* something happened since it was read */
		joins_kept++;
		join_reply(t, k->text, k->len, chat, k->seq);
		return true;
	}
}

static void batch_done(void *arg, enum pg_outcome outcome,
		       const PGresult *res)
{
	struct join_batch *b = arg;
	struct join_gate *g = b->gate;
	int own_row[AUDIENCES];
	int *row_of = NULL;
	int rows = 0;

	if (outcome == PG_DONE && PQresultStatus(res) == PGRES_TUPLES_OK) {
		rows = PQntuples(res);
		row_of = xmalloc(b->count * sizeof *row_of);
	}
	if (row_of) {
		for (size_t i = 0; i < b->count; i++)
			row_of[i] = -1;
		for (int a = 0; a < AUDIENCES; a++)
			own_row[a] = -1;
		for (int row = 0; row < rows; row++) {
			long long i = atoll(PQgetvalue(res, row, COL_I)) - 1;
			struct join_job *job;

			if (i < 0 || (size_t)i >= b->count)
				continue;
			row_of[i] = row;
			job = b->t[i]->data;
			if (job->part == PART_OWN && job->audience >= 0)
				own_row[job->audience] = row;
		}
	}
	for (size_t i = 0; i < b->count; i++) {
		struct op_ticket *t = b->t[i];

		if (outcome != PG_DONE)
			op_ticket_unavailable(t);
		else if (PQresultStatus(res) != PGRES_TUPLES_OK)
			op_ticket_db_error(t, res);
		else if (row_of[i] < 0)
			op_ticket_fail(t, ERR_INTERNAL,
				       "the snapshot could not be read", NULL);
		else if (!batch_answer(b, t, res, row_of[i], own_row))
			join_snapshot_query(t, true);
	}
	free(row_of);
	free(b);
	/* joins sent back to the gate above waited for this: they go next,
	 * with those that arrived meanwhile */
	g->in_flight = false;
	gate_send(g);
	gate_free_if_idle(g);
}

/* Sends the joins waiting at g, up to JOIN_BATCH_MAX, unless a read for the
 * fair is in the database already (its answer sends the next). */
static void gate_send(struct join_gate *g)
{
	size_t n = g->count < JOIN_BATCH_MAX ? g->count : JOIN_BATCH_MAX;
	struct room *r = room_get(g->fair_id, false);
	struct strbuf arrays[4];
	struct join_batch *b;
	char fair[24], limit[16];
	const char *params[6];
	bool failed;

	if (g->in_flight || !n)
		return;
	b = xmalloc(sizeof *b + n * sizeof b->t[0]);
	b->gate = g;
	b->stock_gen = r ? r->stock_gen : 0;
	b->count = n;
	memcpy(b->t, g->waiting, n * sizeof b->t[0]);
	for (int a = 0; a < 4; a++)
		strbuf_init(&arrays[a]);
	batch_plan(b, arrays);
	snprintf(fair, sizeof fair, "%lld", (long long)g->fair_id);
	snprintf(limit, sizeof limit, "%d", JOIN_PAGE);
	params[0] = fair;
	for (int a = 0; a < 4; a++)
		params[1 + a] = arrays[a].data;
	params[5] = limit;
	failed = pg_query(srv.db, sql_join_batch, 6, params, batch_done, b);
	for (int a = 0; a < 4; a++)
		strbuf_free(&arrays[a]);
	if (failed) {
		/* nothing was sent: these joins are refused, and so would the
		 * others be now */
		n = g->count;
		for (size_t i = 0; i < n; i++)
			op_ticket_unavailable(g->waiting[i]);
		g->count = 0;
		free(b);
		return;
	}
	g->count -= n;
	memmove(g->waiting, g->waiting + n, g->count * sizeof g->waiting[0]);
	g->in_flight = true;
}

/* A snapshot for a join: through the fair's gate, from the kept shared part
 * when there is a current one (unless whole), with the member's chat. */
static void join_snapshot_query(struct op_ticket *t, bool whole)
{
	struct join_job *job = t->data;

	job->whole = whole;
	gate_enter(t);
}

static void join_query(struct op_ticket *t, bool resume, int64_t since)
{
	struct join_job *job = t->data;
	const struct auth_user *u = ws_session_user(t->caller.session_id);
	char fair[24], since_text[24], dealer[24], limit[16];
	const char *params[6];

	if (!resume) {
		join_snapshot_query(t, false);
		return;
	}
	snprintf(fair, sizeof fair, "%lld", (long long)job->fair_id);
	snprintf(since_text, sizeof since_text, "%lld", (long long)since);
	snprintf(dealer, sizeof dealer, "%lld", (long long)t->caller.dealer_id);
	snprintf(limit, sizeof limit, "%d", RESUME_MAX);
	params[0] = fair;
	params[1] = since_text;
	params[2] = t->caller.role != ROLE_DEALER ? "true" : "false";
	params[3] = u && u->tier[0] ? u->tier : NULL;
	params[4] = t->caller.dealer_id ? dealer : NULL;
	params[5] = limit;
	op_ticket_read(t,
		       "SELECT r::text, r->>'seq' FROM fair_resume($1::bigint, "
		       "$2::bigint, $3::boolean, $4, $5::bigint, $6::int) r",
		       6, params, join_resume_rows);
}

void room_op_join(struct op_call *call)
{
	struct op_ticket *t = op_defer(call);
	struct join_job *job = xmalloc(sizeof *job);
	json_t *since = json_object_get(call->msg, "since");

	job->fair_id = json_integer_value(json_object_get(call->msg, "fair"));
	job->resume = json_is_integer(since);
	t->data = job;
	join_query(t, job->resume,
		   job->resume ? json_integer_value(since) : 0);
}

void room_op_leave(struct op_call *call)
{
	int64_t fair_id = json_integer_value(json_object_get(call->msg, "fair"));
	struct room_member *m = ws_session_member(call->caller.session_id);

	if (m && m->room->fair_id == fair_id)
		room_member_free(ws_session_set_member(call->caller.session_id,
						       NULL));
	op_ok(call, NULL);
}

/* ---- start and stop ---- */

void room_start(void)
{
	unsigned char random[16];

	RAND_bytes(random, sizeof random);
	for (int i = 0; i < 16; i++)
		snprintf(process_id + 2 * i, 3, "%02x", random[i]);
	if (pg_listen(srv.db, "fair_events", on_fair_events, NULL) ||
	    pg_listen(srv.db, "fair_stock", on_fair_stock, NULL))
		LOG(LOG_ERROR, "cannot subscribe to fair events");
	fairs_on_change = on_fairs_changed;
	loop_timer_schedule(&presence_timer, presence_tick,
			    PRESENCE_INTERVAL_MS * LWS_US_PER_MS);
}

static void gate_drop(uint64_t id, void *value, void *arg)
{
	struct join_gate *g = value;

	(void)id;
	(void)arg;
	for (size_t i = 0; i < g->count; i++)
		op_ticket_fail(g->waiting[i], ERR_UNAVAILABLE,
			       "the server is stopping", NULL);
	free(g->waiting);
	free(g);
}

void room_stop(void)
{
	/* the pool is gone: no read is in flight */
	idmap_foreach(&gates, gate_drop, NULL);
	idmap_free(&gates);
	for (size_t i = 0; i < rooms.capacity; i++)
		if (rooms.slots[i].id)
			room_free(rooms.slots[i].value);
	idmap_free(&rooms);
}
