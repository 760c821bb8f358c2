/* pgarray.h - PostgreSQL array literals ({1,"a b",NULL}) for query
 * parameters, built in a strbuf. Pure code.
 *
 *   for (i = 0; i < n; i++) pgarray_text(&b, i, text[i]);  (or pgarray_int)
 *   pgarray_end(&b, n);
 */
#ifndef FAIR_PGARRAY_H
#define FAIR_PGARRAY_H

#include <stddef.h>

#include "base/strbuf.h"

/* Appends element i (0 opens the literal): NULL for a NULL text, else the
 * text double-quoted, with " and \ escaped. */
void pgarray_text(struct strbuf *b, size_t i, const char *text);

/* Appends element i (0 opens the literal): an integer. */
void pgarray_int(struct strbuf *b, size_t i, long long v);

/* Closes a literal of n elements ("{}" when n is 0). */
void pgarray_end(struct strbuf *b, size_t n);

#endif
