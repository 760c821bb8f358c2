/* strbuf.h - a growable text buffer for pages and reports built in memory
 * (html.c, csv.c). Pure code. */
#ifndef FAIR_STRBUF_H
#define FAIR_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

struct strbuf {
	char *data; /* NUL-terminated; NULL until something is added */
	size_t len, cap;
};

void strbuf_init(struct strbuf *b);
void strbuf_free(struct strbuf *b);

/* Appends n bytes / a C string (out of memory aborts: base/xalloc.h). */
void strbuf_add(struct strbuf *b, const char *s, size_t n);
void strbuf_addstr(struct strbuf *b, const char *s);

/* Forgets the contents, keeps the memory. */
void strbuf_clear(struct strbuf *b);

#endif
