/* op_reply.h - answering a request: now, later, or from a database query.
 *
 * Every call of an op gets exactly one reply. A handler either answers
 * before it returns (op_ok / op_fail) or takes a ticket (op_defer) and
 * answers through it later; the ticket keeps the session id and rid, never
 * a pointer to the session, so a reply for a session that closed meanwhile
 * is dropped quietly. */
#ifndef FAIR_OP_REPLY_H
#define FAIR_OP_REPLY_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

#include "rpc/dispatch.h"
#include "rpc/proto.h"

/* Where replies go, set at the root (main.c: the sessions of net/), so that
 * rpc/ needs nothing of the folders above it. json gets a reply object
 * (stolen), text a serialised reply (n bytes, borrowed). Either is dropped
 * when the session has gone. */
struct op_reply_sink {
	void (*json)(uint64_t session_id, json_t *reply);
	void (*text)(uint64_t session_id, const char *text, size_t n);
};
extern const struct op_reply_sink op_reply_sink;

struct op_ticket {
	struct op_caller caller;
	json_t *rid; /* a reference of its own */
	void *data;  /* the handler's, for the rows callback; free()d with it */
};

/* Answers ok with the members of result (stolen, may be NULL). */
void op_ok(struct op_call *call, json_t *result);

/* Answers with an error; details (stolen, object or NULL) are merged into
 * the error object. */
void op_fail(struct op_call *call, enum proto_error code, const char *message,
	     json_t *details);

/* Takes a ticket to answer later. Never NULL (out of memory aborts: see
 * base/xalloc.h). */
struct op_ticket *op_defer(struct op_call *call);

/* Answer through a ticket and free it. */
void op_ticket_ok(struct op_ticket *t, json_t *result);

/* The same for a result given as the text of a JSON object (see
 * proto_ok_reply_text). When it is not one, fails the ticket as internal and
 * returns -1. Either way the ticket is done. */
int op_ticket_ok_text(struct op_ticket *t, const char *result, size_t len);
void op_ticket_fail(struct op_ticket *t, enum proto_error code,
		    const char *message, json_t *details);

/* Fails t as `unavailable`: PostgreSQL could not be asked (nothing was
 * done; retry). */
void op_ticket_unavailable(struct op_ticket *t);

/* Called with the rows of a successful read query; must answer through t. */
typedef void (*op_rows_fn)(struct op_ticket *t, const PGresult *res);

/* Runs a read-only query for call and hands the rows to fn. Answers
 * unavailable itself when PostgreSQL cannot be reached (a read changes
 * nothing, so retrying is always safe) and maps a database error with
 * op_ticket_db_error. */
void op_read(struct op_call *call, const char *sql, int nparams,
	     const char *const *params, op_rows_fn fn);

/* op_read through a ticket already taken. */
void op_ticket_read(struct op_ticket *t, const char *sql, int nparams,
		    const char *const *params, op_rows_fn fn);

/* Runs a statement that changes something, through a ticket, and hands the
 * rows to fn. Answers unavailable when it provably never reached
 * PostgreSQL, in_doubt when the connection was lost after sending (it may
 * have committed), and maps database errors with op_ticket_db_error. */
void op_ticket_write(struct op_ticket *t, const char *sql, int nparams,
		     const char *const *params, op_rows_fn fn);

/* Answers a database error result through t with the code of its SQLSTATE
 * (proto_error_of_sqlstate): a refusal (conflict, not_found, bad_request)
 * with PostgreSQL's message; unavailable (a transient class: retry) and
 * internal with a message of ours, logged. */
void op_ticket_db_error(struct op_ticket *t, const PGresult *res);

#endif
