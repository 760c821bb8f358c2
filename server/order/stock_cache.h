/* stock_cache.h - the remaining stock this process last heard of, per fair
 * and variant.
 *
 * Fed by the fair_stock notifications, which arrive in commit order, so each
 * value is what some committed transaction left. It is at most the LISTEN
 * delay old, and forgotten whenever the LISTEN connection had a gap. Used
 * only to refuse an order that certainly cannot be served without a round
 * trip; never to accept one. */
#ifndef FAIR_STOCK_CACHE_H
#define FAIR_STOCK_CACHE_H

#include <stdbool.h>
#include <stdint.h>

void stock_cache_set(int64_t fair, int64_t variant, int64_t remaining);

/* The last known remaining stock, or -1 when unknown. */
int64_t stock_cache_get(int64_t fair, int64_t variant);

/* Counts the changes: a caller that re-checks waiting orders against the
 * cache does so only when it moved. */
uint64_t stock_cache_generation(void);

/* Forgets everything: after a gap in what was heard, and at exit. */
void stock_cache_forget(void);

#endif
