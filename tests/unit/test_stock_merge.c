/* test_stock_merge.c - a member's unsent stock frame merged into the next
 * push: every variant of both, the newer winning, each distinct frame
 * merged once per push.
 *
 * Links the real stock_merge.c and frame.c (fair_core). Under the
 * sanitizers, a wrong reference count shows up as a leak or a use after
 * free. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "live/stock_merge.h"
#include "net/frame.h"

static struct frame *text_frame(const char *text)
{
	struct frame *f = frame_from_text(text, strlen(text));

	assert_non_null(f);
	return f;
}

/* The frame's "v" and "at" compared with what is expected. */
static void assert_stock(struct frame *f, const char *v, const char *at)
{
	json_error_t jerr;
	json_t *got = json_loadb((char *)frame_text(f), f->len, 0, &jerr);
	json_t *want_v = json_loads(v, 0, &jerr);

	assert_non_null(got);
	assert_non_null(want_v);
	assert_string_equal(json_string_value(json_object_get(got, "ev")),
			    "stock");
	assert_int_equal(json_integer_value(json_object_get(got, "fair")), 7);
	assert_true(json_equal(json_object_get(got, "v"), want_v));
	assert_string_equal(json_string_value(json_object_get(got, "at")), at);
	json_decref(got);
	json_decref(want_v);
}

static void test_both_changes_newer_wins(void **state)
{
	struct frame *older = text_frame(
		"{\"ev\":\"stock\",\"fair\":7,\"v\":{\"1\":5,\"2\":9},"
		"\"at\":\"2026-11-27T10:00:00.100Z\"}");
	struct frame *newer = text_frame(
		"{\"ev\":\"stock\",\"fair\":7,\"v\":{\"2\":8,\"3\":0},"
		"\"at\":\"2026-11-27T10:00:00.150Z\"}");
	struct stock_merges m = {.newer = newer};
	struct frame *merged;

	(void)state;
	merged = stock_merge(&m, older);
	assert_non_null(merged);
	assert_stock(merged, "{\"1\":5,\"2\":8,\"3\":0}",
		     "2026-11-27T10:00:00.150Z");
	frame_unref(merged);
	stock_merges_free(&m);
	assert_int_equal(older->refs, 1);
	assert_int_equal(newer->refs, 1);
	frame_unref(older);
	frame_unref(newer);
}

static void test_same_frame_merged_once(void **state)
{
	struct frame *older = text_frame(
		"{\"ev\":\"stock\",\"fair\":7,\"v\":{\"1\":5},\"at\":\"a\"}");
	struct frame *other = text_frame(
		"{\"ev\":\"stock\",\"fair\":7,\"v\":{\"4\":1},\"at\":\"b\"}");
	struct frame *newer = text_frame(
		"{\"ev\":\"stock\",\"fair\":7,\"v\":{\"2\":2},\"at\":\"c\"}");
	struct stock_merges m = {.newer = newer};
	struct frame *first, *second, *third;

	(void)state;
	first = stock_merge(&m, older);
	second = stock_merge(&m, older);
	third = stock_merge(&m, other);
	assert_ptr_equal(first, second); /* shared, not merged again */
	assert_ptr_not_equal(first, third);
	assert_stock(first, "{\"1\":5,\"2\":2}", "c");
	assert_stock(third, "{\"4\":1,\"2\":2}", "c");
	/* members' two references and the kept one */
	assert_int_equal(first->refs, 3);
	frame_unref(first);
	frame_unref(second);
	frame_unref(third);
	stock_merges_free(&m);
	assert_int_equal(older->refs, 1);
	frame_unref(older);
	frame_unref(other);
	frame_unref(newer);
}

/* More distinct frames than are kept: each is still merged right. */
static void test_more_than_kept(void **state)
{
	struct frame *newer = text_frame(
		"{\"ev\":\"stock\",\"fair\":7,\"v\":{\"100\":0},\"at\":\"z\"}");
	struct frame *olders[STOCK_MERGES_KEPT * 2];
	struct stock_merges m = {.newer = newer};

	(void)state;
	for (size_t i = 0; i < STOCK_MERGES_KEPT * 2; i++) {
		char text[96];

		snprintf(text, sizeof text,
			 "{\"ev\":\"stock\",\"fair\":7,\"v\":{\"%zu\":%zu},"
			 "\"at\":\"y\"}",
			 i + 1, i);
		olders[i] = text_frame(text);
	}
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < STOCK_MERGES_KEPT * 2; i++) {
			struct frame *merged = stock_merge(&m, olders[i]);
			char want[64];

			snprintf(want, sizeof want, "{\"%zu\":%zu,\"100\":0}",
				 i + 1, i);
			assert_non_null(merged);
			assert_stock(merged, want, "z");
			frame_unref(merged);
		}
	stock_merges_free(&m);
	for (size_t i = 0; i < STOCK_MERGES_KEPT * 2; i++) {
		assert_int_equal(olders[i]->refs, 1);
		frame_unref(olders[i]);
	}
	frame_unref(newer);
}

static void test_not_a_stock_frame(void **state)
{
	struct frame *older = text_frame("{\"ev\":\"chat\"}");
	struct frame *broken = text_frame("{\"ev\":");
	struct frame *newer = text_frame(
		"{\"ev\":\"stock\",\"fair\":7,\"v\":{\"2\":2},\"at\":\"c\"}");
	struct stock_merges m = {.newer = newer};

	(void)state;
	assert_null(stock_merge(&m, older));
	assert_null(stock_merge(&m, broken));
	stock_merges_free(&m);
	frame_unref(older);
	frame_unref(broken);
	frame_unref(newer);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_both_changes_newer_wins),
		cmocka_unit_test(test_same_frame_merged_once),
		cmocka_unit_test(test_more_than_kept),
		cmocka_unit_test(test_not_a_stock_frame),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
