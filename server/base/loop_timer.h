/* loop_timer.h - one-shot timers on the server's libev loop.
 *
 * lws's own timers (lws_sul_schedule) fire late under load: lws keeps one
 * libev timer armed for its earliest timer, and one scheduled sooner than
 * that is only noticed by lws's idle watcher, which libev runs when no
 * socket is ready: never, with thousands of busy connections. A stock push
 * due in 50 ms went out 50 to 350 ms late while 10,000 dealers were served
 * (docs/BENCHMARKS.md). These timers are plain libev timers, which the loop
 * checks on every turn. */
#ifndef FAIR_LOOP_TIMER_H
#define FAIR_LOOP_TIMER_H

#include <ev.h>
#include <stdint.h>

struct loop_timer;
typedef void (*loop_timer_cb)(struct loop_timer *t);

/* Embed one (all zero is a timer that is not scheduled); recover the
 * container in the callback with lws_container_of. */
struct loop_timer {
	ev_timer w; /* first: the libev callback casts back */
	loop_timer_cb cb;
};

/* The loop the timers run on; NULL (before the loop is destroyed) makes
 * scheduling and cancelling do nothing. */
void loop_timer_use(struct ev_loop *loop);

/* Runs cb once, delay_us microseconds from now, replacing any schedule
 * the timer had. */
void loop_timer_schedule(struct loop_timer *t, loop_timer_cb cb,
			 int64_t delay_us);

/* Unschedules t; nothing happens if it was not scheduled. */
void loop_timer_cancel(struct loop_timer *t);

#endif
