/* base64url.c - base64url without padding (see base64url.h). */
#include "base/base64url.h"

#include <stdint.h>
#include <string.h>

static const char b64url[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

size_t base64url_encode(const unsigned char *in, size_t len, char *out)
{
	size_t o = 0;
	uint32_t acc = 0;
	int bits = 0;

	for (size_t i = 0; i < len; i++) {
		acc = (acc << 8) | in[i];
		bits += 8;
		while (bits >= 6) {
			bits -= 6;
			out[o++] = b64url[(acc >> bits) & 63];
		}
	}
	if (bits)
		out[o++] = b64url[(acc << (6 - bits)) & 63];
	out[o] = '\0';
	return o;
}

int base64url_decode(const char *in, size_t len, unsigned char *out,
		     size_t expected)
{
	uint32_t acc = 0;
	int bits = 0;
	size_t o = 0;

	if (len != (expected * 8 + 5) / 6)
		return -1;
	for (size_t i = 0; i < len; i++) {
		const char *p = memchr(b64url, in[i], 64);

		if (!p || !in[i])
			return -1;
		acc = (acc << 6) | (uint32_t)(p - b64url);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o < expected)
				out[o++] = (unsigned char)(acc >> bits);
		}
	}
	return o == expected ? 0 : -1;
}
