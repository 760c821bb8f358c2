/* fairs.c - cached fair list and the fairs.list op (see fairs.h). */
#include "live/fairs.h"

#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/timefmt.h"
#include "base/xalloc.h"
#include "db/pg.h"
#include "rpc/op_reply.h"
#include "rpc/op_sql_args.h"
#include "server.h"

/* Columns shared by the cache refresh and fairs.list; times as epoch ms so
 * no text timestamp format is parsed. */
#define FAIR_COLUMNS                                            \
	"id, name, name_en, season, currency, timezone,"        \
	" floor(extract(epoch FROM starts_at) * 1000)::bigint," \
	" floor(extract(epoch FROM ends_at) * 1000)::bigint,"   \
	" coalesce(status_override, ''), fair_status(fairs),"   \
	" floor(extract(epoch FROM now()) * 1000)::bigint"
enum {
	COL_ID,
	COL_NAME,
	COL_NAME_EN,
	COL_SEASON,
	COL_CURRENCY,
	COL_TZ,
	COL_STARTS,
	COL_ENDS,
	COL_OVERRIDE,
	COL_STATUS,
	COL_DB_NOW,
	COL_MY_ORDERS, /* fairs.list for a dealer: its counted orders there */
	COL_MY_AMOUNT,
	COL_MY_PAYABLE
};

static const char sql_refresh[] =
	"SELECT " FAIR_COLUMNS " FROM fairs ORDER BY starts_at DESC, id DESC "
	"LIMIT 200";
/* $2: the caller's dealer id, or NULL for the staff (no orders of theirs) */
static const char sql_list[] =
	"SELECT " FAIR_COLUMNS ", m.orders, m.amount, m.payable FROM fairs"
	" LEFT JOIN LATERAL (SELECT count(*) AS orders,"
	"  coalesce(sum(o.total), 0) AS amount,"
	"  coalesce(sum(o.total - order_discount(o)), 0) AS payable"
	"  FROM orders o WHERE o.dealer_id = $2::bigint"
	"  AND o.fair_id = fairs.id"
	"  AND o.status NOT IN ('cancelled', 'rejected')) m ON $2 IS NOT NULL"
	" ORDER BY starts_at DESC, id DESC LIMIT $1";

struct fair_row {
	long long id;
	char *name, *name_en, *season, *currency, *timezone;
	int64_t starts_ms, ends_ms;
	char override[8]; /* "", "paused" or "closed" */
};

static struct {
	struct fair_row *rows;
	int n;
	int64_t clock_offset_ms; /* PostgreSQL's now() minus ours */
	int refreshing;          /* a refresh is in flight */
	int again;               /* another change came meanwhile */
	void (*ready_fn)(void);
} cache;

static const char *status_at(const struct fair_row *f, int64_t now_ms)
{
	if (!strcmp(f->override, "closed") || now_ms >= f->ends_ms)
		return "closed";
	if (now_ms < f->starts_ms)
		return "scheduled";
	if (!strcmp(f->override, "paused"))
		return "paused";
	return "live";
}

/* A fair as clients see it (fair_json in sql/functions/fairs/fairs.sql). */
static json_t *fair_json(const struct fair_row *f, const char *status)
{
	char starts[32], ends[32];

	return json_pack(
		"{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "id",
		(json_int_t)f->id, "name", f->name, "name_en", f->name_en,
		"season", f->season, "status", status, "starts_at",
		timefmt_rfc3339(f->starts_ms, starts, sizeof starts), "ends_at",
		timefmt_rfc3339(f->ends_ms, ends, sizeof ends), "timezone",
		f->timezone, "currency", f->currency);
}

/* Row i of a query of FAIR_COLUMNS, its texts borrowed from res. */
static struct fair_row row_of(const PGresult *res, int i)
{
	struct fair_row f = {
		.id = atoll(PQgetvalue(res, i, COL_ID)),
		.name = PQgetvalue(res, i, COL_NAME),
		.name_en = PQgetvalue(res, i, COL_NAME_EN),
		.season = PQgetvalue(res, i, COL_SEASON),
		.currency = PQgetvalue(res, i, COL_CURRENCY),
		.timezone = PQgetvalue(res, i, COL_TZ),
		.starts_ms = atoll(PQgetvalue(res, i, COL_STARTS)),
		.ends_ms = atoll(PQgetvalue(res, i, COL_ENDS)),
	};

	snprintf(f.override, sizeof f.override, "%s",
		 PQgetvalue(res, i, COL_OVERRIDE));
	return f;
}

void (*fairs_on_change)(void);

int fairs_state(int64_t fair_id, struct fair_state *out)
{
	int64_t now = timefmt_now_ms() + cache.clock_offset_ms;

	for (int i = 0; i < cache.n; i++)
		if (cache.rows[i].id == fair_id) {
			const struct fair_row *f = &cache.rows[i];

			*out = (struct fair_state){status_at(f, now),
						   f->starts_ms, f->ends_ms,
						   f->name, f->name_en};
			return 0;
		}
	return -1;
}

int64_t fairs_next_transition_in_ms(void)
{
	int64_t now = timefmt_now_ms() + cache.clock_offset_ms, next = -1;

	for (int i = 0; i < cache.n; i++) {
		const struct fair_row *f = &cache.rows[i];

		if (!strcmp(f->override, "closed"))
			continue;
		if (f->starts_ms > now && (next < 0 || f->starts_ms < next))
			next = f->starts_ms;
		if (f->ends_ms > now && (next < 0 || f->ends_ms < next))
			next = f->ends_ms;
	}
	return next < 0 ? -1 : next - now;
}

/* A new array of fair objects as the hello carries them. */
static json_t *fairs_hello_json(void)
{
	json_t *list = json_array();
	int64_t now = timefmt_now_ms() + cache.clock_offset_ms;

	for (int i = 0; i < cache.n; i++) {
		const struct fair_row *f = &cache.rows[i];

		json_array_append_new(list, fair_json(f, status_at(f, now)));
	}
	return list;
}

/* The hello's list as text: every new socket sends it, so it is kept until
 * the cache changes or a fair's status does. */
static struct {
	char *text;
	size_t len;
	int64_t until_ms; /* the next status change */
} hello;

static void hello_forget(void)
{
	free(hello.text);
	memset(&hello, 0, sizeof hello);
}

const char *fairs_hello_text(size_t *len)
{
	int64_t now = timefmt_now_ms() + cache.clock_offset_ms;

	if (!hello.text || now >= hello.until_ms) {
		json_t *list = fairs_hello_json();
		int64_t next = fairs_next_transition_in_ms();

		hello_forget();
		hello.text = json_dumps(list, JSON_COMPACT);
		hello.len = hello.text ? strlen(hello.text) : 0;
		hello.until_ms = next < 0 ? INT64_MAX : now + next;
		json_decref(list);
	}
	*len = hello.len;
	return hello.text;
}

static void rows_free(struct fair_row *rows, int n)
{
	for (int i = 0; i < n; i++) {
		free(rows[i].name);
		free(rows[i].name_en);
		free(rows[i].season);
		free(rows[i].currency);
		free(rows[i].timezone);
	}
	free(rows);
}

static void refresh_start(void);

static void refresh_done(void *arg, enum pg_outcome outcome,
			 const PGresult *res)
{
	int n;
	struct fair_row *rows;

	(void)arg;
	cache.refreshing = 0;
	if (outcome != PG_DONE || PQresultStatus(res) != PGRES_TUPLES_OK) {
		/* Kept as it was; the next LISTEN resync refreshes again. */
		LOG(LOG_WARN, "could not refresh the fair list: %s",
		    outcome == PG_DONE ? PQresultErrorMessage(res)
				       : "database unavailable");
		goto out;
	}
	n = PQntuples(res);
	rows = xcalloc((size_t)n + 1, sizeof *rows);
	for (int i = 0; i < n; i++) {
		rows[i] = row_of(res, i);
		rows[i].name = xstrdup(rows[i].name);
		rows[i].name_en = xstrdup(rows[i].name_en);
		rows[i].season = xstrdup(rows[i].season);
		rows[i].currency = xstrdup(rows[i].currency);
		rows[i].timezone = xstrdup(rows[i].timezone);
	}
	if (n)
		cache.clock_offset_ms = atoll(PQgetvalue(res, 0, COL_DB_NOW)) -
					timefmt_now_ms();
	rows_free(cache.rows, cache.n);
	cache.rows = rows;
	cache.n = n;
	hello_forget();
	LOG(LOG_DEBUG, "fair list refreshed: %d fairs", n);
	if (fairs_on_change)
		fairs_on_change();
out:
	if (cache.ready_fn) {
		void (*fn)(void) = cache.ready_fn;

		cache.ready_fn = NULL;
		fn();
	}
	if (cache.again) {
		cache.again = 0;
		refresh_start();
	}
}

static void refresh_start(void)
{
	if (cache.refreshing) {
		cache.again = 1; /* coalesce bursts of notifications */
		return;
	}
	cache.refreshing = 1;
	if (pg_query(srv.db, sql_refresh, 0, NULL, refresh_done, NULL))
		refresh_done(NULL, PG_NOT_SENT, NULL);
}

static void on_fairs_changed(void *arg, const char *channel,
			     const char *payload)
{
	(void)arg;
	(void)channel;
	(void)payload; /* NULL after a LISTEN reconnect: refresh all the same */
	refresh_start();
}

void fairs_start(void (*ready_fn)(void))
{
	cache.ready_fn = ready_fn;
	if (pg_listen(srv.db, "fairs_changed", on_fairs_changed, NULL))
		LOG(LOG_ERROR, "cannot subscribe to fairs_changed");
	refresh_start();
}

void fairs_stop(void)
{
	rows_free(cache.rows, cache.n);
	cache.rows = NULL;
	cache.n = 0;
	hello_forget();
}

const struct param_spec fairs_list_params[] = {
	{"limit", PARAM_INT, false, 1, 100},
	{NULL, 0, false, 0, 0},
};

static void list_rows(struct op_ticket *t, const PGresult *res)
{
	json_t *list = json_array();

	for (int i = 0; i < PQntuples(res); i++) {
		struct fair_row row = row_of(res, i);
		json_t *fair = fair_json(&row, PQgetvalue(res, i, COL_STATUS));

		/* a dealer's own orders at the fair, so the lobby can show
		 * what it ordered at a closed fair without a read per fair */
		if (!PQgetisnull(res, i, COL_MY_ORDERS))
			json_object_set_new(
				fair, "mine",
				json_pack("{s:I,s:I,s:I}", "orders",
					  (json_int_t)atoll(PQgetvalue(
						  res, i, COL_MY_ORDERS)),
					  "amount",
					  (json_int_t)atoll(PQgetvalue(
						  res, i, COL_MY_AMOUNT)),
					  "payable",
					  (json_int_t)atoll(PQgetvalue(
						  res, i, COL_MY_PAYABLE))));
		json_array_append_new(list, fair);
	}
	op_ticket_ok(t, json_pack("{s:o}", "fairs", list));
}

void fairs_op_list(struct op_call *call)
{
	json_t *limit = json_object_get(call->msg, "limit");
	char text[24], dealer[OP_SQL_INT_TEXT];
	const char *params[2] = {text, op_sql_dealer(call, dealer)};

	snprintf(text, sizeof text, "%lld",
		 json_is_integer(limit) ? (long long)json_integer_value(limit)
					: 50LL);
	op_read(call, sql_list, 2, params, list_rows);
}
