/* admin_fair.h - administration of what a fair offers (PROTOCOL.md,
 * Administration), for admins: products, fairs, items and stock, and the
 * audit log's reader (admins and managers).
 *
 * Each op is one SQL function (sql/functions/admin/) that checks the state,
 * changes the rows and writes the audit log in one transaction; these
 * handlers check what the parameter tables cannot (the members of nested
 * objects, formats) before calling it. Product pictures are uploaded over
 * HTTP (admin_image.h). */
#ifndef FAIR_ADMIN_FAIR_H
#define FAIR_ADMIN_FAIR_H

#include "rpc/dispatch.h"

/* admin.product.create {style, name, name_en?, category, description,
 * description_en?, base_price, variants: [{size, color}]} -> {product,
 * variants}; conflict when the style is taken. */
void admin_op_product_create(struct op_call *call);

/* admin.fair.create {name, season, currency, timezone, starts_at, ends_at}
 * -> {fair}; its status follows its times. */
void admin_op_fair_create(struct op_call *call);

/* admin.fair.update {fair, name?, starts_at?, ends_at?, status?} -> {fair}:
 * pause, resume, close by hand, move times; conflict once closed. */
void admin_op_fair_update(struct op_call *call);

/* admin.item.add {fair, product, price, tier_prices?, allocation, limit?,
 * moq?, pack?, must_order?, launch?} -> {item}: on sale at once unless
 * launch is false. */
void admin_op_item_add(struct op_call *call);

/* admin.stock.add {fair, variant, qty} -> {variant, allocation, sold,
 * remaining}: more allocation, or unsold allocation withdrawn. */
void admin_op_stock_add(struct op_call *call);

/* audit.list {fair?, since?, limit?} -> {entries}, newest first. */
void admin_op_audit_list(struct op_call *call);

extern const struct param_spec admin_product_create_params[];
extern const struct param_spec admin_fair_create_params[];
extern const struct param_spec admin_fair_update_params[];
extern const struct param_spec admin_item_add_params[];
extern const struct param_spec admin_stock_add_params[];
extern const struct param_spec admin_audit_list_params[];

#endif
