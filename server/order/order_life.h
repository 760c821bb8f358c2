/* order_life.h - what happens to an order after it is placed, while the
 * fair is live: amend, cancel, waitlists, drafts, the dealer's own orders,
 * and order.status pushes.
 *
 * Each op is one call of a SQL function (sql/functions/order_life/), named
 * by the op's entry in the op table (server/op_table.c) and run by
 * op_sql_handler; here are the parameter tables, and for amend and
 * draft.save a check of the lines (order_lines_parse, as order.place reads
 * them) that answers bad_request and returns false. Status changes are
 * announced by NOTIFY order_status from the changing transaction; every
 * process pushes them to the sessions of the order's dealer and of the
 * staff. */
#ifndef FAIR_ORDER_LIFE_H
#define FAIR_ORDER_LIFE_H

#include <stdbool.h>

#include "rpc/dispatch.h"

/* Subscribes to order_status. Call before the loop runs. */
void order_life_start(void);

/* order.amend {order, lines}: the new lines replace the old in one step
 * (stock taken or returned by difference), with order.place's checks. */
extern const struct param_spec order_amend_params[];
bool order_amend_check(struct op_call *call);

/* order.cancel {order} -> {order}: its stock returns to the pool. */
extern const struct param_spec order_cancel_params[];

/* orders.mine {fair?} -> {orders}: the caller dealer's, newest first. */
extern const struct param_spec orders_mine_params[];

/* waitlist.join {fair, variant, qty} -> {position}; waitlist.leave {fair,
 * variant}: a dealer's place in the queue for a sold-out variant. */
extern const struct param_spec waitlist_join_params[];
extern const struct param_spec waitlist_leave_params[];

/* draft.save {fair, lines, note?} -> {updated_at}; draft.get {fair} ->
 * {lines, note, updated_at}: the order a dealer is still filling in. */
extern const struct param_spec draft_save_params[];
bool draft_save_check(struct op_call *call);
extern const struct param_spec draft_get_params[];

#endif
