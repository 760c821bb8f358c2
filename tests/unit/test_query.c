/* test_query.c - a URL's arguments (base/query.c): the first of a name,
 * not a longer name or a name without '=', copies that say when they do
 * not fit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "base/query.h"

static void values(void **state)
{
	size_t len = 99;
	const char *v;

	(void)state;
	v = query_value("a=1&bb=22&b=3&b=4", "b", &len);
	assert_non_null(v);
	assert_int_equal(len, 1);
	assert_memory_equal(v, "3", 1);
	v = query_value("metric=by_region&lang=en", "lang", &len);
	assert_int_equal(len, 2);
	assert_memory_equal(v, "en", 2);
	/* empty value, absent, a name without '=', a longer name, NULL */
	v = query_value("x=&y=1", "x", &len);
	assert_non_null(v);
	assert_int_equal(len, 0);
	assert_null(query_value("a=1", "b", &len));
	assert_null(query_value("b&c=1", "b", &len));
	assert_null(query_value("bb=1", "b", &len));
	assert_null(query_value("", "b", &len));
	assert_null(query_value(NULL, "b", &len));
	/* an empty argument between two '&' */
	v = query_value("a=1&&b=2", "b", &len);
	assert_non_null(v);
	assert_memory_equal(v, "2", 1);
}

static void copies(void **state)
{
	char out[4];

	(void)state;
	assert_int_equal(query_copy("w=640&h=4", "w", out, sizeof out), 1);
	assert_string_equal(out, "640");
	assert_int_equal(query_copy("w=6400", "w", out, sizeof out), -1);
	assert_string_equal(out, "");
	assert_int_equal(query_copy("h=1", "w", out, sizeof out), 0);
	assert_string_equal(out, "");
	assert_int_equal(query_copy("w=", "w", out, sizeof out), 1);
	assert_string_equal(out, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(values),
		cmocka_unit_test(copies),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
