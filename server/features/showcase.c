/* showcase.c - the parameters of spotlight.set, price.set, flash.set,
 * item.launch and item.withdraw, and the checks their tables cannot make (see
 * showcase.h). */
#include "features/showcase.h"

#include "base/money.h"
#include "rpc/op_reply.h"
#include "rpc/op_sql_args.h"

const struct param_spec showcase_spotlight_params[] = {
	{"fair", PARAM_ID, true, 0, 0},
	{"product", PARAM_ID, true, 0, 0},
	{"note", PARAM_STRING, false, 0, 500},
	{NULL, 0, false, 0, 0},
};

const struct param_spec showcase_price_params[] = {
	{"fair", PARAM_ID, true, 0, 0},
	{"product", PARAM_ID, true, 0, 0},
	{"price", PARAM_INT, true, 0, MONEY_UNIT_PRICE_MAX},
	{"tier", PARAM_STRING, false, 1, 1},
	{NULL, 0, false, 0, 0},
};

const struct param_spec showcase_flash_params[] = {
	{"fair", PARAM_ID, true, 0, 0},
	{"product", PARAM_ID, true, 0, 0},
	{"price", PARAM_INT, true, 0, MONEY_UNIT_PRICE_MAX},
	{"starts_at", PARAM_TIME, true, 0, 0},
	{"ends_at", PARAM_TIME, true, 0, 0},
	{NULL, 0, false, 0, 0},
};

const struct param_spec showcase_item_params[] = {
	{"fair", PARAM_ID, true, 0, 0},
	{"product", PARAM_ID, true, 0, 0},
	{NULL, 0, false, 0, 0},
};

bool showcase_price_check(struct op_call *call)
{
	const char *tier = op_sql_string(call, "tier");

	if (tier && (tier[0] < 'A' || tier[0] > 'Z')) {
		op_fail(call, ERR_BAD_REQUEST,
			"tier must be one capital letter (A to Z)", NULL);
		return false;
	}
	return true;
}

/* "ends in the future" is PostgreSQL's to judge: its clock decides */
bool showcase_flash_check(struct op_call *call)
{
	char starts[OP_SQL_INT_TEXT], ends[OP_SQL_INT_TEXT];
	int64_t starts_ms = 0, ends_ms = 0;

	op_sql_time_ms(call, "starts_at", starts, &starts_ms);
	op_sql_time_ms(call, "ends_at", ends, &ends_ms);
	if (ends_ms <= starts_ms) {
		op_fail(call, ERR_BAD_REQUEST,
			"ends_at must be after starts_at", NULL);
		return false;
	}
	return true;
}
