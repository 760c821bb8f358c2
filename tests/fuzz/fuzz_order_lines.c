/* fuzz_order_lines.c - order_lines_parse and order_certainly_short on
 * arbitrary JSON.
 *
 * The input is JSON text for the lines. When they parse, each invariant of
 * order_rules.h must hold, and the fast refusal is checked against its
 * definition for stock levels drawn from the input's bytes:
 *   - 1..ORDER_LINES_MAX lines, ids >= 1, qty in 1..ORDER_QTY_MAX, no
 *     variant twice;
 *   - all-or-nothing is certainly short exactly when some known stock is
 *     below its line's qty; partial exactly when every line is known 0;
 *   - unknown stock never makes an order certainly short. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"
#include "order/order_rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct order_line lines[ORDER_LINES_MAX];
	int64_t known[ORDER_LINES_MAX], unknown[ORDER_LINES_MAX];
	json_error_t jerr;
	json_t *v = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES,
			       &jerr);
	char why[160];
	size_t n = 0;
	bool some_short = false, all_zero = true;

	if (!v)
		return 0;
	if (order_lines_parse(v, lines, &n, why, sizeof why)) {
		check(why[0] != '\0');
		json_decref(v);
		return 0;
	}
	check(n >= 1 && n <= ORDER_LINES_MAX && n == json_array_size(v));
	for (size_t i = 0; i < n; i++) {
		check(lines[i].variant >= 1);
		check(lines[i].qty >= 1 && lines[i].qty <= ORDER_QTY_MAX);
		for (size_t j = 0; j < i; j++)
			check(lines[j].variant != lines[i].variant);
		/* stock levels from the bytes: unknown, 0, or around qty */
		switch (data[i % size] % 4) {
		case 0:
			known[i] = -1;
			break;
		case 1:
			known[i] = 0;
			break;
		case 2:
			known[i] = lines[i].qty - 1;
			break;
		default:
			known[i] = lines[i].qty;
			break;
		}
		unknown[i] = -1;
		some_short |= known[i] >= 0 && known[i] < lines[i].qty;
		all_zero &= known[i] == 0;
	}
	check(order_certainly_short(lines, n, known, false) == some_short);
	check(order_certainly_short(lines, n, known, true) == all_zero);
	check(!order_certainly_short(lines, n, unknown, false));
	check(!order_certainly_short(lines, n, unknown, true));
	json_decref(v);
	return 0;
}
