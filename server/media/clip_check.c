/* clip_check.c - a product clip's bytes, ffprobe's description of it and
 * its key (see clip_check.h). */
#include "media/clip_check.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "media/media_key.h"

enum clip_container clip_sniff(const unsigned char *head, size_t len)
{
	static const char *const boxes[] = {"ftyp", "moov", "mdat",
					    "wide", "free", "skip"};

	if (len >= 4 && head[0] == 0x1A && head[1] == 0x45 && head[2] == 0xDF &&
	    head[3] == 0xA3)
		return CLIP_MATROSKA;
	if (len < 8)
		return CLIP_UNKNOWN;
	for (size_t i = 0; i < sizeof boxes / sizeof boxes[0]; i++)
		if (!memcmp(head + 4, boxes[i], 4))
			return CLIP_ISO;
	return CLIP_UNKNOWN;
}

int clip_extension(const char *name, size_t *stem_len)
{
	static const char *const exts[] = {"mp4", "mov", "webm"};
	const char *dot = strrchr(name, '.');

	if (!dot || dot == name)
		return 0;
	for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++)
		if (!strcasecmp(dot + 1, exts[i])) {
			*stem_len = (size_t)(dot - name);
			return 1;
		}
	return 0;
}

/* "12.5 MiB" */
static void mib(int64_t bytes, char *out, size_t size)
{
	snprintf(out, size, "%.1f MiB", (double)bytes / (1024.0 * 1024.0));
}

enum clip_verdict clip_judge_size(int64_t bytes, const struct clip_limits *lim,
				  char *err, size_t errlen)
{
	char have[32], limit[32];

	if (bytes <= 0) {
		snprintf(err, errlen, "the file is empty");
		return CLIP_BROKEN;
	}
	if (bytes > lim->max_bytes) {
		mib(bytes, have, sizeof have);
		mib(lim->max_bytes, limit, sizeof limit);
		snprintf(err, errlen,
			 "the video is %s (%lld bytes); the limit is %s", have,
			 (long long)bytes, limit);
		return CLIP_TOO_LARGE;
	}
	return CLIP_OK;
}

/* A JSON number or numeric string ("12.345") as a double; -1 if neither. */
static double number_of(json_t *v)
{
	const char *s;
	char *end;
	double d;

	if (json_is_number(v))
		return json_number_value(v);
	if (!json_is_string(v))
		return -1;
	s = json_string_value(v);
	errno = 0;
	d = strtod(s, &end);
	if (errno || end == s || *end)
		return -1;
	return d;
}

enum clip_verdict clip_judge_probe(const char *json,
				   const struct clip_limits *lim,
				   struct clip_info *out, char *err,
				   size_t errlen)
{
	json_error_t jerr;
	json_t *root = json_loads(json, 0, &jerr), *streams, *s;
	const char *format;
	enum clip_verdict v = CLIP_OK;
	bool video = false;
	double seconds;
	size_t i;

	memset(out, 0, sizeof *out);
	if (!root || !json_is_object(root)) {
		snprintf(err, errlen, "the video could not be read");
		json_decref(root);
		return CLIP_BROKEN;
	}
	format = json_string_value(json_object_get(
		json_object_get(root, "format"), "format_name"));
	if (!format) {
		snprintf(err, errlen, "the video could not be read");
		v = CLIP_BROKEN;
		goto out;
	}
	/* ffprobe names the ISO demuxer "mov,mp4,m4a,3gp,3g2,mj2" and the
	 * Matroska one "matroska,webm" */
	if (strncmp(format, "mov,", 4) && strncmp(format, "matroska", 8)) {
		snprintf(err, errlen,
			 "the file is %.40s, not an MP4, MOV or WebM video",
			 format);
		v = CLIP_NOT_VIDEO;
		goto out;
	}
	streams = json_object_get(root, "streams");
	json_array_foreach(streams, i, s)
	{
		const char *type =
			json_string_value(json_object_get(s, "codec_type"));
		json_int_t w = json_integer_value(json_object_get(s, "width"));
		json_int_t h = json_integer_value(json_object_get(s, "height"));

		if (!type)
			continue;
		if (!strcmp(type, "audio"))
			out->audio = true;
		if (strcmp(type, "video") || video)
			continue;
		if (w < 2 || h < 2 || w > CLIP_MAX_SIDE || h > CLIP_MAX_SIDE) {
			snprintf(err, errlen,
				 "the video's picture is %lld x %lld pixels; "
				 "each side must be 2 to %d",
				 (long long)w, (long long)h, CLIP_MAX_SIDE);
			v = CLIP_BROKEN;
			goto out;
		}
		video = true;
		out->width = (int)w;
		out->height = (int)h;
	}
	if (!video) {
		snprintf(err, errlen, "the file has no video stream");
		v = CLIP_NOT_VIDEO;
		goto out;
	}
	seconds = number_of(
		json_object_get(json_object_get(root, "format"), "duration"));
	if (!(seconds > 0)) {
		snprintf(err, errlen, "the video has no duration");
		v = CLIP_BROKEN;
		goto out;
	}
	if (seconds * 1000.0 > (double)lim->max_ms) {
		snprintf(err, errlen,
			 "the video lasts %.1f s; the limit is %lld s", seconds,
			 (long long)(lim->max_ms / 1000));
		v = CLIP_TOO_LONG;
		goto out;
	}
	out->duration_ms = (int64_t)(seconds * 1000.0 + 0.5);
out:
	json_decref(root);
	return v;
}

int clip_key(const char *style, const unsigned char sha256[32], char *out,
	     size_t size)
{
	char hex[17], key[MEDIA_KEY_MAX];

	/* a style is letters, digits, '_', '.' and '-' (products.style):
	 * one folder, never a path */
	if (!*style ||
	    strspn(style,
		   "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		   "abcdefghijklmnopqrstuvwxyz0123456789_.-") != strlen(style))
		return -1;
	for (int i = 0; i < 8; i++)
		snprintf(hex + 2 * i, 3, "%02x", sha256[i]);
	/* "p/<style>/<hex>" by the images' rules, then under clips/ */
	if (media_product_key(style, hex, key, sizeof key) ||
	    snprintf(out, size, "clips/%s", key + 2) >= (int)size ||
	    !media_key_valid(out))
		return -1;
	return 0;
}

int clip_verdict_status(enum clip_verdict v)
{
	switch (v) {
	case CLIP_OK:
		return 200;
	case CLIP_NOT_VIDEO:
		return 415;
	case CLIP_TOO_LARGE:
		return 413;
	case CLIP_FAILED:
		return 500;
	case CLIP_BROKEN:
	case CLIP_TOO_LONG:
		break;
	}
	return 400;
}
