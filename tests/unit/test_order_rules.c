/* test_order_rules.c - the order checks the server makes by itself: line
 * parsing and the fast refusal from the last known stock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "order/order_rules.h"

static int parse(const char *text, struct order_line *out, size_t *n, char *why)
{
	json_error_t jerr;
	json_t *v = json_loads(text, 0, &jerr);
	int rc;

	assert_non_null(v);
	rc = order_lines_parse(v, out, n, why, 160);
	json_decref(v);
	return rc;
}

static void test_lines_accepted(void **state)
{
	struct order_line lines[ORDER_LINES_MAX];
	size_t n = 0;
	char why[160] = "";

	(void)state;
	assert_int_equal(parse("[{\"variant\": 7, \"qty\": 3}, "
			       "{\"qty\": 100000, \"variant\": 9}]",
			       lines, &n, why),
			 0);
	assert_int_equal(n, 2);
	assert_int_equal(lines[0].variant, 7);
	assert_int_equal(lines[0].qty, 3);
	assert_int_equal(lines[1].variant, 9);
	assert_int_equal(lines[1].qty, ORDER_QTY_MAX);
}

static void test_lines_refused(void **state)
{
	static const struct {
		const char *json, *why;
	} cases[] = {
		{"[]", "lines: an array of 1 to 200"},
		{"{}", "lines: an array"},
		{"[{\"variant\": 1, \"qty\": 0}]", "lines[0].qty"},
		{"[{\"variant\": 1, \"qty\": 100001}]", "lines[0].qty"},
		{"[{\"variant\": 1, \"qty\": 1.0}]", "lines[0].qty"},
		{"[{\"variant\": 1, \"qty\": \"2\"}]", "lines[0].qty"},
		{"[{\"variant\": 0, \"qty\": 1}]", "lines[0]: an object"},
		{"[{\"variant\": 1}]", "lines[0]: an object"},
		{"[{\"variant\": 1, \"qty\": 1, \"size\": \"M\"}]",
		 "lines[0]: an object"},
		{"[1]", "lines[0]: an object"},
		{"[{\"variant\": 1, \"qty\": 1}, {\"variant\": 2, \"qty\": 1}, "
		 "{\"variant\": 1, \"qty\": 5}]",
		 "lines[2]: variant 1 is already in lines[0]"},
	};
	struct order_line lines[ORDER_LINES_MAX];
	size_t n = 99;
	char why[160];

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		why[0] = '\0';
		assert_int_equal(parse(cases[i].json, lines, &n, why), -1);
		if (!strstr(why, cases[i].why))
			fail_msg("%s: \"%s\" does not say \"%s\"",
				 cases[i].json, why, cases[i].why);
		assert_int_equal(n, 99); /* untouched on refusal */
	}
}

static void test_too_many_lines(void **state)
{
	struct order_line lines[ORDER_LINES_MAX];
	json_t *array = json_array();
	size_t n = 0;
	char why[160];

	(void)state;
	for (int i = 1; i <= ORDER_LINES_MAX; i++)
		json_array_append_new(
			array, json_pack("{s:i,s:i}", "variant", i, "qty", 1));
	assert_int_equal(order_lines_parse(array, lines, &n, why, sizeof why),
			 0);
	assert_int_equal(n, ORDER_LINES_MAX);
	json_array_append_new(array,
			      json_pack("{s:i,s:i}", "variant", 999, "qty", 1));
	assert_int_equal(order_lines_parse(array, lines, &n, why, sizeof why),
			 -1);
	json_decref(array);
}

static void test_certainly_short(void **state)
{
	const struct order_line lines[2] = {{1, 5}, {2, 1}};

	(void)state;
	/* all or nothing: one known short line is enough */
	assert_true(order_certainly_short(lines, 2, (int64_t[]){4, -1}, false));
	assert_true(order_certainly_short(lines, 2, (int64_t[]){-1, 0}, false));
	assert_false(order_certainly_short(lines, 2, (int64_t[]){5, 1}, false));
	assert_false(
		order_certainly_short(lines, 2, (int64_t[]){-1, -1}, false));
	/* partial: only when nothing is left of any line */
	assert_true(order_certainly_short(lines, 2, (int64_t[]){0, 0}, true));
	assert_false(order_certainly_short(lines, 2, (int64_t[]){0, 1}, true));
	assert_false(order_certainly_short(lines, 2, (int64_t[]){0, -1}, true));
	assert_false(order_certainly_short(lines, 0, (int64_t[]){0}, true));
}

/* Every combination of what an arriving order meets: the cache alone never
 * refuses it (a refusal waits for its key lookup), a key still undecided here
 * makes it wait behind that order, and only a full queue with full lookups
 * answers unavailable at once. */
static void test_route_arrival(void **state)
{
	(void)state;
	for (int bits = 0; bits < 16; bits++) {
		bool queue_full = bits & 1, lookups_full = bits & 2,
		     key_pending = bits & 4, cache_short = bits & 8;
		enum order_route r = order_route_arrival(
			queue_full, lookups_full, key_pending, cache_short);

		assert_int_not_equal(r, ORDER_REFUSE_SHORT);
		if (queue_full)
			assert_int_equal(r, lookups_full ? ORDER_UNAVAILABLE
							 : ORDER_LOOKUP);
		else if (key_pending)
			assert_int_equal(r, ORDER_QUEUE);
		else if (cache_short && !lookups_full)
			assert_int_equal(r, ORDER_LOOKUP);
		else
			assert_int_equal(r, ORDER_QUEUE);
	}
}

/* After a lookup found the key unstored: refused from the cache only when the
 * stock is still short and no order with the key is pending here; queued
 * when stock came back, unavailable when the queue is full. */
static void test_route_unstored(void **state)
{
	(void)state;
	for (int bits = 0; bits < 8; bits++) {
		bool queue_full = bits & 1, key_pending = bits & 2,
		     cache_short = bits & 4;
		enum order_route r = order_route_unstored(
			queue_full, key_pending, cache_short);

		if (cache_short && !key_pending)
			assert_int_equal(r, ORDER_REFUSE_SHORT);
		else
			assert_int_equal(r, queue_full ? ORDER_UNAVAILABLE
						       : ORDER_QUEUE);
	}
	/* the sweep leaves an order whose key another pending order holds */
	assert_true(order_sweep_to_lookup(1));
	assert_false(order_sweep_to_lookup(2));
}

static void test_key_hash(void **state)
{
	char key[16];

	(void)state;
	assert_int_equal(order_key_hash(4, "d7f3c2a0-1"),
			 order_key_hash(4, "d7f3c2a0-1"));
	assert_int_not_equal(order_key_hash(4, "d7f3c2a0-1"),
			     order_key_hash(5, "d7f3c2a0-1"));
	assert_int_not_equal(order_key_hash(4, "d7f3c2a0-1"),
			     order_key_hash(4, "d7f3c2a0-2"));
	/* the dealer and the key are not run together: (1, "2") != (12, "") */
	assert_int_not_equal(order_key_hash(1, "2"), order_key_hash(12, ""));
	for (int i = 0; i < 10000; i++) {
		snprintf(key, sizeof key, "k%d", i);
		assert_int_not_equal(order_key_hash(i, key), 0);
		assert_int_not_equal(order_key_hash(i, key),
				     order_key_hash(i + 1, key));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines_accepted),
		cmocka_unit_test(test_lines_refused),
		cmocka_unit_test(test_too_many_lines),
		cmocka_unit_test(test_certainly_short),
		cmocka_unit_test(test_route_arrival),
		cmocka_unit_test(test_route_unstored),
		cmocka_unit_test(test_key_hash),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
