/* catalog.h - the catalog ops (PROTOCOL.md, Catalog): catalog.search,
 * catalog.categories, recommend and catalog.items, each caller seeing its
 * own tier's prices and the stock remaining now. */
#ifndef FAIR_CATALOG_H
#define FAIR_CATALOG_H

#include "rpc/dispatch.h"

void catalog_op_search(struct op_call *call);
void catalog_op_categories(struct op_call *call);
void catalog_op_recommend(struct op_call *call);
void catalog_op_items(struct op_call *call);

extern const struct param_spec catalog_search_params[];
extern const struct param_spec catalog_categories_params[];
extern const struct param_spec catalog_recommend_params[];
extern const struct param_spec catalog_items_params[];

#endif
