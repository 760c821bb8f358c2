/* chart_http.c - chart.png requests (see chart_http.h). */
#include "features/chart_http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "base/idmap.h"
#include "base/log.h"
#include "base/query.h"
#include "base/worker.h"
#include "base/xalloc.h"
#include "db/pg.h"
#include "media/chart.h"
#include "rpc/dispatch.h"
#include "rpc/proto.h"
#include "server.h"

/* The charts, and each one's name and unit in the reader's language (lang.h:
 * Simplified, Traditional, English). */
static const struct metric {
	const char *name;
	const char *title[3];
	const char *unit[3];
} metrics[] = {
	{"units_by_product",
	 {"各款订量", "各款訂量", "Units by product"},
	 {" 件", " 件", " pcs"}},
	{"amount_per_minute",
	 {"每分钟订货额", "每分鐘訂貨額", "Amount per minute"},
	 {"", "", ""}},
	{"by_region",
	 {"各区订货额", "各區訂貨額", "Amount by region"},
	 {"", "", ""}},
	{"sell_through", {"售罄率", "售罄率", "Sell-through"}, {"%", "%", "%"}},
};

struct chart_req {
	uint64_t http_id;
	bool share; /* a dealer's share card, not a chart */
	char fair[24];
	char dealer[24]; /* share: the dealer asked for ("" = the caller's) */
	char metric[24];
	const struct metric *m; /* the chart's metric (not a share card) */
	char title[512];        /* the fair's name and the metric's */
	char limit[16];
	json_t *data; /* chart_data's answer; labels point into it */
	const char **labels;
	double *values;
	struct chart chart;
	struct share_card card;
	void *png;
	int png_size;
	char why[256];
	int64_t render_user; /* holds one of this user's renders; 0: none */
};

/* user id -> renders of that user from the data query to the answer (the
 * count as the pointer's value); on the loop thread only */
static struct idmap renders_by_user;

#define RENDER_RETRY_AFTER_S 2 /* a share card is drawn in about 0.3 s */

/* Takes one of user's renders for cr; false when it has render_per_user. */
static bool render_take(struct chart_req *cr, int64_t user)
{
	uint64_t key = (uint64_t)user;
	uintptr_t n = (uintptr_t)idmap_get(&renders_by_user, key);

	if (n >= (uintptr_t)srv.cfg.render_per_user)
		return false;
	idmap_put(&renders_by_user, key, (void *)(n + 1));
	cr->render_user = user;
	return true;
}

static void render_release(struct chart_req *cr)
{
	uint64_t key = (uint64_t)cr->render_user;
	uintptr_t n;

	if (!cr->render_user)
		return;
	n = (uintptr_t)idmap_get(&renders_by_user, key);
	if (n > 1)
		idmap_put(&renders_by_user, key, (void *)(n - 1));
	else
		idmap_remove(&renders_by_user, key);
	if (!renders_by_user.count)
		idmap_free(&renders_by_user); /* nothing kept while idle */
	cr->render_user = 0;
}

static void req_free(struct chart_req *cr)
{
	render_release(cr);
	json_decref(cr->data);
	free(cr->labels);
	free(cr->values);
	chart_free(cr->png);
	free(cr);
}

static void fail(struct chart_req *cr, enum proto_error code,
		 const char *message)
{
	http_fail(cr->http_id, code, message);
	req_free(cr);
}

static void render(void *arg)
{
	struct chart_req *cr = arg;

	cr->png = cr->share ? chart_share_card(&cr->card, &cr->png_size,
					       cr->why, sizeof cr->why)
			    : chart_render(&cr->chart, &cr->png_size, cr->why,
					   sizeof cr->why);
}

static void rendered(void *arg, bool ran)
{
	struct chart_req *cr = arg;

	if (!ran) { /* it waited render_wait_max_ms, or shutdown */
		fail(cr, ERR_UNAVAILABLE, "the server is busy drawing: retry");
		return;
	}
	if (!cr->png) {
		LOG(LOG_ERROR, "chart of fair %s: %s", cr->fair, cr->why);
		fail(cr, ERR_INTERNAL, "the chart could not be drawn");
		return;
	}
	http_finish_body(cr->http_id, 200, "image/png", cr->png,
			 (size_t)cr->png_size);
	req_free(cr);
}

/* The fair's name on a picture in lang: its English name in English when it
 * has one (charts.sql's fair and fair_en). */
static const char *fair_name(const json_t *data, enum lang lang)
{
	const char *en = json_string_value(json_object_get(data, "fair_en"));

	if (lang == LANG_EN && en && *en)
		return en;
	return json_string_value(json_object_get(data, "fair")) ?: "";
}

static void data_read(void *arg, enum pg_outcome outcome, const PGresult *res)
{
	struct chart_req *cr = arg;
	json_error_t jerr;
	json_t *rows, *row;
	size_t i, n;

	if (outcome != PG_DONE || PQresultStatus(res) != PGRES_TUPLES_OK) {
		if (outcome == PG_DONE)
			LOG(LOG_ERROR, "chart data: %s",
			    PQresultErrorMessage(res));
		fail(cr, ERR_UNAVAILABLE, "the database is unavailable: retry");
		return;
	}
	if (PQgetisnull(res, 0, 0)) {
		fail(cr, ERR_NOT_FOUND,
		     cr->share ? "no such fair or dealer" : "no such fair");
		return;
	}
	cr->data = json_loads(PQgetvalue(res, 0, 0), 0, &jerr);
	rows = json_object_get(cr->data, cr->share ? "styles" : "rows");
	n = json_array_size(rows);
	cr->labels = xcalloc(n + 1, sizeof *cr->labels);
	cr->values = xcalloc(n + 1, sizeof *cr->values);
	if (!cr->data) {
		fail(cr, ERR_INTERNAL, "the chart data could not be read");
		return;
	}
	json_array_foreach(rows, i, row)
	{
		/* a share card in English names the styles in English */
		const char *en =
			cr->share && cr->card.lang == LANG_EN
				? json_string_value(json_array_get(row, 2))
				: NULL;

		cr->labels[i] =
			en ?: json_string_value(json_array_get(row, 0)) ?: "";
		cr->values[i] = json_number_value(json_array_get(row, 1));
	}
	if (cr->share) {
		json_t *d = cr->data;

		cr->card.fair = fair_name(d, cr->card.lang);
		cr->card.season =
			json_string_value(json_object_get(d, "season")) ?: "";
		cr->card.dealer =
			json_string_value(json_object_get(d, "dealer")) ?: "";
		cr->card.currency =
			json_string_value(json_object_get(d, "currency")) ?: "";
		cr->card.orders =
			json_integer_value(json_object_get(d, "orders"));
		cr->card.units =
			json_integer_value(json_object_get(d, "units"));
		cr->card.amount =
			json_integer_value(json_object_get(d, "amount"));
		cr->card.n = n;
		cr->card.styles = cr->labels;
		cr->card.units_by_style = cr->values;
		cr->card.font = srv.cfg.chart_font;
		if (worker_submit_heavy(srv.workers, render, rendered, cr))
			fail(cr, ERR_UNAVAILABLE, "the server is busy: retry");
		return;
	}
	cr->chart.kind =
		strcmp(json_string_value(json_object_get(cr->data, "kind"))
			       ?: "",
		       "line")
			? CHART_BARS
			: CHART_LINE;
	snprintf(cr->title, sizeof cr->title, "%s · %s",
		 fair_name(cr->data, cr->chart.lang),
		 cr->m->title[cr->chart.lang]);
	cr->chart.title = cr->title;
	cr->chart.unit = cr->m->unit[cr->chart.lang];
	cr->chart.n = n;
	cr->chart.labels = cr->labels;
	cr->chart.values = cr->values;
	cr->chart.font = srv.cfg.chart_font;
	if (worker_submit_heavy(srv.workers, render, rendered, cr))
		fail(cr, ERR_UNAVAILABLE, "the server is busy: retry");
}

static void authorized(void *arg, struct auth_user *user, int status)
{
	struct chart_req *cr = arg;
	const char *params[3] = {cr->fair, cr->metric, cr->limit};

	if (!auth_http_allow(cr->http_id, user, status,
			     cr->share ? ROLES_ALL : ROLE_MANAGER | ROLE_ADMIN,
			     "charts are for managers and admins")) {
		req_free(cr);
		return;
	}
	if (!render_take(cr, user->user_id)) {
		http_fail_retry(
			cr->http_id, ERR_RATE_LIMITED,
			"too many pictures being drawn for you at once: "
			"retry when one is done",
			RENDER_RETRY_AFTER_S);
		req_free(cr);
		return;
	}
	if (cr->share) {
		/* a dealer its own card; the staff a dealer's they may see
		 * (a rep limited to regions: those regions' dealers) */
		char actor[24];
		const char *share_params[3] = {actor, cr->fair, cr->dealer};

		snprintf(actor, sizeof actor, "%lld", (long long)user->user_id);

		if (user->role == ROLE_DEALER) {
			if (cr->dealer[0] &&
			    atoll(cr->dealer) != user->dealer_id) {
				fail(cr, ERR_FORBIDDEN,
				     "a dealer shares its own orders only");
				return;
			}
			snprintf(cr->dealer, sizeof cr->dealer, "%lld",
				 (long long)user->dealer_id);
		} else if (!cr->dealer[0]) {
			fail(cr, ERR_BAD_REQUEST,
			     "dealer: which dealer's card (an id)");
			return;
		}
		if (pg_query(srv.db,
			     "SELECT share_data_for($1::bigint, $2::bigint, "
			     "$3::bigint)::text",
			     3, share_params, data_read, cr))
			fail(cr, ERR_UNAVAILABLE,
			     "the database is unavailable: retry");
		return;
	}
	if (pg_query(srv.db, "SELECT chart_data($1::bigint, $2, $3::int)::text",
		     3, params, data_read, cr))
		fail(cr, ERR_UNAVAILABLE, "the database is unavailable: retry");
}

/* A whole number from min to max, or the default when absent; -1 when it
 * is not such a number. */
static int dimension(const char *query, const char *name, int dflt, int min,
		     int max)
{
	char buf[16], *end;
	long v;
	int got = query_copy(query, name, buf, sizeof buf);

	if (got <= 0)
		return got ? -1 : dflt;
	v = strtol(buf, &end, 10);
	return buf[0] >= '0' && buf[0] <= '9' && !*end && v >= min && v <= max
		       ? (int)v
		       : -1;
}

void chart_http(const struct http_call *call, int64_t fair)
{
	struct chart_req *cr = xcalloc(1, sizeof *cr);
	char message[160];

	cr->http_id = call->id;
	snprintf(cr->fair, sizeof cr->fair, "%lld", (long long)fair);
	query_copy(call->query, "metric", cr->metric, sizeof cr->metric);
	for (size_t i = 0; i < sizeof metrics / sizeof metrics[0]; i++)
		if (!strcmp(cr->metric, metrics[i].name))
			cr->m = &metrics[i];
	cr->chart.lang = lang_from_query(call->query);
	cr->chart.width = dimension(call->query, "width", CHART_DEFAULT_WIDTH,
				    CHART_MIN_WIDTH, CHART_MAX_WIDTH);
	cr->chart.height =
		dimension(call->query, "height", CHART_DEFAULT_HEIGHT,
			  CHART_MIN_HEIGHT, CHART_MAX_HEIGHT);
	if (!cr->m) {
		fail(cr, ERR_BAD_REQUEST,
		     "metric must be units_by_product, amount_per_minute, "
		     "by_region or sell_through");
		return;
	}
	if (cr->chart.width < 0 || cr->chart.height < 0) {
		snprintf(message, sizeof message,
			 "width must be %d to %d and height %d to %d pixels",
			 CHART_MIN_WIDTH, CHART_MAX_WIDTH, CHART_MIN_HEIGHT,
			 CHART_MAX_HEIGHT);
		fail(cr, ERR_BAD_REQUEST, message);
		return;
	}
	/* bars: as many as fit at about 22 pixels each, at most 30 */
	snprintf(cr->limit, sizeof cr->limit, "%d",
		 cr->chart.height / 22 < 30 ? cr->chart.height / 22 : 30);
	auth_http_user(call->session, authorized, cr);
}

void share_http(const struct http_call *call, int64_t fair)
{
	struct chart_req *cr = xcalloc(1, sizeof *cr);
	char dealer[24];
	int width, height;

	cr->http_id = call->id;
	cr->share = true;
	snprintf(cr->fair, sizeof cr->fair, "%lld", (long long)fair);
	width = dimension(call->query, "width", SHARE_DEFAULT_WIDTH,
			  CHART_MIN_WIDTH, CHART_MAX_WIDTH);
	height = dimension(call->query, "height", SHARE_DEFAULT_HEIGHT,
			   CHART_MIN_HEIGHT, CHART_MAX_HEIGHT);
	if (width < 0 || height < 0) {
		fail(cr, ERR_BAD_REQUEST, "width or height out of range");
		return;
	}
	/* one too long to be an id is left "" and refused */
	if (query_copy(call->query, "dealer", dealer, sizeof dealer)) {
		char *end;
		long long id = strtoll(dealer, &end, 10);

		if (dealer[0] < '1' || dealer[0] > '9' || *end || id <= 0) {
			fail(cr, ERR_BAD_REQUEST, "dealer: an id");
			return;
		}
		snprintf(cr->dealer, sizeof cr->dealer, "%lld", id);
	}
	cr->card.width = width;
	cr->card.height = height;
	cr->card.lang = lang_from_query(call->query);
	auth_http_user(call->session, authorized, cr);
}
