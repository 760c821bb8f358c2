/* test_frame.c - shared outgoing frames: text, headroom, the wire header,
 * reference counts.
 *
 * Links the real frame.c (fair_core). Under the sanitizers, a wrong count
 * shows up as a leak or a use after free. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <jansson.h>
#include <libwebsockets.h>
#include <stdlib.h>
#include <string.h>

#include "net/frame.h"

static void test_from_text(void **state)
{
	static const char text[] = "{\"ev\":\"chat\",\"text\":\"外套\"}";
	struct frame *f = frame_from_text(text, sizeof text - 1);

	(void)state;
	assert_non_null(f);
	assert_int_equal(f->refs, 1);
	assert_int_equal(f->len, sizeof text - 1);
	assert_memory_equal(frame_text(f), text, sizeof text - 1);
	frame_unref(f);
}

static void test_from_text_empty_and_binary(void **state)
{
	static const char bytes[] = {'a', '\0', 'b', '\xff'};
	struct frame *f = frame_from_text("", 0);

	(void)state;
	assert_non_null(f);
	assert_int_equal(f->len, 0);
	frame_unref(f);
	/* a length, not a C string: NUL bytes are copied too */
	f = frame_from_text(bytes, sizeof bytes);
	assert_non_null(f);
	assert_int_equal(f->len, sizeof bytes);
	assert_memory_equal(frame_text(f), bytes, sizeof bytes);
	frame_unref(f);
}

static void test_headroom(void **state)
{
	struct frame *f = frame_from_text("hello", 5);

	(void)state;
	assert_non_null(f);
	/* the text starts LWS_PRE bytes into data */
	assert_ptr_equal(frame_text(f), f->data + LWS_PRE);
	/* the headroom is all allocated (ASan catches a frame without it);
	 * before the header, it is nobody's */
	memset(f->data, 0xA5, LWS_PRE - 2);
	assert_memory_equal(frame_text(f), "hello", 5);
	/* and the text is writable to its end */
	frame_text(f)[f->len - 1] = '!';
	assert_memory_equal(frame_text(f), "hell!", 5);
	frame_unref(f);
}

/* The bytes of a final, unmasked text frame (RFC 6455 5.2), for each of
 * the three length encodings and their edges. */
static void test_wire(void **state)
{
	static const struct {
		size_t len;
		size_t header_len;
		unsigned char header[10];
	} cases[] = {
		{0, 2, {0x81, 0}},
		{125, 2, {0x81, 125}},
		{126, 4, {0x81, 126, 0, 126}},
		{300, 4, {0x81, 126, 0x01, 0x2c}},
		{65535, 4, {0x81, 126, 0xff, 0xff}},
		{65536, 10, {0x81, 127, 0, 0, 0, 0, 0, 1, 0, 0}},
		{1000000, 10, {0x81, 127, 0, 0, 0, 0, 0, 0x0f, 0x42, 0x40}},
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *text = malloc(cases[i].len + 1);
		struct frame *f;
		const unsigned char *wire;
		size_t wire_len;

		assert_non_null(text);
		memset(text, 'x', cases[i].len);
		f = frame_from_text(text, cases[i].len);
		assert_non_null(f);
		wire = frame_wire(f, &wire_len);
		/* the header, then the text, end to end */
		assert_int_equal(wire_len, cases[i].header_len + cases[i].len);
		assert_memory_equal(wire, cases[i].header, cases[i].header_len);
		assert_ptr_equal(wire + cases[i].header_len, frame_text(f));
		if (cases[i].len)
			assert_memory_equal(wire + cases[i].header_len, text,
					    cases[i].len);
		frame_unref(f);
		free(text);
	}
}

static void test_from_json(void **state)
{
	json_t *obj = json_pack("{s:s,s:i,s:[i,i],s:s}", "ev", "stock", "fair",
				7, "v", 1, 2, "note", "外套 \"quoted\"");
	const char expected[] = "{\"ev\":\"stock\",\"fair\":7,\"v\":[1,2],"
				"\"note\":\"外套 \\\"quoted\\\"\"}";
	struct frame *f;

	(void)state;
	f = frame_from_json(obj);
	assert_non_null(f);
	assert_int_equal(f->refs, 1);
	/* compact, in insertion order, exactly len bytes */
	assert_int_equal(f->len, sizeof expected - 1);
	assert_memory_equal(frame_text(f), expected, sizeof expected - 1);
	/* obj is borrowed */
	assert_int_equal(obj->refcount, 1);
	json_decref(obj);
	/* the text parses back */
	{
		json_error_t jerr;
		json_t *back = json_loadb((const char *)frame_text(f), f->len,
					  0, &jerr);

		assert_non_null(back);
		assert_int_equal(
			json_integer_value(json_object_get(back, "fair")), 7);
		json_decref(back);
	}
	frame_unref(f);

	/* an empty object and an array are frames too */
	obj = json_object();
	f = frame_from_json(obj);
	assert_non_null(f);
	assert_int_equal(f->len, 2);
	assert_memory_equal(frame_text(f), "{}", 2);
	frame_unref(f);
	json_decref(obj);
	obj = json_pack("[s]", "x");
	f = frame_from_json(obj);
	assert_non_null(f);
	assert_memory_equal(frame_text(f), "[\"x\"]", 5);
	frame_unref(f);
	json_decref(obj);
}

static void test_from_json_large(void **state)
{
	json_t *arr = json_array();
	struct frame *f;
	size_t expected_len = 1; /* [ */

	(void)state;
	for (int i = 0; i < 20000; i++) {
		json_array_append_new(arr, json_integer(i));
		expected_len += (size_t)snprintf(NULL, 0, "%d", i) + 1;
	}
	f = frame_from_json(arr);
	assert_non_null(f);
	assert_int_equal(f->len, expected_len); /* the ] replaces the last , */
	assert_int_equal(frame_text(f)[0], '[');
	assert_int_equal(frame_text(f)[f->len - 1], ']');
	frame_unref(f);
	json_decref(arr);
}

static void test_refcount(void **state)
{
	json_t *obj = json_pack("{s:s}", "ev", "presence");
	struct frame *f = frame_from_json(obj);
	struct frame *queue[5];

	(void)state;
	json_decref(obj);
	assert_non_null(f);
	/* a broadcast: each queue holds a reference */
	for (int i = 0; i < 5; i++) {
		queue[i] = frame_ref(f);
		assert_ptr_equal(queue[i], f);
		assert_int_equal(f->refs, (unsigned)i + 2);
	}
	/* the sender drops its own; the queues still hold the frame */
	frame_unref(f);
	assert_int_equal(queue[0]->refs, 5);
	for (int i = 0; i < 4; i++) {
		frame_unref(queue[i]);
		assert_int_equal(queue[4]->refs, (unsigned)(4 - i));
		assert_memory_equal(frame_text(queue[4]),
				    "{\"ev\":\"presence\"}", 17);
	}
	frame_unref(queue[4]); /* the last one frees it (ASan: no leak) */
	frame_unref(NULL);     /* ignored */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_from_text),
		cmocka_unit_test(test_from_text_empty_and_binary),
		cmocka_unit_test(test_headroom),
		cmocka_unit_test(test_wire),
		cmocka_unit_test(test_from_json),
		cmocka_unit_test(test_from_json_large),
		cmocka_unit_test(test_refcount),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
