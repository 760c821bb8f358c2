/* loop_timer.c - one-shot timers on the server's libev loop (see
 * loop_timer.h). */
#include "base/loop_timer.h"

#include "base/log.h"

static struct ev_loop *timer_loop;

void loop_timer_use(struct ev_loop *loop)
{
	timer_loop = loop;
}

static void fired(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct loop_timer *t = (struct loop_timer *)w;

	(void)loop;
	(void)revents;
	t->cb(t);
}

void loop_timer_schedule(struct loop_timer *t, loop_timer_cb cb,
			 int64_t delay_us)
{
	if (!timer_loop) {
		LOG(LOG_ERROR, "a timer was scheduled without an event loop");
		return;
	}
	ev_timer_stop(timer_loop, &t->w);
	t->cb = cb;
	/* libev counts from the time it read at the start of this turn of
	 * the loop, which may be a long turn ago */
	ev_now_update(timer_loop);
	ev_timer_init(&t->w, fired, delay_us > 0 ? (double)delay_us / 1e6 : 0.,
		      0.);
	ev_timer_start(timer_loop, &t->w);
}

void loop_timer_cancel(struct loop_timer *t)
{
	if (timer_loop)
		ev_timer_stop(timer_loop, &t->w);
}
