/* http.h - HTTP routes: static files, /healthz, and the /ws upgrade gate.
 *
 * Responses that need the database are answered later: the request keeps an
 * id, the query result finds the connection by that id (or nothing, if the
 * client went away) and the response is written on WRITEABLE. */
#ifndef FAIR_HTTP_H
#define FAIR_HTTP_H

#include <libwebsockets.h>
#include <stddef.h>

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
