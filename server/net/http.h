/* http.h - HTTP routes: static files, /healthz, /metrics, the JSON API, and
 * the /ws upgrade gate.
 *
 * Answers that need the database or a worker are given later: the request
 * is known by an id (never by a pointer: the client may leave meanwhile) and
 * http_finish() writes the answer if the request is still there. */
#ifndef FAIR_HTTP_H
#define FAIR_HTTP_H

#include <jansson.h>
#include <libwebsockets.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rpc/proto.h"

/* One API request, as handed to its handler. Everything here is valid only
 * during the handler call: copy what you keep. */
struct http_call {
	uint64_t id;      /* for http_finish */
	const char *body; /* the request body (not NUL-terminated) */
	size_t body_len;
	const char *session;    /* the fair_session cookie value, or "" */
	const char *peer;       /* the client's address */
	const char *user_agent; /* or "" */
	const char *path;       /* the request path */
	const char *query;      /* the URL's arguments, decoded, joined by
				  * '&' ("color=黑色"), or "" */
	const char *range;      /* the Range header (GET), or "" */
	bool loopback;          /* from this host, not through a proxy */
};

/* The longest session cookie value http_call.session holds, with its NUL
 * (auth's SESSION_COOKIE_MAX: server/routes.c checks they agree). */
#define HTTP_SESSION_MAX 128

/* One API route. The table is the root's (server/routes.c, http_routes):
 * it names a handler of every folder, which net/ may not include. A route
 * gets the origin check, its session cookie and a body of at most max_body
 * bytes before its handler runs. */
struct http_route {
	const char *path;
	int method;      /* LWSHUMETH_* */
	size_t max_body; /* POST bodies up to this many bytes */
	void (*handler)(const struct http_call *call);
	bool prefix;          /* path is a prefix; the handler reads the rest */
	bool need_session;    /* no valid session cookie: 401 before the
			       * body is read (without the database) */
	unsigned roles_first; /* ROLE_* bits: the session is looked up (cache
			       * or PostgreSQL) and its role checked before a
			       * body byte is read; 0: the handler checks */
	const char *forbidden_why; /* the 403's message for roles_first */
	/* when set, the largest body for this request path instead of
	 * max_body (a configured limit, or one per kind of upload) */
	size_t (*max_body_for)(const char *path);
};

extern const struct http_route http_routes[];
extern const size_t http_routes_count;

/* A roles_first route's gate passed for request id. */
typedef void (*http_gate_pass_fn)(uint64_t id);

/* What HTTP needs of sessions, which auth/ decides: net/ includes no folder
 * above it, the root wires these (server/routes.c). */
struct http_session_hooks {
	/* A Cookie header's first valid session cookie: 0 and its hash, or
	 * -1 (auth_cookie_check). */
	int (*cookie_check)(const char *cookie_header, unsigned char hash[32]);
	/* The session cookie's value, for http_call.session; 0 or -1
	 * (auth_cookie_value). */
	int (*cookie_value)(const char *cookie_header, char *value,
			    size_t size);
	/* The gate of a roles_first route: when request id's session (a
	 * cookie value) has one of roles (ROLE_* bits), calls pass, possibly
	 * before returning; otherwise answers the refusal through the id
	 * (401, 403 with forbidden_why, 503). */
	void (*gate)(uint64_t id, const char *session, unsigned roles,
		     const char *forbidden_why, http_gate_pass_fn pass);
};

extern const struct http_session_hooks http_session_hooks;

/* /metrics' Prometheus text, at most size bytes into out (what does not
 * fit is left out); returns its length. Defined at the root
 * (server/metrics.c), which reads the counters of every folder. */
size_t http_metrics_text(char *out, size_t size);

/* Answers request id with status and a JSON body (stolen; NULL: empty).
 * set_cookie, when not NULL, is a whole Set-Cookie value; retry_after_s > 0
 * adds Retry-After. Quietly does nothing when the client has gone. */
void http_finish(uint64_t id, int status, json_t *body, const char *set_cookie,
		 int retry_after_s);

/* Answers request id with an error: code's status (proto_error_http_status)
 * and the body {"error": {"code", "message"}}. A 503 carries Retry-After: 5
 * (http_fail_retry says another number, or 0 for none). */
void http_fail(uint64_t id, enum proto_error code, const char *message);
void http_fail_retry(uint64_t id, enum proto_error code, const char *message,
		     int retry_after_s);

/* The same with a body of any type (copied) instead of JSON. */
void http_finish_body(uint64_t id, int status, const char *ctype,
		      const void *body, size_t len);

/* The same with a Cache-Control other than no-store (cache_control is
 * static text: "no-cache", "private, max-age=60"). */
void http_finish_cached(uint64_t id, int status, const char *ctype,
			const char *cache_control, const void *body,
			size_t len);

/* Answers request id with length bytes of the open file fd from offset:
 * Content-Length, Accept-Ranges: bytes, content_range (when not NULL:
 * "bytes 0-99/1000" for a 206, "bytes * /1000" for a 416) and
 * cache_control (static text). http.c owns fd from the call: it reads the
 * file as the client takes the answer (one part at a time, never the whole
 * in memory) and closes it when the answer is out or the client has gone;
 * a file that ends early cuts the answer. fd -1 or length 0: headers only.
 * Returns 0, or -1 when the client has gone (fd closed). */
int http_finish_file(uint64_t id, int status, const char *ctype,
		     const char *cache_control, const char *content_range,
		     int fd, int64_t offset, int64_t length);

/* Answers request id with a redirect (status 3xx) to location, no body. */
void http_finish_redirect(uint64_t id, int status, const char *location);

/* The same with an HTML page. */
void http_finish_page(uint64_t id, int status, const char *html, size_t len);

/* Streamed answers, for bodies too large to hold (the CSV report): the
 * headers go out without a length, then the body as it is written; a
 * client that stops reading is not read for. Call drain is called (on the
 * loop) whenever what waits to be sent falls under HTTP_STREAM_LOW_WATER:
 * produce more then. */
#define HTTP_STREAM_LOW_WATER (256 * 1024)
typedef void (*http_drain_fn)(uint64_t id, void *arg);

/* Starts streaming the answer to request id, as an attachment named
 * filename. Returns 0, or -1 when the client has gone. */
int http_stream_begin(uint64_t id, int status, const char *ctype,
		      const char *filename, http_drain_fn drain, void *arg);

/* Queues body bytes; returns how many bytes now wait to be sent, or -1
 * when the client has gone (stop producing). */
long http_stream_write(uint64_t id, const char *data, size_t len);

/* Bytes waiting to be sent, or -1 when the client has gone. */
long http_stream_waiting(uint64_t id);

/* Ends the body. failed: something went wrong after the headers were sent;
 * the connection is cut, so the client sees an incomplete answer rather
 * than a short one. */
void http_stream_end(uint64_t id, bool failed);

int http_lws_callback(struct lws *wsi, enum lws_callback_reasons reason,
		      void *user, void *in, size_t len);

/* The security headers added to every response of the vhost (lws's
 * info.headers): lws's own "best practices" set has default-src 'none'
 * with no manifest-src or worker-src, which would refuse the installable
 * pages' manifest and service worker. Static, never freed. The
 * video_origins setting (http_origin_list_valid) is added to media-src
 * and connect-src; NULL when it is not a list of origins. */
const struct lws_protocol_vhost_options *
http_security_headers(const char *video_origins);

/* Size of lws's per-connection allocation for the http protocol. */
size_t http_session_size(void);

/* HTTP requests waiting for an asynchronous answer. */
size_t http_pending_count(void);

/* Frees the pending-request index after the lws context is gone. */
void http_free(void);

/* Called on the loop when lws_cancel_service woke it (signals). */
extern void (*http_on_wake)(void);

#endif
