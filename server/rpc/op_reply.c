/* op_reply.c - replies now, later, or after a read query (see op_reply.h). */
#include "rpc/op_reply.h"

#include <stdbool.h>
#include <stdlib.h>

#include "base/log.h"
#include "base/xalloc.h"
#include "db/pg.h"
#include "server.h"

void op_ok(struct op_call *call, json_t *result)
{
	op_reply_sink.json(call->caller.session_id,
			   proto_ok_reply(call->rid, result));
}

void op_fail(struct op_call *call, enum proto_error code, const char *message,
	     json_t *details)
{
	op_reply_sink.json(
		call->caller.session_id,
		proto_error_reply(call->rid, code, message, details));
}

struct op_ticket *op_defer(struct op_call *call)
{
	struct op_ticket *t = xmalloc(sizeof *t);

	t->caller = call->caller;
	t->rid = json_incref(call->rid);
	t->data = NULL;
	return t;
}

static void ticket_free(struct op_ticket *t)
{
	json_decref(t->rid);
	free(t->data);
	free(t);
}

void op_ticket_ok(struct op_ticket *t, json_t *result)
{
	op_reply_sink.json(t->caller.session_id,
			   proto_ok_reply(t->rid, result));
	ticket_free(t);
}

int op_ticket_ok_text(struct op_ticket *t, const char *result, size_t len)
{
	size_t n;
	char *text = proto_ok_reply_text(t->rid, result, len, &n);

	if (!text) { /* not the text of an object */
		LOG(LOG_ERROR, "a reply could not be built (%zu bytes)", len);
		op_ticket_fail(t, ERR_INTERNAL, "the reply could not be built",
			       NULL);
		return -1;
	}
	op_reply_sink.text(t->caller.session_id, text, n);
	free(text);
	ticket_free(t);
	return 0;
}

void op_ticket_fail(struct op_ticket *t, enum proto_error code,
		    const char *message, json_t *details)
{
	op_reply_sink.json(t->caller.session_id,
			   proto_error_reply(t->rid, code, message, details));
	ticket_free(t);
}

void op_ticket_unavailable(struct op_ticket *t)
{
	op_ticket_fail(t, ERR_UNAVAILABLE, "the database is unavailable: retry",
		       NULL);
}

struct query_job {
	struct op_ticket *ticket;
	op_rows_fn fn;
	bool write;
};

void op_ticket_db_error(struct op_ticket *t, const PGresult *res)
{
	enum proto_error code = proto_error_of_sqlstate(
		PQresultErrorField(res, PG_DIAG_SQLSTATE));

	if (code == ERR_INTERNAL) {
		LOG(LOG_ERROR, "query failed: %s", PQresultErrorMessage(res));
		op_ticket_fail(t, code, "the database refused the request",
			       NULL);
	} else if (code == ERR_UNAVAILABLE) {
		LOG(LOG_WARN, "query failed: %s", PQresultErrorMessage(res));
		op_ticket_fail(t, code,
			       "the database could not do it now: retry", NULL);
	} else {
		op_ticket_fail(t, code,
			       PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY),
			       NULL);
	}
}

static void query_done(void *arg, enum pg_outcome outcome, const PGresult *res)
{
	struct query_job *job = arg;

	if (outcome == PG_LOST && job->write)
		op_ticket_fail(job->ticket, ERR_IN_DOUBT,
			       "the connection to the database was lost: the "
			       "change may or may not have been made",
			       NULL);
	else if (outcome != PG_DONE)
		op_ticket_unavailable(job->ticket);
	else if (PQresultStatus(res) != PGRES_TUPLES_OK)
		op_ticket_db_error(job->ticket, res);
	else
		job->fn(job->ticket, res);
	free(job);
}

static void ticket_query(struct op_ticket *t, bool write, const char *sql,
			 int nparams, const char *const *params, op_rows_fn fn)
{
	struct query_job *job = xmalloc(sizeof *job);
	int rc;

	job->ticket = t;
	job->fn = fn;
	job->write = write;
	/* In the caller's lane: a user flooding the server waits behind its
	 * own requests, not in front of everyone else's. */
	rc = pg_query_for(srv.db, (uint64_t)t->caller.user_id, sql, nparams,
			  params, query_done, job);
	if (rc == PG_OWNER_BUSY)
		op_ticket_fail(t, ERR_RATE_LIMITED,
			       "too many of your requests are waiting for the "
			       "database: wait for their answers",
			       NULL);
	else if (rc)
		op_ticket_unavailable(t);
	if (rc)
		free(job);
}

void op_read(struct op_call *call, const char *sql, int nparams,
	     const char *const *params, op_rows_fn fn)
{
	ticket_query(op_defer(call), false, sql, nparams, params, fn);
}

void op_ticket_read(struct op_ticket *t, const char *sql, int nparams,
		    const char *const *params, op_rows_fn fn)
{
	ticket_query(t, false, sql, nparams, params, fn);
}

void op_ticket_write(struct op_ticket *t, const char *sql, int nparams,
		     const char *const *params, op_rows_fn fn)
{
	ticket_query(t, true, sql, nparams, params, fn);
}
