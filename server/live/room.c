/* room.c - the rooms and their members: what a member's session writes
 * next (see room.h, fair_room.h). */
#include "live/room.h"

#include <stdlib.h>

#include "base/xalloc.h"
#include "net/ws_session.h"

static struct idmap rooms; /* fair id -> room */

struct room *room_get(int64_t fair_id, bool create)
{
	struct room *r = idmap_get(&rooms, (uint64_t)fair_id);

	if (r || !create)
		return r;
	r = xcalloc(1, sizeof *r);
	r->fair_id = fair_id;
	r->stock_changes = json_object();
	idmap_put(&rooms, (uint64_t)fair_id, r);
	return r;
}

struct room *room_each(size_t *pos)
{
	while (*pos < rooms.capacity) {
		const struct idmap_slot *s = &rooms.slots[(*pos)++];

		if (s->id)
			return s->value;
	}
	return NULL;
}

/* Frees a room once the lws context (and with it every timer and member)
 * is gone. */
static void room_free(struct room *r)
{
	ring_clear(&r->ring);
	json_decref(r->stock_changes);
	idmap_free(&r->dealer_sessions);
	for (int i = 0; i < RING_AUDIENCES; i++)
		free(r->kept[i].text);
	free(r);
}

void room_free_all(void)
{
	for (size_t i = 0; i < rooms.capacity; i++)
		if (rooms.slots[i].id)
			room_free(rooms.slots[i].value);
	idmap_free(&rooms);
}

void room_member_set_slot(struct room_member *m, enum slot s, struct frame *f)
{
	frame_unref(m->slot[s]);
	m->slot[s] = frame_ref(f);
	ws_session_wake(m->session_id);
}

void room_wake_all(struct room *r)
{
	for (struct room_member *m = r->members; m; m = m->next)
		ws_session_wake(m->session_id);
}

/* Counts a dealer's sessions in the room, so that presence counts dealers,
 * not tabs. */
static void count_dealer(struct room *r, int64_t dealer_id, int delta)
{
	uintptr_t n =
		(uintptr_t)idmap_get(&r->dealer_sessions, (uint64_t)dealer_id);

	if (delta > 0 && n++ == 0)
		r->dealers++;
	if (delta < 0 && n && --n == 0)
		r->dealers--;
	if (n)
		idmap_put(&r->dealer_sessions, (uint64_t)dealer_id, (void *)n);
	else
		idmap_remove(&r->dealer_sessions, (uint64_t)dealer_id);
}

struct room_member *room_member_add(struct room *r, uint64_t session_id,
				    const struct ring_viewer *who, int64_t seq)
{
	struct room_member *m = xcalloc(1, sizeof *m);

	m->room = r;
	m->session_id = session_id;
	m->who = *who;
	ring_cursor_start(&r->ring, &m->cursor, seq);
	m->next = r->members;
	if (r->members)
		r->members->prev = m;
	r->members = m;
	if (m->who.staff)
		r->staff++;
	else
		count_dealer(r, m->who.dealer_id, +1);
	return m;
}

void room_member_free(struct room_member *m)
{
	struct room *r;

	if (!m)
		return;
	r = m->room;
	if (m->prev)
		m->prev->next = m->next;
	else
		r->members = m->next;
	if (m->next)
		m->next->prev = m->prev;
	if (m->who.staff)
		r->staff--;
	else
		count_dealer(r, m->who.dealer_id, -1);
	for (int s = 0; s < SLOT__COUNT; s++)
		frame_unref(m->slot[s]);
	free(m);
	/* An empty room is kept: its ring and last_seq stay valid while the
	 * process follows the fair, and rooms are few (one per fair). */
}

enum room_next room_member_next(struct room_member *m, struct frame **out)
{
	struct room *r = m->room;
	const struct ring_entry *e;

	if (ring_fell_behind(&r->ring, &m->cursor))
		return ROOM_FELL_BEHIND;
	e = ring_next(&r->ring, &m->cursor, &m->who);
	if (e) {
		*out = frame_ref(e->frame);
		return ROOM_FRAME;
	}
	for (int s = 0; s < SLOT__COUNT; s++)
		if (m->slot[s]) {
			*out = m->slot[s]; /* the slot's reference moves out */
			m->slot[s] = NULL;
			return ROOM_FRAME;
		}
	return ROOM_NOTHING;
}

bool room_member_pending(const struct room_member *m)
{
	if (ring_pending(&m->room->ring, &m->cursor))
		return true;
	for (int s = 0; s < SLOT__COUNT; s++)
		if (m->slot[s])
			return true;
	return false;
}
