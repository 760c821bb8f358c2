/* import_csv.c - RFC 4180 records with line numbers (see import_csv.h). */
#include "fairctl/import_csv.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A field being collected: grows by doubling up to IMPORT_CSV_MAX_FIELD. */
struct field_buf {
	char *data;
	size_t len, cap;
	bool too_long;
};

static int buf_put(struct field_buf *b, char c)
{
	if (b->len + 1 >= IMPORT_CSV_MAX_FIELD) {
		b->too_long = true;
		return 0;
	}
	if (b->len + 1 >= b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 64;
		char *grown = realloc(b->data, cap);

		if (!grown)
			return -1;
		b->data = grown;
		b->cap = cap;
	}
	b->data[b->len++] = c;
	b->data[b->len] = '\0';
	return 0;
}

void import_csv_init(struct import_csv *r, const char *data, size_t len)
{
	r->p = data;
	r->end = data + len;
	r->line = 1;
	if (len >= 3 && !memcmp(data, "\xef\xbb\xbf", 3))
		r->p += 3;
}

void import_csv_record_free(struct import_csv_record *rec)
{
	for (size_t i = 0; i < rec->count; i++)
		free(rec->fields[i]);
	memset(rec, 0, sizeof *rec);
}

/* Moves past the rest of the current line after an error. */
static void skip_line(struct import_csv *r)
{
	while (r->p < r->end && *r->p != '\n')
		r->p++;
	if (r->p < r->end) {
		r->p++;
		r->line++;
	}
}

/* Consumes a record terminator if one is next: 1 when the record ended
 * (newline or end of data), 0 after a comma, -1 otherwise. */
static int field_end(struct import_csv *r)
{
	if (r->p >= r->end)
		return 1;
	if (*r->p == ',') {
		r->p++;
		return 0;
	}
	if (*r->p == '\r') {
		r->p++;
		if (r->p < r->end && *r->p == '\n')
			r->p++;
		r->line++;
		return 1;
	}
	if (*r->p == '\n') {
		r->p++;
		r->line++;
		return 1;
	}
	return -1;
}

static int fail(struct import_csv *r, struct field_buf *b, bool to_end,
		char *err, size_t errlen, const char *why)
{
	snprintf(err, errlen, "%s", why);
	free(b->data);
	if (to_end)
		r->p = r->end;
	else
		skip_line(r);
	return -1;
}

/* Reads one field into b; returns 1 when the record ended after it, 0 when
 * another field follows, -1 on error (err set, reader moved on). */
static int read_field(struct import_csv *r, struct field_buf *b, char *err,
		      size_t errlen)
{
	int end;

	if (r->p < r->end && *r->p == '"') {
		r->p++;
		for (;;) {
			if (r->p >= r->end)
				return fail(
					r, b, true, err, errlen,
					"a quoted field opened on this line "
					"is never closed");
			if (*r->p == '"') {
				if (r->p + 1 < r->end && r->p[1] == '"') {
					r->p += 2;
					if (buf_put(b, '"'))
						return fail(r, b, true, err,
							    errlen,
							    "out of memory");
					continue;
				}
				r->p++;
				break;
			}
			if (*r->p == '\0')
				return fail(r, b, false, err, errlen,
					    "a NUL byte in a field");
			if (*r->p == '\n')
				r->line++;
			if (buf_put(b, *r->p++))
				return fail(r, b, true, err, errlen,
					    "out of memory");
		}
		end = field_end(r);
		if (end < 0)
			return fail(r, b, false, err, errlen,
				    "text after the closing quote of a field "
				    "(a quote inside a quoted field must be "
				    "doubled)");
	} else {
		while (r->p < r->end && *r->p != ',' && *r->p != '\n' &&
		       *r->p != '\r') {
			if (*r->p == '"')
				return fail(r, b, false, err, errlen,
					    "a quote inside an unquoted field "
					    "(quote the whole field and double "
					    "the quote)");
			if (*r->p == '\0')
				return fail(r, b, false, err, errlen,
					    "a NUL byte in a field");
			if (buf_put(b, *r->p++))
				return fail(r, b, true, err, errlen,
					    "out of memory");
		}
		end = field_end(r);
	}
	if (b->too_long)
		return fail(r, b, false, err, errlen,
			    "a field longer than 64 KiB");
	return end;
}

int import_csv_next(struct import_csv *r, struct import_csv_record *rec,
		    char *err, size_t errlen)
{
	for (;;) {
		int end = 0;

		import_csv_record_free(rec);
		if (r->p >= r->end)
			return 0;
		rec->line = r->line;
		while (!end) {
			struct field_buf b = {0};

			end = read_field(r, &b, err, errlen);
			if (end < 0)
				return -1;
			if (rec->count == IMPORT_CSV_MAX_FIELDS) {
				free(b.data);
				if (!end)
					skip_line(r);
				snprintf(err, errlen, "more than %d fields",
					 IMPORT_CSV_MAX_FIELDS);
				return -1;
			}
			rec->fields[rec->count++] =
				b.data ? b.data : strdup("");
			if (!rec->fields[rec->count - 1]) {
				snprintf(err, errlen, "out of memory");
				r->p = r->end;
				return -1;
			}
		}
		if (rec->count == 1 && rec->fields[0][0] == '\0')
			continue; /* a blank line */
		return 1;
	}
}
