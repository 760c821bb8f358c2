/* op_sql.h - ops that are one call of a SQL function returning the reply.
 *
 * The function (sql/) checks what only the database can check, changes the
 * rows, writes the audit log and emits events, all in the one transaction of
 * its call, and returns one jsonb value: either the members of the ok reply,
 * or {"refused": {"code": "<protocol code>", "message": "...", ...details}}
 * for refusals that have no SQLSTATE of their own (fair_not_live,
 * insufficient_stock), which the function returns before changing anything.
 * Errors raised with a SQLSTATE are mapped by op_ticket_db_error (op_reply.h).
 *
 * Most such ops have no handler of their own: their entry in the op table
 * (server/op_table.c) names the statement and its arguments (a struct
 * op_sql_def, op_sql_args.h) and op_sql_handler runs it. Handlers that do
 * more call op_sql_write or op_sql_read themselves, with the readers of
 * op_sql_args.h. */
#ifndef FAIR_OP_SQL_H
#define FAIR_OP_SQL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "rpc/dispatch.h"
#include "rpc/op_reply.h"
#include "rpc/op_sql_args.h"

/* The handler of every op whose table entry has an op_sql_def (its sql
 * member): finds that entry by the request's op, runs the definition's
 * check, then its statement with its arguments, and answers with the
 * function's reply, as op_sql_write or op_sql_read. */
void op_sql_handler(struct op_call *call);

/* Runs sql, which changes something and returns the reply as one jsonb
 * column, and answers call with it: in_doubt when the connection was lost
 * after sending, unavailable when it never reached PostgreSQL. params are
 * copied by the database layer: they need only live during the call. */
void op_sql_write(struct op_call *call, const char *sql, int nparams,
		  const char *const *params);

/* The same for a read-only query (retrying it is always safe). */
void op_sql_read(struct op_call *call, const char *sql, int nparams,
		 const char *const *params);

/* Answers t with a reply object as such a function returns it (stolen;
 * NULL or not an object answers internal): the ok reply, or the error its
 * "refused" member names. */
void op_sql_answer(struct op_ticket *t, json_t *reply);

/* The string member name when it is absent or one of choices (a NULL-ended
 * list): true. Otherwise answers bad_request naming the choices and returns
 * false. */
bool op_sql_choice(struct op_call *call, const char *name,
		   const char *const *choices);

/* An op that changes what it is given: true when at least one of the
 * members names (a NULL-ended list) is present. Otherwise answers bad_request
 * "nothing to change: give a, b or c" and returns false. */
bool op_sql_any(struct op_call *call, const char *const *names);

#endif
