/* op.c - replies now, later, or after a read query (see op.h). */
#include "op.h"

#include <stdlib.h>

#include "log.h"
#include "pg.h"
#include "server.h"
#include "ws_session.h"

void op_ok(struct op_call *call, json_t *result)
{
	ws_session_reply(call->caller.session_id,
			 proto_ok_reply(call->rid, result));
}

void op_fail(struct op_call *call, enum proto_error code, const char *message,
	     json_t *details)
{
	ws_session_reply(call->caller.session_id,
			 proto_error_reply(call->rid, code, message, details));
}

struct op_ticket *op_defer(struct op_call *call)
{
	struct op_ticket *t = malloc(sizeof *t);

	if (!t)
		abort();
	t->caller = call->caller;
	t->rid = json_incref(call->rid);
	return t;
}

void op_ticket_ok(struct op_ticket *t, json_t *result)
{
	ws_session_reply(t->caller.session_id, proto_ok_reply(t->rid, result));
	json_decref(t->rid);
	free(t);
}

void op_ticket_fail(struct op_ticket *t, enum proto_error code,
		    const char *message, json_t *details)
{
	ws_session_reply(t->caller.session_id,
			 proto_error_reply(t->rid, code, message, details));
	json_decref(t->rid);
	free(t);
}

struct read_job {
	struct op_ticket *ticket;
	op_rows_fn fn;
};

static void read_done(void *arg, enum pg_outcome outcome, const PGresult *res)
{
	struct read_job *job = arg;

	if (outcome != PG_DONE) {
		op_ticket_fail(job->ticket, ERR_UNAVAILABLE,
			       "the database is unavailable: retry", NULL);
	} else if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		LOG(LOG_ERROR, "query failed: %s", PQresultErrorMessage(res));
		op_ticket_fail(job->ticket, ERR_INTERNAL,
			       "the database refused the query", NULL);
	} else {
		job->fn(job->ticket, res);
	}
	free(job);
}

void op_read(struct op_call *call, const char *sql, int nparams,
	     const char *const *params, op_rows_fn fn)
{
	struct read_job *job = malloc(sizeof *job);

	if (!job)
		abort();
	job->ticket = op_defer(call);
	job->fn = fn;
	if (pg_query(srv.db, sql, nparams, params, read_done, job)) {
		op_ticket_fail(job->ticket, ERR_UNAVAILABLE,
			       "the database is unavailable: retry", NULL);
		free(job);
	}
}
