/* test_text_check.c - the characters text may not hold, one line or many. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/text_check.h"

static uint32_t first(const char *s, bool multiline)
{
	return text_forbidden_char(s, strlen(s), multiline);
}

static void test_plain_text_passes(void **state)
{
	(void)state;
	assert_int_equal(first("", false), 0);
	assert_int_equal(first("双排扣风衣 Trench coat · 驼色", false), 0);
	assert_int_equal(first("\xc2\xa0"
			       "no-break space",
			       false),
			 0);
	/* a family emoji joined by U+200D: the joiner stays */
	assert_int_equal(
		first("\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9", false),
		0);
}

static void test_line_breaks_only_in_multiline_text(void **state)
{
	(void)state;
	assert_int_equal(first("two\nlines", false), '\n');
	assert_int_equal(first("a\ttab", false), '\t');
	assert_int_equal(first("a\rb", false), '\r');
	assert_int_equal(first("two\nlines\ta\rb", true), 0);
	assert_int_equal(first("a\xe2\x80\xa8"
			       "b",
			       false),
			 0x2028);
	assert_int_equal(first("a\xe2\x80\xa9"
			       "b",
			       false),
			 0x2029);
	assert_int_equal(first("a\xe2\x80\xa8"
			       "b\xe2\x80\xa9",
			       true),
			 0);
}

static void test_controls_and_disguises_are_refused(void **state)
{
	static const struct {
		const char *text;
		uint32_t want;
	} cases[] = {
		{"bell\x07", 0x07},
		{"del\x7f", 0x7F},
		{"next\xc2\x85line", 0x85},        /* C1 */
		{"csi\xc2\x9b", 0x9B},             /* C1 */
		{"zero\xe2\x80\x8bwidth", 0x200B}, /* zero-width space */
		{"lrm\xe2\x80\x8e", 0x200E},
		{"exe\xe2\x80\xaetxt", 0x202E}, /* right-to-left override */
		{"wj\xe2\x81\xa0", 0x2060},
		{"isolate\xe2\x81\xa6", 0x2066},
		{"\xef\xbb\xbf"
		 "bom",
		 0xFEFF},
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_int_equal(first(cases[i].text, false), cases[i].want);
		assert_int_equal(first(cases[i].text, true), cases[i].want);
	}
}

static void test_nul_is_reported_as_its_picture(void **state)
{
	static const char with_nul[] = {'a', '\0', 'b'};

	(void)state;
	assert_int_equal(text_forbidden_char(with_nul, sizeof with_nul, true),
			 0x2400);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_text_passes),
		cmocka_unit_test(test_line_breaks_only_in_multiline_text),
		cmocka_unit_test(test_controls_and_disguises_are_refused),
		cmocka_unit_test(test_nul_is_reported_as_its_picture),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
