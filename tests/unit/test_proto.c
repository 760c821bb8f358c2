/* test_proto.c - the fair.v1 envelope: decoding, refusals, reply shapes.
 *
 * Links the real proto.c (fair_core). Each refusal of proto_decode is tested
 * alone and against the next check in the documented order: size, depth,
 * JSON syntax (duplicate keys refused), object at the top, rid, op. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rpc/proto.h"

/* Decodes a NUL-terminated message. */
static int decode(const char *text, struct proto_request *req,
		  struct proto_decode_error *err)
{
	return proto_decode(text, strlen(text), req, err);
}

/* Expects a refusal with code and a message containing fragment. */
static void expect_refusal(const char *text, enum proto_error code,
			   const char *fragment)
{
	struct proto_request req;
	struct proto_decode_error err;

	assert_int_equal(decode(text, &req, &err), -1);
	assert_int_equal(err.code, code);
	if (!strstr(err.message, fragment))
		fail_msg("message \"%s\" lacks \"%s\" (input %s)", err.message,
			 fragment, text);
	proto_request_free(&req);
}

/* A valid request of exactly len bytes: {"op":"x","rid":1,"pad":"aaa..."}. */
static char *padded_request(size_t len)
{
	static const char head[] = "{\"op\":\"x\",\"rid\":1,\"pad\":\"";
	static const char tail[] = "\"}";
	char *text = malloc(len + 1);

	assert_non_null(text);
	assert_true(len >= sizeof head + sizeof tail);
	memcpy(text, head, sizeof head - 1);
	memset(text + sizeof head - 1, 'a', len - (sizeof head - 1));
	memcpy(text + len - (sizeof tail - 1), tail, sizeof tail - 1);
	text[len] = '\0';
	return text;
}

/* A valid request nested depth levels deep: the top object is level 1,
 * then depth - 1 arrays. */
static char *nested_request(int depth)
{
	static const char head[] = "{\"op\":\"x\",\"rid\":1,\"a\":";
	size_t n = (size_t)(depth - 1);
	char *text = malloc(sizeof head + 2 * n + 2);
	char *p = text;

	assert_non_null(text);
	memcpy(p, head, sizeof head - 1);
	p += sizeof head - 1;
	if (n == 0) {
		*p++ = '0';
	} else {
		memset(p, '[', n);
		p += n;
		memset(p, ']', n);
		p += n;
	}
	*p++ = '}';
	*p = '\0';
	return text;
}

/* ---- successful decoding ---- */

static void test_decode_number_rid(void **state)
{
	struct proto_request req;
	struct proto_decode_error err;

	(void)state;
	assert_int_equal(decode("{\"op\":\"ping\",\"rid\":7}", &req, &err), 0);
	assert_true(json_is_object(req.root));
	assert_string_equal(req.op, "ping");
	assert_true(json_is_integer(req.rid));
	assert_int_equal(json_integer_value(req.rid), 7);
	/* rid and op point into root */
	assert_ptr_equal(req.rid, json_object_get(req.root, "rid"));
	assert_ptr_equal(req.op,
			 json_string_value(json_object_get(req.root, "op")));
	proto_request_free(&req);
	assert_null(req.root);
	assert_null(req.rid);
	assert_null(req.op);
}

static void test_decode_string_rid(void **state)
{
	struct proto_request req;
	struct proto_decode_error err;

	(void)state;
	assert_int_equal(decode("{\"rid\":\"a-1\",\"op\":\"join\",\"fair\":3}",
				&req, &err),
			 0);
	assert_string_equal(req.op, "join");
	assert_true(json_is_string(req.rid));
	assert_string_equal(json_string_value(req.rid), "a-1");
	assert_int_equal(json_integer_value(json_object_get(req.root, "fair")),
			 3);
	proto_request_free(&req);
}

static void test_decode_other_number_rids(void **state)
{
	static const char *const ok[] = {
		"{\"op\":\"x\",\"rid\":1.5}",    "{\"op\":\"x\",\"rid\":-3}",
		"{\"op\":\"x\",\"rid\":0}",      "{\"op\":\"x\",\"rid\":\"\"}",
		"  {\"op\":\"\",\"rid\":1}  \n",
	};

	(void)state;
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		struct proto_request req;
		struct proto_decode_error err;

		if (decode(ok[i], &req, &err))
			fail_msg("refused %s: %s", ok[i], err.message);
		proto_request_free(&req);
	}
}

static void test_decode_free_zeroed(void **state)
{
	struct proto_request req;

	(void)state;
	memset(&req, 0, sizeof req);
	proto_request_free(&req); /* documented as safe */
	proto_request_free(&req);
	assert_null(req.root);
}

/* ---- refusals, one by one ---- */

static void test_too_large(void **state)
{
	struct proto_request req;
	struct proto_decode_error err;
	char *at_limit = padded_request(PROTO_MAX_MESSAGE);
	char *over = padded_request(PROTO_MAX_MESSAGE + 1);

	(void)state;
	assert_int_equal(decode(at_limit, &req, &err), 0);
	assert_string_equal(req.op, "x");
	proto_request_free(&req);

	assert_int_equal(decode(over, &req, &err), -1);
	assert_int_equal(err.code, ERR_TOO_LARGE);
	assert_null(err.rid);
	assert_null(req.root);
	proto_request_free(&req);

	/* size is checked first: garbage over the limit is too_large */
	memset(over, '[', PROTO_MAX_MESSAGE + 1);
	assert_int_equal(proto_decode(over, PROTO_MAX_MESSAGE + 1, &req, &err),
			 -1);
	assert_int_equal(err.code, ERR_TOO_LARGE);
	proto_request_free(&req);
	free(at_limit);
	free(over);
}

static void test_depth_limit(void **state)
{
	struct proto_request req;
	struct proto_decode_error err;
	char *d16 = nested_request(PROTO_MAX_DEPTH);
	char *d17 = nested_request(PROTO_MAX_DEPTH + 1);
	char *d1 = nested_request(1);

	(void)state;
	assert_int_equal(proto_json_depth(d16, strlen(d16), PROTO_MAX_DEPTH),
			 16);
	assert_int_equal(decode(d16, &req, &err), 0);
	proto_request_free(&req);
	assert_int_equal(decode(d1, &req, &err), 0);
	proto_request_free(&req);

	assert_int_equal(decode(d17, &req, &err), -1);
	assert_int_equal(err.code, ERR_BAD_REQUEST);
	assert_non_null(strstr(err.message, "deeper than 16"));
	assert_null(err.rid);
	proto_request_free(&req);

	/* objects count like arrays: the top object and 15 or 16 nested */
	for (int nested = PROTO_MAX_DEPTH - 1; nested <= PROTO_MAX_DEPTH;
	     nested++) {
		char text[512] = "{\"rid\":1,\"op\":\"x\"";

		for (int i = 0; i < nested; i++)
			strcat(text, ",\"a\":{\"b\":0");
		for (int i = 0; i <= nested; i++)
			strcat(text, "}");
		assert_int_equal(proto_json_depth(text, strlen(text), 100),
				 nested + 1);
		if (nested < PROTO_MAX_DEPTH) {
			assert_int_equal(decode(text, &req, &err), 0);
			proto_request_free(&req);
		} else {
			expect_refusal(text, ERR_BAD_REQUEST, "deeper");
		}
	}
	free(d1);
	free(d16);
	free(d17);
}

static void test_depth_ignores_strings(void **state)
{
	struct proto_request req;
	struct proto_decode_error err;
	char text[512];

	(void)state;
	/* 40 brackets inside a string do not nest anything */
	snprintf(text, sizeof text, "{\"op\":\"x\",\"rid\":1,\"s\":\"%s%s\"}",
		 "[[[[[[[[[[[[[[[[[[[[{{{{{{{{{{", "{{{{{{{{{{");
	assert_int_equal(decode(text, &req, &err), 0);
	proto_request_free(&req);

	/* an escaped quote does not end the string */
	snprintf(text, sizeof text,
		 "{\"op\":\"x\",\"rid\":1,\"s\":\"\\\"[[[[[[[[[[[[[[[[[[[["
		 "\\\"\"}");
	assert_int_equal(decode(text, &req, &err), 0);
	assert_string_equal(json_string_value(json_object_get(req.root, "s")),
			    "\"[[[[[[[[[[[[[[[[[[[[\"");
	proto_request_free(&req);

	/* an escaped backslash does end before the quote: the brackets after
	 * the string are real and count */
	assert_int_equal(proto_json_depth("[\"\\\\\",[[]]]", 11, 16), 3);
	snprintf(text, sizeof text,
		 "{\"op\":\"x\",\"rid\":1,\"s\":\"\\\\\",\"a\":"
		 "[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]}");
	expect_refusal(text, ERR_BAD_REQUEST, "deeper");

	/* brackets in keys are not counted either */
	assert_int_equal(
		decode("{\"op\":\"x\",\"rid\":1,\"[[[[[[[[[[[[[[[[[[[\":"
		       "0}",
		       &req, &err),
		0);
	proto_request_free(&req);
}

static void test_json_depth_scanner(void **state)
{
	(void)state;
	assert_int_equal(proto_json_depth("", 0, 16), 0);
	assert_int_equal(proto_json_depth("1", 1, 16), 0);
	assert_int_equal(proto_json_depth("{}", 2, 16), 1);
	assert_int_equal(proto_json_depth("[{}, [[]], {}]", 14, 16), 3);
	/* stops at limit + 1 */
	assert_int_equal(proto_json_depth("[[[[[", 5, 3), 4);
	/* unbalanced closers do not go negative */
	assert_int_equal(proto_json_depth("]]]]}[", 6, 16), 1);
	/* an unterminated string hides the rest */
	assert_int_equal(proto_json_depth("[\"[[[[", 6, 16), 1);
	/* a trailing backslash does not read past len */
	assert_int_equal(proto_json_depth("[\"\\", 3, 16), 1);
	/* len is honoured: the brackets past it are not seen */
	assert_int_equal(proto_json_depth("[[[[", 2, 16), 2);
}

static void test_invalid_json(void **state)
{
	static const char *const bad[] = {
		"",
		"{",
		"{\"op\":\"x\",\"rid\":1",
		"{\"op\":\"x\",\"rid\":1,}",
		"{'op':'x','rid':1}",
		"{\"op\":\"x\",\"rid\":01}",
		"{\"op\":\"x\",\"rid\":1} {}",
		"{\"op\":\"x\",\"rid\":NaN}",
		"{\"op\":\"x\\u0000y\",\"rid\":1}",
		"{\"op\":\"\\ud800\",\"rid\":1}",
	};

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		expect_refusal(bad[i], ERR_BAD_REQUEST, "invalid JSON");

	/* a NUL byte inside the length is not the end of the message */
	{
		static const char text[] = "{\"op\":\"x\",\"rid\":1}\0junk";
		struct proto_request req;
		struct proto_decode_error err;

		assert_int_equal(
			proto_decode(text, sizeof text - 1, &req, &err), -1);
		assert_int_equal(err.code, ERR_BAD_REQUEST);
		proto_request_free(&req);
	}
}

static void test_invalid_utf8(void **state)
{
	/* the transport refuses invalid UTF-8 first; the decoder must too */
	expect_refusal("{\"op\":\"\xff\",\"rid\":1}", ERR_BAD_REQUEST,
		       "invalid JSON");
	expect_refusal("{\"op\":\"\xe5\xa4\",\"rid\":1}", ERR_BAD_REQUEST,
		       "invalid JSON");
	(void)state;
}

static void test_duplicate_keys(void **state)
{
	(void)state;
	expect_refusal("{\"op\":\"x\",\"rid\":1,\"op\":\"y\"}", ERR_BAD_REQUEST,
		       "duplicate");
	/* also deep inside */
	expect_refusal("{\"op\":\"x\",\"rid\":1,\"a\":[{\"k\":1,\"k\":2}]}",
		       ERR_BAD_REQUEST, "duplicate");
	/* the same key in sibling objects is fine */
	{
		struct proto_request req;
		struct proto_decode_error err;

		assert_int_equal(
			decode("{\"op\":\"x\",\"rid\":1,\"a\":[{\"k\":1},"
			       "{\"k\":2}]}",
			       &req, &err),
			0);
		proto_request_free(&req);
	}
}

static void test_not_an_object(void **state)
{
	static const char *const bad[] = {"[]", "[{\"op\":\"x\",\"rid\":1}]"};

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		expect_refusal(bad[i], ERR_BAD_REQUEST, "JSON object");
	/* scalars at the top are refused as well, whatever the wording */
	expect_refusal("1", ERR_BAD_REQUEST, "");
	expect_refusal("\"op\"", ERR_BAD_REQUEST, "");
	expect_refusal("null", ERR_BAD_REQUEST, "");
}

static void test_missing_rid(void **state)
{
	struct proto_request req;
	struct proto_decode_error err;

	(void)state;
	assert_int_equal(decode("{\"op\":\"ping\"}", &req, &err), -1);
	assert_int_equal(err.code, ERR_BAD_REQUEST);
	assert_string_equal(err.message, "missing rid");
	assert_null(err.rid);
	proto_request_free(&req);
	/* the key is case-sensitive */
	expect_refusal("{\"op\":\"ping\",\"RID\":1}", ERR_BAD_REQUEST,
		       "missing rid");
}

static void test_bad_rid(void **state)
{
	static const char *const bad[] = {
		"{\"op\":\"x\",\"rid\":true}", "{\"op\":\"x\",\"rid\":false}",
		"{\"op\":\"x\",\"rid\":null}", "{\"op\":\"x\",\"rid\":[1]}",
		"{\"op\":\"x\",\"rid\":{}}",
	};
	struct proto_request req;
	struct proto_decode_error err;
	char text[512], rid[PROTO_MAX_RID_LENGTH + 2];

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(decode(bad[i], &req, &err), -1);
		assert_int_equal(err.code, ERR_BAD_REQUEST);
		assert_non_null(strstr(err.message, "rid must be"));
		assert_null(err.rid); /* not readable: re is null */
		proto_request_free(&req);
	}

	/* 128 bytes is the longest string rid */
	memset(rid, 'r', PROTO_MAX_RID_LENGTH);
	rid[PROTO_MAX_RID_LENGTH] = '\0';
	snprintf(text, sizeof text, "{\"op\":\"x\",\"rid\":\"%s\"}", rid);
	assert_int_equal(decode(text, &req, &err), 0);
	assert_int_equal(json_string_length(req.rid), PROTO_MAX_RID_LENGTH);
	proto_request_free(&req);

	memset(rid, 'r', PROTO_MAX_RID_LENGTH + 1);
	rid[PROTO_MAX_RID_LENGTH + 1] = '\0';
	snprintf(text, sizeof text, "{\"op\":\"x\",\"rid\":\"%s\"}", rid);
	assert_int_equal(decode(text, &req, &err), -1);
	assert_int_equal(err.code, ERR_BAD_REQUEST);
	assert_non_null(strstr(err.message, "128"));
	assert_null(err.rid);
	proto_request_free(&req);

	/* the bound is in bytes: 43 three-byte characters are 129 bytes */
	strcpy(text, "{\"op\":\"x\",\"rid\":\"");
	for (int i = 0; i < 43; i++)
		strcat(text, "\xe5\xa4\x96");
	strcat(text, "\"}");
	expect_refusal(text, ERR_BAD_REQUEST, "rid must be");
}

static void test_missing_op(void **state)
{
	static const char *const bad[] = {
		"{\"rid\":5}",
		"{\"rid\":5,\"op\":3}",
		"{\"rid\":5,\"op\":null}",
		"{\"rid\":5,\"op\":[\"x\"]}",
		"{\"rid\":5,\"Op\":\"x\"}",
	};

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct proto_request req;
		struct proto_decode_error err;

		assert_int_equal(decode(bad[i], &req, &err), -1);
		assert_int_equal(err.code, ERR_BAD_REQUEST);
		assert_string_equal(err.message, "missing op");
		/* the rid was readable: the error points at it, inside the
		 * partly decoded message, until proto_request_free */
		assert_non_null(err.rid);
		assert_true(json_is_integer(err.rid));
		assert_int_equal(json_integer_value(err.rid), 5);
		assert_non_null(req.root);
		assert_ptr_equal(err.rid, json_object_get(req.root, "rid"));
		proto_request_free(&req);
	}
	{
		struct proto_request req;
		struct proto_decode_error err;

		assert_int_equal(decode("{\"rid\":\"abc\"}", &req, &err), -1);
		assert_string_equal(json_string_value(err.rid), "abc");
		proto_request_free(&req);
	}
}

/* Each check wins over every later one. */
static void test_refusal_order(void **state)
{
	char *big = padded_request(PROTO_MAX_MESSAGE + 1);
	char *deep = nested_request(PROTO_MAX_DEPTH + 1);
	size_t n;

	(void)state;
	/* size before depth: too large and too deep */
	memset(big, '[', 40);
	expect_refusal(big, ERR_TOO_LARGE, "64 KiB");
	/* depth before syntax: too deep and invalid (trailing garbage) */
	n = strlen(deep);
	deep[n - 1] = ',';
	expect_refusal(deep, ERR_BAD_REQUEST, "deeper");
	/* syntax (duplicates) before the object check and the rid */
	expect_refusal("{\"op\":1,\"op\":2}", ERR_BAD_REQUEST, "invalid JSON");
	/* object before rid */
	expect_refusal("[{\"rid\":1}]", ERR_BAD_REQUEST, "JSON object");
	/* rid before op */
	expect_refusal("{\"x\":1}", ERR_BAD_REQUEST, "missing rid");
	expect_refusal("{\"rid\":true}", ERR_BAD_REQUEST, "rid must be");
	free(big);
	free(deep);
}

/* ---- replies ---- */

static void expect_json(json_t *actual, const char *expected_text)
{
	json_error_t jerr;
	json_t *expected = json_loads(expected_text, 0, &jerr);

	assert_non_null(expected);
	assert_non_null(actual);
	if (!json_equal(actual, expected)) {
		char *got = json_dumps(actual, JSON_SORT_KEYS | JSON_COMPACT);

		print_error("got %s, expected %s\n", got, expected_text);
		free(got);
		fail();
	}
	json_decref(expected);
}

static void test_error_reply_shape(void **state)
{
	json_t *rid = json_integer(7);
	json_t *reply;

	(void)state;
	reply = proto_error_reply(rid, ERR_NOT_FOUND, "no such fair", NULL);
	expect_json(reply, "{\"re\":7,\"ok\":false,\"error\":{\"code\":"
			   "\"not_found\",\"message\":\"no such fair\"}}");
	/* rid is borrowed: the reply holds its own reference */
	assert_int_equal(rid->refcount, 2);
	json_decref(reply);
	assert_int_equal(rid->refcount, 1);
	json_decref(rid);

	reply = proto_error_reply(NULL, ERR_BAD_REQUEST, "bad", NULL);
	expect_json(reply, "{\"re\":null,\"ok\":false,\"error\":{\"code\":"
			   "\"bad_request\",\"message\":\"bad\"}}");
	json_decref(reply);

	/* without a message the code stands in */
	reply = proto_error_reply(NULL, ERR_INTERNAL, NULL, NULL);
	expect_json(reply, "{\"re\":null,\"ok\":false,\"error\":{\"code\":"
			   "\"internal\",\"message\":\"internal\"}}");
	json_decref(reply);
	reply = proto_error_reply(NULL, ERR_CONFLICT, "", NULL);
	expect_json(reply, "{\"re\":null,\"ok\":false,\"error\":{\"code\":"
			   "\"conflict\",\"message\":\"conflict\"}}");
	json_decref(reply);

	/* a string rid is echoed as it is */
	rid = json_string("r-9");
	reply = proto_error_reply(rid, ERR_RATE_LIMITED, "slow down", NULL);
	json_decref(rid);
	expect_json(reply, "{\"re\":\"r-9\",\"ok\":false,\"error\":{\"code\":"
			   "\"rate_limited\",\"message\":\"slow down\"}}");
	json_decref(reply);
}

static void test_error_reply_details(void **state)
{
	json_t *details, *reply, *rid;

	(void)state;
	details = json_pack("{s:{s:i},s:s,s:s,s:b}", "available", "12", 3,
			    "code", "hijacked", "message", "hijacked", "ok", 1);
	rid = json_integer(1);
	reply = proto_error_reply(rid, ERR_INSUFFICIENT_STOCK, "not enough",
				  details);
	json_decref(rid);
	expect_json(reply, "{\"re\":1,\"ok\":false,\"error\":{\"code\":"
			   "\"insufficient_stock\",\"message\":\"not enough\","
			   "\"available\":{\"12\":3},\"ok\":true}}");
	json_decref(reply);

	/* details that are not an object are stolen and ignored */
	reply = proto_error_reply(NULL, ERR_LIMIT_EXCEEDED, "limit",
				  json_pack("[i]", 1));
	expect_json(reply, "{\"re\":null,\"ok\":false,\"error\":{\"code\":"
			   "\"limit_exceeded\",\"message\":\"limit\"}}");
	json_decref(reply);

	/* a shared details object: the reply steals one reference only */
	details = json_pack("{s:i}", "limit", 10);
	json_incref(details);
	reply = proto_error_reply(NULL, ERR_LIMIT_EXCEEDED, "limit", details);
	assert_int_equal(details->refcount, 1);
	json_decref(details);
	expect_json(reply,
		    "{\"re\":null,\"ok\":false,\"error\":{\"code\":"
		    "\"limit_exceeded\",\"message\":\"limit\",\"limit\":10}}");
	json_decref(reply);
}

static void test_ok_reply_shape(void **state)
{
	json_t *rid = json_string("abc");
	json_t *reply;

	(void)state;
	reply = proto_ok_reply(rid, json_pack("{s:i,s:s}", "x", 1, "y", "z"));
	expect_json(reply, "{\"re\":\"abc\",\"ok\":true,\"x\":1,\"y\":\"z\"}");
	assert_int_equal(rid->refcount, 2);
	json_decref(reply);
	assert_int_equal(rid->refcount, 1);
	json_decref(rid);

	reply = proto_ok_reply(NULL, NULL);
	expect_json(reply, "{\"re\":null,\"ok\":true}");
	json_decref(reply);

	/* the result cannot override re and ok */
	rid = json_integer(4);
	reply = proto_ok_reply(
		rid, json_pack("{s:i,s:b,s:i}", "re", 99, "ok", 0, "n", 2));
	expect_json(reply, "{\"re\":4,\"ok\":true,\"n\":2}");
	json_decref(reply);
	json_decref(rid);

	/* a result that is not an object is stolen and ignored */
	reply = proto_ok_reply(NULL, json_string("stray"));
	expect_json(reply, "{\"re\":null,\"ok\":true}");
	json_decref(reply);
}

/* The reply built around a result's text equals the one built from JSON. */
static void expect_text_reply(const json_t *rid, const char *result,
			      const char *want)
{
	size_t len = 0;
	char *text = proto_ok_reply_text(rid, result, strlen(result), &len);
	json_error_t err;
	json_t *parsed;

	assert_non_null(text);
	assert_int_equal(len, strlen(text));
	assert_string_equal(text, want);
	parsed = json_loads(text, 0, &err); /* well-formed */
	assert_non_null(parsed);
	json_decref(parsed);
	free(text);
}

static void test_ok_reply_text(void **state)
{
	json_t *rid = json_string("abc"), *num = json_integer(7);
	size_t len;

	(void)state;
	/* PostgreSQL's jsonb text: spaces after the colons and commas */
	expect_text_reply(rid, "{\"seq\": 12, \"fair\": {\"name\": \"秋冬\"}}",
			  "{\"re\":\"abc\",\"ok\":true,\"seq\": 12, \"fair\": "
			  "{\"name\": \"秋冬\"}}");
	expect_text_reply(num, " {} ", "{\"re\":7,\"ok\":true}");
	expect_text_reply(NULL, "{ \n }", "{\"re\":null,\"ok\":true}");
	expect_text_reply(num, "\n{\"a\":[1,2]}\n",
			  "{\"re\":7,\"ok\":true,\"a\":[1,2]}");
	/* not an object's text: refused */
	assert_null(proto_ok_reply_text(rid, "[1]", 3, &len));
	assert_null(proto_ok_reply_text(rid, "{", 1, &len));
	assert_null(proto_ok_reply_text(rid, "", 0, &len));
	assert_null(proto_ok_reply_text(rid, "null", 4, &len));
	/* a NUL byte is not whitespace */
	assert_null(proto_ok_reply_text(rid, "{\"a\":1}\0", 8, &len));
	json_decref(rid);
	json_decref(num);
}

static void test_error_code_names(void **state)
{
	static const struct {
		enum proto_error e;
		const char *name;
	} names[] = {
		{ERR_BAD_REQUEST, "bad_request"},
		{ERR_UNAUTHORIZED, "unauthorized"},
		{ERR_FORBIDDEN, "forbidden"},
		{ERR_NOT_FOUND, "not_found"},
		{ERR_FAIR_NOT_LIVE, "fair_not_live"},
		{ERR_INSUFFICIENT_STOCK, "insufficient_stock"},
		{ERR_LIMIT_EXCEEDED, "limit_exceeded"},
		{ERR_CREDIT_EXCEEDED, "credit_exceeded"},
		{ERR_BELOW_MINIMUM, "below_minimum"},
		{ERR_COUPON_REFUSED, "coupon_refused"},
		{ERR_CONFLICT, "conflict"},
		{ERR_RATE_LIMITED, "rate_limited"},
		{ERR_TOO_LARGE, "too_large"},
		{ERR_UNAVAILABLE, "unavailable"},
		{ERR_IN_DOUBT, "in_doubt"},
		{ERR_INTERNAL, "internal"},
	};

	(void)state;
	/* every code has a name, and the list above is complete */
	assert_int_equal(sizeof names / sizeof names[0], ERR__COUNT);
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		json_t *reply, *error;

		assert_string_equal(proto_error_code(names[i].e),
				    names[i].name);
		reply = proto_error_reply(NULL, names[i].e, "m", NULL);
		error = json_object_get(reply, "error");
		assert_string_equal(
			json_string_value(json_object_get(error, "code")),
			names[i].name);
		json_decref(reply);
	}
	/* out of range falls back to internal */
	assert_string_equal(proto_error_code(ERR__COUNT), "internal");
	assert_string_equal(proto_error_code((enum proto_error) - 1),
			    "internal");
}

/* Replies are counted by code for /metrics. */
static void test_error_counts(void **state)
{
	unsigned long long before[ERR__COUNT];
	json_t *reply;

	(void)state;
	for (int e = 0; e < ERR__COUNT; e++)
		before[e] = proto_error_count((enum proto_error)e);
	for (int i = 0; i < 3; i++) {
		reply = proto_error_reply(NULL, ERR_CONFLICT, "c", NULL);
		json_decref(reply);
	}
	reply = proto_error_reply(NULL, ERR_IN_DOUBT, "d", NULL);
	json_decref(reply);
	reply = proto_ok_reply(NULL, NULL); /* not an error */
	json_decref(reply);
	for (int e = 0; e < ERR__COUNT; e++) {
		unsigned long long grew =
			proto_error_count((enum proto_error)e) - before[e];

		assert_int_equal(grew, e == ERR_CONFLICT   ? 3
				       : e == ERR_IN_DOUBT ? 1
							   : 0);
	}
	assert_int_equal(proto_error_count(ERR__COUNT), 0);
	assert_int_equal(proto_error_count((enum proto_error) - 1), 0);
}

static void test_http_error(void **state)
{
	json_t *body;

	(void)state;
	body = proto_http_error(ERR_UNAUTHORIZED, NULL);
	expect_json(body, "{\"error\":{\"code\":\"unauthorized\","
			  "\"message\":\"unauthorized\"}}");
	json_decref(body);
	body = proto_http_error(ERR_FORBIDDEN, "admins only");
	expect_json(body, "{\"error\":{\"code\":\"forbidden\","
			  "\"message\":\"admins only\"}}");
	json_decref(body);
}

/* The one table from SQLSTATEs to codes: the refusals PostgreSQL reports
 * for a client's values, the transient classes (rolled back: retry), and
 * internal for everything else, a missing SQLSTATE included. */
static void test_error_of_sqlstate(void **state)
{
	static const struct {
		const char *sqlstate;
		enum proto_error code;
	} cases[] = {
		{"23505", ERR_CONFLICT},    {"P0002", ERR_NOT_FOUND},
		{"22023", ERR_BAD_REQUEST}, {"22P02", ERR_BAD_REQUEST},
		{"23502", ERR_BAD_REQUEST}, {"23503", ERR_BAD_REQUEST},
		{"23514", ERR_BAD_REQUEST}, {"22001", ERR_BAD_REQUEST},
		{"40001", ERR_UNAVAILABLE}, {"40P01", ERR_UNAVAILABLE},
		{"53100", ERR_UNAVAILABLE}, {"53300", ERR_UNAVAILABLE},
		{"57014", ERR_UNAVAILABLE}, {"57P01", ERR_UNAVAILABLE},
		{"P0001", ERR_INTERNAL},    {"23000", ERR_INTERNAL},
		{"22012", ERR_INTERNAL},    {"42883", ERR_INTERNAL},
		{"XX000", ERR_INTERNAL},    {"", ERR_INTERNAL},
		{"4", ERR_INTERNAL},        {"2350", ERR_INTERNAL},
		{"235050", ERR_INTERNAL},   {"42501", ERR_FORBIDDEN},
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		assert_string_equal(proto_error_code(proto_error_of_sqlstate(
					    cases[i].sqlstate)),
				    proto_error_code(cases[i].code));
	assert_int_equal(proto_error_of_sqlstate(NULL), ERR_INTERNAL);
}

/* The statuses the HTTP routes have always answered with each code. */
static void test_error_http_status(void **state)
{
	static const int expected[ERR__COUNT] = {
		[ERR_BAD_REQUEST] = 400,    [ERR_UNAUTHORIZED] = 401,
		[ERR_FORBIDDEN] = 403,      [ERR_NOT_FOUND] = 404,
		[ERR_FAIR_NOT_LIVE] = 409,  [ERR_INSUFFICIENT_STOCK] = 409,
		[ERR_LIMIT_EXCEEDED] = 409, [ERR_CREDIT_EXCEEDED] = 409,
		[ERR_BELOW_MINIMUM] = 409,  [ERR_COUPON_REFUSED] = 409,
		[ERR_CONFLICT] = 409,       [ERR_RATE_LIMITED] = 429,
		[ERR_TOO_LARGE] = 413,      [ERR_UNAVAILABLE] = 503,
		[ERR_IN_DOUBT] = 503,       [ERR_INTERNAL] = 500,
	};

	(void)state;
	for (int e = 0; e < ERR__COUNT; e++)
		assert_int_equal(proto_error_http_status((enum proto_error)e),
				 expected[e]);
	assert_int_equal(proto_error_http_status(ERR__COUNT), 500);
}

/* A decode error turns into a well-formed reply, re null or the rid. */
static void test_decode_error_into_reply(void **state)
{
	struct proto_request req;
	struct proto_decode_error err;
	json_t *reply;

	(void)state;
	assert_int_equal(decode("{\"rid\":\"q\",\"op\":false}", &req, &err),
			 -1);
	reply = proto_error_reply(err.rid, err.code, err.message, NULL);
	proto_request_free(&req); /* the reply keeps its own reference */
	expect_json(reply, "{\"re\":\"q\",\"ok\":false,\"error\":{\"code\":"
			   "\"bad_request\",\"message\":\"missing op\"}}");
	json_decref(reply);

	assert_int_equal(decode("{\"rid\":\"q\",\"op\":\"x\"", &req, &err), -1);
	reply = proto_error_reply(err.rid, err.code, err.message, NULL);
	proto_request_free(&req);
	assert_true(json_is_null(json_object_get(reply, "re")));
	assert_true(json_is_string(
		json_object_get(json_object_get(reply, "error"), "message")));
	json_decref(reply);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_number_rid),
		cmocka_unit_test(test_decode_string_rid),
		cmocka_unit_test(test_decode_other_number_rids),
		cmocka_unit_test(test_decode_free_zeroed),
		cmocka_unit_test(test_too_large),
		cmocka_unit_test(test_depth_limit),
		cmocka_unit_test(test_depth_ignores_strings),
		cmocka_unit_test(test_json_depth_scanner),
		cmocka_unit_test(test_invalid_json),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_duplicate_keys),
		cmocka_unit_test(test_not_an_object),
		cmocka_unit_test(test_missing_rid),
		cmocka_unit_test(test_bad_rid),
		cmocka_unit_test(test_missing_op),
		cmocka_unit_test(test_refusal_order),
		cmocka_unit_test(test_error_reply_shape),
		cmocka_unit_test(test_ok_reply_text),
		cmocka_unit_test(test_error_reply_details),
		cmocka_unit_test(test_ok_reply_shape),
		cmocka_unit_test(test_error_code_names),
		cmocka_unit_test(test_error_counts),
		cmocka_unit_test(test_http_error),
		cmocka_unit_test(test_error_of_sqlstate),
		cmocka_unit_test(test_error_http_status),
		cmocka_unit_test(test_decode_error_into_reply),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
