/* money.c - numbers as text (see money.h). */
#include "base/money.h"

#include <inttypes.h>
#include <stdio.h>

/* The digits of v, with a comma every three when grouped, after a minus
 * when negative. Returns the length. */
static size_t digits(char buf[MONEY_TEXT_MAX], bool negative, uint64_t v,
		     bool grouped)
{
	char plain[24];
	int n = snprintf(plain, sizeof plain, "%" PRIu64, v);
	size_t o = 0;

	if (negative)
		buf[o++] = '-';
	for (int i = 0; i < n; i++) {
		if (grouped && i && (n - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = plain[i];
	}
	buf[o] = '\0';
	return o;
}

static uint64_t magnitude(int64_t v)
{
	return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
}

void grouped_int(char buf[MONEY_TEXT_MAX], int64_t v)
{
	digits(buf, v < 0, magnitude(v), true);
}

void money_text(char buf[MONEY_TEXT_MAX], int64_t minor, bool grouped)
{
	uint64_t v = magnitude(minor);
	size_t o = digits(buf, minor < 0, v / 100, grouped);

	snprintf(buf + o, MONEY_TEXT_MAX - o, ".%02u", (unsigned)(v % 100));
}
