/* test_pgarray.c - PostgreSQL array literals: quoting, NULL, integers, empty. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "db/pgarray.h"

static void test_elements(void **state)
{
	static const char *const in[] = {
		"t", NULL, "A", "say \"hi\"", "back\\slash", "", "外套, 紅"};
	struct strbuf b;

	(void)state;
	strbuf_init(&b);
	for (size_t i = 0; i < sizeof in / sizeof in[0]; i++)
		pgarray_text(&b, i, in[i]);
	pgarray_end(&b, sizeof in / sizeof in[0]);
	assert_non_null(b.data);
	assert_string_equal(b.data, "{\"t\",NULL,\"A\",\"say \\\"hi\\\"\","
				    "\"back\\\\slash\",\"\",\"外套, 紅\"}");
	strbuf_free(&b);
}

static void test_integers(void **state)
{
	static const long long in[] = {1, -42, 9223372036854775807LL, 0};
	struct strbuf b;

	(void)state;
	strbuf_init(&b);
	for (size_t i = 0; i < sizeof in / sizeof in[0]; i++)
		pgarray_int(&b, i, in[i]);
	pgarray_end(&b, sizeof in / sizeof in[0]);
	assert_non_null(b.data);
	assert_string_equal(b.data, "{1,-42,9223372036854775807,0}");
	strbuf_free(&b);
}

static void test_empty(void **state)
{
	struct strbuf b;

	(void)state;
	strbuf_init(&b);
	pgarray_end(&b, 0);
	assert_string_equal(b.data, "{}");
	strbuf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_elements),
		cmocka_unit_test(test_integers),
		cmocka_unit_test(test_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
