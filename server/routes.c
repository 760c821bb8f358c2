/* routes.c - the HTTP API's routes and what HTTP asks of sessions.
 *
 * net/http.c serves a route (origin, cookie, size, the role gate, the body)
 * but names no handler: each lives in the folder of its concern, above
 * net/, so the table that names them sits here, at the root, as main.c and
 * op_table.c wire the rest. A new HTTP route is one line below, with its
 * handler (void fn(const struct http_call *)) in its folder. */
#include <stdlib.h>

#include "auth/auth.h"
#include "auth/session_token.h"
#include "base/xalloc.h"
#include "features/message_http.h"
#include "features/report_csv.h"
#include "media/admin_image.h"
#include "media/clip_http.h"
#include "media/media_check.h"
#include "media/stream_http.h"
#include "net/http.h"
#include "order/order_processing.h"
#include "rpc/dispatch.h"

_Static_assert(HTTP_SESSION_MAX == SESSION_COOKIE_MAX,
	       "http_call.session holds a whole session cookie value");

/* Matched in order: the first whose path (or prefix) matches serves. */
const struct http_route http_routes[] = {
	{"/api/login", LWSHUMETH_POST, 4096, auth_http_login, false, false},
	{"/api/logout", LWSHUMETH_POST, 4096, auth_http_logout, false, false},
	{"/api/password", LWSHUMETH_POST, 4096, auth_http_password, false,
	 false},
	{"/api/me", LWSHUMETH_GET, 0, auth_http_me, false, false},
	/* pictures, and clips (.../<id>/clip: clip_http.h) up to clip_max_mb */
	{ADMIN_IMAGE_PATH_PREFIX, LWSHUMETH_POST, MEDIA_MAX_BYTES,
	 admin_image_http_upload, true, true, ROLE_ADMIN,
	 "only administrators upload product pictures and clips",
	 clip_http_max_body},
	/* a product clip and its poster, with byte ranges (before /media/) */
	{CLIP_FILES_PATH_PREFIX, LWSHUMETH_GET, 0, clip_http_get, true, false},
	{ORDER_PRINT_PATH_PREFIX, LWSHUMETH_GET, 0, order_print_http, true,
	 false},
	{FAIR_FILES_PATH_PREFIX, LWSHUMETH_GET, 0, report_http, true, true},
	/* nginx-rtmp's on_publish, on_publish_done and on_update (loopback) */
	{STREAM_NOTIFY_PATH_PREFIX, LWSHUMETH_POST, 4096, stream_http_notify,
	 true, false},
	/* a mail's unsubscribe link (its token, no session), the ERP export */
	{UNSUBSCRIBE_PATH, LWSHUMETH_GET, 0, unsubscribe_http_ask, false,
	 false},
	{UNSUBSCRIBE_POST_PATH, LWSHUMETH_POST, 256, unsubscribe_http, false,
	 false},
	{ERP_PATH_PREFIX, LWSHUMETH_GET, 0, erp_http, true, true},
	/* a fair's HLS playlist and segments (its users), replays; the session
	 * is asked for by the handler: a segment may come by a signed link */
	{STREAM_HLS_PATH_PREFIX, LWSHUMETH_GET, 0, stream_http_hls, true,
	 false},
};

const size_t http_routes_count = sizeof http_routes / sizeof http_routes[0];

/* A roles_first gate waiting for auth_http_user's answer. */
struct gate_wait {
	uint64_t id;
	unsigned roles;
	const char *forbidden_why;
	http_gate_pass_fn pass;
};

static void gate_user(void *arg, struct auth_user *user, int status)
{
	struct gate_wait *w = arg;

	/* auth_http_allow answers a refusal itself */
	if (auth_http_allow(w->id, user, status, w->roles, w->forbidden_why))
		w->pass(w->id);
	free(w);
}

static void gate(uint64_t id, const char *session, unsigned roles,
		 const char *forbidden_why, http_gate_pass_fn pass)
{
	struct gate_wait *w = xmalloc(sizeof *w);

	w->id = id;
	w->roles = roles;
	w->forbidden_why = forbidden_why;
	w->pass = pass;
	auth_http_user(session, gate_user, w);
}

const struct http_session_hooks http_session_hooks = {
	.cookie_check = auth_cookie_check,
	.cookie_value = auth_cookie_value,
	.gate = gate,
};
