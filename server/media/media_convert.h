/* media_convert.h - decoding an image with libgd and writing the stored
 * sizes (media_sizes: thumb, card, full) as JPEG.
 *
 * media_convert_bytes decodes untrusted bytes: call it only in the child
 * process that media_child starts (`fairctl media-convert`), never in the
 * server itself. media_convert_write_sizes only encodes, and is also used
 * for pictures we draw ourselves (the demo). */
#ifndef FAIR_MEDIA_CONVERT_H
#define FAIR_MEDIA_CONVERT_H

#include <stddef.h>

#include "media/media_check.h"

#define MEDIA_JPEG_QUALITY 85

struct gdImageStruct; /* libgd's image, gdImagePtr */

/* Fits src into each of media_sizes (centred, aspect kept, on white; an
 * alpha channel is flattened onto white) and writes
 * "<prefix>-<size>.jpg" for each, through a temporary file renamed into
 * place, creating missing directories. src is not changed. Returns 0, or -1
 * with a reason in err. */
int media_convert_write_sizes(struct gdImageStruct *src, const char *prefix,
			      char *err, size_t errlen);

/* Checks data with media_check, decodes it with the decoder of its format
 * (JPEG, PNG or WebP; never libgd's guessing loaders), confirms the decoded
 * size matches the header and writes the sizes under prefix. data is not
 * modified (libgd's prototypes just lack const). Returns 0, or -1 with a
 * reason in err. */
int media_convert_bytes(unsigned char *data, size_t len, const char *prefix,
			char *err, size_t errlen);

#endif
