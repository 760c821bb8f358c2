/* clip_http.h - product clips over HTTP (issue 24).
 *
 * POST /api/admin/products/<id>/clip: an administrator uploads a short video
 * of a product (MP4, MOV or WebM, at most clip_max_mb MiB and clip_max_s
 * seconds). The image route's prefix serves it (admin_image.c hands the
 * request here), with its gate: session and role before the body. In
 * order: the admin (401, 403), the size (413) and first bytes (415) on the
 * loop, the product (404); then on a worker thread (a heavy job) the
 * uploaded bytes are hashed for the clip's key (clip_key) and clip_make
 * checks them with ffprobe and stores the MP4 and poster (400 for a clip
 * that cannot be read or lasts too long, 415 for another kind of file, 500
 * for our side), each program a limited child; then admin_product_clip_set
 * records them, audited. A refusal stores nothing. Answers 200 {"product":
 * id, "clip": {url, poster, duration_ms, width, height}} or {"error":
 * {"code", "message"}}.
 *
 * GET /media/clips/<style>/<hash>.mp4 and ...-poster.jpg: the stored files
 * with byte ranges (206 Partial Content, 416 past the end: byte_range.h),
 * so a player seeks without downloading the whole; public and cached for a
 * year (a new clip has a new name), like the pictures under /media/. */
#ifndef FAIR_CLIP_HTTP_H
#define FAIR_CLIP_HTTP_H

#include <stddef.h>

#include "net/http.h"

#define CLIP_FILES_PATH_PREFIX "/media/clips/"

/* A clip upload's wall-clock limit for ffprobe and ffmpeg together, under
 * the 120 s an HTTP answer may take (net/http.c). */
#define CLIP_HTTP_DEADLINE_MS 100000

/* True when path is an upload of a clip (".../<id>/clip"). */
bool clip_http_is_upload(const char *path);

/* The largest body the upload route reads for path: clip_max_mb for a
 * clip, MEDIA_MAX_BYTES for a picture (http_route.max_body_for). */
size_t clip_http_max_body(const char *path);

/* The upload's handler (from admin_image_http_upload). Answers later. */
void clip_http_upload(const struct http_call *call);

/* GET of a stored clip or poster; answers at once. */
void clip_http_get(const struct http_call *call);

#endif
