/* report_csv.c - GET /api/fairs/<id>/report.csv (see report_csv.h). */
#include "features/report_csv.h"

#include <errno.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/auth.h"
#include "base/csv.h"
#include "base/log.h"
#include "base/rawfd.h"
#include "base/xalloc.h"
#include "features/chart_http.h"
#include "rpc/dispatch.h"
#include "rpc/proto.h"
#include "server.h"

#define REPORTS_MAX 4              /* at once, per process */
#define CHUNK_BYTES 65536          /* handed to the loop at a time */
#define READY_HIGH_WATER (1 << 20) /* the thread waits above this */

static const char *const header[] = {
	"order",       "key",      "status",  "created_at", "updated_at",
	"dealer_code", "dealer",   "region",  "tier",       "style",
	"product",     "size",     "color",   "qty",        "unit_price",
	"amount",      "discount", "payable", "coupon",     NULL,
};

/* The lines of a fair's orders, oldest order first; every column as text
 * but the five numbers. A line's discount is its share of its order's
 * (policies and coupon), by amount in the order's own line order, as the
 * order's JSON gives it (order_lines_discounted). Read in single-row mode: libpq holds one row at a
 * time, and while the client is behind, the socket is not read and the
 * server waits. */
static const char report_sql[] =
	"SELECT id, key, status, created_at, updated_at, code, dealer, region, "
	" tier, style, product, size, color, qty, price, amount, discount, "
	" amount - discount, coupon_code "
	"FROM (SELECT o.id, o.key, o.status, rfc3339(o.created_at) AS "
	"created_at, "
	"  rfc3339(o.updated_at) AS updated_at, d.code, d.name AS dealer, "
	"  d.region, d.tier, p.style, p.name AS product, v.size, v.color, "
	"l.qty, "
	"  l.price, l.qty::bigint * l.price AS amount, o.coupon_code, "
	"  CASE WHEN o.total > 0 THEN (floor(x.d * sum(l.qty::bigint * "
	"l.price) "
	"      OVER w / o.total) - floor(x.d * (sum(l.qty::bigint * l.price) "
	"      OVER w - l.qty::bigint * l.price) / o.total))::bigint "
	"   ELSE 0 END AS discount, v.sort AS variant_sort, v.id AS variant "
	" FROM orders o JOIN order_lines l ON l.order_id = o.id "
	" JOIN dealers d ON d.id = o.dealer_id "
	" JOIN variants v ON v.id = l.variant_id "
	" JOIN products p ON p.id = v.product_id "
	" CROSS JOIN LATERAL (SELECT order_discount(o)::numeric AS d) x "
	" WHERE o.fair_id = $1::bigint "
	" WINDOW w AS (PARTITION BY o.id ORDER BY v.product_id, v.sort, v.id)) "
	"r "
	"ORDER BY id, style, color, variant_sort, variant";

struct report {
	struct report *next;
	uint64_t http_id;
	int64_t fair;
	pthread_t thread;
	bool started_stream; /* headers sent: http_stream_begin called */
	/* shared with the thread, under lock */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct strbuf ready; /* CSV made, not yet handed to the client */
	int status;          /* 0 until known: 200, 404, 503 */
	bool finished;       /* the thread is returning */
	bool failed;         /* after the headers: cut the answer */
	bool cancelled;      /* the client left, or shutdown */
	int64_t lines;
};

static struct report *reports;
static unsigned n_reports;
static int wake_pipe[2] = {-1, -1};
static struct rawfd wake_watch;

/* ---- the thread: its own connection, a cursor, CSV ---- */

static void wake_loop(void)
{
	char byte = 1;

	/* a full pipe already wakes the loop */
	if (write(wake_pipe[1], &byte, 1) < 0 && errno != EAGAIN)
		LOG(LOG_WARN, "report: cannot wake the loop: %s",
		    strerror(errno));
}

/* Hands CSV to the loop; waits while the client is behind. Returns false
 * when the report was cancelled. */
static bool hand_over(struct report *rp, struct strbuf *csv, int status)
{
	bool go_on;

	pthread_mutex_lock(&rp->lock);
	if (status)
		rp->status = status;
	strbuf_add(&rp->ready, csv->data ? csv->data : "", csv->len);
	while (!rp->cancelled && rp->ready.len > READY_HIGH_WATER)
		pthread_cond_wait(&rp->cond, &rp->lock);
	go_on = !rp->cancelled;
	pthread_mutex_unlock(&rp->lock);
	strbuf_clear(csv);
	wake_loop();
	return go_on;
}

static void csv_row(struct strbuf *csv, const PGresult *res)
{
	for (int c = 0; c < 13; c++)
		csv_text(csv, PQgetvalue(res, 0, c), c == 0);
	csv_int(csv, atoll(PQgetvalue(res, 0, 13)), false);
	csv_money(csv, atoll(PQgetvalue(res, 0, 14)), false);
	csv_money(csv, atoll(PQgetvalue(res, 0, 15)), false);
	csv_money(csv, atoll(PQgetvalue(res, 0, 16)), false);
	csv_money(csv, atoll(PQgetvalue(res, 0, 17)), false);
	csv_text(csv, PQgetvalue(res, 0, 18), false);
	csv_end_row(csv);
}

static bool exec_ok(PGconn *conn, const char *sql, int n, const char *const *v)
{
	PGresult *res = PQexecParams(conn, sql, n, NULL, v, NULL, NULL, 0);
	bool ok = PQresultStatus(res) == PGRES_COMMAND_OK ||
		  PQresultStatus(res) == PGRES_TUPLES_OK;

	if (!ok)
		LOG(LOG_WARN, "report: %s", PQresultErrorMessage(res));
	PQclear(res);
	return ok;
}

static void *report_thread(void *arg)
{
	struct report *rp = arg;
	const char *keys[] = {"application_name", "dbname", NULL};
	const char *vals[] = {"fairserver-report", srv.cfg.database_url, NULL};
	char fair[24];
	const char *params[1] = {fair};
	struct strbuf csv;
	PGconn *conn = PQconnectdbParams(keys, vals, 1);
	PGresult *res;
	int status = 503;
	bool failed = true;
	int64_t lines = 0;

	strbuf_init(&csv);
	snprintf(fair, sizeof fair, "%lld", (long long)rp->fair);
	if (PQstatus(conn) != CONNECTION_OK) {
		LOG(LOG_WARN, "report: cannot connect: %s",
		    PQerrorMessage(conn));
		goto out;
	}
	/* one consistent snapshot for the whole file */
	if (!exec_ok(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", 0,
		     NULL))
		goto out;
	res = PQexecParams(conn, "SELECT 1 FROM fairs WHERE id = $1::bigint", 1,
			   NULL, params, NULL, NULL, 0);
	status = PQresultStatus(res) != PGRES_TUPLES_OK ? 503
		 : PQntuples(res) == 0                  ? 404
							: 200;
	PQclear(res);
	if (status != 200 ||
	    !PQsendQueryParams(conn, report_sql, 1, NULL, params, NULL, NULL,
			       0) ||
	    !PQsetSingleRowMode(conn)) {
		status = status == 200 ? 503 : status;
		goto out;
	}
	strbuf_addstr(&csv, CSV_UTF8_BOM);
	for (int c = 0; header[c]; c++)
		csv_text(&csv, header[c], c == 0);
	csv_end_row(&csv);
	if (!hand_over(rp, &csv, 200))
		goto done;
	while ((res = PQgetResult(conn))) {
		ExecStatusType st = PQresultStatus(res);

		if (st == PGRES_SINGLE_TUPLE) {
			csv_row(&csv, res);
			lines++;
		} else if (st == PGRES_TUPLES_OK) {
			failed = false; /* the end of the rows */
		} else {
			LOG(LOG_WARN, "report: %s", PQresultErrorMessage(res));
		}
		PQclear(res);
		if (csv.len >= CHUNK_BYTES || (!failed && csv.len)) {
			pthread_mutex_lock(&rp->lock);
			rp->lines = lines;
			pthread_mutex_unlock(&rp->lock);
			if (!hand_over(rp, &csv, 0))
				break; /* cancelled: PQfinish drops the rest */
		}
	}
	if (!failed)
		exec_ok(conn, "COMMIT", 0, NULL);
done:
	status = 200;
out:
	pthread_mutex_lock(&rp->lock);
	if (!rp->status)
		rp->status = status;
	rp->failed = failed || rp->cancelled;
	rp->lines = lines;
	rp->finished = true;
	pthread_mutex_unlock(&rp->lock);
	strbuf_free(&csv);
	PQfinish(conn);
	wake_loop();
	return NULL;
}

/* ---- the loop: from the thread to the client ---- */

static void report_drained(uint64_t id, void *arg);

static void report_free(struct report *rp)
{
	for (struct report **p = &reports; *p; p = &(*p)->next)
		if (*p == rp) {
			*p = rp->next;
			break;
		}
	n_reports--;
	pthread_join(rp->thread, NULL); /* it has returned or is about to */
	pthread_mutex_destroy(&rp->lock);
	pthread_cond_destroy(&rp->cond);
	strbuf_free(&rp->ready);
	free(rp);
}

/* Moves what the thread made to the client while the client keeps up;
 * ends the answer when the thread is done. */
static void report_pump(struct report *rp)
{
	bool finished, failed;
	int status;
	long waiting = 0;

	pthread_mutex_lock(&rp->lock);
	status = rp->status;
	finished = rp->finished;
	failed = rp->failed;
	if (status == 200 && !rp->started_stream && !rp->cancelled) {
		char name[64];

		snprintf(name, sizeof name, "fair-%lld-orders.csv",
			 (long long)rp->fair);
		rp->started_stream = true;
		if (http_stream_begin(rp->http_id, 200,
				      "text/csv; charset=utf-8", name,
				      report_drained, NULL))
			rp->cancelled = true;
	}
	/* hand over only while the client keeps up: the drain callback
	 * comes back for more */
	if (rp->started_stream && !rp->cancelled)
		waiting = http_stream_waiting(rp->http_id);
	if (waiting < 0)
		rp->cancelled = true; /* the client left */
	else if (rp->started_stream && rp->ready.len && !rp->cancelled &&
		 waiting < HTTP_STREAM_LOW_WATER) {
		if (http_stream_write(rp->http_id, rp->ready.data,
				      rp->ready.len) < 0)
			rp->cancelled = true;
		strbuf_clear(&rp->ready);
		pthread_cond_signal(&rp->cond);
	}
	if (rp->cancelled)
		pthread_cond_signal(&rp->cond);
	pthread_mutex_unlock(&rp->lock);
	if (!finished || (rp->ready.len && !rp->cancelled))
		return; /* more to hand over first */
	if (!rp->started_stream)
		http_fail(rp->http_id,
			  status == 404 ? ERR_NOT_FOUND : ERR_UNAVAILABLE,
			  status == 404
				  ? "no such fair"
				  : "the report could not be read: retry");
	else
		http_stream_end(rp->http_id, failed || rp->cancelled);
	LOG(LOG_INFO, "report of fair %lld: %lld lines%s", (long long)rp->fair,
	    (long long)rp->lines,
	    failed          ? " (failed)"
	    : rp->cancelled ? " (client left)"
			    : "");
	report_free(rp);
}

static void report_drained(uint64_t id, void *arg)
{
	(void)arg;
	for (struct report *rp = reports; rp; rp = rp->next)
		if (rp->http_id == id) {
			report_pump(rp);
			return;
		}
}

static int on_wake(struct rawfd *w, enum rawfd_event ev)
{
	char drain[64];
	struct report *rp, *next;

	(void)w;
	if (ev != RAWFD_READABLE)
		return 0;
	while (read(wake_pipe[0], drain, sizeof drain) > 0)
		;
	for (rp = reports; rp; rp = next) {
		next = rp->next; /* report_pump may free rp */
		report_pump(rp);
	}
	return 0;
}

/* ---- the request ---- */

static void report_authorized(void *arg, struct auth_user *user, int status)
{
	struct report *rp = arg;

	if (!auth_http_allow(rp->http_id, user, status,
			     ROLE_MANAGER | ROLE_ADMIN,
			     "reports are for managers and admins")) {
		free(rp);
		return;
	}
	if (n_reports >= REPORTS_MAX || wake_pipe[0] < 0 || srv.stopping) {
		http_fail_retry(rp->http_id, ERR_UNAVAILABLE,
				"too many reports are being made: retry in a "
				"moment",
				10);
		free(rp);
		return;
	}
	pthread_mutex_init(&rp->lock, NULL);
	pthread_cond_init(&rp->cond, NULL);
	strbuf_init(&rp->ready);
	if (pthread_create(&rp->thread, NULL, report_thread, rp)) {
		pthread_mutex_destroy(&rp->lock);
		pthread_cond_destroy(&rp->cond);
		http_fail(rp->http_id, ERR_UNAVAILABLE, "retry later");
		free(rp);
		return;
	}
	rp->next = reports;
	reports = rp;
	n_reports++;
}

static void report_csv_http(const struct http_call *call, int64_t fair)
{
	struct report *rp = xcalloc(1, sizeof *rp);

	rp->http_id = call->id;
	rp->fair = fair;
	auth_http_user(call->session, report_authorized, rp);
}

void report_http(const struct http_call *call)
{
	const char *rest = call->path + strlen(FAIR_FILES_PATH_PREFIX);
	char *end;
	long long fair = strtoll(rest, &end, 10);

	bool id_ok = rest[0] >= '1' && rest[0] <= '9' && fair > 0;

	if (id_ok && !strcmp(end, "/report.csv"))
		report_csv_http(call, fair);
	else if (id_ok && !strcmp(end, "/chart.png"))
		chart_http(call, fair);
	else if (id_ok && !strcmp(end, "/share.png"))
		share_http(call, fair);
	else
		http_fail(call->id, ERR_NOT_FOUND, "no such report");
}

int report_start(void)
{
	if (pipe2(wake_pipe, O_CLOEXEC | O_NONBLOCK))
		return -1;
	wake_watch.on_event = on_wake;
	return rawfd_adopt(srv.vh, wake_pipe[0], &wake_watch);
}

void report_cancel_all(void)
{
	for (struct report *rp = reports; rp; rp = rp->next) {
		pthread_mutex_lock(&rp->lock);
		rp->cancelled = true;
		pthread_cond_signal(&rp->cond);
		pthread_mutex_unlock(&rp->lock);
	}
}

void report_stop(void)
{
	report_cancel_all();
	while (reports)
		report_free(reports);
	rawfd_release(&wake_watch);
	if (wake_pipe[1] >= 0)
		close(wake_pipe[1]);
	wake_pipe[0] = wake_pipe[1] = -1;
}
