/* frame.c - shared outgoing frames (see frame.h). */
#include "frame.h"

#include <libwebsockets.h>
#include <stdlib.h>
#include <string.h>

static struct frame *frame_alloc(size_t len)
{
	struct frame *f = malloc(sizeof *f + LWS_PRE + len + 1);

	if (!f)
		return NULL;
	f->refs = 1;
	f->len = len;
	f->data[LWS_PRE + len] = '\0'; /* the text may be read as a C string */
	return f;
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
	if (f && json_dumpb(obj, (char *)frame_text(f), len, flags) != len) {
		free(f);
		return NULL;
	}
	return f;
}

struct frame *frame_from_text(const char *text, size_t len)
{
	struct frame *f = frame_alloc(len);

	if (f)
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
