/* webhooks.c - the webhook ops' parameters (see webhooks.h). The URL's
 * form, the events' names and the secret's length are checked by the
 * table's constraints (bad_request). */
#include "features/webhooks.h"

const struct param_spec webhook_subscribe_params[] = {
	{"url", PARAM_STRING, true, 8, 2000},
	{"events", PARAM_ARRAY, true, 1, 6},
	{"secret", PARAM_STRING, false, 16, 200},
	{"fair", PARAM_ID, false, 0, 0},
	{NULL, 0, false, 0, 0},
};

const struct param_spec webhook_unsubscribe_params[] = {
	{"id", PARAM_ID, true, 0, 0},
	{NULL, 0, false, 0, 0},
};

const struct param_spec webhook_list_params[] = {{NULL, 0, false, 0, 0}};
