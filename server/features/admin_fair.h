/* admin_fair.h - administration of what a fair offers (PROTOCOL.md,
 * Administration), for admins: products, fairs, items and stock, and the
 * audit log's reader (admins and managers).
 *
 * Each op is one SQL function (sql/functions/admin/) that checks the state,
 * changes the rows and writes the audit log in one transaction, named by the
 * op's entry in the op table (server/op_table.c) and run by op_sql_handler;
 * here are the parameter tables and the checks run before the call, of what
 * the tables cannot say (the members of nested objects, formats). Each check
 * answers bad_request and returns false, or returns true. Product pictures
 * are uploaded over HTTP (admin_image.h). */
#ifndef FAIR_ADMIN_FAIR_H
#define FAIR_ADMIN_FAIR_H

#include <stdbool.h>

#include "rpc/dispatch.h"

/* admin.product.create {style, name, name_en?, category, description,
 * description_en?, base_price, variants: [{size, color}]} -> {product,
 * variants}; conflict when the style is taken. */
extern const struct param_spec admin_product_create_params[];
extern const struct param_spec admin_product_clip_remove_params[];
extern const struct param_spec admin_terms_set_params[];
bool admin_product_create_check(struct op_call *call);

/* admin.product.update {product, name?, name_en?, description?,
 * description_en?, base_price?} -> {product, variants}: at least one. */
extern const struct param_spec admin_product_update_params[];
bool admin_product_update_check(struct op_call *call);

/* admin.products.list {q?, fair?, limit?, offset?} -> {total, products}:
 * the products to put on a fair, each with its variants and, with fair,
 * whether it is offered there already. */
#define ADMIN_PRODUCTS_LIMIT "20" /* products a page when limit is absent */
extern const struct param_spec admin_products_list_params[];

/* admin.fair.create {name, season, currency, timezone, starts_at, ends_at}
 * -> {fair}; its status follows its times. */
extern const struct param_spec admin_fair_create_params[];
bool admin_fair_create_check(struct op_call *call);

/* admin.fair.update {fair, name?, starts_at?, ends_at?, status?} -> {fair}:
 * pause, resume, close by hand, move times; conflict once closed. */
extern const struct param_spec admin_fair_update_params[];
bool admin_fair_update_check(struct op_call *call);

/* admin.item.add {fair, product, price, tier_prices?, allocation, limit?,
 * moq?, pack?, must_order?, launch?} -> {item}: on sale at once unless
 * launch is false. */
extern const struct param_spec admin_item_add_params[];
bool admin_item_add_check(struct op_call *call);

/* admin.stock.add {fair, variant, qty} -> {variant, allocation, sold,
 * remaining}: more allocation, or unsold allocation withdrawn. */
extern const struct param_spec admin_stock_add_params[];
bool admin_stock_add_check(struct op_call *call);

/* audit.list {fair?, since?, limit?} -> {entries}, newest first. */
extern const struct param_spec admin_audit_list_params[];

#endif
