/* import_store.h - writing import_items into the catalog and a fair, and
 * their English names into the glossary.
 *
 * Shared by `fairctl import` and `fairctl demo`. The caller owns the
 * transaction: these run inside it and leave it open. Each table gets one
 * statement whatever the number of items (the rows travel as one jsonb
 * parameter, unpacked by jsonb_to_recordset), so a fair of hundreds of
 * products is written in a handful of round trips. */
#ifndef FAIR_IMPORT_STORE_H
#define FAIR_IMPORT_STORE_H

#include <libpq-fe.h>
#include <stddef.h>

#include "fairctl/import_item.h"

/* Inserts or updates (by style) the products and their variants: names,
 * category, descriptions, base price, and images when the item has them
 * (an item without images keeps what the product had). Variants that
 * exist already are kept (orders may point at them). Returns 0, or -1 with
 * PostgreSQL's reason in err. */
int import_store_products(PGconn *conn, const struct import_item *items,
			  size_t n, char *err, size_t errlen);

/* Offers the items at fair fair_id (decimal text): fair_items with the
 * fair price, moq, limit, pack and must-order flag, fair_item_prices for
 * tier prices, and one stock row (the allocation) per variant. The
 * products must be stored already. Returns 0 or -1 with err set. */
int import_store_fair_items(PGconn *conn, const char *fair_id,
			    const struct import_item *items, size_t n,
			    char *err, size_t errlen);

/* Puts the English names of terms into the brand's glossary with
 * term_names_set (sql/functions/catalog/terms.sql): a name already there is
 * updated, and one audit entry without an actor (the command line) says
 * what changed. Nothing when terms holds none. Returns 0 or -1 with err. */
int import_store_terms(PGconn *conn, const struct import_terms *terms,
		       char *err, size_t errlen);

#endif
