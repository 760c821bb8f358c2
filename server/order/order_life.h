/* order_life.h - what happens to an order after it is placed, while the
 * fair is live: amend, cancel, waitlists, drafts, the dealer's own orders,
 * and order.status pushes.
 *
 * Each op is one call of a SQL function (sql/functions/order_life/) through
 * op_sql. Status changes are announced by NOTIFY order_status from the
 * changing transaction; every process pushes them to the sessions of the
 * order's dealer and of the staff. */
#ifndef FAIR_ORDER_LIFE_H
#define FAIR_ORDER_LIFE_H

#include "rpc/dispatch.h"

/* Subscribes to order_status. Call before the loop runs. */
void order_life_start(void);

void order_op_amend(struct op_call *call);
void order_op_cancel(struct op_call *call);
void orders_op_mine(struct op_call *call);
void waitlist_op_join(struct op_call *call);
void waitlist_op_leave(struct op_call *call);
void draft_op_save(struct op_call *call);
void draft_op_get(struct op_call *call);

extern const struct param_spec order_amend_params[];
extern const struct param_spec order_cancel_params[];
extern const struct param_spec orders_mine_params[];
extern const struct param_spec waitlist_join_params[];
extern const struct param_spec waitlist_leave_params[];
extern const struct param_spec draft_save_params[];
extern const struct param_spec draft_get_params[];

#endif
