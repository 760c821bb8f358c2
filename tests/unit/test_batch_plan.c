/* test_batch_plan.c - which queued orders go in the next order batch:
 * around the rows that batches in flight lock, first come first served per
 * dealer and per variant, up to the batch's size, an order marked alone by
 * itself; and when the queue is worth walking.
 *
 * Links the real batch_plan.c and lock_set.c (fair_core). take() walks a
 * queue as order_intake.c's batch_take does. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "base/lock_set.h"
#include "order/batch_plan.h"

#define MAX_LOCKS 4

/* A queued order: its dealer, its variants (0 ends), alone. */
struct order {
	int64_t dealer;
	int64_t variants[MAX_LOCKS - 1];
	bool alone;
};

static size_t locks_of(const struct order *o, uint64_t *locks)
{
	size_t n = 0;

	locks[n++] = lock_key_dealer(o->dealer);
	for (size_t i = 0; i < MAX_LOCKS - 1 && o->variants[i]; i++)
		locks[n++] = lock_key_variant(o->variants[i]);
	return n;
}

/* Plans one batch over queue[0..n) next to the rows in locked, at most max
 * orders; returns a string with one letter per order: 'T' taken, 'L' left,
 * '.' not looked at (the batch closed before it). */
static const char *take(const struct order *queue, size_t n,
			const struct lock_set *locked, size_t max)
{
	static char picks[64];
	struct batch_plan plan;
	size_t i = 0;

	assert_true(n < sizeof picks);
	memset(picks, '.', n);
	picks[n] = '\0';
	batch_plan_start(&plan, locked, max);
	for (; i < n && batch_plan_open(&plan); i++) {
		uint64_t locks[MAX_LOCKS];
		size_t nlocks = locks_of(&queue[i], locks);

		picks[i] = batch_plan_offer(&plan, locks, nlocks,
					    queue[i].alone) == BATCH_TAKE
				   ? 'T'
				   : 'L';
	}
	batch_plan_end(&plan);
	return picks;
}

/* The rows of queue[i] held, as a batch in flight holds them. */
static void hold(struct lock_set *locked, const struct order *o)
{
	uint64_t locks[MAX_LOCKS];
	size_t n = locks_of(o, locks);

	assert_int_equal(lock_set_add(locked, locks, n), 0);
}

/* Nothing in flight: every order goes, in arrival order, even several of
 * one dealer or one variant (they are decided in order inside the batch). */
static void test_nothing_in_flight_takes_all(void **state)
{
	struct lock_set locked = {0};
	const struct order queue[] = {
		{1, {10}, false},
		{2, {10}, false},
		{1, {11, 12}, false},
	};

	(void)state;
	assert_string_equal(take(queue, 3, &locked, 500), "TTT");
}

/* The batch holds at most max orders; the rest wait, not looked at. */
static void test_the_batch_is_at_most_max(void **state)
{
	struct lock_set locked = {0};
	const struct order queue[] = {
		{1, {10}, false}, {2, {11}, false}, {3, {12}, false},
		{4, {13}, false}, {5, {14}, false},
	};

	(void)state;
	assert_string_equal(take(queue, 5, &locked, 2), "TT...");
	assert_string_equal(take(queue, 5, &locked, 1), "T....");
}

/* An order for a variant a batch in flight locks stays queued (it would
 * only wait for the lock); an order on other rows goes past it. */
static void test_a_locked_variant_waits_others_go(void **state)
{
	struct lock_set locked = {0};
	const struct order in_flight = {9, {10}, false};
	const struct order queue[] = {
		{1, {10}, false}, /* variant 10 is locked */
		{2, {11}, false},
	};

	(void)state;
	hold(&locked, &in_flight);
	assert_string_equal(take(queue, 2, &locked, 500), "LT");
	lock_set_free(&locked);
}

/* The same for the dealer's row: its credit and limits are decided under
 * that lock. */
static void test_a_locked_dealer_waits(void **state)
{
	struct lock_set locked = {0};
	const struct order in_flight = {1, {20}, false};
	const struct order queue[] = {
		{1, {30}, false}, /* dealer 1 is locked */
		{2, {30}, false}, /* variant 30: behind dealer 1's order */
		{3, {31}, false},
	};

	(void)state;
	hold(&locked, &in_flight);
	assert_string_equal(take(queue, 3, &locked, 500), "LLT");
	lock_set_free(&locked);
}

/* First come, first served: an order left behind holds back every later
 * order that shares its dealer or a variant, so a later order cannot take
 * the last units of a variant, or a dealer's credit, first. */
static void test_orders_behind_a_waiting_one_wait_too(void **state)
{
	struct lock_set locked = {0};
	const struct order in_flight = {9, {10}, false};
	const struct order queue[] = {
		{1, {10, 11}, false}, /* waits for variant 10 */
		{2, {11}, false},     /* same variant 11 as the first: waits */
		{1, {12}, false},     /* same dealer as the first: waits */
		{3, {12}, false},     /* variant 12 behind the third: waits */
		{4, {13}, false},     /* nothing shared: goes */
	};

	(void)state;
	hold(&locked, &in_flight);
	assert_string_equal(take(queue, 5, &locked, 500), "LLLLT");
	lock_set_free(&locked);
}

/* An order for two variants is not overtaken forever: while it waits for
 * one, new orders for the other wait behind it. */
static void test_a_two_variant_order_is_not_starved(void **state)
{
	struct lock_set locked = {0};
	const struct order in_flight = {9, {1}, false};
	const struct order queue[] = {
		{1, {1, 2}, false},
		{2, {2}, false},
		{3, {2}, false},
	};

	(void)state;
	hold(&locked, &in_flight);
	assert_string_equal(take(queue, 3, &locked, 500), "LLL");
	/* its batch returned: the first goes, with the others after it */
	lock_set_free(&locked);
	assert_string_equal(take(queue, 3, &locked, 500), "TTT");
}

/* An order whose batch failed goes alone: first in the queue it is taken
 * and closes the batch; later in the queue it waits, and holds back the
 * orders behind it on its rows. */
static void test_an_order_marked_alone_goes_by_itself(void **state)
{
	struct lock_set locked = {0};
	const struct order first[] = {
		{1, {10}, true},
		{2, {11}, false},
	};
	const struct order later[] = {
		{2, {11}, false}, {1, {10}, true},
		{3, {10}, false}, /* behind the alone order's variant */
		{4, {12}, false}, {5, {13}, true},
	};

	(void)state;
	assert_string_equal(take(first, 2, &locked, 500), "T.");
	assert_string_equal(take(later, 5, &locked, 500), "TLLTL");
}

/* An order whose rows are all free can always go; one that shares any row
 * with a batch in flight cannot. */
static void test_free_to_go(void **state)
{
	struct lock_set locked = {0};
	const struct order in_flight = {1, {10}, false};
	const struct order other = {2, {11}, false};
	const struct order same_variant = {2, {11, 10}, false};
	uint64_t locks[MAX_LOCKS];
	size_t n;

	(void)state;
	n = locks_of(&same_variant, locks);
	assert_true(batch_plan_free_to_go(&locked, locks, n));
	hold(&locked, &in_flight);
	assert_false(batch_plan_free_to_go(&locked, locks, n));
	n = locks_of(&other, locks);
	assert_true(batch_plan_free_to_go(&locked, locks, n));
	lock_set_free(&locked);
}

/* When the queue is walked: after a batch returned, always; after an
 * arrival, when nothing is in flight or the arrival could go now. */
static void test_worth_a_look(void **state)
{
	struct lock_set locked = {0};
	const struct order in_flight = {1, {10}, false};
	const struct order blocked = {2, {10}, false};
	const struct order free_one = {3, {11}, false};
	uint64_t locks[MAX_LOCKS];
	size_t n;

	(void)state;
	hold(&locked, &in_flight);
	assert_true(batch_plan_worth_a_look(&locked, 1, NULL, 0));
	n = locks_of(&blocked, locks);
	assert_false(batch_plan_worth_a_look(&locked, 1, locks, n));
	assert_true(batch_plan_worth_a_look(&locked, 0, locks, n));
	n = locks_of(&free_one, locks);
	assert_true(batch_plan_worth_a_look(&locked, 2, locks, n));
	lock_set_free(&locked);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nothing_in_flight_takes_all),
		cmocka_unit_test(test_the_batch_is_at_most_max),
		cmocka_unit_test(test_a_locked_variant_waits_others_go),
		cmocka_unit_test(test_a_locked_dealer_waits),
		cmocka_unit_test(test_orders_behind_a_waiting_one_wait_too),
		cmocka_unit_test(test_a_two_variant_order_is_not_starved),
		cmocka_unit_test(test_an_order_marked_alone_goes_by_itself),
		cmocka_unit_test(test_free_to_go),
		cmocka_unit_test(test_worth_a_look),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
