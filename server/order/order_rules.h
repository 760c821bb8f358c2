/* order_rules.h - what the server can check of an order by itself, before
 * the database decides it. Pure code: unit-tested and fuzzed.
 *
 * The database decides everything that depends on rows (offered variants,
 * moq, packs, stock, limits, credit); this module refuses what is malformed
 * on its face, and what the last known stock proves cannot be served. */
#ifndef FAIR_ORDER_RULES_H
#define FAIR_ORDER_RULES_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ORDER_LINES_MAX 200
#define ORDER_QTY_MAX 100000

struct order_line {
	int64_t variant;
	int64_t qty;
};

/* Reads lines: an array of 1..ORDER_LINES_MAX objects with exactly the
 * members variant (an id) and qty (1..ORDER_QTY_MAX), no variant twice.
 * Fills out (ORDER_LINES_MAX entries) and *n. Returns 0, or -1 with why set
 * (naming the line). */
int order_lines_parse(const json_t *lines, struct order_line *out, size_t *n,
		      char *why, size_t why_size);

/* Whether the last known stock proves the order cannot be served at all:
 * known[i] is the remaining stock of lines[i].variant, or -1 when unknown.
 * All-or-nothing: some line asks for more than is known to remain. Partial:
 * every line is known to have nothing left. Never true on unknown stock. */
bool order_certainly_short(const struct order_line *lines, size_t n,
			   const int64_t *known, bool partial);

/* What the intake does with an order.place that passed the argument checks.
 * The same key must always get the same answer (PROTOCOL.md, Idempotency),
 * so the server alone never refuses a key that could be stored: a refusal
 * from the cache or for a full queue waits for a lookup of the key, which
 * answers a stored key with its order or its conflict. */
enum order_route {
	ORDER_QUEUE,        /* wait for a batch: the database decides */
	ORDER_LOOKUP,       /* look the key up first (order_route_unstored) */
	ORDER_REFUSE_SHORT, /* answer insufficient_stock from the cache */
	ORDER_UNAVAILABLE,  /* answer unavailable: nothing was done */
};

/* An arriving order: ORDER_QUEUE, ORDER_LOOKUP or ORDER_UNAVAILABLE.
 * queue_full: orders_queue_max are waiting; lookups_full: as many wait for a
 * key lookup. key_pending: an order with the same dealer and key is queued,
 * in a batch or being resolved here; its outcome is not known yet, so the
 * cache must not answer for the key: the order queues behind it (same dealer
 * row) and the database answers both. cache_short: order_certainly_short. */
enum order_route order_route_arrival(bool queue_full, bool lookups_full,
				     bool key_pending, bool cache_short);

/* A queued order that new stock proves short, when the queue is swept:
 * whether it leaves the queue for a key lookup. same_key_pending counts the
 * orders with its dealer and key queued, in a batch or resolving, itself
 * included: while another is there it stays (see order_route_arrival). */
bool order_sweep_to_lookup(unsigned same_key_pending);

/* An order whose key lookup found nothing stored: ORDER_REFUSE_SHORT,
 * ORDER_UNAVAILABLE or ORDER_QUEUE, with the stock, the queue and the
 * pending keys as they are when the lookup returns (stock may have come
 * back meanwhile; then the order queues like any other). */
enum order_route order_route_unstored(bool queue_full, bool key_pending,
				      bool cache_short);

/* A hash of (dealer, key) for the set of keys whose orders are not answered
 * yet: never 0; equal keys hash equal (a collision only makes an order wait
 * for the database instead of the cache). */
uint64_t order_key_hash(int64_t dealer, const char *key);

#endif
