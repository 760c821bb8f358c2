/* metrics.c - /metrics' Prometheus text, from every folder's counters.
 *
 * net/http.c serves /metrics (to loopback only) but reads no folder above
 * it: the counters of the sessions, the pool, the workers, the join gate and
 * the order intake are gathered here, at the root, as routes.c wires the
 * routes. A new counter is a line below. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

#include "base/worker.h"
#include "db/pg.h"
#include "features/outbox.h"
#include "live/fair_room.h"
#include "net/http.h"
#include "net/ws_session.h"
#include "order/order_intake.h"
#include "order/stock_seed.h"
#include "rpc/proto.h"
#include "server.h"

/* The text so far; what does not fit is left out. */
struct textbuf {
	char *data;
	size_t size, len;
};

static void __attribute__((format(printf, 2, 3)))
tb_printf(struct textbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->len >= b->size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->data + b->len, b->size - b->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		b->len += (size_t)n;
	if (b->len > b->size)
		b->len = b->size;
}

static void metric(struct textbuf *b, const char *name, const char *type,
		   const char *help, unsigned long long value)
{
	tb_printf(b, "# HELP %s %s\n# TYPE %s %s\n%s %llu\n", name, help, name,
		  type, name, value);
}

/* A counter with one value per outbox channel. */
static void by_channel(struct textbuf *b, const char *name, const char *help,
		       const uint64_t value[2])
{
	tb_printf(b,
		  "# HELP %s %s\n# TYPE %s counter\n%s{channel=\"email\"} "
		  "%llu\n%s{channel=\"webhook\"} %llu\n",
		  name, help, name, name, (unsigned long long)value[0], name,
		  (unsigned long long)value[1]);
}

/* The outbox sender's counters. */
static void outbox_metrics(struct textbuf *b)
{
	struct outbox_stats o;

	outbox_stats_read(&o);
	by_channel(b, "fair_outbox_sent_total", "mails and webhook calls sent",
		   o.sent);
	by_channel(b, "fair_outbox_failed_total",
		   "attempts that failed (tried again later, or given up)",
		   o.failed);
	by_channel(b, "fair_outbox_dead_total", "mails and calls given up",
		   o.dead);
	metric(b, "fair_outbox_pruned_total", "counter",
	       "finished outbox rows this process deleted (outbox_keep_days)",
	       o.pruned);
	if (o.pending >= 0)
		metric(b, "fair_outbox_pending", "gauge",
		       "mails and calls waiting to be sent (every process's)",
		       (unsigned long long)o.pending);
}

size_t http_metrics_text(char *out, size_t size)
{
	struct textbuf text = {.data = out, .size = size, .len = 0}, *b = &text;
	struct pg_stats pg;
	struct ws_stats ws;
	struct order_intake_stats orders;
	uint64_t seeds_asked, seeds_kept;
	unsigned long long joins_read, joins_kept;

	pg_pool_stats(srv.db, &pg);
	ws_session_stats(&ws);
	metric(b, "fair_ws_sessions", "gauge", "open WebSocket sessions",
	       ws_session_count());
	metric(b, "fair_ws_sessions_opened_total", "counter",
	       "WebSocket sessions opened", ws.opened);
	metric(b, "fair_ws_requests_total", "counter",
	       "requests dispatched to an op", ws.requests);
	tb_printf(b, "# HELP fair_ws_errors_total error replies by code\n"
		     "# TYPE fair_ws_errors_total counter\n");
	for (int e = 0; e < ERR__COUNT; e++)
		tb_printf(b, "fair_ws_errors_total{code=\"%s\"} %llu\n",
			  proto_error_code(e), proto_error_count(e));
	metric(b, "fair_ws_closed_bad_total", "counter",
	       "sessions closed for too many bad messages", ws.closed_bad);
	metric(b, "fair_ws_closed_slow_total", "counter",
	       "sessions closed for not reading their pushes", ws.closed_slow);
	metric(b, "fair_ws_closed_too_many_total", "counter",
	       "sessions closed (4429) over the per-user or per-address cap",
	       ws.closed_too_many);
	metric(b, "fair_ws_closed_idle_total", "counter",
	       "sessions closed for not answering pings", ws.closed_idle);
	metric(b, "fair_ws_read_paused_total", "counter",
	       "times a session's reading was paused for push back", ws.paused);
	metric(b, "fair_ws_frames_sent_total", "counter", "frames written",
	       ws.frames_sent);
	metric(b, "fair_ws_writes_total", "counter",
	       "writes to WebSocket connections (waiting frames share one)",
	       ws.writes);
	metric(b, "fair_ws_bytes_sent_total", "counter",
	       "payload bytes written", ws.bytes_sent);
	metric(b, "fair_db_up", "gauge",
	       "1 when a PostgreSQL connection is ready", pg_pool_up(srv.db));
	metric(b, "fair_db_queries_total", "counter",
	       "queries answered by PostgreSQL", pg.queries);
	metric(b, "fair_db_errors_total", "counter",
	       "queries answered with an error", pg.errors);
	metric(b, "fair_db_not_sent_total", "counter",
	       "queries refused before reaching PostgreSQL", pg.not_sent);
	metric(b, "fair_db_lost_total", "counter",
	       "queries whose outcome was lost with the connection", pg.lost);
	metric(b, "fair_db_reconnects_total", "counter",
	       "connections re-established after a loss", pg.reconnects);
	metric(b, "fair_db_latency_seconds_sum_us", "counter",
	       "sum of query latencies in microseconds", pg.latency_us_sum);
	metric(b, "fair_db_queued", "gauge", "queries waiting for a connection",
	       pg.queued);
	metric(b, "fair_db_in_flight", "gauge",
	       "queries sent and not yet answered", pg.in_flight);
	metric(b, "fair_worker_pending", "gauge", "CPU jobs queued or running",
	       worker_pool_pending(srv.workers));
	metric(b, "fair_orders_enabled", "gauge",
	       "1 when PostgreSQL durability allows taking orders",
	       server_orders_enabled());
	room_join_stats(&joins_read, &joins_kept);
	metric(b, "fair_joins_read_total", "counter",
	       "join snapshots read whole from PostgreSQL", joins_read);
	metric(b, "fair_joins_kept_total", "counter",
	       "join snapshots built from a part kept from an earlier join",
	       joins_kept);
	order_intake_stats(&orders);
	metric(b, "fair_orders_received_total", "counter",
	       "order.place calls queued for a batch", orders.received);
	metric(b, "fair_orders_accepted_total", "counter",
	       "new orders committed", orders.accepted);
	metric(b, "fair_orders_duplicate_total", "counter",
	       "repeated keys answered with their stored order",
	       orders.duplicates);
	metric(b, "fair_orders_refused_total", "counter",
	       "orders refused by the database", orders.refused);
	metric(b, "fair_orders_fast_refused_total", "counter",
	       "orders refused from the last known stock, once their key "
	       "was looked up",
	       orders.fast_refused);
	stock_seed_stats(&seeds_asked, &seeds_kept);
	metric(b, "fair_stock_reads_total", "counter",
	       "reads of a fair's whole stock into the last known stock",
	       seeds_asked);
	metric(b, "fair_stock_reads_kept_total", "counter",
	       "of those, kept (none heard meanwhile)", seeds_kept);
	metric(b, "fair_order_key_lookups_total", "counter",
	       "orders whose key was looked up before an answer from the "
	       "last known stock or for a full queue",
	       orders.key_lookups);
	metric(b, "fair_order_key_lookup_queries_total", "counter",
	       "queries that looked those keys up", orders.key_lookup_queries);
	metric(b, "fair_order_key_lookups_stored_total", "counter",
	       "of those, keys found stored (their orders went to a batch)",
	       orders.key_lookups_stored);
	metric(b, "fair_orders_unavailable_total", "counter",
	       "orders answered unavailable (nothing was done)",
	       orders.unavailable);
	metric(b, "fair_orders_in_doubt_total", "counter",
	       "orders answered in_doubt", orders.in_doubt);
	metric(b, "fair_order_batches_total", "counter",
	       "order batches answered by PostgreSQL", orders.batches);
	metric(b, "fair_order_batch_orders_total", "counter",
	       "orders in those batches (mean batch size: this / batches)",
	       orders.batched_orders);
	metric(b, "fair_order_batch_max", "gauge", "the largest batch so far",
	       orders.batch_max);
	metric(b, "fair_order_batches_lost_total", "counter",
	       "batches whose connection was lost in flight",
	       orders.lost_batches);
	metric(b, "fair_orders_queued", "gauge",
	       "orders waiting for the next batch", orders.queued);
	outbox_metrics(b);
	return text.len;
}
