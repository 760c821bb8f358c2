/* media_check.c - format, size and dimensions from the bytes alone (see
 * media_check.h). Every read is bounds-checked against len: the input is
 * hostile until proven otherwise. */
#include "media/media_check.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static uint32_t be16(const unsigned char *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static uint32_t le16(const unsigned char *p)
{
	return (uint32_t)p[1] << 8 | p[0];
}

static uint32_t le24(const unsigned char *p)
{
	return (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[3] << 24 | le24(p);
}

static const unsigned char png_magic[8] = {0x89, 'P',  'N',  'G',
					   '\r', '\n', 0x1a, '\n'};

enum media_format media_sniff(const unsigned char *data, size_t len)
{
	if (len >= 3 && data[0] == 0xff && data[1] == 0xd8 && data[2] == 0xff)
		return MEDIA_JPEG;
	if (len >= 8 && !memcmp(data, png_magic, 8))
		return MEDIA_PNG;
	if (len >= 12 && !memcmp(data, "RIFF", 4) &&
	    !memcmp(data + 8, "WEBP", 4))
		return MEDIA_WEBP;
	return MEDIA_UNKNOWN;
}

const char *media_format_name(enum media_format format)
{
	switch (format) {
	case MEDIA_JPEG:
		return "JPEG";
	case MEDIA_PNG:
		return "PNG";
	case MEDIA_WEBP:
		return "WebP";
	case MEDIA_UNKNOWN:
		break;
	}
	return "unknown";
}

/* A guess at what a refused file is, to make the refusal clearer. */
static const char *refused_kind(const unsigned char *d, size_t len)
{
	bool text = true;

	if (len >= 4 && (!memcmp(d, "II*\0", 4) || !memcmp(d, "MM\0*", 4)))
		return "TIFF";
	if (len >= 4 && !memcmp(d, "GIF8", 4))
		return "GIF";
	if (len >= 2 && !memcmp(d, "BM", 2))
		return "BMP";
	if (len >= 12 && !memcmp(d + 4, "ftyp", 4)) {
		if (!memcmp(d + 8, "avif", 4) || !memcmp(d + 8, "avis", 4))
			return "AVIF";
		if (!memcmp(d + 8, "heic", 4) || !memcmp(d + 8, "heix", 4) ||
		    !memcmp(d + 8, "mif1", 4) || !memcmp(d + 8, "msf1", 4))
			return "HEIF";
		return "an ISO media file";
	}
	if (len >= 4 && !memcmp(d, "%PDF", 4))
		return "PDF";
	if (len >= 4 && !memcmp(d, "\0\0\1\0", 4))
		return "a Windows icon";
	if (len >= 12 && !memcmp(d, "RIFF", 4))
		return "a RIFF file that is not WebP";
	for (size_t i = 0; i < len && i < 256; i++)
		if (d[i] < 0x20 && d[i] != '\n' && d[i] != '\r' && d[i] != '\t')
			text = false;
	return text ? "text" : NULL;
}

static int fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static int png_size(const unsigned char *d, size_t len, uint32_t *w,
		    uint32_t *h, char *err, size_t errlen)
{
	/* signature, then the IHDR chunk: length 13, "IHDR", width, height,
	 * five one-byte fields, CRC */
	if (len < 33)
		return fail(err, errlen,
			    "the PNG file is truncated before "
			    "the end of its header");
	if (be32(d + 8) != 13 || memcmp(d + 12, "IHDR", 4))
		return fail(err, errlen,
			    "corrupt PNG: the first chunk is not "
			    "a valid IHDR header");
	*w = be32(d + 16);
	*h = be32(d + 20);
	return 0;
}

/* SOFn markers carry the frame size; C4 (DHT), C8 (JPG) and CC (DAC) share
 * the range but are not frames. */
static bool jpeg_is_sof(unsigned m)
{
	return m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc;
}

static int jpeg_size(const unsigned char *d, size_t len, uint32_t *w,
		     uint32_t *h, char *err, size_t errlen)
{
	size_t i = 2; /* after SOI */

	for (;;) {
		unsigned marker;
		size_t seglen;

		if (i >= len)
			return fail(err, errlen,
				    "the JPEG file ends before its frame "
				    "header (no SOF marker)");
		if (d[i] != 0xff)
			return fail(err, errlen,
				    "corrupt JPEG: no marker at byte %zu", i);
		while (i < len && d[i] == 0xff) /* fill bytes */
			i++;
		if (i >= len)
			continue; /* reported above on the next turn */
		marker = d[i++];
		if (marker == 0x01 || (marker >= 0xd0 && marker <= 0xd7))
			continue; /* TEM, RSTn: no length */
		if (marker == 0x00 || marker == 0xd8 || marker == 0xd9 ||
		    marker == 0xda)
			return fail(err, errlen,
				    "corrupt JPEG: marker 0x%02X before the "
				    "frame header",
				    marker);
		if (i + 2 > len)
			return fail(err, errlen,
				    "the JPEG file is truncated "
				    "in a marker segment");
		seglen = be16(d + i);
		if (seglen < 2)
			return fail(err, errlen,
				    "corrupt JPEG: segment length %zu at byte "
				    "%zu",
				    seglen, i);
		if (jpeg_is_sof(marker)) {
			/* length, precision, height, width, components */
			if (seglen < 8 || i + 7 > len)
				return fail(err, errlen,
					    "the JPEG frame header is "
					    "truncated");
			*h = be16(d + i + 3);
			*w = be16(d + i + 5);
			if (*h == 0)
				return fail(err, errlen,
					    "the JPEG frame header gives no "
					    "height (DNL), which is not "
					    "supported");
			return 0;
		}
		i += seglen;
	}
}

/* The frame dimensions of a VP8 (lossy) or VP8L (lossless) chunk payload of
 * size bytes at p. */
static int webp_frame_size(const unsigned char *fourcc, const unsigned char *p,
			   size_t size, uint32_t *w, uint32_t *h, char *err,
			   size_t errlen)
{
	if (!memcmp(fourcc, "VP8 ", 4)) {
		/* frame tag (3 bytes, bit 0 clear on a key frame), start
		 * code 9d 01 2a, 14-bit width and height */
		if (size < 10)
			return fail(err, errlen,
				    "the WebP VP8 header is "
				    "truncated");
		if (p[0] & 1)
			return fail(err, errlen,
				    "corrupt WebP: the VP8 frame "
				    "is not a key frame");
		if (p[3] != 0x9d || p[4] != 0x01 || p[5] != 0x2a)
			return fail(err, errlen,
				    "corrupt WebP: bad VP8 start "
				    "code");
		*w = le16(p + 6) & 0x3fff;
		*h = le16(p + 8) & 0x3fff;
		return 0;
	}
	/* VP8L: signature 0x2f, then 14 bits width - 1, 14 bits height - 1 */
	if (size < 5)
		return fail(err, errlen, "the WebP VP8L header is truncated");
	if (p[0] != 0x2f)
		return fail(err, errlen, "corrupt WebP: bad VP8L signature");
	*w = 1 + (((uint32_t)(p[2] & 0x3f) << 8) | p[1]);
	*h = 1 + (((uint32_t)(p[4] & 0x0f) << 10) | (uint32_t)p[3] << 2 |
		  (uint32_t)(p[2] & 0xc0) >> 6);
	return 0;
}

static int webp_size(const unsigned char *d, size_t len, uint32_t *w,
		     uint32_t *h, char *err, size_t errlen)
{
	size_t size, off;
	uint32_t fw, fh;

	if (len < 20)
		return fail(err, errlen,
			    "the WebP file is truncated before "
			    "its first chunk");
	size = le32(d + 16);
	if (size > len - 20)
		return fail(err, errlen,
			    "the WebP file is truncated in its "
			    "first chunk");
	if (!memcmp(d + 12, "VP8 ", 4) || !memcmp(d + 12, "VP8L", 4))
		return webp_frame_size(d + 12, d + 20, size, w, h, err, errlen);
	if (memcmp(d + 12, "VP8X", 4))
		return fail(err, errlen,
			    "corrupt WebP: unknown first chunk \"%.4s\"",
			    (const char *)d + 12);
	/* extended: flags, 3 reserved bytes, canvas width - 1 and height - 1
	 * in 24 bits each */
	if (size < 10)
		return fail(err, errlen, "the WebP VP8X header is truncated");
	if (d[20] & 0x02)
		return fail(err, errlen,
			    "animated WebP images are not "
			    "supported");
	*w = 1 + le24(d + 24);
	*h = 1 + le24(d + 27);
	/* The frame that follows must agree with the canvas. */
	for (off = 20 + size + (size & 1); off + 8 <= len;) {
		const unsigned char *c = d + off;
		size_t csize = le32(c + 4);

		if (csize > len - off - 8)
			return fail(err, errlen,
				    "the WebP file is truncated in chunk "
				    "\"%.4s\"",
				    (const char *)c);
		if (!memcmp(c, "ANIM", 4) || !memcmp(c, "ANMF", 4))
			return fail(err, errlen,
				    "animated WebP images are "
				    "not supported");
		if (!memcmp(c, "VP8 ", 4) || !memcmp(c, "VP8L", 4)) {
			if (webp_frame_size(c, c + 8, csize, &fw, &fh, err,
					    errlen))
				return -1;
			if (fw != *w || fh != *h)
				return fail(err, errlen,
					    "corrupt WebP: the frame is %u x "
					    "%u pixels but the canvas %u x %u",
					    fw, fh, *w, *h);
			return 0;
		}
		off += 8 + csize + (csize & 1);
	}
	return fail(err, errlen, "the WebP file has no image data");
}

int media_check(const unsigned char *data, size_t len, struct media_info *out,
		char *err, size_t errlen)
{
	enum media_format format;
	uint32_t w = 0, h = 0;
	int rc;

	memset(out, 0, sizeof *out);
	if (len == 0)
		return fail(err, errlen, "the file is empty");
	if (len > MEDIA_MAX_BYTES)
		return fail(err, errlen,
			    "the file has %zu bytes; the limit is %u MiB", len,
			    MEDIA_MAX_BYTES / (1024 * 1024));
	format = media_sniff(data, len);
	switch (format) {
	case MEDIA_JPEG:
		rc = jpeg_size(data, len, &w, &h, err, errlen);
		break;
	case MEDIA_PNG:
		rc = png_size(data, len, &w, &h, err, errlen);
		break;
	case MEDIA_WEBP:
		rc = webp_size(data, len, &w, &h, err, errlen);
		break;
	default: {
		const char *kind = refused_kind(data, len);

		if (kind)
			return fail(err, errlen,
				    "not a JPEG, PNG or WebP image (it looks "
				    "like %s)",
				    kind);
		return fail(err, errlen, "not a JPEG, PNG or WebP image");
	}
	}
	if (rc)
		return -1;
	if (w < MEDIA_MIN_SIDE || h < MEDIA_MIN_SIDE || w > MEDIA_MAX_SIDE ||
	    h > MEDIA_MAX_SIDE)
		return fail(err, errlen,
			    "the %s header says %u x %u pixels; each side "
			    "must be %d to %d",
			    media_format_name(format), w, h, MEDIA_MIN_SIDE,
			    MEDIA_MAX_SIDE);
	if ((uint64_t)w * h > MEDIA_MAX_PIXELS)
		return fail(err, errlen,
			    "the %s header says %u x %u pixels (%.1f "
			    "megapixels); the limit is %u megapixels",
			    media_format_name(format), w, h,
			    (double)w * h / 1e6, MEDIA_MAX_PIXELS / 1000000);
	out->format = format;
	out->width = w;
	out->height = h;
	return 0;
}
