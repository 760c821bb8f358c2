/* media_key.h - where a product image lives, by name.
 *
 * A stored image is three JPEG files under the media root (served at
 * /media/): <key>-thumb.jpg, <key>-card.jpg and <key>-full.jpg. Its key is
 * what products.image and variants.image hold (^[a-z0-9/_-]{1,120}$):
 * "p/<style>/<colour slug>", e.g. "p/fw27-1001/black" for style FW27-1001
 * in 黑色, or "p/<style>/main" for a picture of the product as a whole.
 * Pure code. */
#ifndef FAIR_MEDIA_KEY_H
#define FAIR_MEDIA_KEY_H

#include <stdbool.h>
#include <stddef.h>

#define MEDIA_KEY_MAX 121  /* bytes of a key, with its NUL */
#define MEDIA_SLUG_MAX 41  /* bytes of a colour slug, with its NUL */
#define MEDIA_SIZE_COUNT 3 /* thumb, card, full */

/* One stored size: every image is fitted into this box (4:5, portrait, the
 * shape of a garment card) on a white background, then encoded as JPEG. */
struct media_size {
	const char *name; /* file suffix: "thumb", "card", "full" */
	int width;        /* pixels */
	int height;       /* pixels */
};

extern const struct media_size media_sizes[MEDIA_SIZE_COUNT];

/* The slug of a colour name for keys and file names: common Chinese colour
 * names (traditional or simplified) become English words ("黑色" ->
 * "black", "藏青" -> "navy"), ASCII names are lower-cased with runs of
 * other characters turned into '-' ("Light Grey" -> "light-grey"), and
 * anything else becomes "c-" and eight hex digits of a hash of the name.
 * Writes at most MEDIA_SLUG_MAX bytes into out; returns 0, or -1 when size
 * is too small. */
int media_color_slug(const char *color, char *out, size_t size);

/* "p/<style lower-cased, '.' as '_'>/<slug>" into out (MEDIA_KEY_MAX bytes
 * suffice for any valid style and slug). Returns 0, or -1 when the result
 * would not be a valid key. */
int media_product_key(const char *style, const char *slug, char *out,
		      size_t size);

/* True when key matches ^[a-z0-9/_-]{1,120}$ and has no empty, "." or ".."
 * path segment (so it is safe to join under the media root). */
bool media_key_valid(const char *key);

#endif
