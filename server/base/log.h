/* log.h - the one logging macro.
 *
 * LOG(level, fmt, ...) checks the level before formatting anything, so a
 * debug line costs one comparison when debug logging is off. Lines go to
 * stderr as "2026-11-26T21:00:00.123Z LEVEL message". libwebsockets' own log
 * lines are routed here too (log_route_lws). */
#ifndef FAIR_LOG_H
#define FAIR_LOG_H

#include <stddef.h>

enum log_level { LOG_ERROR = 0, LOG_WARN, LOG_NOTICE, LOG_INFO, LOG_DEBUG };

extern enum log_level log_threshold;

#define LOG(level, ...)                                 \
	do {                                            \
		if ((level) <= log_threshold)           \
			log_emit((level), __VA_ARGS__); \
	} while (0)

/* Writes one formatted line; call through LOG() so the level is checked. */
void log_emit(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Copies in to out (size bytes, NUL-terminated) as one line: line breaks,
 * tabs and other control characters become \n, \r, \t and \xNN, so text
 * from a client (a login name, say) can never start a forged log line.
 * Cuts at an escape's boundary when out is full. Returns the length. */
size_t log_escape(const char *in, char *out, size_t size);

/* Parses "error", "warn", "notice", "info" or "debug"; returns -1 otherwise. */
int log_level_parse(const char *name);

/* Routes libwebsockets' logging into LOG() at the matching threshold. */
void log_route_lws(void);

#endif
