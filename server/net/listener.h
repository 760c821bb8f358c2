/* listener.h - the listening socket, opened by the server, not by lws.
 *
 * Debian's lws 4.1.6 sets SO_REUSEPORT only with several service threads,
 * so the server opens its own listener, with SO_REUSEPORT when asked to
 * share the port with other processes (listen_share, see port_share.h),
 * adopts it as a raw descriptor, and hands each accepted connection to lws,
 * which then does TLS, HTTP and upgrades. */
#ifndef FAIR_LISTENER_H
#define FAIR_LISTENER_H

#include <libwebsockets.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/loop_timer.h"
#include "base/rawfd.h"

struct listener {
	struct rawfd watch; /* first: the rawfd callback casts back */
	int fd;
	struct lws_vhost *vh;
	int port;   /* the port bound (useful when asked for 0) */
	int max_fd; /* connections get descriptors up to this */
	int64_t refused_logged_ms; /* last "at max_connections" line */
	unsigned long refused;     /* connections refused since that line */
	struct loop_timer resume;  /* accepting paused after EMFILE */
};

/* Binds address:port (with SO_REUSEPORT when share) and starts accepting, at most
 * max_connections at once: descriptors are handed out lowest first, so a
 * connection whose descriptor is more than max_connections above the
 * listener's is one too many, and is closed at once. Returns 0, or -1 with
 * a message in err. */
int listener_open(struct listener *l, struct lws_vhost *vh, const char *address,
		  int port, bool share, int max_connections, char *err,
		  size_t errlen);

/* Stops accepting; the socket is closed by lws soon after. */
void listener_close(struct listener *l);

#endif
