/* frame.h - an outgoing WebSocket text, serialised once and shared.
 *
 * A frame holds its text after LWS_PRE bytes of headroom, and the end of
 * that headroom holds the frame's WebSocket header, built once: a server's
 * frames are unmasked, so the header is the same for every recipient, and
 * the header and text together are the bytes on the wire (frame_wire). It
 * is reference counted: a broadcast is one frame queued to many sessions;
 * each queue holds a reference and drops it after the write. Loop thread
 * only. */
#ifndef FAIR_FRAME_H
#define FAIR_FRAME_H

#include <jansson.h>
#include <stddef.h>

struct frame {
	unsigned refs;
	unsigned char header_len; /* header bytes at the end of the headroom */
	size_t len;               /* bytes of text after the headroom */
	unsigned char data[];     /* LWS_PRE headroom (ending with the header),
				  then the text */
};

/* Serialises obj (borrowed) compactly. Returns a frame with one reference,
 * or NULL when jansson cannot serialise it. */
struct frame *frame_from_json(const json_t *obj);

/* Copies len bytes of text into a new frame with one reference (never
 * NULL: out of memory aborts, base/xalloc.h). */
struct frame *frame_from_text(const char *text, size_t len);

/* Returns a pointer to the text (after the headroom). */
unsigned char *frame_text(struct frame *f);

/* The frame as it goes on the wire, a final text frame: its header, then
 * its text; *len is set to their length. */
unsigned char *frame_wire(struct frame *f, size_t *len);

struct frame *frame_ref(struct frame *f);

/* Drops a reference; the last one frees the frame. NULL is ignored. */
void frame_unref(struct frame *f);

#endif
