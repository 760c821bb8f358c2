/* xalloc.h - the one allocation policy: out of memory ends the process.
 *
 * As Redis's zmalloc does: a server that cannot allocate a few bytes cannot
 * keep its promises either (a join answered ok must be followed by pushes),
 * so rather than a rarely tested branch at each call that degrades quietly,
 * these log one line ("out of memory allocating N bytes") and abort(). They
 * never return NULL. main.c also hands them to jansson (json_set_alloc_funcs).
 *
 * Left to plain malloc: allocations whose failure is an expected answer, not
 * an emergency: the image converter's child under RLIMIT_AS
 * (media_convert.c), and libraries' own allocations (libgd, libpq,
 * OpenSSL), which report failure through their own results. fairctl, a
 * command, keeps the same policy in its own words: each of its allocations is
 * checked and ends the command with "out of memory" and nothing changed (its
 * work is one transaction), never a quiet degradation; a file it reads whole
 * (a fair's products.csv, a picture) too big for memory is refused as that
 * file's problem. */
#ifndef FAIR_XALLOC_H
#define FAIR_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);

/* Room for one more element of elem bytes in list, which holds count of
 * *cap: list itself while there is room, else a copy twice as large (first
 * elements at least) with *cap updated. Checked, for fairctl's lists, whose
 * out of memory is an answer: NULL then, list unchanged (still the
 * caller's to free). */
void *array_room(void *list, size_t *cap, size_t count, size_t elem,
		 size_t first);

#endif
