/* test_lock_set.c - the counted set of rows that batches in flight lock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "base/lock_set.h"

static void test_dealer_and_variant_keys_differ(void **state)
{
	(void)state;
	assert_int_not_equal(lock_key_dealer(7), lock_key_variant(7));
	assert_int_not_equal(lock_key_dealer(7), lock_key_dealer(8));
	assert_int_not_equal(lock_key_variant(1),
			     0); /* 0 is idmap's empty slot */
}

static void test_two_batches_share_a_key_until_both_release(void **state)
{
	struct lock_set s = {0};
	uint64_t a[] = {lock_key_dealer(1), lock_key_variant(5),
			lock_key_variant(5)};
	uint64_t b[] = {lock_key_dealer(2), lock_key_variant(5)};
	uint64_t other[] = {lock_key_dealer(3), lock_key_variant(6)};
	uint64_t dealer1[] = {lock_key_dealer(1)};
	uint64_t variant5[] = {lock_key_variant(5)};

	(void)state;
	assert_false(lock_set_any(&s, a, 3)); /* empty: nothing held */
	assert_int_equal(lock_set_add(&s, a, 3), 0);
	assert_true(lock_set_any(&s, b, 2)); /* variant 5 */
	assert_int_equal(lock_set_count(&s, lock_key_variant(5)), 2);
	assert_int_equal(lock_set_count(&s, lock_key_dealer(1)), 1);
	assert_int_equal(lock_set_count(&s, lock_key_dealer(2)), 0);
	assert_false(lock_set_any(&s, other, 2));
	assert_int_equal(lock_set_size(&s), 2);

	assert_int_equal(lock_set_add(&s, b, 2), 0);
	lock_set_remove(&s, a, 3);
	/* a named variant 5 twice and released it twice; b still holds it */
	assert_false(lock_set_any(&s, dealer1, 1));
	assert_true(lock_set_any(&s, variant5, 1));
	lock_set_remove(&s, b, 2);
	assert_false(lock_set_any(&s, variant5, 1));
	assert_int_equal(lock_set_size(&s), 0);

	/* releasing what is not held changes nothing */
	lock_set_remove(&s, other, 2);
	assert_int_equal(lock_set_size(&s), 0);
	lock_set_free(&s);
}

static void test_many_keys(void **state)
{
	struct lock_set s = {0};
	uint64_t keys[5000];

	(void)state;
	for (size_t i = 0; i < 5000; i++)
		keys[i] = i % 2 ? lock_key_dealer((int64_t)i + 1)
				: lock_key_variant((int64_t)i + 1);
	assert_int_equal(lock_set_add(&s, keys, 5000), 0);
	assert_int_equal(lock_set_size(&s), 5000);
	for (size_t i = 0; i < 5000; i++)
		assert_true(lock_set_any(&s, &keys[i], 1));
	lock_set_remove(&s, keys, 2500);
	assert_int_equal(lock_set_size(&s), 2500);
	assert_false(lock_set_any(&s, keys, 2500));
	assert_true(lock_set_any(&s, keys + 2500, 2500));
	lock_set_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dealer_and_variant_keys_differ),
		cmocka_unit_test(
			test_two_batches_share_a_key_until_both_release),
		cmocka_unit_test(test_many_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
