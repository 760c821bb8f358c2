/* stock_seed.h - a fair's whole stock read into the stock cache when its
 * first order arrives.
 *
 * The cache (order/stock_cache.h) hears each sale, but a variant that sold
 * out before this process started, or that starts at 0, is unknown to it:
 * every order for it went to a batch to be refused there, 500 at a time,
 * instead of being refused at once after its key is looked up. So the
 * first order for a fair the cache does not hold whole asks for the fair's
 * stock (fair_stock_rows, sql/functions/live/items.sql), once; the answer is
 * kept unless a notification was heard meanwhile (then it is asked again, up
 * to STOCK_SEED_TRIES times), and the queued orders are swept against it. A
 * read that fails, or finds no variant (no such fair), keeps nothing: the
 * fair's next order asks again. One read at a time per fair. */
#ifndef FAIR_STOCK_SEED_H
#define FAIR_STOCK_SEED_H

#include <stdint.h>

/* Asks for fair's whole stock unless the cache holds it or it is being
 * read, in the lane of owner (the user whose order names the fair) of the
 * database queue; a user past its share gets no read (its orders go to
 * their batches as before). */
void stock_seed_ask(int64_t fair, uint64_t owner);

/* Reads asked and reads kept since start (for /metrics). */
void stock_seed_stats(uint64_t *asked, uint64_t *kept);

/* At exit: forgets the fairs being read. */
void stock_seed_free(void);

#endif
