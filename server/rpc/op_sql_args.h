/* op_sql_args.h - an op that is one SQL call, as the op table defines it:
 * its statement, which text goes in each of its positional parameters ($1,
 * $2, ...), and whether it reads or writes; and the readers that turn a
 * request's members into such texts. Pure: no sockets, no database
 * (rpc/op_sql.c's op_sql_handler runs the statement).
 *
 * A parameter is either a member of the request, named as in the op's
 * parameter table and turned into text by its declared type:
 *
 *   PARAM_ID, PARAM_INT   decimal text              op_sql_int
 *   PARAM_STRING          the string as given       op_sql_string
 *   PARAM_BOOL            "true" / "false"          op_sql_bool
 *   PARAM_TIME            milliseconds since 1970   op_sql_time_ms
 *   PARAM_OBJECT, _ARRAY  compact JSON text         op_sql_json
 *
 * (SQL NULL when the member is absent or null, unless a text is given for
 * that case), or a value of the caller's, given by a function such as
 * op_sql_actor. Every member of the parameter table is passed, once, in the
 * table's order; the caller's values may stand anywhere between them.
 * dispatch_table_check holds the table to that at start-up (op_sql_def_check).
 * The parameter table remains the one validator of the request's members
 * (an entry's check only adds what a table cannot say); these readers trust
 * it. */
#ifndef FAIR_OP_SQL_ARGS_H
#define FAIR_OP_SQL_ARGS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rpc/dispatch.h"

#define OP_SQL_INT_TEXT 24 /* bytes of a decimal int64 with its sign and NUL */
#define OP_SQL_ARGS_MAX 12 /* positional parameters of one op's statement */

/* A value of the caller's as text: into buf (OP_SQL_INT_TEXT bytes), or a
 * string that lives at least as long as the call; NULL for SQL NULL. */
typedef const char *(*op_sql_caller_fn)(const struct op_call *call, char *buf);

/* One positional parameter: param or caller, not both. */
struct op_sql_arg {
	const char *param;  /* a member, by its name in the parameter table */
	const char *absent; /* the text when it is absent or null; NULL: NULL */
	op_sql_caller_fn caller; /* instead of a member: the caller's value */
};

enum op_sql_mode {
	OP_SQL_READ,  /* read-only: retried freely, never in_doubt */
	OP_SQL_WRITE, /* changes something: in_doubt when the reply is lost */
};

/* An op that is one call of a SQL function returning its reply as one
 * jsonb column (op_sql.h says what that reply holds). */
struct op_sql_def {
	enum op_sql_mode mode;
	const char *sql; /* the statement, with $1 .. $n */
	/* What the parameter table cannot say (a member's format, one member
	 * against another), checked before the call: false when it answered
	 * the call itself (bad_request). NULL: nothing more to check. */
	bool (*check)(struct op_call *call);
	struct op_sql_arg args[OP_SQL_ARGS_MAX]; /* $1, $2, ...: up to the
						    first empty one */
};

/* The texts of one call's parameters. */
struct op_sql_args {
	int n;
	const char *values[OP_SQL_ARGS_MAX];
	char text[OP_SQL_ARGS_MAX][OP_SQL_INT_TEXT]; /* numbers' own text */
	char *json[OP_SQL_ARGS_MAX]; /* malloc'd JSON texts, or NULL */
};

/* Fills out with the texts of def's parameters for call, whose request
 * params (the op's parameter table) has checked. Free with
 * op_sql_args_free once the statement has been handed on (the database
 * layer copies it). */
void op_sql_args_build(const struct op_sql_def *def,
		       const struct param_spec *params, struct op_call *call,
		       struct op_sql_args *out);
void op_sql_args_free(struct op_sql_args *args);

/* Checks def against the op's parameter table: a statement; each argument
 * a member of the table or a caller's value, not both; every member of the
 * table passed once, in its order; the statement's highest $n the number of
 * arguments. Returns 0, or -1 with why set. */
int op_sql_def_check(const struct op_sql_def *def,
		     const struct param_spec *params, char *why,
		     size_t why_size);

/* ---- the readers: one member, or one value of the caller's ---- */

/* The decimal text of the integer member name of the request into buf
 * (OP_SQL_INT_TEXT bytes); NULL (SQL NULL) when it is absent or null. */
const char *op_sql_int(struct op_call *call, const char *name, char *buf);

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

/* The member name (an object or array) as compact JSON text, malloc'd:
 * the caller frees it. NULL when absent or null. */
char *op_sql_json(struct op_call *call, const char *name);

/* The caller's user id as text into buf (OP_SQL_INT_TEXT bytes): every
 * change is audited under it. */
const char *op_sql_actor(const struct op_call *call, char *buf);

/* The caller's dealer id as text into buf, or NULL (SQL NULL) when the
 * caller is of the staff: a dealer's own rows. */
const char *op_sql_dealer(const struct op_call *call, char *buf);

/* "true" when the caller is of the staff (not a dealer), else "false". */
const char *op_sql_staff(const struct op_call *call, char *buf);

#endif
