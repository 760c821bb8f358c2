/* admin_image.c - product picture uploads (see admin_image.h). */
#include "media/admin_image.h"

#include <limits.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/auth.h"
#include "base/log.h"
#include "base/worker.h"
#include "base/xalloc.h"
#include "db/pg.h"
#include "media/clip_http.h"
#include "media/media_check.h"
#include "media/media_child.h"
#include "media/media_key.h"
#include "rpc/dispatch.h"
#include "rpc/proto.h"
#include "server.h"

#define COLOR_MAX_CHARS 32 /* variants.color */

struct upload {
	uint64_t http_id;
	char product[24]; /* the id, as text */
	char color[4 * COLOR_MAX_CHARS + 1];
	bool has_color;
	unsigned char *data; /* the body, owned */
	size_t len;
	char actor[24];          /* the admin's user id, as text */
	char key[MEDIA_KEY_MAX]; /* where the new picture goes */
	char exe[PATH_MAX];      /* fairctl, beside this server */
	char prefix[2 * PATH_MAX];
	int status;    /* after the worker: 0 converted, or HTTP */
	char err[512]; /* why not */
};

static void upload_free(struct upload *up)
{
	free(up->data);
	free(up);
}

/* Answers the request with an error and frees the upload. */
static void upload_fail(struct upload *up, enum proto_error code,
			const char *message)
{
	http_fail(up->http_id, code, message);
	upload_free(up);
}

int admin_image_product_id(const char *path, const char *suffix, char *id,
			   size_t size)
{
	size_t len = strlen(ADMIN_IMAGE_PATH_PREFIX), n;

	if (strncmp(path, ADMIN_IMAGE_PATH_PREFIX, len))
		return -1;
	path += len;
	n = strspn(path, "0123456789");
	if (n < 1 || n > 18 || n >= size || path[0] == '0' ||
	    strcmp(path + n, suffix))
		return -1;
	memcpy(id, path, n);
	id[n] = '\0';
	return 0;
}

/* The value of "color=" among the '&'-joined arguments. Returns 1 and
 * copies it, 0 when absent, -1 when it is not a colour name (empty, too
 * long, not UTF-8). */
static int parse_color(const char *query, char *out, size_t size)
{
	const char *p = query;

	while (*p) {
		size_t n = strcspn(p, "&"), chars = 0;
		json_t *check;

		if (strncmp(p, "color=", 6)) {
			p += n + (p[n] == '&');
			continue;
		}
		if (n - 6 < 1 || n - 6 >= size)
			return -1;
		memcpy(out, p + 6, n - 6);
		out[n - 6] = '\0';
		check = json_string(out); /* NULL unless valid UTF-8 */
		json_decref(check);
		for (const char *c = out; *c; c++)
			if (((unsigned char)*c & 0xC0) != 0x80)
				chars++;
		return check && chars <= COLOR_MAX_CHARS ? 1 : -1;
	}
	return 0;
}

/* ---- 5: the new key in the database, and the answer ---- */

static void upload_saved(void *arg, enum pg_outcome outcome,
			 const PGresult *res)
{
	struct upload *up = arg;
	enum proto_error code;
	json_error_t jerr;

	if (outcome == PG_LOST) {
		upload_fail(up, ERR_IN_DOUBT,
			    "the connection to the database was lost: the "
			    "picture may or may not have been saved; retry");
		return;
	}
	if (outcome != PG_DONE) {
		upload_fail(up, ERR_UNAVAILABLE,
			    "the database is unavailable: retry");
		return;
	}
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		/* the product was deleted, or lost that colour, meanwhile */
		code = proto_error_of_sqlstate(
			PQresultErrorField(res, PG_DIAG_SQLSTATE));
		if (code == ERR_INTERNAL || code == ERR_UNAVAILABLE) {
			LOG(code == ERR_INTERNAL ? LOG_ERROR : LOG_WARN,
			    "saving a product image: %s",
			    PQresultErrorMessage(res));
			upload_fail(up, code,
				    code == ERR_INTERNAL
					    ? "the picture could not be saved"
					    : "the picture could not be saved "
					      "now: retry");
		} else {
			upload_fail(up, code,
				    PQresultErrorField(
					    res, PG_DIAG_MESSAGE_PRIMARY));
		}
		return;
	}
	LOG(LOG_INFO, "product %s: new picture %s", up->product, up->key);
	http_finish(up->http_id, 200,
		    json_loads(PQgetvalue(res, 0, 0), 0, &jerr), NULL, 0);
	upload_free(up);
}

/* ---- 4: decoding and storing, on a worker thread ---- */

static void upload_convert(void *arg)
{
	struct upload *up = arg;

	if (access(up->exe, X_OK)) {
		snprintf(up->err, sizeof up->err,
			 "the image converter %.400s cannot be run", up->exe);
		up->status = 500;
		return;
	}
	if (media_child_convert(up->exe, up->data, up->len, up->prefix, 0,
				up->err, sizeof up->err))
		up->status = 400;
}

static void upload_converted(void *arg, bool ran)
{
	struct upload *up = arg;
	const char *params[4] = {up->actor, up->product,
				 up->has_color ? up->color : NULL, up->key};
	char why[600];

	if (!ran) { /* no thread within render_wait_max_ms, or shutdown */
		upload_fail(up, ERR_UNAVAILABLE,
			    "the server is busy: retry in a moment");
		return;
	}
	if (up->status == 500) {
		LOG(LOG_ERROR, "product image: %s", up->err);
		upload_fail(up, ERR_INTERNAL, up->err);
		return;
	}
	if (up->status) {
		snprintf(why, sizeof why,
			 "the image could not be converted: %s", up->err);
		upload_fail(up, ERR_BAD_REQUEST, why);
		return;
	}
	free(up->data); /* the files are written: the bytes are done with */
	up->data = NULL;
	if (pg_query(srv.db,
		     "SELECT admin_product_image_set($1::bigint, $2::bigint, "
		     "$3, $4)",
		     4, params, upload_saved, up))
		upload_fail(up, ERR_UNAVAILABLE,
			    "the database is unavailable: retry");
}

/* ---- 3: the product exists (and has that colour): convert ---- */

/* The directory of this executable, where fairctl is installed beside it. */
static int converter_path(char *out, size_t size)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	char *slash;

	if (n <= 0)
		return -1;
	self[n] = '\0';
	slash = strrchr(self, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	return snprintf(out, size, "%s/fairctl", self) < (int)size ? 0 : -1;
}

static void product_found(void *arg, enum pg_outcome outcome,
			  const PGresult *res)
{
	struct upload *up = arg;
	char slug[MEDIA_SLUG_MAX + 16], why[200];
	unsigned char rnd[4];
	size_t n;

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
	if (strcmp(PQgetvalue(res, 0, 1), "t")) {
		snprintf(why, sizeof why, "product %s has no colour %s",
			 up->product, up->color);
		upload_fail(up, ERR_BAD_REQUEST, why);
		return;
	}
	/* a new key each time: see admin_image.h */
	if (up->has_color ? media_color_slug(up->color, slug, MEDIA_SLUG_MAX)
			  : snprintf(slug, sizeof slug, "main") < 0) {
		upload_fail(up, ERR_INTERNAL, "no name for the picture");
		return;
	}
	if (RAND_bytes(rnd, sizeof rnd) != 1) {
		upload_fail(up, ERR_INTERNAL, "no randomness");
		return;
	}
	n = strlen(slug);
	snprintf(slug + n, sizeof slug - n, "-%02x%02x%02x%02x", rnd[0], rnd[1],
		 rnd[2], rnd[3]);
	if (media_product_key(PQgetvalue(res, 0, 0), slug, up->key,
			      sizeof up->key) ||
	    converter_path(up->exe, sizeof up->exe) ||
	    snprintf(up->prefix, sizeof up->prefix, "%s/%s", srv.media_root,
		     up->key) >= (int)sizeof up->prefix) {
		upload_fail(up, ERR_INTERNAL, "no place to store the picture");
		return;
	}
	if (worker_submit_heavy(srv.workers, upload_convert, upload_converted,
				up))
		upload_fail(up, ERR_UNAVAILABLE,
			    "the server is busy: retry in a moment");
}

/* ---- 2: an admin's session; the bytes look like an image ---- */

static void upload_authorized(void *arg, struct auth_user *user, int status)
{
	struct upload *up = arg;
	struct media_info info;
	char err[256];
	const char *params[2] = {up->product, up->has_color ? up->color : NULL};

	if (!auth_http_allow(up->http_id, user, status, ROLE_ADMIN,
			     "only administrators upload product pictures")) {
		upload_free(up);
		return;
	}
	snprintf(up->actor, sizeof up->actor, "%lld", (long long)user->user_id);
	if (!up->len) {
		upload_fail(up, ERR_BAD_REQUEST,
			    "the body must be the picture: a JPEG, PNG or WebP "
			    "image");
		return;
	}
	if (media_sniff(up->data, up->len) == MEDIA_UNKNOWN) {
		media_check(up->data, up->len, &info, err, sizeof err);
		/* 415, not the 400 of bad_request: the type is wrong */
		http_finish(up->http_id, 415,
			    proto_http_error(ERR_BAD_REQUEST, err), NULL, 0);
		upload_free(up);
		return;
	}
	if (media_check(up->data, up->len, &info, err, sizeof err)) {
		upload_fail(up,
			    up->len > MEDIA_MAX_BYTES ? ERR_TOO_LARGE
						      : ERR_BAD_REQUEST,
			    err);
		return;
	}
	if (pg_query(srv.db,
		     "SELECT p.style, $2::text IS NULL OR EXISTS (SELECT 1 "
		     "FROM variants v WHERE v.product_id = p.id AND v.color = "
		     "$2) FROM products p WHERE p.id = $1::bigint",
		     2, params, product_found, up))
		upload_fail(up, ERR_UNAVAILABLE,
			    "the database is unavailable: retry");
}

/* ---- 1: the request ---- */

void admin_image_http_upload(const struct http_call *call)
{
	struct upload *up;
	int color;

	if (clip_http_is_upload(call->path)) { /* a video: clip_http.h */
		clip_http_upload(call);
		return;
	}
	up = xcalloc(1, sizeof *up);
	up->http_id = call->id;
	if (admin_image_product_id(call->path, "/image", up->product,
				   sizeof up->product)) {
		upload_fail(up, ERR_NOT_FOUND,
			    "not found: pictures are uploaded to "
			    "/api/admin/products/<id>/image");
		return;
	}
	color = parse_color(call->query, up->color, sizeof up->color);
	if (color < 0) {
		upload_fail(up, ERR_BAD_REQUEST,
			    "color must be a colour name of 1 to 32 "
			    "characters");
		return;
	}
	up->has_color = color == 1;
	up->len = call->body_len;
	up->data = xmalloc(up->len);
	if (up->len)
		memcpy(up->data, call->body, up->len);
	auth_http_user(call->session, upload_authorized, up);
}
