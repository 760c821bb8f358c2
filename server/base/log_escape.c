/* log_escape.c - one log line from any text (see log.h). */
#include "base/log.h"

#include <stdio.h>

size_t log_escape(const char *in, char *out, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	if (!size)
		return 0;
	for (const unsigned char *p = (const unsigned char *)in; *p; p++) {
		char esc[5];
		size_t n = 0;

		if (*p == '\n' || *p == '\r' || *p == '\t') {
			esc[n++] = '\\';
			esc[n++] = *p == '\n' ? 'n' : *p == '\r' ? 'r' : 't';
		} else if (*p < 0x20 || *p == 0x7f) {
			esc[n++] = '\\';
			esc[n++] = 'x';
			esc[n++] = hex[*p >> 4];
			esc[n++] = hex[*p & 15];
		} else {
			esc[n++] = (char)*p; /* UTF-8 passes as it is */
		}
		if (o + n >= size)
			break;
		for (size_t i = 0; i < n; i++)
			out[o++] = esc[i];
	}
	out[o] = '\0';
	return o;
}
