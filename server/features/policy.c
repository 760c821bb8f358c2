/* policy.c - the policy and coupon ops' parameters (see policy.h). */
#include "features/policy.h"

const struct param_spec policy_get_params[] = {
	{"fair", PARAM_ID, true, 0, 0},
	{"dealer", PARAM_ID, false, 0, 0},
	{NULL, 0, false, 0, 0},
};

/* policy: {min_total?, early?, tiers?}; its members are checked by
 * policy_set in the database, which names what it refuses. */
const struct param_spec policy_set_params[] = {
	{"fair", PARAM_ID, true, 0, 0},
	{"policy", PARAM_OBJECT, false, 0, 8},
	{NULL, 0, false, 0, 0},
};

/* coupon: {code, name?, amount_off | percent_bp, cap?, threshold?, tier?,
 * region?, dealers?, issued, per_dealer?, valid_from?, valid_until?}, its
 * members checked by coupon_create in the database, which names what it
 * refuses. */
const struct param_spec coupon_create_params[] = {
	{"fair", PARAM_ID, true, 0, 0},
	{"coupon", PARAM_OBJECT, true, 0, 16},
	{NULL, 0, false, 0, 0},
};

const struct param_spec coupon_end_params[] = {
	{"coupon", PARAM_ID, true, 0, 0},
	{NULL, 0, false, 0, 0},
};

const struct param_spec coupon_list_params[] = {
	{"fair", PARAM_ID, true, 0, 0},
	{"dealer", PARAM_ID, false, 0, 0},
	{NULL, 0, false, 0, 0},
};

const struct param_spec points_mine_params[] = {
	{NULL, 0, false, 0, 0},
};

const struct param_spec points_redeem_params[] = {
	{"fair", PARAM_ID, true, 0, 0},
	{"points", PARAM_INT, true, 1, 100000000},
	{NULL, 0, false, 0, 0},
};

const struct param_spec points_rates_params[] = {
	{NULL, 0, false, 0, 0},
};

const struct param_spec points_rate_set_params[] = {
	{"tier", PARAM_STRING, true, 1, 1},
	{"per_100", PARAM_INT, true, 0, 10000},
	{"validity_days", PARAM_INT, false, 1, 3650},
	{NULL, 0, false, 0, 0},
};
