/* message_schedule.c - the messages' scheduler tick (see message_schedule.h). */
#include "features/message_schedule.h"

#include <string.h>

#include "base/log.h"
#include "base/loop_timer.h"
#include "db/pg.h"
#include "server.h"

static struct loop_timer timer;
static bool running;

static void tick(struct loop_timer *t);

static void ticked(void *arg, enum pg_outcome outcome, const PGresult *res)
{
	(void)arg;
	if (outcome == PG_DONE && PQresultStatus(res) != PGRES_TUPLES_OK)
		LOG(LOG_WARN, "messages_tick: %s", PQresultErrorMessage(res));
	else if (outcome == PG_DONE && PQntuples(res) == 1 &&
		 strcmp(PQgetvalue(res, 0, 0),
			"{\"closed\": 0, \"reminders\": 0, "
			"\"points_expired\": 0}"))
		LOG(LOG_INFO, "messages_tick: %s", PQgetvalue(res, 0, 0));
	if (running && !srv.stopping)
		loop_timer_schedule(&timer, tick,
				    (int64_t)srv.cfg.messages_tick_s *
					    LWS_US_PER_SEC);
}

static void tick(struct loop_timer *t)
{
	(void)t;
	if (!running || srv.stopping)
		return;
	/* not sent (PostgreSQL down): try again at the next tick */
	if (pg_query(srv.db, "SELECT messages_tick()::text", 0, NULL, ticked,
		     NULL))
		loop_timer_schedule(&timer, tick,
				    (int64_t)srv.cfg.messages_tick_s *
					    LWS_US_PER_SEC);
}

void message_schedule_start(void)
{
	running = true;
	loop_timer_schedule(&timer, tick, LWS_US_PER_SEC);
}

void message_schedule_stop(void)
{
	running = false;
	loop_timer_cancel(&timer);
}
