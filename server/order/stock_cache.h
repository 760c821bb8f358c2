/* stock_cache.h - the remaining stock this process last heard of, per fair
 * and variant.
 *
 * Fed by the fair_stock notifications, which arrive in commit order, so each
 * value is what some committed transaction left, and by a read of a fair's
 * whole stock when its first order arrives (order/stock_seed.c), so that a
 * variant sold out before this process started (or one that starts at 0)
 * is known too. It is at most the LISTEN delay old, and forgotten whenever
 * the LISTEN connection had a gap. Used
 * only to refuse an order that certainly cannot be served without a round
 * trip; never to accept one. */
#ifndef FAIR_STOCK_CACHE_H
#define FAIR_STOCK_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

void stock_cache_set(int64_t fair, int64_t variant, int64_t remaining);

/* The last known remaining stock, or -1 when unknown. */
int64_t stock_cache_get(int64_t fair, int64_t variant);

/* Counts the changes: a caller that re-checks waiting orders against the
 * cache does so only when it moved. */
uint64_t stock_cache_generation(void);

/* Whether the cache holds the whole stock of fair: a read of all of it
 * (stock_cache_seed) since the cache last forgot. */
bool stock_cache_whole(int64_t fair);

/* Sets the n variants of fair to their remaining stock, from a read of the
 * fair's whole stock that was asked for when stock_cache_generation() was
 * since; then the fair counts as whole. Only when nothing was heard in
 * between: a notification heard before the read's answer may be newer
 * than the read, and one heard after it overwrites it, as it should. A read
 * of no variant keeps nothing (an order may name any fair id: none is kept
 * for a fair that is not one). Returns whether it set them (false: nothing
 * changed; ask again). */
bool stock_cache_seed(int64_t fair, uint64_t since, size_t n,
		      const int64_t *variants, const int64_t *remaining);

/* Forgets everything: after a gap in what was heard, and at exit. */
void stock_cache_forget(void);

#endif
