/* catalog.h - the catalog ops (PROTOCOL.md, Catalog): catalog.search,
 * catalog.categories, recommend and catalog.items, each caller seeing its
 * own tier's prices and the stock remaining now.
 *
 * catalog.search has a handler: it calls catalog_search, or for the staff's
 * view of the items not on sale catalog_offstage. The others are entries of
 * the op table (server/op_table.c) naming their SQL function, run by
 * op_sql_handler, with the caller's tier and region below. */
#ifndef FAIR_CATALOG_H
#define FAIR_CATALOG_H

#include "rpc/dispatch.h"

void catalog_op_search(struct op_call *call);

/* The tier whose prices the caller sees; NULL for the staff, who see the
 * item's price and every tier's. buf is unused (an op_sql_caller_fn). */
const char *catalog_caller_tier(const struct op_call *call, char *buf);

/* A dealer's region (recommendations favour what its region orders); NULL
 * for the staff. buf is unused (an op_sql_caller_fn). */
const char *catalog_caller_region(const struct op_call *call, char *buf);

extern const struct param_spec catalog_search_params[];
extern const struct param_spec catalog_categories_params[];
extern const struct param_spec catalog_terms_params[];
extern const struct param_spec catalog_recommend_params[];
extern const struct param_spec catalog_items_params[];

#endif
