/* policy.c - the policy ops' parameters (see policy.h). */
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
