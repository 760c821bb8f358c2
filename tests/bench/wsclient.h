/* wsclient.h - many WebSocket client connections on one epoll loop, for the
 * load generator. Client frames are masked with a zero key (legal, and it
 * costs nothing); server frames are reassembled and handed over whole. */
#ifndef WSCLIENT_H
#define WSCLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum conn_state {
	CONN_IDLE,
	CONN_CONNECTING,
	CONN_UPGRADING,
	CONN_OPEN,
	CONN_CLOSED
};

struct conn {
	int fd;
	int index; /* position in the loop's table */
	enum conn_state state;
	const char *cookie; /* "fair_session=..." or NULL */
	char *rx;           /* bytes read, not consumed yet */
	size_t rx_len, rx_cap;
	char *msg; /* fragments of the message being reassembled */
	size_t msg_len, msg_cap;
	char *tx; /* bytes the kernel did not take yet */
	size_t tx_len, tx_off, tx_cap;
	bool want_write;
	int64_t connect_ns, upgraded_ns, hello_ns;
	int64_t rx_ns; /* when the kernel received the frame being handled */
	int close_code;
	void *user; /* the scenario's per-connection state */
};

struct ws_loop;

struct ws_handlers {
	void (*on_open)(struct ws_loop *loop,
			struct conn *c); /* 101 received */
	void (*on_message)(struct ws_loop *loop, struct conn *c, char *text,
			   size_t len);
	void (*on_close)(struct ws_loop *loop, struct conn *c, const char *why);
};

struct ws_target {
	char host[64];
	int port;
	char path[128];
	const char *protocol; /* Sec-WebSocket-Protocol, or NULL */
	int source_count; /* spread over 127.0.0.2 .. 127.0.0.(1 + source_count) */
};

int64_t now_ns(void);
int ws_target_parse(struct ws_target *t, const char *url);

struct ws_loop *ws_loop_new(const struct ws_target *target, int max_conns,
			    const struct ws_handlers *handlers, void *ctx);
void ws_loop_free(struct ws_loop *loop);
void *ws_loop_ctx(struct ws_loop *loop);
struct conn *ws_conn(struct ws_loop *loop, int index);

/* Starts a connection (socket, bind to a source address, connect): 0 or -1. */
int ws_connect(struct ws_loop *loop, struct conn *c, const char *cookie);
/* Queues one text frame; sends what the kernel takes at once. */
void ws_send_text(struct ws_loop *loop, struct conn *c, const char *text,
		  size_t len);
void ws_close(struct ws_loop *loop, struct conn *c);
/* Waits at most timeout_ms for I/O and handles it; returns events handled. */
int ws_loop_run_once(struct ws_loop *loop, int timeout_ms);

/* Counters over the loop's life. */
struct ws_counts {
	uint64_t opened, closed, refused, connect_errors, frames_in, bytes_in;
};
void ws_loop_counts(struct ws_loop *loop, struct ws_counts *out);

#endif
