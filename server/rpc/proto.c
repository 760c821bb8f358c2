/* proto.c - envelope encoding and request decoding (see proto.h). */
#include "rpc/proto.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"

static const char *const error_codes[ERR__COUNT] = {
	[ERR_BAD_REQUEST] = "bad_request",
	[ERR_UNAUTHORIZED] = "unauthorized",
	[ERR_FORBIDDEN] = "forbidden",
	[ERR_NOT_FOUND] = "not_found",
	[ERR_FAIR_NOT_LIVE] = "fair_not_live",
	[ERR_INSUFFICIENT_STOCK] = "insufficient_stock",
	[ERR_LIMIT_EXCEEDED] = "limit_exceeded",
	[ERR_CREDIT_EXCEEDED] = "credit_exceeded",
	[ERR_BELOW_MINIMUM] = "below_minimum",
	[ERR_COUPON_REFUSED] = "coupon_refused",
	[ERR_CONFLICT] = "conflict",
	[ERR_RATE_LIMITED] = "rate_limited",
	[ERR_TOO_LARGE] = "too_large",
	[ERR_UNAVAILABLE] = "unavailable",
	[ERR_IN_DOUBT] = "in_doubt",
	[ERR_INTERNAL] = "internal",
};

static unsigned long long error_counts[ERR__COUNT];

unsigned long long proto_error_count(enum proto_error e)
{
	return (unsigned)e < ERR__COUNT ? error_counts[e] : 0;
}

const char *proto_error_code(enum proto_error e)
{
	return (unsigned)e < ERR__COUNT ? error_codes[e] : "internal";
}

/* Copies text into out (size bytes), keeping whole valid UTF-8 sequences
 * only: a message may quote client bytes (a parser's "near ..." or a
 * truncated field name) and JSON strings must be valid UTF-8. */
static void utf8_clean(const char *text, char *out, size_t size)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t o = 0;

	while (*p && o + 1 < size) {
		size_t n = *p < 0x80                           ? 1
			   : (*p & 0xE0) == 0xC0 && *p >= 0xC2 ? 2
			   : (*p & 0xF0) == 0xE0               ? 3
			   : (*p & 0xF8) == 0xF0 && *p <= 0xF4 ? 4
							       : 0;
		size_t i = 1;

		while (n && i < n && (p[i] & 0xC0) == 0x80)
			i++;
		if (!n || i < n || o + n >= size) {
			/* not a whole character: drop the byte */
			p++;
			continue;
		}
		memcpy(out + o, p, n);
		o += n;
		p += n;
	}
	out[o] = '\0';
}

json_t *proto_error_reply(json_t *rid, enum proto_error e, const char *message,
			  json_t *details)
{
	json_t *error = json_object(), *text;
	char clean[512];

	if ((unsigned)e < ERR__COUNT)
		error_counts[e]++;
	utf8_clean(message ? message : "", clean, sizeof clean);
	/* jansson still refuses what UTF-8 forbids (surrogates, overlongs) */
	text = *clean ? json_string(clean) : NULL;
	json_object_set_new(error, "code", json_string(proto_error_code(e)));
	json_object_set_new(error, "message",
			    text ? text : json_string(proto_error_code(e)));
	if (json_is_object(details)) {
		/* details may not override the code or message */
		json_object_del(details, "code");
		json_object_del(details, "message");
		json_object_update(error, details);
	}
	json_decref(details);
	return json_pack("{s:O,s:b,s:o}", "re", rid ? rid : json_null(), "ok",
			 0, "error", error);
}

json_t *proto_http_error(enum proto_error e, const char *message)
{
	json_t *reply = proto_error_reply(NULL, e, message, NULL);
	json_t *body =
		json_pack("{s:O}", "error", json_object_get(reply, "error"));

	json_decref(reply);
	return body;
}

enum proto_error proto_error_of_sqlstate(const char *sqlstate)
{
	static const struct {
		const char *sqlstate;
		enum proto_error code;
	} exact[] = {
		{"23505", ERR_CONFLICT},    {"P0002", ERR_NOT_FOUND},
		{"22023", ERR_BAD_REQUEST}, {"22P02", ERR_BAD_REQUEST},
		{"23502", ERR_BAD_REQUEST}, {"23503", ERR_BAD_REQUEST},
		{"23514", ERR_BAD_REQUEST}, {"22001", ERR_BAD_REQUEST},
		{"42501", ERR_FORBIDDEN},
	};
	static const char *const transient[] = {"40", "53", "57"};

	if (!sqlstate)
		return ERR_INTERNAL;
	for (size_t i = 0; i < sizeof exact / sizeof exact[0]; i++)
		if (!strcmp(sqlstate, exact[i].sqlstate))
			return exact[i].code;
	for (size_t i = 0; i < sizeof transient / sizeof transient[0]; i++)
		if (!strncmp(sqlstate, transient[i], 2))
			return ERR_UNAVAILABLE;
	return ERR_INTERNAL;
}

int proto_error_http_status(enum proto_error e)
{
	static const int status[ERR__COUNT] = {
		[ERR_BAD_REQUEST] = 400,    [ERR_UNAUTHORIZED] = 401,
		[ERR_FORBIDDEN] = 403,      [ERR_NOT_FOUND] = 404,
		[ERR_FAIR_NOT_LIVE] = 409,  [ERR_INSUFFICIENT_STOCK] = 409,
		[ERR_LIMIT_EXCEEDED] = 409, [ERR_CREDIT_EXCEEDED] = 409,
		[ERR_BELOW_MINIMUM] = 409,  [ERR_COUPON_REFUSED] = 409,
		[ERR_CONFLICT] = 409,       [ERR_RATE_LIMITED] = 429,
		[ERR_TOO_LARGE] = 413,      [ERR_UNAVAILABLE] = 503,
		[ERR_IN_DOUBT] = 503,       [ERR_INTERNAL] = 500,
	};

	return (unsigned)e < ERR__COUNT ? status[e] : 500;
}

json_t *proto_ok_reply(json_t *rid, json_t *result)
{
	json_t *reply = json_object();

	json_object_set(reply, "re", rid ? rid : json_null());
	json_object_set_new(reply, "ok", json_true());
	if (json_is_object(result)) {
		json_object_del(result, "re");
		json_object_del(result, "ok");
		json_object_update(reply, result);
	}
	json_decref(result);
	return reply;
}

static bool is_json_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

char *proto_ok_reply_text(const json_t *rid, const char *result, size_t len,
			  size_t *out_len)
{
	static const char ok[] = ",\"ok\":true";
	char *re, *out, *p;
	size_t re_len, first = 0, last = len, n;
	bool empty;

	while (first < len && is_json_space(result[first]))
		first++;
	while (last > first && is_json_space(result[last - 1]))
		last--;
	if (last - first < 2 || result[first] != '{' || result[last - 1] != '}')
		return NULL;
	first++; /* the members, between the braces */
	last--;
	empty = true;
	for (size_t i = first; i < last && empty; i++)
		empty = is_json_space(result[i]);
	re = json_dumps(rid ? rid : json_null(),
			JSON_COMPACT | JSON_ENCODE_ANY);
	if (!re)
		return NULL;
	re_len = strlen(re);
	/* {"re": + rid + ,"ok":true + [, + members] + } */
	n = 6 + re_len + sizeof ok - 1 + (empty ? 0 : 1 + last - first) + 1;
	out = p = xmalloc(n + 1);
	memcpy(p, "{\"re\":", 6);
	p += 6;
	memcpy(p, re, re_len);
	p += re_len;
	memcpy(p, ok, sizeof ok - 1);
	p += sizeof ok - 1;
	if (!empty) {
		*p++ = ',';
		memcpy(p, result + first, last - first);
		p += last - first;
	}
	*p++ = '}';
	*p = '\0';
	*out_len = n;
	free(re);
	return out;
}

int proto_json_depth(const char *text, size_t len, int limit)
{
	int depth = 0, max = 0, in_string = 0;

	for (size_t i = 0; i < len; i++) {
		char c = text[i];

		if (in_string) {
			if (c == '\\')
				i++; /* skip the escaped character */
			else if (c == '"')
				in_string = 0;
			continue;
		}
		if (c == '"') {
			in_string = 1;
		} else if (c == '{' || c == '[') {
			if (++depth > max) {
				max = depth;
				if (max > limit)
					return limit + 1;
			}
		} else if ((c == '}' || c == ']') && depth > 0) {
			depth--;
		}
	}
	return max;
}

static int refuse(struct proto_decode_error *err, enum proto_error code,
		  const char *message)
{
	err->code = code;
	snprintf(err->message, sizeof err->message, "%s", message);
	return -1;
}

int proto_decode(const char *text, size_t len, struct proto_request *req,
		 struct proto_decode_error *err)
{
	json_error_t jerr;
	json_t *rid, *op;

	memset(req, 0, sizeof *req);
	memset(err, 0, sizeof *err);
	if (len > PROTO_MAX_MESSAGE)
		return refuse(err, ERR_TOO_LARGE, "message larger than 64 KiB");
	if (proto_json_depth(text, len, PROTO_MAX_DEPTH) > PROTO_MAX_DEPTH)
		return refuse(err, ERR_BAD_REQUEST,
			      "JSON nested deeper than 16 levels");
	req->root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!req->root) {
		err->code = ERR_BAD_REQUEST;
		snprintf(err->message, sizeof err->message,
			 "invalid JSON at position %d: %.160s", jerr.position,
			 jerr.text);
		return -1;
	}
	if (!json_is_object(req->root))
		return refuse(err, ERR_BAD_REQUEST,
			      "a message must be a JSON object");
	rid = json_object_get(req->root, "rid");
	if (!rid)
		return refuse(err, ERR_BAD_REQUEST, "missing rid");
	if (!(json_is_number(rid) ||
	      (json_is_string(rid) &&
	       json_string_length(rid) <= PROTO_MAX_RID_LENGTH)))
		return refuse(err, ERR_BAD_REQUEST,
			      "rid must be a number or a string of at most "
			      "128 bytes");
	req->rid = err->rid = rid;
	op = json_object_get(req->root, "op");
	if (!json_is_string(op))
		return refuse(err, ERR_BAD_REQUEST, "missing op");
	req->op = json_string_value(op);
	return 0;
}

void proto_request_free(struct proto_request *req)
{
	json_decref(req->root);
	memset(req, 0, sizeof *req);
}
