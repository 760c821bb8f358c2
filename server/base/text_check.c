/* text_check.c - which characters may stand in text people type. */
#include "base/text_check.h"

uint32_t text_forbidden_char(const char *s, size_t bytes, bool multiline)
{
	const unsigned char *u = (const unsigned char *)s;

	for (size_t i = 0; i < bytes;) {
		uint32_t c;
		size_t n;

		if (u[i] < 0x80) {
			c = u[i];
			n = 1;
		} else if (u[i] < 0xE0) {
			c = (uint32_t)(u[i] & 0x1F) << 6 | (u[i + 1] & 0x3F);
			n = 2;
		} else if (u[i] < 0xF0) {
			c = (uint32_t)(u[i] & 0x0F) << 12 |
			    (uint32_t)(u[i + 1] & 0x3F) << 6 |
			    (u[i + 2] & 0x3F);
			n = 3;
		} else {
			c = 0x10000; /* beyond the BMP: none is forbidden */
			n = 4;
		}
		if ((c < 0x20 &&
		     !(multiline && (c == '\t' || c == '\n' || c == '\r'))) ||
		    (c >= 0x7F && c <= 0x9F) || c == 0x200B || c == 0x200E ||
		    c == 0x200F || (c >= 0x202A && c <= 0x202E) ||
		    c == 0x2060 || (c >= 0x2066 && c <= 0x2069) ||
		    c == 0xFEFF || (!multiline && (c == 0x2028 || c == 0x2029)))
			return c ? c : 0x2400;
		i += n;
	}
	return 0;
}
