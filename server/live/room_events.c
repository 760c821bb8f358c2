/* room_events.c - reading new events into the rooms' rings (see
 * room_events.h). */
#include "live/room_events.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "db/pg.h"
#include "server.h"

static void events_fetched(void *arg, enum pg_outcome outcome,
			   const PGresult *res)
{
	int64_t fair_id = (int64_t)(intptr_t)arg;
	struct room *r = room_get(fair_id, false);
	int n;

	if (!r)
		return;
	r->fetching = false;
	if (outcome != PG_DONE || PQresultStatus(res) != PGRES_TUPLES_OK) {
		LOG(LOG_WARN, "fair %lld: could not read new events: %s",
		    (long long)fair_id,
		    outcome == PG_DONE ? PQresultErrorMessage(res)
				       : "database unavailable");
		return; /* the next notification or resync reads them */
	}
	n = PQntuples(res);
	for (int i = 0; i < n; i++) {
		int64_t seq = atoll(PQgetvalue(res, i, 0));
		const char *text = PQgetvalue(res, i, 1);
		struct frame *f = frame_from_text(text, strlen(text));

		ring_append(&r->ring, seq, PQgetvalue(res, i, 2),
			    PQgetisnull(res, i, 3)
				    ? 0
				    : atoll(PQgetvalue(res, i, 3)),
			    !strcmp(PQgetvalue(res, i, 4), "t"), f);
		r->last_seq = seq;
	}
	if (n)
		room_wake_all(r);
	if (n == 256 || r->fetch_again) {
		r->fetch_again = false;
		room_events_fetch(r);
	}
}

void room_events_fetch(struct room *r)
{
	char fair[24], since[24];
	const char *params[2] = {fair, since};

	if (r->fetching) {
		r->fetch_again = true;
		return;
	}
	snprintf(fair, sizeof fair, "%lld", (long long)r->fair_id);
	snprintf(since, sizeof since, "%lld", (long long)r->last_seq);
	r->fetching = true;
	if (pg_query(
		    srv.db,
		    "SELECT seq, payload::text, coalesce(tier, ''), dealer_id, "
		    "staff_only FROM events WHERE fair_id = $1::bigint "
		    "AND seq > $2::bigint ORDER BY seq LIMIT 256",
		    2, params, events_fetched, (void *)(intptr_t)r->fair_id))
		r->fetching = false;
}

static void on_fair_events(void *arg, const char *channel, const char *payload)
{
	(void)arg;
	(void)channel;
	if (!payload) {
		struct room *r;

		/* LISTEN came back: read whatever was missed, for every room */
		for (size_t i = 0; (r = room_each(&i));)
			room_events_fetch(r);
		return;
	}
	{
		int64_t fair_id = atoll(payload);
		const char *colon = strchr(payload, ':');
		struct room *r = room_get(fair_id, false);

		/* only fairs someone here follows; skip what was read */
		if (r && colon && atoll(colon + 1) > r->last_seq)
			room_events_fetch(r);
	}
}

int room_events_start(void)
{
	return pg_listen(srv.db, "fair_events", on_fair_events, NULL);
}
