/* auth.c - logins, sessions, revocation (see auth.h). */
#include "auth/auth.h"

#include <ctype.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/session_token.h"
#include "base/idmap.h"
#include "base/log.h"
#include "base/loop_timer.h"
#include "base/password.h"
#include "base/strbuf.h"
#include "base/timefmt.h"
#include "base/worker.h"
#include "base/xalloc.h"
#include "db/pg.h"
#include "db/pgarray.h"
#include "net/audience.h"
#include "net/ws_session.h"
#include "rpc/dispatch.h"
#include "rpc/proto.h"
#include "server.h"

#define AUTH_CACHE_MAX 100000 /* sessions remembered; then forget them all */
#define CLOSE_SESSION_ENDED 4401
#define CLOSE_PASSWORD_CHANGE 4403
#define CLOSE_TRY_LATER 1013

static struct idmap cache; /* first 8 bytes of a session hash -> auth_user */

/* ---- users and the cache ---- */

struct auth_user *auth_user_ref(struct auth_user *u)
{
	u->refs++;
	return u;
}

void auth_user_unref(struct auth_user *u)
{
	if (u && --u->refs == 0) {
		free(u->region);
		free(u->json_text);
		free(u);
	}
}

static uint64_t cache_key(const unsigned char hash[32])
{
	uint64_t k;

	memcpy(&k, hash, sizeof k);
	return k ? k : 1; /* 0 is the map's empty slot */
}

static struct auth_user *cache_get(const unsigned char hash[32])
{
	struct auth_user *u = idmap_get(&cache, cache_key(hash));

	return u && !memcmp(u->session_hash, hash, 32) ? u : NULL;
}

static void drop_one(uint64_t id, void *value, void *arg)
{
	(void)id;
	(void)arg;
	auth_user_unref(value);
}

static void cache_clear(void)
{
	idmap_foreach(&cache, drop_one, NULL);
	idmap_free(&cache);
}

static void cache_put(struct auth_user *u)
{
	struct auth_user *old;

	/* The flag clears on a password change, which keeps the session: a
	 * cache on another process would never learn it. Asked each time. */
	if (u->must_change_password)
		return;
	if (cache.count >= AUTH_CACHE_MAX)
		cache_clear(); /* the database still knows them all */
	old = idmap_get(&cache, cache_key(u->session_hash));
	if (old)
		auth_user_unref(
			idmap_remove(&cache, cache_key(u->session_hash)));
	if (idmap_put(&cache, cache_key(u->session_hash), auth_user_ref(u)))
		auth_user_unref(u);
}

/* Makes a user from a session_lookup row: user_id, login, role, dealer_id,
 * user_json. */
static struct auth_user *user_from_row(const PGresult *res, int row,
				       const unsigned char hash[32])
{
	struct auth_user *u = xcalloc(1, sizeof *u);
	json_error_t jerr;
	json_t *json, *dealer;
	const char *region;

	u->refs = 1;
	u->user_id = atoll(PQgetvalue(res, row, 0));
	snprintf(u->login, sizeof u->login, "%s", PQgetvalue(res, row, 1));
	u->role = role_parse(PQgetvalue(res, row, 2));
	u->dealer_id =
		PQgetisnull(res, row, 3) ? 0 : atoll(PQgetvalue(res, row, 3));
	json = json_loads(PQgetvalue(res, row, 4), 0, &jerr);
	memcpy(u->session_hash, hash, 32);
	u->must_change_password =
		json_is_true(json_object_get(json, "must_change_password"));
	dealer = json_object_get(json, "dealer");
	snprintf(u->tier, sizeof u->tier, "%s",
		 json_string_value(json_object_get(dealer, "tier")) ?: "");
	region = json_string_value(json_object_get(dealer, "region"));
	if (region)
		u->region = xstrdup(region);
	if (json)
		u->json_text = json_dumps(json, JSON_COMPACT);
	json_decref(json);
	if (!u->json_text || !u->role) {
		auth_user_unref(u);
		return NULL;
	}
	return u;
}

static const char sql_session_lookup[] =
	"SELECT user_id, login, role, dealer_id, user_json "
	"FROM session_lookup($1::bytea)";

static void hash_param(const unsigned char hash[32], char out[67])
{
	out[0] = '\\';
	out[1] = 'x';
	session_hash_hex(hash, out + 2);
}

/* ---- cookies ---- */

int auth_cookie_value(const char *cookie_header, char *value, size_t size)
{
	struct session_token t;
	size_t pos = 0;
	int found = -1;

	if (!cookie_header)
		return -1;
	while (!session_cookie_next(cookie_header, SESSION_COOKIE_NAME, &pos,
				    value, size)) {
		found = 0;
		if (!session_token_check(srv.schema.session_key, value,
					 timefmt_now_ms() / 1000, &t))
			return 0;
	}
	/* none checks: the first, for the answer to say why */
	return found ? -1
		     : session_cookie_find(cookie_header, SESSION_COOKIE_NAME,
					   value, size);
}

int auth_cookie_check(const char *cookie_header, unsigned char hash[32])
{
	char value[SESSION_COOKIE_MAX];
	size_t pos = 0;
	struct session_token t;

	if (!cookie_header)
		return -1;
	while (!session_cookie_next(cookie_header, SESSION_COOKIE_NAME, &pos,
				    value, sizeof value))
		if (!session_token_check(srv.schema.session_key, value,
					 timefmt_now_ms() / 1000, &t)) {
			memcpy(hash, t.id_hash, 32);
			return 0;
		}
	return -1;
}

static int session_value_check(const char *value, unsigned char hash[32])
{
	struct session_token t;

	if (!*value || session_token_check(srv.schema.session_key, value,
					   timefmt_now_ms() / 1000, &t))
		return -1;
	memcpy(hash, t.id_hash, 32);
	return 0;
}

static void cookie_header(char *out, size_t size, const char *value,
			  long max_age)
{
	snprintf(out, size,
		 "%s=%s; Path=/; Max-Age=%ld; HttpOnly; "
		 "SameSite=Strict%s",
		 SESSION_COOKIE_NAME, value, max_age,
		 srv.tls ? "; Secure" : "");
}

/* ---- answering ---- */

static void unavailable(uint64_t http_id)
{
	http_fail(http_id, ERR_UNAVAILABLE,
		  "the database is unavailable: retry");
}

/* Decodes a small JSON body against a parameter table. Returns the object
 * or NULL after answering 400. */
static json_t *body_json(const struct http_call *call,
			 const struct param_spec *params)
{
	json_error_t jerr;
	json_t *body;
	char why[160];

	if (proto_json_depth(call->body, call->body_len, PROTO_MAX_DEPTH) >
	    PROTO_MAX_DEPTH)
		goto bad;
	body = json_loadb(call->body, call->body_len, JSON_REJECT_DUPLICATES,
			  &jerr);
	if (!json_is_object(body)) {
		json_decref(body);
		goto bad;
	}
	if (params_check(params, body, why, sizeof why)) {
		json_decref(body);
		http_fail(call->id, ERR_BAD_REQUEST, why);
		return NULL;
	}
	return body;
bad:
	http_fail(call->id, ERR_BAD_REQUEST, "the body must be a JSON object");
	return NULL;
}

/* ---- POST /api/login ---- */

/* A login first reserves an attempt in PostgreSQL (login_begin,
 * sql/functions/accounts/login.sql): failures and attempts in progress count
 * together against the limits, in one statement under the counters' row locks,
 * so parallel guesses on any number of processes cannot all pass the check
 * before the first failure is counted; and at most
 * login_max_pending_per_address attempts of one address are hashed at once, so
 * one address cannot fill the hashing queue ahead of everyone else. An attempt
 * that finds no room waits in this process (login_waiting) and asks again when
 * an attempt of its login or address ends here, or when its timer fires (for
 * attempts on other processes). A failure is counted (login_attempt_failed)
 * before its 401 is sent. Reservations in progress are renewed every
 * LOGIN_RENEW_MS, so those of a process that died lapse within
 * LOGIN_ATTEMPT_TTL_S, however long a live one waits for a worker. */
#define LOGIN_ATTEMPT_TTL_S 15   /* a reservation not renewed lapses */
#define LOGIN_RENEW_MS 5000      /* how often this process renews its own */
#define LOGIN_WAIT_MAX_MS 120000 /* waited this long: 503, try again */
#define LOGIN_RETRY_FIRST_MS 100 /* the waits double from here ... */
#define LOGIN_RETRY_MAX_MS 2000  /* ... up to here, jittered */

struct login_job {
	uint64_t http_id;
	char login[72];
	char password[PASSWORD_MAX_LENGTH + 1];
	char stored[PASSWORD_HASH_MAX]; /* empty: unknown login */
	int64_t user_id;
	int64_t attempt; /* its row in login_attempts; 0: none */
	bool disabled;
	bool password_ok;
	char peer[64];
	char user_agent[300];
	char cookie[SESSION_COOKIE_MAX];
	/* while it waits for room */
	struct loop_timer retry;
	struct login_job *prev, *next; /* in login_waiting */
	int64_t wait_until_ms;         /* 0 until it first waits */
	unsigned waits;
	/* while it holds an attempt */
	struct login_job *held_prev, *held_next; /* in login_held */
	bool held;
};

static struct {
	struct login_job *head, *tail;
} login_waiting; /* oldest first */

static struct login_job *login_held; /* attempts reserved, not yet ended */
static struct loop_timer login_renew_timer;
static bool login_renew_on;

static void login_begin(struct login_job *job);

static void login_renew(struct loop_timer *t);

static void login_held_add(struct login_job *job)
{
	job->held = true;
	job->held_prev = NULL;
	job->held_next = login_held;
	if (login_held)
		login_held->held_prev = job;
	login_held = job;
	if (!login_renew_on) {
		login_renew_on = true;
		loop_timer_schedule(&login_renew_timer, login_renew,
				    LOGIN_RENEW_MS * LWS_US_PER_MS);
	}
}

static void login_job_free(struct login_job *job)
{
	if (job->held) {
		if (job->held_prev)
			job->held_prev->held_next = job->held_next;
		else
			login_held = job->held_next;
		if (job->held_next)
			job->held_next->held_prev = job->held_prev;
	}
	OPENSSL_cleanse(job->password, sizeof job->password);
	free(job);
}

static void login_renewed(void *arg, enum pg_outcome outcome,
			  const PGresult *res)
{
	(void)arg;
	if (outcome == PG_DONE && PQresultStatus(res) != PGRES_COMMAND_OK &&
	    PQresultStatus(res) != PGRES_TUPLES_OK)
		LOG(LOG_WARN, "login attempts not renewed: %s",
		    PQresultErrorMessage(res));
}

/* Every LOGIN_RENEW_MS while this process holds attempts: pushes their
 * lapse LOGIN_ATTEMPT_TTL_S ahead. */
static void login_renew(struct loop_timer *t)
{
	struct strbuf ids;
	char ttl[16];
	const char *params[2];
	size_t n = 0;

	(void)t;
	if (!login_held || srv.stopping) {
		login_renew_on = false;
		return;
	}
	strbuf_init(&ids);
	for (struct login_job *job = login_held; job; job = job->held_next)
		pgarray_int(&ids, n++, (long long)job->attempt);
	pgarray_end(&ids, n);
	snprintf(ttl, sizeof ttl, "%d", LOGIN_ATTEMPT_TTL_S);
	params[0] = ids.data;
	params[1] = ttl;
	if (!ids.data ||
	    pg_query(srv.db,
		     "SELECT login_attempts_renew($1::bigint[], $2::int)", 2,
		     params, login_renewed, NULL))
		LOG(LOG_WARN, "could not renew %zu login attempts", n);
	strbuf_free(&ids);
	loop_timer_schedule(&login_renew_timer, login_renew,
			    LOGIN_RENEW_MS * LWS_US_PER_MS);
}

static void waiting_remove(struct login_job *job)
{
	if (job->prev)
		job->prev->next = job->next;
	else
		login_waiting.head = job->next;
	if (job->next)
		job->next->prev = job->prev;
	else
		login_waiting.tail = job->prev;
	job->prev = job->next = NULL;
	loop_timer_cancel(&job->retry);
}

/* An attempt of login from peer has ended here: the oldest waiting job of
 * the same login or address asks again (there is room for one more), and
 * after a failure every job of the login does (the limit may have been
 * reached: they learn it now rather than at their timers). */
static void login_wake(const char *login, const char *peer, bool failed)
{
	struct login_job *job, *next, *woken = NULL, **tail = &woken;
	bool room = true;

	for (job = login_waiting.head; job; job = next) {
		bool same_login = !strcmp(job->login, login);
		bool same = same_login || !strcmp(job->peer, peer);

		next = job->next;
		if (!(failed && same_login) && !(room && same))
			continue;
		room = false;
		waiting_remove(job);
		*tail = job;
		tail = &job->next;
	}
	/* begun only now: a begin never re-enters the list before its answer,
	 * but the walk above must not see the list change under it */
	while ((job = woken)) {
		woken = job->next;
		job->next = NULL;
		login_begin(job);
	}
}

static void login_retry_due(struct loop_timer *t)
{
	struct login_job *job = lws_container_of(t, struct login_job, retry);

	waiting_remove(job);
	login_begin(job);
}

/* No room for job's attempt now: waits (backing off) for one, up to
 * LOGIN_WAIT_MAX_MS in all. */
static void login_wait(struct login_job *job)
{
	int64_t now = timefmt_mono_ms();
	int64_t delay = LOGIN_RETRY_FIRST_MS
			<< (job->waits < 6 ? job->waits : 6);

	if (!job->wait_until_ms)
		job->wait_until_ms = now + LOGIN_WAIT_MAX_MS;
	if (srv.stopping || now >= job->wait_until_ms) {
		http_fail_retry(job->http_id, ERR_UNAVAILABLE,
				srv.stopping
					? "the server is restarting: retry"
					: "too many logins at once: retry in a "
					  "moment",
				1);
		login_job_free(job);
		return;
	}
	if (delay > LOGIN_RETRY_MAX_MS)
		delay = LOGIN_RETRY_MAX_MS;
	delay = delay / 2 + rand() % (delay / 2 + 1);
	job->waits++;
	job->prev = login_waiting.tail;
	job->next = NULL;
	if (login_waiting.tail)
		login_waiting.tail->next = job;
	else
		login_waiting.head = job;
	login_waiting.tail = job;
	loop_timer_schedule(&job->retry, login_retry_due,
			    delay * LWS_US_PER_MS);
}

static void login_released(void *arg, enum pg_outcome outcome,
			   const PGresult *res)
{
	struct login_job *job = arg;

	(void)outcome;
	(void)res; /* not given back: it lapses after LOGIN_ATTEMPT_TTL_S */
	login_wake(job->login, job->peer, false);
	login_job_free(job);
}

/* Gives back job's attempt uncounted (its answer has been sent: 503 or
 * 500) and frees job. */
static void login_release(struct login_job *job)
{
	char attempt[24];
	const char *params[1] = {attempt};

	snprintf(attempt, sizeof attempt, "%lld", (long long)job->attempt);
	if (!job->attempt ||
	    pg_query(srv.db, "SELECT login_attempt_release($1::bigint)", 1,
		     params, login_released, job))
		login_released(job, PG_NOT_SENT, NULL);
}

static const struct param_spec login_params[] = {
	{"login", PARAM_STRING, true, 1, 64},
	{"password", PARAM_STRING, true, 1, PASSWORD_MAX_LENGTH},
	{NULL, 0, false, 0, 0},
};

static void login_finished(void *arg, enum pg_outcome outcome,
			   const PGresult *res)
{
	struct login_job *job = arg;
	char header[SESSION_COOKIE_MAX + 128];
	json_error_t jerr;
	json_t *user;

	if (outcome != PG_DONE || PQresultStatus(res) != PGRES_TUPLES_OK) {
		if (outcome == PG_DONE)
			LOG(LOG_ERROR, "login: %s", PQresultErrorMessage(res));
		unavailable(job->http_id);
		login_release(job);
		return;
	}
	user = json_loads(PQgetvalue(res, 0, 0), 0, &jerr);
	cookie_header(header, sizeof header, job->cookie,
		      srv.cfg.session_ttl_hours * 3600L);
	http_finish(job->http_id, 200, json_pack("{s:o*}", "user", user),
		    header, 0);
	login_wake(job->login, job->peer, false);
	login_job_free(job);
}

static void login_refused(void *arg, enum pg_outcome outcome,
			  const PGresult *res)
{
	struct login_job *job = arg;

	if (outcome != PG_DONE || PQresultStatus(res) != PGRES_TUPLES_OK) {
		/* Not known to be counted: no word on the password either. */
		if (outcome == PG_DONE)
			LOG(LOG_ERROR, "login failure not counted: %s",
			    PQresultErrorMessage(res));
		unavailable(job->http_id);
	} else {
		http_fail(job->http_id, ERR_UNAUTHORIZED,
			  "wrong login or password");
	}
	login_wake(job->login, job->peer, true);
	login_job_free(job);
}

static void login_verify(void *arg)
{
	struct login_job *job = arg;

	/* An empty stored hash is malformed: it costs a dummy hash. */
	job->password_ok = password_verify(job->password, job->stored);
}

static void login_verified(void *arg, bool ran)
{
	struct login_job *job = arg;
	char hash_hex[67], user_id[24], expires[40], window[16], attempt[24];
	struct session_token token;
	int64_t expires_s = timefmt_now_ms() / 1000 +
			    (int64_t)srv.cfg.session_ttl_hours * 3600;

	if (!ran) { /* shutting down */
		http_fail_retry(job->http_id, ERR_UNAVAILABLE,
				"the server is restarting: retry", 1);
		login_release(job);
		return;
	}
	snprintf(attempt, sizeof attempt, "%lld", (long long)job->attempt);
	if (!job->password_ok || job->disabled || !job->user_id) {
		const char *params[4] = {attempt, job->login, job->peer,
					 window};

		snprintf(window, sizeof window, "%d", srv.cfg.login_window_s);
		if (pg_query(srv.db,
			     "SELECT login_attempt_failed($1::bigint, $2, $3, "
			     "$4::int)",
			     4, params, login_refused, job))
			login_refused(job, PG_NOT_SENT, NULL);
		return;
	}
	if (session_token_mint(srv.schema.session_key, expires_s, &token,
			       job->cookie, sizeof job->cookie)) {
		http_fail(job->http_id, ERR_INTERNAL, "no randomness");
		login_release(job);
		return;
	}
	hash_param(token.id_hash, hash_hex);
	snprintf(user_id, sizeof user_id, "%lld", (long long)job->user_id);
	snprintf(expires, sizeof expires, "%lld", (long long)expires_s);
	{
		const char *params[7] = {attempt,        user_id, job->login,
					 hash_hex,       expires, job->peer,
					 job->user_agent};

		if (pg_query(srv.db,
			     "SELECT login_attempt_succeeded($1::bigint, "
			     "$2::bigint, $3, $4::bytea, "
			     "to_timestamp($5::bigint), $6, $7)",
			     7, params, login_finished, job)) {
			unavailable(job->http_id);
			login_release(job);
		}
	}
}

static void login_begun(void *arg, enum pg_outcome outcome, const PGresult *res)
{
	struct login_job *job = arg;
	const char *state;

	if (outcome != PG_DONE || PQresultStatus(res) != PGRES_TUPLES_OK ||
	    PQntuples(res) != 1) {
		/* PG_LOST: an attempt reserved unknown to us lapses */
		if (outcome == PG_DONE)
			LOG(LOG_ERROR, "login: %s", PQresultErrorMessage(res));
		unavailable(job->http_id);
		login_job_free(job);
		return;
	}
	state = PQgetvalue(res, 0, 0);
	if (!strcmp(state, "wait")) {
		login_wait(job);
		return;
	}
	if (strcmp(state, "go")) {
		LOG(LOG_NOTICE, "login throttled for %s from %s", job->login,
		    job->peer);
		http_fail_retry(job->http_id, ERR_RATE_LIMITED,
				"too many failed logins: wait and try again",
				srv.cfg.login_window_s);
		login_job_free(job);
		return;
	}
	job->attempt = atoll(PQgetvalue(res, 0, 1));
	login_held_add(job);
	if (!PQgetisnull(res, 0, 2)) {
		job->user_id = atoll(PQgetvalue(res, 0, 2));
		snprintf(job->stored, sizeof job->stored, "%s",
			 PQgetvalue(res, 0, 3));
		job->disabled = !strcmp(PQgetvalue(res, 0, 4), "t");
	}
	if (worker_submit(srv.workers, login_verify, login_verified, job)) {
		http_fail_retry(job->http_id, ERR_UNAVAILABLE,
				"too many logins at once: retry in a moment",
				1);
		login_release(job);
	}
}

/* Asks for room for job's attempt (again, after a wait). */
static void login_begin(struct login_job *job)
{
	char max_login[16], max_address[16], max_pending[16], window[16],
		ttl[16];
	const char *params[7] = {job->login,  job->peer, max_login, max_address,
				 max_pending, window,    ttl};

	if (srv.stopping) {
		http_fail_retry(job->http_id, ERR_UNAVAILABLE,
				"the server is restarting: retry", 1);
		login_job_free(job);
		return;
	}
	snprintf(max_login, sizeof max_login, "%d", srv.cfg.login_max_failures);
	snprintf(max_address, sizeof max_address, "%d",
		 srv.cfg.login_max_failures_per_address);
	snprintf(max_pending, sizeof max_pending, "%d",
		 srv.cfg.login_max_pending_per_address);
	snprintf(window, sizeof window, "%d", srv.cfg.login_window_s);
	snprintf(ttl, sizeof ttl, "%d", LOGIN_ATTEMPT_TTL_S);
	if (pg_query(srv.db,
		     "SELECT state, attempt, user_id, password_hash, disabled "
		     "FROM login_begin($1, $2, $3::int, $4::int, $5::int, "
		     "$6::int, $7::int)",
		     7, params, login_begun, job)) {
		unavailable(job->http_id);
		login_job_free(job);
	}
}

void auth_http_login(const struct http_call *call)
{
	json_t *body = body_json(call, login_params);
	struct login_job *job;

	if (!body)
		return;
	job = xcalloc(1, sizeof *job);
	job->http_id = call->id;
	snprintf(job->login, sizeof job->login, "%s",
		 json_string_value(json_object_get(body, "login")));
	for (char *p = job->login; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	snprintf(job->password, sizeof job->password, "%s",
		 json_string_value(json_object_get(body, "password")));
	json_decref(body);
	snprintf(job->peer, sizeof job->peer, "%s", call->peer);
	snprintf(job->user_agent, sizeof job->user_agent, "%s",
		 call->user_agent);
	login_begin(job);
}

/* ---- POST /api/logout ---- */

/* Answers a logout: the browser's cookie is cleared either way. */
static void logged_out(uint64_t http_id)
{
	char header[160];

	cookie_header(header, sizeof header, "", 0);
	http_finish(http_id, 200, json_object(), header, 0);
}

static void logout_done(void *arg, enum pg_outcome outcome, const PGresult *res)
{
	uint64_t http_id = (uint64_t)(uintptr_t)arg;

	if (outcome != PG_DONE || PQresultStatus(res) != PGRES_TUPLES_OK)
		unavailable(http_id); /* the session may still be valid */
	else
		logged_out(http_id);
}

void auth_http_logout(const struct http_call *call)
{
	unsigned char hash[32];
	char hash_hex[67];
	const char *params[1] = {hash_hex};

	if (session_value_check(call->session, hash)) {
		logged_out(call->id); /* nothing to end */
		return;
	}
	hash_param(hash, hash_hex);
	if (pg_query(srv.db, "SELECT session_revoke($1::bytea)", 1, params,
		     logout_done, (void *)(uintptr_t)call->id))
		unavailable(call->id);
}

/* ---- GET /api/me ---- */

/* GET /api/me's answer, {"user": ...}, around the user's kept text. */
static void me_reply(uint64_t http_id, const struct auth_user *u)
{
	struct strbuf b;

	strbuf_init(&b);
	strbuf_addstr(&b, "{\"user\":");
	strbuf_addstr(&b, u->json_text);
	strbuf_addstr(&b, "}");
	http_finish_body(http_id, 200, "application/json", b.data, b.len);
	strbuf_free(&b);
}

struct me_job {
	uint64_t http_id;
	unsigned char hash[32];
};

static void me_done(void *arg, enum pg_outcome outcome, const PGresult *res)
{
	struct me_job *job = arg;
	struct auth_user *u;

	if (outcome != PG_DONE || PQresultStatus(res) != PGRES_TUPLES_OK) {
		unavailable(job->http_id);
	} else if (PQntuples(res) != 1 ||
		   !(u = user_from_row(res, 0, job->hash))) {
		http_fail(job->http_id, ERR_UNAUTHORIZED, "not logged in");
	} else {
		cache_put(u);
		me_reply(job->http_id, u);
		auth_user_unref(u);
	}
	free(job);
}

void auth_http_me(const struct http_call *call)
{
	struct me_job *job;
	struct auth_user *u;
	char hash_hex[67];
	const char *params[1] = {hash_hex};
	unsigned char hash[32];

	if (session_value_check(call->session, hash)) {
		http_fail(call->id, ERR_UNAUTHORIZED, "not logged in");
		return;
	}
	u = cache_get(hash);
	if (u) {
		me_reply(call->id, u);
		return;
	}
	job = xmalloc(sizeof *job);
	job->http_id = call->id;
	memcpy(job->hash, hash, 32);
	hash_param(hash, hash_hex);
	if (pg_query(srv.db, sql_session_lookup, 1, params, me_done, job)) {
		unavailable(call->id);
		free(job);
	}
}

/* ---- the user behind an HTTP request (routes that need a role) ---- */

struct http_user_job {
	auth_http_user_fn fn;
	void *arg;
	unsigned char hash[32];
};

static void http_user_done(void *arg, enum pg_outcome outcome,
			   const PGresult *res)
{
	struct http_user_job *job = arg;
	struct auth_user *u;

	if (outcome != PG_DONE || PQresultStatus(res) != PGRES_TUPLES_OK) {
		job->fn(job->arg, NULL, 503);
	} else if (PQntuples(res) != 1 ||
		   !(u = user_from_row(res, 0, job->hash))) {
		job->fn(job->arg, NULL, 401);
	} else if (u->must_change_password) {
		job->fn(job->arg, NULL, 403);
		auth_user_unref(u);
	} else {
		cache_put(u);
		job->fn(job->arg, u, 200);
		auth_user_unref(u);
	}
	free(job);
}

void auth_http_user(const char *session, auth_http_user_fn fn, void *arg)
{
	struct http_user_job *job;
	struct auth_user *u;
	char hash_hex[67];
	const char *params[1] = {hash_hex};
	unsigned char hash[32];

	if (session_value_check(session, hash)) {
		fn(arg, NULL, 401);
		return;
	}
	u = cache_get(hash);
	if (u) {
		fn(arg, u, 200);
		return;
	}
	job = xmalloc(sizeof *job);
	job->fn = fn;
	job->arg = arg;
	memcpy(job->hash, hash, 32);
	hash_param(hash, hash_hex);
	if (pg_query(srv.db, sql_session_lookup, 1, params, http_user_done,
		     job)) {
		free(job);
		fn(arg, NULL, 503);
	}
}

bool auth_http_allow(uint64_t id, const struct auth_user *user, int status,
		     unsigned roles, const char *forbidden_why)
{
	if (status == 200 && user && (user->role & roles))
		return true;
	if (status == 200 && user)
		http_fail(id, ERR_FORBIDDEN, forbidden_why);
	else if (status == 403)
		http_fail(id, ERR_FORBIDDEN, AUTH_PASSWORD_CHANGE_WHY);
	else if (status == 401 || status == 200)
		http_fail(id, ERR_UNAUTHORIZED, "not logged in");
	else
		unavailable(id);
	return false;
}

/* ---- POST /api/password ---- */

struct password_job {
	uint64_t http_id;
	unsigned char hash[32];
	char user_id[24];
	char login[72];
	char old[PASSWORD_MAX_LENGTH + 1];
	char new_password[PASSWORD_MAX_LENGTH + 1];
	char stored[PASSWORD_HASH_MAX];
	char new_hash[PASSWORD_HASH_MAX];
	const char *problem; /* set by the worker: why it was refused */
	bool old_ok;
	char peer[64];
};

static void password_job_free(struct password_job *job)
{
	OPENSSL_cleanse(job, sizeof *job);
	free(job);
}

static const struct param_spec password_params[] = {
	{"old", PARAM_STRING, true, 1, PASSWORD_MAX_LENGTH},
	{"new", PARAM_STRING, true, 1, PASSWORD_MAX_LENGTH},
	{NULL, 0, false, 0, 0},
};

static void password_stored(void *arg, enum pg_outcome outcome,
			    const PGresult *res)
{
	struct password_job *job = arg;
	json_error_t jerr;

	if (outcome != PG_DONE || PQresultStatus(res) != PGRES_TUPLES_OK) {
		if (outcome == PG_DONE)
			LOG(LOG_ERROR, "password change: %s",
			    PQresultErrorMessage(res));
		unavailable(job->http_id);
	} else {
		http_finish(
			job->http_id, 200,
			json_pack("{s:o*}", "user",
				  json_loads(PQgetvalue(res, 0, 0), 0, &jerr)),
			NULL, 0);
	}
	password_job_free(job);
}

static void password_wrong(void *arg, enum pg_outcome outcome,
			   const PGresult *res)
{
	struct password_job *job = arg;

	(void)outcome;
	(void)res;
	http_fail(job->http_id, ERR_FORBIDDEN, "the current password is wrong");
	password_job_free(job);
}

static void password_work(void *arg)
{
	struct password_job *job = arg;

	job->old_ok = password_verify(job->old, job->stored);
	if (!job->old_ok)
		return;
	job->problem = password_weakness(job->new_password, job->login);
	if (!job->problem &&
	    password_hash(job->new_password, PASSWORD_ITERATIONS, job->new_hash,
			  sizeof job->new_hash))
		job->problem = "could not hash the new password";
}

static void password_worked(void *arg, bool ran)
{
	struct password_job *job = arg;
	char hash_hex[67], window[16];

	if (!ran) { /* shutting down */
		http_fail_retry(job->http_id, ERR_UNAVAILABLE,
				"the server is restarting: retry", 1);
		password_job_free(job);
		return;
	}
	if (!job->old_ok) {
		const char *params[3] = {job->login, job->peer, window};

		snprintf(window, sizeof window, "%d", srv.cfg.login_window_s);
		if (pg_query(srv.db, "SELECT login_failed($1, $2, $3::int)", 3,
			     params, password_wrong, job))
			password_wrong(job, PG_NOT_SENT, NULL);
		return;
	}
	if (job->problem) {
		http_fail(job->http_id, ERR_BAD_REQUEST, job->problem);
		password_job_free(job);
		return;
	}
	hash_param(job->hash, hash_hex);
	{
		const char *params[3] = {job->user_id, job->new_hash, hash_hex};

		if (pg_query(srv.db,
			     "SELECT user_password_set($1::bigint, $2, "
			     "$3::bytea)",
			     3, params, password_stored, job)) {
			unavailable(job->http_id);
			password_job_free(job);
		}
	}
}

static void password_session_found(void *arg, enum pg_outcome outcome,
				   const PGresult *res)
{
	struct password_job *job = arg;

	if (outcome != PG_DONE || PQresultStatus(res) != PGRES_TUPLES_OK) {
		unavailable(job->http_id);
		password_job_free(job);
		return;
	}
	if (PQntuples(res) != 1) {
		http_fail(job->http_id, ERR_UNAUTHORIZED, "not logged in");
		password_job_free(job);
		return;
	}
	snprintf(job->user_id, sizeof job->user_id, "%s",
		 PQgetvalue(res, 0, 0));
	snprintf(job->login, sizeof job->login, "%s", PQgetvalue(res, 0, 1));
	snprintf(job->stored, sizeof job->stored, "%s", PQgetvalue(res, 0, 2));
	if (worker_submit(srv.workers, password_work, password_worked, job)) {
		http_fail_retry(job->http_id, ERR_UNAVAILABLE,
				"the server is busy: retry in a moment", 1);
		password_job_free(job);
	}
}

void auth_http_password(const struct http_call *call)
{
	unsigned char hash[32];
	struct password_job *job;
	char hash_hex[67];
	const char *params[1] = {hash_hex};
	json_t *body;

	if (session_value_check(call->session, hash)) {
		http_fail(call->id, ERR_UNAUTHORIZED, "not logged in");
		return;
	}
	body = body_json(call, password_params);
	if (!body)
		return;
	job = xcalloc(1, sizeof *job);
	job->http_id = call->id;
	memcpy(job->hash, hash, 32);
	snprintf(job->old, sizeof job->old, "%s",
		 json_string_value(json_object_get(body, "old")));
	snprintf(job->new_password, sizeof job->new_password, "%s",
		 json_string_value(json_object_get(body, "new")));
	snprintf(job->peer, sizeof job->peer, "%s", call->peer);
	json_decref(body);
	hash_param(hash, hash_hex);
	if (pg_query(srv.db,
		     "SELECT u.id, u.login, u.password_hash "
		     "FROM sessions s JOIN users u ON u.id = s.user_id "
		     "WHERE s.id_hash = $1::bytea AND s.revoked_at IS NULL "
		     "AND s.expires_at > now() AND NOT u.disabled",
		     1, params, password_session_found, job)) {
		unavailable(call->id);
		password_job_free(job);
	}
}

/* ---- sockets: their sessions, resolved in batches ---- */

/* At a fair's opening thousands of dealers connect within seconds, and each
 * new WebSocket needs its session read. One query per connection over the
 * pool held a connection storm at about 4,000 a second (BENCHMARKS.md): the
 * connections that arrive while a lookup is in the database now go together
 * in the next one, up to RESOLVE_BATCH_MAX. */
#define RESOLVE_BATCH_MAX 1000

struct resolve_job {
	uint64_t session_id;
	unsigned char hash[32];
	struct auth_user *user; /* found by the batch */
};

struct resolve_batch {
	size_t count;
	struct resolve_job jobs[];
};

static struct {
	struct resolve_job *waiting;
	size_t count, cap;
	bool in_flight; /* one batch in the database at a time */
} resolving;

/* h.i numbers the hashes from 1; a session that is not (or no longer)
 * valid has no row */
static const char sql_session_lookup_batch[] =
	"SELECT l.user_id, l.login, l.role, l.dealer_id, l.user_json, h.i "
	"FROM unnest($1::text[]) WITH ORDINALITY AS h(hash, i), "
	"LATERAL session_lookup(decode(h.hash, 'hex')) AS l";

static void resolve_send(void);

/* Lets a socket's session in as u (ws_session_authenticated), which holds
 * u while the session is open. */
static void let_in(uint64_t session_id, struct auth_user *u)
{
	struct ws_identity who = {
		.user_id = u->user_id,
		.dealer_id = u->dealer_id,
		.role = u->role,
		.login = u->login,
		.hello_user = u->json_text,
		.owner = u,
	};

	memcpy(who.session_hash, u->session_hash, sizeof who.session_hash);
	ws_session_authenticated(session_id, &who, 0);
}

const struct auth_user *auth_session_user(uint64_t session_id)
{
	return ws_session_owner(session_id);
}

/* Answers every job of b: with its user, "session ended" when it had none,
 * or "try later" when the database did not answer (ok false). */
static void resolve_answer(struct resolve_batch *b, bool ok)
{
	for (size_t i = 0; i < b->count; i++) {
		struct resolve_job *job = &b->jobs[i];

		if (!ok)
			ws_session_authenticated(job->session_id, NULL,
						 CLOSE_TRY_LATER);
		else if (!job->user)
			ws_session_authenticated(job->session_id, NULL,
						 CLOSE_SESSION_ENDED);
		else if (job->user->must_change_password)
			ws_session_authenticated(job->session_id, NULL,
						 CLOSE_PASSWORD_CHANGE);
		else {
			cache_put(job->user);
			let_in(job->session_id, job->user);
		}
		auth_user_unref(job->user);
	}
	free(b);
}

static void resolve_done(void *arg, enum pg_outcome outcome,
			 const PGresult *res)
{
	struct resolve_batch *b = arg;
	bool ok = outcome == PG_DONE && PQresultStatus(res) == PGRES_TUPLES_OK;

	for (int row = 0; ok && row < PQntuples(res); row++) {
		long long i = atoll(PQgetvalue(res, row, 5)) - 1;

		if (i >= 0 && (size_t)i < b->count && !b->jobs[i].user)
			b->jobs[i].user =
				user_from_row(res, row, b->jobs[i].hash);
	}
	resolving.in_flight = false;
	resolve_answer(b, ok);
	resolve_send();
}

/* Sends the waiting lookups, up to RESOLVE_BATCH_MAX, unless a batch is in
 * the database already (its answer sends the next). */
static void resolve_send(void)
{
	size_t n = resolving.count < RESOLVE_BATCH_MAX ? resolving.count
						       : RESOLVE_BATCH_MAX;
	struct resolve_batch *b;
	struct strbuf literal;
	const char *params[1];
	int failed;

	if (resolving.in_flight || !n)
		return;
	b = xmalloc(sizeof *b + n * sizeof b->jobs[0]);
	b->count = n;
	memcpy(b->jobs, resolving.waiting, n * sizeof b->jobs[0]);
	resolving.count -= n;
	memmove(resolving.waiting, resolving.waiting + n,
		resolving.count * sizeof resolving.waiting[0]);
	strbuf_init(&literal);
	for (size_t i = 0; i < n; i++) {
		char hex[65];

		session_hash_hex(b->jobs[i].hash, hex);
		pgarray_text(&literal, i, hex);
	}
	pgarray_end(&literal, n);
	params[0] = literal.data;
	failed = !literal.data || pg_query(srv.db, sql_session_lookup_batch, 1,
					   params, resolve_done, b);
	strbuf_free(&literal);
	if (failed) {
		LOG(LOG_WARN, "could not look up %zu sessions", n);
		resolve_answer(b, false);
		/* The rest would wait for the next socket's lookup: answer
		 * them now too (one level per RESOLVE_BATCH_MAX waiting). */
		resolve_send();
		return;
	}
	resolving.in_flight = true;
}

void auth_resolve(uint64_t session_id, const unsigned char hash[32])
{
	struct auth_user *u = cache_get(hash);
	struct resolve_job *job;

	if (u) {
		let_in(session_id, u);
		return;
	}
	if (resolving.count == resolving.cap) {
		size_t cap = resolving.cap ? resolving.cap * 2 : 64;

		resolving.waiting = xrealloc(resolving.waiting,
					     cap * sizeof *resolving.waiting);
		resolving.cap = cap;
	}
	job = &resolving.waiting[resolving.count++];
	job->session_id = session_id;
	memcpy(job->hash, hash, 32);
	job->user = NULL;
	resolve_send();
}

/* ---- revocation ---- */

struct revoke_match {
	int64_t user_id;        /* 0: match by hash */
	unsigned char hash[32]; /* the session, or the one to keep */
	bool keep;              /* user match: spare hash */
};

static bool revoked(const struct auth_user *u, const struct revoke_match *m)
{
	if (!m->user_id)
		return !memcmp(u->session_hash, m->hash, 32);
	return u->user_id == m->user_id &&
	       !(m->keep && !memcmp(u->session_hash, m->hash, 32));
}

struct revoke_scan {
	const struct revoke_match *match;
	uint64_t keys[64];
	int n;
};

static void collect_revoked(uint64_t id, void *value, void *arg)
{
	struct revoke_scan *scan = arg;

	if (scan->n < 64 && revoked(value, scan->match))
		scan->keys[scan->n++] = id;
}

/* Closes the sessions found (an audience_fn), counting them. */
struct revoke_close {
	const struct revoke_match *match; /* NULL: every one found */
	unsigned closed;
};

static void close_revoked(uint64_t session_id, void *arg)
{
	struct revoke_close *rc = arg;
	const struct audience_who *who = audience_who(session_id);

	if (rc->match && rc->match->keep &&
	    !memcmp(who->session_hash, rc->match->hash, 32))
		return; /* the session that changed the password */
	if (!ws_session_close(session_id, CLOSE_SESSION_ENDED, "session ended"))
		rc->closed++;
}

static void closed_log(const struct revoke_close *rc)
{
	if (rc->closed)
		LOG(LOG_INFO, "closed %u sessions: session ended", rc->closed);
}

static int parse_hex32(const char *hex, unsigned char out[32])
{
	for (int i = 0; i < 32; i++) {
		unsigned v;

		if (!isxdigit((unsigned char)hex[2 * i]) ||
		    !isxdigit((unsigned char)hex[2 * i + 1]) ||
		    sscanf(hex + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (unsigned char)v;
	}
	return hex[64] == '\0' ? 0 : -1;
}

static void apply_revocation(const struct revoke_match *m)
{
	struct revoke_scan scan;
	struct revoke_close rc = {m, 0};

	/* Forget the cached sessions (a few per user), in rounds of 64. */
	do {
		scan.match = m;
		scan.n = 0;
		idmap_foreach(&cache, collect_revoked, &scan);
		for (int i = 0; i < scan.n; i++)
			auth_user_unref(idmap_remove(&cache, scan.keys[i]));
	} while (scan.n == 64);
	if (m->user_id)
		audience_of_user(m->user_id, close_revoked, &rc);
	else
		audience_of_session_hash(m->hash, close_revoked, &rc);
	closed_log(&rc);
}

/* After the LISTEN connection was away, revocations may have been missed:
 * forget the cache and re-check the sessions of every open socket. */
struct recheck {
	struct strbuf hashes; /* a bytea[] literal of "\\x..." elements */
	size_t n;
};

static void collect_hash(const unsigned char hash[32], void *arg)
{
	struct recheck *r = arg;
	char hex[67];

	hash_param(hash, hex);
	pgarray_text(&r->hashes, r->n++, hex);
}

static void recheck_done(void *arg, enum pg_outcome outcome,
			 const PGresult *res)
{
	struct revoke_close rc = {NULL, 0};
	unsigned char hash[32];

	(void)arg;
	if (outcome != PG_DONE || PQresultStatus(res) != PGRES_TUPLES_OK) {
		LOG(LOG_WARN, "could not re-check open sessions");
		return;
	}
	if (PQntuples(res))
		LOG(LOG_NOTICE, "%d sessions ended while LISTEN was away",
		    PQntuples(res));
	for (int i = 0; i < PQntuples(res); i++)
		if (!parse_hex32(PQgetvalue(res, i, 0), hash))
			audience_of_session_hash(hash, close_revoked, &rc);
	closed_log(&rc);
}

static void recheck_open_sessions(void)
{
	struct recheck r = {.n = 0};
	const char *params[1];

	cache_clear();
	strbuf_init(&r.hashes);
	audience_each_session_hash(collect_hash, &r);
	pgarray_end(&r.hashes, r.n);
	params[0] = r.hashes.data;
	if (r.n && pg_query(srv.db,
			    "SELECT encode(h, 'hex') FROM unnest($1::bytea[]) "
			    "AS h WHERE NOT EXISTS (SELECT 1 FROM "
			    "session_lookup(h))",
			    1, params, recheck_done, NULL))
		LOG(LOG_WARN, "could not re-check open sessions");
	strbuf_free(&r.hashes);
}

static void on_sessions_revoked(void *arg, const char *channel,
				const char *payload)
{
	struct revoke_match m;
	const char *colon;

	(void)arg;
	(void)channel;
	memset(&m, 0, sizeof m);
	if (!payload) {
		recheck_open_sessions();
		return;
	}
	if (!strncmp(payload, "s:", 2) && !parse_hex32(payload + 2, m.hash)) {
		apply_revocation(&m);
	} else if (!strncmp(payload, "u:", 2) &&
		   (m.user_id = atoll(payload + 2)) > 0 &&
		   (colon = strchr(payload + 2, ':'))) {
		m.keep = colon[1] && !parse_hex32(colon + 1, m.hash);
		apply_revocation(&m);
	} else {
		LOG(LOG_WARN, "unreadable sessions_revoked payload: %.80s",
		    payload);
	}
}

void auth_start(void)
{
	if (pg_listen(srv.db, "sessions_revoked", on_sessions_revoked, NULL))
		LOG(LOG_ERROR, "cannot subscribe to sessions_revoked");
}

void auth_stop(void)
{
	struct login_job *job;

	/* the loop is gone: waiting logins are dropped with their requests */
	while ((job = login_waiting.head)) {
		waiting_remove(job);
		login_job_free(job);
	}
	loop_timer_cancel(&login_renew_timer);
	login_renew_on = false;
	cache_clear();
	/* lookups never sent: their sockets are closing with the server */
	free(resolving.waiting);
	memset(&resolving, 0, sizeof resolving);
}
