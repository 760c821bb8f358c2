/* byte_range.h - a Range request header read for one file (RFC 9110,
 * 14.1.2): the replays are served with byte ranges so a player can seek.
 * Pure code: unit-tested. */
#ifndef FAIR_BYTE_RANGE_H
#define FAIR_BYTE_RANGE_H

#include <stdint.h>

enum byte_range_kind {
	BYTE_RANGE_WHOLE,         /* no usable Range: the whole file, 200 */
	BYTE_RANGE_PART,          /* one satisfiable range: 206 */
	BYTE_RANGE_UNSATISFIABLE, /* 416, Content-Range: bytes * /size */
};

/* Reads header (the Range value, NULL or "" for none) for a file of size
 * bytes. A single range ("bytes=a-b", "bytes=a-", "bytes=-n") sets *first
 * and *last (inclusive, last clipped to the file); one that starts past the
 * end, or a suffix of 0, is unsatisfiable. Anything else (another unit,
 * several ranges, bad syntax) is ignored as the RFC allows: the whole
 * file. */
enum byte_range_kind byte_range_parse(const char *header, int64_t size,
				      int64_t *first, int64_t *last);

#endif
