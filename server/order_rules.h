/* order_rules.h - what the server can check of an order by itself, before
 * the database decides it. Pure code: unit-tested and fuzzed.
 *
 * The database decides everything that depends on rows (offered variants,
 * moq, packs, stock, limits, credit); this module refuses what is malformed
 * on its face, and what the last known stock proves cannot be served. */
#ifndef FAIR_ORDER_RULES_H
#define FAIR_ORDER_RULES_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ORDER_LINES_MAX 200
#define ORDER_QTY_MAX 100000

struct order_line {
	int64_t variant;
	int64_t qty;
};

/* Reads lines: an array of 1..ORDER_LINES_MAX objects with exactly the
 * members variant (an id) and qty (1..ORDER_QTY_MAX), no variant twice.
 * Fills out (ORDER_LINES_MAX entries) and *n. Returns 0, or -1 with why set
 * (naming the line). */
int order_lines_parse(const json_t *lines, struct order_line *out, size_t *n,
		      char *why, size_t why_size);

/* Whether the last known stock proves the order cannot be served at all:
 * known[i] is the remaining stock of lines[i].variant, or -1 when unknown.
 * All-or-nothing: some line asks for more than is known to remain. Partial:
 * every line is known to have nothing left. Never true on unknown stock. */
bool order_certainly_short(const struct order_line *lines, size_t n,
			   const int64_t *known, bool partial);

#endif
