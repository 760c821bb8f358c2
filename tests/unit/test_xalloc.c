/* test_xalloc.c - array_room, fairctl's checked growth of its lists.
 *
 * Links the real xalloc.c (fair_core). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>

#include "base/xalloc.h"

/* A list grown one element at a time keeps what it held, doubles from
 * `first`, and returns itself while there is room. */
static void test_grows_and_keeps(void **state)
{
	int *list = NULL;
	size_t cap = 0;

	(void)state;
	for (size_t n = 0; n < 100; n++) {
		int *room = array_room(list, &cap, n, sizeof *list, 16);

		assert_non_null(room);
		if (n && n < 16)
			assert_ptr_equal(room, list); /* room left: the same */
		list = room;
		list[n] = (int)n * 3;
		assert_true(cap > n);
	}
	assert_int_equal(cap, 128); /* 16, 32, 64, 128 */
	for (size_t n = 0; n < 100; n++)
		assert_int_equal(list[n], (int)n * 3);
	free(list);
}

/* A size that cannot be asked for is refused, the list unchanged. */
static void test_too_large_refused(void **state)
{
	char *list = malloc(4);
	size_t cap = SIZE_MAX / 2 + 1;

	(void)state;
	assert_non_null(list);
	assert_null(array_room(list, &cap, cap, 1, 16));
	assert_int_equal(cap, SIZE_MAX / 2 + 1);
	cap = 4;
	assert_null(array_room(list, &cap, 4, SIZE_MAX / 4, 1));
	assert_int_equal(cap, 4);
	free(list);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grows_and_keeps),
		cmocka_unit_test(test_too_large_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
