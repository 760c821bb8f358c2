/* http.c - HTTP routes (see http.h). */
#include "net/http.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/idmap.h"
#include "base/log.h"
#include "base/loop_timer.h"
#include "base/timefmt.h"
#include "base/xalloc.h"
#include "db/pg.h"
#include "net/client_addr.h"
#include "net/http_parse.h"
#include "net/ws_session.h"
#include "rpc/proto.h"
#include "server.h"

void (*http_on_wake)(void);

struct http_req {
	uint64_t id; /* in `pending` while an answer is awaited */
	struct lws *wsi;
	int stage; /* 0 idle, 1 headers to write, 2 body to write,
			     * 3 a streamed body (http_stream_*) */
	int status;
	const char *ctype;
	char *set_cookie;          /* owned; a Set-Cookie value, or NULL */
	int retry_after_s;         /* > 0: send Retry-After */
	const char *cache_control; /* static; NULL: no-store */
	char location[160];        /* a redirect's Location, or "" */
	unsigned char *body; /* owned; the text starts after LWS_PRE bytes */
	size_t body_len;
	int64_t started_ms;
	int method; /* LWSHUMETH_* */
	char path[200];
	char query[256]; /* the URL's arguments, for API routes */
	/* a request body being received for an API route */
	const struct http_route *route;
	char *in; /* owned; in_cap + 1 bytes */
	size_t in_len, in_cap, in_max;
	int gate;         /* GATE_*: the session and role before the body */
	bool body_done;   /* the whole body has come */
	bool close_after; /* close once the answer is out: the body was not
			     * read (a refusal before it) */
	bool lingering;   /* close_after's answer is out: what still comes
			     * is read and dropped for a moment, then close */
	int64_t linger_end_ms; /* then (timefmt_mono_ms) */
	char session[HTTP_SESSION_MAX];
	char peer[64];
	char user_agent[300];
	char range[128]; /* the Range header, or "" (http_call.range) */
	/* a streamed answer: what waits to be written, from LWS_PRE + out_off */
	char *out;
	size_t out_len, out_off, out_cap, streamed;
	bool stream_ended, stream_failed;
	bool chunked; /* HTTP/1.1: chunked, so a cut answer shows */
	char filename[96];
	http_drain_fn drain;
	void *drain_arg;
	/* a file answered (http_finish_file): read as the client takes it */
	bool has_file;
	int file_fd;
	int64_t file_off, file_left, content_length;
	bool accept_ranges;
	char content_range[80]; /* "bytes a-b/n", "bytes * /n", or "" */
};

/* The gate of a roles_first route: while the session is looked up, the
 * connection is not read (lws_rx_flow_control), so the body stays in the
 * client and the kernel; a refusal (401, 403, 503) is answered before the
 * body and the connection closed after a short linger (HTTP_LINGER_S) in
 * which what comes is dropped. A passed gate reads the body as any route.
 * (Over HTTP/2 lws ignores rx flow control; TLS offers HTTP/1.1 only.) */
enum {
	GATE_NONE,     /* no gate, or passed: the body is read */
	GATE_CHECKING, /* waiting for http_session_hooks.gate: reading paused */
};

/* A body byte that lws read together with the headers reaches on_body even
 * while reading is paused; at most lws's service buffer (4 KiB in 4.1.6)
 * can arrive so, this is a bound kept for safety. */
#define GATE_EARLY_BODY_MAX 16384

/* The longest an API request waits for its answer (the database, the
 * worker pool, a conversion) before lws drops the connection. The server's
 * own limits answer first: db_query_timeout_ms (5 s) and db_queue_wait_ms
 * (2 s) per query, render_wait_max_ms (at most 30 s) for a worker thread,
 * MEDIA_CHILD_TIMEOUT_MS (30 s) for a conversion. Without it lws 4.1.6
 * applies its context's timeout_secs, 5 s (main.c sets 30 on the vhost,
 * where lws does not read it): share cards queued longer got an empty
 * reply after exactly 5.0 s. */
#define HTTP_ANSWER_TIMEOUT_S 120

/* lws's own timeout between body chunks (its context's timeout_secs) */
#define HTTP_BODY_STALL_S 5

/* After a refusal that left a body unread, the connection is not closed at
 * once: a close with unread bytes sends a reset, which can destroy the
 * answer before the client reads it (RFC 9112, 9.6), and a client still
 * writing its body (node's http, for one) gets EPIPE instead of the answer.
 * So the write side is shut (FIN after the answer) and what the client
 * still sends is read and dropped, never kept, for HTTP_LINGER_S seconds
 * at most, or until it has sent it all; then the connection is closed. */
#define HTTP_LINGER_S 2

static struct idmap pending;
static uint64_t last_req_id;

/* Gates whose lws timeout must be set again once lws is done with the
 * current read (ids, in order), and the timer that does it. */
static uint64_t *gate_fixups;
static size_t gate_fixups_len, gate_fixups_cap;
static struct loop_timer gate_fixup_timer;

size_t http_session_size(void)
{
	return sizeof(struct http_req);
}

size_t http_pending_count(void)
{
	return pending.count;
}

void http_free(void)
{
	loop_timer_cancel(&gate_fixup_timer);
	free(gate_fixups);
	gate_fixups = NULL;
	gate_fixups_len = gate_fixups_cap = 0;
	idmap_free(&pending);
}

static const char *method_name(int m)
{
	switch (m) {
	case LWSHUMETH_GET:
		return "GET";
	case LWSHUMETH_POST:
		return "POST";
	case LWSHUMETH_HEAD:
		return "HEAD";
	case LWSHUMETH_PUT:
		return "PUT";
	case LWSHUMETH_DELETE:
		return "DELETE";
	case LWSHUMETH_PATCH:
		return "PATCH";
	default:
		return "OTHER";
	}
}

static void access_log(struct lws *wsi, const char *method, const char *path,
		       int status, size_t bytes, int64_t started_ms)
{
	char peer[64] = "-";

	if (!srv.cfg.access_log || LOG_INFO > log_threshold)
		return;
	client_addr_of(wsi, srv.cfg.trusted_proxies, peer, sizeof peer);
	LOG(LOG_INFO, "http %s %s %.200s %d %zu %lldms", peer, method, path,
	    status, bytes, (long long)(timefmt_mono_ms() - started_ms));
}

static void req_reset_io(struct http_req *r)
{
	free(r->body);
	r->body = NULL;
	free(r->set_cookie);
	r->set_cookie = NULL;
	free(r->in);
	r->in = NULL;
	r->in_len = r->in_cap = r->in_max = 0;
	r->retry_after_s = 0;
	r->cache_control = NULL;
	r->location[0] = '\0';
	free(r->out);
	r->out = NULL;
	r->out_len = r->out_off = r->out_cap = r->streamed = 0;
	r->stream_ended = r->stream_failed = r->chunked = false;
	r->drain = NULL;
	if (r->has_file)
		close(r->file_fd);
	r->has_file = false;
	r->file_off = r->file_left = r->content_length = 0;
	r->accept_ranges = false;
	r->content_range[0] = '\0';
}

/* Starts a response; the headers and the body (copied, with the LWS_PRE
 * headroom lws_write needs) are written on the next WRITEABLE callbacks. */
static void respond(struct http_req *r, int status, const char *ctype,
		    const char *body, size_t len)
{
	free(r->body);
	r->body = len ? xmalloc(LWS_PRE + len) : NULL;
	if (r->body)
		memcpy(r->body + LWS_PRE, body, len);
	r->status = status;
	r->ctype = ctype;
	r->body_len = len;
	r->stage = 1;
	lws_callback_on_writable(r->wsi);
}

static void respond_text(struct http_req *r, int status, const char *text)
{
	respond(r, status, "text/plain; charset=utf-8", text, strlen(text));
}

static int write_stream(struct http_req *r);
static void file_fill(struct http_req *r);

/* The answer of a refusal is out (close_after): closes now when the body
 * has all come (returns -1), else lingers (HTTP_LINGER_S) and returns 0. */
static int linger(struct http_req *r)
{
	if (r->body_done)
		return -1;
	r->lingering = true;
	r->linger_end_ms = timefmt_mono_ms() + HTTP_LINGER_S * 1000;
	if (!lws_is_ssl(r->wsi)) /* TLS: its own close_notify at the close */
		shutdown(lws_get_socket_fd(r->wsi), SHUT_WR);
	lws_rx_flow_control(r->wsi, 1);
	lws_set_timeout(r->wsi, PENDING_TIMEOUT_USER_OK, HTTP_LINGER_S);
	return 0;
}

static int write_stage(struct http_req *r)
{
	/* the security headers (about 600 bytes), a cookie, a file name */
	unsigned char buf[LWS_PRE + 2048], *start = buf + LWS_PRE, *p = start,
					   *end = buf + sizeof buf - 1;

	if (r->stage == 3)
		return write_stream(r);
	if (r->stage == 1) {
		bool streamed = r->filename[0] != '\0' || r->has_file;

		if (lws_add_http_common_headers(
			    r->wsi, (unsigned)r->status, r->ctype,
			    r->has_file ? (lws_filepos_t)r->content_length
			    : streamed  ? LWS_ILLEGAL_HTTP_CONTENT_LEN
					: r->body_len,
			    &p, end) ||
		    lws_add_http_header_by_name(
			    r->wsi, (const unsigned char *)"cache-control:",
			    (const unsigned char *)(r->cache_control
							    ? r->cache_control
							    : "no-store"),
			    (int)strlen(r->cache_control ? r->cache_control
							 : "no-store"),
			    &p, end))
			return -1;
		if (r->accept_ranges &&
		    lws_add_http_header_by_name(
			    r->wsi, (const unsigned char *)"accept-ranges:",
			    (const unsigned char *)"bytes", 5, &p, end))
			return -1;
		if (r->content_range[0] &&
		    lws_add_http_header_by_name(
			    r->wsi, (const unsigned char *)"content-range:",
			    (unsigned char *)r->content_range,
			    (int)strlen(r->content_range), &p, end))
			return -1;
		if (r->location[0] &&
		    lws_add_http_header_by_name(
			    r->wsi, (const unsigned char *)"location:",
			    (unsigned char *)r->location,
			    (int)strlen(r->location), &p, end))
			return -1;
		if (r->retry_after_s > 0) {
			char secs[16];

			snprintf(secs, sizeof secs, "%d", r->retry_after_s);
			if (lws_add_http_header_by_name(
				    r->wsi,
				    (const unsigned char *)"retry-after:",
				    (unsigned char *)secs, (int)strlen(secs),
				    &p, end))
				return -1;
		}
		if (r->close_after &&
		    lws_add_http_header_by_name(
			    r->wsi, (const unsigned char *)"connection:",
			    (const unsigned char *)"close", 5, &p, end))
			return -1;
		if (r->set_cookie &&
		    lws_add_http_header_by_name(
			    r->wsi, (const unsigned char *)"set-cookie:",
			    (unsigned char *)r->set_cookie,
			    (int)strlen(r->set_cookie), &p, end))
			return -1;
		if (streamed && r->chunked &&
		    lws_add_http_header_by_name(
			    r->wsi, (const unsigned char *)"transfer-encoding:",
			    (const unsigned char *)"chunked", 7, &p, end))
			return -1;
		if (r->filename[0]) {
			char disposition[160];

			snprintf(disposition, sizeof disposition,
				 "attachment; filename=\"%s\"", r->filename);
			if (lws_add_http_header_by_name(
				    r->wsi,
				    (const unsigned char
					     *)"content-disposition:",
				    (unsigned char *)disposition,
				    (int)strlen(disposition), &p, end))
				return -1;
		}
		if (lws_finalize_write_http_header(r->wsi, start, &p, end))
			return -1;
		if (streamed) {
			r->stage = 3;
			lws_callback_on_writable(r->wsi);
			return 0;
		}
		r->stage = 2;
		if (r->body_len) {
			lws_callback_on_writable(r->wsi);
			return 0;
		}
	}
	if (r->body_len && lws_write(r->wsi, r->body + LWS_PRE, r->body_len,
				     LWS_WRITE_HTTP_FINAL) != (int)r->body_len)
		return -1;
	access_log(r->wsi, method_name(r->method), r->path, r->status,
		   r->body_len, r->started_ms);
	req_reset_io(r);
	r->stage = 0;
	if (r->close_after)
		return linger(r);
	return lws_http_transaction_completed(r->wsi) ? -1 : 0;
}

/* The request now waits for an answer from elsewhere (the database, a
 * worker): lws keeps the connection HTTP_ANSWER_TIMEOUT_S, not its 5 s. */
static void await_answer(struct http_req *r)
{
	lws_set_timeout(r->wsi, PENDING_TIMEOUT_HTTP_CONTENT,
			HTTP_ANSWER_TIMEOUT_S);
}

/* ---- headers every response carries ---- */

/* Scripts, styles, fonts, the manifest and the service worker come from
 * this server only, never inline; pictures may also be data: or blob:
 * (a chart copied to the clipboard, a video poster), media blob: for the
 * video player's MediaSource; the socket is the page's only connection,
 * but for the brands' live services of video_origins (a fair's
 * playback_url: its playlist and segments fetched by hls.js), which
 * media-src and connect-src name. */
#define CSP_FORMAT                                                          \
	"default-src 'none'; script-src 'self'; style-src 'self'; "         \
	"img-src 'self' data: blob:; font-src 'self'; media-src 'self' "    \
	"blob:%s%s; connect-src 'self' ws: wss:%s%s; manifest-src 'self'; " \
	"worker-src 'self'; frame-ancestors 'none'; base-uri 'none'; "      \
	"form-action 'self'"

static char csp[600 + 2 * 8192];

static struct lws_protocol_vhost_options security_headers[] = {
	{&security_headers[1], NULL, "content-security-policy:", csp},
	{&security_headers[2], NULL, "x-content-type-options:", "nosniff"},
	{&security_headers[3], NULL, "x-frame-options:", "deny"},
	{&security_headers[4], NULL, "referrer-policy:", "same-origin"},
	{NULL, NULL, "permissions-policy:",
	 "camera=(), microphone=(), geolocation=(), payment=()"},
};

const struct lws_protocol_vhost_options *
http_security_headers(const char *video_origins)
{
	char list[8193];
	size_t n = 0;

	if (!http_origin_list_valid(video_origins))
		return NULL;
	/* "a, b,c" -> "a b c": the CSP's sources are separated by spaces */
	for (const char *p = video_origins ? video_origins : ""; *p; p++) {
		if (*p != ',' && *p != ' ')
			list[n++] = *p;
		else if (n && list[n - 1] != ' ')
			list[n++] = ' ';
	}
	while (n && list[n - 1] == ' ')
		n--;
	list[n] = '\0';
	snprintf(csp, sizeof csp, CSP_FORMAT, n ? " " : "", list, n ? " " : "",
		 list);
	return security_headers;
}

/* ---- /healthz ---- */

static void health_done(void *arg, enum pg_outcome outcome, const PGresult *res)
{
	uint64_t id = (uint64_t)(uintptr_t)arg;
	struct http_req *r = idmap_remove(&pending, id);
	bool up = outcome == PG_DONE && PQresultStatus(res) == PGRES_TUPLES_OK;
	char body[256];

	if (!r)
		return; /* the client left */
	r->id = 0;
	snprintf(body, sizeof body,
		 "{\"database\":\"%s\",\"orders\":\"%s\",\"schema\":%d,"
		 "\"instance\":\"%s\"}\n",
		 up ? "up" : "down",
		 server_orders_enabled() ? "enabled" : "disabled",
		 srv.schema.schema_version, srv.instance);
	r->retry_after_s = up ? 0 : 5;
	respond(r, up ? 200 : 503, "application/json", body, strlen(body));
}

static void route_health(struct http_req *r)
{
	r->id = ++last_req_id;
	idmap_put(&pending, r->id, r);
	await_answer(r);
	if (pg_query(srv.db, "SELECT 1", 0, NULL, health_done,
		     (void *)(uintptr_t)r->id)) {
		idmap_remove(&pending, r->id);
		r->id = 0;
		r->retry_after_s = 5;
		respond(r, 503, "application/json", "{\"database\":\"down\"}\n",
			20);
	}
}

/* ---- /metrics ---- */

/* Whether the request comes from this host itself, and not through a
 * proxy: a reverse proxy on this host would otherwise pass the world's
 * requests on as its own. */
static bool loopback_direct(struct lws *wsi)
{
	char peer[64] = "";

	lws_get_peer_simple(wsi, peer, sizeof peer);
	return !(strncmp(peer, "127.", 4) && strcmp(peer, "::1")) &&
	       !client_addr_forwarded(wsi) &&
	       !client_addr_trusted(srv.cfg.trusted_proxies, peer);
}

/* Prometheus text for operators: loopback only until accounts exist. The
 * text is gathered at the root (http_metrics_text: server/metrics.c), from
 * every folder's counters. */
static void route_metrics(struct http_req *r)
{
	char text[16384]; /* about 7 KB today: room for more counters */
	size_t len;

	if (!loopback_direct(r->wsi)) {
		respond_text(r, 403, "metrics are served to loopback only\n");
		return;
	}
	len = http_metrics_text(text, sizeof text);
	respond(r, 200, "text/plain; version=0.0.4", text, len);
}

/* ---- static files ---- */

static bool header_copy(struct lws *wsi, enum lws_token_indexes t, char *buf,
			size_t size);

/* Whether path, resolved (realpath: symlinks), is a regular file under
 * root; its resolved name into out (PATH_MAX bytes) and its stat into st. */
static bool under_root(const char *root, const char *path, char *out,
		       struct stat *st)
{
	size_t root_len = strlen(root);

	return realpath(path, out) && !strncmp(out, root, root_len) &&
	       out[root_len] == '/' && !stat(out, st) && S_ISREG(st->st_mode);
}

/* Resolves a request path under root to a regular file; refuses anything
 * that leaves root (.., symlinks out of it). Returns 0 or -1. */
static int resolve_file(const char *root, const char *rel, char *out,
			struct stat *st)
{
	char joined[PATH_MAX];

	if (http_static_join(root, rel, joined, sizeof joined))
		return -1;
	return under_root(root, joined, out, st) ? 0 : -1;
}

/* Whether copy, the precompressed copy of a static file (its stat st), is
 * a regular file under root no older than the file (a copy left by an
 * earlier build is never sent for a newer file); its resolved name into
 * out (PATH_MAX bytes) and its size into size. */
static bool copy_usable(const char *root, const char *copy,
			const struct stat *st, char *out, off_t *size)
{
	struct stat cst;

	if (!under_root(root, copy, out, &cst) ||
	    cst.st_mtim.tv_sec < st->st_mtim.tv_sec ||
	    (cst.st_mtim.tv_sec == st->st_mtim.tv_sec &&
	     cst.st_mtim.tv_nsec < st->st_mtim.tv_nsec))
		return false;
	*size = cst.st_size;
	return true;
}

/* The precompressed copy of the static file path (st its stat) that web/
 * build.mjs writes beside it, "path.br" or "path.gz", when the request may
 * have it: a name worth compressing, no Range (ranges are only ever on the
 * file itself), the coding the Accept-Encoding prefers
 * (http_pick_encoding), or gzip when it prefers br and there is no usable
 * .br, and a usable copy (copy_usable). Into out (PATH_MAX bytes); returns
 * its coding ("br", "gzip"), or NULL for the file itself. */
static const char *compressed_copy(struct http_req *r, const char *root,
				   const char *path, const struct stat *st,
				   char *out, off_t *size)
{
	char named[PATH_MAX], accept[256];
	const char *coding;
	int n;

	if (!http_compressible(path) ||
	    lws_hdr_total_length(r->wsi, WSI_TOKEN_HTTP_RANGE) > 0)
		return NULL;
	/* a longer Accept-Encoding than browsers send is cut: it may then
	 * lose a coding at its end, and the answer is merely bigger */
	if (!header_copy(r->wsi, WSI_TOKEN_HTTP_ACCEPT_ENCODING, accept,
			 sizeof accept))
		return NULL;
	coding = http_pick_encoding(accept);
	if (coding && !strcmp(coding, "br")) {
		n = snprintf(named, sizeof named, "%s.br", path);
		if (n > 0 && (size_t)n < sizeof named &&
		    copy_usable(root, named, st, out, size))
			return "br";
		coding = http_accepts_gzip(accept) ? "gzip" : NULL;
	}
	if (!coding)
		return NULL;
	n = snprintf(named, sizeof named, "%s.gz", path);
	if (n < 0 || (size_t)n >= sizeof named ||
	    !copy_usable(root, named, st, out, size))
		return NULL;
	return "gzip";
}

/* A static file under root: its precompressed copy with Content-Encoding
 * br or gzip when the request takes it (compressed_copy), else the file
 * itself; both of a compressible name say Vary: Accept-Encoding, so a
 * cache keeps them apart. cache_control: its Cache-Control (NULL: lws's
 * no-store). lws sends it (lws_serve_http_file, no ranges in Debian's
 * build). */
static int route_static(struct http_req *r, const char *root, const char *rel,
			const char *cache_control)
{
	char path[PATH_MAX], copy[PATH_MAX], headers[160];
	struct stat st;
	off_t size;
	const char *coding;
	int n = 0;

	if (r->method != LWSHUMETH_GET && r->method != LWSHUMETH_HEAD) {
		respond_text(r, 405, "method not allowed\n");
		return 0;
	}
	if (resolve_file(root, rel, path, &st)) {
		respond_text(r, 404, "not found\n");
		return 0;
	}
	size = st.st_size;
	coding = compressed_copy(r, root, path, &st, copy, &size);
	/* lws adds Cache-Control: no-store unless the headers name one */
	if (cache_control)
		n = snprintf(headers, sizeof headers, "cache-control: %s\r\n",
			     cache_control);
	if (coding)
		n += snprintf(headers + n, sizeof headers - (size_t)n,
			      "content-encoding: %s\r\n"
			      "vary: Accept-Encoding\r\n",
			      coding);
	else if (http_compressible(path))
		n += snprintf(headers + n, sizeof headers - (size_t)n,
			      "vary: Accept-Encoding\r\n");
	n = lws_serve_http_file(r->wsi, coding ? copy : path,
				http_mime_of(path), n ? headers : NULL, n);
	access_log(r->wsi, method_name(r->method), r->path, n < 0 ? 500 : 200,
		   (size_t)size, r->started_ms);
	if (n < 0 || (n > 0 && lws_http_transaction_completed(r->wsi)))
		return -1;
	return 0;
}

/* ---- the JSON API ---- */

static void respond_json(struct http_req *r, int status, json_t *body)
{
	char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;

	respond(r, status, "application/json", text ? text : "",
		text ? strlen(text) : 0);
	free(text);
	json_decref(body);
}

/* An error answered at once, before the request has an id. */
static void respond_fail(struct http_req *r, enum proto_error code,
			 const char *message)
{
	respond_json(r, proto_error_http_status(code),
		     proto_http_error(code, message));
}

/* Takes request id out of `pending` to answer it, or NULL when the client
 * has gone. An answer while the gate checks is the gate's refusal: the
 * bytes that came with the headers are dropped and the rest never read
 * (the connection closes after the answer: close_after, set in
 * gate_begin). */
static struct http_req *take_for_answer(uint64_t id)
{
	struct http_req *r = idmap_remove(&pending, id);

	if (!r)
		return NULL;
	r->id = 0;
	if (r->gate == GATE_CHECKING) {
		free(r->in);
		r->in = NULL;
		r->in_len = r->in_cap = 0;
		r->gate = GATE_NONE;
		/* lws 4.1.6 serves no WRITEABLE to an h1 connection whose
		 * reading is paused: it may read again; what it reads is
		 * dropped (on_body: no r->in), then lingered on and closed
		 * once the answer is out (linger) */
		lws_rx_flow_control(r->wsi, 1);
	}
	return r;
}

void http_finish(uint64_t id, int status, json_t *body, const char *set_cookie,
		 int retry_after_s)
{
	struct http_req *r = take_for_answer(id);

	if (!r) {
		json_decref(body); /* the client left */
		return;
	}
	r->retry_after_s = retry_after_s;
	free(r->set_cookie);
	r->set_cookie = set_cookie ? xstrdup(set_cookie) : NULL;
	respond_json(r, status, body);
}

void http_fail(uint64_t id, enum proto_error code, const char *message)
{
	int status = proto_error_http_status(code);

	http_fail_retry(id, code, message, status == 503 ? 5 : 0);
}

void http_fail_retry(uint64_t id, enum proto_error code, const char *message,
		     int retry_after_s)
{
	http_finish(id, proto_error_http_status(code),
		    proto_http_error(code, message), NULL, retry_after_s);
}

void http_finish_body(uint64_t id, int status, const char *ctype,
		      const void *body, size_t len)
{
	struct http_req *r = take_for_answer(id);

	if (!r)
		return; /* the client left */
	respond(r, status, ctype, body, len);
}

void http_finish_cached(uint64_t id, int status, const char *ctype,
			const char *cache_control, const void *body, size_t len)
{
	struct http_req *r = take_for_answer(id);

	if (!r)
		return; /* the client left */
	r->cache_control = cache_control;
	respond(r, status, ctype, body, len);
}

int http_finish_file(uint64_t id, int status, const char *ctype,
		     const char *cache_control, const char *content_range,
		     int fd, int64_t offset, int64_t length)
{
	struct http_req *r = take_for_answer(id);

	if (!r) {
		if (fd >= 0)
			close(fd); /* the client left */
		return -1;
	}
	r->cache_control = cache_control;
	r->accept_ranges = true;
	snprintf(r->content_range, sizeof r->content_range, "%s",
		 content_range ? content_range : "");
	if (fd < 0 || length <= 0) {
		if (fd >= 0)
			close(fd);
		respond(r, status, ctype, "", 0);
		return 0;
	}
	r->has_file = true;
	r->file_fd = fd;
	r->file_off = offset;
	r->file_left = r->content_length = length;
	r->out_cap = LWS_PRE + 65536;
	r->out = xmalloc(r->out_cap);
	r->status = status;
	r->ctype = ctype;
	r->chunked = false; /* a known length */
	r->stage = 1;
	file_fill(r);
	lws_callback_on_writable(r->wsi);
	return 0;
}

void http_finish_redirect(uint64_t id, int status, const char *location)
{
	struct http_req *r = take_for_answer(id);

	if (!r)
		return; /* the client left */
	snprintf(r->location, sizeof r->location, "%s", location);
	respond(r, status, "text/plain; charset=utf-8", "", 0);
}

void http_finish_page(uint64_t id, int status, const char *html, size_t len)
{
	http_finish_body(id, status, "text/html; charset=utf-8", html, len);
}

/* ---- streamed answers ---- */

#define STREAM_WRITE_MAX 16384 /* bytes per WRITEABLE */
#define STREAM_STALL_S 60      /* seconds a streamed answer may stall */

/* Reads the next part of an answered file (http_finish_file) into what
 * waits to be written: up to FILE_READ bytes, read on the loop (a page
 * cache read; a cache in front serves the many). A file that ends early
 * or cannot be read cuts the answer. */
#define FILE_READ (256 * 1024)
static void file_fill(struct http_req *r)
{
	size_t want =
		r->file_left > FILE_READ ? FILE_READ : (size_t)r->file_left;
	ssize_t n;

	if (!r->has_file || r->stream_ended)
		return;
	if (r->out_off) { /* what was sent makes room */
		memmove(r->out + LWS_PRE, r->out + LWS_PRE + r->out_off,
			r->out_len - r->out_off);
		r->out_len -= r->out_off;
		r->out_off = 0;
	}
	if (LWS_PRE + r->out_len + want > r->out_cap) {
		r->out_cap = LWS_PRE + r->out_len + want;
		r->out = xrealloc(r->out, r->out_cap);
	}
	do
		n = pread(r->file_fd, r->out + LWS_PRE + r->out_len, want,
			  (off_t)r->file_off);
	while (n < 0 && errno == EINTR);
	if (n <= 0) {
		r->stream_ended = r->stream_failed = true;
		return;
	}
	r->out_len += (size_t)n;
	r->file_off += n;
	r->file_left -= n;
	if (!r->file_left)
		r->stream_ended = true;
}

static int write_stream(struct http_req *r)
{
	if (r->out_off < r->out_len) {
		size_t n = r->out_len - r->out_off;
		unsigned char frame[LWS_PRE + 16 + STREAM_WRITE_MAX + 2];
		size_t head = 0, framed;
		bool last;

		if (n > STREAM_WRITE_MAX)
			n = STREAM_WRITE_MAX;
		if (r->chunked)
			head = (size_t)snprintf((char *)frame + LWS_PRE, 16,
						"%zx\r\n", n);
		memcpy(frame + LWS_PRE + head, r->out + LWS_PRE + r->out_off,
		       n);
		framed = head + n;
		if (r->chunked) {
			memcpy(frame + LWS_PRE + framed, "\r\n", 2);
			framed += 2;
		}
		/* a file's length is known: its last bytes end the answer
		 * (lws 4.1.6 asserts on the empty final write below once
		 * it has had to buffer a part) */
		last = r->has_file && r->stream_ended && !r->stream_failed &&
		       r->out_off + n == r->out_len;
		if (lws_write(r->wsi, frame + LWS_PRE, framed,
			      last ? LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP) !=
		    (int)framed)
			return -1;
		/* a client that keeps taking the answer keeps its connection;
		 * one that stops for a minute is dropped */
		lws_set_timeout(r->wsi, PENDING_TIMEOUT_USER_OK,
				STREAM_STALL_S);
		r->out_off += n;
		r->streamed += n;
		if (r->out_off == r->out_len)
			r->out_off = r->out_len = 0;
		if (r->drain && r->out_len - r->out_off < HTTP_STREAM_LOW_WATER)
			r->drain(r->id, r->drain_arg);
		else if (r->has_file &&
			 r->out_len - r->out_off < HTTP_STREAM_LOW_WATER)
			file_fill(r);
		if (r->out_len || !r->stream_ended) {
			if (r->out_len)
				lws_callback_on_writable(r->wsi);
			return 0;
		}
	}
	if (!r->stream_ended)
		return 0; /* woken again by http_stream_write */
	access_log(r->wsi, method_name(r->method), r->path,
		   r->stream_failed ? 500 : r->status, r->streamed,
		   r->started_ms);
	if (r->stream_failed)
		return -1; /* cut: the client sees an incomplete answer */
	if (r->chunked)
		memcpy(r->out + LWS_PRE, "0\r\n\r\n", 5); /* the last chunk */
	if (!r->has_file &&
	    lws_write(r->wsi, (unsigned char *)r->out + LWS_PRE,
		      r->chunked ? 5 : 0, LWS_WRITE_HTTP_FINAL) < 0)
		return -1;
	if (r->id)
		idmap_remove(&pending, r->id);
	r->id = 0;
	req_reset_io(r);
	r->filename[0] = '\0';
	r->stage = 0;
	return lws_http_transaction_completed(r->wsi) ? -1 : 0;
}

int http_stream_begin(uint64_t id, int status, const char *ctype,
		      const char *filename, http_drain_fn drain, void *arg)
{
	struct http_req *r = idmap_get(&pending, id);

	if (!r)
		return -1;
	r->out_cap = LWS_PRE + 65536;
	r->out = xmalloc(r->out_cap);
	r->status = status;
	r->ctype = ctype;
	/* HTTP/2 frames the body itself (and has a :path pseudo-header) */
	r->chunked =
		lws_hdr_total_length(r->wsi, WSI_TOKEN_HTTP_COLON_PATH) <= 0;
	snprintf(r->filename, sizeof r->filename, "%s", filename);
	r->drain = drain;
	r->drain_arg = arg;
	r->stage = 1;
	lws_callback_on_writable(r->wsi);
	return 0;
}

long http_stream_write(uint64_t id, const char *data, size_t len)
{
	struct http_req *r = idmap_get(&pending, id);

	if (!r || !r->out)
		return -1;
	if (r->out_off) { /* what was sent makes room */
		memmove(r->out + LWS_PRE, r->out + LWS_PRE + r->out_off,
			r->out_len - r->out_off);
		r->out_len -= r->out_off;
		r->out_off = 0;
	}
	if (LWS_PRE + r->out_len + len > r->out_cap) {
		size_t cap = r->out_cap * 2;

		while (LWS_PRE + r->out_len + len > cap)
			cap *= 2;
		r->out = xrealloc(r->out, cap);
		r->out_cap = cap;
	}
	memcpy(r->out + LWS_PRE + r->out_len, data, len);
	r->out_len += len;
	if (r->stage == 3)
		lws_callback_on_writable(r->wsi);
	return (long)r->out_len;
}

long http_stream_waiting(uint64_t id)
{
	struct http_req *r = idmap_get(&pending, id);

	return r && r->out ? (long)(r->out_len - r->out_off) : -1;
}

void http_stream_end(uint64_t id, bool failed)
{
	struct http_req *r = idmap_get(&pending, id);

	if (!r)
		return;
	r->stream_ended = true;
	r->stream_failed = failed;
	r->drain = NULL;
	lws_callback_on_writable(r->wsi);
}

static bool origin_allowed(struct lws *wsi, const char *origin);
static bool origin_refused(struct lws *wsi);

/* The URL's arguments, as lws decoded them, joined by '&' into buf; what
 * does not fit is left out. */
static void query_copy(struct lws *wsi, char *buf, size_t size)
{
	size_t used = 0;

	for (int i = 0;; i++) {
		size_t sep = used ? 1 : 0;
		int n;

		if (used + sep + 1 >= size)
			break;
		n = lws_hdr_copy_fragment(wsi, buf + used + sep,
					  (int)(size - used - sep),
					  WSI_TOKEN_HTTP_URI_ARGS, i);
		if (n < 0)
			break;
		if (sep)
			buf[used] = '&';
		used += sep + (size_t)n;
	}
	buf[used] = '\0';
}

static void api_dispatch(struct http_req *r)
{
	struct http_call call;

	r->id = ++last_req_id;
	idmap_put(&pending, r->id, r);
	await_answer(r);
	call.id = r->id;
	call.body = r->in ? r->in : "";
	call.body_len = r->in_len;
	call.session = r->session;
	call.peer = r->peer;
	call.user_agent = r->user_agent;
	call.path = r->path;
	call.query = r->query;
	call.range = r->range;
	call.loopback = loopback_direct(r->wsi);
	r->route->handler(&call);
}

/* Whether the request announces a body (which a refusal leaves unread). */
static bool body_announced(struct lws *wsi)
{
	char length[24];

	if (lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_TRANSFER_ENCODING) > 0)
		return true;
	return header_copy(wsi, WSI_TOKEN_HTTP_CONTENT_LENGTH, length,
			   sizeof length) &&
	       http_length_exceeds(length, 0);
}

/* Refuses an API request before its body: answered at once, and, when a
 * body was announced, the connection closed after the answer (linger): the
 * body is never kept. */
static void refuse_early(struct http_req *r, int status, enum proto_error code,
			 const char *message)
{
	r->close_after = body_announced(r->wsi);
	respond_json(r, status, proto_http_error(code, message));
}

/* The gate passed: the session may use the route (a refusal is answered
 * through the id instead: take_for_answer). */
static void gate_passed(uint64_t id)
{
	struct http_req *r = idmap_get(&pending, id);

	if (!r)
		return; /* the client left */
	r->close_after = false;
	idmap_remove(&pending, id);
	r->id = 0;
	r->gate = GATE_NONE;
	if (!r->in) {
		/* small bodies fit at once; a large upload grows as it comes */
		r->in_cap = r->in_max < 65536 ? r->in_max : 65536;
		r->in = xmalloc(r->in_cap + 1);
	}
	/* reading again, also for the answer: lws serves no WRITEABLE to
	 * an h1 connection whose reading is paused */
	lws_rx_flow_control(r->wsi, 1);
	if (r->body_done) { /* it all came with the headers */
		r->in[r->in_len] = '\0';
		api_dispatch(r);
		return;
	}
	lws_set_timeout(r->wsi, PENDING_TIMEOUT_HTTP_CONTENT,
			HTTP_BODY_STALL_S);
}

/* Starts the gate of a roles_first route: reading stops until the session
 * and its role are known (at once from the cache, or from PostgreSQL). */
static void gate_begin(struct http_req *r)
{
	r->gate = GATE_CHECKING;
	r->id = ++last_req_id;
	idmap_put(&pending, r->id, r);
	lws_rx_flow_control(r->wsi, 0);
	await_answer(r);
	/* a refusal is the only answer the gate gives: the connection
	 * closes after it (gate_passed clears this) */
	r->close_after = true;
	http_session_hooks.gate(r->id, r->session, r->route->roles_first,
				r->route->forbidden_why, gate_passed);
}

/* Starts an API request: checks method, origin and size, remembers what the
 * handler needs from the headers (they may be gone once the body is in). */
static int api_begin(struct http_req *r, const struct http_route *route)
{
	char cookies[2048], length[24];
	unsigned char hash[32];
	bool has_cookies;

	if (r->method != route->method) {
		refuse_early(r, 405, ERR_BAD_REQUEST, "method not allowed");
		return 0;
	}
	/* A cross-site form or fetch carries a foreign Origin: refuse it even
	 * though the SameSite cookie would not be sent. */
	if (origin_refused(r->wsi)) {
		refuse_early(r, 403, ERR_FORBIDDEN, "origin not allowed");
		return 0;
	}
	has_cookies = header_copy(r->wsi, WSI_TOKEN_HTTP_COOKIE, cookies,
				  sizeof cookies);
	if (!has_cookies || http_session_hooks.cookie_value(cookies, r->session,
							    sizeof r->session))
		r->session[0] = '\0';
	if (route->need_session &&
	    (!has_cookies || http_session_hooks.cookie_check(cookies, hash))) {
		refuse_early(r, 401, ERR_UNAUTHORIZED, "not logged in");
		return 0;
	}
	query_copy(r->wsi, r->query, sizeof r->query);
	client_addr_of(r->wsi, srv.cfg.trusted_proxies, r->peer,
		       sizeof r->peer);
	if (!header_copy(r->wsi, WSI_TOKEN_HTTP_USER_AGENT, r->user_agent,
			 sizeof r->user_agent))
		r->user_agent[0] = '\0';
	if (!header_copy(r->wsi, WSI_TOKEN_HTTP_RANGE, r->range,
			 sizeof r->range))
		r->range[0] = '\0';
	r->route = route;
	if (route->method != LWSHUMETH_POST) {
		api_dispatch(r);
		return 0;
	}
	r->in_max = route->max_body_for ? route->max_body_for(r->path)
					: route->max_body;
	if (header_copy(r->wsi, WSI_TOKEN_HTTP_CONTENT_LENGTH, length,
			sizeof length) &&
	    http_length_exceeds(length, r->in_max)) {
		refuse_early(r, 413, ERR_TOO_LARGE, "request body too large");
		return 0;
	}
	if (route->roles_first) {
		gate_begin(r); /* the body is read once it passes */
		return 0;
	}
	/* small bodies fit at once; a large upload grows as it arrives */
	r->in_cap = r->in_max < 65536 ? r->in_max : 65536;
	r->in = xmalloc(r->in_cap + 1);
	/* the body arrives in LWS_CALLBACK_HTTP_BODY callbacks */
	return 0;
}

static void gate_fixup_run(struct loop_timer *t)
{
	(void)t;
	for (size_t i = 0; i < gate_fixups_len; i++) {
		struct http_req *r = idmap_get(&pending, gate_fixups[i]);

		if (r && r->gate == GATE_CHECKING)
			await_answer(r);
	}
	free(gate_fixups);
	gate_fixups = NULL;
	gate_fixups_len = gate_fixups_cap = 0;
}

static void gate_timeout_later(uint64_t id)
{
	if (gate_fixups_len == gate_fixups_cap) {
		gate_fixups_cap = gate_fixups_cap ? 2 * gate_fixups_cap : 16;
		gate_fixups = xrealloc(gate_fixups,
				       gate_fixups_cap * sizeof *gate_fixups);
	}
	gate_fixups[gate_fixups_len++] = id;
	if (gate_fixups_len == 1)
		loop_timer_schedule(&gate_fixup_timer, gate_fixup_run, 0);
}

/* A body chunk while the gate checks: only what lws read together with the
 * headers comes so (reading is paused). Kept, exactly, for the route if the
 * session passes. Returns 0, or -1 to close. */
static int gate_early_body(struct http_req *r, const char *in, size_t len)
{
	if (r->in_len + len > GATE_EARLY_BODY_MAX ||
	    r->in_len + len > r->in_max)
		return -1; /* lws did not stop reading: never buffer on */
	r->in = xrealloc(r->in, r->in_len + len + 1);
	r->in_cap = r->in_len + len;
	memcpy(r->in + r->in_len, in, len);
	r->in_len += len;
	/* lws sets its 5 s body timeout again when this returns: put back
	 * the answer's just after (not from WRITEABLE, which lws does not
	 * serve a paused h1 connection) */
	gate_timeout_later(r->id);
	return 0;
}

static int on_body(struct http_req *r, const char *in, size_t len)
{
	if (r->gate == GATE_CHECKING)
		return len ? gate_early_body(r, in, len) : 0;
	if (r->lingering) /* dropped; when the time is up: close */
		return timefmt_mono_ms() > r->linger_end_ms ? -1 : 0;
	if (!r->in || !len)
		return 0; /* no API route is reading (already answered), or
			   * an empty chunk (in may be NULL then) */
	if (r->in_len + len > r->in_max) {
		free(r->in);
		r->in = NULL;
		r->close_after = true; /* the rest is not read */
		respond_fail(r, ERR_TOO_LARGE, "request body too large");
		return 0;
	}
	if (r->in_len + len > r->in_cap) {
		size_t cap = r->in_cap ? r->in_cap : 4096;

		while (cap < r->in_len + len)
			cap *= 2;
		if (cap > r->in_max)
			cap = r->in_max;
		r->in = xrealloc(r->in, cap + 1);
		r->in_cap = cap;
	}
	memcpy(r->in + r->in_len, in, len);
	r->in_len += len;
	return 0;
}

static int on_body_done(struct http_req *r)
{
	r->body_done = true;
	if (r->gate == GATE_CHECKING)
		return 0; /* dispatched once the gate passes */
	if (r->lingering)
		return -1; /* all of it came: the refusal is out, close */
	if (!r->in || !r->route)
		return 0;
	r->in[r->in_len] = '\0';
	api_dispatch(r);
	return 0;
}

static int on_http(struct http_req *r, struct lws *wsi, const char *uri)
{
	char *u;
	int ulen;

	req_reset_io(r); /* a keep-alive connection's previous request */
	memset(r, 0, sizeof *r);
	r->wsi = wsi;
	r->started_ms = timefmt_mono_ms();
	r->method = lws_http_get_uri_and_method(wsi, &u, &ulen);
	snprintf(r->path, sizeof r->path, "%s", uri);
	if (srv.stopping) {
		respond_text(r, 503, "shutting down\n");
		return 0;
	}
	if (!strcmp(uri, "/healthz")) {
		route_health(r);
		return 0;
	}
	for (size_t i = 0; i < http_routes_count; i++)
		if (http_path_matches(uri, http_routes[i].path,
				      http_routes[i].prefix))
			return api_begin(r, &http_routes[i]);
	if (!strcmp(uri, "/metrics")) {
		route_metrics(r);
		return 0;
	}
	if (!strcmp(uri, "/ws")) {
		respond_text(r, 400,
			     "WebSocket only: upgrade with the "
			     "fair.v1 subprotocol\n");
		return 0;
	}
	if (!strncmp(uri, "/media/", 7))
		return route_static(r, srv.media_root, uri + 7,
				    http_media_cache_control(uri + 7));
	return route_static(r, srv.web_root, uri,
			    http_static_cache_control(uri));
}

/* ---- the /ws upgrade gate ---- */

static bool header_copy(struct lws *wsi, enum lws_token_indexes t, char *buf,
			size_t size)
{
	return lws_hdr_total_length(wsi, t) > 0 &&
	       lws_hdr_copy(wsi, buf, (int)size, t) > 0;
}

static bool origin_allowed(struct lws *wsi, const char *origin)
{
	char host[300];
	/* HTTP/1.1 always sends Host (TLS offers no HTTP/2: see main.c) */
	bool has_host = header_copy(wsi, WSI_TOKEN_HOST, host, sizeof host);

	return http_origin_allowed(origin, has_host ? host : NULL, srv.tls,
				   srv.cfg.allowed_origins);
}

/* Whether the request's Origin is one this server refuses. No Origin is
 * accepted (not a browser's cross-site request); one too long for any origin
 * (a DNS name is at most 253 bytes) is refused, never skipped as if absent. */
static bool origin_refused(struct lws *wsi)
{
	char origin[512];
	int len = lws_hdr_total_length(wsi, WSI_TOKEN_ORIGIN);

	if (len <= 0)
		return false;
	if ((size_t)len >= sizeof origin ||
	    lws_hdr_copy(wsi, origin, (int)sizeof origin, WSI_TOKEN_ORIGIN) <=
		    0)
		return true;
	return !origin_allowed(wsi, origin);
}

/* Answers a refused upgrade with a real HTTP response and returns 1, as
 * LWS_CALLBACK_HTTP_CONFIRM_UPGRADE expects. */
static int refuse_upgrade(struct lws *wsi, int status, const char *why)
{
	/* room for the security headers every answer carries (about 600
	 * bytes: http_security_headers) */
	unsigned char buf[LWS_PRE + 2048], *start = buf + LWS_PRE, *p = start,
					   *end = buf + sizeof buf - 1;
	size_t len = strlen(why);

	if (lws_add_http_common_headers(wsi, (unsigned)status,
					"text/plain; charset=utf-8", len, &p,
					end) ||
	    lws_finalize_write_http_header(wsi, start, &p, end))
		return -1;
	memcpy(start, why, len); /* the headers are out: reuse the buffer */
	if (lws_write(wsi, start, len, LWS_WRITE_HTTP_FINAL) != (int)len)
		return -1;
	access_log(wsi, "GET", "/ws", status, len, timefmt_mono_ms());
	return 1;
}

/* The gate. lws 4.1.6 calls it with `in` pointing at the Upgrade header in
 * its header table, but for a token other than websocket or h2c it has
 * already answered 403 and completed the transaction first: on a kept-alive
 * connection that frees the table (or hands it to another connection, or
 * resets it for a pipelined request), and `in` dangles (CVE-2025-11677).
 * So `in` is never read: the token is read again from the table, as lws saw
 * it (the first Upgrade header), and when it is gone or is another token,
 * lws has answered and the connection is closed. Neither 0 (lws would read
 * `in` itself to pick the protocol) nor a second answer (the connection
 * would be out of step) is possible then. */
static int on_confirm_upgrade(struct lws *wsi)
{
	char upgrade[16], uri[64] = "", protocols[256] = "", key[64],
			  version[8], cookies[4096];
	unsigned char hash[32];

	if (lws_hdr_copy_fragment(wsi, upgrade, sizeof upgrade,
				  WSI_TOKEN_UPGRADE, 0) < 0 ||
	    (strcasecmp(upgrade, "websocket") && strcasecmp(upgrade, "h2c")))
		return -1; /* lws's 403 is out: hang up */
	if (srv.stopping)
		return refuse_upgrade(wsi, 503, "shutting down\n");
	if (strcasecmp(upgrade, "websocket"))
		return refuse_upgrade(wsi, 400, "only WebSocket upgrades\n");
	header_copy(wsi, WSI_TOKEN_GET_URI, uri, sizeof uri);
	if (strcmp(uri, "/ws"))
		return refuse_upgrade(wsi, 404, "WebSocket endpoint is /ws\n");
	if (!header_copy(wsi, WSI_TOKEN_KEY, key, sizeof key) ||
	    !header_copy(wsi, WSI_TOKEN_VERSION, version, sizeof version) ||
	    strcmp(version, "13"))
		return refuse_upgrade(wsi, 400,
				      "a WebSocket upgrade needs "
				      "Sec-WebSocket-Key and version 13\n");
	if (!header_copy(wsi, WSI_TOKEN_PROTOCOL, protocols,
			 sizeof protocols) ||
	    !http_list_contains(protocols, WS_PROTOCOL_NAME))
		return refuse_upgrade(wsi, 400,
				      "subprotocol fair.v1 required\n");
	if (origin_refused(wsi))
		return refuse_upgrade(wsi, 403, "origin not allowed\n");
	if (!header_copy(wsi, WSI_TOKEN_HTTP_COOKIE, cookies, sizeof cookies) ||
	    http_session_hooks.cookie_check(cookies, hash))
		return refuse_upgrade(wsi, 401, "login required\n");
	access_log(wsi, "GET", "/ws", 101, 0, timefmt_mono_ms());
	return 0;
}

int http_lws_callback(struct lws *wsi, enum lws_callback_reasons reason,
		      void *user, void *in, size_t len)
{
	struct http_req *r = user;

	switch (reason) {
	case LWS_CALLBACK_HTTP:
		return on_http(r, wsi, in);
	case LWS_CALLBACK_HTTP_BODY:
		return on_body(r, in, len);
	case LWS_CALLBACK_HTTP_BODY_COMPLETION:
		return on_body_done(r);
	case LWS_CALLBACK_HTTP_WRITEABLE:
		return r && r->stage ? write_stage(r) : 0;
	case LWS_CALLBACK_HTTP_FILE_COMPLETION:
		return lws_http_transaction_completed(wsi) ? -1 : 0;
	case LWS_CALLBACK_HTTP_CONFIRM_UPGRADE:
		return on_confirm_upgrade(wsi); /* never `in`: see there */
	case LWS_CALLBACK_CLOSED_HTTP:
		if (r) {
			if (r->id)
				idmap_remove(&pending, r->id);
			r->id = 0;
			req_reset_io(r);
		}
		return 0;
	case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
		if (http_on_wake)
			http_on_wake();
		return 0;
	default:
		return lws_callback_http_dummy(wsi, reason, user, in, len);
	}
}
