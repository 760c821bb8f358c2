/* dealers_overview.c - the parameters and check of dealers.overview (see
 * dealers_overview.h). */
#include "features/dealers_overview.h"

#include "rpc/op_sql.h"

const struct param_spec dealers_overview_params[] = {
	{"fair", PARAM_ID, true, 0, 0},
	{"region", PARAM_STRING, false, 1, 64},
	{"online", PARAM_BOOL, false, 0, 0},
	{"sort", PARAM_STRING, false, 1, 16},
	{"limit", PARAM_INT, false, 1, 200},
	{"offset", PARAM_INT, false, 0, 1000000},
	{NULL, 0, false, 0, 0},
};

bool dealers_overview_check(struct op_call *call)
{
	static const char *const sorts[] = {"behind", "amount", "name", NULL};

	return op_sql_choice(call, "sort", sorts);
}
