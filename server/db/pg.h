/* pg.h - asynchronous PostgreSQL on the libwebsockets loop.
 *
 * A small pool of non-blocking libpq connections in pipeline mode, their
 * sockets adopted by lws (rawfd.h), plus one LISTEN connection. Requests go
 * to the least busy ready connection and are matched to results by a FIFO;
 * those that find every pipeline full wait in a queue that serves the users
 * in turn (db/fair_queue.h). No call here blocks.
 *
 * Every accepted request ends in exactly one call of its done callback, on
 * the loop, with one of three outcomes:
 *   PG_DONE      PostgreSQL answered: res is its result, which may be an
 *                error (check PQresultStatus); res is freed after the call.
 *   PG_NOT_SENT  the request never reached PostgreSQL: nothing was done.
 *   PG_LOST      it was sent, then the connection broke or the reply did not
 *                come within the query timeout: the outcome is unknown.
 * Callbacks receive the arg given with the request and own it. Keep ids in
 * it, never pointers to sessions that may close meanwhile.
 *
 * While a reconnect is in progress requests wait in a short bounded queue;
 * once the pool knows PostgreSQL is down (a reconnect attempt failed) they
 * are refused at once. Reconnects back off exponentially. */
#ifndef FAIR_PG_H
#define FAIR_PG_H

#include <libpq-fe.h>
#include <libwebsockets.h>
#include <stdbool.h>
#include <stdint.h>

enum pg_outcome { PG_DONE, PG_NOT_SENT, PG_LOST };

typedef void (*pg_done_fn)(void *arg, enum pg_outcome outcome,
			   const PGresult *res);

/* A notification on a LISTENed channel. After the LISTEN connection was
 * (re)established, fn is called once per channel with payload NULL: what
 * was notified meanwhile is lost, so re-read state from the tables. */
typedef void (*pg_notify_fn)(void *arg, const char *channel,
			     const char *payload);

struct pg_pool_config {
	const char *conninfo; /* libpq connection string or URL */
	int pool_size;
	int query_timeout_ms; /* also statement_timeout on each connection */
	int reconnect_max_ms;
	int queue_max;
	int queue_wait_ms;
	int user_in_flight_max; /* one user's requests in PostgreSQL at once */
	int user_queue_max;     /* one user's requests waiting at once */
};

struct pg_stats {
	uint64_t queries;        /* requests completed with PG_DONE */
	uint64_t errors;         /* of those, error results */
	uint64_t not_sent;       /* refused or failed before sending */
	uint64_t lost;           /* outcome unknown */
	uint64_t reconnects;     /* connections established after a loss */
	uint64_t latency_us_sum; /* of PG_DONE requests, send to result */
	unsigned queued;         /* waiting for a connection now */
	unsigned in_flight;      /* sent, not yet answered, now */
};

struct pg_pool;

/* Creates the pool and starts connecting (nothing blocks). cfg's strings
 * are copied. */
struct pg_pool *pg_pool_create(struct lws_vhost *vh,
			       const struct pg_pool_config *cfg);

/* Sends one parameterised statement (text parameters, text results). sql
 * must stay valid until done runs (use string literals); values are copied.
 * Returns 0 when accepted (done will be called later, never from inside
 * this call), or -1 when refused now (nothing was sent, done is not called):
 * PostgreSQL is known to be down, the wait queue is full, or the pool is
 * shutting down or gone (p NULL: callbacks that run while the process
 * tears down after the pool was destroyed). */
int pg_query(struct pg_pool *p, const char *sql, int nparams,
	     const char *const *values, pg_done_fn done, void *arg);

/* pg_query on behalf of a user (owner: the user id): that user's requests
 * wait behind each other and the users' lanes are served in turn
 * (db/fair_queue.h), so one user flooding reads waits behind itself.
 * Returns as pg_query, or PG_OWNER_BUSY when that user already has
 * user_queue_max requests waiting (nothing sent, done is not called). */
#define PG_OWNER_BUSY (-2)
int pg_query_for(struct pg_pool *p, uint64_t owner, const char *sql,
		 int nparams, const char *const *values, pg_done_fn done,
		 void *arg);

/* pg_query ahead of the queue: sent at once on the least busy connection,
 * past the pipeline cap (order batches, which must not wait behind reads). */
int pg_query_first(struct pg_pool *p, const char *sql, int nparams,
		   const char *const *values, pg_done_fn done, void *arg);

/* Inside a done callback: the process id of the PostgreSQL backend the
 * request was sent on, 0 when it was never sent. After PG_LOST that
 * backend may still be running the request: a change it made is known only
 * once that backend is gone (pg_terminate_backend waits for it). */
int pg_done_backend_pid(const struct pg_pool *p);

/* Subscribes fn to a channel (a plain identifier). Call before the loop
 * runs; the LISTEN connection starts with the first subscription. */
int pg_listen(struct pg_pool *p, const char *channel, pg_notify_fn fn,
	      void *arg);

/* True while at least one request connection is ready. */
bool pg_pool_up(const struct pg_pool *p);

void pg_pool_stats(const struct pg_pool *p, struct pg_stats *out);

/* Stops taking requests; queued ones are answered PG_NOT_SENT. Requests in
 * flight go on until answered. */
void pg_pool_begin_shutdown(struct pg_pool *p);

/* True when no request is in flight or queued. */
bool pg_pool_idle(const struct pg_pool *p);

/* Closes every connection (in-flight requests end PG_LOST) and frees the
 * pool. */
void pg_pool_destroy(struct pg_pool *p);

#endif
