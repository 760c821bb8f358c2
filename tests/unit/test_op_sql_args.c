/* test_op_sql_args.c - an op that is one SQL call: the texts its entry in
 * the op table puts in $1 .. $n, and the start-up check of such an entry
 * against its parameter table (rpc/op_sql_args.c, linked from fair_core;
 * rpc/op_sql.c's op_sql_handler, which sends them, needs the database). */
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
#include "rpc/op_sql_args.h"

static const struct param_spec params[] = {
	{"fair", PARAM_ID, true, 0, 0},
	{"qty", PARAM_INT, false, -10, 10},
	{"note", PARAM_STRING, false, 0, 50},
	{"flag", PARAM_BOOL, false, 0, 0},
	{"at", PARAM_TIME, false, 0, 0},
	{"pack", PARAM_OBJECT, false, 0, 5},
	{"lines", PARAM_ARRAY, false, 0, 5},
	{NULL, 0, false, 0, 0},
};

/* every member, by its type, between two of the caller's values */
static const struct op_sql_def every = {
	OP_SQL_WRITE,
	"SELECT f($1::bigint, $2::bigint, $3::int, $4, $5::boolean, "
	"epoch_ms_time($6::bigint), $7::jsonb, $8::jsonb, $9::bigint)",
	NULL,
	{{.caller = op_sql_actor},
	 {"fair"},
	 {"qty", "5"},
	 {"note"},
	 {"flag"},
	 {"at"},
	 {"pack"},
	 {"lines"},
	 {.caller = op_sql_dealer}},
};

static struct op_call call_of(const char *text, unsigned role)
{
	json_error_t jerr;
	struct op_call call = {{1, 77, role, role == ROLE_DEALER ? 42 : 0},
			       NULL,
			       json_loads(text, 0, &jerr)};

	if (!call.msg)
		fail_msg("test JSON does not parse: %s: %s", text, jerr.text);
	return call;
}

static void test_members_by_type(void **state)
{
	struct op_call call = call_of(
		"{\"op\": \"x\", \"fair\": 7, \"qty\": -3, \"note\": \"hi\", "
		"\"flag\": true, \"at\": \"2026-11-26T10:00:00.500Z\", "
		"\"pack\": {\"S\": 2, \"M\": 3}, \"lines\": [{\"variant\": 5, "
		"\"qty\": 1}]}",
		ROLE_DEALER);
	struct op_sql_args args;

	(void)state;
	op_sql_args_build(&every, params, &call, &args);
	assert_int_equal(args.n, 9);
	assert_string_equal(args.values[0], "77");
	assert_string_equal(args.values[1], "7");
	assert_string_equal(args.values[2], "-3");
	assert_string_equal(args.values[3], "hi");
	assert_string_equal(args.values[4], "true");
	assert_string_equal(args.values[5], "1795687200500");
	assert_string_equal(args.values[6], "{\"S\":2,\"M\":3}");
	assert_string_equal(args.values[7], "[{\"variant\":5,\"qty\":1}]");
	assert_string_equal(args.values[8], "42");
	op_sql_args_free(&args);
	assert_int_equal(args.n, 0);
	json_decref(call.msg);
}

/* absent and null are both SQL NULL, or the entry's text for that case */
static void test_absent_and_null(void **state)
{
	struct op_call absent = call_of("{\"fair\": 1}", ROLE_REP);
	struct op_call null = call_of(
		"{\"fair\": 1, \"qty\": null, \"note\": null, \"flag\": null, "
		"\"at\": null, \"pack\": null, \"lines\": null}",
		ROLE_ADMIN);
	struct op_call *calls[] = {&absent, &null};
	struct op_sql_args args;

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		op_sql_args_build(&every, params, calls[i], &args);
		assert_int_equal(args.n, 9);
		assert_string_equal(args.values[1], "1");
		assert_string_equal(args.values[2], "5"); /* the default */
		for (int j = 3; j < 9; j++)
			assert_null(args.values[j]);
		op_sql_args_free(&args);
		json_decref(calls[i]->msg);
	}
}

static void test_caller_values(void **state)
{
	struct op_call dealer = call_of("{}", ROLE_DEALER);
	struct op_call rep = call_of("{}", ROLE_REP);
	char buf[OP_SQL_INT_TEXT];

	(void)state;
	assert_string_equal(op_sql_actor(&dealer, buf), "77");
	assert_string_equal(op_sql_dealer(&dealer, buf), "42");
	assert_null(op_sql_dealer(&rep, buf));
	assert_string_equal(op_sql_staff(&dealer, buf), "false");
	assert_string_equal(op_sql_staff(&rep, buf), "true");
	json_decref(dealer.msg);
	json_decref(rep.msg);
}

/* Checks def against params; returns the reason, or "" when it passes. */
static const char *check(const struct op_sql_def *def)
{
	static char why[200];

	if (op_sql_def_check(def, params, why, sizeof why) == 0)
		return "";
	return why;
}

static void test_def_check(void **state)
{
	const struct op_sql_def no_sql = {OP_SQL_READ, NULL, NULL, {{"fair"}}};
	const struct op_sql_def unknown = {
		OP_SQL_READ, "SELECT f($1)", NULL, {{"shop"}}};
	const struct op_sql_def order = {
		OP_SQL_READ, "SELECT f($1, $2)", NULL, {{"qty"}, {"fair"}}};
	const struct op_sql_def twice = {
		OP_SQL_READ, "SELECT f($1, $2)", NULL, {{"fair"}, {"fair"}}};
	const struct op_sql_def missing = {
		OP_SQL_READ, "SELECT f($1, $2)", NULL, {{"fair"}, {"qty"}}};
	const struct op_sql_def both = {OP_SQL_READ,
					"SELECT f($1)",
					NULL,
					{{"fair", NULL, op_sql_actor}}};
	struct op_sql_def placeholders = every;

	(void)state;
	assert_string_equal(check(&every), "");
	assert_string_equal(check(&no_sql), "no SQL statement");
	assert_string_equal(check(&unknown),
			    "$1: shop is not in its parameter table");
	assert_string_equal(check(&order),
			    "$1 is qty, but the parameter table's next member "
			    "is fair");
	assert_string_equal(check(&twice),
			    "$2 is fair, but the parameter table's next member "
			    "is qty");
	assert_string_equal(check(&missing),
			    "note of its parameter table is passed to no $n");
	assert_string_equal(check(&both),
			    "$1 is both fair and a caller's value");
	placeholders.sql = "SELECT f($1, $2, $3, $4, $5, $6, $7, $8)";
	assert_string_equal(check(&placeholders),
			    "its statement's highest placeholder is $8, but it "
			    "has 9 arguments");
	placeholders.sql = "SELECT f($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
	assert_string_equal(check(&placeholders),
			    "its statement's highest placeholder is $10, but "
			    "it has 9 arguments");
}

static void handler_noop(struct op_call *call)
{
	(void)call;
}

/* the server checks its table's SQL entries before it listens */
static void test_table_check(void **state)
{
	const struct op_sql_def bad = {
		OP_SQL_READ, "SELECT f($1)", NULL, {{"qty"}}};
	const struct op_def table[] = {
		{"a.good", ROLE_DEALER, params, handler_noop, &every},
		{"a.bad", ROLE_DEALER, params, handler_noop, &bad},
	};
	char why[200];

	(void)state;
	assert_int_equal(dispatch_table_check(table, 1, why, sizeof why), 0);
	assert_int_equal(dispatch_table_check(table, 2, why, sizeof why), -1);
	assert_string_equal(why, "op a.bad: $1 is qty, but the parameter "
				 "table's next member is fair");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_members_by_type),
		cmocka_unit_test(test_absent_and_null),
		cmocka_unit_test(test_caller_values),
		cmocka_unit_test(test_def_check),
		cmocka_unit_test(test_table_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
