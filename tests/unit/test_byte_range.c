/* test_byte_range.c - the Range header as the replays read it
 * (media/byte_range.c): one range served as 206, what starts past the end
 * 416, everything else the whole file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "media/byte_range.h"

static void test_ranges(void **state)
{
	static const struct {
		const char *header;
		int64_t size;
		enum byte_range_kind kind;
		int64_t first, last;
	} cases[] = {
		{NULL, 100, BYTE_RANGE_WHOLE, 0, 0},
		{"", 100, BYTE_RANGE_WHOLE, 0, 0},
		{"bytes=0-", 100, BYTE_RANGE_PART, 0, 99},
		{"bytes=0-0", 100, BYTE_RANGE_PART, 0, 0},
		{"bytes=10-19", 100, BYTE_RANGE_PART, 10, 19},
		{"bytes=10-1000", 100, BYTE_RANGE_PART, 10, 99},
		{"bytes=99-", 100, BYTE_RANGE_PART, 99, 99},
		{"bytes=-10", 100, BYTE_RANGE_PART, 90, 99},
		{"bytes=-1000", 100, BYTE_RANGE_PART, 0, 99},
		{"bytes= 5-6 ", 100, BYTE_RANGE_PART, 5, 6},
		{"bytes=100-", 100, BYTE_RANGE_UNSATISFIABLE, 0, 0},
		{"bytes=100-200", 100, BYTE_RANGE_UNSATISFIABLE, 0, 0},
		{"bytes=-0", 100, BYTE_RANGE_UNSATISFIABLE, 0, 0},
		{"bytes=0-", 0, BYTE_RANGE_UNSATISFIABLE, 0, 0},
		/* ignored: the whole file */
		{"bytes=20-10", 100, BYTE_RANGE_WHOLE, 0, 0},
		{"bytes=0-1,5-6", 100, BYTE_RANGE_WHOLE, 0, 0},
		{"items=0-1", 100, BYTE_RANGE_WHOLE, 0, 0},
		{"bytes=a-b", 100, BYTE_RANGE_WHOLE, 0, 0},
		{"bytes=-", 100, BYTE_RANGE_WHOLE, 0, 0},
		{"bytes=1234567890123456789-", 100, BYTE_RANGE_WHOLE, 0, 0},
		{"bytes=0-1x", 100, BYTE_RANGE_WHOLE, 0, 0},
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int64_t first = -1, last = -1;
		enum byte_range_kind k = byte_range_parse(
			cases[i].header, cases[i].size, &first, &last);

		if (k != cases[i].kind)
			fail_msg("%s: kind %d, expected %d",
				 cases[i].header ? cases[i].header : "NULL",
				 (int)k, (int)cases[i].kind);
		if (k == BYTE_RANGE_PART &&
		    (first != cases[i].first || last != cases[i].last))
			fail_msg("%s: %lld-%lld, expected %lld-%lld",
				 cases[i].header, (long long)first,
				 (long long)last, (long long)cases[i].first,
				 (long long)cases[i].last);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ranges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
