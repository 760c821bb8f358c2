/* admin_image.h - POST /api/admin/products/<id>/image[?color=<colour>]:
 * an administrator uploads the picture of a product, or of one of its
 * colours.
 *
 * The body is the image itself (JPEG, PNG or WebP, at most MEDIA_MAX_BYTES).
 * In order: the session (401) and its role (403, admins only), which http.c
 * checks before it reads a byte of the body (its gate: the route's
 * roles_first) and this handler once more after it, the bytes by
 * the pure header checks of media_check.h (415 for another format, 400 for a
 * header out of bounds), the product and colour (404, 400); then the image
 * is decoded and stored as three JPEGs by `fairctl media-convert` in a child
 * process with limits (media_child.h), run from a worker thread so the loop
 * never waits for it (a heavy job: worker.h), under a new media key
 * (p/<style>/<slug>-<random>), so the files are complete before the
 * database points at them and a browser
 * never shows a cached older picture. The key goes into products.image or
 * the colour's variants.image, audited. Answers
 * 200 {"product": id, "color": colour|null, "images": {thumb, card, full}}
 * or {"error": {"code", "message"}}. */
#ifndef FAIR_ADMIN_IMAGE_H
#define FAIR_ADMIN_IMAGE_H

#include "net/http.h"

#define ADMIN_IMAGE_PATH_PREFIX "/api/admin/products/"

/* "/api/admin/products/<id><suffix>" (suffix "/image" or "/clip") -> the
 * id's text in id (size bytes); -1 for any other path. */
int admin_image_product_id(const char *path, const char *suffix, char *id,
			   size_t size);

/* The route's handler (http.c calls it once the whole body is in). Answers
 * through http_finish, later. */
void admin_image_http_upload(const struct http_call *call);

#endif
