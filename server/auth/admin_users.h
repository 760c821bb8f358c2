/* admin_users.h - admin ops for dealers and users (PROTOCOL.md,
 * Administration): admin.dealer.create, admin.user.create, admin.user.update. */
#ifndef FAIR_ADMIN_USERS_H
#define FAIR_ADMIN_USERS_H

#include "rpc/dispatch.h"

void admin_op_dealer_create(struct op_call *call);
void admin_op_user_create(struct op_call *call);
void admin_op_user_update(struct op_call *call);

extern const struct param_spec admin_dealer_create_params[];
extern const struct param_spec admin_user_create_params[];
extern const struct param_spec admin_user_update_params[];

#endif
