/* test_money.c - numbers and amounts as text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "base/money.h"

static void test_money_text(void **state)
{
	static const struct {
		int64_t minor;
		const char *grouped, *plain;
	} cases[] = {
		{0, "0.00", "0.00"},
		{5, "0.05", "0.05"},
		{-5, "-0.05", "-0.05"},
		{123456, "1,234.56", "1234.56"},
		{100000000, "1,000,000.00", "1000000.00"},
		{INT64_MAX, "92,233,720,368,547,758.07",
		 "92233720368547758.07"},
		{INT64_MIN, "-92,233,720,368,547,758.08",
		 "-92233720368547758.08"},
	};
	char buf[MONEY_TEXT_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		money_text(buf, cases[i].minor, true);
		assert_string_equal(buf, cases[i].grouped);
		money_text(buf, cases[i].minor, false);
		assert_string_equal(buf, cases[i].plain);
	}
}

static void test_grouped_int(void **state)
{
	char buf[MONEY_TEXT_MAX];

	(void)state;
	grouped_int(buf, 0);
	assert_string_equal(buf, "0");
	grouped_int(buf, 999);
	assert_string_equal(buf, "999");
	grouped_int(buf, 1000);
	assert_string_equal(buf, "1,000");
	grouped_int(buf, -1234567);
	assert_string_equal(buf, "-1,234,567");
	grouped_int(buf, INT64_MIN);
	assert_string_equal(buf, "-9,223,372,036,854,775,808");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_money_text),
		cmocka_unit_test(test_grouped_int),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
