/* admin_fair.c - the parameters of admin.product.create,
 * admin.fair.create, admin.fair.update, admin.item.add, admin.stock.add and
 * audit.list, and the checks their tables cannot make (see admin_fair.h). */
#include "features/admin_fair.h"

#include <stdio.h>
#include <string.h>

#include "base/money.h"
#include "features/showcase.h"
#include "rpc/op_reply.h"
#include "rpc/op_sql.h"
#include "rpc/op_sql_args.h"

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
	{"category_en", PARAM_STRING, false, 0, 64},
	{NULL, 0, false, 0, 0},
};

static const struct param_spec variant_params[] = {
	{"size", PARAM_STRING, true, 1, 16},
	{"color", PARAM_STRING, true, 1, 32},
	{"color_en", PARAM_STRING, false, 0, 64},
	{NULL, 0, false, 0, 0},
};

/* admin.terms.set {colors?, categories?}: {name: English name} each; the
 * members are checked by admin_terms_set (sql/functions/catalog/terms.sql) */
const struct param_spec admin_terms_set_params[] = {
	{"colors", PARAM_OBJECT, false, 0, 500},
	{"categories", PARAM_OBJECT, false, 0, 500},
	{NULL, 0, false, 0, 0},
};

/* admin.product.clip.remove {product} */
const struct param_spec admin_product_clip_remove_params[] = {
	{"product", PARAM_ID, true, 0, 0},
	{NULL, 0, false, 0, 0},
};

const struct param_spec admin_product_update_params[] = {
	{"product", PARAM_ID, true, 0, 0},
	{"name", PARAM_STRING, false, 1, 200},
	{"name_en", PARAM_STRING, false, 0, 200},
	{"description", PARAM_STRING, false, 0, 4000},
	{"description_en", PARAM_STRING, false, 0, 4000},
	{"base_price", PARAM_INT, false, 0, MONEY_UNIT_PRICE_MAX},
	{NULL, 0, false, 0, 0},
};

const struct param_spec admin_products_list_params[] = {
	{"q", PARAM_STRING, false, 1, 100},
	{"fair", PARAM_ID, false, 0, 0},
	{"limit", PARAM_INT, false, 1, 100},
	{"offset", PARAM_INT, false, 0, 1000000},
	{NULL, 0, false, 0, 0},
};

const struct param_spec admin_fair_create_params[] = {
	{"name", PARAM_STRING, true, 1, 200},
	{"season", PARAM_STRING, true, 0, 100},
	{"currency", PARAM_STRING, true, 3, 3},
	{"timezone", PARAM_STRING, true, 1, 64},
	{"starts_at", PARAM_TIME, true, 0, 0},
	{"ends_at", PARAM_TIME, true, 0, 0},
	{"name_en", PARAM_STRING, false, 0, 200},
	{NULL, 0, false, 0, 0},
};

const struct param_spec admin_fair_update_params[] = {
	{"fair", PARAM_ID, true, 0, 0},
	{"name", PARAM_STRING, false, 1, 200},
	{"starts_at", PARAM_TIME, false, 0, 0},
	{"ends_at", PARAM_TIME, false, 0, 0},
	{"status", PARAM_STRING, false, 1, 16},
	{"name_en", PARAM_STRING, false, 0, 200},
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

bool admin_product_create_check(struct op_call *call)
{
	json_t *variants = json_object_get(call->msg, "variants"), *v;
	char why[160];
	size_t i;

	json_array_foreach(variants, i, v)
	{
		char inner[120];

		if (!json_is_object(v)) {
			snprintf(why, sizeof why,
				 "variants[%zu] must be an object "
				 "{size, color, color_en?}",
				 i);
			op_fail(call, ERR_BAD_REQUEST, why, NULL);
			return false;
		}
		if (params_check(variant_params, v, inner, sizeof inner)) {
			snprintf(why, sizeof why, "variants[%zu]: %s", i,
				 inner);
			op_fail(call, ERR_BAD_REQUEST, why, NULL);
			return false;
		}
	}
	return true;
}

/* ---- admin.product.update ---- */

bool admin_product_update_check(struct op_call *call)
{
	static const char *const changes[] = {"name",        "name_en",
					      "description", "description_en",
					      "base_price",  NULL};

	return op_sql_any(call, changes);
}

/* ---- admin.fair.create, admin.fair.update ---- */

/* the time zone is checked against PostgreSQL's own list */
bool admin_fair_create_check(struct op_call *call)
{
	char starts[OP_SQL_INT_TEXT], ends[OP_SQL_INT_TEXT];
	int64_t starts_ms = 0, ends_ms = 0;
	const char *currency = op_sql_string(call, "currency");

	op_sql_time_ms(call, "starts_at", starts, &starts_ms);
	op_sql_time_ms(call, "ends_at", ends, &ends_ms);
	for (int i = 0; i < 3; i++)
		if (currency[i] < 'A' || currency[i] > 'Z') {
			op_fail(call, ERR_BAD_REQUEST,
				"currency must be three capital letters "
				"(ISO 4217, e.g. CNY)",
				NULL);
			return false;
		}
	if (ends_ms <= starts_ms) {
		op_fail(call, ERR_BAD_REQUEST,
			"ends_at must be after starts_at", NULL);
		return false;
	}
	return true;
}

bool admin_fair_update_check(struct op_call *call)
{
	static const char *const changes[] = {"name",    "name_en", "starts_at",
					      "ends_at", "status",  NULL};
	static const char *const statuses[] = {"paused", "live", "closed",
					       NULL};
	char starts[OP_SQL_INT_TEXT], ends[OP_SQL_INT_TEXT];
	int64_t starts_ms = 0, ends_ms = 0;
	const char *starts_at =
		op_sql_time_ms(call, "starts_at", starts, &starts_ms);
	const char *ends_at = op_sql_time_ms(call, "ends_at", ends, &ends_ms);

	if (!op_sql_choice(call, "status", statuses))
		return false;
	if (!op_sql_any(call, changes))
		return false;
	if (starts_at && ends_at && ends_ms <= starts_ms) {
		op_fail(call, ERR_BAD_REQUEST,
			"ends_at must be after starts_at", NULL);
		return false;
	}
	return true;
}

/* ---- admin.item.add ---- */

bool admin_item_add_check(struct op_call *call)
{
	json_t *m = call->msg, *allocation = json_object_get(m, "allocation"),
	       *tiers = json_object_get(m, "tier_prices"),
	       *pack = json_object_get(m, "pack");

	if (!json_object_size(allocation)) {
		op_fail(call, ERR_BAD_REQUEST,
			"allocation must give at least one variant's quantity",
			NULL);
		return false;
	}
	return !(members_check(call, "allocation", allocation, is_id_key,
			       "a variant id", 0, UNITS_MAX) ||
		 (json_is_object(tiers) &&
		  members_check(call, "tier_prices", tiers, is_capital,
				"a tier (one capital letter)", 0,
				MONEY_UNIT_PRICE_MAX)) ||
		 (json_is_object(pack) &&
		  members_check(call, "pack", pack, is_size_key,
				"a size of 1 to 16 characters", 1,
				PACK_UNITS_MAX)));
}

/* ---- admin.stock.add ---- */

bool admin_stock_add_check(struct op_call *call)
{
	if (json_integer_value(json_object_get(call->msg, "qty")) == 0) {
		op_fail(call, ERR_BAD_REQUEST,
			"qty must not be 0: more than 0 adds allocation, less "
			"withdraws unsold units",
			NULL);
		return false;
	}
	return true;
}
