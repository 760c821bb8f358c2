/* order_intake.c - order.place by group commit (see order_intake.h). */
#include "order/order_intake.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/lock_set.h"
#include "base/log.h"
#include "base/loop_timer.h"
#include "base/strbuf.h"
#include "base/timefmt.h"
#include "base/xalloc.h"
#include "db/pg.h"
#include "db/pgarray.h"
#include "order/batch_plan.h"
#include "order/order_rules.h"
#include "order/stock_cache.h"
#include "order/stock_seed.h"
#include "rpc/op_reply.h"
#include "rpc/op_sql.h"
#include "server.h"

#define RESOLVE_RETRY_MS 250

const struct param_spec order_place_params[] = {
	{"fair", PARAM_ID, true, 0, 0},
	{"key", PARAM_STRING, true, 1, 64},
	{"lines", PARAM_ARRAY, true, 1, ORDER_LINES_MAX},
	{"partial", PARAM_BOOL, false, 0, 0},
	{"ship_to", PARAM_ID, false, 0, 0},
	{"note", PARAM_STRING, false, 0, 1000},
	{"dealer", PARAM_ID, false, 0, 0},
	{"coupon", PARAM_STRING, false, 3, 32},
	{NULL, 0, false, 0, 0},
};

/* An order waiting for, or in, a batch. */
struct pending {
	struct pending *next;
	struct op_ticket *ticket;
	char *text; /* the batch element order_decide reads, as JSON */
	bool alone; /* its batch failed: retried in a batch of its own */
	int64_t dealer;
	char *key;         /* its idempotency key */
	uint64_t key_hash; /* order_key_hash of its dealer and key */
	bool key_held;     /* key_hash is in intake.pending_keys */
	uint64_t *locks;   /* the rows its batch will lock: dealer, variants */
	size_t nlocks;
	int64_t fair; /* what the queue's sweep checks, parsed once */
	bool partial;
	size_t nlines;
	struct order_line lines[];
};

struct batch {
	struct batch *next;     /* in the list being resolved */
	struct pending *orders; /* in arrival order */
	size_t n;
	bool holds_locks;     /* its orders' rows are in intake.locked */
	char *text;           /* the JSON array sent */
	int64_t sent_wall_ms; /* compared with backend start times */
	int backend_pid;      /* the backend it was sent to */
	int64_t resolve_deadline_ms;
	struct loop_timer retry_timer;
};

static struct {
	struct pending *head, *tail; /* waiting for the next batch */
	int in_flight;               /* batches in the database */
	struct lock_set locked;      /* the rows those batches lock */
	/* The keys of the orders queued, in a batch or resolving: their
	 * outcome is not known yet (order_route_arrival). */
	struct lock_set pending_keys;
	struct pending *lookup_head,
		*lookup_tail; /* waiting for a key lookup */
	unsigned lookups_waiting;
	int lookups_in_flight; /* key lookups in the database */
	bool stopped;
	struct batch *resolving;
	struct order_intake_stats stats;
} intake;

static void pump(const struct pending *arrived);
static void lookups_pump(void);
static void batch_release_locks(struct batch *b);
static void sweep_queue(void);
static void resolve_try(struct batch *b);
static void enqueue(struct pending *o);
static void lookup_add(struct pending *o);

/* ---- answers ---- */

/* Answers o with its decision, one row of order_place_batch_rows or
 * order_decision_rows: an order (made or a duplicate) is wrapped into the
 * reply as PostgreSQL wrote it; a refusal is parsed for its code. */
static void answer_decision(struct pending *o, const char *kind,
			    const char *text, size_t len)
{
	json_error_t jerr;

	if (!strcmp(kind, "refused")) {
		intake.stats.refused++;
		op_sql_answer(o->ticket, json_loadb(text, len, 0, &jerr));
	} else if (!strcmp(kind, "made")) {
		intake.stats.accepted++;
		op_ticket_ok_text(o->ticket, text, len);
	} else if (!strcmp(kind, "duplicate")) {
		intake.stats.duplicates++;
		op_ticket_ok_text(o->ticket, text, len);
	} else {
		op_sql_answer(o->ticket, NULL); /* answered internal, logged */
	}
	o->ticket = NULL;
}

static void answer_error(struct pending *o, enum proto_error code,
			 const char *message)
{
	if (code == ERR_UNAVAILABLE)
		intake.stats.unavailable++;
	else if (code == ERR_IN_DOUBT)
		intake.stats.in_doubt++;
	op_ticket_fail(o->ticket, code, message, NULL);
	o->ticket = NULL;
}

/* Appends o to the list from *head to *tail. */
static void pending_append(struct pending **head, struct pending **tail,
			   struct pending *o)
{
	o->next = NULL;
	if (*tail)
		(*tail)->next = o;
	else
		*head = o;
	*tail = o;
}

/* How many orders with o's dealer and key are queued, in a batch or
 * resolving here (o itself included when it is queued). */
static unsigned pending_key_count(const struct pending *o)
{
	return lock_set_count(&intake.pending_keys, o->key_hash);
}

static void pending_release_key(struct pending *o)
{
	if (o->key_held)
		lock_set_remove(&intake.pending_keys, &o->key_hash, 1);
	o->key_held = false;
}

static void pending_free_list(struct pending *o)
{
	while (o) {
		struct pending *next = o->next;

		pending_release_key(o);

		if (o->ticket)
			op_ticket_fail(o->ticket, ERR_UNAVAILABLE,
				       "the server is shutting down: retry",
				       NULL);
		free(o->text);
		free(o->key);
		free(o->locks);
		free(o);
		o = next;
	}
}

static void batch_free(struct batch *b)
{
	pending_free_list(b->orders);
	free(b->text);
	free(b);
}

static void fail_batch(struct batch *b, enum proto_error code,
		       const char *message)
{
	for (struct pending *o = b->orders; o; o = o->next)
		answer_error(o, code, message);
	batch_free(b);
}

/* Answers each order of b with its row of order_place_batch_rows (or
 * order_decision_rows); false when there is not one row per order. With
 * null_is_unmade, an unmade order (a null from order_resolve) is answered
 * unavailable. */
static bool answer_decisions(struct batch *b, const PGresult *res,
			     bool null_is_unmade)
{
	int i = 0;

	if (PQnfields(res) != 2 || PQntuples(res) < 0 ||
	    (size_t)PQntuples(res) != b->n)
		return false;
	for (struct pending *o = b->orders; o; o = o->next, i++) {
		const char *kind = PQgetvalue(res, i, 0);

		if (null_is_unmade && !strcmp(kind, "unmade"))
			answer_error(o, ERR_UNAVAILABLE,
				     "the order was not made (the connection "
				     "to the database was lost): retry");
		else
			answer_decision(o, kind, PQgetvalue(res, i, 1),
					(size_t)PQgetlength(res, i, 1));
	}
	return true;
}

/* ---- resolving a batch whose connection was lost ---- */

static void resolve_unlink(struct batch *b)
{
	for (struct batch **p = &intake.resolving; *p; p = &(*p)->next)
		if (*p == b) {
			*p = b->next;
			return;
		}
}

static void resolve_give_up(struct batch *b)
{
	LOG(LOG_WARN,
	    "orders: the outcome of a lost batch of %zu orders "
	    "could not be learned: answered in_doubt",
	    b->n);
	resolve_unlink(b);
	fail_batch(b, ERR_IN_DOUBT,
		   "the connection to the database was lost and the outcome "
		   "could not be learned in time: retry with the same key");
}

static void resolve_retry(struct loop_timer *t)
{
	resolve_try(lws_container_of(t, struct batch, retry_timer));
}

static void resolve_later(struct batch *b)
{
	if (intake.stopped || timefmt_mono_ms() >= b->resolve_deadline_ms) {
		resolve_give_up(b);
		return;
	}
	loop_timer_schedule(&b->retry_timer, resolve_retry,
			    RESOLVE_RETRY_MS * LWS_US_PER_MS);
}

static void resolve_done(void *arg, enum pg_outcome outcome,
			 const PGresult *res)
{
	struct batch *b = arg;

	if (outcome != PG_DONE || PQresultStatus(res) != PGRES_TUPLES_OK ||
	    PQntuples(res) == 0) {
		/* not yet known: the database is away, or the old backend
		 * is still there */
		if (outcome == PG_DONE &&
		    PQresultStatus(res) != PGRES_TUPLES_OK)
			LOG(LOG_WARN, "orders: resolving a lost batch: %s",
			    PQresultErrorMessage(res));
		resolve_later(b);
		return;
	}
	resolve_unlink(b);
	if (!answer_decisions(b, res, true)) {
		LOG(LOG_ERROR,
		    "orders: order_resolve gave no decision per order");
		fail_batch(b, ERR_IN_DOUBT,
			   "the outcome could not be learned: retry with the "
			   "same key");
		return;
	}
	LOG(LOG_NOTICE, "orders: a lost batch of %zu orders was resolved",
	    b->n);
	batch_free(b);
}

static void resolve_try(struct batch *b)
{
	char pid[16], sent[OP_SQL_INT_TEXT];
	const char *params[3] = {pid, sent, b->text};

	snprintf(pid, sizeof pid, "%d", b->backend_pid);
	snprintf(sent, sizeof sent, "%lld", (long long)b->sent_wall_ms);
	if (intake.stopped ||
	    pg_query(srv.db,
		     "SELECT * FROM order_decision_rows(order_resolve("
		     "$1::integer, $2::bigint, $3::jsonb))",
		     3, params, resolve_done, b))
		resolve_later(b);
}

/* ---- batches ---- */

/* A batch failed as a whole, so nothing of it was made. A transient failure
 * (a SQLSTATE proto_error_of_sqlstate calls unavailable) answers its orders
 * unavailable. Otherwise a batch of several may have failed for one order
 * the checks let through: each gets a batch of its own, so one bad order
 * cannot keep failing the others; a batch of one is answered internal. */
static void batch_failed(struct batch *b, const PGresult *res)
{
	bool transient = proto_error_of_sqlstate(PQresultErrorField(
				 res, PG_DIAG_SQLSTATE)) == ERR_UNAVAILABLE;
	struct pending *last;

	LOG(transient ? LOG_WARN : LOG_ERROR,
	    "orders: a batch of %zu orders failed: %s", b->n,
	    PQresultErrorMessage(res));
	if (transient) {
		fail_batch(b, ERR_UNAVAILABLE,
			   "the database could not take the order now: retry");
		return;
	}
	if (b->n == 1) {
		fail_batch(b, ERR_INTERNAL, "the database refused the order");
		return;
	}
	last = b->orders;
	for (struct pending *o = b->orders; o; o = o->next) {
		o->alone = true;
		last = o;
	}
	last->next = intake.head;
	if (!intake.head)
		intake.tail = last;
	intake.head = b->orders;
	intake.stats.queued += (unsigned)b->n;
	b->orders = NULL;
	batch_free(b);
}

static void batch_done(void *arg, enum pg_outcome outcome, const PGresult *res)
{
	struct batch *b = arg;

	intake.in_flight--;
	batch_release_locks(b);
	if (outcome == PG_NOT_SENT) {
		fail_batch(b, ERR_UNAVAILABLE,
			   "the database is unavailable: retry");
	} else if (outcome == PG_LOST) {
		intake.stats.lost_batches++;
		b->backend_pid = pg_done_backend_pid(srv.db);
		b->resolve_deadline_ms =
			timefmt_mono_ms() + srv.cfg.orders_resolve_ms;
		b->next = intake.resolving;
		intake.resolving = b;
		LOG(LOG_WARN,
		    "orders: connection lost with a batch of %zu "
		    "orders in flight (backend %d): resolving",
		    b->n, b->backend_pid);
		resolve_try(b);
	} else if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		batch_failed(b, res);
	} else {
		intake.stats.batches++;
		intake.stats.batched_orders += b->n;
		if (b->n > intake.stats.batch_max)
			intake.stats.batch_max = b->n;
		if (!answer_decisions(b, res, false)) {
			LOG(LOG_ERROR, "orders: order_place_batch_rows gave no "
				       "decision per order");
			fail_batch(b, ERR_INTERNAL,
				   "the database gave no answer");
		} else {
			batch_free(b);
		}
	}
	pump(NULL);
}

/* Sets b->text to the JSON array of its orders' elements. */
static void batch_set_text(struct batch *b)
{
	struct strbuf array;

	strbuf_init(&array);
	strbuf_add(&array, "[", 1);
	for (struct pending *o = b->orders; o; o = o->next) {
		if (o != b->orders)
			strbuf_add(&array, ",", 1);
		strbuf_addstr(&array, o->text);
	}
	strbuf_add(&array, "]", 1);
	b->text = array.data; /* the batch owns it now */
}

/* Takes the queued orders that can go now into a batch, in queue order, as
 * batch_plan decides (order/batch_plan.h); the others keep their places.
 * NULL when none can go. */
static struct batch *batch_take(void)
{
	struct batch *b = xcalloc(1, sizeof *b);
	struct pending **link = &intake.head, **end, *last = NULL;
	struct batch_plan plan;

	batch_plan_start(&plan, &intake.locked,
			 (size_t)srv.cfg.orders_batch_max);
	end = &b->orders;
	while (*link && batch_plan_open(&plan)) {
		struct pending *o = *link;

		if (batch_plan_offer(&plan, o->locks, o->nlocks, o->alone) ==
		    BATCH_LEAVE) {
			last = o;
			link = &o->next;
			continue;
		}
		*link = o->next;
		o->next = NULL;
		*end = o;
		end = &o->next;
		b->n++;
	}
	batch_plan_end(&plan);
	if (!*link)
		intake.tail = last;
	intake.stats.queued -= (unsigned)b->n;
	if (!b->n) {
		free(b);
		return NULL;
	}
	batch_set_text(b);
	return b;
}

static void batch_hold_locks(struct batch *b)
{
	for (struct pending *o = b->orders; o; o = o->next)
		if (lock_set_add(&intake.locked, o->locks, o->nlocks))
			abort();
	b->holds_locks = true;
}

static void batch_release_locks(struct batch *b)
{
	if (!b->holds_locks)
		return;
	for (struct pending *o = b->orders; o; o = o->next)
		lock_set_remove(&intake.locked, o->locks, o->nlocks);
	b->holds_locks = false;
}

void order_intake_stock_heard(void)
{
	sweep_queue();
	lookups_pump();
}

/* Sends batches while fewer than orders_batches_in_flight are in the
 * database. After an order arrives (arrived), the queue is looked through
 * again only when batch_plan_worth_a_look says so. */
static void pump(const struct pending *arrived)
{
	bool look = batch_plan_worth_a_look(&intake.locked, intake.in_flight,
					    arrived ? arrived->locks : NULL,
					    arrived ? arrived->nlocks : 0);

	sweep_queue(); /* may move arrived to the lookups */
	/* Lookups first: a connection a batch just left takes the lookup,
	 * which answers in milliseconds, before the next batch. */
	lookups_pump();
	while (look && intake.in_flight < srv.cfg.orders_batches_in_flight &&
	       intake.head) {
		struct batch *b = batch_take();
		const char *params[1];

		if (!b)
			break;
		params[0] = b->text;
		b->sent_wall_ms = timefmt_now_ms();
		if (pg_query_first(
			    srv.db,
			    "SELECT * FROM order_place_batch_rows($1::jsonb)",
			    1, params, batch_done, b)) {
			fail_batch(b, ERR_UNAVAILABLE,
				   "the database is unavailable: retry");
			continue;
		}
		batch_hold_locks(b);
		intake.in_flight++;
	}
}

/* ---- the fast refusal ---- */

static const char shortage_message[] = "not enough stock left for this order";
static const char queue_full_message[] =
	"too many orders are waiting: retry in a moment with the same key";

static bool queue_full(void)
{
	return intake.stats.queued >= (unsigned)srv.cfg.orders_queue_max;
}

/* Whether the last known stock certainly cannot serve o; known gets what is
 * known of each line's variant (-1: nothing). */
static bool cache_short(const struct pending *o, int64_t *known)
{
	for (size_t i = 0; i < o->nlines; i++)
		known[i] = stock_cache_get(o->fair, o->lines[i].variant);
	return order_certainly_short(o->lines, o->nlines, known, o->partial);
}

/* Answers o insufficient_stock from the cache, with what is known to be
 * available of its short lines, and frees it. */
static void refuse_short(struct pending *o, const int64_t *known)
{
	json_t *available = json_object();

	for (size_t i = 0; i < o->nlines; i++)
		if (known[i] >= 0 && known[i] < o->lines[i].qty) {
			char variant[OP_SQL_INT_TEXT];

			snprintf(variant, sizeof variant, "%lld",
				 (long long)o->lines[i].variant);
			json_object_set_new(available, variant,
					    json_integer(known[i]));
		}
	intake.stats.fast_refused++;
	op_ticket_fail(o->ticket, ERR_INSUFFICIENT_STOCK, shortage_message,
		       json_pack("{s:o}", "available", available));
	o->ticket = NULL;
	pending_free_list(o);
}

static void answer_unavailable(struct pending *o, const char *message)
{
	answer_error(o, ERR_UNAVAILABLE, message);
	pending_free_list(o);
}

/* Orders that queued while a batch was in the database are checked again
 * against the stock heard since: at 10:00:00 thousands queue for a variant
 * the first batches sell out, and they are answered after one key lookup
 * instead of waiting for batches that could only refuse them. */
static void sweep_queue(void)
{
	static uint64_t swept_generation;
	struct pending **link = &intake.head, *last = NULL;
	int64_t known[ORDER_LINES_MAX];

	if (stock_cache_generation() == swept_generation)
		return;
	swept_generation = stock_cache_generation();
	while (*link) {
		struct pending *o = *link;

		if (!order_sweep_to_lookup(pending_key_count(o)) ||
		    !cache_short(o, known)) {
			last = o;
			link = &o->next;
			continue;
		}
		*link = o->next;
		intake.stats.queued--;
		pending_release_key(o);
		lookup_add(o);
	}
	intake.tail = last;
}

/* ---- key lookups: the cache never answers for a stored key ---- */

/* One lookup at a time, of up to LOOKUP_KEYS_MAX keys: one index probe and
 * one row lock a key (about 3 µs here), so the thousands of refusals of a
 * flash crowd's sell-out take one round trip, on the connection likely to be
 * free soonest, rather than several, some queued behind an order batch. */
#define LOOKUPS_IN_FLIGHT 1
#define LOOKUP_KEYS_MAX 10000

static void lookup_add(struct pending *o)
{
	pending_append(&intake.lookup_head, &intake.lookup_tail, o);
	intake.lookups_waiting++;
	intake.stats.key_lookups++;
}

/* A key lookup in the database: its orders, and the dealers and keys sent
 * as two array literals (a few bytes a key, not the whole order). */
struct lookup {
	struct pending *orders; /* in the arrays' order */
	size_t n;
	char *dealers, *keys;
};

static void lookup_free(struct lookup *l)
{
	pending_free_list(l->orders);
	free(l->dealers);
	free(l->keys);
	free(l);
}

/* Answers every order of l unavailable (a lookup changes nothing: retrying
 * is safe) and frees it. */
static void lookup_fail(struct lookup *l, const char *message)
{
	for (struct pending *o = l->orders; o; o = o->next)
		answer_error(o, ERR_UNAVAILABLE, message);
	lookup_free(l);
}

/* The first LOOKUP_KEYS_MAX orders waiting for a lookup. */
static struct lookup *lookup_take(void)
{
	struct lookup *l = xcalloc(1, sizeof *l);
	struct strbuf dealers, keys;
	struct pending *last = NULL;

	strbuf_init(&dealers);
	strbuf_init(&keys);
	l->orders = intake.lookup_head;
	for (struct pending *o = l->orders; o && l->n < LOOKUP_KEYS_MAX;
	     o = o->next) {
		pgarray_int(&dealers, l->n, o->dealer);
		pgarray_text(&keys, l->n, o->key);
		last = o;
		l->n++;
	}
	pgarray_end(&dealers, l->n);
	pgarray_end(&keys, l->n);
	intake.lookup_head = last->next;
	if (!intake.lookup_head)
		intake.lookup_tail = NULL;
	last->next = NULL;
	intake.lookups_waiting -= (unsigned)l->n;
	l->dealers = dealers.data;
	l->keys = keys.data;
	return l;
}

/* o's key is not stored (and the server is not stopping): refused from the
 * cache, unavailable, or queued when stock came back while it was looked
 * up. */
static void lookup_answer_unstored(struct pending *o)
{
	int64_t known[ORDER_LINES_MAX];
	bool short_now = cache_short(o, known);

	switch (order_route_unstored(queue_full(), pending_key_count(o) > 0,
				     short_now)) {
	case ORDER_REFUSE_SHORT:
		refuse_short(o, known);
		break;
	case ORDER_QUEUE:
		enqueue(o);
		pump(o);
		break;
	default:
		answer_unavailable(o, queue_full_message);
		break;
	}
}

/* The lookup's answer: one row per stored key, its position (from 1). A
 * stored key's order goes to a batch, past a full queue if need be (the
 * lookups bound them), where the database answers it as it answers every
 * order: its stored order, its conflict, or forbidden, never from stock. */
static void lookup_done(void *arg, enum pg_outcome outcome, const PGresult *res)
{
	struct lookup *l = arg;
	struct pending *o, *next;
	int row = 0, rows;
	size_t i = 1;

	intake.lookups_in_flight--;
	if (outcome != PG_DONE || PQresultStatus(res) != PGRES_TUPLES_OK ||
	    PQnfields(res) != 1) {
		if (outcome == PG_DONE)
			LOG(LOG_WARN,
			    "orders: a key lookup of %zu orders "
			    "failed: %s",
			    l->n, PQresultErrorMessage(res));
		lookup_fail(l, "the order's key could not be looked up: retry "
			       "with the same key");
		pump(NULL);
		return;
	}
	rows = PQntuples(res);
	o = l->orders;
	l->orders = NULL;
	for (; o; o = next, i++) {
		bool stored = row < rows &&
			      (size_t)atoll(PQgetvalue(res, row, 0)) == i;

		next = o->next;
		o->next = NULL;
		row += stored;
		if (intake.stopped) {
			answer_unavailable(o, "the server is shutting down: "
					      "retry");
		} else if (stored) {
			intake.stats.key_lookups_stored++;
			enqueue(o);
		} else {
			lookup_answer_unstored(o);
		}
	}
	lookup_free(l);
	pump(NULL);
}

/* Sends the waiting lookups, LOOKUP_KEYS_MAX a query, while fewer than
 * LOOKUPS_IN_FLIGHT are in the database. Like batches, they go ahead of the
 * reads: the orders behind them wait for nothing else. */
static void lookups_pump(void)
{
	while (intake.lookups_in_flight < LOOKUPS_IN_FLIGHT &&
	       intake.lookup_head) {
		struct lookup *l = lookup_take();
		const char *params[2] = {l->dealers, l->keys};

		if (pg_query_first(srv.db,
				   "SELECT * FROM order_keys_stored("
				   "$1::bigint[], $2::text[])",
				   2, params, lookup_done, l)) {
			lookup_fail(l, "the database is unavailable: retry");
			continue;
		}
		intake.lookups_in_flight++;
		intake.stats.key_lookup_queries++;
	}
}

/* ---- order.place ---- */

static void enqueue(struct pending *o)
{
	pending_append(&intake.head, &intake.tail, o);
	intake.stats.queued++;
	intake.stats.received++;
	if (lock_set_add(&intake.pending_keys, &o->key_hash, 1))
		abort();
	o->key_held = true;
}

/* The order of call as a batch element, with what the queue needs of it. */
static struct pending *pending_new(const struct op_call *call, int64_t dealer,
				   const struct order_line *lines, size_t n)
{
	json_t *msg = call->msg;
	int64_t fair = json_integer_value(json_object_get(msg, "fair"));
	bool partial = json_is_true(json_object_get(msg, "partial"));
	struct pending *o = xcalloc(1, sizeof *o + n * sizeof *lines);
	json_t *order = json_pack(
		"{s:I,s:I,s:I,s:O,s:O,s:b}", "fair", (json_int_t)fair, "dealer",
		(json_int_t)dealer, "actor", (json_int_t)call->caller.user_id,
		"key", json_object_get(msg, "key"), "lines",
		json_object_get(msg, "lines"), "partial", partial);

	if (!order)
		abort();
	if (json_object_get(msg, "ship_to"))
		json_object_set(order, "ship_to",
				json_object_get(msg, "ship_to"));
	if (json_object_get(msg, "note"))
		json_object_set(order, "note", json_object_get(msg, "note"));
	if (json_object_get(msg, "coupon"))
		json_object_set(order, "coupon",
				json_object_get(msg, "coupon"));
	o->text = json_dumps(order, JSON_COMPACT);
	json_decref(order);
	if (!o->text)
		abort();
	o->fair = fair;
	o->partial = partial;
	memcpy(o->lines, lines, n * sizeof *lines);
	o->nlines = n;
	o->dealer = dealer;
	o->key = xstrdup(json_string_value(json_object_get(msg, "key")));
	o->key_hash = order_key_hash(dealer, o->key);
	o->locks = xmalloc((n + 1) * sizeof *o->locks);
	o->locks[o->nlocks++] = lock_key_dealer(dealer);
	for (size_t i = 0; i < n; i++)
		o->locks[o->nlocks++] = lock_key_variant(lines[i].variant);
	return o;
}

void order_op_place(struct op_call *call)
{
	struct order_line lines[ORDER_LINES_MAX];
	int64_t known[ORDER_LINES_MAX];
	size_t n;
	char why[160];
	json_t *dealer_arg = json_object_get(call->msg, "dealer");
	int64_t dealer;
	struct pending *o;
	enum order_route route;

	if (call->caller.role == ROLE_DEALER) {
		dealer = call->caller.dealer_id;
		if (dealer_arg && json_integer_value(dealer_arg) != dealer) {
			op_fail(call, ERR_FORBIDDEN,
				"a dealer orders for itself only", NULL);
			return;
		}
	} else if (!dealer_arg) {
		op_fail(call, ERR_BAD_REQUEST,
			"dealer: required when ordering for a dealer", NULL);
		return;
	} else {
		dealer = json_integer_value(dealer_arg);
	}
	if (order_lines_parse(json_object_get(call->msg, "lines"), lines, &n,
			      why, sizeof why)) {
		op_fail(call, ERR_BAD_REQUEST, why, NULL);
		return;
	}
	if (!server_orders_enabled()) {
		op_fail(call, ERR_UNAVAILABLE,
			"orders are disabled: the database does not keep what "
			"it commits (see the server log)",
			NULL);
		return;
	}
	if (intake.stopped) {
		op_fail(call, ERR_UNAVAILABLE, "the server is shutting down",
			NULL);
		return;
	}

	o = pending_new(call, dealer, lines, n);
	o->ticket = op_defer(call);
	/* once a fair: what sold out before this process ran */
	stock_seed_ask(o->fair, (uint64_t)call->caller.user_id);
	route = order_route_arrival(
		queue_full(),
		intake.lookups_waiting >= (unsigned)srv.cfg.orders_queue_max,
		pending_key_count(o) > 0, cache_short(o, known));
	switch (route) {
	case ORDER_QUEUE:
		enqueue(o);
		pump(o);
		break;
	case ORDER_LOOKUP:
		lookup_add(o);
		lookups_pump();
		break;
	default:
		answer_unavailable(o, queue_full_message);
		break;
	}
}

/* ---- life cycle ---- */

void order_intake_stats(struct order_intake_stats *out)
{
	*out = intake.stats;
}

void order_intake_stop(void)
{
	intake.stopped = true;
	for (struct pending *o = intake.head; o; o = o->next)
		answer_error(o, ERR_UNAVAILABLE,
			     "the server is shutting down: retry");
	pending_free_list(intake.head);
	intake.head = intake.tail = NULL;
	intake.stats.queued = 0;
	for (struct pending *o = intake.lookup_head; o; o = o->next)
		answer_error(o, ERR_UNAVAILABLE,
			     "the server is shutting down: retry");
	pending_free_list(intake.lookup_head);
	intake.lookup_head = intake.lookup_tail = NULL;
	intake.lookups_waiting = 0;
}

void order_intake_free(void)
{
	order_intake_stop();
	while (intake.resolving) {
		struct batch *b = intake.resolving;

		intake.resolving = b->next;
		batch_free(b);
	}
	lock_set_free(&intake.locked);
	lock_set_free(&intake.pending_keys);
}
