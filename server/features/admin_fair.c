/* admin_fair.c - admin.product.create, admin.fair.create,
 * admin.fair.update, admin.item.add, admin.stock.add and audit.list (see
 * admin_fair.h). */
#include "features/admin_fair.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/money.h"
#include "features/showcase.h"
#include "rpc/op_reply.h"
#include "rpc/op_sql.h"

#define UNITS_MAX 1000000000LL /* an allocation, a limit, a quantity */
#define PACK_UNITS_MAX 1000    /* units of one size in a pack */

const struct param_spec admin_product_create_params[] = {
	{"style", PARAM_STRING, true, 1, 40},
	{"name", PARAM_STRING, true, 1, 200},
	{"name_en", PARAM_STRING, false, 0, 200},
	{"category", PARAM_STRING, true, 1, 64},
	{"description", PARAM_STRING, true, 0, 4000},
	{"description_en", PARAM_STRING, false, 0, 4000},
	{"base_price", PARAM_INT, true, 0, MONEY_UNIT_PRICE_MAX},
	{"variants", PARAM_ARRAY, true, 1, 200},
	{NULL, 0, false, 0, 0},
};

static const struct param_spec variant_params[] = {
	{"size", PARAM_STRING, true, 1, 16},
	{"color", PARAM_STRING, true, 1, 32},
	{NULL, 0, false, 0, 0},
};

const struct param_spec admin_fair_create_params[] = {
	{"name", PARAM_STRING, true, 1, 200},
	{"season", PARAM_STRING, true, 0, 100},
	{"currency", PARAM_STRING, true, 3, 3},
	{"timezone", PARAM_STRING, true, 1, 64},
	{"starts_at", PARAM_TIME, true, 0, 0},
	{"ends_at", PARAM_TIME, true, 0, 0},
	{NULL, 0, false, 0, 0},
};

const struct param_spec admin_fair_update_params[] = {
	{"fair", PARAM_ID, true, 0, 0},
	{"name", PARAM_STRING, false, 1, 200},
	{"starts_at", PARAM_TIME, false, 0, 0},
	{"ends_at", PARAM_TIME, false, 0, 0},
	{"status", PARAM_STRING, false, 1, 16},
	{NULL, 0, false, 0, 0},
};

const struct param_spec admin_item_add_params[] = {
	{"fair", PARAM_ID, true, 0, 0},
	{"product", PARAM_ID, true, 0, 0},
	{"price", PARAM_INT, true, 0, MONEY_UNIT_PRICE_MAX},
	{"tier_prices", PARAM_OBJECT, false, 0, 26},
	{"allocation", PARAM_OBJECT, true, 0, 200},
	{"limit", PARAM_INT, false, 1, UNITS_MAX},
	{"moq", PARAM_INT, false, 1, UNITS_MAX},
	{"pack", PARAM_OBJECT, false, 0, 50},
	{"must_order", PARAM_BOOL, false, 0, 0},
	{"launch", PARAM_BOOL, false, 0, 0},
	{NULL, 0, false, 0, 0},
};

const struct param_spec admin_stock_add_params[] = {
	{"fair", PARAM_ID, true, 0, 0},
	{"variant", PARAM_ID, true, 0, 0},
	{"qty", PARAM_INT, true, -UNITS_MAX, UNITS_MAX},
	{NULL, 0, false, 0, 0},
};

const struct param_spec admin_audit_list_params[] = {
	{"fair", PARAM_ID, false, 0, 0},
	{"since", PARAM_INT, false, 0, INT64_MAX},
	{"limit", PARAM_INT, false, 1, 500},
	{NULL, 0, false, 0, 0},
};

/* ---- checks of nested members ---- */

static bool is_capital(const char *s)
{
	return s[0] >= 'A' && s[0] <= 'Z' && s[1] == '\0';
}

/* A variant id as an object key: a positive decimal integer as JSON writes
 * it (no sign, no leading zero), so that SQL compares it as text. */
static bool is_id_key(const char *s)
{
	size_t n = strlen(s);

	if (n < 1 || n > 18 || s[0] == '0')
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* Code points of a UTF-8 string (jansson has checked the encoding). */
static size_t utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

/* Checks every member of obj: its key with key_ok and its value as an
 * integer from min to max. Answers bad_request and returns -1 at the first
 * problem, naming it. */
static int members_check(struct op_call *call, const char *what, json_t *obj,
			 bool (*key_ok)(const char *key), const char *key_rule,
			 json_int_t min, json_int_t max)
{
	const char *key;
	json_t *v;
	char why[200];

	json_object_foreach(obj, key, v)
	{
		if (!key_ok(key)) {
			snprintf(why, sizeof why, "%s: \"%.40s\" is not %s",
				 what, key, key_rule);
			op_fail(call, ERR_BAD_REQUEST, why, NULL);
			return -1;
		}
		if (!json_is_integer(v) || json_integer_value(v) < min ||
		    json_integer_value(v) > max) {
			snprintf(why, sizeof why,
				 "%s: \"%.40s\" must be an integer from %lld "
				 "to %lld",
				 what, key, (long long)min, (long long)max);
			op_fail(call, ERR_BAD_REQUEST, why, NULL);
			return -1;
		}
	}
	return 0;
}

static bool is_size_key(const char *s)
{
	size_t n = utf8_chars(s);

	return n >= 1 && n <= 16;
}

/* ---- admin.product.create ---- */

void admin_op_product_create(struct op_call *call)
{
	json_t *variants = json_object_get(call->msg, "variants"), *v;
	char actor[OP_SQL_INT_TEXT], price[OP_SQL_INT_TEXT], why[160];
	const char *params[9];
	char *variants_text;
	size_t i;

	json_array_foreach(variants, i, v)
	{
		char inner[120];

		if (!json_is_object(v)) {
			snprintf(why, sizeof why,
				 "variants[%zu] must be an object "
				 "{size, color}",
				 i);
			op_fail(call, ERR_BAD_REQUEST, why, NULL);
			return;
		}
		if (params_check(variant_params, v, inner, sizeof inner)) {
			snprintf(why, sizeof why, "variants[%zu]: %s", i,
				 inner);
			op_fail(call, ERR_BAD_REQUEST, why, NULL);
			return;
		}
	}
	variants_text = op_sql_json(call, "variants");
	params[0] = op_sql_actor(call, actor);
	params[1] = op_sql_string(call, "style");
	params[2] = op_sql_string(call, "name");
	params[3] = op_sql_string(call, "name_en");
	params[4] = op_sql_string(call, "category");
	params[5] = op_sql_string(call, "description");
	params[6] = op_sql_string(call, "description_en");
	params[7] = op_sql_int(call, "base_price", price);
	params[8] = variants_text;
	op_sql_write(call,
		     "SELECT admin_product_create($1::bigint, $2, $3, $4, $5, "
		     "$6, $7, $8::bigint, $9::jsonb)",
		     9, params);
	free(variants_text);
}

/* ---- admin.fair.create, admin.fair.update ---- */

void admin_op_fair_create(struct op_call *call)
{
	char actor[OP_SQL_INT_TEXT], starts[OP_SQL_INT_TEXT],
		ends[OP_SQL_INT_TEXT];
	int64_t starts_ms = 0, ends_ms = 0;
	const char *currency = op_sql_string(call, "currency");
	const char *params[7] = {
		op_sql_actor(call, actor),
		op_sql_string(call, "name"),
		op_sql_string(call, "season"),
		currency,
		op_sql_string(call, "timezone"),
		op_sql_time_ms(call, "starts_at", starts, &starts_ms),
		op_sql_time_ms(call, "ends_at", ends, &ends_ms)};

	for (int i = 0; i < 3; i++)
		if (currency[i] < 'A' || currency[i] > 'Z') {
			op_fail(call, ERR_BAD_REQUEST,
				"currency must be three capital letters "
				"(ISO 4217, e.g. CNY)",
				NULL);
			return;
		}
	if (ends_ms <= starts_ms) {
		op_fail(call, ERR_BAD_REQUEST,
			"ends_at must be after starts_at", NULL);
		return;
	}
	/* the time zone is checked against PostgreSQL's own list */
	op_sql_write(call,
		     "SELECT admin_fair_create($1::bigint, $2, $3, $4, $5, "
		     "epoch_ms_time($6::bigint), epoch_ms_time($7::bigint))",
		     7, params);
}

void admin_op_fair_update(struct op_call *call)
{
	char actor[OP_SQL_INT_TEXT], fair[OP_SQL_INT_TEXT],
		starts[OP_SQL_INT_TEXT], ends[OP_SQL_INT_TEXT];
	int64_t starts_ms = 0, ends_ms = 0;
	const char *status = op_sql_string(call, "status");
	const char *params[6] = {
		op_sql_actor(call, actor),
		op_sql_int(call, "fair", fair),
		op_sql_string(call, "name"),
		op_sql_time_ms(call, "starts_at", starts, &starts_ms),
		op_sql_time_ms(call, "ends_at", ends, &ends_ms),
		status};

	if (status && strcmp(status, "paused") && strcmp(status, "live") &&
	    strcmp(status, "closed")) {
		op_fail(call, ERR_BAD_REQUEST,
			"status must be paused, live or closed", NULL);
		return;
	}
	if (!params[2] && !params[3] && !params[4] && !status) {
		op_fail(call, ERR_BAD_REQUEST,
			"nothing to change: give name, starts_at, ends_at or "
			"status",
			NULL);
		return;
	}
	if (params[3] && params[4] && ends_ms <= starts_ms) {
		op_fail(call, ERR_BAD_REQUEST,
			"ends_at must be after starts_at", NULL);
		return;
	}
	op_sql_write(
		call,
		"SELECT admin_fair_update($1::bigint, $2::bigint, $3, "
		"epoch_ms_time($4::bigint), epoch_ms_time($5::bigint), $6)",
		6, params);
}

/* ---- admin.item.add ---- */

void admin_op_item_add(struct op_call *call)
{
	json_t *m = call->msg, *allocation = json_object_get(m, "allocation"),
	       *tiers = json_object_get(m, "tier_prices"),
	       *pack = json_object_get(m, "pack");
	char actor[OP_SQL_INT_TEXT], fair[OP_SQL_INT_TEXT],
		product[OP_SQL_INT_TEXT], price[OP_SQL_INT_TEXT],
		limit[OP_SQL_INT_TEXT], moq[OP_SQL_INT_TEXT];
	char *tiers_text, *allocation_text, *pack_text;
	const char *params[11];

	if (!json_object_size(allocation)) {
		op_fail(call, ERR_BAD_REQUEST,
			"allocation must give at least one variant's quantity",
			NULL);
		return;
	}
	if (members_check(call, "allocation", allocation, is_id_key,
			  "a variant id", 0, UNITS_MAX) ||
	    (json_is_object(tiers) &&
	     members_check(call, "tier_prices", tiers, is_capital,
			   "a tier (one capital letter)", 0,
			   MONEY_UNIT_PRICE_MAX)) ||
	    (json_is_object(pack) &&
	     members_check(call, "pack", pack, is_size_key,
			   "a size of 1 to 16 characters", 1, PACK_UNITS_MAX)))
		return;
	tiers_text = op_sql_json(call, "tier_prices");
	allocation_text = op_sql_json(call, "allocation");
	pack_text = op_sql_json(call, "pack");
	params[0] = op_sql_actor(call, actor);
	params[1] = op_sql_int(call, "fair", fair);
	params[2] = op_sql_int(call, "product", product);
	params[3] = op_sql_int(call, "price", price);
	params[4] = tiers_text;
	params[5] = allocation_text;
	params[6] = op_sql_int(call, "limit", limit);
	params[7] = op_sql_int(call, "moq", moq);
	params[8] = pack_text;
	params[9] = op_sql_bool(call, "must_order");
	params[10] = op_sql_bool(call, "launch");
	op_sql_write(
		call,
		"SELECT admin_item_add($1::bigint, $2::bigint, $3::bigint, "
		"$4::bigint, $5::jsonb, $6::jsonb, $7::integer, "
		"$8::integer, $9::jsonb, $10::boolean, $11::boolean)",
		11, params);
	free(tiers_text);
	free(allocation_text);
	free(pack_text);
}

/* ---- admin.stock.add ---- */

void admin_op_stock_add(struct op_call *call)
{
	char actor[OP_SQL_INT_TEXT], fair[OP_SQL_INT_TEXT],
		variant[OP_SQL_INT_TEXT], qty[OP_SQL_INT_TEXT];
	const char *params[4] = {op_sql_actor(call, actor),
				 op_sql_int(call, "fair", fair),
				 op_sql_int(call, "variant", variant),
				 op_sql_int(call, "qty", qty)};

	if (json_integer_value(json_object_get(call->msg, "qty")) == 0) {
		op_fail(call, ERR_BAD_REQUEST,
			"qty must not be 0: more than 0 adds allocation, less "
			"withdraws unsold units",
			NULL);
		return;
	}
	op_sql_write(call,
		     "SELECT admin_stock_add($1::bigint, $2::bigint, "
		     "$3::bigint, $4::integer)",
		     4, params);
}

/* ---- audit.list ---- */

void admin_op_audit_list(struct op_call *call)
{
	char fair[OP_SQL_INT_TEXT], since[OP_SQL_INT_TEXT],
		limit[OP_SQL_INT_TEXT];
	const char *params[3] = {op_sql_int(call, "fair", fair),
				 op_sql_int(call, "since", since),
				 op_sql_int(call, "limit", limit)};

	if (!params[2])
		params[2] = "100";
	op_sql_read(call,
		    "SELECT audit_list($1::bigint, $2::bigint, $3::integer)", 3,
		    params);
}
