/* order_processing.h - after the fair: the processing queue with its
 * automatic review, review, shipping, tracking and priorities (rep, admin),
 * and the printable order confirmation (GET /orders/<id>/print).
 *
 * Each op is one call of a SQL function (sql/functions/processing/),
 * which checks that the step follows from the order's status, keeps it in
 * the order's history and tells the dealer (order.status). The op table
 * (server/op_table.c) names the function, op_sql_handler runs it; here are
 * the parameter tables, and checks of the words a member may be, which
 * answer bad_request naming them and return false. */
#ifndef FAIR_ORDER_PROCESSING_H
#define FAIR_ORDER_PROCESSING_H

#include <stdbool.h>

#include "net/http.h"
#include "rpc/dispatch.h"

#define ORDER_PRINT_PATH_PREFIX "/orders/"

/* orders.queue {fair?, status?} -> {orders}: priority first, then oldest;
 * a write, since reading the queue runs the automatic review first. */
extern const struct param_spec orders_queue_params[];
bool orders_queue_check(struct op_call *call);

/* order.review {order, decision: approve | reject, note?} */
extern const struct param_spec order_review_params[];
bool order_review_check(struct op_call *call);

/* order.ship {order, carrier, tracking} */
extern const struct param_spec order_ship_params[];

/* order.advance {order, status: in_transit | delivered} */
extern const struct param_spec order_advance_params[];
bool order_advance_check(struct op_call *call);

/* order.priority {order, priority: normal | high | urgent} */
extern const struct param_spec order_priority_params[];
bool order_priority_check(struct op_call *call);

/* GET /orders/<id>/print: an HTML page for the order's dealer and staff. */
void order_print_http(const struct http_call *call);

#endif
