/* catalog.c - catalog.search, and the parameters of catalog.categories,
 * catalog.terms, recommend and catalog.items (see catalog.h). The searching
 * and pricing are SQL (sql/functions/catalog/; items_json in
 * sql/functions/live/items.sql). */
#include "features/catalog.h"

#include "auth/auth.h"
#include "rpc/op_reply.h"
#include "rpc/op_sql.h"

const struct param_spec catalog_search_params[] = {
	{"fair", PARAM_ID, true, 0, 0},
	{"q", PARAM_STRING, false, 1, 100},
	{"category", PARAM_STRING, false, 1, 64},
	{"sort", PARAM_STRING, false, 1, 16},
	{"offset", PARAM_INT, false, 0, 1000000},
	{"limit", PARAM_INT, false, 1, 100},
	{"withdrawn", PARAM_BOOL, false, 0, 0},
	{NULL, 0, false, 0, 0},
};

const struct param_spec catalog_categories_params[] = {
	{"fair", PARAM_ID, true, 0, 0},
	{NULL, 0, false, 0, 0},
};

const struct param_spec catalog_terms_params[] = {
	{"fair", PARAM_ID, true, 0, 0},
	{NULL, 0, false, 0, 0},
};

const char *catalog_caller_tier(const struct op_call *call, char *buf)
{
	const struct auth_user *u = auth_session_user(call->caller.session_id);

	(void)buf;
	return u && u->role == ROLE_DEALER && u->tier[0] ? u->tier : NULL;
}

const char *catalog_caller_region(const struct op_call *call, char *buf)
{
	const struct auth_user *u = auth_session_user(call->caller.session_id);

	(void)buf;
	return u && u->role == ROLE_DEALER ? u->region : NULL;
}

void catalog_op_search(struct op_call *call)
{
	static const char *const sorts[] = {"hot",        "new",  "price_asc",
					    "price_desc", "name", NULL};
	char fair[OP_SQL_INT_TEXT], offset[OP_SQL_INT_TEXT],
		limit[OP_SQL_INT_TEXT];
	const char *params[7];

	if (!op_sql_choice(call, "sort", sorts))
		return;
	if (json_is_true(json_object_get(call->msg, "withdrawn"))) {
		/* the staff's view of the items not on sale, to launch */
		if (call->caller.role == ROLE_DEALER) {
			op_fail(call, ERR_FORBIDDEN,
				"only the staff see the items not on sale",
				NULL);
			return;
		}
		params[0] = op_sql_int(call, "fair", fair);
		params[1] = op_sql_string(call, "q");
		params[2] = op_sql_int(call, "offset", offset) ?: "0";
		params[3] = op_sql_int(call, "limit", limit) ?: "20";
		op_sql_read(call,
			    "SELECT catalog_offstage($1::bigint, $2, $3::int, "
			    "$4::int)",
			    4, params);
		return;
	}
	params[0] = op_sql_int(call, "fair", fair);
	params[1] = catalog_caller_tier(call, NULL);
	params[2] = op_sql_string(call, "q");
	params[3] = op_sql_string(call, "category");
	params[4] = op_sql_string(call, "sort");
	params[5] = op_sql_int(call, "offset", offset) ?: "0";
	params[6] = op_sql_int(call, "limit", limit) ?: "20"; /* PROTOCOL.md */
	op_sql_read(call,
		    "SELECT catalog_search($1::bigint, $2, $3, $4, $5, "
		    "$6::int, $7::int)",
		    7, params);
}

const struct param_spec catalog_recommend_params[] = {
	{"fair", PARAM_ID, true, 0, 0},
	{"limit", PARAM_INT, false, 1, 50},
	{NULL, 0, false, 0, 0},
};

const struct param_spec catalog_items_params[] = {
	{"fair", PARAM_ID, true, 0, 0},
	{"products", PARAM_ARRAY, false, 0, 100},
	{"variants", PARAM_ARRAY, false, 0, 200},
	{NULL, 0, false, 0, 0},
};
