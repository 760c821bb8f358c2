/* test_throttle.c - push the latest, at most once per interval. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "base/throttle.h"

static void test_first_change_reads_at_once(void **state)
{
	struct throttle t;
	int64_t delay = -1;

	(void)state;
	throttle_init(&t, 250);
	assert_int_equal(throttle_changed(&t, 1000, &delay), THROTTLE_READ);
	/* more changes while it reads: one read again, later */
	assert_int_equal(throttle_changed(&t, 1010, &delay), THROTTLE_NOTHING);
	assert_int_equal(throttle_changed(&t, 1020, &delay), THROTTLE_NOTHING);
	/* back at 1100: too soon for another read, so a timer for the rest */
	assert_int_equal(throttle_read_done(&t, 1100, &delay), THROTTLE_ARM);
	assert_int_equal(delay, 150);
	assert_int_equal(throttle_changed(&t, 1200, &delay), THROTTLE_NOTHING);
	assert_int_equal(throttle_fired(&t, 1250, &delay), THROTTLE_READ);
	/* nothing changed while that one read: nothing more */
	assert_int_equal(throttle_read_done(&t, 1260, &delay),
			 THROTTLE_NOTHING);
}

static void test_quiet_then_change_after_the_interval(void **state)
{
	struct throttle t;
	int64_t delay = -1;

	(void)state;
	throttle_init(&t, 250);
	assert_int_equal(throttle_changed(&t, 5000, &delay), THROTTLE_READ);
	assert_int_equal(throttle_read_done(&t, 5010, &delay),
			 THROTTLE_NOTHING);
	/* a change within the interval waits for its rest */
	assert_int_equal(throttle_changed(&t, 5100, &delay), THROTTLE_ARM);
	assert_int_equal(delay, 150);
	assert_int_equal(throttle_fired(&t, 5250, &delay), THROTTLE_READ);
	assert_int_equal(throttle_read_done(&t, 5300, &delay),
			 THROTTLE_NOTHING);
	/* one long after reads at once */
	assert_int_equal(throttle_changed(&t, 9000, &delay), THROTTLE_READ);
}

static void test_at_most_one_read_per_interval_under_a_storm(void **state)
{
	struct throttle t;
	int64_t delay = 0, now, armed_until = -1;
	int reads = 0;
	bool busy = false;

	(void)state;
	throttle_init(&t, 250);
	/* a change every millisecond for 2 s; reads take 30 ms */
	for (now = 1; now <= 2000; now++) {
		int64_t done_at = -1;
		enum throttle_step s;

		if (busy && now % 250 == 30)
			done_at = now;
		if (done_at == now) {
			busy = false;
			s = throttle_read_done(&t, now, &delay);
		} else if (armed_until == now) {
			armed_until = -1;
			s = throttle_fired(&t, now, &delay);
		} else {
			s = throttle_changed(&t, now, &delay);
		}
		if (s == THROTTLE_READ) {
			assert_false(busy);
			busy = true;
			reads++;
		} else if (s == THROTTLE_ARM) {
			armed_until = now + delay;
		}
	}
	assert_in_range(reads, 7, 9); /* 2 s at most 4 a second */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_change_reads_at_once),
		cmocka_unit_test(test_quiet_then_change_after_the_interval),
		cmocka_unit_test(
			test_at_most_one_read_per_interval_under_a_storm),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
