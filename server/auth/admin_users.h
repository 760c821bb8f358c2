/* admin_users.h - admin ops for dealers and users (PROTOCOL.md,
 * Administration): admin.dealer.create, admin.dealer.update,
 * admin.dealers.list, admin.user.create, admin.user.update, admin.users.list. */
#ifndef FAIR_ADMIN_USERS_H
#define FAIR_ADMIN_USERS_H

#include <stdbool.h>

#include "rpc/dispatch.h"

/* admin.dealer.create {code?, name, region, tier, credit_limit?,
 * key_dealer?, addresses?} -> {dealer}: an entry of the op table
 * (server/op_table.c), run by op_sql_handler; the check answers bad_request
 * unless tier is a capital letter. */
extern const struct param_spec admin_dealer_create_params[];
bool admin_dealer_create_check(struct op_call *call);

/* admin.dealer.update {dealer, name?, region?, tier?, credit_limit?,
 * key_dealer?} -> {dealer}: the same; the check answers bad_request when
 * nothing is to change or the tier is not a capital letter. */
extern const struct param_spec admin_dealer_update_params[];
bool admin_dealer_update_check(struct op_call *call);

/* admin.user.create and admin.user.update: the password is hashed (or a
 * temporary one made) on the worker pool before the SQL call. */
void admin_op_user_create(struct op_call *call);
void admin_op_user_update(struct op_call *call);

extern const struct param_spec admin_user_create_params[];
extern const struct param_spec admin_user_update_params[];

/* admin.users.list {q?, role?, dealer?, limit?, offset?} and
 * admin.dealers.list {q?, limit?, offset?}: entries of the op table run by
 * op_sql_handler; the check answers bad_request for an unknown role. */
#define ADMIN_LIST_LIMIT "50" /* rows a page when limit is absent */
extern const struct param_spec admin_users_list_params[];
extern const struct param_spec admin_dealers_list_params[];
bool admin_users_list_check(struct op_call *call);

/* The login throttle's figures (config login_max_failures, login_window_s)
 * as SQL arguments, for admin.users.list's shut_out_until. */
const char *admin_login_max_failures(const struct op_call *call, char *buf);
const char *admin_login_window_s(const struct op_call *call, char *buf);

#endif
