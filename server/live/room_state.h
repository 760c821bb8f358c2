/* room_state.h - the state pushed to a room's members in place: fair.state
 * and presence.
 *
 * fair.state: each room remembers the fair's status, times and names it
 * last pushed; after every change of the fair list (live/fairs.c) and at each
 * scheduled open or close, the rooms whose fair changed push a new one into
 * every member's state slot.
 *
 * presence: every PRESENCE_INTERVAL_MS, one round trip tells PostgreSQL how
 * many distinct dealers are joined here per fair, and which
 * (presence_refresh, sql/030), under this process's random id; the answer is
 * every process's total, pushed to the staff members when it changed. */
#ifndef FAIR_ROOM_STATE_H
#define FAIR_ROOM_STATE_H

#include <stdbool.h>

struct room;
struct fair_state;

/* Follows the fair list's changes and starts the presence refresh. */
void room_state_start(void);

/* Records s as the state room r's members have (a new room: its first join's
 * snapshot holds it). Returns whether it differs from what r had. */
bool room_state_take(struct room *r, const struct fair_state *s);

#endif
