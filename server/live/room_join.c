/* room_join.c - join and leave, the join gate, kept snapshot parts (see
 * room_join.h). */
#include "live/room_join.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "base/strbuf.h"
#include "base/timefmt.h"
#include "base/xalloc.h"
#include "db/pg.h"
#include "db/pgarray.h"
#include "live/fairs.h"
#include "live/room.h"
#include "live/room_events.h"
#include "live/room_state.h"
#include "net/ws_session.h"
#include "rpc/op_reply.h"
#include "server.h"

#define RESUME_MAX 1000 /* more missed events: a full snapshot */
#define JOIN_PAGE 20    /* items in a join snapshot */
#define KEEP_SNAPSHOT_MS \
	1000 /* a kept shared snapshot serves joins this long
				   at most (the fair's status and flash prices
				   follow the clock, not events) */

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
	bool resume;  /* this answer is a resume (may be NULL: snapshot) */
	bool whole;   /* read the whole snapshot, not a kept part */
	int audience; /* index into room.kept, or -1: not kept */
	enum {
		PART_OWN,
		PART_BATCH,
		PART_KEPT
	} part;           /* where its shared
				part comes from: read for it, read for its
				audience in the same batch, or kept */
	int64_t kept_seq; /* PART_KEPT: the kept part it counts on */
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
	const struct auth_user *u = auth_session_user(t->caller.session_id);
	struct ring_viewer who = {0};
	struct room *r;
	struct room_member *m;
	struct fair_state state;

	if (!u)
		return; /* the session left meanwhile */
	r = room_get(fair_id, true);
	if (!r->last_seq) {
		/* A new room: read the last RING_SIZE events so that joins
		 * whose snapshots were taken a little earlier are covered. */
		r->ring.floor_seq = r->last_seq = ring_floor_for(seq);
	}
	who.staff = u->role != ROLE_DEALER;
	snprintf(who.tier, sizeof who.tier, "%s", u->tier);
	who.dealer_id = u->dealer_id;
	m = room_member_add(r, t->caller.session_id, &who, seq);
	if (!r->status && !fairs_state(fair_id, &state))
		room_state_take(r, &state);
	room_member_free(ws_session_set_member(m->session_id, m));
	if (r->last_seq < seq)
		room_events_fetch(
			r); /* events the snapshot saw: not read yet */
	ws_session_wake(m->session_id);
}

/* Which kept snapshot a member would share: staff, or its dealer tier. */
static int audience_of(const struct op_ticket *t)
{
	const struct auth_user *u = auth_session_user(t->caller.session_id);

	return ring_audience(t->caller.role != ROLE_DEALER, u ? u->tier : NULL);
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
	bool in_flight; /* one read per fair at a time */
};

static struct idmap gates; /* fair id -> join_gate while joins wait */

struct join_batch {
	struct join_gate *gate;
	uint64_t stock_gen; /* the room's when the read was sent */
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
	bool read_for[RING_AUDIENCES] = {false};

	for (size_t i = 0; i < b->count; i++) {
		struct op_ticket *t = b->t[i];
		struct join_job *job = t->data;
		const struct auth_user *u =
			auth_session_user(t->caller.session_id);
		struct kept_snapshot *k;
		char dealer[24];

		job->audience = audience_of(t);
		k = job->whole ? NULL
			       : kept_current(job->fair_id, job->audience);
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
		pgarray_text(&arrays[1], i,
			     t->caller.dealer_id ? dealer : NULL);
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
	int from = job->part == PART_OWN     ? row
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

static void batch_done(void *arg, enum pg_outcome outcome, const PGresult *res)
{
	struct join_batch *b = arg;
	struct join_gate *g = b->gate;
	int own_row[RING_AUDIENCES];
	int *row_of = NULL;
	int rows = 0;

	if (outcome == PG_DONE && PQresultStatus(res) == PGRES_TUPLES_OK) {
		rows = PQntuples(res);
		row_of = xmalloc(b->count * sizeof *row_of);
	}
	if (row_of) {
		for (size_t i = 0; i < b->count; i++)
			row_of[i] = -1;
		for (int a = 0; a < RING_AUDIENCES; a++)
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
	const struct auth_user *u = auth_session_user(t->caller.session_id);
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
	join_query(t, job->resume, job->resume ? json_integer_value(since) : 0);
}

void room_op_leave(struct op_call *call)
{
	int64_t fair_id =
		json_integer_value(json_object_get(call->msg, "fair"));
	struct room_member *m = ws_session_member(call->caller.session_id);

	if (m && m->room->fair_id == fair_id)
		room_member_free(
			ws_session_set_member(call->caller.session_id, NULL));
	op_ok(call, NULL);
}

/* ---- stop ---- */

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

void room_join_stop(void)
{
	/* the pool is gone: no read is in flight */
	idmap_foreach(&gates, gate_drop, NULL);
	idmap_free(&gates);
}
