/* base64url.h - base64url (RFC 4648 section 5) without padding: the
 * session cookie's parts and the live video's signed segment links. Pure
 * code: unit-tested (test_base64url). */
#ifndef FAIR_BASE64URL_H
#define FAIR_BASE64URL_H

#include <stddef.h>

/* Writes len bytes of in as base64url into out, which holds
 * (len * 8 + 5) / 6 + 1 bytes, NUL-terminated; returns the characters
 * written. */
size_t base64url_encode(const unsigned char *in, size_t len, char *out);

/* Reads exactly expected bytes into out from len characters of in (which
 * must be (expected * 8 + 5) / 6 of the alphabet). Returns 0 or -1. */
int base64url_decode(const char *in, size_t len, unsigned char *out,
		     size_t expected);

#endif
