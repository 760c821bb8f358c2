/* fair_queue.h - the database's wait queue, fair between users.
 *
 * One user flooding the server with reads must wait behind its own
 * requests, not in front of everyone else's (issue 27). Each request
 * belongs to a lane, one per user (owner id) plus lane 0 for the server's
 * own work. A lane may have at most `in_flight_max` requests sent to
 * PostgreSQL at once (lane 0: no limit) and `waiting_max` waiting; the
 * waiting lanes are served in turn, one request each (round robin), so a
 * user with a hundred searches queued and a user with one are served at the
 * same pace. Expiry stays first come, first served: every request waits at
 * most the same time, so the oldest waiting one is always the first to
 * expire, and it is the head of its lane.
 *
 * Pure bookkeeping: no I/O and no clock of its own (times are passed in),
 * so it is unit-tested alone (tests/unit/test_fair_queue.c). Items are
 * embedded in the caller's requests; the queue never allocates them. */
#ifndef FAIR_FAIR_QUEUE_H
#define FAIR_FAIR_QUEUE_H

#include <stdbool.h>
#include <stdint.h>

#include "base/idmap.h"

struct fq_lane;

struct fq_item {
	struct fq_lane *lane;      /* NULL: outside the queue's accounting */
	struct fq_item *lane_next; /* waiting in the lane, oldest first */
	struct fq_item *age_prev, *age_next; /* every waiting item, by age */
	int64_t deadline_ms;
	bool in_flight;
};

struct fair_queue {
	struct idmap lanes;     /* owner id -> struct fq_lane (not lane 0) */
	struct fq_lane *system; /* lane 0, kept for the queue's life */
	struct fq_lane *turn;   /* the waiting lane to serve next */
	struct fq_item *oldest, *newest;
	unsigned waiting;
	unsigned in_flight_max, waiting_max;
};

/* A lane's waiting requests are at waiting_max: fq_wait refuses. */
#define FQ_LANE_FULL (-2)

void fq_init(struct fair_queue *q, unsigned in_flight_max,
	     unsigned waiting_max);

/* Whether a request of owner may be sent at once: its lane has nothing
 * waiting (nothing may overtake its own elders) and is under its cap. */
bool fq_may_start(const struct fair_queue *q, uint64_t owner);

/* Counts it as sent now for owner (after fq_may_start said yes). */
void fq_start(struct fair_queue *q, struct fq_item *it, uint64_t owner);

/* Puts it at the end of owner's lane until deadline_ms. Returns 0, or
 * FQ_LANE_FULL (nothing changed). */
int fq_wait(struct fair_queue *q, struct fq_item *it, uint64_t owner,
	    int64_t deadline_ms);

/* The next waiting item to send, taking lanes in turn and skipping lanes at
 * their cap; it is counted as sent. NULL when none may go. */
struct fq_item *fq_take(struct fair_queue *q);

/* The oldest waiting item when its deadline is at or before now_ms,
 * removed from the queue (not sent); NULL otherwise. */
struct fq_item *fq_take_expired(struct fair_queue *q, int64_t now_ms);

/* Any waiting item, removed (shutdown, PostgreSQL down); NULL when none. */
struct fq_item *fq_take_any(struct fair_queue *q);

/* A sent item is answered (or failed): its lane may send another. */
void fq_finish(struct fair_queue *q, struct fq_item *it);

/* The deadline of the oldest waiting item, or -1 when none waits. */
int64_t fq_next_deadline(const struct fair_queue *q);

/* Frees the lanes; nothing may be waiting or in flight any more. */
void fq_free(struct fair_queue *q);

#endif
