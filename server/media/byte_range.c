/* byte_range.c - one Range header, one file (see byte_range.h). */
#include "media/byte_range.h"

#include <stdbool.h>
#include <string.h>

/* Digits at *p as a non-negative number (at most 18 digits); advances *p.
 * Returns false when there are none or too many. */
static bool number(const char **p, int64_t *out)
{
	int64_t v = 0;
	int n = 0;

	while (**p >= '0' && **p <= '9') {
		if (++n > 18)
			return false;
		v = v * 10 + (**p - '0');
		(*p)++;
	}
	*out = v;
	return n > 0;
}

static const char *skip_spaces(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

enum byte_range_kind byte_range_parse(const char *header, int64_t size,
				      int64_t *first, int64_t *last)
{
	const char *p = header;
	int64_t a, b;

	if (!p || strncmp(p, "bytes=", 6) || size < 0)
		return BYTE_RANGE_WHOLE;
	p = skip_spaces(p + 6);
	if (*p == '-') { /* the last n bytes */
		p++;
		if (!number(&p, &b) || *skip_spaces(p))
			return BYTE_RANGE_WHOLE;
		if (b == 0 || size == 0)
			return BYTE_RANGE_UNSATISFIABLE;
		*first = b >= size ? 0 : size - b;
		*last = size - 1;
		return BYTE_RANGE_PART;
	}
	if (!number(&p, &a) || *p++ != '-')
		return BYTE_RANGE_WHOLE;
	if (*skip_spaces(p) == '\0') {
		b = size - 1;
	} else {
		if (!number(&p, &b) || *skip_spaces(p) || b < a)
			return BYTE_RANGE_WHOLE;
		if (b > size - 1)
			b = size - 1;
	}
	if (a >= size)
		return BYTE_RANGE_UNSATISFIABLE;
	*first = a;
	*last = b;
	return BYTE_RANGE_PART;
}
