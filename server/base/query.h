/* query.h - the arguments of a URL ("a=1&b=2", decoded and joined by '&' as
 * http_call.query has them): the one reader of them for every route. Pure
 * code: unit-tested (test_query). */
#ifndef FAIR_QUERY_H
#define FAIR_QUERY_H

#include <stddef.h>

/* The value of the first argument called name, not NUL-terminated: its
 * start, and its length in *len; NULL when query (which may be NULL) has
 * none. "name" without '=' is not an argument of that name. */
const char *query_value(const char *query, const char *name, size_t *len);

/* The same value copied into out (size bytes, NUL-terminated): 1 when
 * copied, 0 when absent, -1 when it is too long for out (out is then ""). */
int query_copy(const char *query, const char *name, char *out, size_t size);

#endif
