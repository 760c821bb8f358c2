/* replay.c - recordings made replays, and the replays served (see
 * replay.h). */
#include "media/replay.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "auth/auth.h"
#include "base/log.h"
#include "base/loop_timer.h"
#include "base/worker.h"
#include "base/xalloc.h"
#include "db/pg.h"
#include "media/media_remux.h"
#include "media/ranged_file.h"
#include "media/stream_http.h"
#include "rpc/dispatch.h"
#include "server.h"

/* A remux that found no free worker is tried again after this long, this
 * many times (a quarter of an hour), before it is recorded failed. */
#define REMUX_RETRY_US (5 * 1000000LL)
#define REMUX_TRIES 180

/* The sweep: first a moment after the start, then every minute. A
 * recording untouched this long with no replay is one whose on_record_done
 * never came (the server was down or restarting when nginx closed it). */
#define SWEEP_FIRST_US (2 * 1000000LL)
#define SWEEP_EVERY_US (60 * 1000000LL)
#define ORPHAN_AGE_S 120

static bool running; /* between replay_start and replay_stop */
static struct loop_timer sweep_timer;
static bool sweep_busy; /* a sweep's query is in flight */

/* ---- the form nginx posts ---- */

/* The value of key=... in a form body, %-decoded ('+' is a space), into
 * out. Returns 0, or -1 when it is missing, too long or holds a NUL. */
static int form_value(const char *body, size_t len, const char *key, char *out,
		      size_t size)
{
	size_t klen = strlen(key), i = 0;

	while (i < len) {
		size_t end = i, n = 0;

		while (end < len && body[end] != '&')
			end++;
		if (end - i > klen && !memcmp(body + i, key, klen) &&
		    body[i + klen] == '=') {
			for (size_t k = i + klen + 1; k < end; k++) {
				int c = (unsigned char)body[k];

				if (c == '+') {
					c = ' ';
				} else if (c == '%' && k + 2 < end) {
					char hex[3] = {body[k + 1], body[k + 2],
						       0};
					char *e;

					c = (int)strtol(hex, &e, 16);
					if (*e)
						return -1;
					k += 2;
				}
				if (c == 0 || n + 1 >= size)
					return -1;
				out[n++] = (char)c;
			}
			out[n] = '\0';
			return 0;
		}
		i = end + 1;
	}
	return -1;
}

/* "fair-<id>" as nginx names the renamed stream: the id, or 0. */
static int64_t stream_fair(const char *name)
{
	char *end;
	long long f;

	if (strncmp(name, "fair-", 5) || name[5] < '1' || name[5] > '9')
		return 0;
	errno = 0;
	f = strtoll(name + 5, &end, 10);
	return errno || *end || f <= 0 ? 0 : (int64_t)f;
}

/* Whether file (a bare name) is fair's recording as nginx names it:
 * fair-<fair>-<digits>.flv. */
static bool recording_name(const char *file, int64_t fair)
{
	char prefix[40];
	size_t n = (size_t)snprintf(prefix, sizeof prefix, "fair-%" PRId64 "-",
				    fair);
	const char *p = file + n;
	size_t digits = 0;

	if (strncmp(file, prefix, n))
		return false;
	while (p[digits] >= '0' && p[digits] <= '9')
		digits++;
	return digits >= 1 && digits <= 20 && !strcmp(p + digits, ".flv");
}

/* ---- remuxing, on a worker thread ---- */

struct remux_job {
	struct remux_job *next, *prev; /* waiting for a retry (waiting) */
	bool waiting;
	int64_t replay_id;
	char in[PATH_MAX];  /* the recording */
	char out[PATH_MAX]; /* the replay's MP4 */
	char file[48];      /* its name, replay-<id>.mp4 */
	int tries;
	struct loop_timer retry;
	/* set by the work */
	int rc;
	int64_t duration_ms, bytes;
	char err[256];
};

static void remux_submit(struct remux_job *job);

/* Jobs on their retry timer: freed by replay_stop (the sweep of a later
 * start takes their replays up again). */
static struct remux_job *waiting_jobs;

static void waiting_add(struct remux_job *job)
{
	job->waiting = true;
	job->prev = NULL;
	job->next = waiting_jobs;
	if (waiting_jobs)
		waiting_jobs->prev = job;
	waiting_jobs = job;
}

static void waiting_remove(struct remux_job *job)
{
	if (!job->waiting)
		return;
	if (job->prev)
		job->prev->next = job->next;
	else
		waiting_jobs = job->next;
	if (job->next)
		job->next->prev = job->prev;
	job->waiting = false;
}

static void remux_work(void *arg)
{
	struct remux_job *job = arg;

	job->rc = media_remux_mp4(job->in, job->out, &job->duration_ms,
				  &job->bytes, job->err, sizeof job->err);
}

static void remux_recorded(void *arg, enum pg_outcome outcome,
			   const PGresult *res)
{
	struct remux_job *job = arg;
	bool ok = outcome == PG_DONE && PQresultStatus(res) == PGRES_TUPLES_OK;

	if (job->rc == 0 && ok) {
		LOG(LOG_NOTICE,
		    "replay %" PRId64 ": %s ready (%.1f s, %" PRId64 " bytes)",
		    job->replay_id, job->file, job->duration_ms / 1000.0,
		    job->bytes);
		unlink(job->in);
	} else if (job->rc == 0) {
		/* the MP4 is kept: the operator can record it again */
		LOG(LOG_WARN,
		    "replay %" PRId64 ": made %s but could not record it: %s",
		    job->replay_id, job->out,
		    outcome == PG_DONE ? PQresultErrorMessage(res)
				       : "the database is unavailable");
	}
	free(job);
}

static void remux_record(struct remux_job *job)
{
	char id[24], ms[24], bytes[24];
	const char *ready[4] = {id, job->file, ms, bytes};
	const char *failed[2] = {id, job->err};
	int r;

	snprintf(id, sizeof id, "%" PRId64, job->replay_id);
	snprintf(ms, sizeof ms, "%" PRId64, job->duration_ms);
	snprintf(bytes, sizeof bytes, "%" PRId64, job->bytes);
	if (job->rc == 0)
		r = pg_query(srv.db,
			     "SELECT stream_replay_ready($1::bigint, $2, "
			     "$3::bigint, $4::bigint)",
			     4, ready, remux_recorded, job);
	else
		r = pg_query(srv.db,
			     "SELECT stream_replay_failed($1::bigint, $2)", 2,
			     failed, remux_recorded, job);
	if (r) {
		LOG(LOG_WARN,
		    "replay %" PRId64 ": the database is unavailable: "
		    "recorded neither ready nor failed",
		    job->replay_id);
		free(job);
	}
}

static void remux_done(void *arg, bool ran)
{
	struct remux_job *job = arg;

	if (!ran && !running) { /* shutting down: a later sweep redoes it */
		free(job);
		return;
	}
	if (!ran) { /* no worker was free in time: later */
		remux_submit(job);
		return;
	}
	if (job->rc)
		LOG(LOG_WARN, "replay %" PRId64 ": remuxing %s failed: %s",
		    job->replay_id, job->in, job->err);
	remux_record(job);
}

static void remux_retry(struct loop_timer *t)
{
	struct remux_job *job = lws_container_of(t, struct remux_job, retry);

	waiting_remove(job);
	if (worker_submit_heavy(srv.workers, remux_work, remux_done, job))
		remux_submit(job);
}

/* Queues the remux, or tries again in a moment; after REMUX_TRIES it is
 * recorded failed. */
static void remux_submit(struct remux_job *job)
{
	if (job->tries++ == 0 &&
	    !worker_submit_heavy(srv.workers, remux_work, remux_done, job))
		return;
	if (job->tries > REMUX_TRIES) {
		job->rc = -1;
		snprintf(job->err, sizeof job->err,
			 "the server was too busy to make the replay");
		remux_record(job);
		return;
	}
	waiting_add(job);
	loop_timer_schedule(&job->retry, remux_retry, REMUX_RETRY_US);
}

/* A job for replay id of the recording named recording in dir. */
static struct remux_job *remux_job_new(int64_t id, const char *dir,
				       const char *recording)
{
	struct remux_job *job = xcalloc(1, sizeof *job);

	job->replay_id = id;
	snprintf(job->in, sizeof job->in, "%s/%s", dir, recording);
	snprintf(job->file, sizeof job->file, "replay-%" PRId64 ".mp4", id);
	snprintf(job->out, sizeof job->out, "%s/%s", dir, job->file);
	return job;
}

/* ---- on_record_done ---- */

struct record_call {
	uint64_t http_id;
	struct remux_job *job;
};

static void record_done_answered(void *arg, enum pg_outcome outcome,
				 const PGresult *res)
{
	struct record_call *rc = arg;
	struct remux_job *job = rc->job;

	if (outcome != PG_DONE || PQresultStatus(res) != PGRES_TUPLES_OK ||
	    PQntuples(res) != 1) {
		http_fail(rc->http_id, ERR_UNAVAILABLE,
			  "the recording could not be recorded");
		free(job);
	} else if (PQgetisnull(res, 0, 0)) {
		LOG(LOG_NOTICE, "stream: on_record_done for %s refused",
		    job->in);
		http_fail(rc->http_id, ERR_FORBIDDEN, "unknown recording");
		free(job);
	} else {
		job->replay_id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
		snprintf(job->file, sizeof job->file, "replay-%" PRId64 ".mp4",
			 job->replay_id);
		snprintf(job->out, sizeof job->out, "%.*s/%s",
			 (int)(strrchr(job->in, '/') - job->in), job->in,
			 job->file);
		http_finish_body(rc->http_id, 200, "text/plain; charset=utf-8",
				 "ok\n", 3);
		remux_submit(job);
	}
	free(rc);
}

void replay_record_done(const struct http_call *call)
{
	char name[64], path[PATH_MAX], dir[PATH_MAX], ended_ms[24], fair_s[24];
	const char *file;
	struct remux_job *job;
	struct record_call *rc;
	struct stat st;
	int64_t fair;
	const char *params[3] = {fair_s, NULL, ended_ms};

	if (form_value(call->body, call->body_len, "name", name, sizeof name) ||
	    !(fair = stream_fair(name)) ||
	    form_value(call->body, call->body_len, "path", path, sizeof path)) {
		http_fail(call->id, ERR_FORBIDDEN, "unknown recording");
		return;
	}
	/* only the name of nginx's path: the file is looked for in our
	 * recordings folder, never where a caller points */
	file = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	if (!recording_name(file, fair) ||
	    stream_http_record_dir(dir, sizeof dir)) {
		http_fail(call->id, ERR_FORBIDDEN, "unknown recording");
		return;
	}
	job = xcalloc(1, sizeof *job);
	if (snprintf(job->in, sizeof job->in, "%s/%s", dir, file) >=
		    (int)sizeof job->in ||
	    lstat(job->in, &st) || !S_ISREG(st.st_mode)) {
		free(job);
		http_fail(call->id, ERR_FORBIDDEN, "no such recording");
		return;
	}
	snprintf(fair_s, sizeof fair_s, "%" PRId64, fair);
	snprintf(ended_ms, sizeof ended_ms, "%lld",
		 (long long)st.st_mtim.tv_sec * 1000 +
			 st.st_mtim.tv_nsec / 1000000);
	params[1] = file;
	rc = xcalloc(1, sizeof *rc);
	rc->http_id = call->id;
	rc->job = job;
	if (pg_query(srv.db,
		     "SELECT stream_record_done($1::bigint, $2, $3::bigint)", 3,
		     params, record_done_answered, rc)) {
		http_fail(call->id, ERR_UNAVAILABLE, "retry later");
		free(job);
		free(rc);
	}
}

/* ---- the sweep: what a restart left undone ---- */

/* Remuxes the replays claimed again (stream_replays_claim_stale). */
static void stale_claimed(void *arg, enum pg_outcome outcome,
			  const PGresult *res)
{
	char dir[PATH_MAX];

	(void)arg;
	sweep_busy = false;
	if (!running || outcome != PG_DONE ||
	    PQresultStatus(res) != PGRES_TUPLES_OK ||
	    stream_http_record_dir(dir, sizeof dir))
		return;
	for (int i = 0; i < PQntuples(res); i++) {
		int64_t id = strtoll(PQgetvalue(res, i, 0), NULL, 10);

		LOG(LOG_NOTICE, "replay %" PRId64 ": remuxing %s again", id,
		    PQgetvalue(res, i, 1));
		remux_submit(remux_job_new(id, dir, PQgetvalue(res, i, 1)));
	}
}

struct orphan {
	int64_t fair;
	char dir[PATH_MAX];
	char name[64];
};

static void orphan_recorded(void *arg, enum pg_outcome outcome,
			    const PGresult *res)
{
	struct orphan *o = arg;

	if (running && outcome == PG_DONE &&
	    PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1 &&
	    !PQgetisnull(res, 0, 0)) {
		int64_t id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);

		LOG(LOG_NOTICE,
		    "replay %" PRId64 ": %s had no on_record_done; remuxing it",
		    id, o->name);
		remux_submit(remux_job_new(id, o->dir, o->name));
	}
	free(o);
}

/* Recordings nginx closed while no server heard it: each becomes a replay
 * as on_record_done would have made it (stream_record_done refuses those
 * it knows, so several processes sweeping agree). */
static void sweep_orphans(void)
{
	char dir[PATH_MAX];
	struct dirent *e;
	time_t now = time(NULL);
	DIR *d;

	if (stream_http_record_dir(dir, sizeof dir) || !(d = opendir(dir)))
		return;
	while ((e = readdir(d))) {
		char path[PATH_MAX], fair_s[24], ended[24];
		const char *params[3] = {fair_s, e->d_name, ended};
		struct orphan *o;
		struct stat st;
		int64_t fair = 0;

		if (strncmp(e->d_name, "fair-", 5))
			continue;
		fair = strtoll(e->d_name + 5, NULL, 10);
		if (fair <= 0 || strlen(e->d_name) >= sizeof o->name ||
		    !recording_name(e->d_name, fair) ||
		    snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >=
			    (int)sizeof path ||
		    lstat(path, &st) || !S_ISREG(st.st_mode) ||
		    now - st.st_mtim.tv_sec < ORPHAN_AGE_S)
			continue;
		o = xcalloc(1, sizeof *o);
		o->fair = fair;
		snprintf(o->dir, sizeof o->dir, "%s", dir);
		memcpy(o->name, e->d_name, strlen(e->d_name) + 1);
		snprintf(fair_s, sizeof fair_s, "%" PRId64, fair);
		snprintf(ended, sizeof ended, "%lld",
			 (long long)st.st_mtim.tv_sec * 1000 +
				 st.st_mtim.tv_nsec / 1000000);
		params[1] = o->name;
		if (pg_query(srv.db,
			     "SELECT stream_record_done($1::bigint, $2, "
			     "$3::bigint)",
			     3, params, orphan_recorded, o))
			free(o);
	}
	closedir(d);
}

static void sweep(struct loop_timer *t)
{
	(void)t;
	if (!running)
		return;
	loop_timer_schedule(&sweep_timer, sweep, SWEEP_EVERY_US);
	if (sweep_busy)
		return;
	if (!pg_query(srv.db,
		      "SELECT id, recording FROM stream_replays_claim_stale()",
		      0, NULL, stale_claimed, NULL))
		sweep_busy = true;
	sweep_orphans();
}

void replay_start(void)
{
	running = true;
	loop_timer_schedule(&sweep_timer, sweep, SWEEP_FIRST_US);
}

void replay_stop(void)
{
	running = false;
	loop_timer_cancel(&sweep_timer);
	while (waiting_jobs) {
		struct remux_job *job = waiting_jobs;

		waiting_remove(job);
		loop_timer_cancel(&job->retry);
		free(job);
	}
}

/* ---- GET /live/<fair>/replay-<id>.mp4 ---- */

struct replay_get {
	uint64_t http_id;
	int64_t fair, replay_id;
	char range[128]; /* the Range header, or "" */
};

static void replay_found(void *arg, enum pg_outcome outcome,
			 const PGresult *res)
{
	struct replay_get *g = arg;
	char dir[PATH_MAX], path[PATH_MAX];
	const char *file = path;

	if (outcome != PG_DONE || PQresultStatus(res) != PGRES_TUPLES_OK ||
	    PQntuples(res) != 1) {
		http_fail(g->http_id, ERR_UNAVAILABLE, "retry later");
		goto done;
	}
	if (strcmp(PQgetvalue(res, 0, 0), "t")) {
		http_fail(g->http_id, ERR_FORBIDDEN,
			  "this fair's video is not for this account");
		goto done;
	}
	if (PQgetisnull(res, 0, 1) || stream_http_record_dir(dir, sizeof dir) ||
	    snprintf(path, sizeof path, "%s/%s", dir, PQgetvalue(res, 0, 1)) >=
		    (int)sizeof path)
		file = NULL;
	/* a replay never changes once made; private: the fair's users only */
	ranged_file_answer(g->http_id, file, g->range, "video/mp4",
			   "private, max-age=86400", "no such replay");
done:
	free(g);
}

static void replay_user(void *arg, struct auth_user *user, int status)
{
	struct replay_get *g = arg;
	char fair[24], id[24], staff[2], dealer[24];
	const char *params[4] = {fair, id, staff, dealer};

	if (!auth_http_allow(g->http_id, user, status, ROLES_ALL, "")) {
		free(g);
		return;
	}
	snprintf(fair, sizeof fair, "%" PRId64, g->fair);
	snprintf(id, sizeof id, "%" PRId64, g->replay_id);
	snprintf(staff, sizeof staff, "%s",
		 user->role == ROLE_DEALER ? "f" : "t");
	snprintf(dealer, sizeof dealer, "%" PRId64, user->dealer_id);
	if (pg_query_for(srv.db, (uint64_t)user->user_id,
			 "SELECT may_watch, file FROM stream_replay_file("
			 "$1::bigint, $2::bigint, $3::boolean, $4::bigint)",
			 4, params, replay_found, g)) {
		http_fail(g->http_id, ERR_UNAVAILABLE, "retry later");
		free(g);
	}
}

void replay_http_file(const struct http_call *call, int64_t fair,
		      int64_t replay_id)
{
	struct replay_get *g = xcalloc(1, sizeof *g);

	g->http_id = call->id;
	g->fair = fair;
	g->replay_id = replay_id;
	snprintf(g->range, sizeof g->range, "%s",
		 call->range ? call->range : "");
	auth_http_user(call->session, replay_user, g);
}
