/* test_media.c - the checks on image bytes before any decoder runs, and the
 * names images are stored under.
 *
 * Links the real media_check.c, media_key.c and media_child.c (fair_core).
 * The images are built here byte by byte: only their headers matter to the
 * checks, which is the point (a 100000 x 100000 PNG needs 33 bytes). The
 * child-process runner is tried with small shell scripts standing in for
 * `fairctl media-convert`. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "media/media_check.h"
#include "media/media_child.h"
#include "media/media_key.h"

static void put_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static void put_le32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

/* Signature and IHDR (CRC left zero: the decoder's business, not ours). */
static size_t make_png(unsigned char *b, uint32_t w, uint32_t h)
{
	static const unsigned char sig[8] = {0x89, 'P',  'N',  'G',
					     '\r', '\n', 0x1a, '\n'};

	memset(b, 0, 64);
	memcpy(b, sig, 8);
	put_be32(b + 8, 13);
	memcpy(b + 12, "IHDR", 4);
	put_be32(b + 16, w);
	put_be32(b + 20, h);
	b[24] = 8; /* bit depth */
	b[25] = 6; /* RGBA */
	return 33;
}

/* SOI, an APP0 segment, optionally an EXIF-like APP1 holding a fake
 * thumbnail SOF (which must be skipped), then SOFn. */
static size_t make_jpeg(unsigned char *b, unsigned sof, uint32_t w, uint32_t h,
			int with_app1)
{
	size_t n = 0;

	b[n++] = 0xff, b[n++] = 0xd8;
	b[n++] = 0xff, b[n++] = 0xe0, b[n++] = 0, b[n++] = 16;
	memcpy(b + n, "JFIF\0\1\1\0\0\1\0\1\0\0", 14);
	n += 14;
	if (with_app1) {
		static const unsigned char app1[] = {
			0xff, 0xe1, 0, 14, 'E', 'x', 'i', 'f', 0, 0,
			/* a thumbnail SOF0 inside: 9999 x 9999 */
			0xff, 0xc0, 0x27, 0x0f, 0x27, 0x0f};

		memcpy(b + n, app1, sizeof app1);
		n += sizeof app1;
	}
	b[n++] = 0xff, b[n++] = 0xff; /* a fill byte before the marker */
	b[n++] = (unsigned char)sof;
	b[n++] = 0, b[n++] = 17, b[n++] = 8;
	b[n++] = (unsigned char)(h >> 8), b[n++] = (unsigned char)h;
	b[n++] = (unsigned char)(w >> 8), b[n++] = (unsigned char)w;
	b[n++] = 3;
	memset(b + n, 0, 9);
	n += 9;
	b[n++] = 0xff, b[n++] = 0xd9;
	return n;
}

static size_t riff(unsigned char *b, size_t n)
{
	memcpy(b, "RIFF", 4);
	put_le32(b + 4, (uint32_t)(n - 8));
	memcpy(b + 8, "WEBP", 4);
	return n;
}

static size_t make_webp_vp8(unsigned char *b, uint32_t w, uint32_t h)
{
	memset(b, 0, 64);
	memcpy(b + 12, "VP8 ", 4);
	put_le32(b + 16, 10);
	b[20] = 0x10; /* key frame (bit 0 clear) */
	b[23] = 0x9d, b[24] = 0x01, b[25] = 0x2a;
	b[26] = (unsigned char)w, b[27] = (unsigned char)(w >> 8 & 0x3f);
	b[28] = (unsigned char)h, b[29] = (unsigned char)(h >> 8 & 0x3f);
	return riff(b, 30);
}

static size_t make_webp_vp8l(unsigned char *b, uint32_t w, uint32_t h)
{
	uint32_t bits = (w - 1) | (h - 1) << 14;

	memset(b, 0, 64);
	memcpy(b + 12, "VP8L", 4);
	put_le32(b + 16, 6);
	b[20] = 0x2f;
	put_le32(b + 21, bits);
	return riff(b, 26);
}

/* VP8X canvas, then an ALPH chunk, then a VP8L frame of fw x fh. */
static size_t make_webp_vp8x(unsigned char *b, uint32_t w, uint32_t h,
			     uint32_t fw, uint32_t fh, unsigned flags)
{
	size_t n;
	uint32_t bits = (fw - 1) | (fh - 1) << 14;

	memset(b, 0, 128);
	memcpy(b + 12, "VP8X", 4);
	put_le32(b + 16, 10);
	b[20] = (unsigned char)flags;
	b[24] = (unsigned char)(w - 1), b[25] = (unsigned char)((w - 1) >> 8);
	b[26] = (unsigned char)((w - 1) >> 16);
	b[27] = (unsigned char)(h - 1), b[28] = (unsigned char)((h - 1) >> 8);
	b[29] = (unsigned char)((h - 1) >> 16);
	memcpy(b + 30, "ALPH", 4);
	put_le32(b + 34, 3); /* odd size: padded to 4 */
	n = 38 + 4;
	memcpy(b + n, "VP8L", 4);
	put_le32(b + n + 4, 6);
	b[n + 8] = 0x2f;
	put_le32(b + n + 9, bits);
	return riff(b, n + 14);
}

static void expect_ok(const unsigned char *b, size_t n, enum media_format f,
		      uint32_t w, uint32_t h)
{
	struct media_info info;
	char err[256] = "";

	if (media_check(b, n, &info, err, sizeof err))
		fail_msg("refused: %s", err);
	assert_int_equal(info.format, f);
	assert_int_equal(info.width, w);
	assert_int_equal(info.height, h);
}

static void expect_refused(const unsigned char *b, size_t n, const char *why)
{
	struct media_info info;
	char err[256] = "";

	assert_int_equal(media_check(b, n, &info, err, sizeof err), -1);
	if (!strstr(err, why))
		fail_msg("reason \"%s\" does not contain \"%s\"", err, why);
	assert_int_equal(info.format, MEDIA_UNKNOWN);
}

static void test_png(void **state)
{
	unsigned char b[64];
	size_t n;

	(void)state;
	expect_ok(b, make_png(b, 800, 1000), MEDIA_PNG, 800, 1000);
	expect_ok(b, make_png(b, 16, 16), MEDIA_PNG, 16, 16);
	expect_ok(b, make_png(b, 8000, 5000), MEDIA_PNG, 8000, 5000);
	expect_refused(b, make_png(b, 100000, 100000), "100000 x 100000");
	expect_refused(b, make_png(b, 8001, 100),
		       "each side must be 16 to 8000");
	expect_refused(b, make_png(b, 15, 100), "each side must be 16 to 8000");
	expect_refused(b, make_png(b, 0, 100), "0 x 100");
	expect_refused(b, make_png(b, 0xffffffffu, 1), "pixels");
	expect_refused(b, make_png(b, 8000, 8000), "megapixels");
	n = make_png(b, 100, 100);
	expect_refused(b, n - 1, "truncated");
	expect_refused(b, 8, "truncated");
	memcpy(b + 12, "IDAT", 4);
	expect_refused(b, n, "IHDR");
}

static void test_jpeg(void **state)
{
	unsigned char b[128];
	size_t n;

	(void)state;
	expect_ok(b, make_jpeg(b, 0xc0, 1200, 1500, 0), MEDIA_JPEG, 1200, 1500);
	expect_ok(b, make_jpeg(b, 0xc2, 640, 480, 1), MEDIA_JPEG, 640, 480);
	expect_ok(b, make_jpeg(b, 0xc1, 16, 8000, 0), MEDIA_JPEG, 16, 8000);
	expect_refused(b, make_jpeg(b, 0xc0, 65535, 65535, 0), "65535 x 65535");
	expect_refused(b, make_jpeg(b, 0xc0, 10, 10, 0), "10 x 10");
	expect_refused(b, make_jpeg(b, 0xc0, 100, 0, 0), "DNL");
	n = make_jpeg(b, 0xc0, 100, 100, 1);
	expect_refused(b, n - 14, "truncated");
	expect_refused(b, 3, "ends before its frame header");
	/* image data (SOS) before any frame header */
	n = make_jpeg(b, 0xda, 100, 100, 0);
	expect_refused(b, n, "marker 0xDA");
	/* garbage where a marker should be */
	n = make_jpeg(b, 0xc0, 100, 100, 0);
	b[20] = 0x00;
	expect_refused(b, n, "no marker");
	/* a segment length below 2 */
	n = make_jpeg(b, 0xc0, 100, 100, 0);
	b[4] = 0, b[5] = 1;
	expect_refused(b, n, "segment length");
}

static void test_webp(void **state)
{
	unsigned char b[128];
	size_t n;

	(void)state;
	expect_ok(b, make_webp_vp8(b, 1024, 768), MEDIA_WEBP, 1024, 768);
	expect_ok(b, make_webp_vp8l(b, 300, 16000 / 2), MEDIA_WEBP, 300, 8000);
	expect_ok(b, make_webp_vp8x(b, 500, 600, 500, 600, 0x10), MEDIA_WEBP,
		  500, 600);
	expect_refused(b, make_webp_vp8l(b, 16384, 16384), "16384 x 16384");
	expect_refused(b, make_webp_vp8x(b, 100000, 100000, 100, 100, 0),
		       "100000 x 100000");
	expect_refused(b, make_webp_vp8x(b, 500, 600, 5000, 6000, 0), "canvas");
	expect_refused(b, make_webp_vp8x(b, 500, 600, 500, 600, 0x02),
		       "animated");
	n = make_webp_vp8(b, 1024, 768);
	b[20] |= 1;
	expect_refused(b, n, "key frame");
	n = make_webp_vp8(b, 1024, 768);
	expect_refused(b, n - 4, "truncated");
	n = make_webp_vp8x(b, 500, 600, 500, 600, 0);
	expect_refused(b, 30, "no image data");
	memcpy(b + 12, "ABCD", 4);
	expect_refused(b, n, "unknown first chunk");
}

static void test_refused_formats(void **state)
{
	static const unsigned char tiff_le[] =
		"II*\0\x08\0\0\0\0\0\0\0\0\0\0\0";
	static const unsigned char tiff_be[] =
		"MM\0*\0\0\0\x08\0\0\0\0\0\0\0\0";
	static const unsigned char gif[] = "GIF89a\x10\0\x10\0\0\0\0";
	static const unsigned char heic[] = "\0\0\0\x18"
					    "ftypheic\0\0\0\0";
	static const unsigned char avif[] = "\0\0\0\x1c"
					    "ftypavif\0\0\0\0";
	static const unsigned char bmp[] = "BM\x36\0\0\0\0\0\0\0\x36\0\0\0";
	static const char text[] = "this is not a picture, just text\n";
	static const unsigned char riff_wav[] = "RIFF\x24\0\0\0WAVEfmt ";
	unsigned char one = 0x89;

	(void)state;
	expect_refused(tiff_le, sizeof tiff_le - 1, "TIFF");
	expect_refused(tiff_be, sizeof tiff_be - 1, "TIFF");
	expect_refused(gif, sizeof gif - 1, "GIF");
	expect_refused(heic, sizeof heic - 1, "HEIF");
	expect_refused(avif, sizeof avif - 1, "AVIF");
	expect_refused(bmp, sizeof bmp - 1, "BMP");
	expect_refused((const unsigned char *)text, sizeof text - 1, "text");
	expect_refused(riff_wav, sizeof riff_wav - 1, "not WebP");
	expect_refused(&one, 1, "not a JPEG, PNG or WebP image");
	expect_refused(&one, 0, "empty");
	assert_int_equal(media_sniff(tiff_le, sizeof tiff_le - 1),
			 MEDIA_UNKNOWN);
}

static void test_byte_limit(void **state)
{
	size_t n = MEDIA_MAX_BYTES + 1;
	unsigned char *b = calloc(1, n);

	(void)state;
	assert_non_null(b);
	make_png(b, 100, 100);
	expect_ok(b, MEDIA_MAX_BYTES, MEDIA_PNG, 100, 100);
	expect_refused(b, n, "limit is 10 MiB");
	free(b);
}

/* Every prefix shorter than the bytes the header needs is refused cleanly
 * (and, under the sanitizers, without reading past the end). */
static void test_truncations(void **state)
{
	/* bytes up to the end of the dimensions the check must see */
	static const size_t needed[4] = {33, 46, 30, 56};
	unsigned char copies[4][128];
	size_t sizes[4];

	(void)state;
	sizes[0] = make_png(copies[0], 100, 100);
	sizes[1] = make_jpeg(copies[1], 0xc0, 100, 100, 1);
	sizes[2] = make_webp_vp8(copies[2], 100, 100);
	sizes[3] = make_webp_vp8x(copies[3], 100, 100, 100, 100, 0);
	for (int k = 0; k < 4; k++) {
		for (size_t len = 0; len <= sizes[k]; len++) {
			unsigned char *exact = malloc(len ? len : 1);
			struct media_info info;
			char err[256];
			int rc;

			memcpy(exact, copies[k], len);
			rc = media_check(exact, len, &info, err, sizeof err);
			free(exact);
			if (len < needed[k] && rc == 0)
				fail_msg("format %d accepted at %zu of %zu "
					 "bytes",
					 k, len, needed[k]);
			if (len >= needed[k] && rc != 0)
				fail_msg("format %d refused at %zu bytes: %s",
					 k, len, err);
		}
	}
}

static void test_color_slugs(void **state)
{
	static const struct {
		const char *color, *slug;
	} cases[] = {
		{"黑色", "black"},
		{"白色", "white"},
		{"藏青", "navy"},
		{"藏蓝", "navy"},
		{"駝色", "camel"},
		{"Light Grey", "light-grey"},
		{"  NAVY--blue ", "navy-blue"},
		{"Red", "red"},
	};
	char slug[MEDIA_SLUG_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_int_equal(
			media_color_slug(cases[i].color, slug, sizeof slug), 0);
		assert_string_equal(slug, cases[i].slug);
	}
	/* no word for it: a stable hash, valid in a key */
	assert_int_equal(media_color_slug("星空紫漸變", slug, sizeof slug), 0);
	assert_int_equal(strlen(slug), 10);
	assert_memory_equal(slug, "c-", 2);
	assert_int_equal(media_color_slug("---", slug, sizeof slug), 0);
	assert_memory_equal(slug, "c-", 2);
}

static void test_keys(void **state)
{
	char key[MEDIA_KEY_MAX];

	(void)state;
	assert_int_equal(
		media_product_key("FW27-1001", "black", key, sizeof key), 0);
	assert_string_equal(key, "p/fw27-1001/black");
	assert_int_equal(media_product_key("A.B_C", "main", key, sizeof key),
			 0);
	assert_string_equal(key, "p/a_b_c/main");
	assert_int_equal(media_product_key("X", "black", key, 8), -1);
	assert_true(media_key_valid("p/fw27-1001/black"));
	assert_false(media_key_valid(""));
	assert_false(media_key_valid("p//x"));
	assert_false(media_key_valid("p/../x"));
	assert_false(media_key_valid("/p/x"));
	assert_false(media_key_valid("p/x/"));
	assert_false(media_key_valid("p/X"));
	assert_int_equal(media_sizes[0].width, 160);
	assert_int_equal(media_sizes[2].width, 1200);
}

/* A stand-in converter: a shell script in a temporary folder. */
static char script_dir[64];

static const char *script(const char *name, const char *body)
{
	static char path[128];
	FILE *f;

	if (!script_dir[0]) {
		snprintf(script_dir, sizeof script_dir,
			 "/tmp/fair-test-media-XXXXXX");
		assert_non_null(mkdtemp(script_dir));
	}
	snprintf(path, sizeof path, "%s/%s", script_dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "#!/bin/sh\n%s\n", body);
	fclose(f);
	assert_int_equal(chmod(path, 0755), 0);
	return path;
}

static void test_child_runs_and_passes_the_image(void **state)
{
	static const unsigned char image[] = "pretend image bytes";
	char err[256] = "", prefix[128], path[160], got[64] = "";
	/* $1 media-convert, $2 --out, $3 the prefix; the image on stdin */
	const char *exe =
		script("ok.sh", "[ \"$1 $2\" = \"media-convert --out\" ] "
				"|| exit 3; cat > \"$3-full.jpg\"");
	FILE *f;

	(void)state;
	snprintf(prefix, sizeof prefix, "%s/out", script_dir);
	if (media_child_convert(exe, image, sizeof image - 1, prefix, 5000, err,
				sizeof err))
		fail_msg("refused: %s", err);
	snprintf(path, sizeof path, "%s-full.jpg", prefix);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fread(got, 1, sizeof got, f), sizeof image - 1);
	fclose(f);
	assert_memory_equal(got, image, sizeof image - 1);
	unlink(path);
}

static void test_child_failures_are_reported(void **state)
{
	static const unsigned char image[] = "x";
	char err[256];
	struct timespec t0, t1;
	double took;
	int extra;

	(void)state;
	/* its own words, without the "fairctl: media-convert: " prefix */
	assert_int_equal(
		media_child_convert(
			script("refuse.sh",
			       "echo 'fairctl: media-convert: the image "
			       "is odd' >&2; echo more >&2; exit 1"),
			image, 1, "/tmp/x", 5000, err, sizeof err),
		-1);
	assert_string_equal(err, "the image is odd");
	/* overrunning its time: killed */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(media_child_convert(script("slow.sh", "sleep 30"),
					     image, 1, "/tmp/x", 300, err,
					     sizeof err),
			 -1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	took = (double)(t1.tv_sec - t0.tv_sec) +
	       (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	assert_non_null(strstr(err, "took longer than 0.3 s"));
	assert_true(took < 5);
	/* crashing */
	assert_int_equal(
		media_child_convert(script("crash.sh", "kill -SEGV $$"), image,
				    1, "/tmp/x", 5000, err, sizeof err),
		-1);
	assert_non_null(strstr(err, "died (signal 11"));
	/* not there at all */
	assert_int_equal(media_child_convert("/nonexistent/fairctl", image, 1,
					     "/tmp/x", 5000, err, sizeof err),
			 -1);
	assert_non_null(strstr(err, "could not run /nonexistent/fairctl"));
	/* only stdin, stdout and stderr are open in the child, even when the
	 * parent has descriptors without close-on-exec */
	extra = open("/dev/null", O_RDONLY);
	assert_true(extra > 2);
	assert_int_equal(
		media_child_convert(
			script("fds.sh",
			       "n=$(ls /proc/self/fd | wc -l); "
			       "[ \"$n\" -le 4 ] || { echo \"fds: $n\" "
			       ">&2; exit 1; }"),
			image, 1, "/tmp/x", 5000, err, sizeof err),
		0);
	close(extra);
}

static int remove_scripts(void **state)
{
	char cmd[128];

	(void)state;
	if (script_dir[0]) {
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", script_dir);
		if (system(cmd) != 0)
			return -1;
	}
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_png),
		cmocka_unit_test(test_jpeg),
		cmocka_unit_test(test_webp),
		cmocka_unit_test(test_refused_formats),
		cmocka_unit_test(test_byte_limit),
		cmocka_unit_test(test_truncations),
		cmocka_unit_test(test_color_slugs),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_child_runs_and_passes_the_image),
		cmocka_unit_test(test_child_failures_are_reported),
	};

	return cmocka_run_group_tests(tests, NULL, remove_scripts);
}
