/* import_store.c - import_items into products, variants, fair_items,
 * fair_item_prices and stock, import_terms into term_names (see
 * import_store.h). */
#include "fairctl/import_store.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fairctl/ctl_db.h"

static json_t *text_or_null(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

/* Runs sql with rows (stolen) as $1 and optionally extra as $2; checks
 * that expected rows were written when expected >= 0. */
static int write_rows(PGconn *conn, const char *what, const char *sql,
		      json_t *rows, const char *extra, long expected, char *err,
		      size_t errlen)
{
	char *text = json_dumps(rows, JSON_COMPACT);
	const char *params[2] = {text, extra};
	PGresult *res;
	long written;
	int rc = 0;

	json_decref(rows);
	if (!text) {
		snprintf(err, errlen, "%s: out of memory", what);
		return -1;
	}
	res = ctl_db_query(conn, sql, extra ? 2 : 1, params, err, errlen);
	free(text);
	if (!res) {
		char why[512];

		snprintf(why, sizeof why, "%s", err);
		snprintf(err, errlen, "%s: %s", what, why);
		return -1;
	}
	written = strtol(PQcmdTuples(res), NULL, 10);
	if (expected >= 0 && written != expected) {
		snprintf(err, errlen, "%s: %ld rows written, %ld expected",
			 what, written, expected);
		rc = -1;
	}
	PQclear(res);
	return rc;
}

int import_store_products(PGconn *conn, const struct import_item *items,
			  size_t n, char *err, size_t errlen)
{
	json_t *products = json_array(), *variants = json_array();
	long nvariants = 0;

	for (size_t i = 0; i < n; i++) {
		const struct import_item *it = &items[i];

		json_array_append_new(
			products,
			json_pack("{ss ss ss ss ss ss sI so so sI si si}",
				  "style", it->style, "name", it->name,
				  "name_en", it->name_en ? it->name_en : "",
				  "category", it->category, "description",
				  it->description ? it->description : "",
				  "description_en",
				  it->description_en ? it->description_en : "",
				  "base_price", (json_int_t)it->base_price,
				  "image", text_or_null(it->image), "clip",
				  text_or_null(it->clip), "clip_ms",
				  (json_int_t)it->clip_ms, "clip_width",
				  it->clip_width, "clip_height",
				  it->clip_height));
		for (int c = 0; c < it->ncolors; c++)
			for (int s = 0; s < it->nsizes; s++) {
				json_array_append_new(
					variants,
					json_pack("{ss ss ss si so}", "style",
						  it->style, "size",
						  it->sizes[s], "color",
						  it->colors[c], "sort",
						  c * it->nsizes + s, "image",
						  text_or_null(
							  it->color_image[c])));
				nvariants++;
			}
	}
	if (write_rows(
		    conn, "products",
		    "INSERT INTO products AS p (style, name, name_en, "
		    " category, description, description_en, base_price, "
		    " image, clip, clip_ms, clip_width, clip_height) "
		    "SELECT style, name, name_en, category, description, "
		    " description_en, base_price, image, clip, "
		    " CASE WHEN clip IS NOT NULL THEN clip_ms END, "
		    " CASE WHEN clip IS NOT NULL THEN clip_width END, "
		    " CASE WHEN clip IS NOT NULL THEN clip_height END "
		    "FROM jsonb_to_recordset($1::jsonb) AS x(style text, "
		    " name text, name_en text, category text, "
		    " description text, description_en text, "
		    " base_price bigint, image text, clip text, "
		    " clip_ms int, clip_width int, clip_height int) "
		    "ON CONFLICT (style) DO UPDATE SET name = EXCLUDED.name, "
		    " name_en = EXCLUDED.name_en, "
		    " category = EXCLUDED.category, "
		    " description = EXCLUDED.description, "
		    " description_en = EXCLUDED.description_en, "
		    " base_price = EXCLUDED.base_price, "
		    " image = coalesce(EXCLUDED.image, p.image), "
		    /* a product imported without a clip keeps its own */
		    " (clip, clip_ms, clip_width, clip_height) = "
		    "  (SELECT CASE WHEN EXCLUDED.clip IS NULL "
		    "   THEN p.clip ELSE EXCLUDED.clip END, "
		    "   CASE WHEN EXCLUDED.clip IS NULL "
		    "   THEN p.clip_ms ELSE EXCLUDED.clip_ms END, "
		    "   CASE WHEN EXCLUDED.clip IS NULL "
		    "   THEN p.clip_width ELSE EXCLUDED.clip_width END, "
		    "   CASE WHEN EXCLUDED.clip IS NULL "
		    "   THEN p.clip_height ELSE EXCLUDED.clip_height END)",
		    products, NULL, (long)n, err, errlen)) {
		json_decref(variants);
		return -1;
	}
	return write_rows(conn, "variants",
			  "INSERT INTO variants AS v (product_id, size, color, "
			  " sort, image) "
			  "SELECT p.id, x.size, x.color, x.sort, x.image "
			  "FROM jsonb_to_recordset($1::jsonb) AS x(style text, "
			  " size text, color text, sort int, image text) "
			  "JOIN products p ON p.style = x.style "
			  "ON CONFLICT (product_id, size, color) DO UPDATE SET "
			  " sort = EXCLUDED.sort, "
			  " image = coalesce(EXCLUDED.image, v.image)",
			  variants, NULL, nvariants, err, errlen);
}

int import_store_fair_items(PGconn *conn, const char *fair_id,
			    const struct import_item *items, size_t n,
			    char *err, size_t errlen)
{
	json_t *rows = json_array(), *prices = json_array();
	json_t *stock = json_array();
	long nprices = 0, nstock = 0;

	for (size_t i = 0; i < n; i++) {
		const struct import_item *it = &items[i];
		char pack[1024];
		json_t *pack_json = NULL;

		if (import_item_pack_json(it, pack, sizeof pack) == 0 &&
		    pack[0])
			pack_json = json_loads(pack, 0, NULL);
		json_array_append_new(
			rows,
			json_pack("{ss sI si so so sb si}", "style", it->style,
				  "price", (json_int_t)it->price, "moq",
				  it->moq, "dealer_limit",
				  it->dealer_limit
					  ? json_integer(it->dealer_limit)
					  : json_null(),
				  "pack", pack_json ? pack_json : json_null(),
				  "must_order", it->must_order, "sort",
				  (int)i));
		for (int t = 0; t < it->ntiers; t++) {
			char tier[2] = {it->tier_prices[t].tier, '\0'};

			json_array_append_new(
				prices,
				json_pack(
					"{ss ss sI}", "style", it->style,
					"tier", tier, "price",
					(json_int_t)it->tier_prices[t].price));
			nprices++;
		}
		for (int c = 0; c < it->ncolors; c++)
			for (int s = 0; s < it->nsizes; s++) {
				json_array_append_new(
					stock,
					json_pack("{ss ss ss si}", "style",
						  it->style, "size",
						  it->sizes[s], "color",
						  it->colors[c], "allocation",
						  it->allocation[s][c]));
				nstock++;
			}
	}
	if (write_rows(
		    conn, "fair items",
		    "INSERT INTO fair_items (fair_id, product_id, price, moq, "
		    " dealer_limit, pack, must_order, sort) "
		    "SELECT $2::bigint, p.id, x.price, x.moq, "
		    " x.dealer_limit, x.pack, x.must_order, x.sort "
		    "FROM jsonb_to_recordset($1::jsonb) AS x(style text, "
		    " price bigint, moq int, dealer_limit int, pack jsonb, "
		    " must_order boolean, sort int) "
		    "JOIN products p ON p.style = x.style",
		    rows, fair_id, (long)n, err, errlen)) {
		json_decref(prices);
		json_decref(stock);
		return -1;
	}
	if (nprices &&
	    write_rows(conn, "tier prices",
		       "INSERT INTO fair_item_prices (fair_id, product_id, "
		       " tier, price) "
		       "SELECT $2::bigint, p.id, x.tier, x.price "
		       "FROM jsonb_to_recordset($1::jsonb) AS x(style text, "
		       " tier text, price bigint) "
		       "JOIN products p ON p.style = x.style",
		       prices, fair_id, nprices, err, errlen)) {
		json_decref(stock);
		return -1;
	}
	if (!nprices)
		json_decref(prices);
	return write_rows(conn, "stock",
			  "INSERT INTO stock (fair_id, product_id, variant_id, "
			  " allocation) "
			  "SELECT $2::bigint, p.id, v.id, x.allocation "
			  "FROM jsonb_to_recordset($1::jsonb) AS x(style text, "
			  " size text, color text, allocation int) "
			  "JOIN products p ON p.style = x.style "
			  "JOIN variants v ON v.product_id = p.id "
			  " AND v.size = x.size AND v.color = x.color",
			  stock, fair_id, nstock, err, errlen);
}

int import_store_terms(PGconn *conn, const struct import_terms *terms,
		       char *err, size_t errlen)
{
	/* a NULL text parameter is SQL NULL: that kind is left alone */
	char *colors =
		terms->colors ? json_dumps(terms->colors, JSON_COMPACT) : NULL;
	char *categories = terms->categories
				   ? json_dumps(terms->categories, JSON_COMPACT)
				   : NULL;
	const char *p[2] = {colors, categories};
	int rc = 0;

	if ((terms->colors && !colors) || (terms->categories && !categories)) {
		snprintf(err, errlen, "English names: out of memory");
		rc = -1;
	} else if (colors || categories) {
		rc = ctl_db_exec(conn,
				 "SELECT term_names_set(NULL, $1::jsonb, "
				 " $2::jsonb)",
				 2, p, err, errlen);
		if (rc) {
			char why[512];

			snprintf(why, sizeof why, "%s", err);
			snprintf(err, errlen, "English names: %s", why);
		}
	}
	free(colors);
	free(categories);
	return rc;
}
