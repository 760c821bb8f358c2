/* pg.c - asynchronous libpq pool on the lws loop (see pg.h). */
#include "db/pg.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "base/loop_timer.h"
#include "base/rawfd.h"
#include "base/timefmt.h"
#include "base/xalloc.h"
#include "db/fair_queue.h"

#define PG_MAX_CHANNELS 16
#define PG_TIMEOUT_GRACE_MS 1000 /* after statement_timeout, before reset */

struct pg_req {
	struct fq_item fq; /* first: fair_queue items cast back */
	struct pg_req *next;
	const char *sql; /* NULL for an internal request */
	int nparams;
	char **values; /* one block: pointers, then the texts */
	pg_done_fn done;
	void *arg;
	int64_t deadline_ms; /* monotonic: queue wait, then reply wait */
	int64_t sent_ms;
	int backend_pid; /* of the connection it was sent on */
	PGresult *res;   /* first result, kept until the sync arrives */
};

enum conn_state { CONN_DOWN, CONN_CONNECTING, CONN_LISTENING, CONN_READY };

struct pg_conn {
	struct rawfd watch; /* first: the rawfd callback casts back */
	struct pg_pool *pool;
	PGconn *conn;
	enum conn_state state;
	bool is_listener;
	bool broken;    /* a send failed: reset from the timer */
	bool was_ready; /* ready at least once since created */
	dev_t sock_dev; /* identity of the adopted socket */
	ino_t sock_ino;
	struct pg_req *head, *tail; /* sent, awaiting results, in order */
	unsigned in_flight;
	unsigned attempt;    /* consecutive failed connection attempts */
	int64_t timer_at_ms; /* connect deadline or reconnect time */
	struct loop_timer timer;
	char name[24]; /* "connection 1", "LISTEN connection" */
};

struct pg_channel {
	char name[64];
	pg_notify_fn fn;
	void *arg;
};

struct pg_pool {
	struct lws_vhost *vh;
	char *conninfo;
	int query_timeout_ms, reconnect_max_ms, queue_max, queue_wait_ms;
	struct pg_conn *conns; /* pool_size request connections */
	int n_conns;
	struct pg_conn *listener; /* NULL until the first pg_listen */
	struct pg_channel channels[PG_MAX_CHANNELS];
	int n_channels;
	struct fair_queue fq; /* waiting for a connection, fair by user */
	struct loop_timer queue_timer;
	bool shutting_down;
	bool reported_down; /* "PostgreSQL is down" logged, not yet up */
	struct pg_stats stats;
	int done_backend_pid; /* while a done callback runs */
};

static void conn_start(struct pg_conn *c);
static void conn_lost(struct pg_conn *c, const char *why);
static void conn_arm_timer(struct pg_conn *c);
static void pool_flush_queue(struct pg_pool *p);

/* Requests in one connection's pipeline at most; the rest wait in the
 * pool's queue (db_queue_max, db_queue_wait_ms). Without a cap, 10,000
 * dealers joining at once made pipelines so deep that their last requests
 * passed db_query_timeout_ms and the connections were reset, with any
 * order batch on them. */
#define PG_PIPELINE_MAX 32

/* ---- requests ---- */

static struct pg_req *req_new(const char *sql, int nparams,
			      const char *const *values, pg_done_fn done,
			      void *arg)
{
	size_t bytes = sizeof(char *) * (size_t)nparams;
	struct pg_req *r;
	char *text;

	for (int i = 0; i < nparams; i++)
		bytes += values[i] ? strlen(values[i]) + 1 : 0;
	r = xcalloc(1, sizeof *r);
	if (nparams) {
		r->values = xmalloc(bytes);
		text = (char *)(r->values + nparams);
		for (int i = 0; i < nparams; i++) {
			if (!values[i]) {
				r->values[i] = NULL; /* SQL NULL */
				continue;
			}
			r->values[i] = text;
			strcpy(text, values[i]);
			text += strlen(values[i]) + 1;
		}
	}
	r->sql = sql;
	r->nparams = nparams;
	r->done = done;
	r->arg = arg;
	return r;
}

/* Ends a request: one call of its callback, then it is freed. */
static void req_finish(struct pg_pool *p, struct pg_req *r,
		       enum pg_outcome outcome)
{
	switch (outcome) {
	case PG_DONE:
		p->stats.queries++;
		if (!r->res || (PQresultStatus(r->res) != PGRES_TUPLES_OK &&
				PQresultStatus(r->res) != PGRES_COMMAND_OK))
			p->stats.errors++;
		p->stats.latency_us_sum +=
			(uint64_t)(timefmt_mono_ms() - r->sent_ms) * 1000;
		break;
	case PG_NOT_SENT:
		p->stats.not_sent++;
		break;
	case PG_LOST:
		p->stats.lost++;
		break;
	}
	fq_finish(&p->fq, &r->fq);
	p->done_backend_pid = r->backend_pid;
	if (r->done)
		r->done(r->arg, outcome, outcome == PG_DONE ? r->res : NULL);
	p->done_backend_pid = 0;
	PQclear(r->res);
	free(r->values);
	free(r);
}

/* ---- connection set-up ---- */

static int socket_identity(int fd, dev_t *dev, ino_t *ino)
{
	struct stat st;

	if (fd < 0 || fstat(fd, &st))
		return -1;
	*dev = st.st_dev;
	*ino = st.st_ino;
	return 0;
}

static int conn_on_event(struct rawfd *w, enum rawfd_event ev);

/* Adopts a dup of libpq's socket when it is not the one already watched:
 * during PQconnectPoll libpq may close it and open another (several hosts,
 * SSL retry), and a new socket may even reuse the old fd number. */
static int conn_watch_socket(struct pg_conn *c)
{
	int fd = PQsocket(c->conn), dup_fd;
	dev_t dev;
	ino_t ino;

	if (socket_identity(fd, &dev, &ino))
		return -1;
	if (c->watch.wsi && dev == c->sock_dev && ino == c->sock_ino)
		return 0;
	rawfd_release(&c->watch);
	dup_fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (dup_fd < 0)
		return -1;
	c->sock_dev = dev;
	c->sock_ino = ino;
	c->watch.on_event = conn_on_event;
	return rawfd_adopt(c->pool->vh, dup_fd, &c->watch);
}

static void conn_start(struct pg_conn *c)
{
	struct pg_pool *p = c->pool;
	/* Our defaults first: values in the URL (expanded from dbname) win. */
	const char *keys[] = {
		"application_name", "keepalives_idle", "keepalives_interval",
		"keepalives_count", "dbname",          NULL};
	const char *vals[] = {c->is_listener ? "fairserver-listen"
					     : "fairserver",
			      "10",
			      "5",
			      "3",
			      p->conninfo,
			      NULL};

	c->state = CONN_CONNECTING;
	c->broken = false;
	c->conn = PQconnectStartParams(keys, vals, 1);
	c->timer_at_ms = timefmt_mono_ms() + p->query_timeout_ms;
	if (!c->conn || PQstatus(c->conn) == CONNECTION_BAD ||
	    PQsetnonblocking(c->conn, 1) || conn_watch_socket(c)) {
		conn_lost(c,
			  c->conn ? PQerrorMessage(c->conn) : "out of memory");
		return;
	}
	/* libpq's rule: begin as if PQconnectPoll had asked to write. */
	rawfd_want_write(&c->watch);
	conn_arm_timer(c);
}

static void pool_note_up(struct pg_pool *p)
{
	if (p->reported_down) {
		LOG(LOG_NOTICE, "PostgreSQL is reachable again");
		p->reported_down = false;
	}
}

/* The pool knows PostgreSQL is down when no request connection is ready
 * and each has failed an attempt since it was last ready. */
static bool pool_known_down(const struct pg_pool *p)
{
	for (int i = 0; i < p->n_conns; i++)
		if (p->conns[i].state == CONN_READY || p->conns[i].attempt == 0)
			return false;
	return true;
}

static void pool_fail_queue(struct pg_pool *p)
{
	struct fq_item *it;

	while ((it = fq_take_any(&p->fq)))
		req_finish(p, (struct pg_req *)it, PG_NOT_SENT);
}

/* Sends r on c. Returns 0, or -1 when libpq refused it (nothing sent). */
static int conn_send(struct pg_conn *c, struct pg_req *r)
{
	int64_t now = timefmt_mono_ms();

	if (!PQsendQueryParams(c->conn, r->sql, r->nparams, NULL,
			       (const char *const *)r->values, NULL, NULL, 0) ||
	    !PQpipelineSync(c->conn))
		return -1;
	r->next = NULL;
	r->sent_ms = now;
	r->backend_pid = PQbackendPID(c->conn);
	r->deadline_ms = now + c->pool->query_timeout_ms + PG_TIMEOUT_GRACE_MS;
	if (c->tail)
		c->tail->next = r;
	else
		c->head = r;
	c->tail = r;
	c->in_flight++;
	c->pool->stats.in_flight++;
	/* Always go through WRITABLE to flush: it batches several requests
	 * queued in one loop turn into fewer writes. */
	rawfd_want_write(&c->watch);
	conn_arm_timer(c);
	return 0;
}

static void conn_ready(struct pg_conn *c)
{
	struct pg_pool *p = c->pool;
	char sql[96];
	struct pg_req *r;

	if (!PQenterPipelineMode(c->conn)) {
		conn_lost(c, "could not enter pipeline mode");
		return;
	}
	if (c->was_ready)
		p->stats.reconnects++;
	c->state = CONN_READY;
	c->was_ready = true;
	c->attempt = 0;
	/* Internal: the server-side limit matching our client-side timeout.
	 * Pipelining keeps it ahead of every request sent after it. */
	snprintf(sql, sizeof sql, "SET statement_timeout = %d",
		 p->query_timeout_ms);
	r = req_new(NULL, 0, NULL, NULL, NULL);
	if (!PQsendQueryParams(c->conn, sql, 0, NULL, NULL, NULL, NULL, 0) ||
	    !PQpipelineSync(c->conn)) {
		free(r);
		conn_lost(c, "could not configure the connection");
		return;
	}
	r->sent_ms = timefmt_mono_ms();
	r->deadline_ms = r->sent_ms + p->query_timeout_ms + PG_TIMEOUT_GRACE_MS;
	c->head = c->tail = r;
	c->in_flight = 1;
	p->stats.in_flight++;
	rawfd_want_write(&c->watch);
	LOG(LOG_INFO, "PostgreSQL %s ready (backend pid %d)", c->name,
	    PQbackendPID(c->conn));
	pool_note_up(p);
	pool_flush_queue(p);
	conn_arm_timer(c);
}

static void listener_subscribe(struct pg_conn *c)
{
	struct pg_pool *p = c->pool;
	char sql[PG_MAX_CHANNELS * 80] = "";
	size_t used = 0;

	for (int i = 0; i < p->n_channels; i++)
		used += (size_t)snprintf(sql + used, sizeof sql - used,
					 "LISTEN \"%s\";", p->channels[i].name);
	if (!PQsendQuery(c->conn, sql)) {
		conn_lost(c, PQerrorMessage(c->conn));
		return;
	}
	c->state = CONN_LISTENING;
	c->timer_at_ms = timefmt_mono_ms() + p->query_timeout_ms;
	rawfd_want_write(&c->watch);
	conn_arm_timer(c);
}

static void conn_connect_poll(struct pg_conn *c)
{
	switch (PQconnectPoll(c->conn)) {
	case PGRES_POLLING_FAILED:
		conn_lost(c, PQerrorMessage(c->conn));
		return;
	case PGRES_POLLING_OK:
		if (conn_watch_socket(c)) {
			conn_lost(c, "socket changed and could not be watched");
			return;
		}
		if (c->is_listener)
			listener_subscribe(c);
		else
			conn_ready(c);
		return;
	case PGRES_POLLING_WRITING:
		if (conn_watch_socket(c))
			conn_lost(c, "socket changed and could not be watched");
		else
			rawfd_want_write(&c->watch);
		return;
	default: /* reading: lws watches for input anyway */
		if (conn_watch_socket(c))
			conn_lost(c, "socket changed and could not be watched");
		return;
	}
}

/* ---- losing a connection ---- */

static int64_t backoff_ms(struct pg_pool *p, unsigned attempt)
{
	int64_t delay = 100;

	if (attempt == 0)
		return 0; /* first retry after a loss: at once */
	for (unsigned i = 1; i < attempt && delay < p->reconnect_max_ms; i++)
		delay *= 2;
	if (delay > p->reconnect_max_ms)
		delay = p->reconnect_max_ms;
	return delay + (int64_t)(rand() % (int)(delay / 5 + 1)); /* jitter */
}

static void conn_lost(struct pg_conn *c, const char *why)
{
	struct pg_pool *p = c->pool;
	bool was_ready = c->state == CONN_READY || c->state == CONN_LISTENING;
	struct pg_req *r;
	char reason[256];
	size_t n;

	/* libpq's messages span lines: keep one log line per event */
	snprintf(reason, sizeof reason, "%s", why ? why : "unknown error");
	for (char *q = reason; *q; q++)
		if (*q == '\n' || *q == '\t')
			*q = ' ';
	n = strlen(reason);
	while (n && reason[n - 1] == ' ')
		reason[--n] = '\0';
	rawfd_release(&c->watch);
	if (c->conn) {
		if (c->conn && PQpipelineStatus(c->conn) != PQ_PIPELINE_OFF)
			PQexitPipelineMode(c->conn);
		PQfinish(c->conn);
		c->conn = NULL;
	}
	c->state = CONN_DOWN;
	c->broken = false;
	while ((r = c->head)) {
		c->head = r->next;
		p->stats.in_flight--;
		req_finish(p, r, PG_LOST);
	}
	c->tail = NULL;
	c->in_flight = 0;
	if (was_ready) {
		LOG(p->shutting_down ? LOG_DEBUG : LOG_WARN,
		    "PostgreSQL %s closed: %s", c->name, reason);
		c->attempt = 0;
	} else {
		if (c->attempt == 0 || c->attempt % 20 == 0)
			LOG(c->attempt ? LOG_INFO : LOG_WARN,
			    "PostgreSQL %s: attempt %u failed: %s", c->name,
			    c->attempt + 1, reason);
		c->attempt++;
	}
	if (!c->is_listener && !p->shutting_down && pool_known_down(p)) {
		if (!p->reported_down)
			LOG(LOG_ERROR, "PostgreSQL is down: requests answer "
				       "unavailable until it is back");
		p->reported_down = true;
		pool_fail_queue(p);
	}
	if (p->shutting_down)
		return;
	c->timer_at_ms = timefmt_mono_ms() + backoff_ms(p, c->attempt);
	conn_arm_timer(c);
}

/* ---- loop events ---- */

static void conn_read_results(struct pg_conn *c)
{
	struct pg_pool *p = c->pool;
	int nulls = 0;

	while (c->head && !PQisBusy(c->conn)) {
		PGresult *res = PQgetResult(c->conn);
		struct pg_req *r = c->head;

		if (!res) {
			/* NULL ends one query's results; two in a row mean
			 * libpq has nothing more for us now. */
			if (++nulls > 1)
				break;
			continue;
		}
		nulls = 0;
		if (PQresultStatus(res) != PGRES_PIPELINE_SYNC) {
			if (!r->res)
				r->res = res;
			else
				PQclear(res);
			continue;
		}
		PQclear(res);
		c->head = r->next;
		if (!c->head)
			c->tail = NULL;
		c->in_flight--;
		p->stats.in_flight--;
		if (!r->sql && r->res &&
		    PQresultStatus(r->res) != PGRES_COMMAND_OK)
			LOG(LOG_WARN, "PostgreSQL connection set-up: %s",
			    PQresultErrorMessage(r->res));
		req_finish(p, r, PG_DONE);
	}
}

static void listener_read(struct pg_conn *c)
{
	struct pg_pool *p = c->pool;
	PGnotify *n;

	if (c->state == CONN_LISTENING) {
		while (!PQisBusy(c->conn)) {
			PGresult *res = PQgetResult(c->conn);

			if (!res) {
				c->state = CONN_READY;
				c->attempt = 0;
				conn_arm_timer(c);
				LOG(LOG_INFO,
				    "LISTEN connection ready (%d "
				    "channels)",
				    p->n_channels);
				/* Whatever was notified while we were away is
				 * lost: subscribers re-read their state. */
				for (int i = 0; i < p->n_channels; i++)
					p->channels[i].fn(p->channels[i].arg,
							  p->channels[i].name,
							  NULL);
				break;
			}
			if (PQresultStatus(res) != PGRES_COMMAND_OK) {
				char why[256];

				snprintf(why, sizeof why, "LISTEN failed: %s",
					 PQresultErrorMessage(res));
				PQclear(res);
				conn_lost(c, why);
				return;
			}
			PQclear(res);
		}
	}
	while ((n = PQnotifies(c->conn))) {
		for (int i = 0; i < p->n_channels; i++)
			if (!strcmp(p->channels[i].name, n->relname))
				p->channels[i].fn(p->channels[i].arg,
						  n->relname, n->extra);
		PQfreemem(n);
	}
}

static int conn_on_event(struct rawfd *w, enum rawfd_event ev)
{
	struct pg_conn *c = (struct pg_conn *)w;

	if (ev == RAWFD_CLOSED) {
		if (c->state != CONN_DOWN)
			conn_lost(c, "socket closed");
		return 0;
	}
	if (c->state == CONN_CONNECTING) {
		conn_connect_poll(c);
		return 0;
	}
	if (c->state == CONN_DOWN || !c->conn)
		return 0;
	if (ev == RAWFD_WRITABLE) {
		int r = PQflush(c->conn);

		if (r < 0)
			conn_lost(c, PQerrorMessage(c->conn));
		else if (r > 0)
			rawfd_want_write(&c->watch);
		return 0;
	}
	if (!PQconsumeInput(c->conn)) {
		conn_lost(c, PQerrorMessage(c->conn));
		return 0;
	}
	if (c->is_listener) {
		listener_read(c);
	} else {
		conn_read_results(c);
		/* Room in the pipeline again: what waits in the queue goes. */
		if (c->pool->fq.waiting && !c->pool->shutting_down)
			pool_flush_queue(c->pool);
	}
	if (c->conn && PQstatus(c->conn) == CONNECTION_BAD)
		conn_lost(c, PQerrorMessage(c->conn));
	return 0;
}

/* ---- timers ---- */

static void conn_timer_cb(struct loop_timer *t)
{
	struct pg_conn *c = lws_container_of(t, struct pg_conn, timer);
	int64_t now = timefmt_mono_ms();

	switch (c->state) {
	case CONN_DOWN:
		if (now >= c->timer_at_ms)
			conn_start(c);
		else
			conn_arm_timer(c);
		return;
	case CONN_CONNECTING:
	case CONN_LISTENING:
		if (now >= c->timer_at_ms)
			conn_lost(c, "timed out connecting");
		else
			conn_arm_timer(c);
		return;
	case CONN_READY:
		if (c->broken)
			conn_lost(c, PQerrorMessage(c->conn));
		else if (c->head && now >= c->head->deadline_ms)
			conn_lost(c, "no reply within the query timeout");
		else
			conn_arm_timer(c);
		return;
	}
}

/* Schedules the connection's one timer for the next thing it waits for. */
static void conn_arm_timer(struct pg_conn *c)
{
	int64_t at, now = timefmt_mono_ms();

	if (c->state == CONN_READY)
		at = c->broken ? now : c->head ? c->head->deadline_ms : -1;
	else
		at = c->timer_at_ms;
	if (at < 0 || (c->pool->shutting_down && c->state == CONN_DOWN)) {
		loop_timer_cancel(&c->timer);
		return;
	}
	loop_timer_schedule(&c->timer, conn_timer_cb,
			    (at > now ? at - now : 0) * LWS_US_PER_MS + 1);
}

static void queue_timer_cb(struct loop_timer *t)
{
	struct pg_pool *p = lws_container_of(t, struct pg_pool, queue_timer);
	int64_t now = timefmt_mono_ms();
	struct fq_item *it;

	while ((it = fq_take_expired(&p->fq, now)))
		req_finish(p, (struct pg_req *)it, PG_NOT_SENT);
	if (p->fq.waiting)
		loop_timer_schedule(&p->queue_timer, queue_timer_cb,
				    (fq_next_deadline(&p->fq) - now) *
					    LWS_US_PER_MS);
}

/* ---- pool ---- */

/* Whether c is likely to answer a new request sooner than best: fewer
 * requests ahead of it, or as many sent longer ago (an order batch that
 * committed a moment ago, rather than one just sent). */
static bool conn_sooner(const struct pg_conn *c, const struct pg_conn *best)
{
	if (c->in_flight != best->in_flight)
		return c->in_flight < best->in_flight;
	return c->head && best->head && c->head->sent_ms < best->head->sent_ms;
}

/* The ready connection likely to answer soonest; with a cap, only one with
 * fewer than PG_PIPELINE_MAX requests in its pipeline. */
static struct pg_conn *pool_pick(struct pg_pool *p, bool capped)
{
	struct pg_conn *best = NULL;

	for (int i = 0; i < p->n_conns; i++) {
		struct pg_conn *c = &p->conns[i];

		if (c->state == CONN_READY && !c->broken &&
		    (!capped || c->in_flight < PG_PIPELINE_MAX) &&
		    (!best || conn_sooner(c, best)))
			best = c;
	}
	return best;
}

/* Sends what waits while pipelines have room, the users' lanes in turn. */
static void pool_flush_queue(struct pg_pool *p)
{
	struct pg_conn *c;
	struct fq_item *it;

	while (p->fq.waiting && (c = pool_pick(p, true)) &&
	       (it = fq_take(&p->fq))) {
		struct pg_req *r = (struct pg_req *)it;

		if (conn_send(c, r)) {
			c->broken = true;
			conn_arm_timer(c);
			req_finish(p, r, PG_NOT_SENT);
		}
	}
}

static int pool_query(struct pg_pool *p, bool first, uint64_t owner,
		      const char *sql, int nparams, const char *const *values,
		      pg_done_fn done, void *arg)
{
	struct pg_conn *c;
	struct pg_req *r;
	int rc;

	if (!p || p->shutting_down)
		return -1;
	/* Sent at once when the owner's lane may send and a pipeline has
	 * room; otherwise it waits its lane's turn. `first` goes past it. */
	if (first)
		c = pool_pick(p, false);
	else
		c = fq_may_start(&p->fq, owner) ? pool_pick(p, true) : NULL;
	if (!c &&
	    (pool_known_down(p) || p->fq.waiting >= (unsigned)p->queue_max))
		return -1;
	r = req_new(sql, nparams, values, done, arg);
	if (c) {
		if (!first)
			fq_start(&p->fq, &r->fq, owner);
		if (conn_send(c, r) == 0)
			return 0;
		/* Reset it from its timer, never from inside this call. */
		c->broken = true;
		conn_arm_timer(c);
		fq_finish(&p->fq, &r->fq);
		free(r->values);
		free(r);
		return -1;
	}
	rc = fq_wait(&p->fq, &r->fq, owner,
		     timefmt_mono_ms() + p->queue_wait_ms);
	if (rc) {
		free(r->values);
		free(r);
		return rc == FQ_LANE_FULL ? PG_OWNER_BUSY : -1;
	}
	if (p->fq.waiting == 1)
		loop_timer_schedule(&p->queue_timer, queue_timer_cb,
				    (int64_t)p->queue_wait_ms * LWS_US_PER_MS);
	return 0;
}

int pg_query(struct pg_pool *p, const char *sql, int nparams,
	     const char *const *values, pg_done_fn done, void *arg)
{
	return pool_query(p, false, 0, sql, nparams, values, done, arg);
}

int pg_query_for(struct pg_pool *p, uint64_t owner, const char *sql,
		 int nparams, const char *const *values, pg_done_fn done,
		 void *arg)
{
	return pool_query(p, false, owner, sql, nparams, values, done, arg);
}

int pg_query_first(struct pg_pool *p, const char *sql, int nparams,
		   const char *const *values, pg_done_fn done, void *arg)
{
	return pool_query(p, true, 0, sql, nparams, values, done, arg);
}

int pg_listen(struct pg_pool *p, const char *channel, pg_notify_fn fn,
	      void *arg)
{
	struct pg_channel *ch;

	if (p->n_channels == PG_MAX_CHANNELS ||
	    strlen(channel) >= sizeof ch->name ||
	    strspn(channel, "abcdefghijklmnopqrstuvwxyz_0123456789") !=
		    strlen(channel))
		return -1;
	ch = &p->channels[p->n_channels++];
	snprintf(ch->name, sizeof ch->name, "%s", channel);
	ch->fn = fn;
	ch->arg = arg;
	if (!p->listener) {
		p->listener = xcalloc(1, sizeof *p->listener);
		p->listener->pool = p;
		p->listener->is_listener = true;
		snprintf(p->listener->name, sizeof p->listener->name,
			 "LISTEN connection");
		conn_start(p->listener);
	}
	return 0;
}

struct pg_pool *pg_pool_create(struct lws_vhost *vh,
			       const struct pg_pool_config *cfg)
{
	struct pg_pool *p = xcalloc(1, sizeof *p);

	p->vh = vh;
	p->conninfo = xstrdup(cfg->conninfo ? cfg->conninfo : "");
	p->query_timeout_ms = cfg->query_timeout_ms;
	p->reconnect_max_ms = cfg->reconnect_max_ms;
	p->queue_max = cfg->queue_max;
	p->queue_wait_ms = cfg->queue_wait_ms;
	fq_init(&p->fq, (unsigned)cfg->user_in_flight_max,
		(unsigned)cfg->user_queue_max);
	p->n_conns = cfg->pool_size;
	p->conns = xcalloc((size_t)p->n_conns, sizeof *p->conns);
	for (int i = 0; i < p->n_conns; i++) {
		p->conns[i].pool = p;
		snprintf(p->conns[i].name, sizeof p->conns[i].name,
			 "connection %d", i + 1);
		conn_start(&p->conns[i]);
	}
	return p;
}

bool pg_pool_up(const struct pg_pool *p)
{
	for (int i = 0; i < p->n_conns; i++)
		if (p->conns[i].state == CONN_READY)
			return true;
	return false;
}

int pg_done_backend_pid(const struct pg_pool *p)
{
	return p->done_backend_pid;
}

void pg_pool_stats(const struct pg_pool *p, struct pg_stats *out)
{
	*out = p->stats;
	out->queued = p->fq.waiting;
}

void pg_pool_begin_shutdown(struct pg_pool *p)
{
	p->shutting_down = true;
	pool_fail_queue(p);
	loop_timer_cancel(&p->queue_timer);
}

bool pg_pool_idle(const struct pg_pool *p)
{
	if (p->fq.waiting)
		return false;
	for (int i = 0; i < p->n_conns; i++)
		if (p->conns[i].head)
			return false;
	return true;
}

static void conn_destroy(struct pg_conn *c)
{
	loop_timer_cancel(&c->timer);
	if (c->state != CONN_DOWN || c->conn)
		conn_lost(c, "server shutting down");
	loop_timer_cancel(&c->timer);
	rawfd_release(&c->watch); /* and its pending re-arm, if any */
}

void pg_pool_destroy(struct pg_pool *p)
{
	if (!p)
		return;
	p->shutting_down = true;
	pool_fail_queue(p);
	loop_timer_cancel(&p->queue_timer);
	for (int i = 0; i < p->n_conns; i++)
		conn_destroy(&p->conns[i]);
	if (p->listener) {
		conn_destroy(p->listener);
		free(p->listener);
	}
	fq_free(&p->fq);
	free(p->conns);
	free(p->conninfo);
	free(p);
}
