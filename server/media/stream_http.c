/* stream_http.c - nginx-rtmp's callbacks and the HLS files (see
 * stream_http.h). */
#include "media/stream_http.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auth/auth.h"
#include "base/log.h"
#include "base/strbuf.h"
#include "base/timefmt.h"
#include "base/xalloc.h"
#include "db/pg.h"
#include "media/hls_link.h"
#include "media/hls_playlist.h"
#include "media/replay.h"
#include "rpc/dispatch.h"
#include "server.h"

/* The largest HLS file served: a 1 s segment is a few hundred KB. */
#define HLS_FILE_MAX (32 * 1024 * 1024)

/* How long a "may watch" answer is kept per user and fair. */
#define WATCH_KEEP_MS 10000
#define WATCH_SLOTS 512

/* ---- nginx-rtmp's callbacks ---- */

enum notify_call { CALL_PUBLISH, CALL_PUBLISH_DONE, CALL_UPDATE, CALL_RELAY };

/* The value of name=... in a form body, when it has the shape a call
 * expects: a stream key (STREAM_KEY_HEX lower-case hex digits), or for the
 * relay "fair-<id>", whose id is copied. Nothing to decode in either.
 * Returns 0 or -1. */
static int form_name(const char *body, size_t len, bool relay, char *out,
		     size_t size)
{
	size_t i = 0;

	while (i < len) {
		size_t end = i;

		while (end < len && body[end] != '&')
			end++;
		if (end - i > 5 && !memcmp(body + i, "name=", 5)) {
			const char *v = body + i + 5;
			size_t n = end - i - 5;

			if (relay) {
				if (n < 6 || n > 5 + 18 ||
				    memcmp(v, "fair-", 5) || v[5] < '1' ||
				    v[5] > '9')
					return -1;
				v += 5;
				n -= 5;
			} else if (n != STREAM_KEY_HEX) {
				return -1;
			}
			if (n >= size)
				return -1;
			for (size_t k = 0; k < n; k++) {
				char c = v[k];

				if (!((c >= '0' && c <= '9') ||
				      (!relay && c >= 'a' && c <= 'f')))
					return -1;
			}
			memcpy(out, v, n);
			out[n] = '\0';
			return 0;
		}
		i = end + 1;
	}
	return -1;
}

struct notify_job {
	uint64_t http_id;
	enum notify_call call;
};

static void notify_done(void *arg, enum pg_outcome outcome, const PGresult *res)
{
	struct notify_job *job = arg;
	bool ok = outcome == PG_DONE &&
		  PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1;
	const char *v = ok ? PQgetvalue(res, 0, 0) : "";
	char location[64];

	if (!ok) {
		/* nginx refuses a publish it gets no 2xx/3xx for */
		http_fail(job->http_id, ERR_UNAVAILABLE,
			  "the stream's state could not be recorded");
	} else if (job->call == CALL_PUBLISH) {
		if (PQgetisnull(res, 0, 0)) {
			LOG(LOG_NOTICE, "stream: a publish with an unknown or "
					"rotated key refused");
			http_fail(job->http_id, ERR_FORBIDDEN,
				  "unknown stream key");
		} else {
			LOG(LOG_NOTICE, "stream: fair %s is live", v);
			snprintf(location, sizeof location, "fair-%s", v);
			http_finish_redirect(job->http_id, 302, location);
		}
	} else if (job->call == CALL_UPDATE && strcmp(v, "t")) {
		LOG(LOG_NOTICE, "stream: a publish whose key was rotated is "
				"dropped");
		http_fail(job->http_id, ERR_FORBIDDEN, "the key was rotated");
	} else if (job->call == CALL_RELAY && strcmp(v, "t")) {
		http_fail(job->http_id, ERR_FORBIDDEN, "that fair is not live");
	} else {
		if (job->call == CALL_PUBLISH_DONE && !PQgetisnull(res, 0, 0))
			LOG(LOG_NOTICE, "stream: fair %s's stream ended", v);
		http_finish_body(job->http_id, 200, "text/plain; charset=utf-8",
				 "ok\n", 3);
	}
	free(job);
}

void stream_http_notify(const struct http_call *call)
{
	static const char *const sql[] = {
		[CALL_PUBLISH] = "SELECT stream_publish($1)",
		[CALL_PUBLISH_DONE] = "SELECT stream_publish_done($1)",
		[CALL_UPDATE] = "SELECT stream_check($1)",
		[CALL_RELAY] = "SELECT stream_relay_allowed($1::bigint)",
	};
	const char *what = call->path + strlen(STREAM_NOTIFY_PATH_PREFIX);
	char key[STREAM_KEY_HEX + 1];
	const char *params[1] = {key};
	struct notify_job *job;
	enum notify_call c;

	if (!call->loopback) {
		http_fail(call->id, ERR_FORBIDDEN,
			  "nginx-rtmp's callbacks are served to loopback only");
		return;
	}
	if (!strcmp(what, "publish"))
		c = CALL_PUBLISH;
	else if (!strcmp(what, "publish_done"))
		c = CALL_PUBLISH_DONE;
	else if (!strcmp(what, "update"))
		c = CALL_UPDATE;
	else if (!strcmp(what, "relay"))
		c = CALL_RELAY;
	else if (!strcmp(what, "record_done")) {
		replay_record_done(call);
		return;
	} else {
		http_fail(call->id, ERR_NOT_FOUND, "no such callback");
		return;
	}
	if (form_name(call->body, call->body_len, c == CALL_RELAY, key,
		      sizeof key)) {
		/* not a key this server made: never asks the database. The
		 * live application's push of a renamed stream to the HLS
		 * application is a session of that application too, named
		 * fair-<id>, and nginx asks on_update for it as well: it is
		 * nginx's own (its publisher's key is checked by its own
		 * update), and a 403 would cut the HLS every few seconds. */
		if (c == CALL_PUBLISH_DONE ||
		    (c == CALL_UPDATE && !form_name(call->body, call->body_len,
						    true, key, sizeof key)))
			http_finish_body(call->id, 200,
					 "text/plain; charset=utf-8", "ok\n",
					 3);
		else
			http_fail(call->id, ERR_FORBIDDEN,
				  "unknown stream key");
		return;
	}
	job = xcalloc(1, sizeof *job);
	job->http_id = call->id;
	job->call = c;
	if (pg_query(srv.db, sql[c], 1, params, notify_done, job)) {
		http_fail(call->id, ERR_UNAVAILABLE, "retry later");
		free(job);
	}
}

/* ---- the HLS files ---- */

enum { HLS_NONE, HLS_PLAYLIST, HLS_SEGMENT, HLS_REPLAY };

/* Which file a path after /live/ names: "<fair>/fair-<fair>.m3u8",
 * "<fair>/fair-<fair>-<n>.ts" or "<fair>/replay-<id>.mp4" (*replay set),
 * nothing else (so no other file under hls_root, and no "..", is
 * reachable). Sets *fair and *file. */
static int hls_file(const char *rest, int64_t *fair, const char **file,
		    int64_t *replay)
{
	char *end, prefix[48];
	long long f;
	size_t n;
	const char *p;

	if (rest[0] < '1' || rest[0] > '9')
		return HLS_NONE;
	errno = 0;
	f = strtoll(rest, &end, 10);
	if (errno || f <= 0 || *end != '/')
		return HLS_NONE;
	*fair = f;
	*file = end + 1;
	if (!strncmp(*file, "replay-", 7) && (*file)[7] >= '1' &&
	    (*file)[7] <= '9') {
		long long id = strtoll(*file + 7, &end, 10);

		if (errno || id <= 0 || strcmp(end, ".mp4"))
			return HLS_NONE;
		*replay = id;
		return HLS_REPLAY;
	}
	n = (size_t)snprintf(prefix, sizeof prefix, "fair-%lld", f);
	if (strncmp(*file, prefix, n))
		return HLS_NONE;
	p = *file + n;
	if (!strcmp(p, ".m3u8"))
		return HLS_PLAYLIST;
	if (*p++ != '-' || *p < '0' || *p > '9')
		return HLS_NONE;
	for (n = 0; p[n] >= '0' && p[n] <= '9'; n++)
		;
	return n <= 18 && !strcmp(p + n, ".ts") ? HLS_SEGMENT : HLS_NONE;
}

/* Who may watch which fair, kept a moment: a segment a second per viewer
 * need not each ask PostgreSQL. */
struct watch_slot {
	int64_t user_id, fair;
	int64_t until_ms;
	bool ok;
};
static struct watch_slot watch_slots[WATCH_SLOTS];

static struct watch_slot *watch_slot(int64_t user_id, int64_t fair)
{
	uint64_t h = (uint64_t)user_id * 0x9E3779B97F4A7C15ULL ^ (uint64_t)fair;

	return &watch_slots[(h >> 7) % WATCH_SLOTS];
}

struct hls_job {
	uint64_t http_id;
	int kind; /* HLS_PLAYLIST or HLS_SEGMENT */
	int64_t fair;
	int64_t user_id;
	bool linked; /* asked by a signed link (hls_link.h), not a cookie */
	char file[64];
};

static const char *hls_root(void)
{
	return srv.cfg.hls_root && srv.cfg.hls_root[0] ? srv.cfg.hls_root
						       : FAIR_SOURCE_DIR
		       "/var/live/hls";
}

int stream_http_record_dir(char *buf, size_t size)
{
	const char *root = hls_root();
	size_t len = strlen(root), n;

	while (len > 1 && root[len - 1] == '/')
		len--;
	/* "/srv/live/hls" -> "/srv/live/rec"; "hls" -> "rec" */
	n = len;
	while (n > 0 && root[n - 1] != '/')
		n--;
	return snprintf(buf, size, "%.*srec", (int)n, root) >= (int)size ? -1
									 : 0;
}

int stream_http_playlist_path(int64_t fair, char *buf, size_t size)
{
	return snprintf(buf, size, "%s/fair-%" PRId64 ".m3u8", hls_root(),
			fair) >= (int)size
		       ? -1
		       : 0;
}

/* hls_playlist_dated's clock: a segment file's modification time. */
static int64_t segment_mtime(const char *name, void *arg)
{
	char path[PATH_MAX];
	struct stat st;

	(void)arg;
	snprintf(path, sizeof path, "%s/%s", hls_root(), name);
	if (stat(path, &st) || !S_ISREG(st.st_mode))
		return -1;
	return (int64_t)st.st_mtim.tv_sec * 1000 + st.st_mtim.tv_nsec / 1000000;
}

#define HLS_PLAYLIST_TYPE "application/vnd.apple.mpegurl"

/* Answers a dated playlist with its segments as signed links. */
static void hls_send_linked(const struct hls_job *job,
			    const struct strbuf *dated)
{
	struct strbuf linked;

	strbuf_init(&linked);
	if (hls_playlist_linked(dated->data ? dated->data : "", dated->len,
				srv.cfg.hls_link_base, job->fair,
				srv.cfg.hls_link_secret,
				timefmt_now_ms() / 1000, &linked)) {
		LOG(LOG_ERROR,
		    "stream: the segment links of fair %" PRId64
		    " could not be signed",
		    job->fair);
		http_fail(job->http_id, ERR_INTERNAL, "retry later");
	} else {
		http_finish_cached(job->http_id, 200, HLS_PLAYLIST_TYPE,
				   "no-cache", linked.data ? linked.data : "",
				   linked.len);
	}
	strbuf_free(&linked);
}

/* Reads the file and answers it: a playlist with its segments dated
 * (hls_playlist.h), so the room can hold the spotlight until the video
 * shows the moment it was set. */
static void hls_send(struct hls_job *job)
{
	char path[PATH_MAX];
	const char *root = hls_root();
	struct stat st;
	char *data;
	ssize_t got = 0;
	int fd;

	snprintf(path, sizeof path, "%s/%s", root, job->file);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode) ||
	    st.st_size > HLS_FILE_MAX) {
		if (fd >= 0)
			close(fd);
		http_fail(job->http_id, ERR_NOT_FOUND,
			  job->kind == HLS_PLAYLIST
				  ? "the fair is not streaming"
				  : "no such segment (it may have expired)");
		return;
	}
	data = xmalloc((size_t)st.st_size + 1);
	while (got < st.st_size) {
		ssize_t n = read(fd, data + got, (size_t)(st.st_size - got));

		if (n <= 0)
			break;
		got += n;
	}
	close(fd);
	if (job->kind == HLS_PLAYLIST) {
		struct strbuf dated;

		strbuf_init(&dated);
		hls_playlist_dated(data, (size_t)got, segment_mtime, NULL,
				   &dated);
		if (srv.cfg.hls_link_secret[0])
			hls_send_linked(job, &dated);
		else
			/* never cached: it changes every fragment */
			http_finish_cached(job->http_id, 200, HLS_PLAYLIST_TYPE,
					   "no-cache",
					   dated.data ? dated.data : "",
					   dated.len);
		strbuf_free(&dated);
	} else
		/* a segment never changes once listed. By the cookie:
		 * private, only the fair's users may have it; by a signed
		 * link: any cache may keep it for everyone who has a link */
		http_finish_cached(job->http_id, 200, "video/mp2t",
				   job->linked ? "public, max-age=60"
					       : "private, max-age=60",
				   data, (size_t)got);
	free(data);
}

/* Answers the file when the user may watch the fair, else 403; frees job. */
static void hls_answer(struct hls_job *job, bool may_watch)
{
	if (may_watch)
		hls_send(job);
	else
		http_fail(job->http_id, ERR_FORBIDDEN,
			  "this fair's video is not for this account");
	free(job);
}

static void hls_watch_checked(void *arg, enum pg_outcome outcome,
			      const PGresult *res)
{
	struct hls_job *job = arg;
	struct watch_slot *s;
	bool ok;

	if (outcome != PG_DONE || PQresultStatus(res) != PGRES_TUPLES_OK ||
	    PQntuples(res) != 1) {
		http_fail(job->http_id, ERR_UNAVAILABLE, "retry later");
		free(job);
		return;
	}
	ok = !strcmp(PQgetvalue(res, 0, 0), "t");
	s = watch_slot(job->user_id, job->fair);
	*s = (struct watch_slot){job->user_id, job->fair,
				 timefmt_mono_ms() + WATCH_KEEP_MS, ok};
	hls_answer(job, ok);
}

static void hls_user(void *arg, struct auth_user *user, int status)
{
	struct hls_job *job = arg;
	struct watch_slot *s;
	char fair[24], staff[2], dealer[24];
	const char *params[3] = {fair, staff, dealer};

	if (!auth_http_allow(job->http_id, user, status, ROLES_ALL, "")) {
		free(job);
		return;
	}
	job->user_id = user->user_id;
	s = watch_slot(user->user_id, job->fair);
	if (s->user_id == user->user_id && s->fair == job->fair &&
	    s->until_ms > timefmt_mono_ms()) {
		hls_answer(job, s->ok);
		return;
	}
	snprintf(fair, sizeof fair, "%" PRId64, job->fair);
	snprintf(staff, sizeof staff, "%s",
		 user->role == ROLE_DEALER ? "f" : "t");
	snprintf(dealer, sizeof dealer, "%" PRId64, user->dealer_id);
	if (pg_query_for(srv.db, (uint64_t)user->user_id,
			 "SELECT stream_may_watch($1::bigint, $2::boolean, "
			 "$3::bigint)",
			 3, params, hls_watch_checked, job)) {
		http_fail(job->http_id, ERR_UNAVAILABLE, "retry later");
		free(job);
	}
}

void stream_http_hls(const struct http_call *call)
{
	const char *rest = call->path + strlen(STREAM_HLS_PATH_PREFIX), *file;
	struct hls_job *job;
	int64_t fair, replay = 0;
	int kind = hls_file(rest, &fair, &file, &replay);

	if (kind == HLS_NONE || strlen(file) >= sizeof job->file) {
		http_fail(call->id, ERR_NOT_FOUND, "no such file");
		return;
	}
	if (kind == HLS_REPLAY) {
		replay_http_file(call, fair, replay);
		return;
	}
	job = xcalloc(1, sizeof *job);
	job->http_id = call->id;
	job->kind = kind;
	job->fair = fair;
	snprintf(job->file, sizeof job->file, "%s", file);
	if (kind == HLS_SEGMENT && srv.cfg.hls_link_secret[0]) {
		/* an edge cache or a CDN asks by the link the playlist gave
		 * a viewer, without the viewer's cookie */
		switch (hls_link_check(srv.cfg.hls_link_secret, call->path,
				       call->query, timefmt_now_ms() / 1000)) {
		case HLS_LINK_OK:
			job->linked = true;
			hls_send(job);
			free(job);
			return;
		case HLS_LINK_BAD:
			http_fail(call->id, ERR_FORBIDDEN,
				  "this link to the video was not signed here");
			free(job);
			return;
		case HLS_LINK_EXPIRED:
			http_fail(call->id, ERR_FORBIDDEN,
				  "this link to the video has expired: load "
				  "the playlist again");
			free(job);
			return;
		case HLS_LINK_NONE:
			break;
		}
	}
	auth_http_user(call->session, hls_user, job);
}
