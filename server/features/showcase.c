/* showcase.c - spotlight.set, price.set, flash.set, item.launch,
 * item.withdraw (see showcase.h). */
#include "features/showcase.h"

#include "base/money.h"
#include "rpc/op_reply.h"
#include "rpc/op_sql.h"

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

void showcase_op_spotlight_set(struct op_call *call)
{
	char actor[OP_SQL_INT_TEXT], fair[OP_SQL_INT_TEXT],
		product[OP_SQL_INT_TEXT];
	const char *params[4] = {op_sql_actor(call, actor),
				 op_sql_int(call, "fair", fair),
				 op_sql_int(call, "product", product),
				 op_sql_string(call, "note")};

	op_sql_write(call,
		     "SELECT showcase_spotlight_set($1::bigint, $2::bigint, "
		     "$3::bigint, $4)",
		     4, params);
}

void showcase_op_price_set(struct op_call *call)
{
	char actor[OP_SQL_INT_TEXT], fair[OP_SQL_INT_TEXT],
		product[OP_SQL_INT_TEXT], price[OP_SQL_INT_TEXT];
	const char *tier = op_sql_string(call, "tier");
	const char *params[5] = {op_sql_actor(call, actor),
				 op_sql_int(call, "fair", fair),
				 op_sql_int(call, "product", product),
				 op_sql_int(call, "price", price), tier};

	if (tier && (tier[0] < 'A' || tier[0] > 'Z')) {
		op_fail(call, ERR_BAD_REQUEST,
			"tier must be one capital letter (A to Z)", NULL);
		return;
	}
	op_sql_write(call,
		     "SELECT showcase_price_set($1::bigint, $2::bigint, "
		     "$3::bigint, $4::bigint, $5)",
		     5, params);
}

void showcase_op_flash_set(struct op_call *call)
{
	char actor[OP_SQL_INT_TEXT], fair[OP_SQL_INT_TEXT],
		product[OP_SQL_INT_TEXT], price[OP_SQL_INT_TEXT],
		starts[OP_SQL_INT_TEXT], ends[OP_SQL_INT_TEXT];
	int64_t starts_ms = 0, ends_ms = 0;
	const char *params[6] = {
		op_sql_actor(call, actor),
		op_sql_int(call, "fair", fair),
		op_sql_int(call, "product", product),
		op_sql_int(call, "price", price),
		op_sql_time_ms(call, "starts_at", starts, &starts_ms),
		op_sql_time_ms(call, "ends_at", ends, &ends_ms)};

	if (ends_ms <= starts_ms) {
		op_fail(call, ERR_BAD_REQUEST,
			"ends_at must be after starts_at", NULL);
		return;
	}
	/* "ends in the future" is PostgreSQL's to judge: its clock decides */
	op_sql_write(call,
		     "SELECT showcase_flash_set($1::bigint, $2::bigint, "
		     "$3::bigint, $4::bigint, epoch_ms_time($5::bigint), "
		     "epoch_ms_time($6::bigint))",
		     6, params);
}

void showcase_op_item_launch(struct op_call *call)
{
	char actor[OP_SQL_INT_TEXT], fair[OP_SQL_INT_TEXT],
		product[OP_SQL_INT_TEXT];
	const char *params[3] = {op_sql_actor(call, actor),
				 op_sql_int(call, "fair", fair),
				 op_sql_int(call, "product", product)};

	op_sql_write(call,
		     "SELECT showcase_item_launch($1::bigint, $2::bigint, "
		     "$3::bigint)",
		     3, params);
}

void showcase_op_item_withdraw(struct op_call *call)
{
	char actor[OP_SQL_INT_TEXT], fair[OP_SQL_INT_TEXT],
		product[OP_SQL_INT_TEXT];
	const char *params[3] = {op_sql_actor(call, actor),
				 op_sql_int(call, "fair", fair),
				 op_sql_int(call, "product", product)};

	op_sql_write(call,
		     "SELECT showcase_item_withdraw($1::bigint, $2::bigint, "
		     "$3::bigint)",
		     3, params);
}
