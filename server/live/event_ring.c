/* event_ring.c - a fair's recent events and who sees which (see
 * event_ring.h). */
#include "live/event_ring.h"

#include <stdio.h>
#include <string.h>

bool ring_visible(const struct ring_entry *e, const struct ring_viewer *v)
{
	if (v->staff)
		return !e->tier[0];
	return !e->staff_only && (!e->tier[0] || !strcmp(e->tier, v->tier)) &&
	       (!e->dealer_id || e->dealer_id == v->dealer_id);
}

void ring_append(struct event_ring *ring, int64_t seq, const char *tier,
		 int64_t dealer_id, bool staff_only, struct frame *f)
{
	struct ring_entry *e;

	if (ring->end - ring->first == RING_SIZE) {
		/* the oldest goes; members still before it fall behind */
		ring->floor_seq = ring->entries[ring->first % RING_SIZE].seq;
		frame_unref(ring->entries[ring->first % RING_SIZE].frame);
		ring->first++;
	}
	e = &ring->entries[ring->end % RING_SIZE];
	e->seq = seq;
	snprintf(e->tier, sizeof e->tier, "%s", tier);
	e->dealer_id = dealer_id;
	e->staff_only = staff_only;
	e->frame = f;
	ring->end++;
}

int64_t ring_floor_for(int64_t seq)
{
	return seq > RING_SIZE ? seq - RING_SIZE : 0;
}

void ring_cursor_start(const struct event_ring *ring, struct ring_cursor *c,
		       int64_t seq)
{
	c->behind = seq < ring->floor_seq;
	c->min_seq = seq;
	/* events after the snapshot that are in the ring already */
	c->tail = ring->end;
	while (c->tail > ring->first &&
	       ring->entries[(c->tail - 1) % RING_SIZE].seq > seq)
		c->tail--;
}

bool ring_fell_behind(const struct event_ring *ring,
		      const struct ring_cursor *c)
{
	return c->behind || c->tail < ring->first;
}

const struct ring_entry *ring_next(const struct event_ring *ring,
				   struct ring_cursor *c,
				   const struct ring_viewer *v)
{
	while (c->tail < ring->end) {
		const struct ring_entry *e =
			&ring->entries[c->tail++ % RING_SIZE];

		if (e->seq > c->min_seq && ring_visible(e, v))
			return e;
	}
	return NULL;
}

bool ring_pending(const struct event_ring *ring, const struct ring_cursor *c)
{
	return c->behind || c->tail < ring->first || c->tail < ring->end;
}

int ring_audience(bool staff, const char *tier)
{
	if (staff)
		return 0;
	if (tier && tier[0] >= 'A' && tier[0] <= 'Z' && !tier[1])
		return 1 + (tier[0] - 'A');
	return -1;
}

void ring_clear(struct event_ring *ring)
{
	for (uint64_t i = ring->first; i < ring->end; i++)
		frame_unref(ring->entries[i % RING_SIZE].frame);
	ring->first = ring->end = 0;
	ring->floor_seq = 0;
}
