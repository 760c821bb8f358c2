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

/* One API request, as handed to its handler. Everything here is valid only
 * during the handler call: copy what you keep. */
struct http_call {
	uint64_t id;             /* for http_finish */
	const char *body;        /* the request body (not NUL-terminated) */
	size_t body_len;
	const char *session;     /* the fair_session cookie value, or "" */
	const char *peer;        /* the client's address */
	const char *user_agent;  /* or "" */
	const char *path;        /* the request path */
	const char *query;       /* the URL's arguments, decoded, joined by
				  * '&' ("color=黑色"), or "" */
};

/* Answers request id with status and a JSON body (stolen; NULL: empty).
 * set_cookie, when not NULL, is a whole Set-Cookie value; retry_after_s > 0
 * adds Retry-After. Quietly does nothing when the client has gone. */
void http_finish(uint64_t id, int status, json_t *body, const char *set_cookie,
		 int retry_after_s);

/* The same with an HTML page (copied) instead of JSON. */
void http_finish_page(uint64_t id, int status, const char *html, size_t len);

int http_lws_callback(struct lws *wsi, enum lws_callback_reasons reason,
		      void *user, void *in, size_t len);

/* Size of lws's per-connection allocation for the http protocol. */
size_t http_session_size(void);

/* HTTP requests waiting for an asynchronous answer. */
size_t http_pending_count(void);

/* Frees the pending-request index after the lws context is gone. */
void http_free(void);

/* Called on the loop when lws_cancel_service woke it (signals). */
extern void (*http_on_wake)(void);

#endif
