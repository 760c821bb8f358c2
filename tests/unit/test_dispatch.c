/* test_dispatch.c - op lookup, the role check and the parameter tables.
 *
 * Links the real dispatch.c (fair_core) against a small op table of its own;
 * the server's table (op_table.c) needs the database and is not linked here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rpc/dispatch.h"

static void handler_noop(struct op_call *call)
{
	(void)call;
}

static const struct param_spec no_params[] = {{NULL}};

static const struct param_spec place_params[] = {
	{"fair", PARAM_ID, true, 0, 0},
	{"qty", PARAM_INT, true, 1, 1000},
	{"note", PARAM_STRING, false, 0, 5},
	{"key", PARAM_STRING, false, 1, 64},
	{"partial", PARAM_BOOL, false, 0, 0},
	{"lines", PARAM_ARRAY, false, 1, 3},
	{"pack", PARAM_OBJECT, false, 0, 2},
	{"at", PARAM_TIME, false, 0, 0},
	{"delta", PARAM_INT, false, INT64_MIN, INT64_MAX},
	{NULL}};

static const struct op_def table[] = {
	{"ping", ROLES_ALL, no_params, handler_noop},
	{"order.place", ROLE_DEALER | ROLE_REP | ROLE_ADMIN, place_params,
	 handler_noop},
	{"admin.fair.create", ROLE_ADMIN, no_params, handler_noop},
	{"dashboard.watch", ROLES_STAFF, no_params, handler_noop},
};
#define TABLE_SIZE (sizeof table / sizeof table[0])

static json_t *parse(const char *text)
{
	json_error_t jerr;
	json_t *v = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);

	if (!v)
		fail_msg("test JSON does not parse: %s: %s", text, jerr.text);
	return v;
}

/* Runs params_check of order.place on text; returns its result and copies
 * the reason into why (when not NULL). */
static int check_place(const char *text, char *why, size_t size)
{
	char buf[256] = "";
	json_t *msg = parse(text);
	int rc = params_check(place_params, msg, buf, sizeof buf);

	json_decref(msg);
	if (why)
		snprintf(why, size, "%s", buf);
	return rc;
}

static void expect_ok(const char *text)
{
	char why[256];

	if (check_place(text, why, sizeof why))
		fail_msg("refused %s: %s", text, why);
}

static void expect_refused(const char *text, const char *fragment)
{
	char why[256];

	if (!check_place(text, why, sizeof why))
		fail_msg("accepted %s", text);
	if (!strstr(why, fragment))
		fail_msg("reason \"%s\" lacks \"%s\" (input %s)", why, fragment,
			 text);
}

static void test_role_names(void **state)
{
	static const char *const names[] = {"dealer", "rep", "manager",
					    "admin"};
	static const unsigned roles[] = {ROLE_DEALER, ROLE_REP, ROLE_MANAGER,
					 ROLE_ADMIN};

	(void)state;
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(role_parse(names[i]), roles[i]);
		assert_string_equal(role_name(roles[i]), names[i]);
		assert_int_equal(role_parse(role_name(roles[i])), roles[i]);
	}
	assert_int_equal(role_parse("Dealer"), 0);
	assert_int_equal(role_parse(""), 0);
	assert_int_equal(role_parse("admins"), 0);
	assert_int_equal(role_parse(NULL), 0);
	assert_null(role_name(0));
	assert_null(role_name(ROLE_DEALER | ROLE_REP)); /* one bit only */
	assert_null(role_name(1u << 4));
	assert_null(role_name(ROLES_ALL));
}

static void test_find(void **state)
{
	(void)state;
	assert_ptr_equal(dispatch_find(table, TABLE_SIZE, "ping"), &table[0]);
	assert_ptr_equal(dispatch_find(table, TABLE_SIZE, "order.place"),
			 &table[1]);
	assert_ptr_equal(dispatch_find(table, TABLE_SIZE, "dashboard.watch"),
			 &table[3]);
	assert_null(dispatch_find(table, TABLE_SIZE, "order"));
	assert_null(dispatch_find(table, TABLE_SIZE, "order.place "));
	assert_null(dispatch_find(table, TABLE_SIZE, "PING"));
	assert_null(dispatch_find(table, TABLE_SIZE, ""));
	/* n is honoured */
	assert_null(dispatch_find(table, 1, "order.place"));
	assert_null(dispatch_find(table, 0, "ping"));
}

static void test_role_before_arguments(void **state)
{
	const struct op_def *op =
		dispatch_find(table, TABLE_SIZE, "order.place");
	json_t *bad_args = parse("{\"op\":\"order.place\",\"rid\":1,"
				 "\"bogus\":1,\"qty\":1.5}");
	json_t *good_args = parse("{\"op\":\"order.place\",\"rid\":1,"
				  "\"fair\":2,\"qty\":3}");
	enum proto_error code = ERR_INTERNAL;
	char why[192];

	(void)state;
	/* a manager may not place orders: forbidden, though the arguments
	 * are wrong as well */
	assert_int_equal(dispatch_check(op, ROLE_MANAGER, bad_args, &code, why,
					sizeof why),
			 -1);
	assert_int_equal(code, ERR_FORBIDDEN);
	assert_non_null(strstr(why, "order.place"));
	assert_non_null(strstr(why, "manager"));
	assert_int_equal(dispatch_check(op, ROLE_MANAGER, good_args, &code, why,
					sizeof why),
			 -1);
	assert_int_equal(code, ERR_FORBIDDEN);

	/* no role at all */
	assert_int_equal(
		dispatch_check(op, 0, good_args, &code, why, sizeof why), -1);
	assert_int_equal(code, ERR_FORBIDDEN);
	assert_non_null(strstr(why, "none"));

	/* an allowed role gets the argument refusal */
	code = ERR_INTERNAL;
	assert_int_equal(dispatch_check(op, ROLE_DEALER, bad_args, &code, why,
					sizeof why),
			 -1);
	assert_int_equal(code, ERR_BAD_REQUEST);
	assert_int_equal(
		dispatch_check(op, ROLE_REP, good_args, &code, why, sizeof why),
		0);
	assert_int_equal(dispatch_check(op, ROLE_ADMIN, good_args, &code, why,
					sizeof why),
			 0);

	/* staff-only and admin-only ops */
	op = dispatch_find(table, TABLE_SIZE, "dashboard.watch");
	assert_int_equal(dispatch_check(op, ROLE_DEALER, good_args, &code, why,
					sizeof why),
			 -1);
	assert_int_equal(code, ERR_FORBIDDEN);
	op = dispatch_find(table, TABLE_SIZE, "admin.fair.create");
	for (unsigned r = ROLE_DEALER; r < ROLE_ADMIN; r <<= 1) {
		assert_int_equal(dispatch_check(op, r, good_args, &code, why,
						sizeof why),
				 -1);
		assert_int_equal(code, ERR_FORBIDDEN);
	}
	json_decref(bad_args);
	json_decref(good_args);
}

static void test_unknown_field(void **state)
{
	(void)state;
	expect_refused("{\"op\":\"o\",\"rid\":1,\"fair\":1,\"qty\":1,"
		       "\"colour\":\"red\"}",
		       "unknown field \"colour\"");
	/* op and rid are the envelope's, not arguments */
	expect_ok("{\"op\":\"o\",\"rid\":\"r\",\"fair\":1,\"qty\":1}");
	/* an op without parameters refuses every argument */
	{
		json_t *msg = parse("{\"op\":\"ping\",\"rid\":1,\"x\":null}");
		char why[128];

		assert_int_equal(params_check(no_params, msg, why, sizeof why),
				 -1);
		assert_non_null(strstr(why, "unknown field \"x\""));
		json_decref(msg);
		msg = parse("{\"op\":\"ping\",\"rid\":1}");
		assert_int_equal(params_check(no_params, msg, why, sizeof why),
				 0);
		json_decref(msg);
	}
}

static void test_missing_required(void **state)
{
	(void)state;
	expect_refused("{\"qty\":1}", "missing fair");
	expect_refused("{\"fair\":1}", "missing qty");
	expect_refused("{}", "missing");
	/* null is absent: a required null is refused */
	{
		char why[256];

		assert_int_equal(check_place("{\"fair\":null,\"qty\":1}", why,
					     sizeof why),
				 -1);
		assert_non_null(strstr(why, "fair"));
	}
}

static void test_null_is_absent(void **state)
{
	(void)state;
	expect_ok("{\"fair\":1,\"qty\":1,\"note\":null,\"key\":null,"
		  "\"partial\":null,\"lines\":null,\"pack\":null,\"at\":null,"
		  "\"delta\":null}");
}

static void test_param_int(void **state)
{
	json_t *v;

	(void)state;
	/* 1.0 and 1e3 are reals to jansson, so they are refused */
	v = parse("[1.0, 1e3, 1E3, 10.0e-1]");
	for (size_t i = 0; i < json_array_size(v); i++)
		assert_true(json_is_real(json_array_get(v, i)));
	json_decref(v);
	expect_refused("{\"fair\":1,\"qty\":1.0}", "qty must be an integer");
	expect_refused("{\"fair\":1,\"qty\":1e3}", "qty must be an integer");
	expect_refused("{\"fair\":1,\"qty\":2.5}", "qty must be an integer");
	expect_refused("{\"fair\":1,\"qty\":\"5\"}", "qty must be an integer");
	expect_refused("{\"fair\":1,\"qty\":true}", "qty must be an integer");
	expect_refused("{\"fair\":1,\"qty\":[5]}", "qty must be an integer");

	/* bounds, inclusive */
	expect_ok("{\"fair\":1,\"qty\":1}");
	expect_ok("{\"fair\":1,\"qty\":1000}");
	expect_refused("{\"fair\":1,\"qty\":0}",
		       "qty must be from 1 to 1000, got 0");
	expect_refused("{\"fair\":1,\"qty\":1001}", "got 1001");
	expect_refused("{\"fair\":1,\"qty\":-5}", "got -5");
	expect_refused("{\"fair\":1,\"qty\":9223372036854775807}",
		       "qty must be from 1 to 1000");

	/* the full int64 range */
	expect_ok("{\"fair\":1,\"qty\":1,\"delta\":-9223372036854775808}");
	expect_ok("{\"fair\":1,\"qty\":1,\"delta\":9223372036854775807}");
	expect_ok("{\"fair\":1,\"qty\":1,\"delta\":0}");
	expect_ok("{\"fair\":1,\"qty\":1,\"delta\":-0}");
}

static void test_param_id(void **state)
{
	(void)state;
	expect_ok("{\"fair\":1,\"qty\":1}");
	expect_ok("{\"fair\":9223372036854775807,\"qty\":1}");
	expect_refused("{\"fair\":0,\"qty\":1}", "fair must be a positive");
	expect_refused("{\"fair\":-1,\"qty\":1}", "fair must be a positive");
	expect_refused("{\"fair\":1.0,\"qty\":1}", "fair must be a positive");
	expect_refused("{\"fair\":\"1\",\"qty\":1}", "fair must be a positive");
	expect_refused("{\"fair\":true,\"qty\":1}", "fair must be a positive");
	expect_refused("{\"fair\":{},\"qty\":1}", "fair must be a positive");
}

static void test_param_string(void **state)
{
	(void)state;
	/* characters, not bytes: 外套 is two characters in six bytes */
	expect_ok("{\"fair\":1,\"qty\":1,\"note\":\"外套\"}");
	expect_ok("{\"fair\":1,\"qty\":1,\"note\":\"外套外套外\"}");
	expect_refused("{\"fair\":1,\"qty\":1,\"note\":\"外套外套外套\"}",
		       "note must have 0 to 5 characters");
	expect_ok("{\"fair\":1,\"qty\":1,\"note\":\"abcde\"}");
	expect_refused("{\"fair\":1,\"qty\":1,\"note\":\"abcdef\"}",
		       "note must have");
	/* four-byte characters, escaped or not, count once */
	expect_ok("{\"fair\":1,\"qty\":1,\"note\":\"😀😀😀😀😀\"}");
	expect_ok(
		"{\"fair\":1,\"qty\":1,\"note\":\"\\ud83d\\ude00é\\u00e9ab\"}");
	expect_refused("{\"fair\":1,\"qty\":1,\"note\":\"😀😀😀😀😀😀\"}",
		       "note must have");
	/* empty string and the minimum */
	expect_ok("{\"fair\":1,\"qty\":1,\"note\":\"\"}");
	expect_refused("{\"fair\":1,\"qty\":1,\"key\":\"\"}",
		       "key must have 1 to 64 characters");
	expect_ok("{\"fair\":1,\"qty\":1,\"key\":\"k\"}");
	expect_refused("{\"fair\":1,\"qty\":1,\"note\":5}",
		       "note must be a string");
	expect_refused("{\"fair\":1,\"qty\":1,\"note\":[\"a\"]}",
		       "note must be a string");
	/* text that disguises itself is refused: a right-to-left override, a
	 * zero-width space, a byte-order mark, a control character; a line
	 * break, a tab and the zero-width joiner of an emoji stay */
	expect_refused("{\"fair\":1,\"qty\":1,\"key\":\"ab\\u202ecd\"}",
		       "key must not contain control or invisible characters "
		       "(U+202E)");
	expect_refused("{\"fair\":1,\"qty\":1,\"note\":\"a\u200bb\"}",
		       "(U+200B)");
	expect_refused("{\"fair\":1,\"qty\":1,\"note\":\"\\ufeffab\"}",
		       "(U+FEFF)");
	expect_refused("{\"fair\":1,\"qty\":1,\"note\":\"a\\u0007b\"}",
		       "(U+0007)");
	expect_refused("{\"fair\":1,\"qty\":1,\"note\":\"a\\u2066b\"}",
		       "(U+2066)");
	expect_refused("{\"fair\":1,\"qty\":1,\"note\":\"a\\u0085b\"}",
		       "(U+0085)"); /* a C1 control (next line) */
	expect_ok("{\"fair\":1,\"qty\":1,\"note\":\"a\\u00a0b\"}");
	expect_ok("{\"fair\":1,\"qty\":1,\"note\":\"a\\nb\\tc\"}");
	expect_ok("{\"fair\":1,\"qty\":1,\"note\":\"👨\u200d👩\"}");
}

static void test_param_bool(void **state)
{
	(void)state;
	expect_ok("{\"fair\":1,\"qty\":1,\"partial\":true}");
	expect_ok("{\"fair\":1,\"qty\":1,\"partial\":false}");
	expect_refused("{\"fair\":1,\"qty\":1,\"partial\":1}",
		       "partial must be true or false");
	expect_refused("{\"fair\":1,\"qty\":1,\"partial\":0}", "partial");
	expect_refused("{\"fair\":1,\"qty\":1,\"partial\":\"true\"}",
		       "partial");
}

static void test_param_array(void **state)
{
	(void)state;
	expect_ok("{\"fair\":1,\"qty\":1,\"lines\":[1]}");
	expect_ok("{\"fair\":1,\"qty\":1,\"lines\":[{},{},{}]}");
	expect_refused("{\"fair\":1,\"qty\":1,\"lines\":[]}",
		       "lines must be an array of 1 to 3 elements");
	expect_refused("{\"fair\":1,\"qty\":1,\"lines\":[1,2,3,4]}",
		       "lines must be an array");
	expect_refused("{\"fair\":1,\"qty\":1,\"lines\":{\"a\":1}}",
		       "lines must be an array");
	expect_refused("{\"fair\":1,\"qty\":1,\"lines\":\"[1]\"}",
		       "lines must be an array");
}

static void test_param_object(void **state)
{
	(void)state;
	expect_ok("{\"fair\":1,\"qty\":1,\"pack\":{}}");
	expect_ok("{\"fair\":1,\"qty\":1,\"pack\":{\"S\":1,\"M\":2}}");
	expect_refused("{\"fair\":1,\"qty\":1,\"pack\":{\"S\":1,\"M\":2,"
		       "\"L\":2}}",
		       "pack must be an object of at most 2 members");
	expect_refused("{\"fair\":1,\"qty\":1,\"pack\":[]}",
		       "pack must be an object");
	expect_refused("{\"fair\":1,\"qty\":1,\"pack\":\"{}\"}",
		       "pack must be an object");
}

static void test_param_time(void **state)
{
	(void)state;
	expect_ok("{\"fair\":1,\"qty\":1,\"at\":\"2026-11-26T10:00:00.000Z\"}");
	expect_ok(
		"{\"fair\":1,\"qty\":1,\"at\":\"2026-11-26T18:00:00+08:00\"}");
	expect_refused("{\"fair\":1,\"qty\":1,\"at\":\"2026-02-30T10:00:00Z\"}",
		       "at must be an RFC 3339 time");
	expect_refused("{\"fair\":1,\"qty\":1,\"at\":\"2026-11-26\"}",
		       "at must be an RFC 3339 time");
	expect_refused("{\"fair\":1,\"qty\":1,\"at\":\"\"}", "at must be");
	expect_refused("{\"fair\":1,\"qty\":1,\"at\":1764151200000}",
		       "at must be");
}

static void test_unsupported_type(void **state)
{
	static const struct param_spec odd[] = {
		{"x", (enum param_type)99, false, 0, 0}, {NULL}};
	json_t *msg = parse("{\"x\":1}");
	char why[64];

	(void)state;
	assert_int_equal(params_check(odd, msg, why, sizeof why), -1);
	assert_non_null(strstr(why, "unsupported"));
	json_decref(msg);
}

static void test_reason_truncated(void **state)
{
	json_t *msg = parse("{\"fair\":1,\"qty\":0}");
	char why[8];

	(void)state;
	memset(why, 'x', sizeof why);
	assert_int_equal(params_check(place_params, msg, why, sizeof why), -1);
	assert_int_equal(strlen(why), sizeof why - 1);
	json_decref(msg);
}

/* The table check the server runs on its own op table (op_table.c) at start-up,
 * before it listens: here on tables made to break it. */
static void test_table_check(void **state)
{
	char why[160];
	const struct op_def twice[] = {
		{"a.one", ROLE_DEALER, no_params, handler_noop},
		{"a.two", ROLE_DEALER, no_params, handler_noop},
		{"a.one", ROLE_REP, no_params, handler_noop},
	};
	const struct op_def no_params_table[] = {
		{"a.one", ROLE_DEALER, NULL, handler_noop},
	};
	const struct op_def no_handler[] = {
		{"a.one", ROLE_DEALER, no_params, NULL},
	};
	const struct op_def no_roles[] = {
		{"a.one", 0, no_params, handler_noop},
	};
	const struct op_def no_name[] = {
		{"", ROLE_DEALER, no_params, handler_noop},
	};

	(void)state;
	assert_int_equal(dispatch_table_check(table,
					      sizeof table / sizeof *table, why,
					      sizeof why),
			 0);
	assert_int_equal(dispatch_table_check(twice, 3, why, sizeof why), -1);
	assert_string_equal(why, "op a.one is in the table twice (0 and 2)");
	assert_int_equal(dispatch_table_check(twice, 2, why, sizeof why), 0);
	assert_int_equal(
		dispatch_table_check(no_params_table, 1, why, sizeof why), -1);
	assert_string_equal(why, "op a.one lacks a parameter table");
	assert_int_equal(dispatch_table_check(no_handler, 1, why, sizeof why),
			 -1);
	assert_string_equal(why, "op a.one lacks a handler");
	assert_int_equal(dispatch_table_check(no_roles, 1, why, sizeof why),
			 -1);
	assert_string_equal(why, "op a.one lacks roles");
	assert_int_equal(dispatch_table_check(no_name, 1, why, sizeof why), -1);
	assert_string_equal(why, "op 0 has no name");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_role_names),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_role_before_arguments),
		cmocka_unit_test(test_unknown_field),
		cmocka_unit_test(test_missing_required),
		cmocka_unit_test(test_null_is_absent),
		cmocka_unit_test(test_param_int),
		cmocka_unit_test(test_param_id),
		cmocka_unit_test(test_param_string),
		cmocka_unit_test(test_param_bool),
		cmocka_unit_test(test_param_array),
		cmocka_unit_test(test_param_object),
		cmocka_unit_test(test_param_time),
		cmocka_unit_test(test_unsupported_type),
		cmocka_unit_test(test_reason_truncated),
		cmocka_unit_test(test_table_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
