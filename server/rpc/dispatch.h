/* dispatch.h - the op table: names, roles, parameters, handlers.
 *
 * A request is checked in the protocol's order: the op must exist
 * (bad_request), the caller's role must be allowed (forbidden), then every
 * argument must match the op's parameter table (bad_request). Only then does
 * the handler run and check state. Pure code: no sockets, no database. */
#ifndef FAIR_DISPATCH_H
#define FAIR_DISPATCH_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rpc/proto.h"

enum role {
	ROLE_DEALER = 1 << 0,
	ROLE_REP = 1 << 1,
	ROLE_MANAGER = 1 << 2,
	ROLE_ADMIN = 1 << 3,
};
#define ROLES_ALL (ROLE_DEALER | ROLE_REP | ROLE_MANAGER | ROLE_ADMIN)
#define ROLES_STAFF (ROLE_REP | ROLE_MANAGER | ROLE_ADMIN)

/* "dealer", "rep", "manager", "admin" and back; 0 / NULL when unknown. */
unsigned role_parse(const char *name);
const char *role_name(unsigned role);

enum param_type {
	PARAM_INT, /* a JSON integer (1.0 and 1e3 are refused) in [min, max] */
	PARAM_ID,  /* a JSON integer >= 1 */
	PARAM_STRING, /* a string of min..max characters (code points) */
	PARAM_BOOL,
	PARAM_OBJECT, /* an object of at most max members */
	PARAM_ARRAY,  /* an array of min..max elements */
	PARAM_TIME,   /* an RFC 3339 time string */
};

struct param_spec {
	const char *name;
	enum param_type type;
	bool required;
	int64_t min, max;
};

/* The caller of an op, as the session knows it. */
struct op_caller {
	uint64_t session_id; /* the connection, never reused in a process */
	int64_t user_id;
	unsigned role;     /* one ROLE_* bit */
	int64_t dealer_id; /* 0 when the user is not a dealer's */
};

/* One call of an op. Handlers answer exactly once, synchronously or later,
 * through the functions of ws_session.h. rid and msg are borrowed: keep a
 * reference (json_incref) to use them after the handler returns. */
struct op_call {
	struct op_caller caller;
	json_t *rid;
	json_t *msg; /* the whole request object */
};

typedef void (*op_handler)(struct op_call *call);

struct op_sql_def; /* rpc/op_sql_args.h */

struct op_def {
	const char *name;
	unsigned roles;                  /* ROLE_* bits allowed */
	const struct param_spec *params; /* terminated by a NULL name */
	op_handler handler;
	/* An op that is one SQL call: its statement and arguments, run by
	 * the handler op_sql_handler (rpc/op_sql.h). NULL for the others. */
	const struct op_sql_def *sql;
};

/* Checks a table of n ops: every op has a name, roles, a parameter table
 * and a handler, no name appears twice (dispatch_find takes the first), and
 * each SQL definition fits its parameter table (op_sql_def_check). Returns
 * 0, or -1 with why set naming the op. */
int dispatch_table_check(const struct op_def *table, size_t n, char *why,
			 size_t why_size);

/* Finds an op by name in a table of n entries; NULL when unknown. */
const struct op_def *dispatch_find(const struct op_def *table, size_t n,
				   const char *name);

/* Runs the role and argument checks for a call of op. Returns 0 when the
 * handler may run, or -1 with *code and message (why) set. */
int dispatch_check(const struct op_def *op, unsigned role, json_t *msg,
		   enum proto_error *code, char *why, size_t why_size);

/* Checks the members of msg against specs, ignoring "op" and "rid".
 * Unknown members are refused. Returns 0, or -1 with why set. */
int params_check(const struct param_spec *specs, json_t *msg, char *why,
		 size_t why_size);

/* The op table of the server (server/op_table.c) and its size. */
extern const struct op_def server_ops[];
extern const size_t server_ops_count;

#endif
