/* event_ring.h - a fair's recent events, and which member sees which.
 *
 * The events a fair's room has read (live/room_events.c) go into a ring of
 * the last RING_SIZE, each serialised once and shared by every member who
 * sees it. Each member reads the ring from a cursor of its own, skipping
 * what its join snapshot covered and what is addressed to others: the rule
 * is ring_visible, the same as event_visible in sql/004_live.sql. A cursor
 * the ring has overtaken fell behind: its member must resume (join {since}).
 *
 * The members who see the same events but their own dealer's (the staff;
 * the dealers of one tier) form an audience, whose members share one kept
 * join snapshot (ring_audience).
 *
 * Pure code: no sockets, no database, no globals; unit-tested
 * (tests/unit/test_event_ring.c). Loop thread only (frames). */
#ifndef FAIR_EVENT_RING_H
#define FAIR_EVENT_RING_H

#include <stdbool.h>
#include <stdint.h>

#include "net/frame.h"

#define RING_SIZE 4096    /* events kept per fair for members behind */
#define RING_AUDIENCES 27 /* staff, then dealers of tiers A to Z */

/* One event, and whom the `events` row addresses it to. */
struct ring_entry {
	int64_t seq;
	char tier[8];      /* "" unless a tier's copy */
	int64_t dealer_id; /* 0 unless for one dealer */
	bool staff_only;
	struct frame *frame; /* the ring's reference */
};

/* Who reads: what the ring's rule needs to know of a member. */
struct ring_viewer {
	bool staff;        /* any role but dealer */
	char tier[8];      /* a dealer's tier, or "" */
	int64_t dealer_id; /* a dealer's id, or 0 */
};

/* Where a member is in the ring. */
struct ring_cursor {
	uint64_t tail;   /* next ring entry to consider (absolute index) */
	int64_t min_seq; /* the snapshot covered events up to here */
	bool behind;     /* its snapshot predates the ring */
};

struct event_ring {
	struct ring_entry entries[RING_SIZE];
	uint64_t first;    /* absolute index of the oldest entry */
	uint64_t end;      /* absolute index after the newest */
	int64_t floor_seq; /* events up to here are not in the ring */
};

/* Whether v may see e. The staff see every event but a tier's copy (they
 * get their own staff_only copy, with every tier's prices), including those
 * for one dealer (a question not yet answered in public, a hidden one's
 * chat.hidden). A dealer sees what is for everyone, for its tier and for
 * itself, never a staff_only event (a claim, the staff's price copy). */
bool ring_visible(const struct ring_entry *e, const struct ring_viewer *v);

/* Appends an event (seq above every seq in the ring), taking f's
 * reference. When the ring is full the oldest entry goes: floor_seq
 * becomes its seq, and cursors still before it fall behind. */
void ring_append(struct event_ring *ring, int64_t seq, const char *tier,
		 int64_t dealer_id, bool staff_only, struct frame *f);

/* The floor of a ring that starts when a first member joins with a snapshot
 * at seq: the last RING_SIZE events are read into it, so that joins whose
 * snapshots were taken a little earlier are covered. */
int64_t ring_floor_for(int64_t seq);

/* Places c for a member whose snapshot covered events up to seq: at the
 * first entry after seq already in the ring, or behind when seq is below
 * the ring's floor (what it missed is gone: it must resume). */
void ring_cursor_start(const struct event_ring *ring, struct ring_cursor *c,
		       int64_t seq);

/* Whether c fell behind the ring (see ring_cursor_start, ring_append). */
bool ring_fell_behind(const struct event_ring *ring,
		      const struct ring_cursor *c);

/* The next entry for v at c that its snapshot did not cover and that it may
 * see, moving c past it; NULL, with c at the ring's end, when there is none.
 * Check ring_fell_behind first. The entry is the ring's (borrowed). */
const struct ring_entry *ring_next(const struct event_ring *ring,
				   struct ring_cursor *c,
				   const struct ring_viewer *v);

/* Whether ring_next may have something for c, or c fell behind (the entries
 * left may still all be for others). */
bool ring_pending(const struct event_ring *ring, const struct ring_cursor *c);

/* The audience whose kept join snapshot a member shares: 0 for the staff,
 * 1 to 26 for dealers of tier A to Z, -1 for a dealer of no such tier
 * (tier NULL or anything else: its snapshot is read for it alone). */
int ring_audience(bool staff, const char *tier);

/* Drops the ring's references and empties it. */
void ring_clear(struct event_ring *ring);

#endif
