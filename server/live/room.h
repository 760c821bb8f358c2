/* room.h - the rooms of this process and their members, as the files of
 * live/ share them.
 *
 * A room is made when a first session here joins its fair, and kept (empty
 * or not) until the server stops: its ring and last_seq stay valid while
 * the process follows the fair, and rooms are few. A member is one
 * session's place in a room: its cursor in the room's event ring, and one
 * latest-value slot per kind of state (stock, fair.state, presence),
 * replaced in place.
 *
 * The room's parts, each in its own file, work on these structs:
 *   fair_room.c    start (each part subscribes) and stop
 *   room.c         rooms and members, a member's next push
 *   event_ring.c   the ring and who sees which event (pure)
 *   room_events.c  reading new events after NOTIFY into the ring
 *   room_stock.c   stock notifications: the cache, the intake's sweep,
 *                  coalesced pushes
 *   room_state.c   fair.state and presence
 *   room_join.c    join and leave, the join gate and kept snapshots
 * Outside live/, the room is what fair_room.h declares. Loop thread only. */
#ifndef FAIR_ROOM_H
#define FAIR_ROOM_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/idmap.h"
#include "base/loop_timer.h"
#include "live/event_ring.h"
#include "live/fair_room.h"
#include "net/frame.h"

/* A member's latest-value slots: one unsent frame each, replaced. */
enum slot { SLOT_STOCK, SLOT_STATE, SLOT_PRESENCE, SLOT__COUNT };

struct room {
	int64_t fair_id;
	struct event_ring ring;
	int64_t last_seq; /* the newest seq read from `events` */
	bool fetching, fetch_again;
	struct room_member *members;
	unsigned dealers; /* distinct dealers joined here (presence) */
	struct idmap dealer_sessions; /* dealer id -> its sessions here */
	unsigned staff;               /* staff members here */
	json_t *stock_changes; /* variant -> remaining since the last push */
	int64_t stock_at_ms;   /* commit time of the newest change */
	bool stock_timer_armed;
	int64_t stock_last_push_ms;
	struct loop_timer stock_timer;
	const char *status;         /* the last fair.state pushed (static) */
	int64_t starts_ms, ends_ms; /* and its times */
	uint64_t names_hash;        /* and its names (room_state_take) */
	long long online;           /* dealers online in every process */
	uint64_t stock_gen;         /* stock notifications heard */
	/* The part of a join snapshot every member of an audience shares, read
	 * by an earlier join: current while no event and no stock change has
	 * come since (fair_snapshot_shared, 018). room_join.c keeps them. */
	struct kept_snapshot {
		char *text; /* a JSON object's text; NULL: none */
		size_t len;
		int64_t seq;
		uint64_t stock_gen;
		int64_t at_ms;
	} kept[RING_AUDIENCES];
};

struct room_member {
	struct room *room;
	uint64_t session_id;
	struct ring_viewer who;    /* whom it is: what it may see */
	struct ring_cursor cursor; /* where it is in the room's ring */
	struct frame *slot[SLOT__COUNT];
	struct room_member *next, *prev;
};

/* The room of a fair, made when create is set (else NULL when none). */
struct room *room_get(int64_t fair_id, bool create);

/* Walks the rooms: start with *pos at 0; returns the next room, or NULL
 * after the last. No room may be made while walking. */
struct room *room_each(size_t *pos);

/* Makes a member of r for session_id, whose join snapshot covered events up
 * to seq (its cursor starts after them), and counts it for presence. The
 * caller hands it to the session (ws_session_set_member). */
struct room_member *room_member_add(struct room *r, uint64_t session_id,
				    const struct ring_viewer *who, int64_t seq);

/* Puts f (a reference is taken) in m's slot s, in place of an unsent one,
 * and wakes its session. */
void room_member_set_slot(struct room_member *m, enum slot s, struct frame *f);

/* Wakes the session of every member of r (new events in the ring). */
void room_wake_all(struct room *r);

/* Frees every room, once the lws context (and with it every timer and
 * member) is gone. */
void room_free_all(void);

#endif
