/* test_hls_playlist.c - an nginx-rtmp playlist dated segment by segment
 * (media/hls_playlist.c): each segment's EXT-X-PROGRAM-DATE-TIME is its
 * file's modification time less its duration, placed before its #EXTINF;
 * what cannot be dated passes through unchanged. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "base/strbuf.h"
#include "media/hls_playlist.h"

/* fair-1-7.ts ended at 2026-12-07T02:00:03.000Z, fair-1-8.ts 1.52 s later;
 * fair-1-9.ts is gone */
static int64_t fake_mtime(const char *name, void *arg)
{
	int *calls = arg;

	(*calls)++;
	if (!strcmp(name, "fair-1-7.ts"))
		return 1796608803000;
	if (!strcmp(name, "fair-1-8.ts"))
		return 1796608804520;
	return -1;
}

static char *dated(const char *in, int *calls)
{
	struct strbuf out;

	strbuf_init(&out);
	hls_playlist_dated(in, strlen(in), fake_mtime, calls, &out);
	return out.data;
}

static void test_dates_each_segment(void **state)
{
	int calls = 0;
	char *out = dated("#EXTM3U\n"
			  "#EXT-X-VERSION:3\n"
			  "#EXT-X-MEDIA-SEQUENCE:7\n"
			  "#EXT-X-TARGETDURATION:2\n"
			  "\n"
			  "#EXTINF:1.000,\n"
			  "fair-1-7.ts\n"
			  "#EXT-X-DISCONTINUITY\n"
			  "#EXTINF:1.520,\n"
			  "fair-1-8.ts\n"
			  "#EXTINF:1.000,\n"
			  "fair-1-9.ts\n",
			  &calls);

	(void)state;
	assert_string_equal(
		out, "#EXTM3U\n"
		     "#EXT-X-VERSION:3\n"
		     "#EXT-X-MEDIA-SEQUENCE:7\n"
		     "#EXT-X-TARGETDURATION:2\n"
		     "\n"
		     "#EXT-X-PROGRAM-DATE-TIME:2026-12-07T02:00:02.000Z\n"
		     "#EXTINF:1.000,\n"
		     "fair-1-7.ts\n"
		     "#EXT-X-DISCONTINUITY\n"
		     "#EXT-X-PROGRAM-DATE-TIME:2026-12-07T02:00:03.000Z\n"
		     "#EXTINF:1.520,\n"
		     "fair-1-8.ts\n"
		     "#EXTINF:1.000,\n"
		     "fair-1-9.ts\n");
	assert_int_equal(calls, 3);
	free(out);
}

static void test_passes_through(void **state)
{
	static const char *const same[] = {
		/* dated already: nothing added, no file asked */
		"#EXTM3U\n#EXT-X-PROGRAM-DATE-TIME:2026-12-07T02:00:00.000Z\n"
		"#EXTINF:1.000,\nfair-1-7.ts\n",
		/* no EXTINF, a bad duration, a path */
		"#EXTM3U\nfair-1-7.ts\n",
		"#EXTM3U\n#EXTINF:x,\nfair-1-7.ts\n",
		"#EXTM3U\n#EXTINF:-1,\nfair-1-7.ts\n",
		"#EXTM3U\n#EXTINF:1.0,\n../fair-1-7.ts\n",
		/* an EXTINF at the end, without its segment */
		"#EXTM3U\n#EXTINF:1.0,\n",
		"",
	};

	(void)state;
	for (size_t i = 0; i < sizeof same / sizeof same[0]; i++) {
		int calls = 0;
		char *out = dated(same[i], &calls);

		assert_string_equal(out ? out : "", same[i]);
		if (i == 0)
			assert_int_equal(calls, 0);
		free(out);
	}
}

static void test_crlf_and_no_last_newline(void **state)
{
	int calls = 0;
	char *out = dated("#EXTM3U\r\n#EXTINF:1,\r\nfair-1-7.ts", &calls);

	(void)state;
	assert_string_equal(
		out, "#EXTM3U\n"
		     "#EXT-X-PROGRAM-DATE-TIME:2026-12-07T02:00:02.000Z\n"
		     "#EXTINF:1,\nfair-1-7.ts\n");
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dates_each_segment),
		cmocka_unit_test(test_passes_through),
		cmocka_unit_test(test_crlf_and_no_last_newline),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
