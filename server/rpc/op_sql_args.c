/* op_sql_args.c - the parameters of an op that is one SQL call (see
 * op_sql_args.h). */
#include "rpc/op_sql_args.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/timefmt.h"

/* ---- the readers ---- */

const char *op_sql_int(struct op_call *call, const char *name, char *buf)
{
	json_t *v = json_object_get(call->msg, name);

	if (!json_is_integer(v))
		return NULL;
	snprintf(buf, OP_SQL_INT_TEXT, "%lld",
		 (long long)json_integer_value(v));
	return buf;
}

const char *op_sql_string(struct op_call *call, const char *name)
{
	return json_string_value(json_object_get(call->msg, name));
}

const char *op_sql_bool(struct op_call *call, const char *name)
{
	json_t *v = json_object_get(call->msg, name);

	if (!json_is_boolean(v))
		return NULL;
	return json_is_true(v) ? "true" : "false";
}

const char *op_sql_time_ms(struct op_call *call, const char *name, char *buf,
			   int64_t *ms)
{
	const char *text = op_sql_string(call, name);
	int64_t when;

	if (!text || timefmt_parse_rfc3339(text, &when))
		return NULL;
	if (ms)
		*ms = when;
	snprintf(buf, OP_SQL_INT_TEXT, "%lld", (long long)when);
	return buf;
}

char *op_sql_json(struct op_call *call, const char *name)
{
	json_t *v = json_object_get(call->msg, name);

	if (!v || json_is_null(v))
		return NULL;
	return json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
}

const char *op_sql_actor(const struct op_call *call, char *buf)
{
	snprintf(buf, OP_SQL_INT_TEXT, "%lld", (long long)call->caller.user_id);
	return buf;
}

const char *op_sql_dealer(const struct op_call *call, char *buf)
{
	if (call->caller.role != ROLE_DEALER)
		return NULL;
	snprintf(buf, OP_SQL_INT_TEXT, "%lld",
		 (long long)call->caller.dealer_id);
	return buf;
}

const char *op_sql_staff(const struct op_call *call, char *buf)
{
	(void)buf;
	return call->caller.role != ROLE_DEALER ? "true" : "false";
}

/* ---- a definition's parameters ---- */

/* The index of the member name in params, or -1. */
static int param_index(const struct param_spec *params, const char *name)
{
	for (int i = 0; params[i].name; i++)
		if (!strcmp(params[i].name, name))
			return i;
	return -1;
}

/* The text of the member p of the request, by its declared type: into buf
 * for numbers, into *json (malloc'd) for objects and arrays. */
static const char *member_text(const struct param_spec *p, struct op_call *call,
			       char *buf, char **json)
{
	switch (p->type) {
	case PARAM_ID:
	case PARAM_INT:
		return op_sql_int(call, p->name, buf);
	case PARAM_STRING:
		return op_sql_string(call, p->name);
	case PARAM_BOOL:
		return op_sql_bool(call, p->name);
	case PARAM_TIME:
		return op_sql_time_ms(call, p->name, buf, NULL);
	case PARAM_OBJECT:
	case PARAM_ARRAY:
		return *json = op_sql_json(call, p->name);
	}
	return NULL;
}

void op_sql_args_build(const struct op_sql_def *def,
		       const struct param_spec *params, struct op_call *call,
		       struct op_sql_args *out)
{
	out->n = 0;
	for (int i = 0; i < OP_SQL_ARGS_MAX; i++) {
		const struct op_sql_arg *a = &def->args[i];
		int p = a->param ? param_index(params, a->param) : -1;
		const char *v = NULL;

		if (!a->param && !a->caller)
			break;
		out->json[i] = NULL;
		if (a->caller)
			v = a->caller(call, out->text[i]);
		else if (p >= 0) /* always, in a table that passed the check */
			v = member_text(&params[p], call, out->text[i],
					&out->json[i]);
		out->values[i] = v ? v : a->absent;
		out->n = i + 1;
	}
}

void op_sql_args_free(struct op_sql_args *args)
{
	for (int i = 0; i < args->n; i++)
		free(args->json[i]);
	args->n = 0;
}

/* The highest $n in sql (0 when none). */
static long highest_placeholder(const char *sql)
{
	long highest = 0;

	for (const char *s = strchr(sql, '$'); s; s = strchr(s + 1, '$')) {
		long n = strtol(s + 1, NULL, 10);

		if (n > highest)
			highest = n;
	}
	return highest;
}

int op_sql_def_check(const struct op_sql_def *def,
		     const struct param_spec *params, char *why,
		     size_t why_size)
{
	int next = 0; /* the member of params to be passed next */
	int n = 0;

	if (!def->sql || !*def->sql) {
		snprintf(why, why_size, "no SQL statement");
		return -1;
	}
	if (def->mode != OP_SQL_READ && def->mode != OP_SQL_WRITE) {
		snprintf(why, why_size, "neither read nor write");
		return -1;
	}
	for (; n < OP_SQL_ARGS_MAX; n++) {
		const struct op_sql_arg *a = &def->args[n];
		int p;

		if (!a->param && !a->caller)
			break;
		if (a->param && a->caller) {
			snprintf(why, why_size,
				 "$%d is both %s and a caller's value", n + 1,
				 a->param);
			return -1;
		}
		if (!a->param)
			continue;
		p = param_index(params, a->param);
		if (p < 0) {
			snprintf(why, why_size,
				 "$%d: %s is not in its parameter table", n + 1,
				 a->param);
			return -1;
		}
		if (p != next) {
			snprintf(why, why_size,
				 "$%d is %s, but the parameter table's next "
				 "member is %s",
				 n + 1, a->param,
				 params[next].name ? params[next].name
						   : "none");
			return -1;
		}
		next++;
	}
	if (params[next].name) {
		snprintf(why, why_size,
			 "%s of its parameter table is passed to no $n",
			 params[next].name);
		return -1;
	}
	if (highest_placeholder(def->sql) != n) {
		snprintf(why, why_size,
			 "its statement's highest placeholder is $%ld, but it "
			 "has %d arguments",
			 highest_placeholder(def->sql), n);
		return -1;
	}
	return 0;
}
