/* order_processing.h - after the fair: the processing queue with its
 * automatic review, review, shipping, tracking and priorities (rep, admin),
 * and the printable order confirmation (GET /orders/<id>/print).
 *
 * Each op is one call of a SQL function (sql/functions/processing/),
 * which checks that the step follows from the order's status, keeps it in
 * the order's history and tells the dealer (order.status). */
#ifndef FAIR_ORDER_PROCESSING_H
#define FAIR_ORDER_PROCESSING_H

#include "net/http.h"
#include "rpc/dispatch.h"

#define ORDER_PRINT_PATH_PREFIX "/orders/"

void orders_op_queue(struct op_call *call);
void order_op_review(struct op_call *call);
void order_op_ship(struct op_call *call);
void order_op_advance(struct op_call *call);
void order_op_priority(struct op_call *call);

extern const struct param_spec orders_queue_params[];
extern const struct param_spec order_review_params[];
extern const struct param_spec order_ship_params[];
extern const struct param_spec order_advance_params[];
extern const struct param_spec order_priority_params[];

/* GET /orders/<id>/print: an HTML page for the order's dealer and staff. */
void order_print_http(const struct http_call *call);

#endif
