/* room_events.h - a room's history events: read from PostgreSQL after each
 * NOTIFY, into the room's ring.
 *
 * A changing transaction writes its events into the `events` table with the
 * fair's next seq and notifies `fair_events` with "fair:seq" (event_emit,
 * sql/004_live.sql). Every process reads the new rows of the fairs it has
 * rooms for, one read per room at a time, and appends each, serialised once
 * (frame_from_text), to the room's ring; then every member is woken. After
 * the LISTEN connection was away, every room reads what it missed. */
#ifndef FAIR_ROOM_EVENTS_H
#define FAIR_ROOM_EVENTS_H

#include "live/room.h"

/* Subscribes to fair_events. Returns 0, or -1 when it could not. */
int room_events_start(void);

/* Reads r's events after its last_seq (again when a read is in flight:
 * once it returns). */
void room_events_fetch(struct room *r);

#endif
