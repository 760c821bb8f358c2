/* batch_plan.h - which queued orders go in the next order batch, around
 * the row locks of the batches in flight.
 *
 * Up to orders_batches_in_flight batches are in the database at once
 * (order/order_intake.c), each one transaction that locks its orders'
 * dealer rows and variants' stock rows until it commits (base/lock_set.h).
 * The next batch takes queued orders in arrival order, up to
 * orders_batch_max, and leaves in its place, for a later batch:
 *   - an order that shares a row with a batch in flight: it would only
 *     wait there for that batch's locks;
 *   - every later order that shares a row with an order left behind: a
 *     later order for the same variant must not take the last units first
 *     (first come, first served), nor a dealer's later order its credit,
 *     and an order waiting for two variants must not be overtaken forever
 *     by new orders for either;
 *   - an order marked alone (its batch failed as a whole), unless it comes
 *     first: it goes in a batch of its own.
 *
 * The intake walks its queue and offers each order in turn; the plan says
 * take or leave. Pure code: no sockets, no database, no globals;
 * unit-tested (tests/unit/test_batch_plan.c). */
#ifndef FAIR_BATCH_PLAN_H
#define FAIR_BATCH_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/lock_set.h"

struct batch_plan {
	const struct lock_set *locked; /* the rows of the batches in flight */
	struct lock_set behind;        /* the rows of the orders left behind */
	size_t max;                    /* orders_batch_max */
	size_t taken;                  /* orders in the batch so far */
	bool alone;                    /* it took an order that goes alone */
};

enum batch_pick {
	BATCH_TAKE,  /* into the batch */
	BATCH_LEAVE, /* stays queued, in its place */
};

/* Starts planning a batch of at most max orders (max >= 1) next to the
 * batches in flight, whose rows are in locked (borrowed: it must not change
 * until batch_plan_end). */
void batch_plan_start(struct batch_plan *p, const struct lock_set *locked,
		      size_t max);

/* Whether the batch may take another order: offer the next queued one. */
bool batch_plan_open(const struct batch_plan *p);

/* Decides for the next queued order, which will lock the rows
 * locks[0..nlocks) (its dealer's and its variants', nonzero keys); alone:
 * it must go in a batch by itself. Call only while batch_plan_open. */
enum batch_pick batch_plan_offer(struct batch_plan *p, const uint64_t *locks,
				 size_t nlocks, bool alone);

/* Frees what the plan holds (the batch's orders are the caller's). */
void batch_plan_end(struct batch_plan *p);

/* Whether an order locking locks[0..nlocks) could go in a batch sent now:
 * it shares no row with the batches in flight. */
bool batch_plan_free_to_go(const struct lock_set *locked, const uint64_t *locks,
			   size_t nlocks);

/* Whether the queue is worth walking for a batch. After a batch returned
 * (arrived_locks NULL), always. After an order arrived, only when no batch
 * is in flight or that order could go now: the orders queued before it
 * were looked at when they came or when a batch last returned, and the
 * rows locked in flight have only grown since. */
bool batch_plan_worth_a_look(const struct lock_set *locked, int in_flight,
			     const uint64_t *arrived_locks, size_t nlocks);

#endif
