/* test_clip_check.c - a product clip's first bytes, size, ffprobe's
 * description and key (media/clip_check.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "media/clip_check.h"

static const struct clip_limits lim = {10 * 1024 * 1024, 300000};

static void test_sniff(void **state)
{
	static const unsigned char mp4[] = {0,   0,   0,   0x20, 'f', 't',
					    'y', 'p', 'i', 's',  'o', 'm'};
	static const unsigned char mov[] = {0, 0, 0, 8, 'w', 'i', 'd', 'e'};
	static const unsigned char webm[] = {0x1A, 0x45, 0xDF, 0xA3, 0x9F};
	static const unsigned char png[] = {0x89, 'P',  'N',  'G',
					    '\r', '\n', 0x1A, '\n'};

	(void)state;
	assert_int_equal(clip_sniff(mp4, sizeof mp4), CLIP_ISO);
	assert_int_equal(clip_sniff(mov, sizeof mov), CLIP_ISO);
	assert_int_equal(clip_sniff(webm, sizeof webm), CLIP_MATROSKA);
	assert_int_equal(clip_sniff(png, sizeof png), CLIP_UNKNOWN);
	assert_int_equal(clip_sniff(mp4, 7), CLIP_UNKNOWN); /* too short */
	assert_int_equal(clip_sniff(webm, 3), CLIP_UNKNOWN);
}

static void test_extension(void **state)
{
	size_t stem = 0;

	(void)state;
	assert_int_equal(clip_extension("FW27-1001.mp4", &stem), 1);
	assert_int_equal(stem, 9);
	assert_int_equal(clip_extension("a.MOV", &stem), 1);
	assert_int_equal(clip_extension("a.webm", &stem), 1);
	assert_int_equal(clip_extension("a.mkv", &stem), 0);
	assert_int_equal(clip_extension(".mp4", &stem), 0);
	assert_int_equal(clip_extension("mp4", &stem), 0);
}

static void test_size(void **state)
{
	char err[200];

	(void)state;
	assert_int_equal(clip_judge_size(1, &lim, err, sizeof err), CLIP_OK);
	assert_int_equal(clip_judge_size(lim.max_bytes, &lim, err, sizeof err),
			 CLIP_OK);
	assert_int_equal(clip_judge_size(0, &lim, err, sizeof err),
			 CLIP_BROKEN);
	assert_int_equal(
		clip_judge_size(lim.max_bytes + 1, &lim, err, sizeof err),
		CLIP_TOO_LARGE);
	assert_string_equal(err, "the video is 10.0 MiB (10485761 bytes); the "
				 "limit is 10.0 MiB");
}

static void test_probe(void **state)
{
	static const struct {
		const char *json;
		enum clip_verdict v;
		const char *err; /* a part of it */
		int64_t ms;
		int w, h;
		bool audio;
	} cases[] = {
		{"{\"streams\":[{\"codec_type\":\"video\",\"width\":1920,"
		 "\"height\":1080},{\"codec_type\":\"audio\"}],\"format\":{"
		 "\"format_name\":\"mov,mp4,m4a,3gp,3g2,mj2\",\"duration\":"
		 "\"3.000000\"}}",
		 CLIP_OK, "", 3000, 1920, 1080, true},
		{"{\"streams\":[{\"codec_type\":\"video\",\"width\":360,"
		 "\"height\":640}],\"format\":{\"format_name\":"
		 "\"matroska,webm\",\"duration\":\"2.0005\"}}",
		 CLIP_OK, "", 2001, 360, 640, false},
		/* five minutes exactly is allowed, a little more is not */
		{"{\"streams\":[{\"codec_type\":\"video\",\"width\":64,"
		 "\"height\":64}],\"format\":{\"format_name\":\"mov,mp4\","
		 "\"duration\":\"300.0\"}}",
		 CLIP_OK, "", 300000, 64, 64, false},
		{"{\"streams\":[{\"codec_type\":\"video\",\"width\":64,"
		 "\"height\":64}],\"format\":{\"format_name\":\"mov,mp4\","
		 "\"duration\":\"300.2\"}}",
		 CLIP_TOO_LONG, "lasts 300.2 s; the limit is 300 s", 0, 0, 0,
		 false},
		{"{\"streams\":[{\"codec_type\":\"video\",\"width\":100,"
		 "\"height\":100}],\"format\":{\"format_name\":\"png_pipe\"}}",
		 CLIP_NOT_VIDEO, "the file is png_pipe, not an MP4", 0, 0, 0,
		 false},
		{"{\"streams\":[{\"codec_type\":\"audio\"}],\"format\":{"
		 "\"format_name\":\"mov,mp4\",\"duration\":\"3\"}}",
		 CLIP_NOT_VIDEO, "no video stream", 0, 0, 0, false},
		{"{\"streams\":[{\"codec_type\":\"video\",\"width\":9000,"
		 "\"height\":100}],\"format\":{\"format_name\":\"mov,mp4\","
		 "\"duration\":\"3\"}}",
		 CLIP_BROKEN, "9000 x 100 pixels", 0, 0, 0, false},
		{"{\"streams\":[{\"codec_type\":\"video\",\"width\":64,"
		 "\"height\":64}],\"format\":{\"format_name\":\"mov,mp4\","
		 "\"duration\":\"N/A\"}}",
		 CLIP_BROKEN, "no duration", 0, 0, 0, false},
		{"not json", CLIP_BROKEN, "could not be read", 0, 0, 0, false},
		{"{}", CLIP_BROKEN, "could not be read", 0, 0, 0, false},
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct clip_info info;
		char err[200] = "";

		assert_int_equal(clip_judge_probe(cases[i].json, &lim, &info,
						  err, sizeof err),
				 cases[i].v);
		assert_non_null(strstr(err, cases[i].err));
		if (cases[i].v != CLIP_OK)
			continue;
		assert_int_equal(info.duration_ms, cases[i].ms);
		assert_int_equal(info.width, cases[i].w);
		assert_int_equal(info.height, cases[i].h);
		assert_int_equal(info.audio, cases[i].audio);
	}
}

static void test_key(void **state)
{
	unsigned char sha[32];
	char key[CLIP_KEY_MAX];

	(void)state;
	for (int i = 0; i < 32; i++)
		sha[i] = (unsigned char)(0x10 * (i % 16) + i % 16);
	assert_int_equal(clip_key("FW27.Coat-1", sha, key, sizeof key), 0);
	assert_string_equal(key, "clips/fw27_coat-1/0011223344556677");
	assert_int_equal(clip_key("FW27", sha, key, 10), -1);
	assert_int_equal(clip_key("../x", sha, key, sizeof key), -1);
	assert_int_equal(clip_verdict_status(CLIP_NOT_VIDEO), 415);
	assert_int_equal(clip_verdict_status(CLIP_TOO_LARGE), 413);
	assert_int_equal(clip_verdict_status(CLIP_TOO_LONG), 400);
	assert_int_equal(clip_verdict_status(CLIP_FAILED), 500);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sniff), cmocka_unit_test(test_extension),
		cmocka_unit_test(test_size),  cmocka_unit_test(test_probe),
		cmocka_unit_test(test_key),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
