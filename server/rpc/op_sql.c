/* op_sql.c - ops answered by one SQL function call (see op_sql.h). */
#include "rpc/op_sql.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "rpc/op_reply.h"
#include "rpc/proto.h"

/* The protocol code named by a refusal; internal when unknown. */
static enum proto_error code_by_name(const char *name)
{
	for (int e = 0; name && e < ERR__COUNT; e++)
		if (!strcmp(proto_error_code((enum proto_error)e), name))
			return (enum proto_error)e;
	return ERR_INTERNAL;
}

void op_sql_answer(struct op_ticket *t, json_t *reply)
{
	json_t *refused = json_object_get(reply, "refused");

	if (!json_is_object(reply)) {
		LOG(LOG_ERROR, "an op's SQL function returned no reply object");
		json_decref(reply);
		op_ticket_fail(t, ERR_INTERNAL, "the database gave no answer",
			       NULL);
		return;
	}
	if (json_is_object(refused)) {
		enum proto_error code = code_by_name(
			json_string_value(json_object_get(refused, "code")));
		json_t *details = json_deep_copy(refused);
		char message[512];

		snprintf(message, sizeof message, "%s",
			 json_string_value(json_object_get(refused, "message"))
				 ?: proto_error_code(code));
		json_object_del(details, "code");
		json_object_del(details, "message");
		json_decref(reply);
		op_ticket_fail(t, code, message, details);
		return;
	}
	op_ticket_ok(t, reply);
}

static void reply_rows(struct op_ticket *t, const PGresult *res)
{
	json_error_t jerr;

	op_sql_answer(t, PQntuples(res) == 1 && !PQgetisnull(res, 0, 0)
				 ? json_loads(PQgetvalue(res, 0, 0), 0, &jerr)
				 : NULL);
}

void op_sql_write(struct op_call *call, const char *sql, int nparams,
		  const char *const *params)
{
	op_ticket_write(op_defer(call), sql, nparams, params, reply_rows);
}

void op_sql_read(struct op_call *call, const char *sql, int nparams,
		 const char *const *params)
{
	op_read(call, sql, nparams, params, reply_rows);
}

/* "prefix a, b or c" of a NULL-ended list, into why. */
static void list_words(char *why, size_t size, const char *prefix,
		       const char *const *words)
{
	size_t used = (size_t)snprintf(why, size, "%s", prefix);

	for (size_t i = 0; words[i] && used < size; i++)
		used += (size_t)snprintf(why + used, size - used, "%s%s",
					 i == 0         ? ""
					 : words[i + 1] ? ", "
							: " or ",
					 words[i]);
}

bool op_sql_choice(struct op_call *call, const char *name,
		   const char *const *choices)
{
	const char *given = op_sql_string(call, name);
	char why[256], prefix[96];

	if (!given)
		return true;
	for (size_t i = 0; choices[i]; i++)
		if (!strcmp(given, choices[i]))
			return true;
	snprintf(prefix, sizeof prefix, "%s must be ", name);
	list_words(why, sizeof why, prefix, choices);
	op_fail(call, ERR_BAD_REQUEST, why, NULL);
	return false;
}

bool op_sql_any(struct op_call *call, const char *const *names)
{
	char why[256];

	for (size_t i = 0; names[i]; i++)
		if (json_object_get(call->msg, names[i]))
			return true;
	list_words(why, sizeof why, "nothing to change: give ", names);
	op_fail(call, ERR_BAD_REQUEST, why, NULL);
	return false;
}

void op_sql_handler(struct op_call *call)
{
	const char *name = json_string_value(json_object_get(call->msg, "op"));
	const struct op_def *op =
		name ? dispatch_find(server_ops, server_ops_count, name) : NULL;
	struct op_sql_args args;

	if (!op || !op->sql) { /* a table entry naming this handler wrongly */
		LOG(LOG_ERROR, "op %s has no SQL definition", name ?: "?");
		op_fail(call, ERR_INTERNAL, "the op is not defined", NULL);
		return;
	}
	if (op->sql->check && !op->sql->check(call))
		return; /* answered */
	op_sql_args_build(op->sql, op->params, call, &args);
	if (op->sql->mode == OP_SQL_WRITE)
		op_sql_write(call, op->sql->sql, args.n, args.values);
	else
		op_sql_read(call, op->sql->sql, args.n, args.values);
	op_sql_args_free(&args);
}
