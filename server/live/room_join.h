/* room_join.h - join and leave: the join's snapshot or resume, the fair's
 * join gate and the kept snapshot parts.
 *
 * join {fair, since} answers the events missed since `since` as PostgreSQL
 * wrote them (fair_resume, sql/004), or a snapshot when there are too many.
 * A snapshot waits at the fair's gate while one read for the fair is in
 * the database; the next read answers every join waiting, up to
 * JOIN_BATCH_MAX: the shared part once per audience (ring_audience) that has
 * no current kept copy, each member's chat, and the fair's seq, in one
 * statement (fair_snapshot_shared, fair_chat_snapshot, sql/018). The shared
 * part just read is kept in the room for the next joins of its audience,
 * while no event and no stock or state change has come and for at most
 * KEEP_SNAPSHOT_MS. The reply goes out before the session becomes a member
 * (attach), so no push can overtake it. The ops and room_join_stats are
 * declared in fair_room.h. */
#ifndef FAIR_ROOM_JOIN_H
#define FAIR_ROOM_JOIN_H

/* At stop, after the pool is gone: joins still waiting at a gate answer
 * unavailable. */
void room_join_stop(void);

#endif
