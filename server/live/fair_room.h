/* fair_room.h - the live fair room: who has joined a fair in this process,
 * and everything pushed to them. What the rest of the server sees of it.
 *
 * History events (spotlight, price, item.new, ...) are written by the
 * changing transaction into the `events` table with a per-fair seq and
 * announced by NOTIFY; every process reads the new rows once and appends
 * each, serialised once, to the fair's ring. Each member keeps a tail into
 * the ring and is sent from it, skipping what is not addressed to it, when
 * its session is written. A member that falls off the ring is closed (4409)
 * and resumes with join {since}. State (stock, fair.state, presence) has one
 * latest-value slot per member, replaced in place. So a client that stops
 * reading costs a fixed amount of memory and delays nobody.
 *
 * The room is split by concern (live/room.h lists the files): room_start
 * and room_stop are in fair_room.c, the member functions in room.c, the ops
 * and join statistics in room_join.c. */
#ifndef FAIR_FAIR_ROOM_H
#define FAIR_FAIR_ROOM_H

#include <stdbool.h>
#include <stdint.h>

#include "net/frame.h"
#include "net/ws_session.h"
#include "rpc/dispatch.h"

struct room_member;

/* Subscribes to fair_events and fair_stock, starts the presence refresh. */
void room_start(void);

/* Frees every room: call after the lws context is gone (its timers and the
 * sessions, which free their members on close, with it). */
void room_stop(void);

/* ops: join {fair, since?} and leave {fair} */
void room_op_join(struct op_call *call);

/* Join snapshots since start: read whole from PostgreSQL, and built from a
 * kept shared part with only the member's chat read (for /metrics). */
void room_join_stats(unsigned long long *read, unsigned long long *kept);
void room_op_leave(struct op_call *call);
extern const struct param_spec room_join_params[];
extern const struct param_spec room_leave_params[];

/* The next push for a member: ROOM_FRAME with *out set (a reference the
 * caller drops after writing), ROOM_NOTHING, or ROOM_FELL_BEHIND when the
 * member's tail left the ring (close it: it resumes with join {since}).
 * enum room_next is net/ws_session.h's: sessions call these three through
 * ws_session_hooks. */
enum room_next room_member_next(struct room_member *m, struct frame **out);

/* Whether room_member_next may have something (it may still find the
 * entries left are addressed to others). */
bool room_member_pending(const struct room_member *m);

/* Removes a member from its room and frees it. NULL is ignored. */
void room_member_free(struct room_member *m);

#endif
