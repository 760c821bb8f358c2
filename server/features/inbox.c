/* inbox.c - the inbox ops' parameters and the `inbox` push (see inbox.h). */
#include "features/inbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/idmap.h"
#include "base/log.h"
#include "base/loop_timer.h"
#include "base/strbuf.h"
#include "base/throttle.h"
#include "base/timefmt.h"
#include "db/pg.h"
#include "db/pgarray.h"
#include "net/audience.h"
#include "net/frame.h"
#include "net/ws_session.h"
#include "server.h"

#define INBOX_PUSH_MS 100 /* counts read at most this often */

const struct param_spec inbox_list_params[] = {
	{"before", PARAM_ID, false, 0, 0},
	{"limit", PARAM_INT, false, 1, 200},
	{"unread", PARAM_BOOL, false, 0, 0},
	{NULL, 0, false, 0, 0},
};

const struct param_spec inbox_read_params[] = {
	{"ids", PARAM_ARRAY, false, 1, 500},
	{"all", PARAM_BOOL, false, 0, 0},
	{NULL, 0, false, 0, 0},
};

const struct param_spec inbox_unread_params[] = {{NULL, 0, false, 0, 0}};

const struct param_spec inbox_prefs_params[] = {{NULL, 0, false, 0, 0}};

const struct param_spec inbox_prefs_set_params[] = {
	{"email", PARAM_STRING, false, 0, 254},
	{"lang", PARAM_STRING, false, 2, 7},
	{"kinds", PARAM_OBJECT, false, 0, 16},
	{NULL, 0, false, 0, 0},
};

/* message.promote: the audience's members and the texts' characters are
 * checked again by message_promote in the database, which names what it
 * refuses (the bounds here refuse what is far off before a query). */
const struct param_spec message_promote_params[] = {
	{"fair", PARAM_ID, false, 0, 0},
	{"title", PARAM_STRING, true, 1, 100},
	{"body", PARAM_STRING, true, 1, 2000},
	{"audience", PARAM_OBJECT, true, 0, 3},
	{"preview", PARAM_BOOL, false, 0, 0},
	{NULL, 0, false, 0, 0},
};

/* ---- the push ---- */

static struct idmap pending; /* user id -> (void *)1: counts to push */
static bool pending_all;     /* every user here (after a LISTEN gap) */
static struct throttle reads;
static struct loop_timer timer;
static bool started;

static void flush_step(enum throttle_step step, int64_t delay_ms);

static void counts_read(void *arg, enum pg_outcome outcome, const PGresult *res)
{
	int64_t delay = 0;

	(void)arg;
	if (!started)
		return;
	if (outcome == PG_DONE && PQresultStatus(res) == PGRES_TUPLES_OK &&
	    PQnfields(res) == 2) {
		for (int i = 0; i < PQntuples(res); i++) {
			char text[64];
			int n = snprintf(text, sizeof text,
					 "{\"ev\":\"inbox\",\"unread\":%s}",
					 PQgetvalue(res, i, 1));
			struct frame *f = frame_from_text(text, (size_t)n);

			audience_of_user(atoll(PQgetvalue(res, i, 0)),
					 ws_session_push_each, f);
			frame_unref(f);
		}
	} else if (outcome == PG_DONE) {
		LOG(LOG_WARN, "inbox: %s", PQresultErrorMessage(res));
	}
	/* users changed while it read go next */
	flush_step(throttle_read_done(&reads, timefmt_mono_ms(), &delay),
		   delay);
}

static void flush_timer(struct loop_timer *t)
{
	int64_t delay = 0;

	(void)t;
	flush_step(throttle_fired(&reads, timefmt_mono_ms(), &delay), delay);
}

struct collect {
	struct strbuf ids;
	size_t n;
};

static void collect_user(int64_t user_id, void *arg)
{
	struct collect *c = arg;

	pgarray_int(&c->ids, c->n++, user_id);
}

static void collect_pending(uint64_t user_id, void *value, void *arg)
{
	(void)value;
	if (audience_of_user((int64_t)user_id, NULL, NULL))
		collect_user((int64_t)user_id, arg);
}

/* Reads and pushes the counts of the pending users who have a session
 * here now, or arms the timer, as the throttle says. */
static void flush_step(enum throttle_step step, int64_t delay_ms)
{
	struct collect c;
	const char *params[1];
	bool sent = false;

	if (step == THROTTLE_ARM) {
		loop_timer_schedule(&timer, flush_timer,
				    delay_ms * LWS_US_PER_MS);
		return;
	}
	if (step != THROTTLE_READ)
		return;
	c.n = 0;
	strbuf_init(&c.ids);
	if (pending_all)
		audience_each_user(collect_user, &c);
	else
		idmap_foreach(&pending, collect_pending, &c);
	idmap_free(&pending);
	pending_all = false;
	pgarray_end(&c.ids, c.n);
	if (c.n) {
		params[0] = c.ids.data;
		sent = !pg_query(srv.db,
				 "SELECT user_id, unread FROM "
				 "inbox_unread_counts($1::bigint[])",
				 1, params, counts_read, NULL);
	}
	strbuf_free(&c.ids);
	if (!sent)
		throttle_read_done(&reads, timefmt_mono_ms(), &delay_ms);
}

/* inbox_changed: "user,user,...". NULL after a LISTEN gap: every user
 * here is told its count again. */
static void on_inbox_changed(void *arg, const char *channel,
			     const char *payload)
{
	int64_t delay = 0;
	const char *q = payload;

	(void)arg;
	(void)channel;
	if (!payload) {
		pending_all = true;
	} else {
		while (q && *q) {
			long long id = atoll(q);

			/* only users with a session here are read */
			if (id > 0 && audience_of_user(id, NULL, NULL))
				idmap_put(&pending, (uint64_t)id, (void *)1);
			q = strchr(q, ',');
			if (q)
				q++;
		}
		if (!pending.count)
			return;
	}
	flush_step(throttle_changed(&reads, timefmt_mono_ms(), &delay), delay);
}

void inbox_start(void)
{
	throttle_init(&reads, INBOX_PUSH_MS);
	started = true;
	if (pg_listen(srv.db, "inbox_changed", on_inbox_changed, NULL))
		LOG(LOG_ERROR, "cannot listen to inbox_changed");
}

void inbox_stop(void)
{
	started = false;
	loop_timer_cancel(&timer);
	idmap_free(&pending);
}
