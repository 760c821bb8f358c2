/* test_log_escape.c - text from clients cannot break a log line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "base/log.h"

static void test_breaks_escaped(void **state)
{
	char out[128];

	(void)state;
	assert_int_equal(
		log_escape("shop1\n2026-12-06T00:00:00.000Z error  forged", out,
			   sizeof out),
		strlen("shop1\\n2026-12-06T00:00:00.000Z error  forged"));
	assert_string_equal(out,
			    "shop1\\n2026-12-06T00:00:00.000Z error  forged");
	log_escape("a\rb\tc\x01"
		   "d\x7f"
		   "e\x1b[31m",
		   out, sizeof out);
	assert_string_equal(out, "a\\rb\\tc\\x01d\\x7fe\\x1b[31m");
	assert_null(strchr(out, '\n'));
}

static void test_utf8_kept(void **state)
{
	char out[64];

	(void)state;
	log_escape("陳店長 商行", out, sizeof out);
	assert_string_equal(out, "陳店長 商行");
}

static void test_cut_at_escape_boundary(void **state)
{
	char out[6];

	(void)state;
	/* "ab\n": fits; "ab\ncd" needs 7 bytes with the NUL: cut before 'd' */
	assert_int_equal(log_escape("ab\ncd", out, sizeof out), 5);
	assert_string_equal(out, "ab\\nc");
	assert_int_equal(log_escape("abcd\n", out, sizeof out), 4);
	assert_string_equal(out, "abcd"); /* never half an escape */
	assert_int_equal(log_escape("x", out, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_breaks_escaped),
		cmocka_unit_test(test_utf8_kept),
		cmocka_unit_test(test_cut_at_escape_boundary),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
