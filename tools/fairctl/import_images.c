/* import_images.c - finding, checking, converting and installing the
 * pictures of an import (see import_images.h). */
#include "fairctl/import_images.h"
#include "base/xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/sha.h>

#include "media/media_check.h"
#include "media/media_child.h"
#include "media/media_convert.h"
#include "media/media_run.h"

/* A file of the folder, before matching. */
struct candidate {
	char *name; /* file name */
	char *stem; /* name without extension, lower-cased (ASCII) */
	int taken;
};

static const char *const extensions[] = {"jpg", "jpeg", "png", "webp"};

static char *lower_dup(const char *s, size_t len)
{
	char *out = strndup(s, len);

	for (char *p = out; p && *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return out;
}

static int image_extension(const char *name, size_t *stem_len)
{
	const char *dot = strrchr(name, '.');

	if (!dot || dot == name)
		return 0;
	for (size_t i = 0; i < sizeof extensions / sizeof extensions[0]; i++)
		if (!strcasecmp(dot + 1, extensions[i])) {
			*stem_len = (size_t)(dot - name);
			return 1;
		}
	return 0;
}

static int add_image(struct import_images *out, const char *dir,
		     const char *name, size_t item, int color,
		     const struct import_item *it)
{
	struct import_image *img;
	const char *slug = color < 0 ? "main" : it->color_slug[color];

	img = array_room(out->list, &out->cap, out->count, sizeof *img, 16);
	if (!img)
		return -1;
	out->list = img;
	img = &out->list[out->count];
	memset(img, 0, sizeof *img);
	if (asprintf(&img->path, "%s/%s", dir, name) < 0)
		return -1;
	if (asprintf(&img->file, "images/%s", name) < 0) {
		free(img->path);
		return -1;
	}
	img->item = item;
	img->color = color;
	if (media_product_key(it->style, slug, img->key, sizeof img->key)) {
		free(img->path);
		free(img->file);
		return -1;
	}
	out->count++;
	return 0;
}

/* Reads the file at most MEDIA_MAX_BYTES and checks it; problems to pr. */
/* The picture's key gets "-" and 8 hex digits of its bytes' SHA-256: a new
 * picture of a style and colour goes under a new key, as an admin's upload
 * does (admin_image.h), so a browser that keeps pictures for good
 * (http_media_cache_control) never shows an older one, while the same
 * picture imported again keeps its key. -1 when the key would be too long. */
static int version_key(struct import_image *img, const unsigned char *data,
		       size_t len)
{
	unsigned char md[SHA256_DIGEST_LENGTH];
	size_t n = strlen(img->key);

	SHA256(data, len, md);
	if (n + 10 > sizeof img->key)
		return -1;
	snprintf(img->key + n, sizeof img->key - n, "-%02x%02x%02x%02x", md[0],
		 md[1], md[2], md[3]);
	return media_key_valid(img->key) ? 0 : -1;
}

static void check_file(struct import_image *img, struct import_problems *pr)
{
	struct media_info info;
	struct stat st;
	unsigned char *data;
	char err[256];
	FILE *f = fopen(img->path, "rb");

	if (!f || fstat(fileno(f), &st)) {
		import_problem(pr, "%s: %s", img->file, strerror(errno));
		if (f)
			fclose(f);
		return;
	}
	if (!S_ISREG(st.st_mode)) {
		import_problem(pr, "%s: not a regular file", img->file);
		fclose(f);
		return;
	}
	if ((unsigned long long)st.st_size > MEDIA_MAX_BYTES) {
		import_problem(pr, "%s: %lld bytes; the limit is %u MiB",
			       img->file, (long long)st.st_size,
			       MEDIA_MAX_BYTES / (1024 * 1024));
		fclose(f);
		return;
	}
	data = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!data ||
	    fread(data, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
		import_problem(pr, "%s: cannot be read", img->file);
	} else if (media_check(data, (size_t)st.st_size, &info, err,
			       sizeof err)) {
		import_problem(pr, "%s: %s", img->file, err);
	} else if (version_key(img, data, (size_t)st.st_size)) {
		import_problem(pr,
			       "%s: the style is too long for a picture key",
			       img->file);
	}
	free(data);
	fclose(f);
}

int import_images_find(const char *dir, const struct import_item *items,
		       size_t n, struct import_images *out,
		       struct import_problems *pr)
{
	struct candidate *c = NULL;
	size_t nc = 0, cap = 0;
	struct dirent *e;
	DIR *d;

	memset(out, 0, sizeof *out);
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -1;
	while ((e = readdir(d))) {
		size_t stem_len;

		if (e->d_name[0] == '.')
			continue;
		if (!image_extension(e->d_name, &stem_len)) {
			fprintf(stderr,
				"fairctl: import: images/%s ignored: only "
				".jpg, .jpeg, .png and .webp files are "
				"pictures\n",
				e->d_name);
			continue;
		}
		{
			struct candidate *grown =
				array_room(c, &cap, nc, sizeof *c, 32);

			if (!grown)
				break;
			c = grown;
		}
		c[nc].name = strdup(e->d_name);
		c[nc].stem = lower_dup(e->d_name, stem_len);
		c[nc].taken = 0;
		if (c[nc].name && c[nc].stem)
			nc++;
	}
	closedir(d);

	/* The product pictures first, so that style "A-BLACK" is never taken
	 * for colour black of style "A". */
	for (size_t i = 0; i < n; i++) {
		char *style = lower_dup(items[i].style, strlen(items[i].style));
		int found = -1;

		for (size_t k = 0; style && k < nc; k++) {
			if (c[k].taken || strcmp(c[k].stem, style))
				continue;
			if (found >= 0) {
				import_problem(
					pr,
					"images/%s: %s is also a picture "
					"of %s (keep one)",
					c[k].name, c[found].name,
					items[i].style);
				c[k].taken = 1;
				continue;
			}
			found = (int)k;
			c[k].taken = 1;
			if (add_image(out, dir, c[k].name, i, -1, &items[i]))
				import_problem(pr, "images/%s: out of memory",
					       c[k].name);
		}
		free(style);
	}
	for (size_t i = 0; i < n; i++) {
		const struct import_item *it = &items[i];

		for (int col = 0; col < it->ncolors; col++) {
			char *by_name, *by_slug;
			int found = -1;

			if (asprintf(&by_name, "%s-%s", it->style,
				     it->colors[col]) < 0)
				continue;
			if (asprintf(&by_slug, "%s-%s", it->style,
				     it->color_slug[col]) < 0) {
				free(by_name);
				continue;
			}
			for (char *p = by_name; *p; p++)
				if (*p >= 'A' && *p <= 'Z')
					*p = (char)(*p - 'A' + 'a');
			for (char *p = by_slug; *p; p++)
				if (*p >= 'A' && *p <= 'Z')
					*p = (char)(*p - 'A' + 'a');
			for (size_t k = 0; k < nc; k++) {
				if (c[k].taken || (strcmp(c[k].stem, by_name) &&
						   strcmp(c[k].stem, by_slug)))
					continue;
				c[k].taken = 1;
				if (found >= 0) {
					import_problem(
						pr,
						"images/%s: %s is also a "
						"picture of %s in %s (keep "
						"one)",
						c[k].name, c[found].name,
						it->style, it->colors[col]);
					continue;
				}
				found = (int)k;
				if (add_image(out, dir, c[k].name, i, col, it))
					import_problem(
						pr, "images/%s: out of memory",
						c[k].name);
			}
			free(by_name);
			free(by_slug);
		}
	}
	for (size_t k = 0; k < nc; k++) {
		if (!c[k].taken)
			fprintf(stderr,
				"fairctl: import: images/%s ignored: no style "
				"or style-colour of products.csv has that "
				"name\n",
				c[k].name);
		free(c[k].name);
		free(c[k].stem);
	}
	free(c);
	for (size_t i = 0; i < out->count; i++)
		check_file(&out->list[i], pr);
	return 0;
}

/* Reads a whole file (already checked to be small). */
static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *data = NULL;
	struct stat st;

	if (!f)
		return NULL;
	if (!fstat(fileno(f), &st) && st.st_size >= 0 &&
	    (unsigned long long)st.st_size <= MEDIA_MAX_BYTES &&
	    (data = malloc(st.st_size ? (size_t)st.st_size : 1)) &&
	    fread(data, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
		free(data);
		data = NULL;
	}
	if (data)
		*len = (size_t)st.st_size;
	fclose(f);
	return data;
}

void import_images_convert(const struct import_images *imgs, const char *exe,
			   const char *staging, struct import_problems *pr)
{
	for (size_t i = 0; i < imgs->count; i++) {
		const struct import_image *img = &imgs->list[i];
		char prefix[4200], err[512];
		unsigned char *data;
		size_t len = 0;

		snprintf(prefix, sizeof prefix, "%s/%s", staging, img->key);
		if (media_mkdirs(prefix)) {
			import_problem(pr, "%s: creating %s: %s", img->file,
				       prefix, strerror(errno));
			continue;
		}
		data = slurp(img->path, &len);
		if (!data) {
			import_problem(pr, "%s: cannot be read", img->file);
			continue;
		}
		if (media_child_convert(exe, data, len, prefix, 0, err,
					sizeof err))
			import_problem(pr, "%s: %s", img->file, err);
		free(data);
	}
}

void import_images_apply(const struct import_images *imgs,
			 struct import_item *items, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		items[i].image[0] = '\0';
		for (int c = 0; c < items[i].ncolors; c++)
			items[i].color_image[c][0] = '\0';
	}
	for (size_t k = 0; k < imgs->count; k++) {
		const struct import_image *img = &imgs->list[k];
		struct import_item *it = &items[img->item];

		if (img->color < 0)
			memcpy(it->image, img->key, sizeof it->image);
		else
			memcpy(it->color_image[img->color], img->key,
			       sizeof it->color_image[0]);
	}
	for (size_t i = 0; i < n; i++) {
		struct import_item *it = &items[i];

		for (int c = 0; c < it->ncolors; c++) {
			if (!it->color_image[c][0] && it->image[0])
				memcpy(it->color_image[c], it->image,
				       sizeof it->image);
		}
		for (int c = 0; c < it->ncolors && !it->image[0]; c++)
			if (it->color_image[c][0])
				memcpy(it->image, it->color_image[c],
				       sizeof it->image);
	}
}

int import_images_install(const struct import_images *imgs, const char *staging,
			  const char *media_root, char *err, size_t errlen)
{
	for (size_t k = 0; k < imgs->count; k++)
		for (int s = 0; s < MEDIA_SIZE_COUNT; s++) {
			char from[4300], to[4300];

			snprintf(from, sizeof from, "%s/%s-%s.jpg", staging,
				 imgs->list[k].key, media_sizes[s].name);
			snprintf(to, sizeof to, "%s/%s-%s.jpg", media_root,
				 imgs->list[k].key, media_sizes[s].name);
			if (media_mkdirs(to) || rename(from, to)) {
				snprintf(err, errlen, "moving %s to %s: %s",
					 from, to, strerror(errno));
				return -1;
			}
		}
	return 0;
}

static int remove_entry(const char *path, const struct stat *st, int type,
			struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	remove(path);
	return 0;
}

void import_images_remove_tree(const char *dir)
{
	nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

void import_images_free(struct import_images *imgs)
{
	for (size_t i = 0; i < imgs->count; i++) {
		free(imgs->list[i].path);
		free(imgs->list[i].file);
	}
	free(imgs->list);
	memset(imgs, 0, sizeof *imgs);
}
