/* import_fair.c - fairctl import DIR: a fair from fair.json, products.csv,
 * images/ and clips/, all or nothing.
 *
 * Order of work: open (and migrate) the database; read and check
 * everything (fair.json, every CSV row, every picture's header, every
 * clip's size and first bytes) and report every problem at once; then
 * convert the pictures and transcode the clips in child processes into a
 * staging folder; then one transaction creates the fair and its items, puts
 * the English names of colours and categories into the brand's glossary, the
 * staged pictures move into place, and it commits. Any failure before the
 * commit leaves the database as it was and removes the staging folder. */
#include <errno.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/timefmt.h"
#include "base/xalloc.h"
#include "fairctl/ctl.h"
#include "fairctl/ctl_db.h"
#include "fairctl/import_clips.h"
#include "fairctl/import_csv.h"
#include "fairctl/import_images.h"
#include "fairctl/import_item.h"
#include "fairctl/import_store.h"

#define CSV_MAX_BYTES (64L * 1024 * 1024)
#define MAX_ITEMS 20000

struct fair_spec {
	char name[801];
	char name_en[801]; /* "" when none is given */
	char season[401];
	char currency[4];
	char timezone[257];
	int64_t starts_ms;
	int64_t ends_ms;
};

/* A string member of fair.json: 0 when absent (dflt copied), 1 when good,
 * -1 after a problem. */
static int fair_string(json_t *root, const char *key, long min, long max,
		       const char *dflt, char *out, size_t size,
		       struct import_problems *pr)
{
	json_t *v = json_object_get(root, key);
	long n;

	if (!v) {
		if (!dflt) {
			import_problem(pr, "fair.json: \"%s\" is required",
				       key);
			return -1;
		}
		snprintf(out, size, "%s", dflt);
		return 0;
	}
	if (!json_is_string(v) ||
	    strlen(json_string_value(v)) != json_string_length(v)) {
		import_problem(pr, "fair.json: \"%s\": expected a string", key);
		return -1;
	}
	n = import_utf8_length(json_string_value(v));
	if (n < min || n > max || strlen(json_string_value(v)) >= size) {
		import_problem(pr,
			       "fair.json: \"%s\": expected %ld to %ld "
			       "characters",
			       key, min, max);
		return -1;
	}
	snprintf(out, size, "%s", json_string_value(v));
	return 1;
}

static void fair_time(json_t *root, const char *key, int64_t *ms,
		      struct import_problems *pr)
{
	json_t *v = json_object_get(root, key);

	if (!v) {
		import_problem(pr, "fair.json: \"%s\" is required", key);
	} else if (!json_is_string(v) ||
		   timefmt_parse_rfc3339(json_string_value(v), ms)) {
		import_problem(pr,
			       "fair.json: \"%s\": expected an RFC 3339 time "
			       "such as 2027-03-01T09:00:00+08:00",
			       key);
		*ms = 0;
	}
}

static int read_fair(const char *path, struct fair_spec *f,
		     struct import_problems *pr)
{
	static const char *const known[] = {"name",     "name_en",  "season",
					    "currency", "timezone", "starts_at",
					    "ends_at"};
	json_error_t jerr;
	json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	const char *key;
	json_t *value;
	size_t before = pr->count;

	if (!root) {
		/* jansson's line is -1 when the file could not be read */
		if (jerr.line < 0)
			import_problem(pr, "fair.json: %s", jerr.text);
		else
			import_problem(pr, "fair.json:%d: %s", jerr.line,
				       jerr.text);
		return -1;
	}
	if (!json_is_object(root)) {
		import_problem(pr, "fair.json: expected a JSON object");
		json_decref(root);
		return -1;
	}
	json_object_foreach(root, key, value)
	{
		bool ok = false;

		for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
			ok = ok || !strcmp(key, known[i]);
		if (!ok)
			import_problem(pr,
				       "fair.json: unknown key \"%s\" (known: "
				       "name, name_en, season, currency, "
				       "timezone, starts_at, ends_at)",
				       key);
	}
	fair_string(root, "name", 1, 200, NULL, f->name, sizeof f->name, pr);
	if (fair_string(root, "name_en", 0, 200, "", f->name_en,
			sizeof f->name_en, pr) > 0 &&
	    import_has_control(f->name_en))
		import_problem(pr, "fair.json: \"name_en\": contains a control "
				   "character");
	fair_string(root, "season", 0, 100, "", f->season, sizeof f->season,
		    pr);
	if (fair_string(root, "currency", 3, 3, "CNY", f->currency,
			sizeof f->currency, pr) > 0 &&
	    !(f->currency[0] >= 'A' && f->currency[0] <= 'Z' &&
	      f->currency[1] >= 'A' && f->currency[1] <= 'Z' &&
	      f->currency[2] >= 'A' && f->currency[2] <= 'Z'))
		import_problem(pr, "fair.json: \"currency\": expected an ISO "
				   "4217 code such as CNY");
	fair_string(root, "timezone", 1, 64, "Asia/Shanghai", f->timezone,
		    sizeof f->timezone, pr);
	fair_time(root, "starts_at", &f->starts_ms, pr);
	fair_time(root, "ends_at", &f->ends_ms, pr);
	if (pr->count == before && f->ends_ms <= f->starts_ms)
		import_problem(pr, "fair.json: \"ends_at\" must be after "
				   "\"starts_at\"");
	json_decref(root);
	return pr->count == before ? 0 : -1;
}

static char *read_whole(const char *path, size_t max, size_t *len, char *err,
			size_t errlen)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	char *data;

	if (!f) {
		snprintf(err, errlen, "%s", strerror(errno));
		return NULL;
	}
	if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode) ||
	    (size_t)st.st_size > max) {
		snprintf(err, errlen, "not a regular file of at most %zu MiB",
			 max >> 20);
		fclose(f);
		return NULL;
	}
	data = malloc((size_t)st.st_size + 1);
	if (!data ||
	    fread(data, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
		snprintf(err, errlen, "cannot be read");
		free(data);
		fclose(f);
		return NULL;
	}
	data[st.st_size] = '\0';
	*len = (size_t)st.st_size;
	fclose(f);
	return data;
}

/* Parses products.csv into items (*n of them) and the English names its
 * rows give into terms. Problems go to pr. */
static struct import_item *read_products(const char *path, size_t *n,
					 struct import_terms *terms,
					 struct import_problems *pr)
{
	struct import_csv_record rec = {0};
	struct import_header header;
	struct import_item *items = NULL;
	struct import_csv csv;
	size_t len = 0, cap = 0;
	char err[256], *data;
	int r, have_header = 0, header_ok = 0;

	*n = 0;
	data = read_whole(path, CSV_MAX_BYTES, &len, err, sizeof err);
	if (!data) {
		import_problem(pr, "products.csv: %s", err);
		return NULL;
	}
	import_csv_init(&csv, data, len);
	while ((r = import_csv_next(&csv, &rec, err, sizeof err)) != 0) {
		if (r < 0) {
			import_problem(pr, "products.csv:%d: %s", rec.line,
				       err);
			if (!have_header)
				break;
			continue;
		}
		if (!have_header) {
			have_header = 1;
			header_ok = !import_header_parse(&rec, "products.csv",
							 &header, pr);
			if (!header_ok)
				break;
			continue;
		}
		if (*n == MAX_ITEMS) {
			import_problem(pr,
				       "products.csv:%d: more than %d "
				       "products",
				       rec.line, MAX_ITEMS);
			break;
		}
		{
			struct import_item *grown =
				array_room(items, &cap, *n, sizeof *items, 64);

			if (!grown) {
				import_problem(pr,
					       "products.csv: out of memory");
				break;
			}
			items = grown;
		}
		if (import_item_parse(&header, &rec, "products.csv", &items[*n],
				      pr) == 0) {
			bool again = false;

			/* A style appears once per file; case does not count,
			 * since image keys are lower-case. */
			for (size_t i = 0; i < *n && !again; i++)
				if (!strcasecmp(items[i].style,
						items[*n].style)) {
					import_problem(
						pr,
						"products.csv:%d: style: %s "
						"appears again (first on line "
						"%d)",
						rec.line, items[*n].style,
						items[i].line);
					again = true;
				}
			if (again) {
				import_item_free(&items[*n]);
			} else {
				import_terms_add(terms, &items[*n],
						 "products.csv", pr);
				(*n)++;
			}
		}
	}
	import_csv_record_free(&rec);
	if (have_header && header_ok && *n == 0 && !pr->count)
		import_problem(pr,
			       "products.csv: no products after the header");
	if (!have_header && !pr->count)
		import_problem(pr, "products.csv: empty (expected a header row "
				   "and products)");
	free(data);
	return items;
}

static void free_items(struct import_item *items, size_t n)
{
	for (size_t i = 0; i < n; i++)
		import_item_free(&items[i]);
	free(items);
}

static void print_problems(const struct ctl_context *ctx,
			   const struct import_problems *pr)
{
	for (size_t i = 0; i < pr->count; i++)
		fprintf(stderr, "%s\n",
			i < pr->cap && pr->msgs[i] ? pr->msgs[i]
						   : "(out of memory)");
	ctl_fail(ctx, "%zu problem%s found; nothing was imported", pr->count,
		 pr->count == 1 ? "" : "s");
}

/* The database part: one transaction. Returns the new fair's id into
 * fair_id, 0 or -1 with err. Images are installed just before the commit,
 * so that a failure to move them rolls back too. */
static int store(PGconn *conn, const struct fair_spec *f,
		 const struct import_item *items, size_t n,
		 const struct import_terms *terms,
		 const struct import_images *imgs,
		 const struct import_clips *clips, const char *staging,
		 const char *media_root, char *fair_id, int *new_products,
		 char *err, size_t errlen)
{
	char starts[32], ends[32], count[24];
	PGresult *res;
	json_t *styles = json_array();
	char *styles_text;

	snprintf(starts, sizeof starts, "%lld", (long long)f->starts_ms);
	snprintf(ends, sizeof ends, "%lld", (long long)f->ends_ms);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(styles, json_string(items[i].style));
	styles_text = json_dumps(styles, JSON_COMPACT);
	json_decref(styles);
	{
		const char *p[1] = {f->timezone};

		res = ctl_db_query(conn,
				   "SELECT 1 FROM pg_timezone_names "
				   "WHERE name = $1",
				   1, p, err, errlen);
		if (!res)
			goto fail;
		if (PQntuples(res) == 0) {
			snprintf(err, errlen,
				 "fair.json: \"timezone\": \"%s\" is not a "
				 "time zone PostgreSQL knows (e.g. "
				 "Asia/Shanghai)",
				 f->timezone);
			PQclear(res);
			goto fail;
		}
		PQclear(res);
	}
	if (ctl_db_begin(conn, err, errlen))
		goto fail;
	{
		const char *p[1] = {styles_text};

		res = ctl_db_query(conn,
				   "SELECT count(*) FROM jsonb_array_elements_"
				   "text($1::jsonb) s(style) "
				   "WHERE NOT EXISTS (SELECT 1 FROM products p "
				   " WHERE p.style = s.style)",
				   1, p, err, errlen);
		if (!res)
			goto rollback;
		snprintf(count, sizeof count, "%s", PQgetvalue(res, 0, 0));
		*new_products = atoi(count);
		PQclear(res);
	}
	{
		/* The same directory imported twice would make a second fair
		 * of the same products: refused, with what to change. */
		const char *p[2] = {f->name, f->season};

		res = ctl_db_query(conn,
				   "SELECT id FROM fairs WHERE name = $1 "
				   "AND season = $2 ORDER BY id LIMIT 1",
				   2, p, err, errlen);
		if (!res)
			goto rollback;
		if (PQntuples(res) == 1) {
			snprintf(err, errlen,
				 "fair %s \"%.200s\" (season %.100s) exists "
				 "already: "
				 "to import another fair, give it another name "
				 "or season in fair.json",
				 PQgetvalue(res, 0, 0), f->name, f->season);
			PQclear(res);
			goto rollback;
		}
		PQclear(res);
	}
	{
		const char *p[7] = {f->name,     f->season, f->currency,
				    f->timezone, starts,    ends,
				    f->name_en};

		res = ctl_db_query(
			conn,
			"INSERT INTO fairs (name, season, currency, timezone, "
			" starts_at, ends_at, name_en) "
			"VALUES ($1, $2, $3, $4, "
			" to_timestamp($5::bigint / 1000.0), "
			" to_timestamp($6::bigint / 1000.0), $7) RETURNING id",
			7, p, err, errlen);
		if (!res)
			goto rollback;
		snprintf(fair_id, 24, "%s", PQgetvalue(res, 0, 0));
		PQclear(res);
	}
	if (import_store_products(conn, items, n, err, errlen) ||
	    import_store_fair_items(conn, fair_id, items, n, err, errlen) ||
	    import_store_terms(conn, terms, err, errlen))
		goto rollback;
	{
		const char *p[2] = {fair_id, f->name};

		if (ctl_db_exec(conn,
				"INSERT INTO audit_log (action, fair_id, "
				" target) "
				"VALUES ('fair.import', $1::bigint, $2)",
				2, p, err, errlen))
			goto rollback;
	}
	if (import_images_install(imgs, staging, media_root, err, errlen) ||
	    import_clips_install(clips, staging, media_root, err, errlen) ||
	    ctl_db_commit(conn, err, errlen))
		goto rollback;
	free(styles_text);
	return 0;
rollback:
	ctl_db_rollback(conn);
fail:
	free(styles_text);
	return -1;
}

int ctl_import(const struct ctl_context *ctx, int argc, char **argv)
{
	struct import_problems pr = {0};
	struct import_images imgs = {0};
	struct import_clips clips = {0};
	struct import_terms terms = {0};
	struct clip_limits clip_lim = {(int64_t)ctx->clip_max_mb * 1024 * 1024,
				       (int64_t)ctx->clip_max_s * 1000};
	struct import_item *items = NULL;
	struct fair_spec fair;
	char path[4200], staging[4200], err[1024], fair_id[24] = "";
	const char *dir;
	size_t n = 0;
	PGconn *conn = NULL;
	int rc = CTL_FAILED, new_products = 0, staged = 0;
	int64_t t0 = timefmt_mono_ms();
	struct stat st;

	if (argc != 2 || argv[1][0] == '-')
		return ctl_usage(ctx, "expected one DIR");
	dir = argv[1];
	if (stat(dir, &st) || !S_ISDIR(st.st_mode))
		return ctl_fail(ctx, "%s: not a folder", dir);

	/* The database first (migrated, reachable) so that its trouble shows
	 * before any picture is converted. */
	conn = ctl_db_open(ctx->database_url, NULL, err, sizeof err);
	if (!conn)
		return ctl_fail(ctx, "%s", err);

	memset(&fair, 0, sizeof fair);
	snprintf(path, sizeof path, "%s/fair.json", dir);
	read_fair(path, &fair, &pr);
	snprintf(path, sizeof path, "%s/products.csv", dir);
	items = read_products(path, &n, &terms, &pr);
	snprintf(path, sizeof path, "%s/images", dir);
	if (import_images_find(path, items, n, &imgs, &pr))
		import_problem(&pr, "images: %s", strerror(errno));
	snprintf(path, sizeof path, "%s/clips", dir);
	if (import_clips_find(path, items, n, &clip_lim, &clips, &pr))
		import_problem(&pr, "clips: %s", strerror(errno));
	if (pr.count) {
		print_problems(ctx, &pr);
		goto out;
	}

	/* Convert in children before touching the database. */
	snprintf(staging, sizeof staging, "%s/.import-%ld", ctx->media_root,
		 (long)getpid());
	if (imgs.count) {
		staged = 1;
		import_images_convert(&imgs, ctx->self, staging, &pr);
		if (pr.count) {
			print_problems(ctx, &pr);
			goto out;
		}
	}
	if (clips.count) {
		staged = 1;
		import_clips_convert(&clips, staging, items, &clip_lim, &pr);
		if (pr.count) {
			print_problems(ctx, &pr);
			goto out;
		}
	}
	import_images_apply(&imgs, items, n);
	import_clips_apply(&clips, items, n);
	if (store(conn, &fair, items, n, &terms, &imgs, &clips, staging,
		  ctx->media_root, fair_id, &new_products, err, sizeof err)) {
		ctl_fail(ctx, "%s; nothing was imported", err);
		goto out;
	}
	{
		long variants = 0;

		for (size_t i = 0; i < n; i++)
			variants += (long)items[i].nsizes * items[i].ncolors;
		printf("imported fair %s \"%s\": %zu products (%d new), %ld "
		       "variants, %zu pictures, %zu clips in %.1f s\n",
		       fair_id, fair.name, n, new_products, variants,
		       imgs.count, clips.count,
		       (double)(timefmt_mono_ms() - t0) / 1000.0);
	}
	rc = CTL_OK;
out:
	if (staged)
		import_images_remove_tree(staging);
	PQfinish(conn);
	import_images_free(&imgs);
	import_clips_free(&clips);
	free_items(items, n);
	import_terms_free(&terms);
	import_problems_free(&pr);
	return rc;
}
