/* log.c - formatting and routing of log lines. */
#include "base/log.h"

#include <libwebsockets.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/timefmt.h"

enum log_level log_threshold = LOG_INFO;

static const char *const level_names[] = {"error", "warn", "notice", "info",
					  "debug"};

void log_emit(enum log_level level, const char *fmt, ...)
{
	char stamp[32], text[2048], line[2048], out[2100];
	va_list ap;
	int n;

	timefmt_rfc3339(timefmt_now_ms(), stamp, sizeof stamp);
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	log_escape(text, line, sizeof line);
	/* One write per line, so that lines from several threads (reports)
	 * and processes sharing a terminal or file never interleave: stderr
	 * is unbuffered and fprintf may write a line in pieces. */
	n = snprintf(out, sizeof out, "%s %-6s %s\n", stamp, level_names[level],
		     line);
	if (n >= (int)sizeof out) {
		n = (int)sizeof out - 1;
		out[n - 1] = '\n';
	}
	if (n > 0 && write(STDERR_FILENO, out, (size_t)n) < 0)
		return; /* nowhere left to say it */
}

int log_level_parse(const char *name)
{
	for (size_t i = 0; i < sizeof level_names / sizeof level_names[0]; i++)
		if (!strcmp(name, level_names[i]))
			return (int)i;
	return -1;
}

static void lws_emit(int lws_level, const char *line)
{
	enum log_level level = LOG_DEBUG;
	size_t len = strlen(line);

	if (lws_level & LLL_ERR)
		level = LOG_ERROR;
	else if (lws_level & LLL_WARN)
		level = LOG_WARN;
	else if (lws_level & LLL_NOTICE)
		level = LOG_INFO; /* lws is chatty at notice: keep it below ours */
	if (level > log_threshold)
		return;
	/* lws lines already end in a newline and start with its own stamp. */
	while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	log_emit(level, "lws: %.*s", (int)len, line);
}

void log_route_lws(void)
{
	int mask = LLL_ERR | LLL_WARN;

	if (log_threshold >= LOG_DEBUG)
		mask |= LLL_NOTICE;
	lws_set_log_level(mask, lws_emit);
}
