/* test_timefmt.c - RFC 3339 formatting and parsing, and the clocks.
 *
 * Links the real timefmt.c (fair_core). Expected epoch values were computed
 * with `date -u -d <time> +%s`. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "base/timefmt.h"

static const struct {
	int64_t ms;
	const char *text;
} known[] = {
	{0, "1970-01-01T00:00:00.000Z"},
	{1, "1970-01-01T00:00:00.001Z"},
	{999, "1970-01-01T00:00:00.999Z"},
	{1000, "1970-01-01T00:00:01.000Z"},
	{-1, "1969-12-31T23:59:59.999Z"},
	{-999, "1969-12-31T23:59:59.001Z"},
	{-1000, "1969-12-31T23:59:59.000Z"},
	{-1001, "1969-12-31T23:59:58.999Z"},
	{-86400000, "1969-12-31T00:00:00.000Z"},
	{-14182940000, "1969-07-20T20:17:40.000Z"},
	{1795726800123, "2026-11-26T21:00:00.123Z"},
	{951782400000, "2000-02-29T00:00:00.000Z"},
	{1709210096789, "2024-02-29T12:34:56.789Z"},
	{2147483648000, "2038-01-19T03:14:08.000Z"},
	{-2208988800000, "1900-01-01T00:00:00.000Z"},
	{253402300799999, "9999-12-31T23:59:59.999Z"},
	{-62167219200000, "0000-01-01T00:00:00.000Z"},
};

static void test_format_known(void **state)
{
	char buf[32];

	(void)state;
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
		memset(buf, 'x', sizeof buf);
		assert_ptr_equal(timefmt_rfc3339(known[i].ms, buf, sizeof buf),
				 buf);
		if (strcmp(buf, known[i].text))
			fail_msg("%lld formatted as %s, expected %s",
				 (long long)known[i].ms, buf, known[i].text);
	}
}

static void test_format_buffer_size(void **state)
{
	char buf[25];
	char small[10];

	(void)state;
	/* 25 bytes are enough: 24 characters and the NUL */
	timefmt_rfc3339(1795726800123, buf, sizeof buf);
	assert_string_equal(buf, "2026-11-26T21:00:00.123Z");
	/* a short buffer is truncated, never overrun */
	timefmt_rfc3339(1795726800123, small, sizeof small);
	assert_string_equal(small, "2026-11-2");
}

static void test_parse_known(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
		int64_t ms = 12345;

		if (timefmt_parse_rfc3339(known[i].text, &ms))
			fail_msg("refused %s", known[i].text);
		if (ms != known[i].ms)
			fail_msg("%s parsed as %lld, expected %lld",
				 known[i].text, (long long)ms,
				 (long long)known[i].ms);
	}
}

static int64_t parse_ok(const char *text)
{
	int64_t ms = -7;

	if (timefmt_parse_rfc3339(text, &ms))
		fail_msg("refused %s", text);
	return ms;
}

static void expect_invalid(const char *text)
{
	int64_t ms = 4242;

	if (!timefmt_parse_rfc3339(text, &ms))
		fail_msg("accepted %s as %lld", text, (long long)ms);
	assert_int_equal(ms, 4242); /* untouched on failure */
}

static void test_parse_zone(void **state)
{
	const int64_t base = 1795726800000; /* 2026-11-26T21:00:00Z */

	(void)state;
	assert_int_equal(parse_ok("2026-11-26T21:00:00Z"), base);
	assert_int_equal(parse_ok("2026-11-26t21:00:00z"), base);
	assert_int_equal(parse_ok("2026-11-26T21:00:00+00:00"), base);
	assert_int_equal(parse_ok("2026-11-26T21:00:00-00:00"), base);
	/* an offset east of UTC is earlier in UTC */
	assert_int_equal(parse_ok("2026-11-27T05:00:00+08:00"), base);
	assert_int_equal(parse_ok("2026-11-26T15:30:00-05:30"), base);
	assert_int_equal(parse_ok("2026-11-27T20:59:00+23:59"), base);
	assert_int_equal(parse_ok("2026-11-25T21:01:00-23:59"), base);
	/* the offset crosses the date line and the year */
	assert_int_equal(parse_ok("2027-01-01T07:59:59.999+08:00"),
			 parse_ok("2026-12-31T23:59:59.999Z"));
	expect_invalid("2026-11-26T21:00:00");
	expect_invalid("2026-11-26T21:00:00+0800");
	expect_invalid("2026-11-26T21:00:00+08");
	expect_invalid("2026-11-26T21:00:00+24:00");
	expect_invalid("2026-11-26T21:00:00+08:60");
	expect_invalid("2026-11-26T21:00:00 +08:00");
	expect_invalid("2026-11-26T21:00:00UTC");
	expect_invalid("2026-11-26T21:00:00ZZ");
	expect_invalid("2026-11-26T21:00:00Z ");
}

static void test_parse_fraction(void **state)
{
	const int64_t base = 1795726800000;

	(void)state;
	assert_int_equal(parse_ok("2026-11-26T21:00:00.5Z"), base + 500);
	assert_int_equal(parse_ok("2026-11-26T21:00:00.05Z"), base + 50);
	assert_int_equal(parse_ok("2026-11-26T21:00:00.123Z"), base + 123);
	/* digits beyond milliseconds are dropped, not rounded */
	assert_int_equal(parse_ok("2026-11-26T21:00:00.1239Z"), base + 123);
	assert_int_equal(parse_ok("2026-11-26T21:00:00.999999999Z"),
			 base + 999);
	assert_int_equal(parse_ok("2026-11-26T21:00:00.000000001Z"), base);
	assert_int_equal(parse_ok("2026-11-27T05:00:00.250+08:00"), base + 250);
	/* before the epoch the fraction still counts forward */
	assert_int_equal(parse_ok("1969-12-31T23:59:59.250Z"), -750);
	expect_invalid("2026-11-26T21:00:00.Z");
	expect_invalid("2026-11-26T21:00:00.1234567890Z");
	expect_invalid("2026-11-26T21:00:00,5Z");
	expect_invalid("2026-11-26T21:00:00.5.5Z");
	expect_invalid("2026-11-26T21:00:00.-5Z");
}

static void test_parse_invalid_dates(void **state)
{
	(void)state;
	expect_invalid("2026-02-30T00:00:00Z");
	expect_invalid("2026-02-29T00:00:00Z"); /* not a leap year */
	expect_invalid("2100-02-29T00:00:00Z"); /* century, not leap */
	assert_int_equal(parse_ok("2000-02-29T00:00:00Z"), 951782400000);
	assert_int_equal(parse_ok("2024-02-29T00:00:00Z"), 1709164800000);
	expect_invalid("2026-04-31T00:00:00Z");
	expect_invalid("2026-06-31T00:00:00Z");
	expect_invalid("2026-09-31T00:00:00Z");
	expect_invalid("2026-11-31T00:00:00Z");
	parse_ok("2026-12-31T00:00:00Z");
	parse_ok("2026-01-31T00:00:00Z");
	expect_invalid("2026-13-01T00:00:00Z");
	expect_invalid("2026-00-01T00:00:00Z");
	expect_invalid("2026-01-00T00:00:00Z");
	expect_invalid("2026-01-32T00:00:00Z");
	expect_invalid("2026-01-01T24:00:00Z");
	expect_invalid("2026-01-01T23:60:00Z");
	expect_invalid("2026-01-01T23:59:60Z"); /* leap seconds refused */
	parse_ok("2026-01-01T23:59:59Z");
}

static void test_parse_malformed(void **state)
{
	static const char *const bad[] = {
		"",
		"2026",
		"2026-11-26",
		"2026-11-26T",
		"2026-11-26T21",
		"2026-11-26T21:00",
		"2026-11-26T21:00:0",
		"2026-11-26 21:00:00Z",
		"2026-11-26_21:00:00Z",
		"26-11-26T21:00:00Z",
		"+2026-11-26T21:00:00Z",
		"2026/11/26T21:00:00Z",
		"2026-1-26T21:00:00Z",
		"2026-11-6T21:00:00Z",
		"2026-11-26T1:00:00Z",
		"2026-11-26T21:0:00Z",
		"2026-11-26T21:00:0Z",
		"2026-11-26T21:00:00.000Zjunk",
		"２０２６-11-26T21:00:00Z",
		"2026-11-26T21:00:00.000\xff",
		" 2026-11-26T21:00:00Z",
		"2026-1a-26T21:00:00Z",
	};

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		expect_invalid(bad[i]);
}

/* Each string is cut at every length: none may be accepted, none may read
 * past its end (ASan checks the reads). */
static void test_parse_truncated(void **state)
{
	static const char full[] = "2026-11-27T05:00:00.123+08:00";
	char cut[sizeof full];

	(void)state;
	for (size_t n = 0; n < sizeof full - 1; n++) {
		int64_t ms;

		memcpy(cut, full, n);
		cut[n] = '\0';
		/* a cut after the seconds leaves no zone: always refused */
		assert_int_equal(timefmt_parse_rfc3339(cut, &ms), -1);
	}
	assert_int_equal(parse_ok(full), 1795726800123);
}

static void test_round_trip(void **state)
{
	uint64_t s = 0x1234567;
	char buf[32];

	(void)state;
	/* from year 0 to 9999, milliseconds included, both signs */
	for (int i = 0; i < 200000; i++) {
		int64_t ms, back;

		s = s * 6364136223846793005ULL + 1442695040888963407ULL;
		ms = (int64_t)(s >> 11) % 315537897600000LL - 62167219200000LL;
		timefmt_rfc3339(ms, buf, sizeof buf);
		if (timefmt_parse_rfc3339(buf, &back) || back != ms)
			fail_msg("%lld -> %s -> %lld", (long long)ms, buf,
				 (long long)back);
	}
	/* every millisecond around the epoch */
	for (int64_t ms = -2500; ms <= 2500; ms++) {
		int64_t back;

		timefmt_rfc3339(ms, buf, sizeof buf);
		assert_int_equal(timefmt_parse_rfc3339(buf, &back), 0);
		assert_int_equal(back, ms);
	}
	/* parse then format gives the canonical text */
	assert_string_equal(
		timefmt_rfc3339(parse_ok("2026-11-27T05:00:00.5+08:00"), buf,
				sizeof buf),
		"2026-11-26T21:00:00.500Z");
}

static void test_clocks(void **state)
{
	int64_t now = timefmt_now_ms();
	int64_t m1 = timefmt_mono_ms(), m2;

	(void)state;
	/* after 2024-01-01 and before 2100-01-01 */
	assert_true(now > 1704067200000LL);
	assert_true(now < 4102444800000LL);
	for (int i = 0; i < 1000; i++) {
		m2 = timefmt_mono_ms();
		assert_true(m2 >= m1);
		m1 = m2;
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_known),
		cmocka_unit_test(test_format_buffer_size),
		cmocka_unit_test(test_parse_known),
		cmocka_unit_test(test_parse_zone),
		cmocka_unit_test(test_parse_fraction),
		cmocka_unit_test(test_parse_invalid_dates),
		cmocka_unit_test(test_parse_malformed),
		cmocka_unit_test(test_parse_truncated),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_clocks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
