/* proto.h - the fair.v1 envelope: error codes, replies, request decoding.
 *
 * This is the one place that turns an error into protocol JSON; nothing
 * else writes {"ok": false, "error": ...}. It also holds the one table from
 * a SQLSTATE to a code and the one from a code to an HTTP status. Pure code:
 * jansson only. */
#ifndef FAIR_PROTO_H
#define FAIR_PROTO_H

#include <jansson.h>
#include <stddef.h>

#define PROTO_MAX_MESSAGE (64 * 1024) /* bytes; larger: too_large */
#define PROTO_MAX_DEPTH 16            /* nesting of objects and arrays */
#define PROTO_MAX_RID_LENGTH 128      /* bytes of a string rid */

enum proto_error {
	ERR_BAD_REQUEST,
	ERR_UNAUTHORIZED,
	ERR_FORBIDDEN,
	ERR_NOT_FOUND,
	ERR_FAIR_NOT_LIVE,
	ERR_INSUFFICIENT_STOCK,
	ERR_LIMIT_EXCEEDED,
	ERR_CREDIT_EXCEEDED,
	ERR_BELOW_MINIMUM,
	ERR_COUPON_REFUSED,
	ERR_CONFLICT,
	ERR_RATE_LIMITED,
	ERR_TOO_LARGE,
	ERR_UNAVAILABLE,
	ERR_IN_DOUBT,
	ERR_INTERNAL,
	ERR__COUNT
};

/* The wire name of an error ("bad_request"). */
const char *proto_error_code(enum proto_error e);

/* Builds {"re": rid, "ok": false, "error": {"code", "message", ...details}}.
 * rid is borrowed (NULL gives "re": null); details, an object or NULL, is
 * stolen and its fields merged into "error". Returns a new reference. */
json_t *proto_error_reply(json_t *rid, enum proto_error e, const char *message,
			  json_t *details);

/* Error replies built since start, by code (for /metrics). */
unsigned long long proto_error_count(enum proto_error e);

/* The body of an HTTP error: {"error": {"code", "message"}}. New reference. */
json_t *proto_http_error(enum proto_error e, const char *message);

/* The code that answers a statement PostgreSQL refused, from its SQLSTATE
 * (PG_DIAG_SQLSTATE; NULL gives internal). The server's one such table:
 *   23505 (unique violation)                              conflict
 *   P0002 (no_data_found: our functions' "no such ...")   not_found
 *   22023, 22P02, 23502, 23503, 23514, 22001 (a value
 *   the statement or a constraint refused)                bad_request
 *   classes 40 (serialization failure, deadlock), 53 (insufficient
 *   resources), 57 (cancelled by statement_timeout, shutting down): the
 *   transaction was rolled back, nothing was done        unavailable
 *   anything else                                         internal */
enum proto_error proto_error_of_sqlstate(const char *sqlstate);

/* The HTTP status that carries e on the HTTP routes: bad_request 400,
 * unauthorized 401, forbidden 403, not_found 404, conflict (and the other
 * refusals of the current state: fair_not_live, insufficient_stock,
 * limit_exceeded, credit_exceeded, below_minimum, coupon_refused) 409, too_large 413, rate_limited 429,
 * internal 500, unavailable and in_doubt 503. Two routes answer a code with
 * another status on purpose: 405 (a wrong method) and 415 (an upload that
 * is not an image), both bad_request. */
int proto_error_http_status(enum proto_error e);

/* Builds {"re": rid, "ok": true, ...result}. rid is borrowed; result, an
 * object or NULL, is stolen. Returns a new reference. */
json_t *proto_ok_reply(json_t *rid, json_t *result);

/* The same reply as text, from result given as the text of a JSON object
 * without "re" or "ok" members (a join snapshot from PostgreSQL, passed on
 * without being parsed and serialised again). rid is borrowed. Returns a
 * malloc'd text and its length, or NULL when result is not an object's text. */
char *proto_ok_reply_text(const json_t *rid, const char *result, size_t len,
			  size_t *out_len);

/* A decoded request. root owns everything; rid and op point into it. */
struct proto_request {
	json_t *root;   /* the whole message (an object) */
	json_t *rid;    /* the client's rid (number or string) */
	const char *op; /* the op name */
};

/* A refusal from decoding: the error, a human message, and the rid when it
 * could be read (a borrowed pointer into the partly decoded message, valid
 * until proto_request_free; NULL otherwise). */
struct proto_decode_error {
	enum proto_error code;
	char message[256];
	json_t *rid;
};

/* Decodes one text message. Checks, in order: size (too_large), nesting
 * depth, JSON syntax with duplicate keys refused, an object at the top, a
 * readable rid, an op string. Returns 0 and fills req, or -1 and fills err;
 * in both cases call proto_request_free(req) afterwards. */
int proto_decode(const char *text, size_t len, struct proto_request *req,
		 struct proto_decode_error *err);

/* Releases what proto_decode kept. Safe on a zeroed request. */
void proto_request_free(struct proto_request *req);

/* Returns the maximum nesting depth of objects and arrays in a JSON text,
 * ignoring brackets inside strings; stops counting once limit is passed and
 * returns limit + 1. Tolerates malformed input (the parser judges it). */
int proto_json_depth(const char *text, size_t len, int limit);

#endif
