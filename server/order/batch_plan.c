/* batch_plan.c - which queued orders go in the next batch (see
 * batch_plan.h). */
#include "order/batch_plan.h"

#include <stdlib.h>

void batch_plan_start(struct batch_plan *p, const struct lock_set *locked,
		      size_t max)
{
	p->locked = locked;
	p->behind = (struct lock_set){0};
	p->max = max;
	p->taken = 0;
	p->alone = false;
}

bool batch_plan_open(const struct batch_plan *p)
{
	return !p->alone && p->taken < p->max;
}

enum batch_pick batch_plan_offer(struct batch_plan *p, const uint64_t *locks,
				 size_t nlocks, bool alone)
{
	if ((p->taken && alone) ||
	    !batch_plan_free_to_go(p->locked, locks, nlocks) ||
	    lock_set_any(&p->behind, locks, nlocks)) {
		/* a key is 0 only for an id that is not positive: a bug */
		if (lock_set_add(&p->behind, locks, nlocks))
			abort();
		return BATCH_LEAVE;
	}
	p->taken++;
	p->alone = alone;
	return BATCH_TAKE;
}

void batch_plan_end(struct batch_plan *p)
{
	lock_set_free(&p->behind);
}

bool batch_plan_free_to_go(const struct lock_set *locked, const uint64_t *locks,
			   size_t nlocks)
{
	return !lock_set_any(locked, locks, nlocks);
}

bool batch_plan_worth_a_look(const struct lock_set *locked, int in_flight,
			     const uint64_t *arrived_locks, size_t nlocks)
{
	return !arrived_locks || !in_flight ||
	       batch_plan_free_to_go(locked, arrived_locks, nlocks);
}
