/* dashboard.h - the brand manager's live dashboard: dashboard.watch answers a
 * snapshot of a fair's totals (sql/functions/dashboard/: kept as orders change)
 * and subscribes the session to `totals` pushes.
 *
 * Every transaction that changes a fair's totals sends NOTIFY fair_totals;
 * each process then reads the totals once for all its watchers of that
 * fair, at most 4 times a second, and pushes one shared frame. Nothing is
 * pushed while nothing changes. Watchers that have gone are forgotten at
 * the next push. */
#ifndef FAIR_DASHBOARD_H
#define FAIR_DASHBOARD_H

#include "rpc/dispatch.h"

/* Subscribes to fair_totals. Call before the loop runs. */
void dashboard_start(void);

/* Frees the watcher lists after the lws context is gone. */
void dashboard_stop(void);

void dashboard_op_watch(struct op_call *call);
extern const struct param_spec dashboard_watch_params[];

/* dashboard.discounts: an op table entry (dashboard_discounts in
 * sql/functions/dashboard/discounts.sql) */
extern const struct param_spec dashboard_discounts_params[];

#endif
