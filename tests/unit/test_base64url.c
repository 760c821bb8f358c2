/* test_base64url.c - base64url without padding (base/base64url.c): RFC
 * 4648's vectors in the URL alphabet, the lengths the session cookie and
 * the signed segment links use, and what decoding refuses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "base/base64url.h"

static void encodes(void **state)
{
	char out[32];

	(void)state;
	assert_int_equal(base64url_encode((const unsigned char *)"", 0, out),
			 0);
	assert_string_equal(out, "");
	assert_int_equal(base64url_encode((const unsigned char *)"f", 1, out),
			 2);
	assert_string_equal(out, "Zg");
	assert_int_equal(
		base64url_encode((const unsigned char *)"foob", 4, out), 6);
	assert_string_equal(out, "Zm9vYg");
	/* the URL alphabet: 0xfb 0xff -> "-_8" (standard base64: "+/8=") */
	assert_int_equal(
		base64url_encode((const unsigned char *)"\xfb\xff", 2, out), 3);
	assert_string_equal(out, "-_8");
	/* 16 bytes (an MD5, a MAC) take 22 characters */
	assert_int_equal(
		base64url_encode((const unsigned char *)"0123456789abcdef", 16,
				 out),
		22);
}

static void decodes(void **state)
{
	unsigned char out[16];
	char text[32];

	(void)state;
	base64url_encode((const unsigned char *)"0123456789abcdef", 16, text);
	assert_int_equal(base64url_decode(text, strlen(text), out, 16), 0);
	assert_memory_equal(out, "0123456789abcdef", 16);
	/* a wrong length, a character outside the alphabet */
	assert_int_equal(base64url_decode(text, strlen(text) - 1, out, 16), -1);
	text[3] = '+';
	assert_int_equal(base64url_decode(text, strlen(text), out, 16), -1);
	assert_int_equal(base64url_decode("-_8", 3, out, 2), 0);
	assert_memory_equal(out, "\xfb\xff", 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(encodes),
		cmocka_unit_test(decodes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
