/* fair_queue.c - the database's wait queue, fair between users (see
 * fair_queue.h). */
#include "db/fair_queue.h"

#include <stdlib.h>

#include "base/xalloc.h"

struct fq_lane {
	uint64_t owner;
	struct fq_item *head, *tail; /* waiting, oldest first */
	unsigned waiting, in_flight;
	struct fq_lane *ring_prev, *ring_next; /* while something waits */
};

void fq_init(struct fair_queue *q, unsigned in_flight_max, unsigned waiting_max)
{
	*q = (struct fair_queue){0};
	q->system = xcalloc(1, sizeof *q->system);
	q->in_flight_max = in_flight_max ? in_flight_max : 1;
	q->waiting_max = waiting_max ? waiting_max : 1;
}

static struct fq_lane *lane_find(const struct fair_queue *q, uint64_t owner)
{
	return owner ? idmap_get(&q->lanes, owner) : q->system;
}

static struct fq_lane *lane_get(struct fair_queue *q, uint64_t owner)
{
	struct fq_lane *l = lane_find(q, owner);

	if (!l) {
		l = xcalloc(1, sizeof *l);
		l->owner = owner;
		idmap_put(&q->lanes, owner, l);
	}
	return l;
}

static bool lane_capped(const struct fair_queue *q, const struct fq_lane *l)
{
	return l != q->system && l->in_flight >= q->in_flight_max;
}

/* A user's lane lives while it has something waiting or in flight. */
static void lane_release_if_idle(struct fair_queue *q, struct fq_lane *l)
{
	if (l == q->system || l->waiting || l->in_flight)
		return;
	idmap_remove(&q->lanes, l->owner);
	free(l);
}

static void ring_join(struct fair_queue *q, struct fq_lane *l)
{
	if (!q->turn) {
		l->ring_prev = l->ring_next = l;
		q->turn = l;
		return;
	}
	/* last in the turn order: just before the lane to serve next */
	l->ring_next = q->turn;
	l->ring_prev = q->turn->ring_prev;
	l->ring_prev->ring_next = l;
	q->turn->ring_prev = l;
}

static void ring_leave(struct fair_queue *q, struct fq_lane *l)
{
	if (l->ring_next == l) {
		q->turn = NULL;
	} else {
		l->ring_prev->ring_next = l->ring_next;
		l->ring_next->ring_prev = l->ring_prev;
		if (q->turn == l)
			q->turn = l->ring_next;
	}
	l->ring_prev = l->ring_next = NULL;
}

bool fq_may_start(const struct fair_queue *q, uint64_t owner)
{
	const struct fq_lane *l = lane_find(q, owner);

	return !l || (!l->waiting && !lane_capped(q, l));
}

void fq_start(struct fair_queue *q, struct fq_item *it, uint64_t owner)
{
	it->lane = lane_get(q, owner);
	it->lane->in_flight++;
	it->in_flight = true;
}

int fq_wait(struct fair_queue *q, struct fq_item *it, uint64_t owner,
	    int64_t deadline_ms)
{
	struct fq_lane *l = lane_get(q, owner);

	if (l != q->system && l->waiting >= q->waiting_max) {
		lane_release_if_idle(q, l);
		return FQ_LANE_FULL;
	}
	it->lane = l;
	it->in_flight = false;
	it->deadline_ms = deadline_ms;
	it->lane_next = NULL;
	if (l->tail)
		l->tail->lane_next = it;
	else
		l->head = it;
	l->tail = it;
	if (l->waiting++ == 0)
		ring_join(q, l);
	it->age_next = NULL;
	it->age_prev = q->newest;
	if (q->newest)
		q->newest->age_next = it;
	else
		q->oldest = it;
	q->newest = it;
	q->waiting++;
	return 0;
}

/* Takes the head of its lane out of the queue. */
static void unlink_head(struct fair_queue *q, struct fq_item *it)
{
	struct fq_lane *l = it->lane;

	l->head = it->lane_next;
	if (!l->head)
		l->tail = NULL;
	it->lane_next = NULL;
	if (--l->waiting == 0)
		ring_leave(q, l);
	if (it->age_prev)
		it->age_prev->age_next = it->age_next;
	else
		q->oldest = it->age_next;
	if (it->age_next)
		it->age_next->age_prev = it->age_prev;
	else
		q->newest = it->age_prev;
	it->age_prev = it->age_next = NULL;
	q->waiting--;
}

struct fq_item *fq_take(struct fair_queue *q)
{
	struct fq_lane *l = q->turn;

	if (!l)
		return NULL;
	do {
		if (!lane_capped(q, l)) {
			struct fq_item *it = l->head;

			/* the lane after this one is served next */
			q->turn = l->ring_next;
			unlink_head(q, it);
			l->in_flight++;
			it->in_flight = true;
			return it;
		}
		l = l->ring_next;
	} while (l != q->turn);
	return NULL;
}

/* Removes the oldest waiting item: it is the head of its lane, since every
 * lane is in the order of arrival. */
static struct fq_item *take_oldest(struct fair_queue *q)
{
	struct fq_item *it = q->oldest;
	struct fq_lane *l;

	if (!it)
		return NULL;
	l = it->lane;
	unlink_head(q, it);
	it->lane = NULL;
	lane_release_if_idle(q, l);
	return it;
}

struct fq_item *fq_take_expired(struct fair_queue *q, int64_t now_ms)
{
	if (!q->oldest || q->oldest->deadline_ms > now_ms)
		return NULL;
	return take_oldest(q);
}

struct fq_item *fq_take_any(struct fair_queue *q)
{
	return take_oldest(q);
}

void fq_finish(struct fair_queue *q, struct fq_item *it)
{
	struct fq_lane *l = it->lane;

	if (!l || !it->in_flight)
		return;
	it->in_flight = false;
	it->lane = NULL;
	l->in_flight--;
	lane_release_if_idle(q, l);
}

int64_t fq_next_deadline(const struct fair_queue *q)
{
	return q->oldest ? q->oldest->deadline_ms : -1;
}

static void free_lane(uint64_t id, void *value, void *arg)
{
	(void)id;
	(void)arg;
	free(value);
}

void fq_free(struct fair_queue *q)
{
	idmap_foreach(&q->lanes, free_lane, NULL);
	idmap_free(&q->lanes);
	free(q->system);
	q->system = NULL;
}
