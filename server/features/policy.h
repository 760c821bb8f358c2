/* policy.h - a fair's ordering policies (訂貨政策, issue 25): discounts by a
 * dealer's total at the fair, the early-bird discount and the minimum total;
 * and its coupons (優惠券). The database applies them in the transaction that
 * changes a dealer's total or places the order (sql/functions/policies/,
 * sql/functions/coupons/); here are only the ops' parameters.
 *
 * The ops are entries of the op table (server/op_table.c) naming their SQL
 * functions, run by op_sql_handler:
 * policy.get {fair, dealer?} -> {policy, mine}: the fair's policies and
 * where a dealer stands (a dealer's own; the staff name one);
 * policy.set {fair, policy?} -> {policy} (manager, admin): replaces them, or
 * removes them without policy;
 * coupon.create {fair, coupon} -> {coupon} and coupon.end {coupon} ->
 * {coupon} (manager, admin); coupon.list {fair} -> {coupons}: every coupon
 * with its figures for the staff, those a dealer may use now for a dealer;
 * points.mine {} -> {balance, ...} and points.redeem {fair, points} ->
 * {coupon, balance} (a dealer's own); points.rates {} (everyone) and
 * points.rates.set {tier, per_100, validity_days?} (manager, admin). */
#ifndef FAIR_POLICY_H
#define FAIR_POLICY_H

#include "rpc/dispatch.h"

extern const struct param_spec policy_get_params[];
extern const struct param_spec policy_set_params[];
extern const struct param_spec coupon_create_params[];
extern const struct param_spec coupon_end_params[];
extern const struct param_spec coupon_list_params[];
extern const struct param_spec points_mine_params[];
extern const struct param_spec points_redeem_params[];
extern const struct param_spec points_rates_params[];
extern const struct param_spec points_rate_set_params[];

#endif
