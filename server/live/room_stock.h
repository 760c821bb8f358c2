/* room_stock.h - stock notifications: the stock cache, the order intake's
 * sweep, and coalesced stock pushes to the rooms.
 *
 * Each committed order batch (and every other stock change) notifies
 * `fair_stock` with "fair:time_ms:variant=remaining,..." (stock_notify,
 * sql/024). Every process feeds order/stock_cache.c from it, tells the
 * order intake (order_intake_stock_heard: its queue is swept against the
 * stock heard), and collects the changes in the fair's room; at most every
 * STOCK_INTERVAL_MS one `stock` frame of the latest values goes into each
 * member's stock slot, merged with an unsent one (live/stock_merge.c). After
 * the LISTEN connection was away, the cache is forgotten (each fair's next
 * order reads its whole stock into it again, order/stock_seed.c) and every
 * room with members reads and pushes its whole stock. */
#ifndef FAIR_ROOM_STOCK_H
#define FAIR_ROOM_STOCK_H

/* Subscribes to fair_stock. Returns 0, or -1 when it could not. */
int room_stock_start(void);

#endif
