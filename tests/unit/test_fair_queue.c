/* test_fair_queue.c - the database's wait queue: users served in turn, each
 * capped in flight and in waiting, expiry oldest first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "db/fair_queue.h"

struct req {
	struct fq_item fq; /* first, as in pg.c */
	int owner, n;
};

static struct req *take(struct fair_queue *q)
{
	return (struct req *)fq_take(q);
}

static void test_a_flooder_waits_behind_itself(void **state)
{
	struct fair_queue q;
	struct req flood[50], mine[2];

	(void)state;
	fq_init(&q, 2, 100);
	/* the flooder has 2 in flight, then 48 waiting */
	for (int i = 0; i < 50; i++) {
		flood[i] = (struct req){.owner = 7, .n = i};
		if (fq_may_start(&q, 7))
			fq_start(&q, &flood[i].fq, 7);
		else
			assert_int_equal(fq_wait(&q, &flood[i].fq, 7, 1000 + i),
					 0);
	}
	assert_int_equal(q.waiting, 48);
	/* another user, idle so far, may go at once */
	assert_true(fq_may_start(&q, 9));
	mine[0] = (struct req){.owner = 9, .n = 0};
	fq_start(&q, &mine[0].fq, 9);
	/* the flooder is at its cap: nothing of its may be taken */
	assert_null(take(&q));
	/* one answered: its next one goes, not further */
	fq_finish(&q, &flood[0].fq);
	assert_ptr_equal(take(&q), &flood[2]);
	assert_null(take(&q));
	/* my second, while the flooder's queue is long, still goes at once */
	assert_true(fq_may_start(&q, 9));
	mine[1] = (struct req){.owner = 9, .n = 1};
	fq_start(&q, &mine[1].fq, 9);
	assert_false(fq_may_start(&q, 9)); /* my own cap of 2 */
	fq_finish(&q, &mine[0].fq);
	fq_finish(&q, &mine[1].fq);
	assert_true(fq_may_start(&q, 9));
	/* drain: the rest of the flood in order */
	for (int expect = 3; expect < 50; expect++) {
		fq_finish(&q, &flood[expect - 2].fq);
		assert_ptr_equal(take(&q), &flood[expect]);
	}
	fq_finish(&q, &flood[48].fq);
	fq_finish(&q, &flood[49].fq);
	assert_int_equal(q.waiting, 0);
	assert_int_equal(q.lanes.count, 0); /* idle lanes are freed */
	fq_free(&q);
}

static void test_waiting_lanes_are_served_in_turn(void **state)
{
	struct fair_queue q;
	struct req a[4], b[2], c[1];
	struct req *order[7];

	(void)state;
	fq_init(&q, 100, 100);
	/* a sends four before b and c send anything: all wait (as when every
	 * pipeline is full) */
	for (int i = 0; i < 4; i++) {
		a[i] = (struct req){.owner = 1, .n = i};
		assert_int_equal(fq_wait(&q, &a[i].fq, 1, 10), 0);
	}
	for (int i = 0; i < 2; i++) {
		b[i] = (struct req){.owner = 2, .n = i};
		assert_int_equal(fq_wait(&q, &b[i].fq, 2, 10), 0);
	}
	c[0] = (struct req){.owner = 3};
	assert_int_equal(fq_wait(&q, &c[0].fq, 3, 10), 0);
	assert_false(
		fq_may_start(&q, 1)); /* nothing overtakes its own elders */
	for (int i = 0; i < 7; i++)
		order[i] = take(&q);
	assert_null(take(&q));
	/* one each in turn: a b c a b a a */
	assert_ptr_equal(order[0], &a[0]);
	assert_ptr_equal(order[1], &b[0]);
	assert_ptr_equal(order[2], &c[0]);
	assert_ptr_equal(order[3], &a[1]);
	assert_ptr_equal(order[4], &b[1]);
	assert_ptr_equal(order[5], &a[2]);
	assert_ptr_equal(order[6], &a[3]);
	for (int i = 0; i < 7; i++)
		fq_finish(&q, &order[i]->fq);
	assert_int_equal(q.lanes.count, 0);
	fq_free(&q);
}

static void test_a_lane_waits_at_most_its_share(void **state)
{
	struct fair_queue q;
	struct req r[4];

	(void)state;
	fq_init(&q, 1, 3);
	for (int i = 0; i < 3; i++)
		assert_int_equal(fq_wait(&q, &r[i].fq, 5, 10), 0);
	assert_int_equal(fq_wait(&q, &r[3].fq, 5, 10), FQ_LANE_FULL);
	assert_int_equal(q.waiting, 3);
	/* the server's own lane (owner 0) has no cap */
	assert_int_equal(fq_wait(&q, &r[3].fq, 0, 10), 0);
	assert_int_equal(q.waiting, 4);
	while (fq_take_any(&q))
		;
	assert_int_equal(q.waiting, 0);
	assert_int_equal(q.lanes.count, 0);
	fq_free(&q);
}

static void test_expiry_is_oldest_first_across_lanes(void **state)
{
	struct fair_queue q;
	struct req r[4];

	(void)state;
	fq_init(&q, 1, 10);
	assert_int_equal(fq_wait(&q, &r[0].fq, 1, 100), 0);
	assert_int_equal(fq_wait(&q, &r[1].fq, 2, 110), 0);
	assert_int_equal(fq_wait(&q, &r[2].fq, 1, 120), 0);
	assert_int_equal(fq_wait(&q, &r[3].fq, 2, 130), 0);
	assert_int_equal(fq_next_deadline(&q), 100);
	assert_null(fq_take_expired(&q, 99));
	assert_ptr_equal(fq_take_expired(&q, 115), &r[0]);
	assert_ptr_equal(fq_take_expired(&q, 115), &r[1]);
	assert_null(fq_take_expired(&q, 115));
	assert_int_equal(fq_next_deadline(&q), 120);
	/* an expired one was never in flight: finishing it changes nothing */
	fq_finish(&q, &r[0].fq);
	/* the rest is served in turn */
	assert_ptr_equal(take(&q), &r[2]);
	assert_ptr_equal(take(&q), &r[3]);
	assert_int_equal(fq_next_deadline(&q), -1);
	fq_finish(&q, &r[2].fq);
	fq_finish(&q, &r[3].fq);
	assert_int_equal(q.lanes.count, 0);
	fq_free(&q);
}

static void test_the_server_lane_is_never_capped(void **state)
{
	struct fair_queue q;
	struct req r[40];

	(void)state;
	fq_init(&q, 1, 1);
	for (int i = 0; i < 40; i++) {
		assert_true(fq_may_start(&q, 0));
		fq_start(&q, &r[i].fq, 0);
	}
	for (int i = 0; i < 40; i++)
		fq_finish(&q, &r[i].fq);
	fq_free(&q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_flooder_waits_behind_itself),
		cmocka_unit_test(test_waiting_lanes_are_served_in_turn),
		cmocka_unit_test(test_a_lane_waits_at_most_its_share),
		cmocka_unit_test(test_expiry_is_oldest_first_across_lanes),
		cmocka_unit_test(test_the_server_lane_is_never_capped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
