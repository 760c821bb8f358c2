/* fairload - the load generator: N dealers, a rep, speaking fair.v1 over real
 * sockets, one scenario per run, one JSON object on stdout.
 *
 *   fairload fanout|flash|spread|idle|storm|mixed [options]   (--help lists them)
 *
 * Single-threaded on purpose: it reports its own CPU, and a run where it used
 * more than 90% of a core is marked void (the generator, not the server, was
 * the limit). Replies are recognised by a light scan of the server's compact
 * JSON, not a parser: the generator must stay cheaper than what it measures. */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <libpq-fe.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "samples.h"
#include "wsclient.h"

#define MAX_INFLIGHT 16
#define PRICE_BASE 1000000 /* fanout prices are PRICE_BASE + sequence number */

enum scenario { FANOUT, FLASH, SPREAD, IDLE, STORM, MIXED, WAKEUP };
static const char *const scenario_names[] = {
	"fanout", "flash", "spread", "idle", "storm", "mixed", "wakeup"};

struct options {
	enum scenario scenario;
	const char *url, *cookies_file, *staff_cookie, *db_url, *run_id,
		*target_name;
	long fair, product, conns, window, sources, rounds, inflight,
		server_pid;
	bool hold_for_signal; /* idle: hold until SIGUSR1, not for --hold S */
	long flash_dealers;
	double rate, duration, hold, qa_rate, spread_ms, gap;
	long *variants;
	size_t variant_count;
	bool join;
};

/* What the generator knows of each connection besides its socket. */
struct peer {
	uint32_t next_rid;
	int64_t sent_ns[MAX_INFLIGHT];
	unsigned outstanding;
	bool hello, joined, pinged, rep;
	int64_t join_again_ns; /* a refused join is sent again at this time */
	int join_attempts;
	long round_sent; /* flash: the round of the order in flight, or -1 */
};

struct run {
	struct options *o;
	struct ws_loop *loop;
	struct peer *peers;
	char **cookies;
	size_t cookie_count;
	int total; /* connections: dealers (+ the rep at the end) */
	int rep;   /* index of the rep, or -1 */

	/* connection phase */
	int hellos, join_replies, join_failed, pongs;
	long join_retries;
	char first_join_error[64];
	int closed_before_hello, connect_failed_now;
	/* orders */
	struct samples ack;
	long sent, answered, accepted, refused_stock, other_errors;
	json_t *error_codes;
	int64_t first_send_ns, last_answer_ns;
	/* fanout */
	struct samples fan;
	int64_t *price_sent_ns;
	long price_sent, price_cap, deliveries, rep_errors;
	int64_t last_delivery_ns;
	/* mixed */
	struct samples stock_lag;
	long stock_pushes, questions, answers;
	long last_question;
	/* closes by code */
	long closes, closes_4409;
};

static volatile int stop_requested;
static volatile sig_atomic_t hold_released; /* SIGUSR1 (--hold-for-signal) */
static long trace; /* FAIRLOAD_TRACE=N prints the first N messages received */

static void die(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fairload: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

/* ------------------------------------------------------------------ */
/* Scanning the server's compact JSON */

static const char *field(const char *msg, const char *key)
{
	char pat[48];
	const char *p;

	snprintf(pat, sizeof pat, "\"%s\":", key);
	p = strstr(msg, pat);
	if (!p)
		return NULL;
	/* History events are relayed as PostgreSQL printed them: "key": value. */
	for (p += strlen(pat); *p == ' '; p++)
		;
	return p;
}

/* Whether the string field `key` is `value`. */
static bool field_is(const char *msg, const char *key, const char *value)
{
	const char *p = field(msg, key);
	size_t n = strlen(value);

	return p && p[0] == '"' && strncmp(p + 1, value, n) == 0 &&
	       p[n + 1] == '"';
}

static bool reply_ok(const char *msg)
{
	const char *ok = field(msg, "ok");

	return ok && strncmp(ok, "true", 4) == 0;
}

static long long field_int(const char *msg, const char *key, long long dflt)
{
	const char *p = field(msg, key);

	return p && (*p == '-' || (*p >= '0' && *p <= '9'))
		       ? strtoll(p, NULL, 10)
		       : dflt;
}

/* An RFC 3339 UTC time with milliseconds ("...T..:..:..(.mmm)Z") in ns. */
static int64_t field_time_ns(const char *msg, const char *key)
{
	const char *p = field(msg, key);
	struct tm tm = {0};
	int ms = 0;

	if (!p || *p != '"')
		return 0;
	if (sscanf(p + 1, "%4d-%2d-%2dT%2d:%2d:%2d.%3d", &tm.tm_year,
		   &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec,
		   &ms) < 6)
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (int64_t)timegm(&tm) * 1000000000 + (int64_t)ms * 1000000;
}

/* ------------------------------------------------------------------ */
/* Sending */

static void send_op(struct run *r, int i, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void send_op(struct run *r, int i, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	ws_send_text(r->loop, ws_conn(r->loop, i), buf, (size_t)n);
}

/* Sends order.place for one unit of a variant; returns the rid used. */
static void send_order(struct run *r, int i, long variant, const char *key)
{
	struct peer *p = &r->peers[i];
	uint32_t rid = p->next_rid++;
	int64_t t = now_ns();

	p->sent_ns[rid % MAX_INFLIGHT] = t;
	p->outstanding++;
	if (!r->first_send_ns)
		r->first_send_ns = t;
	r->sent++;
	send_op(r, i,
		"{\"op\":\"order.place\",\"rid\":%u,\"fair\":%ld,\"key\":\"%"
		"s\","
		"\"lines\":[{\"variant\":%ld,\"qty\":1}]}",
		rid, r->o->fair, key, variant);
}

/* ------------------------------------------------------------------ */
/* Receiving */

static void count_error(struct run *r, const char *msg)
{
	const char *code = field(msg, "code");
	char name[40] = "unknown";
	json_t *n;

	if (code && *code == '"') {
		size_t len = strcspn(code + 1, "\"");

		if (len < sizeof name) {
			memcpy(name, code + 1, len);
			name[len] = '\0';
		}
	}
	n = json_object_get(r->error_codes, name);
	json_object_set_new(r->error_codes, name,
			    json_integer(n ? json_integer_value(n) + 1 : 1));
}

/* When a frame reached its dealer: the kernel's receive time of its bytes
 * (wsclient's SO_TIMESTAMPNS), or with --stamp read when the generator read it. */
static bool stamp_at_read;

static int64_t arrival_ns(const struct conn *c)
{
	return stamp_at_read ? now_ns() : c->rx_ns;
}

static void on_order_reply(struct run *r, const struct conn *c, const char *msg)
{
	struct peer *p = &r->peers[c->index];
	long long rid = field_int(msg, "re", -1);
	int64_t t = arrival_ns(c);

	if (rid < 0 || !p->outstanding)
		return;
	p->outstanding--;
	samples_add(&r->ack, (t - p->sent_ns[rid % MAX_INFLIGHT]) / 1000);
	r->answered++;
	r->last_answer_ns = t;
	if (reply_ok(msg)) {
		r->accepted++;
	} else {
		if (field_is(msg, "code", "insufficient_stock"))
			r->refused_stock++;
		else
			r->other_errors++;
		count_error(r, msg);
	}
}

static void on_price(struct run *r, const struct conn *c, const char *msg)
{
	long long seq = field_int(msg, "price", -1) - PRICE_BASE;
	int64_t t = arrival_ns(c);

	if (seq < 0 || seq >= r->price_sent)
		return;
	r->deliveries++;
	r->last_delivery_ns = t;
	samples_add(&r->fan, (t - r->price_sent_ns[seq]) / 1000);
}

/* The event's name ("price", with the quotes) or NULL for a reply. Events
 * relayed from PostgreSQL keep jsonb's key order, so "ev" is not always first. */
static const char *event_name(const char *msg)
{
	return field(msg, "re") ? NULL : field(msg, "ev");
}

static bool is_event(const char *ev, const char *name)
{
	size_t n = strlen(name);

	return ev && ev[0] == '"' && strncmp(ev + 1, name, n) == 0 &&
	       ev[n + 1] == '"';
}

static void on_message(struct ws_loop *loop, struct conn *c, char *msg,
		       size_t len)
{
	struct run *r = ws_loop_ctx(loop);
	struct peer *p = &r->peers[c->index];
	const char *ev = event_name(msg);

	if (trace && trace-- > 0)
		fprintf(stderr, "fairload: conn %d got %.*s\n", c->index,
			(int)(len < 300 ? len : 300), msg);
	if (!p->hello) {
		if (is_event(ev, "hello")) {
			p->hello = true;
			c->hello_ns = now_ns();
			r->hellos++;
		}
		return;
	}
	if (ev) {
		if (is_event(ev, "price") && !p->rep)
			on_price(r, c, msg);
		else if (is_event(ev, "stock")) {
			int64_t at = field_time_ns(msg, "at");

			r->stock_pushes++;
			if (at)
				samples_add(&r->stock_lag,
					    (arrival_ns(c) - at) / 1000);
		} else if (p->rep && is_event(ev, "chat") &&
			   field_is(msg, "status", "open")) {
			/* An open question from a dealer: the rep answers the newest. */
			r->last_question =
				field_int(msg, "id", r->last_question);
		}
		return;
	}
	if (!p->joined && r->o->join && field_is(msg, "re", "j")) {
		/* A refused join (unavailable while thousands join at once) is
		 * tried again later, as the page does. */
		if (!reply_ok(msg) && p->join_attempts < 30) {
			/* Exponential back-off with jitter, 100 ms to 5 s. */
			int64_t ms = 100LL
				     << (p->join_attempts < 6 ? p->join_attempts
							      : 6);

			p->join_attempts++;
			p->join_again_ns = now_ns() +
					   (ms < 5000 ? ms : 5000) * 1000000 +
					   (c->index % 100) * 2000000;
			r->join_retries++;
			if (!r->first_join_error[0]) {
				const char *code = field(msg, "code");

				snprintf(r->first_join_error,
					 sizeof r->first_join_error, "%.60s",
					 code ? code : msg);
			}
			return;
		}
		p->joined = true;
		r->join_replies++;
		if (!reply_ok(msg))
			r->join_failed++;
		return;
	}
	if (p->rep) {
		if (!reply_ok(msg))
			r->rep_errors++;
		return;
	}
	if (p->pinged) {
		p->pinged = false;
		r->pongs++;
		return;
	}
	on_order_reply(r, c, msg);
}

static void on_close(struct ws_loop *loop, struct conn *c, const char *why)
{
	struct run *r = ws_loop_ctx(loop);

	(void)why;
	if (c->upgraded_ns == 0)
		return; /* a failed connect: counted by the loop */
	if (!r->peers[c->index].hello)
		r->closed_before_hello++;
	r->closes++;
	if (c->close_code == 4409)
		r->closes_4409++;
}

/* ------------------------------------------------------------------ */
/* Phases */

static double cpu_seconds(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* CPU seconds a process used (user + system), or -1. */
static double proc_cpu_seconds(long pid)
{
	char path[64], buf[1024], *p;
	unsigned long long utime, stime;
	FILE *f;
	size_t n;

	snprintf(path, sizeof path, "/proc/%ld/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')'); /* the name may hold spaces */
	if (!p ||
	    sscanf(p + 2,
		   "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
		   &utime, &stime) != 2)
		return -1;
	return (double)(utime + stime) / (double)sysconf(_SC_CLK_TCK);
}

struct meter {
	int64_t wall_ns;
	double cpu, server_cpu;
};

static long server_pid;         /* --server-pid: its CPU is reported too */
static struct meter last_meter; /* the measured phase of the scenario */

static struct meter meter_start(void)
{
	last_meter = (struct meter){
		now_ns(), cpu_seconds(),
		server_pid > 0 ? proc_cpu_seconds(server_pid) : -1};
	return last_meter;
}

/* The generator's CPU over the measured phase, as % of one core. */
static double meter_cpu_pct(struct meter m)
{
	double wall = (double)(now_ns() - m.wall_ns) / 1e9;

	return wall > 0 ? 100.0 * (cpu_seconds() - m.cpu) / wall : 0;
}

static const char *cookie_for(struct run *r, int i)
{
	if (i == r->rep)
		return r->o->staff_cookie;
	return r->cookie_count ? r->cookies[(size_t)i % r->cookie_count] : NULL;
}

/* Opens connections [from, to) keeping at most `window` upgrades in progress,
 * until every one said hello or failed, or timeout_s passed. Returns the
 * elapsed ns from the first connect to the last hello. */
static int64_t open_all(struct run *r, int from, int to, long window,
			double timeout_s)
{
	int64_t start = now_ns(), deadline = start + (int64_t)(timeout_s * 1e9);
	int next = from, started = 0, hellos0 = r->hellos,
	    closed0 = r->closed_before_hello;
	struct ws_counts k0, k;

	ws_loop_counts(r->loop, &k0);
	for (;;) {
		int pending;

		ws_loop_counts(r->loop, &k);
		pending = started - (r->hellos - hellos0) -
			  (int)(k.connect_errors - k0.connect_errors) -
			  (r->closed_before_hello - closed0);
		while (next < to && pending < window) {
			if (ws_connect(r->loop, ws_conn(r->loop, next),
				       cookie_for(r, next)) == 0) {
				started++;
				pending++;
			} else {
				r->connect_failed_now++;
			}
			next++;
		}
		if (next >= to && pending <= 0)
			break;
		if (now_ns() > deadline || stop_requested)
			break;
		ws_loop_run_once(r->loop, 5);
	}
	return now_ns() - start;
}

static void join_all(struct run *r, int from, int to, double timeout_s)
{
	int64_t deadline = now_ns() + (int64_t)(timeout_s * 1e9);
	int want = 0, sent = 0;

	for (int i = from; i < to; i++) {
		if (ws_conn(r->loop, i)->state != CONN_OPEN)
			continue;
		want++;
		send_op(r, i, "{\"op\":\"join\",\"rid\":\"j\",\"fair\":%ld}",
			r->o->fair);
		/* Let replies drain between bursts: snapshots are large. */
		if (++sent % 200 == 0)
			ws_loop_run_once(r->loop, 0);
	}
	while (r->join_replies < want && now_ns() < deadline &&
	       !stop_requested) {
		int64_t now = now_ns();

		for (int i = from; i < to; i++) {
			struct peer *p = &r->peers[i];

			if (p->join_again_ns && now >= p->join_again_ns) {
				p->join_again_ns = 0;
				send_op(r, i,
					"{\"op\":\"join\",\"rid\":\"j\","
					"\"fair\":%ld}",
					r->o->fair);
			}
		}
		ws_loop_run_once(r->loop, 10);
	}
}

/* Runs the loop for `seconds` (or until stop_requested). */
static void pump(struct run *r, double seconds)
{
	int64_t end = now_ns() + (int64_t)(seconds * 1e9);

	while (now_ns() < end && !stop_requested)
		ws_loop_run_once(r->loop, 10);
}

static int open_count(struct run *r)
{
	int n = 0;

	for (int i = 0; i < r->total; i++)
		n += ws_conn(r->loop, i)->state == CONN_OPEN;
	return n;
}

/* ------------------------------------------------------------------ */
/* Reading back from PostgreSQL */

static json_t *db_readback(struct run *r)
{
	PGconn *db;
	PGresult *res;
	size_t cap = 24 * r->o->variant_count + 1, off = 0;
	char *variants, *query;
	json_t *out;

	if (!r->o->db_url)
		return json_null();
	variants = calloc(1, cap);
	query = malloc(2 * cap + 1024);
	for (size_t i = 0; i < r->o->variant_count; i++)
		off += (size_t)snprintf(variants + off, cap - off, "%s%ld",
					i ? "," : "", r->o->variants[i]);
	db = PQconnectdb(r->o->db_url);
	if (PQstatus(db) != CONNECTION_OK) {
		fprintf(stderr, "fairload: readback: %s", PQerrorMessage(db));
		PQfinish(db);
		free(variants);
		free(query);
		return json_null();
	}
	/* Oversold: units in live orders beyond the allocation, per variant;
	 * the orders this run made, which must equal the accepted replies; and
	 * the dealers whose kept open credit differs from their open orders. */
	snprintf(query, 2 * cap + 1024,
		 "WITH ordered AS (SELECT l.variant_id, sum(l.qty) AS units "
		 "FROM order_lines l"
		 " JOIN orders o ON o.id = l.order_id WHERE o.fair_id = %ld"
		 " AND o.status NOT IN ('cancelled', 'rejected')"
		 " AND l.variant_id = ANY('{%s}'::bigint[]) GROUP BY "
		 "l.variant_id)"
		 " SELECT (SELECT coalesce(sum(greatest(0, d.units - "
		 "s.allocation)), 0)"
		 "   FROM ordered d JOIN stock s ON s.fair_id = %ld AND "
		 "s.variant_id = d.variant_id),"
		 " (SELECT coalesce(sum(greatest(0, s.sold - s.allocation)), "
		 "0) FROM stock s"
		 "   WHERE s.fair_id = %ld AND s.variant_id = "
		 "ANY('{%s}'::bigint[])),"
		 " (SELECT count(*) FROM orders WHERE fair_id = %ld AND key "
		 "LIKE '%s-%%'),"
		 " (SELECT count(*) FROM dealer_credit_drift)",
		 r->o->fair, variants, r->o->fair, r->o->fair, variants,
		 r->o->fair, r->o->run_id);
	res = PQexec(db, query);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		fprintf(stderr, "fairload: readback: %s", PQerrorMessage(db));
		out = json_null();
	} else {
		out = json_pack("{s:I,s:I,s:I,s:I}", "oversold_units",
				(json_int_t)atoll(PQgetvalue(res, 0, 0)),
				"stock_sold_over_allocation",
				(json_int_t)atoll(PQgetvalue(res, 0, 1)),
				"orders_in_db",
				(json_int_t)atoll(PQgetvalue(res, 0, 2)),
				"credit_drift",
				(json_int_t)atoll(PQgetvalue(res, 0, 3)));
	}
	PQclear(res);
	PQfinish(db);
	free(variants);
	free(query);
	return out;
}

/* ------------------------------------------------------------------ */
/* Scenarios */

static json_t *orders_json(struct run *r)
{
	return json_pack("{s:I,s:I,s:I,s:I,s:I,s:O,s:o}", "sent",
			 (json_int_t)r->sent, "answered",
			 (json_int_t)r->answered, "accepted",
			 (json_int_t)r->accepted, "insufficient_stock",
			 (json_int_t)r->refused_stock, "other_errors",
			 (json_int_t)r->other_errors, "error_codes",
			 r->error_codes, "ack", samples_json(&r->ack));
}

/* A flash round in progress: dealers [from, to) send one order each for
 * `variant`, the i-th at t0 + span * i / n. */
struct flash {
	long round, variant;
	int from, to, next;
	int64_t t0, span, first_ns;
};

/* Sends the round's orders that are due by now. */
static void flash_send_due(struct run *r, struct flash *f, int64_t now)
{
	char key[96];
	int n = f->to - f->from;

	while (f->next < f->to &&
	       now >= f->t0 + f->span * (f->next - f->from) / n) {
		if (ws_conn(r->loop, f->next)->state == CONN_OPEN &&
		    !r->peers[f->next].outstanding) {
			snprintf(key, sizeof key, "%s-%ld-%d", r->o->run_id,
				 f->round, f->next);
			if (!f->first_ns)
				f->first_ns = now_ns();
			send_order(r, f->next, f->variant, key);
		}
		f->next++;
	}
}

/* Sends one flash round from dealers [from, to) for `variant`, spread over
 * spread_ms, and waits for every answer. Returns {orders, answered_per_s}. */
static json_t *flash_round(struct run *r, long round, long variant, int from,
			   int to)
{
	long sent0 = r->sent, answered0 = r->answered, accepted0 = r->accepted;
	struct flash f = {round,
			  variant,
			  from,
			  to,
			  from,
			  now_ns() + 20000000,
			  (int64_t)(r->o->spread_ms * 1e6),
			  0};
	int64_t deadline = f.t0 + 60 * (int64_t)1000000000, last;

	r->last_answer_ns = 0;
	while (!stop_requested && now_ns() < deadline) {
		flash_send_due(r, &f, now_ns());
		if (f.next >= to && r->answered - answered0 >= r->sent - sent0)
			break;
		ws_loop_run_once(r->loop, f.next < to ? 1 : 10);
	}
	last = r->last_answer_ns;
	return json_pack(
		"{s:i,s:I,s:I,s:I,s:f,s:f}", "round", (int)round, "variant",
		(json_int_t)variant, "sent", (json_int_t)(r->sent - sent0),
		"accepted", (json_int_t)(r->accepted - accepted0), "elapsed_ms",
		last > f.first_ns ? (double)(last - f.first_ns) / 1e6 : 0.0,
		"answered_per_s",
		last > f.first_ns ? (double)(r->answered - answered0) * 1e9 /
					    (double)(last - f.first_ns)
				  : 0.0);
}

static double median_of(json_t *rounds, const char *key)
{
	size_t n = json_array_size(rounds);
	double *v = calloc(n ? n : 1, sizeof *v), m;

	for (size_t i = 0; i < n; i++)
		v[i] = json_number_value(
			json_object_get(json_array_get(rounds, i), key));
	for (size_t i = 1; i < n; i++) /* insertion sort: a handful of rounds */
		for (size_t j = i; j > 0 && v[j - 1] > v[j]; j--) {
			double t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	m = n ? (n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2) : 0;
	free(v);
	return m;
}

static json_t *run_flash(struct run *r)
{
	json_t *rounds = json_array();
	struct meter m = meter_start();

	for (long k = 0; k < r->o->rounds && !stop_requested; k++) {
		long variant = r->o->variants[(size_t)k % r->o->variant_count];

		json_array_append_new(rounds,
				      flash_round(r, k, variant, 0, r->total));
		pump(r, r->o->gap); /* stock pushes settle between rounds */
	}
	return json_pack("{s:o,s:f,s:o,s:o,s:f}", "rounds", rounds,
			 "answered_per_s_median",
			 median_of(rounds, "answered_per_s"), "orders",
			 orders_json(r), "db", db_readback(r),
			 "loadgen_cpu_pct", meter_cpu_pct(m));
}

static json_t *run_spread(struct run *r)
{
	struct meter m = meter_start();
	int64_t end = now_ns() + (int64_t)(r->o->duration * 1e9);
	int64_t drain_until;
	unsigned seed = 12345;
	long serial = 0;
	char key[96];
	double elapsed;

	r->first_send_ns = 0;
	while (now_ns() < end && !stop_requested) {
		for (int i = 0; i < r->total; i++) {
			if (ws_conn(r->loop, i)->state != CONN_OPEN)
				continue;
			while (r->peers[i].outstanding <
			       (unsigned)r->o->inflight) {
				long v = r->o->variants[rand_r(&seed) %
							r->o->variant_count];

				snprintf(key, sizeof key, "%s-%ld",
					 r->o->run_id, serial++);
				send_order(r, i, v, key);
			}
		}
		ws_loop_run_once(r->loop, 1);
	}
	elapsed = (double)(now_ns() - r->first_send_ns) / 1e9;
	drain_until = now_ns() + 15 * (int64_t)1000000000;
	while (r->answered < r->sent && now_ns() < drain_until)
		ws_loop_run_once(r->loop, 10);
	return json_pack("{s:f,s:f,s:o,s:o,s:f}", "duration_s", elapsed,
			 "accepted_per_s",
			 elapsed > 0 ? (double)r->accepted / elapsed : 0.0,
			 "orders", orders_json(r), "db", db_readback(r),
			 "loadgen_cpu_pct", meter_cpu_pct(m));
}

static json_t *fanout_json(struct run *r, double cpu)
{
	double span =
		r->last_delivery_ns > r->price_sent_ns[0] && r->price_sent
			? (double)(r->last_delivery_ns - r->price_sent_ns[0]) /
				  1e9
			: 0;
	long dealers = r->total - 1;

	return json_pack("{s:f,s:I,s:I,s:I,s:I,s:f,s:o,s:I,s:f}", "rate_per_s",
			 r->o->rate, "dealers", (json_int_t)dealers,
			 "updates_sent", (json_int_t)r->price_sent,
			 "deliveries", (json_int_t)r->deliveries, "expected",
			 (json_int_t)(r->price_sent * dealers),
			 "deliveries_per_s",
			 span > 0 ? (double)r->deliveries / span : 0.0,
			 "latency", samples_json(&r->fan), "rep_errors",
			 (json_int_t)r->rep_errors, "loadgen_cpu_pct", cpu);
}

/* The rep sends the price changes that are due at o->rate. */
static void rep_tick(struct run *r, int64_t *next_price)
{
	int64_t now = now_ns();

	while (now >= *next_price && r->price_sent < r->price_cap) {
		long seq = r->price_sent;

		r->price_sent_ns[seq] = now_ns();
		r->price_sent++;
		send_op(r, r->rep,
			"{\"op\":\"price.set\",\"rid\":%ld,\"fair\":%ld,"
			"\"product\":%ld,\"price\":%ld}",
			seq, r->o->fair, r->o->product, PRICE_BASE + seq);
		*next_price += (int64_t)(1e9 / r->o->rate);
	}
}

static void rep_prices(struct run *r, double seconds)
{
	int64_t start = now_ns(), end = start + (int64_t)(seconds * 1e9);
	int64_t next_price = start;

	while (now_ns() < end && !stop_requested) {
		rep_tick(r, &next_price);
		ws_loop_run_once(r->loop, 1);
	}
}

static void wait_deliveries(struct run *r, double seconds)
{
	int64_t end = now_ns() + (int64_t)(seconds * 1e9);
	long want = r->price_sent * (r->total - 1);

	while (r->deliveries < want && now_ns() < end && !stop_requested)
		ws_loop_run_once(r->loop, 10);
}

static json_t *run_fanout(struct run *r)
{
	struct meter m = meter_start();
	double cpu;

	rep_prices(r, r->o->duration);
	wait_deliveries(r, 5);
	cpu = meter_cpu_pct(m);
	return json_pack("{s:o,s:I,s:I}", "fanout", fanout_json(r, cpu),
			 "closes", (json_int_t)r->closes, "closes_4409",
			 (json_int_t)r->closes_4409);
}

static json_t *run_mixed(struct run *r)
{
	struct meter m = meter_start();
	json_t *rounds = json_array();
	int64_t start = now_ns(), next_price = start, next_question = start;
	int pool;
	int64_t next_answer = start + 2500000000LL;
	int flash_to = r->o->flash_dealers < r->total - 1
			       ? (int)r->o->flash_dealers
			       : r->total - 1;
	int asker = 0;
	double cpu;

	/* Questions come from the dealers who sit the flash out, if there are any. */
	pool = r->total - 1 - flash_to;

	for (long k = 0; k < r->o->rounds && !stop_requested; k++) {
		long variant = r->o->variants[(size_t)k % r->o->variant_count];
		long sent0 = r->sent, answered0 = r->answered,
		     accepted0 = r->accepted;
		struct flash f = {k,
				  variant,
				  0,
				  flash_to,
				  0,
				  now_ns() + 200000000,
				  (int64_t)(r->o->spread_ms * 1e6),
				  0};
		int64_t round_end = f.t0 + (int64_t)(r->o->gap * 1e9);

		while (!stop_requested) {
			int64_t now = now_ns();

			rep_tick(r, &next_price);
			/* Q&A: dealers ask at qa_rate; the rep answers the newest open
			 * question every 2.5 s (the chat rate limit is 5 per 10 s). */
			while (r->o->qa_rate > 0 && now >= next_question) {
				int d = pool > 0 ? flash_to + asker % pool
						 : asker % (r->total - 1);

				asker++;
				send_op(r, d,
					"{\"op\":\"chat.ask\",\"rid\":\"q\","
					"\"fair\":%ld,"
					"\"text\":\"這款 %ld 有大碼嗎？\"}",
					r->o->fair, r->questions);
				r->questions++;
				next_question += (int64_t)(1e9 / r->o->qa_rate);
			}
			if (now >= next_answer && r->last_question > 0) {
				send_op(r, r->rep,
					"{\"op\":\"chat.answer\",\"rid\":\"a\","
					"\"fair\":%ld,"
					"\"reply_to\":%ld,\"text\":\"有的，XL "
					"也有。\"}",
					r->o->fair, r->last_question);
				r->last_question = 0;
				r->answers++;
				next_answer = now + 2500000000LL;
			}
			flash_send_due(r, &f, now);
			if (now >= round_end && f.next >= flash_to &&
			    r->answered - answered0 >= r->sent - sent0)
				break;
			ws_loop_run_once(r->loop, 1);
		}
		json_array_append_new(
			rounds,
			json_pack("{s:i,s:I,s:I,s:f}", "round", (int)k, "sent",
				  (json_int_t)(r->sent - sent0), "accepted",
				  (json_int_t)(r->accepted - accepted0),
				  "elapsed_ms",
				  r->last_answer_ns > f.first_ns
					  ? (double)(r->last_answer_ns -
						     f.first_ns) /
						    1e6
					  : 0.0));
	}
	wait_deliveries(r, 5);
	cpu = meter_cpu_pct(m);
	return json_pack(
		"{s:o,s:o,s:o,s:{s:I,s:o},s:{s:I,s:I},s:o,s:I,s:I,s:f}",
		"rounds", rounds, "orders", orders_json(r), "fanout",
		fanout_json(r, cpu), "stock", "pushes",
		(json_int_t)r->stock_pushes, "commit_to_seen",
		samples_json(&r->stock_lag), "qa", "questions",
		(json_int_t)r->questions, "answers", (json_int_t)r->answers,
		"db", db_readback(r), "closes", (json_int_t)r->closes,
		"closes_4409", (json_int_t)r->closes_4409, "loadgen_cpu_pct",
		cpu);
}

/* ------------------------------------------------------------------ */
/* Memory figures for idle */

static long proc_rss_kib(long pid)
{
	char path[64], line[256];
	long kib = -1;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%ld/status", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

/* Kernel memory that sockets cost: slab plus TCP buffer pages, in KiB. */
static long kernel_socket_kib(void)
{
	char line[256];
	long slab = 0, v, pages = 0;
	FILE *f = fopen("/proc/meminfo", "r");

	if (f) {
		while (fgets(line, sizeof line, f))
			if (sscanf(line, "Slab: %ld kB", &v) == 1)
				slab = v;
		fclose(f);
	}
	f = fopen("/proc/net/sockstat", "r");
	if (f) {
		while (fgets(line, sizeof line, f)) {
			char *mem = strstr(line, " mem ");

			if (strncmp(line, "TCP:", 4) == 0 && mem)
				pages = atol(mem + 5);
		}
		fclose(f);
	}
	return slab + pages * (sysconf(_SC_PAGESIZE) / 1024);
}

static void ping_all(struct run *r, double timeout_s)
{
	int64_t end = now_ns() + (int64_t)(timeout_s * 1e9);
	int want = 0;

	r->pongs = 0;
	for (int i = 0; i < r->total; i++) {
		if (ws_conn(r->loop, i)->state != CONN_OPEN)
			continue;
		r->peers[i].pinged = true;
		want++;
		send_op(r, i, "{\"op\":\"ping\",\"rid\":\"p\"}");
		if (want % 500 == 0)
			ws_loop_run_once(r->loop, 0);
	}
	while (r->pongs < want && now_ns() < end)
		ws_loop_run_once(r->loop, 10);
}

static void release_hold(int sig)
{
	(void)sig;
	hold_released = 1;
}

/* Idle with --hold-for-signal: says on stderr that its connections are open
 * and answered a ping, then holds them until SIGUSR1. Several generators, each
 * below the per-process descriptor limit, hold one large idle crowd this way
 * while the benchmark script measures the servers (bench.mjs, scale). */
static void hold_until_released(struct run *r)
{
	fprintf(stderr, "fairload: holding %d open, %d answered a ping\n",
		open_count(r), r->pongs);
	fflush(stderr);
	while (!hold_released && !stop_requested)
		ws_loop_run_once(r->loop, 10);
}

static json_t *run_idle(struct run *r, long rss0, long kern0, int64_t open_ns)
{
	long rss1 = 0, kern1 = 0;
	int open, pongs1;
	json_t *out;

	ping_all(r, 60);
	pongs1 = r->pongs;
	if (r->o->hold_for_signal)
		hold_until_released(r);
	else
		pump(r, r->o->hold);
	if (r->o->server_pid > 0) { /* else the script measures the servers */
		rss1 = proc_rss_kib(r->o->server_pid);
		kern1 = kernel_socket_kib();
	}
	open = open_count(r);
	ping_all(r, 60);
	out = json_pack("{s:i,s:i,s:i,s:i,s:f,s:I}", "requested", r->total,
			"open", open, "answered_first_ping", pongs1,
			"answered_last_ping", r->pongs, "open_s",
			(double)open_ns / 1e9, "closes", (json_int_t)r->closes);
	if (r->o->server_pid > 0)
		json_object_update_new(
			out,
			json_pack("{s:I,s:I,s:f,s:f,s:f}",
				  "server_rss_before_kib", (json_int_t)rss0,
				  "server_rss_after_kib", (json_int_t)rss1,
				  "server_rss_per_conn_bytes",
				  open ? (double)(rss1 - rss0) * 1024 / open
				       : 0.0,
				  "kernel_per_conn_pair_bytes",
				  open ? (double)(kern1 - kern0) * 1024 / open
				       : 0.0,
				  "kernel_per_conn_bytes",
				  open ? (double)(kern1 - kern0) * 512 / open
				       : 0.0));
	return out;
}

static json_t *run_storm(struct run *r, int64_t open_ns, double cpu)
{
	struct samples up = {0}, hello = {0};
	int64_t first = 0, last_up = 0, last_hello = 0;
	struct ws_counts k;
	json_t *out;

	for (int i = 0; i < r->total; i++) {
		struct conn *c = ws_conn(r->loop, i);

		if (!first || (c->connect_ns && c->connect_ns < first))
			first = c->connect_ns;
		if (c->upgraded_ns) {
			samples_add(&up,
				    (c->upgraded_ns - c->connect_ns) / 1000);
			if (c->upgraded_ns > last_up)
				last_up = c->upgraded_ns;
		}
		if (c->hello_ns) {
			samples_add(&hello,
				    (c->hello_ns - c->connect_ns) / 1000);
			if (c->hello_ns > last_hello)
				last_hello = c->hello_ns;
		}
	}
	ws_loop_counts(r->loop, &k);
	out = json_pack(
		"{s:i,s:I,s:I,s:I,s:f,s:f,s:o,s:o,s:f,s:f}", "requested",
		r->total, "upgraded", (json_int_t)up.n, "hello",
		(json_int_t)hello.n, "errors",
		(json_int_t)k.connect_errors + r->connect_failed_now,
		"upgrades_per_s",
		last_up > first ? (double)up.n * 1e9 / (double)(last_up - first)
				: 0.0,
		"hellos_per_s",
		last_hello > first
			? (double)hello.n * 1e9 / (double)(last_hello - first)
			: 0.0,
		"upgrade_latency", samples_json(&up), "hello_latency",
		samples_json(&hello), "elapsed_s", (double)open_ns / 1e9,
		"loadgen_cpu_pct", cpu);
	samples_free(&up);
	samples_free(&hello);
	return out;
}

/* ------------------------------------------------------------------ */
/* The machine's wakeup cost: a byte bounced between two processes over pipes;
 * each round trip is two wakeups. The ratios of the targets depend on it. */

static void wakeup(void)
{
	enum { ROUNDS = 20000 };
	int there[2], back[2];
	char byte = 0;
	int64_t t0, t1;
	pid_t child;

	if (pipe(there) != 0 || pipe(back) != 0)
		die("pipe: %s", strerror(errno));
	child = fork();
	if (child == 0) {
		close(there[1]);
		while (read(there[0], &byte, 1) == 1 &&
		       write(back[1], &byte, 1) == 1)
			;
		_exit(0);
	}
	close(there[0]);
	close(back[1]);
	t0 = now_ns();
	for (int i = 0; i < ROUNDS; i++)
		if (write(there[1], &byte, 1) != 1 ||
		    read(back[0], &byte, 1) != 1)
			die("%s", "pipe ping-pong failed");
	t1 = now_ns();
	close(there[1]);
	waitpid(child, NULL, 0);
	printf("{\"scenario\":\"wakeup\",\"result\":{\"round_trips\":%d,"
	       "\"wakeup_us\":%.2f}}\n",
	       ROUNDS, (double)(t1 - t0) / 1e3 / (2.0 * ROUNDS));
}

/* ------------------------------------------------------------------ */
/* Options */

static void usage(FILE *to)
{
	fprintf(to, "usage: fairload SCENARIO [options]   SCENARIO: fanout "
		    "flash spread idle storm mixed\n"
		    "       fairload wakeup             this machine's cost of "
		    "waking a process (pipe ping-pong)\n"
		    "  --url ws://HOST:PORT/ws     the server (default "
		    "ws://127.0.0.1:8080/ws)\n"
		    "  --target NAME               a label for the report "
		    "(ours, p1)\n"
		    "  --cookies FILE              dealer sessions, lines "
		    "LOGIN<TAB>COOKIE (fairctl mint-sessions)\n"
		    "  --staff COOKIE              the rep's session cookie "
		    "value (fanout, mixed)\n"
		    "  --fair ID  --product ID     the fair; the product whose "
		    "price the rep changes\n"
		    "  --variants ID,ID,...        flash/mixed: one per round; "
		    "spread: the pool\n"
		    "  --conns N                   dealer connections (default "
		    "100)\n"
		    "  --window N                  upgrades in progress at "
		    "once (default 500)\n"
		    "  --sources N                 source addresses "
		    "127.0.0.2.. (default 49; 0: any)\n"
		    "  --join                      dealers join the fair "
		    "(snapshot, then pushes)\n"
		    "  --rounds R  --spread-ms MS  flash rounds; each round's "
		    "orders go out within MS (100)\n"
		    "  --gap S                     pause after each flash "
		    "round (default 1; mixed: round length)\n"
		    "  --flash-dealers N           mixed: how many dealers "
		    "take part in each flash\n"
		    "  --rate HZ  --duration S     fanout price changes per "
		    "second; how long (also spread)\n"
		    "  --qa-rate HZ                mixed: dealer questions per "
		    "second\n"
		    "  --inflight N                spread: orders in flight "
		    "per dealer (default 1)\n"
		    "  --server-pid PID            the server process: its RSS "
		    "(idle) and CPU are reported\n"
		    "  --hold S                    idle: how long to stay idle "
		    "(default 5)\n"
		    "  --stamp kernel|read         a frame's arrival: its "
		    "bytes' kernel receive time\n"
		    "                              (default) or when the "
		    "generator read it\n"
		    "  --hold-for-signal           idle: say so on stderr once "
		    "open, hold until SIGUSR1\n"
		    "                              (--server-pid not needed: "
		    "the caller measures)\n"
		    "  --db URL                    PostgreSQL, to read back "
		    "oversold units and stored orders\n"
		    "  --run-id TEXT               prefix of the idempotency "
		    "keys (default: time-based)\n");
}

static long *parse_list(const char *text, size_t *count)
{
	long *v = NULL;
	size_t n = 0;
	char *copy = strdup(text), *save = NULL;

	for (char *t = strtok_r(copy, ",", &save); t;
	     t = strtok_r(NULL, ",", &save)) {
		v = realloc(v, (n + 1) * sizeof *v);
		v[n++] = atol(t);
	}
	free(copy);
	*count = n;
	return v;
}

static char **read_cookies(const char *file, size_t *count)
{
	FILE *f = fopen(file, "r");
	char line[1024], **v = NULL;
	size_t n = 0, cap = 0;

	if (!f)
		die("cannot read %s", file);
	while (fgets(line, sizeof line, f)) {
		char *tab = strchr(line, '\t');

		if (!tab)
			continue;
		tab[1 + strcspn(tab + 1, "\r\n")] = '\0';
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			v = realloc(v, cap * sizeof *v);
		}
		if (asprintf(&v[n], "fair_session=%s", tab + 1) < 0)
			die("%s", "out of memory");
		n++;
	}
	fclose(f);
	*count = n;
	return v;
}

static void parse_options(struct options *o, int argc, char **argv)
{
	static const struct option longs[] = {{"url", 1, 0, 'u'},
					      {"cookies", 1, 0, 'c'},
					      {"staff", 1, 0, 's'},
					      {"fair", 1, 0, 'f'},
					      {"product", 1, 0, 'p'},
					      {"variants", 1, 0, 'v'},
					      {"conns", 1, 0, 'n'},
					      {"window", 1, 0, 'w'},
					      {"sources", 1, 0, 'S'},
					      {"join", 0, 0, 'j'},
					      {"rounds", 1, 0, 'r'},
					      {"spread-ms", 1, 0, 'm'},
					      {"gap", 1, 0, 'g'},
					      {"flash-dealers", 1, 0, 'F'},
					      {"rate", 1, 0, 'R'},
					      {"duration", 1, 0, 'd'},
					      {"qa-rate", 1, 0, 'q'},
					      {"inflight", 1, 0, 'i'},
					      {"server-pid", 1, 0, 'P'},
					      {"hold", 1, 0, 'H'},
					      {"db", 1, 0, 'D'},
					      {"run-id", 1, 0, 'I'},
					      {"target", 1, 0, 't'},
					      {"help", 0, 0, 'h'},
					      {"hold-for-signal", 0, 0, 'W'},
					      {"stamp", 1, 0, 'T'},
					      {0, 0, 0, 0}};
	static char run_id[32];
	static char *staff_cookie;
	int ch;

	*o = (struct options){.url = "ws://127.0.0.1:8080/ws",
			      .conns = 100,
			      .window = 500,
			      .sources = 49,
			      .rounds = 1,
			      .spread_ms = 100,
			      .gap = 1,
			      .rate = 10,
			      .duration = 10,
			      .inflight = 1,
			      .hold = 5,
			      .flash_dealers = 1000,
			      .target_name = "ours"};
	if (argc < 2 || argv[1][0] == '-') {
		usage(argc >= 2 && strcmp(argv[1], "--help") == 0 ? stdout
								  : stderr);
		exit(argc >= 2 && strcmp(argv[1], "--help") == 0 ? 0 : 2);
	}
	for (o->scenario = FANOUT; o->scenario <= WAKEUP; o->scenario++)
		if (strcmp(argv[1], scenario_names[o->scenario]) == 0)
			break;
	if (o->scenario > WAKEUP)
		die("unknown scenario %s", argv[1]);
	optind = 2;
	while ((ch = getopt_long(argc, argv, "", longs, NULL)) != -1) {
		switch (ch) {
		case 'u':
			o->url = optarg;
			break;
		case 'c':
			o->cookies_file = optarg;
			break;
		case 's':
			if (asprintf(&staff_cookie, "fair_session=%s", optarg) <
			    0)
				die("%s", "out of memory");
			o->staff_cookie = staff_cookie;
			break;
		case 'f':
			o->fair = atol(optarg);
			break;
		case 'p':
			o->product = atol(optarg);
			break;
		case 'v':
			o->variants = parse_list(optarg, &o->variant_count);
			break;
		case 'n':
			o->conns = atol(optarg);
			break;
		case 'w':
			o->window = atol(optarg);
			break;
		case 'S':
			o->sources = atol(optarg);
			break;
		case 'j':
			o->join = true;
			break;
		case 'r':
			o->rounds = atol(optarg);
			break;
		case 'm':
			o->spread_ms = atof(optarg);
			break;
		case 'g':
			o->gap = atof(optarg);
			break;
		case 'F':
			o->flash_dealers = atol(optarg);
			break;
		case 'R':
			o->rate = atof(optarg);
			break;
		case 'd':
			o->duration = atof(optarg);
			break;
		case 'q':
			o->qa_rate = atof(optarg);
			break;
		case 'i':
			o->inflight = atol(optarg);
			break;
		case 'P':
			o->server_pid = atol(optarg);
			break;
		case 'H':
			o->hold = atof(optarg);
			break;
		case 'W':
			o->hold_for_signal = true;
			break;
		case 'T':
			if (strcmp(optarg, "read") && strcmp(optarg, "kernel"))
				die("%s", "--stamp: kernel or read");
			stamp_at_read = strcmp(optarg, "read") == 0;
			break;
		case 'D':
			o->db_url = optarg;
			break;
		case 'I':
			o->run_id = optarg;
			break;
		case 't':
			o->target_name = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			exit(2);
		}
	}
	if (o->conns < 1 || o->conns > 1000000 || o->window < 1)
		die("%s", "--conns and --window must be positive");
	if (o->inflight < 1 || o->inflight > MAX_INFLIGHT)
		die("%s", "--inflight must be 1 to 16");
	if ((o->scenario == FLASH || o->scenario == SPREAD ||
	     o->scenario == MIXED) &&
	    !o->variant_count)
		die("%s", "this scenario needs --variants");
	if ((o->scenario == FANOUT || o->scenario == MIXED) && !o->staff_cookie)
		die("%s", "this scenario needs --staff (the rep's cookie)");
	if (o->scenario == IDLE && o->server_pid <= 0 && !o->hold_for_signal)
		die("%s", "idle needs --server-pid (or --hold-for-signal)");
	if (!o->run_id) {
		snprintf(run_id, sizeof run_id, "ld%lx",
			 (unsigned long)time(NULL));
		o->run_id = run_id;
	}
}

int main(int argc, char **argv)
{
	static const struct ws_handlers handlers = {.on_message = on_message,
						    .on_close = on_close};
	struct options o;
	struct ws_target target = {.protocol = "fair.v1"};
	struct run r = {.o = &o, .rep = -1, .error_codes = json_object()};
	struct meter open_meter;
	json_t *result, *report;
	int64_t open_ns;
	long rss0 = 0, kern0 = 0;
	struct ws_counts k;
	bool staff = false;

	parse_options(&o, argc, argv);
	server_pid = o.server_pid;
	if (getenv("FAIRLOAD_TRACE"))
		trace = atol(getenv("FAIRLOAD_TRACE"));
	if (o.scenario == WAKEUP) {
		wakeup();
		return 0;
	}
	if (ws_target_parse(&target, o.url) != 0)
		die("bad --url %s (ws://HOST:PORT/PATH)", o.url);
	target.source_count = (int)o.sources;
	if (o.cookies_file)
		r.cookies = read_cookies(o.cookies_file, &r.cookie_count);
	staff = o.scenario == FANOUT || o.scenario == MIXED;
	r.total = (int)o.conns + (staff ? 1 : 0);
	r.rep = staff ? r.total - 1 : -1;
	r.peers = calloc((size_t)r.total, sizeof *r.peers);
	r.price_cap =
		(long)(o.rate * (o.duration +
				 60 * (o.rounds + 1) * (o.scenario == MIXED)) +
		       16);
	r.price_sent_ns = calloc((size_t)r.price_cap, sizeof *r.price_sent_ns);
	r.loop = ws_loop_new(&target, r.total, &handlers, &r);
	if (!r.peers || !r.price_sent_ns || !r.loop)
		die("%s", "out of memory");
	if (r.rep >= 0)
		r.peers[r.rep].rep = true;
	if (o.hold_for_signal)
		signal(SIGUSR1, release_hold);
	if (o.scenario == IDLE && o.server_pid > 0) {
		rss0 = proc_rss_kib(o.server_pid);
		kern0 = kernel_socket_kib();
	}

	open_meter = meter_start();
	open_ns = open_all(&r, 0, r.total, o.window, 300);
	if (o.scenario == STORM) {
		result = run_storm(&r, open_ns, meter_cpu_pct(open_meter));
	} else {
		if (o.join)
			join_all(&r, 0, r.total, 300);
		if (o.scenario == FLASH)
			result = run_flash(&r);
		else if (o.scenario == SPREAD)
			result = run_spread(&r);
		else if (o.scenario == FANOUT)
			result = run_fanout(&r);
		else if (o.scenario == MIXED)
			result = run_mixed(&r);
		else
			result = run_idle(&r, rss0, kern0, open_ns);
	}
	ws_loop_counts(r.loop, &k);
	if (server_pid > 0 && last_meter.server_cpu >= 0) {
		/* The server's CPU over the measured phase: deliveries or orders per
		 * server CPU second say what one core of it can do. */
		double used =
			proc_cpu_seconds(server_pid) - last_meter.server_cpu;
		double wall = (double)(now_ns() - last_meter.wall_ns) / 1e9;

		json_object_set_new(result, "server_cpu_s", json_real(used));
		json_object_set_new(
			result, "server_cpu_pct",
			json_real(wall > 0 ? 100 * used / wall : 0));
	}
	{
		json_t *cpu = json_object_get(result, "loadgen_cpu_pct");
		double pct = cpu ? json_number_value(cpu) : 0;

		report = json_pack(
			"{s:s,s:s,s:i,s:i,s:i,s:I,s:s,s:I,s:I,s:o,s:b}",
			"scenario", scenario_names[o.scenario], "target",
			o.target_name, "connections", r.total, "hellos",
			r.hellos, "join_failed", r.join_failed, "join_retries",
			(json_int_t)r.join_retries, "first_join_error",
			r.first_join_error, "connect_errors",
			(json_int_t)(k.connect_errors +
				     (uint64_t)r.connect_failed_now),
			"frames_in", (json_int_t)k.frames_in, "result", result,
			"void", pct > 90.0);
	}
	json_dumpf(report, stdout, JSON_COMPACT);
	fputc('\n', stdout);
	json_decref(report);
	json_decref(r.error_codes);
	samples_free(&r.ack);
	samples_free(&r.fan);
	samples_free(&r.stock_lag);
	ws_loop_free(r.loop);
	for (size_t i = 0; i < r.cookie_count; i++)
		free(r.cookies[i]);
	free(r.cookies);
	free(r.peers);
	free(r.price_sent_ns);
	free(o.variants);
	return 0;
}
