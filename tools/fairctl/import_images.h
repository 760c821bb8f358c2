/* import_images.h - the pictures of an import: found, checked, converted,
 * installed.
 *
 * DIR/images/ holds STYLE.jpg|jpeg|png|webp (the product) and
 * STYLE-COLOUR.* (one colour; COLOUR as written in the CSV or its slug,
 * e.g. FW27-1001-黑色.jpg or fw27-1001-black.png), names compared without
 * case. Every picture is checked by media_check before anything decodes it,
 * then converted by `fairctl media-convert` in a child process with limits
 * (media_child) into a staging folder; the staged files move under the
 * media root only once the database work has succeeded. */
#ifndef FAIR_IMPORT_IMAGES_H
#define FAIR_IMPORT_IMAGES_H

#include <stddef.h>

#include "fairctl/import_item.h"
#include "media/media_key.h"

struct import_image {
	char *path;              /* DIR/images/FILE, owned */
	char *file;              /* FILE, as reported: "images/FILE", owned */
	size_t item;             /* index into the items */
	int color;               /* colour index, or -1 for the product */
	char key[MEDIA_KEY_MAX]; /* where it is stored: p/<style>/<slug>-<8 hex
				  * of its bytes' SHA-256>, once checked */
};

struct import_images {
	struct import_image *list;
	size_t count;
	size_t cap;
};

/* Matches the files of dir (which may be absent: no pictures) to items and
 * checks each (size, format, dimensions). Problems are added as
 * "images/FILE: reason"; files that match no product are named on stderr
 * and ignored. Returns 0, or -1 when dir cannot be read. */
int import_images_find(const char *dir, const struct import_item *items,
		       size_t n, struct import_images *out,
		       struct import_problems *pr);

/* Converts every image with media_child_convert (exe is fairctl) into
 * staging/<key>-{thumb,card,full}.jpg. Failures are added to pr. */
void import_images_convert(const struct import_images *imgs, const char *exe,
			   const char *staging, struct import_problems *pr);

/* Sets the items' image keys: a colour's own picture, else the product's;
 * the product's picture, else its first colour's. */
void import_images_apply(const struct import_images *imgs,
			 struct import_item *items, size_t n);

/* Moves every staged file under media_root. Returns 0, or -1 with err. */
int import_images_install(const struct import_images *imgs, const char *staging,
			  const char *media_root, char *err, size_t errlen);

/* Removes a folder and everything in it (the staging folder). */
void import_images_remove_tree(const char *dir);

/* Frees the list. */
void import_images_free(struct import_images *imgs);

#endif
