/* wsclient.c - the load generator's WebSocket clients on one epoll loop. */
#include "wsclient.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif

#define MAX_MESSAGE (8u << 20)
#define READ_CHUNK 16384

struct ws_loop {
	int epfd;
	struct ws_target target;
	struct conn *conns;
	int max_conns;
	int next_source;
	struct ws_handlers h;
	void *ctx;
	struct ws_counts counts;
	char readbuf[READ_CHUNK];
};

static int64_t timespec_ns(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * 1000000000 + ts->tv_nsec;
}

int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return timespec_ns(&ts);
}

int ws_target_parse(struct ws_target *t, const char *url)
{
	const char *p = url, *colon, *slash;

	if (strncmp(p, "ws://", 5) != 0)
		return -1;
	p += 5;
	colon = strchr(p, ':');
	slash = strchr(p, '/');
	if (!colon || (slash && slash < colon) ||
	    (size_t)(colon - p) >= sizeof t->host)
		return -1;
	memcpy(t->host, p, (size_t)(colon - p));
	t->host[colon - p] = '\0';
	t->port = atoi(colon + 1);
	snprintf(t->path, sizeof t->path, "%s", slash ? slash : "/");
	return t->port > 0 && t->port < 65536 ? 0 : -1;
}

struct ws_loop *ws_loop_new(const struct ws_target *target, int max_conns,
			    const struct ws_handlers *handlers, void *ctx)
{
	struct ws_loop *loop = calloc(1, sizeof *loop);

	if (!loop)
		return NULL;
	loop->epfd = epoll_create1(EPOLL_CLOEXEC);
	loop->conns = calloc((size_t)max_conns, sizeof *loop->conns);
	if (loop->epfd < 0 || !loop->conns) {
		free(loop->conns);
		free(loop);
		return NULL;
	}
	loop->target = *target;
	loop->max_conns = max_conns;
	loop->h = *handlers;
	loop->ctx = ctx;
	for (int i = 0; i < max_conns; i++) {
		loop->conns[i].fd = -1;
		loop->conns[i].index = i;
	}
	return loop;
}

static void conn_release(struct conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	free(c->rx);
	free(c->msg);
	free(c->tx);
	c->rx = c->msg = c->tx = NULL;
	c->rx_len = c->rx_cap = c->msg_len = c->msg_cap = 0;
	c->tx_len = c->tx_off = c->tx_cap = 0;
}

void ws_loop_free(struct ws_loop *loop)
{
	if (!loop)
		return;
	for (int i = 0; i < loop->max_conns; i++)
		conn_release(&loop->conns[i]);
	free(loop->conns);
	close(loop->epfd);
	free(loop);
}

void *ws_loop_ctx(struct ws_loop *loop)
{
	return loop->ctx;
}

struct conn *ws_conn(struct ws_loop *loop, int index)
{
	return &loop->conns[index];
}

void ws_loop_counts(struct ws_loop *loop, struct ws_counts *out)
{
	*out = loop->counts;
}

static int grow(char **buf, size_t *cap, size_t need)
{
	size_t n = *cap ? *cap : 256;
	char *p;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	p = realloc(*buf, n);
	if (!p)
		return -1;
	*buf = p;
	*cap = n;
	return 0;
}

static void set_events(struct ws_loop *loop, struct conn *c, bool write)
{
	struct epoll_event ev = {.events = EPOLLIN | (write ? EPOLLOUT : 0u),
				 .data.u32 = (uint32_t)c->index};

	if (c->want_write == write)
		return;
	c->want_write = write;
	epoll_ctl(loop->epfd, EPOLL_CTL_MOD, c->fd, &ev);
}

static void fail(struct ws_loop *loop, struct conn *c, const char *why)
{
	bool was_open = c->state == CONN_OPEN;

	if (c->state == CONN_CLOSED || c->state == CONN_IDLE)
		return;
	if (c->state == CONN_CONNECTING || c->state == CONN_UPGRADING)
		loop->counts.connect_errors++;
	if (was_open)
		loop->counts.closed++;
	epoll_ctl(loop->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	conn_release(c);
	c->state = CONN_CLOSED;
	if (loop->h.on_close)
		loop->h.on_close(loop, c, why);
}

/* Writes what is queued; keeps EPOLLOUT on while something is left. */
static void flush(struct ws_loop *loop, struct conn *c)
{
	while (c->tx_off < c->tx_len) {
		ssize_t n = send(c->fd, c->tx + c->tx_off,
				 c->tx_len - c->tx_off, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			fail(loop, c, strerror(errno));
			return;
		}
		c->tx_off += (size_t)n;
	}
	if (c->tx_off == c->tx_len)
		c->tx_off = c->tx_len = 0;
	set_events(loop, c, c->tx_len > 0);
}

static void queue_bytes(struct ws_loop *loop, struct conn *c, const void *data,
			size_t len)
{
	if (grow(&c->tx, &c->tx_cap, c->tx_len + len) != 0) {
		fail(loop, c, "out of memory");
		return;
	}
	memcpy(c->tx + c->tx_len, data, len);
	c->tx_len += len;
}

static void send_frame(struct ws_loop *loop, struct conn *c, unsigned opcode,
		       const char *data, size_t len)
{
	unsigned char head[14];
	size_t n = 0;

	if (c->fd < 0)
		return;
	head[n++] = (unsigned char)(0x80 | opcode);
	if (len < 126) {
		head[n++] = (unsigned char)(0x80 | len);
	} else if (len < 65536) {
		head[n++] = 0x80 | 126;
		head[n++] = (unsigned char)(len >> 8);
		head[n++] = (unsigned char)len;
	} else {
		head[n++] = 0x80 | 127;
		for (int i = 7; i >= 0; i--)
			head[n++] = (unsigned char)((uint64_t)len >> (8 * i));
	}
	memset(head + n, 0, 4); /* the zero mask leaves the payload as it is */
	n += 4;
	queue_bytes(loop, c, head, n);
	if (len && c->fd >= 0)
		queue_bytes(loop, c, data, len);
	if (c->fd >= 0)
		flush(loop, c);
}

void ws_send_text(struct ws_loop *loop, struct conn *c, const char *text,
		  size_t len)
{
	if (c->state == CONN_OPEN)
		send_frame(loop, c, 0x1, text, len);
}

void ws_close(struct ws_loop *loop, struct conn *c)
{
	if (c->state == CONN_OPEN || c->state == CONN_CONNECTING ||
	    c->state == CONN_UPGRADING) {
		if (c->state == CONN_OPEN)
			loop->counts.closed++;
		epoll_ctl(loop->epfd, EPOLL_CTL_DEL, c->fd, NULL);
		conn_release(c);
		c->state = CONN_CLOSED;
	}
}

int ws_connect(struct ws_loop *loop, struct conn *c, const char *cookie)
{
	struct sockaddr_in src = {.sin_family = AF_INET},
			   dst = {.sin_family = AF_INET};
	struct epoll_event ev = {.events = EPOLLOUT,
				 .data.u32 = (uint32_t)c->index};
	int one = 1;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	/* The kernel's receive time comes with each read (see on_readable). */
	setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one);
	if (loop->target.source_count > 0) {
		unsigned host = 2u + (unsigned)(loop->next_source++ %
						loop->target.source_count);

		setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one,
			   sizeof one);
		src.sin_addr.s_addr = htonl(0x7f000000u | host);
		if (bind(fd, (struct sockaddr *)&src, sizeof src) != 0) {
			close(fd);
			return -1;
		}
	}
	dst.sin_port = htons((uint16_t)loop->target.port);
	inet_pton(AF_INET, loop->target.host, &dst.sin_addr);
	if (connect(fd, (struct sockaddr *)&dst, sizeof dst) != 0 &&
	    errno != EINPROGRESS) {
		close(fd);
		return -1;
	}
	c->fd = fd;
	c->state = CONN_CONNECTING;
	c->cookie = cookie;
	c->want_write = true;
	c->close_code = 0;
	c->connect_ns = now_ns();
	c->upgraded_ns = c->hello_ns = 0;
	if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
		conn_release(c);
		c->state = CONN_CLOSED;
		return -1;
	}
	return 0;
}

static void send_upgrade(struct ws_loop *loop, struct conn *c)
{
	char req[1024];
	int n = snprintf(
		req, sizeof req,
		"GET %s HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\n"
		"Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
		"%s%s%s%s%s%s\r\n",
		loop->target.path, loop->target.host, loop->target.port,
		loop->target.protocol ? "Sec-WebSocket-Protocol: " : "",
		loop->target.protocol ? loop->target.protocol : "",
		loop->target.protocol ? "\r\n" : "",
		c->cookie ? "Cookie: " : "", c->cookie ? c->cookie : "",
		c->cookie ? "\r\n" : "");

	c->state = CONN_UPGRADING;
	queue_bytes(loop, c, req, (size_t)n);
	if (c->fd >= 0)
		flush(loop, c);
}

/* The HTTP answer to the upgrade: 0 done, 1 need more, -1 refused. */
static int read_upgrade(struct ws_loop *loop, struct conn *c)
{
	char *end = memmem(c->rx, c->rx_len, "\r\n\r\n", 4);
	size_t used;

	if (!end)
		return c->rx_len > 8192 ? -1 : 1;
	if (c->rx_len < 12 || memcmp(c->rx, "HTTP/1.1 101", 12) != 0) {
		loop->counts.refused++;
		return -1;
	}
	used = (size_t)(end + 4 - c->rx);
	memmove(c->rx, c->rx + used, c->rx_len - used);
	c->rx_len -= used;
	c->state = CONN_OPEN;
	c->upgraded_ns = now_ns();
	loop->counts.opened++;
	if (loop->h.on_open)
		loop->h.on_open(loop, c);
	return 0;
}

static void handle_frame(struct ws_loop *loop, struct conn *c, unsigned opcode,
			 bool fin, char *payload, size_t len)
{
	if (opcode == 0x9) {
		send_frame(loop, c, 0xA, payload, len);
		return;
	}
	if (opcode == 0xA)
		return;
	if (opcode == 0x8) {
		c->close_code = len >= 2 ? ((unsigned char)payload[0] << 8 |
					    (unsigned char)payload[1])
					 : 1005;
		fail(loop, c, "closed by the server");
		return;
	}
	if (opcode == 0x1 && fin && c->msg_len == 0) {
		loop->counts.frames_in++;
		loop->h.on_message(loop, c, payload, len);
		return;
	}
	if (c->msg_len + len > MAX_MESSAGE ||
	    grow(&c->msg, &c->msg_cap, c->msg_len + len + 1) != 0) {
		fail(loop, c, "message too large");
		return;
	}
	memcpy(c->msg + c->msg_len, payload, len);
	c->msg_len += len;
	if (fin) {
		size_t n = c->msg_len;

		c->msg[n] = '\0';
		c->msg_len = 0;
		loop->counts.frames_in++;
		loop->h.on_message(loop, c, c->msg, n);
	}
}

/* Consumes every whole frame in rx. */
static void read_frames(struct ws_loop *loop, struct conn *c)
{
	size_t off = 0;

	while (c->state == CONN_OPEN) {
		unsigned char *p = (unsigned char *)c->rx + off;
		size_t avail = c->rx_len - off, head = 2;
		uint64_t len;
		char saved;

		if (avail < 2)
			break;
		len = p[1] & 0x7f;
		if (len == 126) {
			head = 4;
			if (avail < head)
				break;
			len = (uint64_t)p[2] << 8 | p[3];
		} else if (len == 127) {
			head = 10;
			if (avail < head)
				break;
			len = 0;
			for (int i = 2; i < 10; i++)
				len = len << 8 | p[i];
		}
		if (len > MAX_MESSAGE) {
			fail(loop, c, "frame too large");
			return;
		}
		if (avail < head + len)
			break;
		/* NUL-terminate the payload for the handler, restoring the byte after. */
		saved = (char)p[head + len];
		p[head + len] = '\0';
		handle_frame(loop, c, p[0] & 0x0f, p[0] & 0x80,
			     (char *)p + head, len);
		if (c->state != CONN_OPEN)
			return;
		p = (unsigned char *)c->rx + off;
		p[head + len] = (unsigned char)saved;
		off += head + len;
	}
	if (off && c->rx) {
		memmove(c->rx, c->rx + off, c->rx_len - off);
		c->rx_len -= off;
	}
}

/* Reads what the socket has into loop->readbuf and sets c->rx_ns to the time
 * the kernel received it (SO_TIMESTAMPNS: of the last segment read), or to
 * now when the kernel gives none. A dealer has a frame when its bytes reach
 * its socket: with 10,000 dealers on one generator core, the generator's own
 * turn to read them must not count against the server. */
static ssize_t read_stamped(struct ws_loop *loop, struct conn *c)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(struct timespec))];
	} control;
	struct iovec iov = {loop->readbuf, sizeof loop->readbuf};
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = control.buf,
			     .msg_controllen = sizeof control.buf};
	ssize_t n = recvmsg(c->fd, &msg, 0);

	c->rx_ns = 0;
	for (struct cmsghdr *h = n > 0 ? CMSG_FIRSTHDR(&msg) : NULL; h;
	     h = CMSG_NXTHDR(&msg, h))
		if (h->cmsg_level == SOL_SOCKET &&
		    h->cmsg_type == SCM_TIMESTAMPNS) {
			struct timespec ts;

			memcpy(&ts, CMSG_DATA(h), sizeof ts);
			c->rx_ns = timespec_ns(&ts);
		}
	if (!c->rx_ns)
		c->rx_ns = now_ns();
	return n;
}

static void on_readable(struct ws_loop *loop, struct conn *c)
{
	for (;;) {
		ssize_t n = read_stamped(loop, c);

		if (n == 0) {
			fail(loop, c, "connection closed");
			return;
		}
		if (n < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				fail(loop, c, strerror(errno));
			return;
		}
		loop->counts.bytes_in += (uint64_t)n;
		/* One byte spare so a payload can be NUL-terminated in place. */
		if (grow(&c->rx, &c->rx_cap, c->rx_len + (size_t)n + 1) != 0) {
			fail(loop, c, "out of memory");
			return;
		}
		memcpy(c->rx + c->rx_len, loop->readbuf, (size_t)n);
		c->rx_len += (size_t)n;
		if (c->state == CONN_UPGRADING) {
			int r = read_upgrade(loop, c);

			if (r < 0) {
				fail(loop, c, "upgrade refused");
				return;
			}
			if (r > 0)
				continue;
		}
		if (c->state == CONN_OPEN)
			read_frames(loop, c);
		if (c->state != CONN_OPEN)
			return;
		if ((size_t)n < sizeof loop->readbuf)
			break;
	}
	/* An idle connection keeps no buffers. */
	if (c->rx_len == 0 && c->rx_cap > 65536) {
		free(c->rx);
		c->rx = NULL;
		c->rx_cap = 0;
	}
}

int ws_loop_run_once(struct ws_loop *loop, int timeout_ms)
{
	struct epoll_event events[512];
	int n = epoll_wait(loop->epfd, events, 512, timeout_ms);

	for (int i = 0; i < n; i++) {
		struct conn *c = &loop->conns[events[i].data.u32];

		if (c->fd < 0)
			continue;
		if (c->state == CONN_CONNECTING) {
			int err = 0;
			socklen_t len = sizeof err;

			getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
			if (err) {
				fail(loop, c, strerror(err));
				continue;
			}
			send_upgrade(loop, c);
			continue;
		}
		if (events[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP))
			on_readable(loop, c);
		if (c->fd >= 0 && (events[i].events & EPOLLOUT))
			flush(loop, c);
	}
	return n < 0 ? 0 : n;
}
