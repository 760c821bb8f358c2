/* stream_watch.c - live streams nginx no longer writes are ended (see
 * stream_watch.h). */
#include "media/stream_watch.h"

#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "base/log.h"
#include "base/loop_timer.h"
#include "db/pg.h"
#include "media/stream_http.h"
#include "server.h"

#define WATCH_FIRST_US (2 * 1000000LL)

static bool running;
static bool busy; /* a check's query is in flight */
static struct loop_timer timer;

static int64_t wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void lost_done(void *arg, enum pg_outcome outcome, const PGresult *res)
{
	int64_t fair = (int64_t)(intptr_t)arg;

	if (outcome == PG_DONE && PQresultStatus(res) == PGRES_TUPLES_OK &&
	    PQntuples(res) == 1 && !strcmp(PQgetvalue(res, 0, 0), "t"))
		LOG(LOG_NOTICE,
		    "fair %" PRId64 ": its playlist is no longer written and "
		    "no on_publish_done came: the stream is ended",
		    fair);
}

/* The fair's playlist's last write (ms since the epoch), or 0 when there
 * is none. */
static int64_t playlist_written_ms(int64_t fair)
{
	char path[PATH_MAX];
	struct stat st;

	if (stream_http_playlist_path(fair, path, sizeof path) ||
	    stat(path, &st))
		return 0;
	return (int64_t)st.st_mtim.tv_sec * 1000 + st.st_mtim.tv_nsec / 1000000;
}

static void live_read(void *arg, enum pg_outcome outcome, const PGresult *res)
{
	int64_t now = wall_ms();

	(void)arg;
	busy = false;
	if (!running || outcome != PG_DONE ||
	    PQresultStatus(res) != PGRES_TUPLES_OK)
		return;
	for (int i = 0; i < PQntuples(res); i++) {
		int64_t fair = strtoll(PQgetvalue(res, i, 0), NULL, 10);
		int64_t started = strtoll(PQgetvalue(res, i, 2), NULL, 10);
		int64_t written = playlist_written_ms(fair);
		int64_t since = written > started ? written : started;
		char fair_s[24], ended[24];
		const char *params[3] = {fair_s, PQgetvalue(res, i, 1),
					 written ? ended : NULL};

		if (now - since <= STREAM_WATCH_STALE_MS)
			continue;
		snprintf(fair_s, sizeof fair_s, "%" PRId64, fair);
		snprintf(ended, sizeof ended, "%" PRId64, written);
		pg_query(srv.db,
			 "SELECT stream_live_lost($1::bigint, "
			 "$2::timestamptz, $3::bigint)",
			 3, params, lost_done, (void *)(intptr_t)fair);
	}
}

static void check(struct loop_timer *t)
{
	(void)t;
	if (!running)
		return;
	loop_timer_schedule(&timer, check, STREAM_WATCH_EVERY_MS * 1000LL);
	if (busy)
		return;
	if (!pg_query(srv.db,
		      "SELECT fair_id, started_at, started_ms "
		      "FROM stream_live_fairs()",
		      0, NULL, live_read, NULL))
		busy = true;
}

void stream_watch_start(void)
{
	running = true;
	loop_timer_schedule(&timer, check, WATCH_FIRST_US);
}

void stream_watch_stop(void)
{
	running = false;
	loop_timer_cancel(&timer);
}
