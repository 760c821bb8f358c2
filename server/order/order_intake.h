/* order_intake.h - order.place: group commit (DESIGN.md, Orders).
 *
 * While one batch is in flight, new orders queue; when it returns,
 * everything queued goes in the next batch: one call of order_place_batch
 * (sql/functions/orders/batch.sql), one transaction, a decision per order.
 * Batches grow under load by themselves and stay at one order when quiet.
 * Every order is answered only after its batch committed.
 *
 * When the connection is lost after a batch was sent, its orders are
 * resolved on another connection once the old backend is gone: those that
 * committed are answered as accepted, those that provably did not with
 * unavailable, and when that cannot be learned within orders_resolve_ms,
 * in_doubt (retry with the same key).
 *
 * The same key always gets the same answer: before an order is refused from
 * the last known stock, or answered unavailable for a full queue, its key is
 * looked up (order_keys_stored, sql/functions/orders/keys.sql, thousands of
 * keys a query), and an order whose key is stored goes to a batch, where the
 * database answers it with its order or its conflict. An order whose key is
 * still queued, in a batch or resolving here waits behind that order
 * instead. */
#ifndef FAIR_ORDER_INTAKE_H
#define FAIR_ORDER_INTAKE_H

#include <stdint.h>

#include "rpc/dispatch.h"

struct order_intake_stats {
	uint64_t received;           /* orders queued for a batch */
	uint64_t accepted;           /* new orders committed */
	uint64_t duplicates;         /* keys answered with their stored order */
	uint64_t refused;            /* refused by the database */
	uint64_t fast_refused;       /* refused from the last known stock */
	uint64_t key_lookups;        /* orders whose key was looked up first */
	uint64_t key_lookups_stored; /* of those, keys found stored */
	uint64_t key_lookup_queries; /* the queries that looked them up */
	uint64_t unavailable; /* answered unavailable (nothing was done) */
	uint64_t in_doubt;
	uint64_t batches;        /* batches answered by the database */
	uint64_t batched_orders; /* orders in those batches */
	uint64_t batch_max;      /* the largest batch so far */
	uint64_t lost_batches;   /* batches whose connection was lost */
	unsigned queued;         /* waiting for the next batch now */
};

void order_op_place(struct op_call *call);
extern const struct param_spec order_place_params[];

void order_intake_stats(struct order_intake_stats *out);

/* New stock was heard: the waiting orders it certainly cannot serve are
 * refused, once their keys were looked up. */
void order_intake_stock_heard(void);

/* At shutdown: queued orders answer unavailable, lost batches stop being
 * resolved (their clients are gone). */
void order_intake_stop(void);

/* Frees what is left, after the database pool is gone. */
void order_intake_free(void);

#endif
