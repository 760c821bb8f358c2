/* timefmt.h - wall-clock time in the protocol's format. */
#ifndef FAIR_TIMEFMT_H
#define FAIR_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>

/* Milliseconds since the Unix epoch from the system clock. */
int64_t timefmt_now_ms(void);

/* Monotonic milliseconds, for timeouts and rates (never goes back). */
int64_t timefmt_mono_ms(void);

/* Writes an RFC 3339 UTC time with milliseconds ("2026-11-26T21:00:00.123Z")
 * into buf (at least 25 bytes); returns buf. */
char *timefmt_rfc3339(int64_t epoch_ms, char *buf, size_t size);

/* Parses the same format, also accepting a numeric offset ("+08:00") and
 * fewer or no fraction digits. Returns 0 and sets *epoch_ms, or -1. */
int timefmt_parse_rfc3339(const char *text, int64_t *epoch_ms);

#endif
