/* test_csv.c - CSV fields: quoting, formulas kept as text, money. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "base/csv.h"

static void test_row(void **state)
{
	struct strbuf b;

	(void)state;
	strbuf_init(&b);
	csv_text(&b, "成都錦江服飾", true);
	csv_text(&b, "a,b", false);
	csv_text(&b, "say \"hi\"", false);
	csv_text(&b, "two\nlines", false);
	csv_text(&b, "", false);
	csv_text(&b, NULL, false);
	csv_int(&b, -42, false);
	csv_money(&b, 123456, false);
	csv_money(&b, -5, false);
	csv_end_row(&b);
	assert_string_equal(b.data, "成都錦江服飾,\"a,b\",\"say \"\"hi\"\"\","
				    "\"two\nlines\",,,-42,1234.56,-0.05\r\n");
	strbuf_free(&b);
}

static void test_formulas_stay_text(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{"=1+1", "'=1+1"},
		{"+86 138", "'+86 138"},
		{"-cmd", "'-cmd"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"=HYPERLINK(\"x\",\"y\")",
		 "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\""},
		{"a=b", "a=b"},
		{"\r=1+1", "\"'\r=1+1\""},
		{"\n=1+1", "\"'\n=1+1\""},
		{"\xEF\xBC\x9D"
		 "1+1",
		 "'\xEF\xBC\x9D"
		 "1+1"}, /* full-width ＝ */
		{"\xEF\xBC\x8B"
		 "86",
		 "'\xEF\xBC\x8B"
		 "86"}, /* ＋ */
		{"\xEF\xBC\x8D"
		 "cmd",
		 "'\xEF\xBC\x8D"
		 "cmd"}, /* － */
		{"\xEF\xBC\xA0"
		 "SUM",
		 "'\xEF\xBC\xA0"
		 "SUM"}, /* ＠ */
		{"\xE9\x99\xB3"
		 "店長",
		 "\xE9\x99\xB3"
		 "店長"}, /* 陳: not a formula */
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct strbuf b;

		strbuf_init(&b);
		csv_text(&b, cases[i].in, true);
		assert_string_equal(b.data, cases[i].out);
		strbuf_free(&b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_row),
		cmocka_unit_test(test_formulas_stay_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
