/* order_rules.c - order checks the server makes by itself (see
 * order_rules.h). */
#include "order/order_rules.h"

#include <stdio.h>
#include <string.h>

static bool is_whole(const json_t *v, int64_t min, int64_t max)
{
	return json_is_integer(v) && json_integer_value(v) >= min &&
	       json_integer_value(v) <= max;
}

int order_lines_parse(const json_t *lines, struct order_line *out, size_t *n,
		      char *why, size_t why_size)
{
	size_t count = json_array_size(lines);

	if (!json_is_array(lines) || count == 0 || count > ORDER_LINES_MAX) {
		snprintf(why, why_size,
			 "lines: an array of 1 to %d lines {variant, qty}",
			 ORDER_LINES_MAX);
		return -1;
	}
	for (size_t i = 0; i < count; i++) {
		const json_t *line = json_array_get(lines, i);
		const json_t *variant = json_object_get(line, "variant");
		const json_t *qty = json_object_get(line, "qty");

		if (!json_is_object(line) || json_object_size(line) != 2 ||
		    !is_whole(variant, 1, INT64_MAX)) {
			snprintf(why, why_size,
				 "lines[%zu]: an object with exactly a variant "
				 "id and a qty",
				 i);
			return -1;
		}
		if (!is_whole(qty, 1, ORDER_QTY_MAX)) {
			snprintf(why, why_size,
				 "lines[%zu].qty: a whole number from 1 to %d",
				 i, ORDER_QTY_MAX);
			return -1;
		}
		out[i].variant = json_integer_value(variant);
		out[i].qty = json_integer_value(qty);
		for (size_t j = 0; j < i; j++)
			if (out[j].variant == out[i].variant) {
				snprintf(why, why_size,
					 "lines[%zu]: variant %lld is already "
					 "in lines[%zu]",
					 i, (long long)out[i].variant, j);
				return -1;
			}
	}
	*n = count;
	return 0;
}

bool order_certainly_short(const struct order_line *lines, size_t n,
			   const int64_t *known, bool partial)
{
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++) {
		bool short_here = known[i] >= 0 && known[i] < lines[i].qty;
		bool nothing_here = known[i] == 0;

		if (!partial && short_here)
			return true;
		if (partial && !nothing_here)
			return false;
	}
	return partial;
}

enum order_route order_route_arrival(bool queue_full, bool lookups_full,
				     bool key_pending, bool cache_short)
{
	if (queue_full)
		return lookups_full ? ORDER_UNAVAILABLE : ORDER_LOOKUP;
	if (key_pending)
		return ORDER_QUEUE;
	/* with the lookups full, the database refuses it in a batch */
	return cache_short && !lookups_full ? ORDER_LOOKUP : ORDER_QUEUE;
}

bool order_sweep_to_lookup(unsigned same_key_pending)
{
	return same_key_pending <= 1;
}

enum order_route order_route_unstored(bool queue_full, bool key_pending,
				      bool cache_short)
{
	if (cache_short && !key_pending)
		return ORDER_REFUSE_SHORT;
	return queue_full ? ORDER_UNAVAILABLE : ORDER_QUEUE;
}

uint64_t order_key_hash(int64_t dealer, const char *key)
{
	uint64_t h = 0xcbf29ce484222325u; /* FNV-1a */
	uint64_t d = (uint64_t)dealer;

	for (int i = 0; i < 8; i++, d >>= 8) {
		h ^= d & 0xffu;
		h *= 0x100000001b3u;
	}
	for (const unsigned char *p = (const unsigned char *)key; *p; p++) {
		h ^= *p;
		h *= 0x100000001b3u;
	}
	return h ? h : 1;
}
