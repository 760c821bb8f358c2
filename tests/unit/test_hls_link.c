/* test_hls_link.c - signed segment links (media/hls_link.c): the signature
 * nginx's secure_link computes, the checks of a link, the secret's rules
 * and a playlist whose segments become links. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/strbuf.h"
#include "media/hls_link.h"

#define SECRET "0123456789abcdefSECRET"
#define URI "/live/7/fair-7-12.ts"

/* printf '%s' '1700000100/live/7/fair-7-12.ts 0123456789abcdefSECRET' |
 * openssl md5 -binary | base64 | tr '+/' '-_' | tr -d '=' */
#define SIG_1700000100 "5-qY5aoDXmyqtk0rs_lINg"

static void sign_as_nginx_does(void **state)
{
	char sig[HLS_LINK_SIG_LEN + 1];

	(void)state;
	assert_int_equal(hls_link_sign(SECRET, URI, 1700000100, sig), 0);
	assert_string_equal(sig, SIG_1700000100);
	assert_int_equal(strlen(sig), HLS_LINK_SIG_LEN);
}

static void expiry_rounded_to_the_minute(void **state)
{
	(void)state;
	/* every link made within one minute expires at the same second,
	 * 2 to 3 minutes later */
	assert_int_equal(hls_link_expires(1700000040), 1700000220);
	assert_int_equal(hls_link_expires(1700000099), 1700000220);
	assert_int_equal(hls_link_expires(1700000100), 1700000280);
	for (int64_t t = 1700000000; t < 1700000200; t += 7) {
		int64_t left = hls_link_expires(t) - t;

		assert_true(left > HLS_LINK_MIN_S);
		assert_true(left <= HLS_LINK_MIN_S + 60);
	}
}

static void check_a_link(void **state)
{
	const char *ok = "md5=" SIG_1700000100 "&expires=1700000100";

	(void)state;
	assert_int_equal(hls_link_check(SECRET, URI, ok, 1700000000),
			 HLS_LINK_OK);
	/* the last second it is valid, then expired */
	assert_int_equal(hls_link_check(SECRET, URI, ok, 1700000100),
			 HLS_LINK_OK);
	assert_int_equal(hls_link_check(SECRET, URI, ok, 1700000101),
			 HLS_LINK_EXPIRED);
	/* in another order, among other arguments */
	assert_int_equal(
		hls_link_check(SECRET, URI,
			       "x=1&expires=1700000100&md5=" SIG_1700000100,
			       1700000000),
		HLS_LINK_OK);
	/* no link at all */
	assert_int_equal(hls_link_check(SECRET, URI, "", 0), HLS_LINK_NONE);
	assert_int_equal(hls_link_check(SECRET, URI, "md5=" SIG_1700000100, 0),
			 HLS_LINK_NONE);
	assert_int_equal(hls_link_check(SECRET, URI, "expires=1", 0),
			 HLS_LINK_NONE);
}

static void refuse_what_was_not_signed(void **state)
{
	(void)state;
	/* another segment, another fair, a later expiry, another secret */
	assert_int_equal(
		hls_link_check(SECRET, "/live/7/fair-7-13.ts",
			       "md5=" SIG_1700000100 "&expires=1700000100", 0),
		HLS_LINK_BAD);
	assert_int_equal(
		hls_link_check(SECRET, "/live/8/fair-7-12.ts",
			       "md5=" SIG_1700000100 "&expires=1700000100", 0),
		HLS_LINK_BAD);
	assert_int_equal(
		hls_link_check(SECRET, URI,
			       "md5=" SIG_1700000100 "&expires=1700000160", 0),
		HLS_LINK_BAD);
	assert_int_equal(
		hls_link_check("0123456789abcdefSECRET2", URI,
			       "md5=" SIG_1700000100 "&expires=1700000100", 0),
		HLS_LINK_BAD);
	/* malformed */
	assert_int_equal(
		hls_link_check(SECRET, URI, "md5=short&expires=1700000100", 0),
		HLS_LINK_BAD);
	assert_int_equal(hls_link_check(SECRET, URI,
					"md5=" SIG_1700000100 "&expires=", 0),
			 HLS_LINK_BAD);
	assert_int_equal(
		hls_link_check(SECRET, URI,
			       "md5=" SIG_1700000100 "&expires=-1700000100", 0),
		HLS_LINK_BAD);
	assert_int_equal(hls_link_check(SECRET, URI,
					"md5=" SIG_1700000100
					"&expires=99999999999999999999",
					0),
			 HLS_LINK_BAD);
}

static void secret_rules(void **state)
{
	(void)state;
	assert_true(hls_link_secret_valid(""));
	assert_true(hls_link_secret_valid(NULL));
	assert_true(hls_link_secret_valid("0123456789abcdef"));
	assert_false(hls_link_secret_valid("0123456789abcde"));
	assert_false(hls_link_secret_valid("0123456789 abcdef"));
	assert_false(hls_link_secret_valid("0123456789abcdef;"));
	assert_false(hls_link_secret_valid("0123456789\"abcdef"));
	assert_false(hls_link_secret_valid("0123456789$abcdef"));
	assert_false(hls_link_secret_valid("0123456789abcdef\xe4\xb8\xad"));
}

static char *linked(const char *in, const char *base)
{
	struct strbuf out;

	strbuf_init(&out);
	assert_int_equal(hls_playlist_linked(in, strlen(in), base, 7, SECRET,
					     1700000000, &out),
			 0);
	return out.data;
}

static void playlist_segments_become_links(void **state)
{
	const char *in = "#EXTM3U\n"
			 "#EXT-X-TARGETDURATION:1\n"
			 "#EXT-X-PROGRAM-DATE-TIME:2023-11-14T22:13:19.000Z\n"
			 "#EXTINF:1.000,\r\n"
			 "fair-7-12.ts\r\n"
			 "\n"
			 "#EXTINF:1.000,\n"
			 "fair-7-13.ts";
	char sig12[HLS_LINK_SIG_LEN + 1], sig13[HLS_LINK_SIG_LEN + 1];
	char want[1024];
	char *out;

	(void)state;
	assert_int_equal(hls_link_sign(SECRET, "/live/7/fair-7-12.ts",
				       1700000160, sig12),
			 0);
	assert_int_equal(hls_link_sign(SECRET, "/live/7/fair-7-13.ts",
				       1700000160, sig13),
			 0);
	out = linked(in, "");
	snprintf(want, sizeof want,
		 "#EXTM3U\n#EXT-X-TARGETDURATION:1\n"
		 "#EXT-X-PROGRAM-DATE-TIME:2023-11-14T22:13:19.000Z\n"
		 "#EXTINF:1.000,\n"
		 "fair-7-12.ts?md5=%s&expires=1700000160\n\n"
		 "#EXTINF:1.000,\n"
		 "fair-7-13.ts?md5=%s&expires=1700000160\n",
		 sig12, sig13);
	assert_string_equal(out, want);
	free(out);

	/* on a CDN's origin: the whole path */
	out = linked("#EXTINF:1.000,\nfair-7-12.ts\n",
		     "https://cdn.example.com");
	snprintf(want, sizeof want,
		 "#EXTINF:1.000,\nhttps://cdn.example.com/live/7/fair-7-12.ts"
		 "?md5=%s&expires=1700000160\n",
		 sig12);
	assert_string_equal(out, want);
	free(out);

	/* what is not a bare name is left alone */
	out = linked("#EXTINF:1,\nhttps://x/fair-7-12.ts\nseg.ts?a=1\n", "");
	assert_string_equal(out,
			    "#EXTINF:1,\nhttps://x/fair-7-12.ts\nseg.ts?a=1\n");
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sign_as_nginx_does),
		cmocka_unit_test(expiry_rounded_to_the_minute),
		cmocka_unit_test(check_a_link),
		cmocka_unit_test(refuse_what_was_not_signed),
		cmocka_unit_test(secret_rules),
		cmocka_unit_test(playlist_segments_become_links),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
