/* dealers_overview.c - dealers.overview (see dealers_overview.h). */
#include "features/dealers_overview.h"

#include "rpc/op_sql.h"

#define OVERVIEW_LIMIT "50" /* dealers a page when limit is absent */

const struct param_spec dealers_overview_params[] = {
	{"fair", PARAM_ID, true, 0, 0},
	{"region", PARAM_STRING, false, 1, 64},
	{"online", PARAM_BOOL, false, 0, 0},
	{"sort", PARAM_STRING, false, 1, 16},
	{"limit", PARAM_INT, false, 1, 200},
	{"offset", PARAM_INT, false, 0, 1000000},
	{NULL, 0, false, 0, 0},
};

/* The caller is passed as the actor: the SQL function leaves out the
 * dealers outside a rep's regions (users.regions). */
void dealers_op_overview(struct op_call *call)
{
	static const char *const sorts[] = {"behind", "amount", "name", NULL};
	char actor[OP_SQL_INT_TEXT], fair[OP_SQL_INT_TEXT],
		limit[OP_SQL_INT_TEXT], offset[OP_SQL_INT_TEXT];
	const char *params[7];

	if (!op_sql_choice(call, "sort", sorts))
		return;
	params[0] = op_sql_actor(call, actor);
	params[1] = op_sql_int(call, "fair", fair);
	params[2] = op_sql_string(call, "region");
	params[3] = op_sql_bool(call, "online");
	params[4] = op_sql_string(call, "sort");
	params[5] = op_sql_int(call, "limit", limit) ?: OVERVIEW_LIMIT;
	params[6] = op_sql_int(call, "offset", offset) ?: "0";
	op_sql_read(call,
		    "SELECT dealers_overview($1::bigint, $2::bigint, $3, "
		    "$4::boolean, $5, $6::integer, $7::integer)",
		    7, params);
}
