/* throttle.c - push the latest, at most once per interval (see throttle.h). */
#include "base/throttle.h"

void throttle_init(struct throttle *t, int64_t interval_ms)
{
	*t = (struct throttle){.interval_ms = interval_ms};
}

enum throttle_step throttle_changed(struct throttle *t, int64_t now_ms,
				    int64_t *delay_ms)
{
	int64_t wait = t->last_ms ? t->interval_ms - (now_ms - t->last_ms) : 0;

	if (t->armed)
		return THROTTLE_NOTHING;
	if (t->busy) {
		t->again = true;
		return THROTTLE_NOTHING;
	}
	if (wait > 0) {
		t->armed = true;
		*delay_ms = wait;
		return THROTTLE_ARM;
	}
	t->busy = true;
	t->last_ms = now_ms;
	return THROTTLE_READ;
}

enum throttle_step throttle_fired(struct throttle *t, int64_t now_ms,
				  int64_t *delay_ms)
{
	t->armed = false;
	return throttle_changed(t, now_ms, delay_ms);
}

enum throttle_step throttle_read_done(struct throttle *t, int64_t now_ms,
				      int64_t *delay_ms)
{
	t->busy = false;
	if (!t->again)
		return THROTTLE_NOTHING;
	t->again = false;
	return throttle_changed(t, now_ms, delay_ms);
}
