/* rawfd.h - watch a file descriptor on the libwebsockets loop.
 *
 * The listener, PostgreSQL connections and the worker pool's wake-up pipe
 * are adopted into lws as RAW file descriptors: lws only reports readiness,
 * the owner does its own reading. Each owner embeds a struct rawfd whose
 * callback receives the readiness; lws closing the adopted descriptor closes
 * only that descriptor, so adopt a dup when another library owns the fd. */
#ifndef FAIR_RAWFD_H
#define FAIR_RAWFD_H

#include <libwebsockets.h>
#include <stdbool.h>

#include "base/loop_timer.h"

enum rawfd_event { RAWFD_READABLE, RAWFD_WRITABLE, RAWFD_CLOSED };

struct rawfd {
	/* Called on the loop. Return nonzero from READABLE or WRITABLE to have
	 * lws close the descriptor (a CLOSED event follows). */
	int (*on_event)(struct rawfd *w, enum rawfd_event ev);
	struct lws *wsi;         /* NULL when not adopted */
	bool in_writable;        /* inside the WRITABLE callback */
	bool write_again;        /* asked for WRITABLE from inside it */
	struct loop_timer rearm; /* asks lws once its callback has returned */
};

/* Adopts fd (lws owns it from now on, even on failure). Returns 0 or -1. */
int rawfd_adopt(struct lws_vhost *vh, int fd, struct rawfd *w);

/* Asks to be called with RAWFD_WRITABLE once the fd can be written; also
 * from inside a WRITABLE callback (a write that could not finish): lws
 * 4.1.6 clears its POLLOUT interest after that callback returns, so the
 * request is made again on the next loop turn. */
void rawfd_want_write(struct rawfd *w);

/* Detaches the owner and has lws close the descriptor soon (no CLOSED event
 * reaches the owner). Safe to call from inside the owner's callback. */
void rawfd_release(struct rawfd *w);

/* The lws protocol that delivers raw readiness; listed in main.c. */
int rawfd_lws_callback(struct lws *wsi, enum lws_callback_reasons reason,
		       void *user, void *in, size_t len);

#define RAWFD_PROTOCOL_NAME "fair-raw"

#endif
