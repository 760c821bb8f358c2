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
 * Also small helpers that turn JSON arguments into text parameters. */
#ifndef FAIR_OP_SQL_H
#define FAIR_OP_SQL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "rpc/dispatch.h"
#include "rpc/op_reply.h"

#define OP_SQL_INT_TEXT 24 /* bytes of a decimal int64 with its sign and NUL */

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

/* The decimal text of the integer member name of the request into buf
 * (OP_SQL_INT_TEXT bytes); NULL (SQL NULL) when it is absent or null. */
const char *op_sql_int(struct op_call *call, const char *name, char *buf);

/* The caller's user id as text into buf (OP_SQL_INT_TEXT bytes): every
 * change is audited under it. */
const char *op_sql_actor(const struct op_call *call, char *buf);

/* The string member name of the request, or NULL when absent or null. The
 * pointer is valid while the request is (during the handler). */
const char *op_sql_string(struct op_call *call, const char *name);

/* The boolean member name as "true" / "false", or NULL when absent. */
const char *op_sql_bool(struct op_call *call, const char *name);

/* The RFC 3339 member name (checked by the parameter table) as
 * milliseconds since the epoch: the text into buf (OP_SQL_INT_TEXT bytes)
 * and the value into *ms when ms is not NULL. NULL when absent. */
const char *op_sql_time_ms(struct op_call *call, const char *name, char *buf,
			   int64_t *ms);

/* The string member name when it is absent or one of choices (a NULL-ended
 * list): true. Otherwise answers bad_request naming the choices and returns
 * false. */
bool op_sql_choice(struct op_call *call, const char *name,
		   const char *const *choices);

/* The member name (an object or array) as compact JSON text, malloc'd:
 * the caller frees it. NULL when absent or null. */
char *op_sql_json(struct op_call *call, const char *name);

#endif
