/* demo_load.c - fairctl demo: the demo brand, fairs, dealers and users.
 *
 * Fast by construction: every table is written with one statement (rows as
 * one jsonb parameter), all in one transaction; the 508 demo users share
 * one PBKDF2 hash of "demo" computed once; the product pictures are drawn
 * by a few forked workers in parallel before the transaction starts. The
 * catalogue goes through the same validation and store code as
 * `fairctl import` (import_item_parse, import_terms_add, import_store),
 * English names of its colours and categories included. */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gd.h>

#include "base/password.h"
#include "base/timefmt.h"
#include "fairctl/ctl.h"
#include "fairctl/ctl_db.h"
#include "fairctl/demo_data.h"
#include "fairctl/demo_draw.h"
#include "fairctl/import_item.h"
#include "fairctl/import_store.h"
#include "media/media_convert.h"
#include "media/media_key.h"

#define DEMO_PASSWORD "demo"
#define DEMO_LOCK_ID "7318462020" /* advisory lock: one demo load at once */
#define AUTUMN_ALLOCATION 2000
#define MAX_WORKERS 4

/* "n fairs, n users, ..." when the database has data, "" when empty. */
static int database_contents(PGconn *conn, char *what, size_t size, char *err,
			     size_t errlen)
{
	PGresult *res = ctl_db_query(conn,
				     "SELECT (SELECT count(*) FROM fairs), "
				     " (SELECT count(*) FROM users), "
				     " (SELECT count(*) FROM dealers), "
				     " (SELECT count(*) FROM products)",
				     0, NULL, err, errlen);
	long n[4];

	if (!res)
		return -1;
	for (int i = 0; i < 4; i++)
		n[i] = strtol(PQgetvalue(res, 0, i), NULL, 10);
	PQclear(res);
	what[0] = '\0';
	if (n[0] + n[1] + n[2] + n[3])
		snprintf(what, size,
			 "%ld fairs, %ld users, %ld dealers, %ld "
			 "products",
			 n[0], n[1], n[2], n[3]);
	return 0;
}

/* The English names of d's colours, in their order (Black|Navy), into out.
 * A colour demo_data.c does not know is a problem (a bug). */
static int demo_colors_en(const struct demo_product *d, char *out, size_t size,
			  struct import_problems *pr)
{
	const char *p = d->colors;
	size_t n = 0;

	out[0] = '\0';
	while (*p) {
		size_t len = strcspn(p, "|");
		char name[129];
		const struct demo_color *c;

		snprintf(name, sizeof name, "%.*s", (int)len, p);
		c = demo_color(name);
		if (strcmp(c->name, name)) {
			import_problem(pr,
				       "demo: %s: the colour %s has no "
				       "English name in demo_data.c",
				       d->style, name);
			return -1;
		}
		n += (size_t)snprintf(out + n, size - n, "%s%s", n ? "|" : "",
				      c->en);
		if (n >= size) {
			import_problem(pr, "demo: %s: too many colours",
				       d->style);
			return -1;
		}
		p += len + (p[len] == '|');
	}
	return 0;
}

/* One demo product as a products.csv row would give it, with the English
 * names of its category and colours, validated by the importer's own rules.
 * Returns 0 or -1 with the problems in pr. */
static int demo_item(const struct demo_product *d, struct import_item *it,
		     struct import_problems *pr)
{
	static const char *const header[COL_COUNT] = {
		"style",       "name",           "name_en",    "category",
		"description", "description_en", "base_price", "price",
		"tier_prices", "sizes",          "colors",     "allocation",
		"moq",         "limit",          "pack",       "must_order",
		"category_en", "colors_en",
	};
	struct import_csv_record hrec = {0}, rec = {0};
	struct import_header h;
	long long fair = (long long)d->fair_yuan * 100;
	const char *category_en = demo_category_en(d->category);
	char tiers[128] = "", base[24], price[24], alloc[24], moq[16],
	     limit[16], colors_en[IMPORT_MAX_COLORS * 32];
	int rc;

	if (!category_en) {
		import_problem(pr,
			       "demo: %s: the category %s has no English "
			       "name in demo_data.c",
			       d->style, d->category);
		return -1;
	}
	if (demo_colors_en(d, colors_en, sizeof colors_en, pr))
		return -1;

	/* tier A pays 8% less, B 4% less, C the fair price (whole yuan) */
	if (d->tiered)
		snprintf(tiers, sizeof tiers, "A:%lld|B:%lld|C:%lld",
			 (long long)(d->fair_yuan * 92 / 100) * 100,
			 (long long)(d->fair_yuan * 96 / 100) * 100, fair);
	snprintf(base, sizeof base, "%lld", (long long)d->base_yuan * 100);
	snprintf(price, sizeof price, "%lld", fair);
	snprintf(alloc, sizeof alloc, "%d", d->allocation);
	snprintf(moq, sizeof moq, "%d", d->moq ? d->moq : 1);
	snprintf(limit, sizeof limit, "%d", d->limit);
	{
		const char *v[COL_COUNT] = {
			d->style,
			d->name,
			d->name_en,
			d->category,
			d->description,
			d->description_en,
			base,
			price,
			tiers,
			d->sizes,
			d->colors,
			alloc,
			moq,
			d->limit ? limit : "",
			d->pack ? d->pack : "",
			d->must_order ? "true" : "false",
			category_en,
			colors_en,
		};

		for (int c = 0; c < COL_COUNT; c++) {
			hrec.fields[c] = strdup(header[c]);
			rec.fields[c] = strdup(v[c]);
		}
	}
	hrec.count = rec.count = COL_COUNT;
	for (int c = 0; c < COL_COUNT; c++)
		if (!hrec.fields[c] || !rec.fields[c]) {
			import_problem(pr, "demo: out of memory");
			import_csv_record_free(&hrec);
			import_csv_record_free(&rec);
			return -1;
		}
	hrec.line = 1;
	rec.line = 2;
	rc = import_header_parse(&hrec, "demo", &h, pr) ||
	     import_item_parse(&h, &rec, "demo", it, pr);
	import_csv_record_free(&hrec);
	import_csv_record_free(&rec);
	return rc ? -1 : 0;
}

/* Draws and stores every product picture, in up to MAX_WORKERS forked
 * processes (the drawing is CPU-bound and fairctl has no threads). Sets
 * the items' image keys. Returns the number of pictures, or -1. */
static int draw_all(const struct ctl_context *ctx, struct import_item *items,
		    size_t n)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int workers = cpus < 1             ? 1
		      : cpus > MAX_WORKERS ? MAX_WORKERS
					   : (int)cpus;
	pid_t pids[MAX_WORKERS];
	int jobs = 0, failed = 0;

	for (size_t i = 0; i < n; i++)
		for (int c = 0; c < items[i].ncolors; c++) {
			if (media_product_key(
				    items[i].style, items[i].color_slug[c],
				    items[i].color_image[c], MEDIA_KEY_MAX)) {
				ctl_fail(ctx, "no image key for %s",
					 items[i].style);
				return -1;
			}
			if (c == 0)
				memcpy(items[i].image, items[i].color_image[0],
				       MEDIA_KEY_MAX);
			jobs++;
		}
	fflush(stdout);
	fflush(stderr);
	for (int w = 0; w < workers; w++) {
		pids[w] = fork();
		if (pids[w] < 0) {
			workers = w;
			failed = 1;
			break;
		}
		if (pids[w] == 0) {
			int job = 0, bad = 0;

			for (size_t i = 0; i < n && !bad; i++)
				for (int c = 0; c < items[i].ncolors && !bad;
				     c++, job++) {
					char prefix[4300], err[512];
					gdImagePtr card;

					if (job % workers != w)
						continue;
					card = demo_draw_card(
						&demo_products[i],
						items[i].colors[c]);
					snprintf(prefix, sizeof prefix, "%s/%s",
						 ctx->media_root,
						 items[i].color_image[c]);
					if (!card || media_convert_write_sizes(
							     card, prefix, err,
							     sizeof err)) {
						fprintf(stderr,
							"fairctl: demo: %s: "
							"%s\n",
							prefix,
							card ? err
							     : "out of memory");
						bad = 1;
					}
					if (card)
						gdImageDestroy(card);
				}
			demo_draw_done();
			_exit(bad); /* no atexit, no libpq clean-up */
		}
	}
	for (int w = 0; w < workers; w++) {
		int status = 0;
		pid_t r;

		while ((r = waitpid(pids[w], &status, 0)) < 0 && errno == EINTR)
			;
		if (r < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
			failed = 1;
	}
	if (failed) {
		ctl_fail(ctx, "drawing the product pictures failed");
		return -1;
	}
	return jobs;
}

static int write_json(PGconn *conn, const char *sql, json_t *rows,
		      const char *extra, char *err, size_t errlen)
{
	char *text = json_dumps(rows, JSON_COMPACT);
	const char *p[2] = {text, extra};
	int rc;

	json_decref(rows);
	if (!text) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	rc = ctl_db_exec(conn, sql, extra ? 2 : 1, p, err, errlen);
	free(text);
	return rc;
}

static int dealers_and_users(PGconn *conn, const char *hash, char *err,
			     size_t errlen)
{
	json_t *dealers = json_array(), *users = json_array();

	for (int i = 1; i <= DEMO_DEALERS; i++) {
		struct demo_dealer d;
		char login[16];

		demo_dealer(i, &d);
		json_array_append_new(
			dealers,
			json_pack("{ss ss ss ss sI sb ss ss ss}", "code",
				  d.code, "name", d.name, "region", d.region,
				  "tier", (char[2]){d.tier, '\0'}, "credit",
				  (json_int_t)d.credit, "key", d.key_dealer,
				  "recipient", d.recipient, "phone", d.phone,
				  "address", d.address));
		snprintf(login, sizeof login, "dealer%03d", i);
		json_array_append_new(users,
				      json_pack("{ss ss ss ss}", "login", login,
						"name", d.recipient, "role",
						"dealer", "dealer", d.code));
	}
	for (size_t i = 0; i < demo_staff_count; i++)
		json_array_append_new(users,
				      json_pack("{ss ss ss sn}", "login",
						demo_staff[i].login, "name",
						demo_staff[i].name, "role",
						demo_staff[i].role, "dealer"));
	if (write_json(conn,
		       "WITH x AS (SELECT * FROM jsonb_to_recordset($1::jsonb) "
		       "  AS x(code text, name text, region text, tier text, "
		       "  credit bigint, key boolean, recipient text, "
		       "  phone text, address text)), "
		       "d AS (INSERT INTO dealers (code, name, region, tier, "
		       "  credit_limit, key_dealer) "
		       " SELECT code, name, region, tier, credit, key FROM x "
		       " RETURNING id, code) "
		       "INSERT INTO dealer_addresses (dealer_id, label, "
		       " recipient, phone, address, is_default) "
		       "SELECT d.id, '总店', x.recipient, x.phone, x.address, "
		       " true FROM x JOIN d ON d.code = x.code",
		       dealers, NULL, err, errlen))
		return -1;
	/* The shared hash: the demo's users all have the password "demo". */
	return write_json(conn,
			  "INSERT INTO users (login, name, role, dealer_id, "
			  " password_hash, must_change_password) "
			  "SELECT x.login, coalesce(d.name || ' ' || x.name, "
			  "  x.name), x.role, d.id, $2, false "
			  "FROM jsonb_to_recordset($1::jsonb) AS x(login text, "
			  " name text, role text, dealer text) "
			  "LEFT JOIN dealers d ON d.code = x.dealer",
			  users, hash, err, errlen);
}

static int regions_and_targets(PGconn *conn, const char *live_fair, char *err,
			       size_t errlen)
{
	json_t *warehouses = json_array(), *targets = json_array();

	for (int r = 0; r < DEMO_REGIONS; r++) {
		json_array_append_new(warehouses,
				      json_pack("{ss ss}", "region",
						demo_regions[r], "warehouse",
						demo_region_warehouses[r]));
		/* ¥8,000,000 to ¥14,000,000 a region */
		json_array_append_new(
			targets,
			json_pack("{sn ss sI si}", "dealer", "region",
				  demo_regions[r], "amount",
				  (json_int_t)(800000000LL + 100000000LL * r),
				  "units", 20000 + 2500 * r));
	}
	/* every fourth dealer has a target: ¥150,000 to ¥350,000, key
	 * dealers ¥600,000 */
	for (int i = 1; i <= DEMO_DEALERS; i += 4) {
		struct demo_dealer d;
		long long amount;

		demo_dealer(i, &d);
		amount = d.key_dealer ? 60000000LL
				      : 15000000LL + 5000000LL * (i % 5);
		json_array_append_new(targets,
				      json_pack("{ss sn sI si}", "dealer",
						d.code, "region", "amount",
						(json_int_t)amount, "units",
						(int)(amount / 40000)));
	}
	if (write_json(conn,
		       "INSERT INTO region_warehouses (region, warehouse) "
		       "SELECT region, warehouse FROM jsonb_to_recordset("
		       " $1::jsonb) AS x(region text, warehouse text)",
		       warehouses, NULL, err, errlen))
		return -1;
	return write_json(
		conn,
		"INSERT INTO targets (fair_id, dealer_id, region, "
		" amount, units) "
		"SELECT $2::bigint, d.id, x.region, x.amount, x.units "
		"FROM jsonb_to_recordset($1::jsonb) AS x(dealer text, "
		" region text, amount bigint, units int) "
		"LEFT JOIN dealers d ON d.code = x.dealer",
		targets, live_fair, err, errlen);
}

static int insert_fair(PGconn *conn, const char *sql, char *id, char *err,
		       size_t errlen)
{
	PGresult *res = ctl_db_query(conn, sql, 0, NULL, err, errlen);

	if (!res)
		return -1;
	snprintf(id, 24, "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	return 0;
}

#define DEMO_ORDERS 700 /* placed over the fair's first hour */
#define DEMO_BATCH 250

/* The next of a small deterministic sequence (the same history each load). */
static uint32_t demo_next(uint32_t *state)
{
	*state = *state * 1103515245u + 12345u;
	return *state >> 8;
}

/* A history of orders at the live fair, placed through order_place_batch as
 * the server places them (stock, limits, credit, totals, all checked), then
 * spread over the hour since the fair opened: the dashboard, the report and
 * the charts have something to show. Popular styles sell more (the first
 * products are drawn more often); some orders are refused (a limit, the
 * credit), as at a real fair. */
static int demo_history(PGconn *conn, const char *live, char *err,
			size_t errlen)
{
	/* the plain items, in the fair's order: [{moq, variants: [ids]}] */
	PGresult *items = ctl_db_query(
		conn,
		"SELECT coalesce(json_agg(json_build_object('moq', x.moq, "
		" 'variants', x.variants) ORDER BY x.sort, x.product_id), "
		" '[]')::text "
		"FROM (SELECT i.product_id, i.sort, i.moq, "
		"  json_agg(s.variant_id ORDER BY s.variant_id) AS variants "
		"  FROM fair_items i JOIN stock s ON s.fair_id = i.fair_id "
		"   AND s.product_id = i.product_id "
		"  WHERE i.fair_id = $1::bigint AND i.pack IS NULL "
		"   AND NOT i.withdrawn "
		"  GROUP BY i.product_id, i.sort, i.moq) x",
		1, (const char *[]){live}, err, errlen);
	PGresult *buyers = NULL;
	json_t *batch = NULL, *catalog = NULL;
	uint32_t seed = 2027;
	int rc = -1, nitems, nbuyers;

	if (!items)
		return -1;
	catalog = json_loads(PQgetvalue(items, 0, 0), 0, NULL);
	buyers = ctl_db_query(conn,
			      "SELECT d.id, u.id FROM dealers d JOIN users u "
			      " ON u.dealer_id = d.id ORDER BY d.id",
			      0, NULL, err, errlen);
	if (!buyers)
		goto out;
	nitems = (int)json_array_size(catalog);
	nbuyers = PQntuples(buyers);
	if (!nitems || !nbuyers) {
		rc = 0;
		goto out;
	}
	for (int n = 1; n <= DEMO_ORDERS; n++) {
		/* the square favours the first (hero) styles */
		uint32_t r = demo_next(&seed) % 1000;
		int item = (int)((uint64_t)r * r * (uint64_t)nitems / 1000000u);
		int buyer = (int)(demo_next(&seed) % (uint32_t)nbuyers);
		json_t *entry = json_array_get(catalog, (size_t)item);
		int moq =
			(int)json_integer_value(json_object_get(entry, "moq"));
		json_t *variants = json_object_get(entry, "variants");
		size_t nvariants = json_array_size(variants);
		size_t nlines = 1 + demo_next(&seed) % 3;
		size_t first = demo_next(&seed) % (nvariants ? nvariants : 1);
		json_t *lines = json_array();
		char key[24];

		if (nlines > nvariants)
			nlines = nvariants;
		for (size_t l = 0; l < nlines; l++) {
			int qty = (moq + (int)nlines - 1) / (int)nlines +
				  (int)(demo_next(&seed) % 6);

			json_array_append_new(
				lines,
				json_pack(
					"{sO si}", "variant",
					json_array_get(variants,
						       (first + l) % nvariants),
					"qty", qty));
		}
		snprintf(key, sizeof key, "demo-%d", n);
		if (!batch)
			batch = json_array();
		json_array_append_new(
			batch,
			json_pack(
				"{sI sI sI ss so sb}", "fair",
				(json_int_t)atoll(live), "dealer",
				(json_int_t)atoll(PQgetvalue(buyers, buyer, 0)),
				"actor",
				(json_int_t)atoll(PQgetvalue(buyers, buyer, 1)),
				"key", key, "lines", lines, "partial", false));
		if (json_array_size(batch) == DEMO_BATCH || n == DEMO_ORDERS) {
			if (write_json(conn,
				       "SELECT order_place_batch($1::jsonb)",
				       batch, NULL, err, errlen))
				goto out;
			batch = NULL;
		}
	}
	/* Placed just now; as if over the hour since the fair opened, in key
	 * order, and the per-minute totals (the amount_per_minute chart)
	 * counted again from the orders. */
	rc = ctl_db_exec(
		conn,
		"WITH o AS (SELECT id, now() - interval '58 minutes' + "
		"  interval '57 minutes' * (row_number() OVER (ORDER BY id) - "
		"1) "
		"  / count(*) OVER () AS at FROM orders "
		"  WHERE fair_id = $1::bigint AND key LIKE 'demo-%'), "
		"h AS (UPDATE order_history h SET at = o.at FROM o "
		"  WHERE h.order_id = o.id) "
		"UPDATE orders SET created_at = o.at, updated_at = o.at "
		"FROM o WHERE orders.id = o.id",
		1, (const char *[]){live}, err, errlen);
	if (!rc)
		rc = ctl_db_exec(conn,
				 "DELETE FROM fair_minute_totals "
				 "WHERE fair_id = $1::bigint",
				 1, (const char *[]){live}, err, errlen);
	if (!rc)
		rc = ctl_db_exec(
			conn,
			"INSERT INTO fair_minute_totals (fair_id, minute, "
			" orders, amount) "
			"SELECT fair_id, date_trunc('minute', created_at), "
			" count(*), sum(total) FROM orders "
			"WHERE fair_id = $1::bigint "
			" AND status NOT IN ('cancelled', 'rejected') "
			"GROUP BY 1, 2",
			1, (const char *[]){live}, err, errlen);
out:
	json_decref(batch);
	json_decref(catalog);
	PQclear(buyers);
	PQclear(items);
	return rc;
}

/* Everything in one transaction; skipped (1) when someone else filled the
 * database meanwhile. Returns 0, 1, or -1 with err. */
static int load(PGconn *conn, struct import_item *items, size_t n,
		const struct import_terms *terms, const char *hash, char *what,
		size_t what_size, char *err, size_t errlen)
{
	struct import_item *autumn = calloc(n, sizeof *autumn);
	char live[24], later[24];
	size_t na = 0;

	if (!autumn) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		if (demo_products[i].autumn) {
			autumn[na] = items[i]; /* shares the strings */
			for (int s = 0; s < autumn[na].nsizes; s++)
				for (int c = 0; c < autumn[na].ncolors; c++)
					autumn[na].allocation[s][c] =
						AUTUMN_ALLOCATION;
			na++;
		}
	if (ctl_db_begin(conn, err, errlen) ||
	    ctl_db_exec(conn, "SELECT pg_advisory_xact_lock(" DEMO_LOCK_ID ")",
			0, NULL, err, errlen) ||
	    database_contents(conn, what, what_size, err, errlen))
		goto fail;
	if (what[0]) {
		ctl_db_rollback(conn);
		free(autumn);
		return 1;
	}
	if (insert_fair(
		    conn,
		    "INSERT INTO fairs (name, name_en, season, currency, "
		    " timezone, starts_at, ends_at) VALUES "
		    " ('青禾 2027 春夏网络订货会', "
		    " 'Qinghe 2027 Spring/Summer Online Trade Fair', "
		    " '2027SS', 'CNY', 'Asia/Shanghai', "
		    " now() - interval '1 hour', now() + interval '3 days') "
		    "RETURNING id",
		    live, err, errlen) ||
	    insert_fair(conn,
			"INSERT INTO fairs (name, name_en, season, currency, "
			" timezone, starts_at, ends_at) VALUES "
			" ('青禾 2027 秋冬网络订货会', "
			" 'Qinghe 2027 Autumn/Winter Online Trade Fair', "
			" '2027AW', 'CNY', 'Asia/Shanghai', "
			" now() + interval '30 days', "
			" now() + interval '33 days') RETURNING id",
			later, err, errlen) ||
	    import_store_products(conn, items, n, err, errlen) ||
	    import_store_fair_items(conn, live, items, n, err, errlen) ||
	    import_store_fair_items(conn, later, autumn, na, err, errlen) ||
	    import_store_terms(conn, terms, err, errlen) ||
	    dealers_and_users(conn, hash, err, errlen) ||
	    regions_and_targets(conn, live, err, errlen) ||
	    demo_history(conn, live, err, errlen) ||
	    ctl_db_exec(conn,
			"INSERT INTO audit_log (action, target) "
			"VALUES ('demo.load', 'demo')",
			0, NULL, err, errlen) ||
	    ctl_db_commit(conn, err, errlen))
		goto fail;
	free(autumn);
	return 0;
fail:
	ctl_db_rollback(conn);
	free(autumn);
	return -1;
}

int ctl_demo(const struct ctl_context *ctx, int argc, char **argv)
{
	static const struct option options[] = {
		{"if-empty", no_argument, NULL, 'e'},
		{NULL, 0, NULL, 0},
	};
	struct import_problems pr = {0};
	struct import_terms terms = {0};
	struct import_item *items = NULL;
	char err[1024], what[200], hash[PASSWORD_HASH_MAX];
	int64_t t0 = timefmt_mono_ms();
	bool if_empty = false;
	PGconn *conn = NULL;
	size_t n = 0;
	int opt, rc = CTL_FAILED, pictures, loaded;

	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		if (opt != 'e')
			return ctl_usage(ctx, "unknown option");
		if_empty = true;
	}
	if (optind < argc)
		return ctl_usage(ctx, "unexpected argument \"%s\"",
				 argv[optind]);
	conn = ctl_db_open(ctx->database_url, NULL, err, sizeof err);
	if (!conn)
		return ctl_fail(ctx, "%s", err);
	if (database_contents(conn, what, sizeof what, err, sizeof err)) {
		ctl_fail(ctx, "%s", err);
		goto out;
	}
	if (what[0])
		goto not_empty;

	items = calloc(demo_product_count, sizeof *items);
	if (!items) {
		ctl_fail(ctx, "out of memory");
		goto out;
	}
	for (n = 0; n < demo_product_count && !pr.count; n++) {
		if (demo_item(&demo_products[n], &items[n], &pr))
			break;
		import_terms_add(&terms, &items[n], "demo", &pr);
	}
	if (pr.count) {
		for (size_t i = 0; i < pr.count; i++)
			fprintf(stderr, "%s\n", pr.msgs[i]);
		ctl_fail(ctx, "the demo catalogue is invalid (a bug)");
		goto out;
	}
	if (password_hash(DEMO_PASSWORD, PASSWORD_ITERATIONS, hash,
			  sizeof hash)) {
		ctl_fail(ctx, "hashing the demo password failed");
		goto out;
	}
	pictures = draw_all(ctx, items, n);
	if (pictures < 0)
		goto out;
	loaded = load(conn, items, n, &terms, hash, what, sizeof what, err,
		      sizeof err);
	if (loaded < 0) {
		ctl_fail(ctx, "%s; nothing was loaded", err);
		goto out;
	}
	if (loaded > 0)
		goto not_empty;
	{
		long variants = 0;

		for (size_t i = 0; i < n; i++)
			variants += (long)items[i].nsizes * items[i].ncolors;
		printf("demo loaded in %.1f s: 2 fairs (one live), %zu "
		       "products, %ld variants, %d pictures in %s, %d "
		       "dealers, %d users (password \"%s\")\n",
		       (double)(timefmt_mono_ms() - t0) / 1000.0, n, variants,
		       pictures, ctx->media_root, DEMO_DEALERS,
		       DEMO_DEALERS + (int)demo_staff_count, DEMO_PASSWORD);
	}
	rc = CTL_OK;
	goto out;
not_empty:
	if (if_empty) {
		printf("demo skipped: the database already has data (%s)\n",
		       what);
		rc = CTL_OK;
	} else {
		ctl_fail(ctx,
			 "the database already has data (%s); the demo loads "
			 "only into an empty database",
			 what);
	}
out:
	for (size_t i = 0; items && i < n; i++)
		import_item_free(&items[i]);
	free(items);
	import_terms_free(&terms);
	import_problems_free(&pr);
	PQfinish(conn);
	return rc;
}
