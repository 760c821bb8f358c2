/* listener.c - accept connections and hand them to lws (see listener.h). */
#include "net/listener.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/log.h"
#include "base/loop_timer.h"
#include "base/timefmt.h"

#define ACCEPTS_PER_WAKEUP 64 /* then let the loop serve others */
#define REFUSED_LOG_MS 10000  /* at most one "too many" line this often */

/* Closes fd, one connection over max_connections, and says so now and
 * then: under a flood a line per refusal would drown the log. */
static void refuse(struct listener *l, int fd)
{
	int64_t now = timefmt_mono_ms();

	close(fd);
	l->refused++;
	if (now - l->refused_logged_ms >= REFUSED_LOG_MS) {
		LOG(LOG_WARN,
		    "at max_connections (%d): refused %lu connection%s since "
		    "the last such line",
		    l->max_fd - l->fd, l->refused, l->refused == 1 ? "" : "s");
		l->refused_logged_ms = now;
		l->refused = 0;
	}
}

static void resume_accepting(struct loop_timer *t)
{
	struct listener *l = lws_container_of(t, struct listener, resume);

	if (l->watch.wsi)
		lws_rx_flow_control(l->watch.wsi, 1);
}

static int on_listener_event(struct rawfd *w, enum rawfd_event ev)
{
	struct listener *l = (struct listener *)w;

	if (ev != RAWFD_READABLE)
		return 0;
	for (int i = 0; i < ACCEPTS_PER_WAKEUP; i++) {
		int one = 1;
		int fd = accept4(l->fd, NULL, NULL,
				 SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE ||
			    errno == ENOBUFS || errno == ENOMEM) {
				/* Out of descriptors: the pending connection
				 * keeps the socket readable, so pause instead
				 * of spinning, and try again shortly. */
				LOG(LOG_ERROR,
				    "accept: %s; pausing new connections for "
				    "100 ms",
				    strerror(errno));
				lws_rx_flow_control(l->watch.wsi, 0);
				loop_timer_schedule(&l->resume,
						    resume_accepting,
						    100 * LWS_US_PER_MS);
			}
			break; /* EAGAIN: all taken; others: try next time */
		}
		if (fd > l->max_fd) {
			refuse(l, fd);
			continue;
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		if (!lws_adopt_socket_vhost(l->vh, fd)) {
			/* lws closes fd itself when adoption fails */
			LOG(LOG_WARN, "lws could not adopt a connection");
		}
	}
	return 0;
}

int listener_open(struct listener *l, struct lws_vhost *vh, const char *address,
		  int port, bool share, int max_connections, char *err,
		  size_t errlen)
{
	struct sockaddr_in sa;
	socklen_t sa_len = sizeof sa;
	int one = 1;

	memset(l, 0, sizeof *l);
	l->vh = vh;
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, address, &sa.sin_addr) != 1) {
		snprintf(err, errlen,
			 "listen_address %s is not an IPv4 address", address);
		return -1;
	}
	l->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (l->fd < 0 ||
	    setsockopt(l->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) ||
	    (share &&
	     setsockopt(l->fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one)) ||
	    bind(l->fd, (struct sockaddr *)&sa, sizeof sa) ||
	    listen(l->fd, 4096) ||
	    getsockname(l->fd, (struct sockaddr *)&sa, &sa_len)) {
		snprintf(err, errlen, "cannot listen on %s:%d: %s%s", address,
			 port, strerror(errno),
			 errno == EADDRINUSE && !share
				 ? " (another server runs there; several "
				   "processes of one fair share a port with "
				   "listen_share)"
				 : "");
		if (l->fd >= 0)
			close(l->fd);
		l->fd = -1;
		return -1;
	}
	l->port = ntohs(sa.sin_port);
	l->max_fd = l->fd + max_connections;
	l->watch.on_event = on_listener_event;
	if (rawfd_adopt(vh, l->fd, &l->watch)) {
		snprintf(err, errlen, "lws could not watch the listener");
		return -1;
	}
	return 0;
}

void listener_close(struct listener *l)
{
	loop_timer_cancel(&l->resume);
	rawfd_release(&l->watch);
	l->fd = -1;
}
