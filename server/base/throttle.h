/* throttle.h - "push the latest, at most once per interval": the rule the
 * dashboard's totals and the dealers' attainment pushes share.
 *
 * Something changed: read it from the database and push what was read, but
 * never two reads at once and never two within the interval; a change that
 * comes while a read is in flight is read again once it returns, and one
 * that comes too soon waits for the rest of the interval on a timer. Many
 * changes in between cost one read.
 *
 * Pure state and time arithmetic (times are passed in): the caller owns the
 * timer and the read, and does what each call's step says. Unit-tested in
 * tests/unit/test_throttle.c. */
#ifndef FAIR_THROTTLE_H
#define FAIR_THROTTLE_H

#include <stdbool.h>
#include <stdint.h>

struct throttle {
	int64_t interval_ms;
	int64_t last_ms; /* when the last read started; 0: never */
	bool armed;      /* a timer is set */
	bool busy;       /* a read is in flight */
	bool again;      /* something changed while it was */
};

enum throttle_step {
	THROTTLE_NOTHING, /* already on it */
	THROTTLE_READ,    /* start the read now (counted as in flight) */
	THROTTLE_ARM,     /* set the timer for *delay_ms, then call fired */
};

void throttle_init(struct throttle *t, int64_t interval_ms);

/* Something changed. */
enum throttle_step throttle_changed(struct throttle *t, int64_t now_ms,
				    int64_t *delay_ms);

/* The timer set for THROTTLE_ARM went off. */
enum throttle_step throttle_fired(struct throttle *t, int64_t now_ms,
				  int64_t *delay_ms);

/* The read ended (or could not be sent): what changed meanwhile goes next. */
enum throttle_step throttle_read_done(struct throttle *t, int64_t now_ms,
				      int64_t *delay_ms);

#endif
