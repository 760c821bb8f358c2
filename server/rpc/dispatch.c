/* dispatch.c - op lookup, role and parameter checks (see dispatch.h). */
#include "rpc/dispatch.h"

#include <stdio.h>
#include <string.h>

#include "base/text_check.h"
#include "base/timefmt.h"
#include "rpc/op_sql_args.h"

static const char *const role_names[] = {"dealer", "rep", "manager", "admin"};

unsigned role_parse(const char *name)
{
	for (unsigned i = 0; i < 4; i++)
		if (name && !strcmp(name, role_names[i]))
			return 1u << i;
	return 0;
}

const char *role_name(unsigned role)
{
	for (unsigned i = 0; i < 4; i++)
		if (role == 1u << i)
			return role_names[i];
	return NULL;
}

int dispatch_table_check(const struct op_def *table, size_t n, char *why,
			 size_t why_size)
{
	for (size_t i = 0; i < n; i++) {
		const struct op_def *op = &table[i];
		char inner[160];

		if (!op->name || !*op->name) {
			snprintf(why, why_size, "op %zu has no name", i);
			return -1;
		}
		if (!op->roles || !op->params || !op->handler) {
			snprintf(why, why_size, "op %s lacks %s", op->name,
				 !op->roles    ? "roles"
				 : !op->params ? "a parameter table"
					       : "a handler");
			return -1;
		}
		if (op->sql && op_sql_def_check(op->sql, op->params, inner,
						sizeof inner)) {
			snprintf(why, why_size, "op %s: %s", op->name, inner);
			return -1;
		}
		for (size_t j = 0; j < i; j++)
			if (!strcmp(table[j].name, op->name)) {
				snprintf(why, why_size,
					 "op %s is in the table twice (%zu "
					 "and %zu)",
					 op->name, j, i);
				return -1;
			}
	}
	return 0;
}

const struct op_def *dispatch_find(const struct op_def *table, size_t n,
				   const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(table[i].name, name))
			return &table[i];
	return NULL;
}

/* Counts UTF-8 code points; jansson has already validated the encoding. */
static size_t utf8_length(const char *s, size_t bytes)
{
	size_t n = 0;

	for (size_t i = 0; i < bytes; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			n++;
	return n;
}

static int check_one(const struct param_spec *p, json_t *v, char *why,
		     size_t size)
{
	json_int_t i;
	size_t n;
	int64_t when;
	uint32_t c;

	switch (p->type) {
	case PARAM_ID:
		if (!json_is_integer(v) || json_integer_value(v) < 1) {
			snprintf(why, size, "%s must be a positive integer id",
				 p->name);
			return -1;
		}
		return 0;
	case PARAM_INT:
		if (!json_is_integer(v)) {
			snprintf(why, size, "%s must be an integer", p->name);
			return -1;
		}
		i = json_integer_value(v);
		if (i < p->min || i > p->max) {
			snprintf(why, size,
				 "%s must be from %lld to %lld, got %lld",
				 p->name, (long long)p->min, (long long)p->max,
				 (long long)i);
			return -1;
		}
		return 0;
	case PARAM_STRING:
		if (!json_is_string(v)) {
			snprintf(why, size, "%s must be a string", p->name);
			return -1;
		}
		n = utf8_length(json_string_value(v), json_string_length(v));
		if ((int64_t)n < p->min || (int64_t)n > p->max) {
			snprintf(why, size,
				 "%s must have %lld to %lld characters",
				 p->name, (long long)p->min, (long long)p->max);
			return -1;
		}
		/* texts of the protocol may be multiline (a question, a description) */
		c = text_forbidden_char(json_string_value(v),
					json_string_length(v), true);
		if (c) {
			snprintf(why, size,
				 "%s must not contain control or invisible "
				 "characters (U+%04X)",
				 p->name, (unsigned)c);
			return -1;
		}
		return 0;
	case PARAM_BOOL:
		if (!json_is_boolean(v)) {
			snprintf(why, size, "%s must be true or false",
				 p->name);
			return -1;
		}
		return 0;
	case PARAM_OBJECT:
		if (!json_is_object(v) ||
		    (int64_t)json_object_size(v) > p->max) {
			snprintf(why, size,
				 "%s must be an object of at most %lld members",
				 p->name, (long long)p->max);
			return -1;
		}
		return 0;
	case PARAM_ARRAY:
		if (!json_is_array(v) || (int64_t)json_array_size(v) < p->min ||
		    (int64_t)json_array_size(v) > p->max) {
			snprintf(why, size,
				 "%s must be an array of %lld to %lld elements",
				 p->name, (long long)p->min, (long long)p->max);
			return -1;
		}
		return 0;
	case PARAM_TIME:
		if (!json_is_string(v) ||
		    timefmt_parse_rfc3339(json_string_value(v), &when)) {
			snprintf(why, size,
				 "%s must be an RFC 3339 time such as "
				 "2026-11-26T10:00:00.000Z",
				 p->name);
			return -1;
		}
		return 0;
	}
	snprintf(why, size, "%s: unsupported parameter type", p->name);
	return -1;
}

int params_check(const struct param_spec *specs, json_t *msg, char *why,
		 size_t why_size)
{
	const char *key;
	json_t *value;

	json_object_foreach(msg, key, value)
	{
		const struct param_spec *p = specs;

		if (!strcmp(key, "op") || !strcmp(key, "rid"))
			continue;
		while (p && p->name && strcmp(p->name, key))
			p++;
		if (!p || !p->name) {
			snprintf(why, why_size, "unknown field \"%.60s\"", key);
			return -1;
		}
		if (json_is_null(value) && !p->required)
			continue; /* null is the same as absent */
		if (check_one(p, value, why, why_size))
			return -1;
	}
	for (const struct param_spec *p = specs; p && p->name; p++) {
		value = json_object_get(msg, p->name);
		if (p->required && (!value || json_is_null(value))) {
			snprintf(why, why_size, "missing %s", p->name);
			return -1;
		}
	}
	return 0;
}

int dispatch_check(const struct op_def *op, unsigned role, json_t *msg,
		   enum proto_error *code, char *why, size_t why_size)
{
	if (!(op->roles & role)) {
		*code = ERR_FORBIDDEN;
		snprintf(why, why_size, "%s is not allowed for the role %s",
			 op->name, role_name(role) ? role_name(role) : "none");
		return -1;
	}
	if (params_check(op->params, msg, why, why_size)) {
		*code = ERR_BAD_REQUEST;
		return -1;
	}
	return 0;
}
