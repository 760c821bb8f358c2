/* attainment.h - order targets (訂貨指標), must-order styles (必訂款) and
 * attainment: target.set and mustorder.set (manager, admin), attainment
 * {fair} (a dealer's own), and `attainment` pushes to each dealer's sessions
 * whenever its orders, its target or the must-order styles change
 * (NOTIFY dealer_totals and fair_targets; sql/functions/targets/). The staff
 * see the ranking boards in the dashboard. */
#ifndef FAIR_ATTAINMENT_H
#define FAIR_ATTAINMENT_H

#include "rpc/dispatch.h"

/* Subscribes to the notifications. Call before the loop runs. */
void attainment_start(void);

/* Frees what is pending after the lws context is gone. */
void attainment_stop(void);

/* The ops are entries of the op table (server/op_table.c) naming their SQL
 * functions, run by op_sql_handler:
 * target.set {fair, dealer?, region?, amount, units?}: a dealer's or a
 * region's target; mustorder.set {fair, product, required}: a must-order
 * style or not; attainment {fair} -> {attainment}: the caller dealer's. */
extern const struct param_spec target_set_params[];
extern const struct param_spec mustorder_set_params[];
extern const struct param_spec attainment_params[];

#endif
