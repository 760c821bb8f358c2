/* xalloc.c - allocations that abort when memory is out, and fairctl's
 * checked growth (see xalloc.h). */
#include "base/xalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"

static void __attribute__((noreturn)) out_of_memory(size_t size)
{
	LOG(LOG_ERROR, "out of memory allocating %zu bytes", size);
	abort();
}

/* A size of 0 asks for 1 byte: malloc(0) and realloc(p, 0) may return
 * NULL without being out of memory. */
void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (!p)
		out_of_memory(size);
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		out_of_memory(n * size);
	return p;
}

void *xrealloc(void *p, size_t size)
{
	void *q = realloc(p, size ? size : 1);

	if (!q)
		out_of_memory(size);
	return q;
}

void *array_room(void *list, size_t *cap, size_t count, size_t elem,
		 size_t first)
{
	size_t grown = *cap ? *cap * 2 : first;
	void *p;

	if (count < *cap)
		return list;
	if (*cap > SIZE_MAX / 2)
		return NULL;
	if (grown < first)
		grown = first;
	if (grown > SIZE_MAX / elem)
		return NULL;
	p = realloc(list, grown * elem);
	if (p)
		*cap = grown;
	return p;
}

char *xstrdup(const char *s)
{
	size_t size = strlen(s) + 1;

	return memcpy(xmalloc(size), s, size);
}
