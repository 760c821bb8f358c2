/* import_clips.h - the product clips of an import (issue 24): found,
 * checked, transcoded, installed.
 *
 * DIR/clips/ holds STYLE.mp4|mov|webm, one short video per product (names
 * compared without case). Each is checked before anything decodes it (its
 * size against clip_max_mb, its first bytes: clip_check.h), then probed and
 * transcoded by clip_make (ffprobe and ffmpeg in limited children) into
 * the staging folder; the staged MP4 and poster move under the media root
 * only once the database work has succeeded, as the pictures do. */
#ifndef FAIR_IMPORT_CLIPS_H
#define FAIR_IMPORT_CLIPS_H

#include <stddef.h>

#include "fairctl/import_item.h"
#include "media/clip_check.h"

#define IMPORT_CLIP_DEADLINE_MS (10 * 60 * 1000) /* per clip */

struct import_clip {
	char *path;             /* DIR/clips/FILE, owned */
	char *file;             /* "clips/FILE", as reported, owned */
	size_t item;            /* index into the items */
	char key[CLIP_KEY_MAX]; /* where it is stored, once converted */
	struct clip_info info;
};

struct import_clips {
	struct import_clip *list;
	size_t count;
	size_t cap;
};

/* Matches the files of dir (which may be absent: no clips) to items by
 * style and checks each file's size and first bytes against lim. Problems
 * are added as "clips/FILE: reason"; other files are named on stderr and
 * ignored. Returns 0, or -1 when dir cannot be read. */
int import_clips_find(const char *dir, const struct import_item *items,
		      size_t n, const struct clip_limits *lim,
		      struct import_clips *out, struct import_problems *pr);

/* Transcodes every clip with clip_make into staging/<key>.mp4 and
 * staging/<key>-poster.jpg. Refusals and failures are added to pr. */
void import_clips_convert(struct import_clips *clips, const char *staging,
			  const struct import_item *items,
			  const struct clip_limits *lim,
			  struct import_problems *pr);

/* Sets the items' clip, clip_ms, clip_width and clip_height. */
void import_clips_apply(const struct import_clips *clips,
			struct import_item *items, size_t n);

/* Moves every staged file under media_root. Returns 0, or -1 with err. */
int import_clips_install(const struct import_clips *clips, const char *staging,
			 const char *media_root, char *err, size_t errlen);

void import_clips_free(struct import_clips *clips);

#endif
