/* chat.c - chat.ask, chat.claim, chat.answer, chat.hide, chat.faq,
 * chat.history and faq (see chat.h). */
#include "features/chat.h"

#include <stdio.h>

#include "rpc/op_reply.h"
#include "rpc/op_sql.h"

#define CHAT_HISTORY_DEFAULT "50"

const struct param_spec chat_ask_params[] = {
	{"fair", PARAM_ID, true, 0, 0},
	{"text", PARAM_STRING, true, 1, CHAT_TEXT_MAX},
	{"product", PARAM_ID, false, 0, 0},
	{NULL, 0, false, 0, 0},
};

const struct param_spec chat_message_params[] = {
	{"fair", PARAM_ID, true, 0, 0},
	{"id", PARAM_ID, true, 0, 0},
	{NULL, 0, false, 0, 0},
};

const struct param_spec chat_answer_params[] = {
	{"fair", PARAM_ID, true, 0, 0},
	{"reply_to", PARAM_ID, true, 0, 0},
	{"text", PARAM_STRING, true, 1, CHAT_TEXT_MAX},
	{"private", PARAM_BOOL, false, 0, 0},
	{NULL, 0, false, 0, 0},
};

const struct param_spec chat_faq_mark_params[] = {
	{"fair", PARAM_ID, true, 0, 0},
	{"id", PARAM_ID, true, 0, 0},
	{"faq", PARAM_BOOL, true, 0, 0},
	{NULL, 0, false, 0, 0},
};

const struct param_spec chat_history_params[] = {
	{"fair", PARAM_ID, true, 0, 0},
	{"before", PARAM_ID, false, 0, 0},
	{"limit", PARAM_INT, false, 1, 100},
	{NULL, 0, false, 0, 0},
};

const struct param_spec chat_faq_params[] = {
	{"fair", PARAM_ID, true, 0, 0},
	{"product", PARAM_ID, false, 0, 0},
	{NULL, 0, false, 0, 0},
};

void chat_op_ask(struct op_call *call)
{
	char actor[OP_SQL_INT_TEXT], fair[OP_SQL_INT_TEXT],
		product[OP_SQL_INT_TEXT];
	const char *params[4] = {op_sql_actor(call, actor),
				 op_sql_int(call, "fair", fair),
				 op_sql_string(call, "text"),
				 op_sql_int(call, "product", product)};

	op_sql_write(call,
		     "SELECT chat_ask($1::bigint, $2::bigint, $3, $4::bigint)",
		     4, params);
}

void chat_op_claim(struct op_call *call)
{
	char actor[OP_SQL_INT_TEXT], fair[OP_SQL_INT_TEXT], id[OP_SQL_INT_TEXT];
	const char *params[3] = {op_sql_actor(call, actor),
				 op_sql_int(call, "fair", fair),
				 op_sql_int(call, "id", id)};

	op_sql_write(call,
		     "SELECT chat_claim($1::bigint, $2::bigint, $3::bigint)", 3,
		     params);
}

void chat_op_answer(struct op_call *call)
{
	char actor[OP_SQL_INT_TEXT], fair[OP_SQL_INT_TEXT],
		reply_to[OP_SQL_INT_TEXT];
	const char *params[5] = {
		op_sql_actor(call, actor), op_sql_int(call, "fair", fair),
		op_sql_int(call, "reply_to", reply_to),
		op_sql_string(call, "text"), op_sql_bool(call, "private")};

	op_sql_write(
		call,
		"SELECT chat_answer($1::bigint, $2::bigint, $3::bigint, $4, "
		"$5::boolean)",
		5, params);
}

void chat_op_hide(struct op_call *call)
{
	char actor[OP_SQL_INT_TEXT], fair[OP_SQL_INT_TEXT], id[OP_SQL_INT_TEXT];
	const char *params[3] = {op_sql_actor(call, actor),
				 op_sql_int(call, "fair", fair),
				 op_sql_int(call, "id", id)};

	op_sql_write(call,
		     "SELECT chat_hide($1::bigint, $2::bigint, $3::bigint)", 3,
		     params);
}

void chat_op_faq_mark(struct op_call *call)
{
	char actor[OP_SQL_INT_TEXT], fair[OP_SQL_INT_TEXT], id[OP_SQL_INT_TEXT];
	const char *params[4] = {
		op_sql_actor(call, actor), op_sql_int(call, "fair", fair),
		op_sql_int(call, "id", id), op_sql_bool(call, "faq")};

	op_sql_write(call,
		     "SELECT chat_faq_mark($1::bigint, $2::bigint, $3::bigint, "
		     "$4::boolean)",
		     4, params);
}

void chat_op_history(struct op_call *call)
{
	char fair[OP_SQL_INT_TEXT], dealer[OP_SQL_INT_TEXT],
		before[OP_SQL_INT_TEXT], limit[OP_SQL_INT_TEXT];
	bool staff = call->caller.role != ROLE_DEALER;
	const char *params[5] = {op_sql_int(call, "fair", fair),
				 staff ? "true" : "false", NULL,
				 op_sql_int(call, "before", before),
				 op_sql_int(call, "limit", limit)};

	if (!staff) {
		snprintf(dealer, sizeof dealer, "%lld",
			 (long long)call->caller.dealer_id);
		params[2] = dealer;
	}
	if (!params[4])
		params[4] = CHAT_HISTORY_DEFAULT;
	op_sql_read(call,
		    "SELECT chat_history($1::bigint, $2::boolean, $3::bigint, "
		    "$4::bigint, $5::int)",
		    5, params);
}

void chat_op_faq(struct op_call *call)
{
	char fair[OP_SQL_INT_TEXT], product[OP_SQL_INT_TEXT];
	const char *params[2] = {op_sql_int(call, "fair", fair),
				 op_sql_int(call, "product", product)};

	op_sql_read(call, "SELECT chat_faq($1::bigint, $2::bigint)", 2, params);
}
