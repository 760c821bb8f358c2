/* import_clips.c - finding, checking, transcoding and installing the clips
 * of an import (see import_clips.h). */
#include "fairctl/import_clips.h"
#include "base/xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "media/clip_make.h"
#include "media/media_convert.h"
#include "media/media_run.h"

static int add_clip(struct import_clips *out, const char *dir, const char *name,
		    size_t item)
{
	struct import_clip *c;

	c = array_room(out->list, &out->cap, out->count, sizeof *c, 16);
	if (!c)
		return -1;
	out->list = c;
	c = &out->list[out->count];
	memset(c, 0, sizeof *c);
	if (asprintf(&c->path, "%s/%s", dir, name) < 0)
		return -1;
	if (asprintf(&c->file, "clips/%s", name) < 0) {
		free(c->path);
		return -1;
	}
	c->item = item;
	out->count++;
	return 0;
}

/* The size and first bytes, before anything decodes the file. */
static void check_file(const struct import_clip *c,
		       const struct clip_limits *lim,
		       struct import_problems *pr)
{
	unsigned char head[CLIP_SNIFF_BYTES];
	char err[256];
	struct stat st;
	ssize_t n;
	int fd = open(c->path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st)) {
		import_problem(pr, "%s: %s", c->file, strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	if (!S_ISREG(st.st_mode))
		import_problem(pr, "%s: not a regular file", c->file);
	else if (clip_judge_size((int64_t)st.st_size, lim, err, sizeof err))
		import_problem(pr, "%s: %s", c->file, err);
	else if ((n = pread(fd, head, sizeof head, 0)) < 0 ||
		 clip_sniff(head, (size_t)n) == CLIP_UNKNOWN)
		import_problem(pr,
			       "%s: not a video: the file is not an MP4, MOV "
			       "or WebM video",
			       c->file);
	close(fd);
}

int import_clips_find(const char *dir, const struct import_item *items,
		      size_t n, const struct clip_limits *lim,
		      struct import_clips *out, struct import_problems *pr)
{
	struct dirent *e;
	DIR *d;

	memset(out, 0, sizeof *out);
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -1;
	while ((e = readdir(d))) {
		size_t stem_len, found = n;

		if (e->d_name[0] == '.')
			continue;
		if (!clip_extension(e->d_name, &stem_len)) {
			fprintf(stderr,
				"fairctl: import: clips/%s ignored: only .mp4, "
				".mov and .webm files are clips\n",
				e->d_name);
			continue;
		}
		for (size_t i = 0; i < n && found == n; i++)
			if (strlen(items[i].style) == stem_len &&
			    !strncasecmp(items[i].style, e->d_name, stem_len))
				found = i;
		if (found == n) {
			fprintf(stderr,
				"fairctl: import: clips/%s ignored: no style "
				"of "
				"products.csv has that name\n",
				e->d_name);
			continue;
		}
		for (size_t k = 0; k < out->count; k++)
			if (out->list[k].item == found) {
				import_problem(pr,
					       "clips/%s: %s is also a clip of "
					       "%s (keep one)",
					       e->d_name, out->list[k].file,
					       items[found].style);
				found = n;
				break;
			}
		if (found < n && add_clip(out, dir, e->d_name, found))
			import_problem(pr, "clips/%s: out of memory",
				       e->d_name);
	}
	closedir(d);
	for (size_t i = 0; i < out->count; i++)
		check_file(&out->list[i], lim, pr);
	return 0;
}

void import_clips_convert(struct import_clips *clips, const char *staging,
			  const struct import_item *items,
			  const struct clip_limits *lim,
			  struct import_problems *pr)
{
	for (size_t i = 0; i < clips->count; i++) {
		struct import_clip *c = &clips->list[i];
		char prefix[4300], err[512];
		unsigned char sha[32];
		int fd = open(c->path, O_RDONLY | O_CLOEXEC);

		if (fd < 0) {
			import_problem(pr, "%s: %s", c->file, strerror(errno));
			continue;
		}
		if (clip_hash_fd(fd, sha) || clip_key(items[c->item].style, sha,
						      c->key, sizeof c->key)) {
			import_problem(pr, "%s: no name for the clip", c->file);
			close(fd);
			continue;
		}
		snprintf(prefix, sizeof prefix, "%s/%s", staging, c->key);
		if (clip_make(fd, prefix, lim,
			      media_run_now_ms() + IMPORT_CLIP_DEADLINE_MS,
			      &c->info, err, sizeof err) != CLIP_OK)
			import_problem(pr, "%s: %s", c->file, err);
		close(fd);
	}
}

void import_clips_apply(const struct import_clips *clips,
			struct import_item *items, size_t n)
{
	for (size_t i = 0; i < n; i++)
		items[i].clip[0] = '\0';
	for (size_t k = 0; k < clips->count; k++) {
		const struct import_clip *c = &clips->list[k];
		struct import_item *it = &items[c->item];

		snprintf(it->clip, sizeof it->clip, "%s", c->key);
		it->clip_ms = c->info.duration_ms;
		it->clip_width = c->info.width;
		it->clip_height = c->info.height;
	}
}

int import_clips_install(const struct import_clips *clips, const char *staging,
			 const char *media_root, char *err, size_t errlen)
{
	static const char *const suffixes[] = {".mp4", "-poster.jpg"};

	for (size_t k = 0; k < clips->count; k++)
		for (size_t s = 0; s < 2; s++) {
			char from[4400], to[4400];

			snprintf(from, sizeof from, "%s/%s%s", staging,
				 clips->list[k].key, suffixes[s]);
			snprintf(to, sizeof to, "%s/%s%s", media_root,
				 clips->list[k].key, suffixes[s]);
			if (media_mkdirs(to) || rename(from, to)) {
				snprintf(err, errlen, "moving %s to %s: %s",
					 from, to, strerror(errno));
				return -1;
			}
		}
	return 0;
}

void import_clips_free(struct import_clips *clips)
{
	for (size_t i = 0; i < clips->count; i++) {
		free(clips->list[i].path);
		free(clips->list[i].file);
	}
	free(clips->list);
	memset(clips, 0, sizeof *clips);
}
