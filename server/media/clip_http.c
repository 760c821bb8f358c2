/* clip_http.c - product clip uploads and their files (see clip_http.h). */
#include "media/clip_http.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auth/auth.h"
#include "base/log.h"
#include "base/worker.h"
#include "base/xalloc.h"
#include "db/pg.h"
#include "media/admin_image.h"
#include "media/clip_check.h"
#include "media/clip_make.h"
#include "media/media_check.h"
#include "media/media_key.h"
#include "media/media_run.h"
#include "media/ranged_file.h"
#include "rpc/dispatch.h"
#include "rpc/proto.h"
#include "server.h"

struct clip_upload {
	uint64_t http_id;
	char product[24]; /* the id, as text */
	char style[48];   /* the product's, for the key */
	int fd;           /* the body, in a memfd; owned */
	int64_t len;
	char actor[24]; /* the admin's user id, as text */
	struct clip_limits lim;
	/* set by the worker */
	enum clip_verdict verdict;
	struct clip_info info;
	char key[CLIP_KEY_MAX];
	bool existed; /* the same clip was stored before */
	char err[512];
};

static void upload_free(struct clip_upload *up)
{
	if (up->fd >= 0)
		close(up->fd);
	free(up);
}

static void upload_fail(struct clip_upload *up, enum proto_error code,
			const char *message)
{
	http_fail(up->http_id, code, message);
	upload_free(up);
}

/* Answers a verdict's refusal with its status and reason. */
static void upload_refuse(struct clip_upload *up, enum clip_verdict v,
			  const char *why)
{
	int status = clip_verdict_status(v);
	enum proto_error code = status == 413   ? ERR_TOO_LARGE
				: status == 500 ? ERR_INTERNAL
						: ERR_BAD_REQUEST;

	http_finish(up->http_id, status, proto_http_error(code, why), NULL, 0);
	upload_free(up);
}

bool clip_http_is_upload(const char *path)
{
	size_t n = strlen(path);

	return n > 5 && !strcmp(path + n - 5, "/clip");
}

size_t clip_http_max_body(const char *path)
{
	if (!clip_http_is_upload(path))
		return MEDIA_MAX_BYTES;
	return (size_t)srv.cfg.clip_max_mb * 1024 * 1024;
}

/* The files of key under the media root. */
static void files_of(const char *key, char *mp4, char *jpg, size_t size)
{
	snprintf(mp4, size, "%s/%s.mp4", srv.media_root, key);
	snprintf(jpg, size, "%s/%s-poster.jpg", srv.media_root, key);
}

/* ---- 5: recorded, answered ---- */

static void upload_saved(void *arg, enum pg_outcome outcome,
			 const PGresult *res)
{
	struct clip_upload *up = arg;
	json_error_t jerr;

	if (outcome != PG_DONE || PQresultStatus(res) != PGRES_TUPLES_OK) {
		bool lost = outcome == PG_LOST;
		enum proto_error code =
			outcome == PG_DONE
				? proto_error_of_sqlstate(PQresultErrorField(
					  res, PG_DIAG_SQLSTATE))
				: ERR_UNAVAILABLE;

		/* nothing points at files stored for this upload alone
		 * (unless the commit's answer was lost) */
		if (!up->existed && !lost) {
			char mp4[PATH_MAX + 200], jpg[PATH_MAX + 200];

			files_of(up->key, mp4, jpg, sizeof mp4);
			unlink(mp4);
			unlink(jpg);
		}
		if (lost) {
			upload_fail(up, ERR_IN_DOUBT,
				    "the connection to the database was lost: "
				    "the clip may or may not have been saved; "
				    "retry");
		} else if (outcome == PG_DONE && code != ERR_INTERNAL &&
			   code != ERR_UNAVAILABLE) {
			upload_fail(up, code,
				    PQresultErrorField(
					    res, PG_DIAG_MESSAGE_PRIMARY));
		} else {
			if (outcome == PG_DONE)
				LOG(LOG_ERROR, "saving a product clip: %s",
				    PQresultErrorMessage(res));
			upload_fail(up, ERR_UNAVAILABLE,
				    "the clip could not be saved now: retry");
		}
		return;
	}
	LOG(LOG_INFO, "product %s: new clip %s (%lld ms, %dx%d)", up->product,
	    up->key, (long long)up->info.duration_ms, up->info.width,
	    up->info.height);
	http_finish(up->http_id, 200,
		    json_loads(PQgetvalue(res, 0, 0), 0, &jerr), NULL, 0);
	upload_free(up);
}

/* ---- 4: hashed, checked and transcoded, on a worker thread ---- */

static void upload_work(void *arg)
{
	struct clip_upload *up = arg;
	char prefix[PATH_MAX + 200], mp4[PATH_MAX + 200], jpg[PATH_MAX + 200];
	unsigned char sha[32];
	long long deadline = media_run_now_ms() + CLIP_HTTP_DEADLINE_MS;

	if (clip_hash_fd(up->fd, sha) ||
	    clip_key(up->style, sha, up->key, sizeof up->key)) {
		up->verdict = CLIP_FAILED;
		snprintf(up->err, sizeof up->err, "no name for the clip");
		return;
	}
	snprintf(prefix, sizeof prefix, "%s/%s", srv.media_root, up->key);
	files_of(up->key, mp4, jpg, sizeof mp4);
	up->existed = !access(mp4, F_OK) && !access(jpg, F_OK);
	up->verdict = clip_make(up->fd, prefix, &up->lim, deadline, &up->info,
				up->err, sizeof up->err);
}

static void upload_worked(void *arg, bool ran)
{
	struct clip_upload *up = arg;
	char ms[24], w[16], h[16];
	const char *params[6] = {up->actor, up->product, up->key, ms, w, h};

	if (!ran) {
		upload_fail(up, ERR_UNAVAILABLE,
			    "the server is busy: retry in a moment");
		return;
	}
	close(up->fd); /* the files are written: the bytes are done with */
	up->fd = -1;
	if (up->verdict != CLIP_OK) {
		if (up->verdict == CLIP_FAILED)
			LOG(LOG_ERROR, "product clip: %s", up->err);
		upload_refuse(up, up->verdict, up->err);
		return;
	}
	snprintf(ms, sizeof ms, "%lld", (long long)up->info.duration_ms);
	snprintf(w, sizeof w, "%d", up->info.width);
	snprintf(h, sizeof h, "%d", up->info.height);
	if (pg_query(
		    srv.db,
		    "SELECT admin_product_clip_set($1::bigint, $2::bigint, $3, "
		    "$4::int, $5::int, $6::int)",
		    6, params, upload_saved, up)) {
		/* not recorded: the files go unless they were there before */
		if (!up->existed) {
			char mp4[PATH_MAX + 200], jpg[PATH_MAX + 200];

			files_of(up->key, mp4, jpg, sizeof mp4);
			unlink(mp4);
			unlink(jpg);
		}
		upload_fail(up, ERR_UNAVAILABLE,
			    "the database is unavailable: retry");
	}
}

/* ---- 3: the product exists ---- */

static void product_found(void *arg, enum pg_outcome outcome,
			  const PGresult *res)
{
	struct clip_upload *up = arg;
	char why[200];

	if (outcome != PG_DONE || PQresultStatus(res) != PGRES_TUPLES_OK) {
		upload_fail(up, ERR_UNAVAILABLE,
			    "the database is unavailable: retry");
		return;
	}
	if (PQntuples(res) != 1) {
		snprintf(why, sizeof why, "product %s not found", up->product);
		upload_fail(up, ERR_NOT_FOUND, why);
		return;
	}
	snprintf(up->style, sizeof up->style, "%s", PQgetvalue(res, 0, 0));
	if (worker_submit_heavy(srv.workers, upload_work, upload_worked, up))
		upload_fail(up, ERR_UNAVAILABLE,
			    "the server is busy: retry in a moment");
}

/* ---- 2: an admin's session; the size and first bytes ---- */

static void upload_authorized(void *arg, struct auth_user *user, int status)
{
	struct clip_upload *up = arg;
	unsigned char head[CLIP_SNIFF_BYTES];
	const char *params[1] = {up->product};
	enum clip_verdict v;
	ssize_t n;

	if (!auth_http_allow(up->http_id, user, status, ROLE_ADMIN,
			     "only administrators upload product clips")) {
		upload_free(up);
		return;
	}
	snprintf(up->actor, sizeof up->actor, "%lld", (long long)user->user_id);
	v = clip_judge_size(up->len, &up->lim, up->err, sizeof up->err);
	if (v == CLIP_BROKEN)
		snprintf(up->err, sizeof up->err,
			 "the body must be the clip: an MP4, MOV or WebM "
			 "video");
	if (v != CLIP_OK) {
		upload_refuse(up, v, up->err);
		return;
	}
	n = pread(up->fd, head, sizeof head, 0);
	if (n < 0 || clip_sniff(head, (size_t)n) == CLIP_UNKNOWN) {
		upload_refuse(up, CLIP_NOT_VIDEO,
			      "not a video: the body is not an MP4, MOV or "
			      "WebM video");
		return;
	}
	if (pg_query(srv.db, "SELECT style FROM products WHERE id = $1::bigint",
		     1, params, product_found, up))
		upload_fail(up, ERR_UNAVAILABLE,
			    "the database is unavailable: retry");
}

/* ---- 1: the request ---- */

void clip_http_upload(const struct http_call *call)
{
	struct clip_upload *up = xcalloc(1, sizeof *up);

	up->http_id = call->id;
	up->fd = -1;
	if (admin_image_product_id(call->path, "/clip", up->product,
				   sizeof up->product)) {
		upload_fail(up, ERR_NOT_FOUND,
			    "not found: clips are uploaded to "
			    "/api/admin/products/<id>/clip");
		return;
	}
	up->lim.max_bytes = (int64_t)srv.cfg.clip_max_mb * 1024 * 1024;
	up->lim.max_ms = (int64_t)srv.cfg.clip_max_s * 1000;
	up->len = (int64_t)call->body_len;
	/* the worker and ffmpeg read the body as a file (ffmpeg seeks in an
	 * MP4) */
	up->fd = media_run_memfd("fair-clip", call->body, call->body_len);
	if (up->fd < 0) {
		upload_fail(up, ERR_UNAVAILABLE,
			    "no room for the clip now: retry");
		return;
	}
	auth_http_user(call->session, upload_authorized, up);
}

/* ---- GET /media/clips/... ---- */

/* "clips/<key rest>.mp4" or "...-poster.jpg": the key is valid (no "..",
 * no dots at all) and the suffix one of the two. Returns the content type
 * or NULL. */
static const char *clip_file_type(const char *rel)
{
	static const struct {
		const char *suffix, *type;
	} kinds[] = {{".mp4", "video/mp4"}, {"-poster.jpg", "image/jpeg"}};
	char key[CLIP_KEY_MAX];
	size_t n = strlen(rel);

	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		size_t s = strlen(kinds[i].suffix);

		if (n <= s || n - s >= sizeof key ||
		    strcmp(rel + n - s, kinds[i].suffix))
			continue;
		memcpy(key, rel, n - s);
		key[n - s] = '\0';
		if (!strncmp(key, "clips/", 6) && media_key_valid(key))
			return kinds[i].type;
	}
	return NULL;
}

void clip_http_get(const struct http_call *call)
{
	const char *rel = call->path + strlen("/media/");
	const char *type = clip_file_type(rel);
	char path[PATH_MAX + 200];
	const char *file = path;

	if (!type || snprintf(path, sizeof path, "%s/%s", srv.media_root,
			      rel) >= (int)sizeof path)
		file = NULL;
	ranged_file_answer(call->id, file, call->range, type,
			   "public, max-age=31536000, immutable",
			   "no such clip");
}
