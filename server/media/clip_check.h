/* clip_check.h - a product clip (issue 24) judged before and after ffprobe.
 *
 * A clip is a short video of a product (STYLE.mp4|mov|webm), uploaded by
 * an administrator or imported with a fair. Before any program reads it,
 * its first bytes must be an ISO media file (MP4, MOV) or a Matroska/WebM
 * one and its size within the configured limit; then ffprobe's description
 * of it (JSON) must show that container, a video stream of sane
 * dimensions and a duration within the limit. Stored as an H.264/AAC MP4
 * and a poster JPEG under the media root (clip_make.h), named by a hash of
 * the uploaded bytes. Pure code: unit-tested. */
#ifndef FAIR_CLIP_CHECK_H
#define FAIR_CLIP_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CLIP_KEY_MAX 121    /* bytes of a clip's key, with its NUL */
#define CLIP_MAX_SIDE 8192  /* pixels, either side of the source */
#define CLIP_SNIFF_BYTES 16 /* what clip_sniff needs to see */
#define CLIP_HARD_MAX_S 300 /* the five minutes */

enum clip_container {
	CLIP_UNKNOWN,
	CLIP_ISO,      /* ISO base media: MP4, MOV */
	CLIP_MATROSKA, /* WebM, Matroska */
};

/* Why a clip is refused (the HTTP status and fairctl's message follow). */
enum clip_verdict {
	CLIP_OK,
	CLIP_NOT_VIDEO, /* another kind of file: 415 */
	CLIP_BROKEN,    /* looks like a video but cannot be read: 400 */
	CLIP_TOO_LONG,  /* lasts longer than the limit: 400 */
	CLIP_TOO_LARGE, /* more bytes than the limit: 413 */
	CLIP_FAILED,    /* our side (no ffmpeg, a full disk): 500 */
};

struct clip_limits {
	int64_t max_bytes; /* of the uploaded file */
	int64_t max_ms;    /* of its duration */
};

/* What ffprobe found, and what was stored. */
struct clip_info {
	int64_t duration_ms;
	int width, height; /* of the source's first video stream */
	bool audio;        /* it has an audio stream */
};

/* The container the first len bytes of a file announce: an ISO file has a
 * box type at bytes 4-7 ("ftyp", or for old QuickTime files "moov",
 * "mdat", "wide", "free", "skip"); Matroska starts with 1A 45 DF A3. */
enum clip_container clip_sniff(const unsigned char *head, size_t len);

/* 1 when name ends in .mp4, .mov or .webm (any case), setting *stem_len to
 * the length before the dot; 0 otherwise. */
int clip_extension(const char *name, size_t *stem_len);

/* Judges ffprobe's JSON (`-show_entries format=format_name,duration:
 * stream=codec_type,width,height -of json`) against lim. Fills out and
 * returns CLIP_OK, or another verdict with a reason for a person in err. */
enum clip_verdict clip_judge_probe(const char *json,
				   const struct clip_limits *lim,
				   struct clip_info *out, char *err,
				   size_t errlen);

/* The size check, before anything reads the bytes: CLIP_TOO_LARGE with a
 * reason ("12.5 MiB; the limit is 10 MiB"), CLIP_BROKEN for an empty file,
 * or CLIP_OK. */
enum clip_verdict clip_judge_size(int64_t bytes, const struct clip_limits *lim,
				  char *err, size_t errlen);

/* The key of a clip of style whose bytes hash to sha256:
 * "clips/<style lower-cased, '.' as '_'>/<16 hex digits>". Its files are
 * <key>.mp4 and <key>-poster.jpg under the media root. Returns 0, or -1
 * when the style has a character a style may not have (products.style) or
 * makes no valid key. */
int clip_key(const char *style, const unsigned char sha256[32], char *out,
	     size_t size);

/* The HTTP status of a verdict (200, 415, 400, 413, 500). */
int clip_verdict_status(enum clip_verdict v);

#endif
