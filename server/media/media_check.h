/* media_check.h - what an uploaded image must be before any decoder sees it.
 *
 * Pure checks on the bytes: the format by its magic bytes (JPEG, PNG and
 * WebP only: Debian's libgd would also decode TIFF, HEIF and AVIF, so
 * nothing else may ever reach it), the byte size, and the width and height
 * read from the format's own header (PNG IHDR, the JPEG SOFn marker, the
 * WebP VP8/VP8L/VP8X chunk). libgd allocates whatever a header claims, so
 * these limits are the only thing between a 100000 x 100000 PNG of a few
 * bytes and an allocation of 40 GB. No libgd, no I/O: unit tests and fuzzers
 * call it directly. */
#ifndef FAIR_MEDIA_CHECK_H
#define FAIR_MEDIA_CHECK_H

#include <stddef.h>
#include <stdint.h>

#define MEDIA_MAX_BYTES (10u * 1024u * 1024u) /* 10 MiB */
#define MEDIA_MIN_SIDE 16                     /* pixels */
#define MEDIA_MAX_SIDE 8000                   /* pixels */
#define MEDIA_MAX_PIXELS 40000000u            /* 40 megapixels */

enum media_format { MEDIA_UNKNOWN = 0, MEDIA_JPEG, MEDIA_PNG, MEDIA_WEBP };

struct media_info {
	enum media_format format;
	uint32_t width;  /* pixels, from the header */
	uint32_t height; /* pixels, from the header */
};

/* Names the format by its magic bytes alone: MEDIA_JPEG, MEDIA_PNG,
 * MEDIA_WEBP, or MEDIA_UNKNOWN for anything else (including formats libgd
 * could decode but we refuse). */
enum media_format media_sniff(const unsigned char *data, size_t len);

/* "JPEG", "PNG", "WebP" or "unknown". */
const char *media_format_name(enum media_format format);

/* Checks len bytes of data: an accepted format, at most MEDIA_MAX_BYTES, a
 * header that can be read, each side from MEDIA_MIN_SIDE to MEDIA_MAX_SIDE
 * pixels and at most MEDIA_MAX_PIXELS in all (and for WebP, a still image).
 * Returns 0 and fills out, or -1 with a reason for a person in err, e.g.
 * "not a JPEG, PNG or WebP image (it looks like TIFF)" or "the PNG header
 * says 100000 x 100000 pixels; the limit is 8000 per side". */
int media_check(const unsigned char *data, size_t len, struct media_info *out,
		char *err, size_t errlen);

#endif
