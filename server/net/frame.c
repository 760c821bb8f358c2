/* frame.c - shared outgoing frames (see frame.h). */
#include "net/frame.h"

#include <libwebsockets.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"

#define FRAME_HEADER_MAX 10

_Static_assert(LWS_PRE >= FRAME_HEADER_MAX, "the header fits the headroom");

/* RFC 6455 5.2: FIN and the text opcode, then the length in 7 bits, or 126
 * and 16 bits, or 127 and 64 bits, big-endian; no mask from a server. */
static size_t frame_header(unsigned char *out, size_t len)
{
	size_t n;

	out[0] = 0x81;
	if (len < 126) {
		out[1] = (unsigned char)len;
		return 2;
	}
	n = len <= 0xffff ? 2 : 8;
	out[1] = n == 2 ? 126 : 127;
	for (size_t i = 0; i < n; i++)
		out[2 + i] = (unsigned char)(len >> (8 * (n - 1 - i)));
	return 2 + n;
}

static struct frame *frame_alloc(size_t len)
{
	struct frame *f = xmalloc(sizeof *f + LWS_PRE + len + 1);
	unsigned char header[FRAME_HEADER_MAX];

	f->refs = 1;
	f->len = len;
	f->header_len = (unsigned char)frame_header(header, len);
	memcpy(f->data + LWS_PRE - f->header_len, header, f->header_len);
	f->data[LWS_PRE + len] = '\0'; /* the text may be read as a C string */
	return f;
}

unsigned char *frame_wire(struct frame *f, size_t *len)
{
	*len = f->header_len + f->len;
	return f->data + LWS_PRE - f->header_len;
}

unsigned char *frame_text(struct frame *f)
{
	return f->data + LWS_PRE;
}

struct frame *frame_from_json(const json_t *obj)
{
	const size_t flags = JSON_COMPACT | JSON_PRESERVE_ORDER;
	size_t len = json_dumpb(obj, NULL, 0, flags);
	struct frame *f;

	if (!len)
		return NULL;
	f = frame_alloc(len);
	if (json_dumpb(obj, (char *)frame_text(f), len, flags) != len) {
		free(f);
		return NULL;
	}
	return f;
}

struct frame *frame_from_text(const char *text, size_t len)
{
	struct frame *f = frame_alloc(len);

	memcpy(frame_text(f), text, len);
	return f;
}

struct frame *frame_ref(struct frame *f)
{
	f->refs++;
	return f;
}

void frame_unref(struct frame *f)
{
	if (f && --f->refs == 0)
		free(f);
}
