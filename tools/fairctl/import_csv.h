/* import_csv.h - an RFC 4180 CSV reader for the fair import.
 *
 * Fields are separated by commas and records by CRLF or LF; a field in
 * double quotes may hold commas, line breaks and doubled quotes (""). A
 * leading UTF-8 byte order mark is skipped and blank lines are ignored.
 * Every record carries the line number it starts on, so errors can name
 * the line a person sees in an editor even when quoted fields span lines.
 * The reader works on bytes in memory; checking that fields are UTF-8 is
 * the caller's business. Pure code. */
#ifndef FAIR_IMPORT_CSV_H
#define FAIR_IMPORT_CSV_H

#include <stddef.h>

#define IMPORT_CSV_MAX_FIELDS 64   /* per record */
#define IMPORT_CSV_MAX_FIELD 65536 /* bytes per field */

struct import_csv {
	const char *p;   /* next byte to read */
	const char *end; /* one past the last byte */
	int line;        /* line number of p, from 1 */
};

struct import_csv_record {
	char *fields[IMPORT_CSV_MAX_FIELDS]; /* NUL-terminated, owned */
	size_t count;                        /* fields in this record */
	int line;                            /* the line it starts on */
};

/* Starts reading len bytes of data, which must outlive the reader. */
void import_csv_init(struct import_csv *r, const char *data, size_t len);

/* Reads the next record into rec, freeing what rec held before (rec must
 * be zeroed before the first call). Returns 1 with a record, 0 at the end
 * of the data, or -1 when the record starting at rec->line is malformed:
 * err says why, and the reader has moved past it (to the next line, or to
 * the end when a quoted field is never closed), so reading can go on to
 * find further errors. */
int import_csv_next(struct import_csv *r, struct import_csv_record *rec,
		    char *err, size_t errlen);

/* Frees the fields rec owns and zeroes it. */
void import_csv_record_free(struct import_csv_record *rec);

#endif
