/* addresses.c - the parameters of the ship-to address ops (addresses.h);
 * the bounds are the table's (sql/002_accounts.sql). */
#include "features/addresses.h"

const struct param_spec addresses_list_params[] = {
	{"dealer", PARAM_ID, false, 0, 0},
	{NULL, 0, false, 0, 0},
};

const struct param_spec address_save_params[] = {
	{"dealer", PARAM_ID, false, 0, 0},
	{"id", PARAM_ID, false, 0, 0},
	{"label", PARAM_STRING, false, 0, 100},
	{"recipient", PARAM_STRING, false, 1, 100},
	{"phone", PARAM_STRING, false, 0, 40},
	{"address", PARAM_STRING, false, 1, 500},
	{"default", PARAM_BOOL, false, 0, 0},
	{NULL, 0, false, 0, 0},
};

const struct param_spec address_remove_params[] = {
	{"dealer", PARAM_ID, false, 0, 0},
	{"id", PARAM_ID, true, 0, 0},
	{NULL, 0, false, 0, 0},
};
