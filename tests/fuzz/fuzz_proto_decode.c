/* fuzz_proto_decode.c - proto_decode on arbitrary bytes.
 *
 * Besides "no crash, no leak" (the sanitizers), each input checks the
 * decoder's contract (proto.h) and aborts when it breaks:
 *   - a refusal is too_large or bad_request with a message, and its rid is
 *     NULL or the message's own "rid" member;
 *   - an accepted message is at most 64 KiB, an object with a number or
 *     short string rid and a string op, no deeper than 16 levels, and the
 *     depth scanner agrees with the parsed tree;
 *   - the reply built from either outcome serialises, with error.message a
 *     string (the server sends exactly this);
 *   - an accepted message re-serialised decodes again to an equal message. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "rpc/proto.h"

/* Depth of a parsed value, counted as proto_json_depth counts the text. */
static int tree_depth(json_t *v)
{
	int max = 0;

	if (json_is_object(v)) {
		const char *key;
		json_t *member;

		json_object_foreach(v, key, member)
		{
			int d = tree_depth(member);

			if (d > max)
				max = d;
		}
		return max + 1;
	}
	if (json_is_array(v)) {
		size_t i;
		json_t *member;

		json_array_foreach(v, i, member)
		{
			int d = tree_depth(member);

			if (d > max)
				max = d;
		}
		return max + 1;
	}
	return 0;
}

static void check_accepted(const char *text, size_t size,
			   const struct proto_request *req)
{
	json_t *op = json_object_get(req->root, "op");
	int depth;
	char *again;

	check(size <= PROTO_MAX_MESSAGE);
	check(json_is_object(req->root));
	check(req->rid && req->rid == json_object_get(req->root, "rid"));
	check(json_is_number(req->rid) ||
	      (json_is_string(req->rid) &&
	       json_string_length(req->rid) <= PROTO_MAX_RID_LENGTH));
	check(json_is_string(op) && req->op == json_string_value(op));
	depth = tree_depth(req->root);
	check(depth >= 1 && depth <= PROTO_MAX_DEPTH);
	check(proto_json_depth(text, size, PROTO_MAX_DEPTH) == depth);

	/* what was accepted once is accepted again, equal, when sent back */
	again = json_dumps(req->root, JSON_COMPACT);
	check(again != NULL);
	if (strlen(again) <= PROTO_MAX_MESSAGE) {
		struct proto_request req2;
		struct proto_decode_error err2;

		check(proto_decode(again, strlen(again), &req2, &err2) == 0);
		check(json_equal(req->root, req2.root));
		proto_request_free(&req2);
	}
	free(again);
}

static void check_reply(json_t *reply, int ok)
{
	json_t *error = json_object_get(reply, "error");
	char *text;

	check(json_is_object(reply));
	check(json_object_get(reply, "re") != NULL);
	if (ok) {
		check(json_is_true(json_object_get(reply, "ok")));
	} else {
		check(json_is_false(json_object_get(reply, "ok")));
		check(json_is_string(json_object_get(error, "code")));
		check(json_is_string(json_object_get(error, "message")));
	}
	text = json_dumps(reply, JSON_COMPACT);
	check(text != NULL);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct proto_request req;
	struct proto_decode_error err;
	json_t *reply;
	int depth = proto_json_depth(text, size, PROTO_MAX_DEPTH);

	check(depth >= 0 && depth <= PROTO_MAX_DEPTH + 1);
	if (proto_decode(text, size, &req, &err) == 0) {
		check_accepted(text, size, &req);
		reply = proto_ok_reply(req.rid,
				       json_pack("{s:s}", "op", req.op));
		check_reply(reply, 1);
	} else {
		check(err.code == ERR_TOO_LARGE || err.code == ERR_BAD_REQUEST);
		check(err.code != ERR_TOO_LARGE || size > PROTO_MAX_MESSAGE);
		check(memchr(err.message, '\0', sizeof err.message) != NULL);
		check(err.message[0] != '\0');
		check(!err.rid ||
		      (req.root &&
		       err.rid == json_object_get(req.root, "rid")));
		reply = proto_error_reply(err.rid, err.code, err.message, NULL);
		check_reply(reply, 0);
	}
	json_decref(reply);
	proto_request_free(&req);
	return 0;
}
