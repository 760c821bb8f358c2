/* The last known stock (order/stock_cache.c): values heard, a fair's whole
 * stock read once, and that read set only when nothing was heard while it
 * was on its way. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "order/stock_cache.h"

static int reset(void **state)
{
	(void)state;
	stock_cache_forget();
	return 0;
}

static void test_heard_values(void **state)
{
	uint64_t before = stock_cache_generation();

	(void)state;
	assert_int_equal(stock_cache_get(7, 70), -1);
	stock_cache_set(7, 70, 12);
	stock_cache_set(7, 71, 0);
	assert_int_equal(stock_cache_get(7, 70), 12);
	assert_int_equal(stock_cache_get(7, 71), 0);
	assert_int_equal(stock_cache_get(8, 70), -1);
	assert_true(stock_cache_generation() > before);
	/* nonsense is not kept */
	stock_cache_set(7, 72, -1);
	stock_cache_set(0, 72, 5);
	assert_int_equal(stock_cache_get(7, 72), -1);
	assert_int_equal(stock_cache_get(0, 72), -1);
	/* heard values never make a fair whole */
	assert_false(stock_cache_whole(7));
}

static void test_seed_whole(void **state)
{
	const int64_t variants[] = {70, 71, 72};
	const int64_t remaining[] = {5, 0, 300};
	uint64_t asked = stock_cache_generation();

	(void)state;
	assert_false(stock_cache_whole(7));
	assert_true(stock_cache_seed(7, asked, 3, variants, remaining));
	assert_true(stock_cache_whole(7));
	assert_false(stock_cache_whole(8));
	assert_int_equal(stock_cache_get(7, 70), 5);
	assert_int_equal(stock_cache_get(7, 71), 0);
	assert_int_equal(stock_cache_get(7, 72), 300);
	/* the sweep of waiting orders sees that something moved */
	assert_true(stock_cache_generation() != asked);
	/* a sale heard afterwards overwrites the read */
	stock_cache_set(7, 70, 4);
	assert_int_equal(stock_cache_get(7, 70), 4);
}

static void test_seed_refused_after_a_notification(void **state)
{
	const int64_t variants[] = {70, 71};
	const int64_t remaining[] = {9, 9};
	uint64_t asked = stock_cache_generation();

	(void)state;
	/* heard while the read was on its way: newer than the read may be */
	stock_cache_set(7, 70, 3);
	assert_false(stock_cache_seed(7, asked, 2, variants, remaining));
	assert_int_equal(stock_cache_get(7, 70), 3);
	assert_int_equal(stock_cache_get(7, 71), -1);
	assert_false(stock_cache_whole(7));
	/* asked again, nothing heard in between: set */
	asked = stock_cache_generation();
	assert_true(stock_cache_seed(7, asked, 2, variants, remaining));
	assert_int_equal(stock_cache_get(7, 70), 9);
}

static void test_forget(void **state)
{
	const int64_t variants[] = {70};
	const int64_t remaining[] = {1};

	(void)state;
	assert_true(stock_cache_seed(7, stock_cache_generation(), 1, variants,
				     remaining));
	stock_cache_forget();
	assert_false(stock_cache_whole(7));
	assert_int_equal(stock_cache_get(7, 70), -1);
	/* a read of nothing (no such fair) keeps nothing */
	assert_true(
		stock_cache_seed(9, stock_cache_generation(), 0, NULL, NULL));
	assert_false(stock_cache_whole(9));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_heard_values, reset),
		cmocka_unit_test_setup(test_seed_whole, reset),
		cmocka_unit_test_setup(test_seed_refused_after_a_notification,
				       reset),
		cmocka_unit_test_setup(test_forget, reset),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);

	stock_cache_forget();
	return failed;
}
