/* outbox.c - the outbox sender thread (see outbox.h). */
#include "features/outbox.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <libpq-fe.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "base/log.h"
#include "base/strbuf.h"
#include "base/timefmt.h"
#include "features/mail_render.h"
#include "features/outbox_rules.h"
#include "server.h"

#define OUTBOX_CLAIM_MAX 20 /* rows claimed at once, at most */
#define OUTBOX_IDLE_MS 1000 /* look again at least this often */
#define OUTBOX_RECONNECT_MAX_MS 10000
#define OUTBOX_COUNT_MS 15000        /* pending rows counted this often */
#define OUTBOX_PRUNE_MS (10 * 60000) /* finished rows deleted this often */
#define OUTBOX_PRUNE_ROWS 5000       /* per statement */
#define OUTBOX_PRUNE_STATEMENTS 20   /* per turn, at most */

static pthread_t thread;
static bool running;
static atomic_bool stop;
static int wake[2] = {-1, -1};
static char who[80]; /* claimed_by: host, pid and a random part */
static struct {
	_Atomic uint64_t sent[2], failed[2], dead[2], pruned;
	_Atomic int64_t pending;
} stats = {.pending = -1};

/* ---- sending ---- */

struct body_reader {
	const char *p;
	size_t left;
};

static size_t read_body(char *buf, size_t size, size_t n, void *arg)
{
	struct body_reader *r = arg;
	size_t take = size * n < r->left ? size * n : r->left;

	memcpy(buf, r->p, take);
	r->p += take;
	r->left -= take;
	return take;
}

static size_t drop_answer(char *p, size_t size, size_t n, void *arg)
{
	(void)p;
	(void)arg;
	return size * n;
}

/* Cuts a transfer short when the process stops. */
static int on_progress(void *arg, curl_off_t a, curl_off_t b, curl_off_t c,
		       curl_off_t d)
{
	(void)arg;
	(void)a;
	(void)b;
	(void)c;
	(void)d;
	return atomic_load(&stop) ? 1 : 0;
}

static void common_options(CURL *c)
{
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS,
			 (long)srv.cfg.outbox_timeout_ms);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
			 (long)(srv.cfg.outbox_timeout_ms < 10000
					? srv.cfg.outbox_timeout_ms
					: 10000));
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
	if (*srv.cfg.smtp_ca_file)
		curl_easy_setopt(c, CURLOPT_CAINFO, srv.cfg.smtp_ca_file);
}

/* What a send came to: NULL error when delivered; retry_ms -1 for good. */
struct outcome {
	char error[300];
	int retry_ms; /* set by the caller from the backoff unless -1 */
	bool failed;
};

static void fail(struct outcome *o, bool permanent, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail(struct outcome *o, bool permanent, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(o->error, sizeof o->error, fmt, ap);
	va_end(ap);
	o->failed = true;
	o->retry_ms = permanent ? -1 : 0;
}

/* The unsubscribe page's link (path "/api/unsubscribe") or the one-click
 * POST's ("/api/unsubscribe/one-click"): message_http.h. */
static void unsubscribe_url(char *buf, size_t size, const char *path,
			    const char *user, const char *kind,
			    const char *token)
{
	if (*srv.cfg.public_url)
		snprintf(buf, size, "%s%s?u=%s&k=%s&t=%s", srv.cfg.public_url,
			 path, user, kind, token);
	else
		snprintf(buf, size, "http://localhost:%d%s?u=%s&k=%s&t=%s",
			 srv.port, path, user, kind, token);
}

/* Follows the commands libcurl sends, so a failure is known by the command
 * it answered (CURLOPT_DEBUGFUNCTION; arg: an enum smtp_stage). */
static int smtp_trace(CURL *c, curl_infotype type, char *data, size_t size,
		      void *arg)
{
	enum smtp_stage *stage = arg;

	(void)c;
	if (type == CURLINFO_HEADER_OUT)
		*stage = outbox_smtp_stage(data, size, *stage);
	return 0;
}

/* The relay's state as the operator should hear of it: said once when it
 * starts failing for a reason of its configuration, and once when it
 * accepts again (not once per mail). Touched by the sender thread only. */
static char relay_problem[200];

static void relay_report(enum smtp_stage stage, long code, bool ok)
{
	const char *hint = ok ? NULL : outbox_smtp_hint(stage, code);
	char now[200];

	if (ok) {
		if (*relay_problem)
			LOG(LOG_NOTICE, "outbox: the SMTP relay accepts mail "
					"again");
		*relay_problem = 0;
		return;
	}
	if (!hint)
		return;
	snprintf(now, sizeof now, "%s %ld", outbox_smtp_stage_name(stage),
		 code);
	if (!strcmp(now, relay_problem))
		return;
	snprintf(relay_problem, sizeof relay_problem, "%s", now);
	LOG(LOG_ERROR,
	    "outbox: the SMTP relay %s answered %ld to %s: %s; mail waits "
	    "in the outbox and is tried again with backoff",
	    srv.cfg.smtp_url, code, outbox_smtp_stage_name(stage), hint);
}

static void send_mail(CURL *c, PGresult *res, int row, struct outcome *o)
{
	const char *id = PQgetvalue(res, row, 0);
	const char *to = PQgetvalue(res, row, 2);
	const char *kind = PQgetvalue(res, row, 3);
	const char *lang = PQgetvalue(res, row, 4);
	const char *user = PQgetvalue(res, row, 8);
	const char *token = PQgetvalue(res, row, 9);
	json_error_t jerr;
	json_t *params = json_loads(PQgetvalue(res, row, 5), 0, &jerr);
	struct strbuf subject, text, mail;
	struct mail_head h = {0};
	char unsub[1400], unsub_post[1400], rcpt_text[300], from_text[300];
	struct curl_slist *rcpt = NULL;
	struct body_reader reader;
	CURLcode rc;
	long code = 0;
	enum smtp_stage stage = SMTP_STAGE_CONNECT;

	strbuf_init(&subject);
	strbuf_init(&text);
	strbuf_init(&mail);
	unsubscribe_url(unsub, sizeof unsub, "/api/unsubscribe", user, kind,
			token);
	unsubscribe_url(unsub_post, sizeof unsub_post,
			"/api/unsubscribe/one-click", user, kind, token);
	if (mail_render(kind, lang, params, unsub, &subject, &text)) {
		fail(o, true, "no template for kind %s", kind);
		goto out;
	}
	h.from = srv.cfg.smtp_from;
	h.from_name = srv.cfg.smtp_from_name;
	h.to = to;
	h.unsubscribe_url = unsub;
	h.unsubscribe_post = unsub_post;
	h.kind = kind;
	h.outbox_id = atoll(id);
	h.created_ms = atoll(PQgetvalue(res, row, 10)); /* the same each try */
	if (mail_compose(&h, subject.data ? subject.data : "",
			 text.data ? text.data : "", &mail)) {
		fail(o, true, "an address that cannot be written: %s", to);
		goto out;
	}
	snprintf(rcpt_text, sizeof rcpt_text, "<%s>", to);
	snprintf(from_text, sizeof from_text, "<%s>", srv.cfg.smtp_from);
	rcpt = curl_slist_append(NULL, rcpt_text);
	reader.p = mail.data;
	reader.left = mail.len;
	curl_easy_reset(c);
	common_options(c);
	curl_easy_setopt(c, CURLOPT_URL, srv.cfg.smtp_url);
	if (!strcmp(srv.cfg.smtp_tls, "required"))
		curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	else if (!strcmp(srv.cfg.smtp_tls, "try"))
		curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
	if (*srv.cfg.smtp_user) {
		curl_easy_setopt(c, CURLOPT_USERNAME, srv.cfg.smtp_user);
		curl_easy_setopt(c, CURLOPT_PASSWORD, srv.cfg.smtp_password);
	}
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, from_text);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, read_body);
	curl_easy_setopt(c, CURLOPT_READDATA, &reader);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)mail.len);
	curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, smtp_trace);
	curl_easy_setopt(c, CURLOPT_DEBUGDATA, &stage);
	curl_easy_setopt(c, CURLOPT_VERBOSE, 1L); /* for smtp_trace only */
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	if (rc != CURLE_OK)
		fail(o, outbox_smtp_permanent(stage, code),
		     "smtp: %s (reply %ld to %s)", curl_easy_strerror(rc), code,
		     outbox_smtp_stage_name(stage));
	relay_report(stage, code, rc == CURLE_OK);
out:
	curl_slist_free_all(rcpt);
	json_decref(params);
	strbuf_free(&subject);
	strbuf_free(&text);
	strbuf_free(&mail);
}

static void send_webhook(CURL *c, PGresult *res, int row, struct outcome *o)
{
	const char *id = PQgetvalue(res, row, 0);
	const char *url = PQgetvalue(res, row, 2);
	const char *event = PQgetvalue(res, row, 3);
	const char *body = PQgetvalue(res, row, 5);
	size_t len = (size_t)PQgetlength(res, row, 5);
	const char *secret = PQgetvalue(res, row, 7);
	char sig[WEBHOOK_SIGNATURE_MAX], line[WEBHOOK_SIGNATURE_MAX + 64];
	struct curl_slist *headers = NULL;
	CURLcode rc;
	long status = 0;

	webhook_signature(secret, timefmt_now_ms() / 1000, body, len, sig);
	headers = curl_slist_append(headers, "Content-Type: application/json");
	snprintf(line, sizeof line, "X-Fair-Event: %s", event);
	headers = curl_slist_append(headers, line);
	snprintf(line, sizeof line, "X-Fair-Delivery: %s", id);
	headers = curl_slist_append(headers, line);
	snprintf(line, sizeof line, "X-Fair-Signature: %s", sig);
	headers = curl_slist_append(headers, line);
	headers = curl_slist_append(headers, "Expect:");
	curl_easy_reset(c);
	common_options(c);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_USERAGENT, "fairserver-webhook/1");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, drop_answer);
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	if (rc != CURLE_OK)
		fail(o, false, "http: %s", curl_easy_strerror(rc));
	else if (!outbox_http_delivered(status))
		fail(o, outbox_http_permanent(status), "http: status %ld",
		     status);
	curl_slist_free_all(headers);
}

/* ---- the loop of the thread ---- */

static bool exec_ok(PGconn *conn, const char *sql)
{
	PGresult *res = PQexec(conn, sql);
	bool ok = PQresultStatus(res) == PGRES_COMMAND_OK ||
		  PQresultStatus(res) == PGRES_TUPLES_OK;

	if (!ok)
		LOG(LOG_WARN, "outbox: %s", PQresultErrorMessage(res));
	PQclear(res);
	return ok;
}

/* Waits up to ms for a notification, the stop signal or the time. */
static void idle(PGconn *conn, int ms)
{
	struct pollfd fds[2] = {
		{.fd = wake[0], .events = POLLIN},
		{.fd = conn ? PQsocket(conn) : -1, .events = POLLIN}};
	PGnotify *n;
	char drain[16];

	if (poll(fds, conn ? 2 : 1, ms) > 0 && (fds[0].revents & POLLIN))
		while (read(wake[0], drain, sizeof drain) > 0)
			;
	if (conn) {
		PQconsumeInput(conn);
		while ((n = PQnotifies(conn)))
			PQfreemem(n);
	}
}

static PGconn *connect_db(void)
{
	/* a bounded connect: the process waits for this thread at shutdown */
	const char *keys[] = {"application_name", "dbname", "connect_timeout",
			      NULL};
	const char *vals[] = {"fairserver-outbox", srv.cfg.database_url, "10",
			      NULL};
	PGconn *conn = PQconnectdbParams(keys, vals, 1);

	if (PQstatus(conn) != CONNECTION_OK) {
		LOG(LOG_WARN, "outbox: cannot connect: %s",
		    PQerrorMessage(conn));
		PQfinish(conn);
		return NULL;
	}
	if (!exec_ok(conn, "LISTEN outbox")) {
		PQfinish(conn);
		return NULL;
	}
	return conn;
}

/* Claims and sends one round. Returns the rows claimed, -1 when the
 * connection failed; lowers *soonest_ms to the earliest retry it set. */
static int round_once(PGconn *conn, CURL *c, int claim, int *soonest_ms)
{
	char lease[16], max[16], limit[16];
	const char *channels =
		*srv.cfg.smtp_url ? "{email,webhook}" : "{webhook}";
	const char *params[5] = {who, limit, lease, channels};
	PGresult *res;
	int n;

	snprintf(limit, sizeof limit, "%d", claim);
	snprintf(lease, sizeof lease, "%d", srv.cfg.outbox_lease_s);
	snprintf(max, sizeof max, "%d", srv.cfg.outbox_max_attempts);
	res = PQexecParams(
		conn,
		"SELECT id, channel, recipient, kind, lang, payload, "
		"attempts, secret, user_id, mail_token, created_ms FROM "
		"outbox_claim($1, $2::integer, $3::integer, "
		"$4::text[])",
		4, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		LOG(LOG_WARN, "outbox: claim: %s", PQresultErrorMessage(res));
		PQclear(res);
		return -1;
	}
	n = PQntuples(res);
	for (int i = 0; i < n; i++) {
		struct outcome o = {.failed = false};
		char retry[24];
		const char *done[5];
		PGresult *r;
		int attempts = atoi(PQgetvalue(res, i, 6));
		uint32_t rnd = 0;

		if (!strcmp(PQgetvalue(res, i, 1), "email"))
			send_mail(c, res, i, &o);
		else
			send_webhook(c, res, i, &o);
		if (o.failed && o.retry_ms == 0) {
			RAND_bytes((unsigned char *)&rnd, sizeof rnd);
			o.retry_ms = (int)outbox_backoff_ms(
				attempts, srv.cfg.outbox_retry_base_ms, rnd);
		}
		snprintf(retry, sizeof retry, "%d", o.retry_ms);
		if (o.failed && o.retry_ms >= 0 && o.retry_ms < *soonest_ms)
			*soonest_ms = o.retry_ms; /* look again then */
		done[0] = PQgetvalue(res, i, 0);
		done[1] = who;
		done[2] = o.failed ? o.error : NULL;
		done[3] = o.failed ? retry : NULL;
		done[4] = max;
		if (o.failed)
			LOG(LOG_WARN, "outbox: %s %s to %s, attempt %d: %s",
			    PQgetvalue(res, i, 1), done[0],
			    PQgetvalue(res, i, 2), attempts, o.error);
		else
			LOG(LOG_INFO, "outbox: %s %s sent to %s",
			    PQgetvalue(res, i, 1), done[0],
			    PQgetvalue(res, i, 2));
		r = PQexecParams(conn,
				 "SELECT outbox_done($1::bigint, $2, $3, "
				 "$4::integer, $5::integer)",
				 5, NULL, done, NULL, NULL, 0);
		if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) {
			int ch = strcmp(PQgetvalue(res, i, 1), "email") ? 1 : 0;
			const char *state = PQgetvalue(r, 0, 0);

			if (!o.failed)
				atomic_fetch_add(&stats.sent[ch], 1);
			else
				atomic_fetch_add(&stats.failed[ch], 1);
			if (!strcmp(state, "dead"))
				atomic_fetch_add(&stats.dead[ch], 1);
		}
		if (PQresultStatus(r) != PGRES_TUPLES_OK) {
			/* its claim lapses and it is sent again: at least
			 * once */
			LOG(LOG_WARN, "outbox: done: %s",
			    PQresultErrorMessage(r));
			PQclear(r);
			PQclear(res);
			return -1;
		}
		PQclear(r);
	}
	PQclear(res);
	return n;
}

/* Rows claimed at once: as many as can all be sent, each taking its whole
 * timeout, in half the lease, so no claim lapses while its row waits its
 * turn here (another process would send it too). */
static int claim_size(void)
{
	int64_t n = (int64_t)srv.cfg.outbox_lease_s * 1000 /
		    (2 * (int64_t)srv.cfg.outbox_timeout_ms);

	return n < 1 ? 1 : (n > OUTBOX_CLAIM_MAX ? OUTBOX_CLAIM_MAX : (int)n);
}

/* Deletes what outbox_keep_days has passed, a statement at a time (each
 * holds its rows' locks briefly), and counts the rows pending. Returns -1
 * when a statement failed (logged). */
static int keep_house(PGconn *conn, bool prune)
{
	char keep[16], limit[16];
	const char *params[2] = {keep, limit};

	snprintf(keep, sizeof keep, "%d", srv.cfg.outbox_keep_days);
	snprintf(limit, sizeof limit, "%d", prune ? OUTBOX_PRUNE_ROWS : 0);
	for (int i = 0; i < (prune ? OUTBOX_PRUNE_STATEMENTS : 1); i++) {
		PGresult *res = PQexecParams(conn,
					     "SELECT deleted, pending FROM "
					     "outbox_prune($1::integer, "
					     "$2::integer)",
					     2, NULL, params, NULL, NULL, 0);
		int deleted;

		if (PQresultStatus(res) != PGRES_TUPLES_OK ||
		    PQntuples(res) != 1) {
			LOG(LOG_WARN, "outbox: prune: %s",
			    PQresultErrorMessage(res));
			PQclear(res);
			return -1;
		}
		deleted = atoi(PQgetvalue(res, 0, 0));
		atomic_store(&stats.pending, atoll(PQgetvalue(res, 0, 1)));
		atomic_fetch_add(&stats.pruned, (uint64_t)deleted);
		PQclear(res);
		if (deleted)
			LOG(LOG_NOTICE,
			    "outbox: deleted %d rows sent or given up over %d "
			    "days ago",
			    deleted, srv.cfg.outbox_keep_days);
		if (deleted < OUTBOX_PRUNE_ROWS)
			break;
	}
	return 0;
}

void outbox_stats_read(struct outbox_stats *out)
{
	for (int ch = 0; ch < 2; ch++) {
		out->sent[ch] = atomic_load(&stats.sent[ch]);
		out->failed[ch] = atomic_load(&stats.failed[ch]);
		out->dead[ch] = atomic_load(&stats.dead[ch]);
	}
	out->pruned = atomic_load(&stats.pruned);
	out->pending = atomic_load(&stats.pending);
}

static void *sender_main(void *arg)
{
	CURL *c = curl_easy_init();
	PGconn *conn = NULL;
	int backoff = 100, n, claim = claim_size(), soonest;
	int64_t counted_at = 0, pruned_at = 0; /* mono ms; 0: never */

	(void)arg;
	while (!atomic_load(&stop)) {
		if (!conn && !(conn = connect_db())) {
			idle(NULL, backoff);
			backoff = backoff * 2 > OUTBOX_RECONNECT_MAX_MS
					  ? OUTBOX_RECONNECT_MAX_MS
					  : backoff * 2;
			continue;
		}
		backoff = 100;
		if (!counted_at ||
		    timefmt_mono_ms() - counted_at >= OUTBOX_COUNT_MS) {
			bool prune =
				!pruned_at || timefmt_mono_ms() - pruned_at >=
						      OUTBOX_PRUNE_MS;

			/* a failed statement is tried again next time; only
			 * a lost connection stops the sending */
			if (keep_house(conn, prune) < 0 &&
			    PQstatus(conn) != CONNECTION_OK) {
				PQfinish(conn);
				conn = NULL;
				continue;
			}
			counted_at = timefmt_mono_ms();
			if (prune)
				pruned_at = counted_at;
		}
		soonest = OUTBOX_IDLE_MS;
		n = round_once(conn, c, claim, &soonest);
		if (n < 0) {
			PQfinish(conn);
			conn = NULL;
			continue;
		}
		if (n < claim)
			idle(conn, soonest);
	}
	PQfinish(conn);
	curl_easy_cleanup(c);
	return NULL;
}

int outbox_start(void)
{
	char host[64] = "";
	unsigned char r[4] = {0};

	if (!srv.cfg.outbox_send)
		return 0;
	if (curl_global_init(CURL_GLOBAL_DEFAULT))
		return -1;
	if (pipe2(wake, O_CLOEXEC | O_NONBLOCK)) {
		curl_global_cleanup();
		return -1;
	}
	gethostname(host, sizeof host - 1);
	RAND_bytes(r, sizeof r);
	snprintf(who, sizeof who, "%s:%d:%02x%02x%02x%02x", host, (int)getpid(),
		 r[0], r[1], r[2], r[3]);
	atomic_store(&stop, false);
	if (pthread_create(&thread, NULL, sender_main, NULL)) {
		close(wake[0]);
		close(wake[1]);
		wake[0] = wake[1] = -1;
		curl_global_cleanup();
		return -1;
	}
	running = true;
	LOG(LOG_INFO, "outbox: sending %s as %s",
	    *srv.cfg.smtp_url ? "mail and webhooks" : "webhooks (no smtp_url)",
	    who);
	return 0;
}

void outbox_stop(void)
{
	if (!running)
		return;
	atomic_store(&stop, true);
	if (write(wake[1], "x", 1) < 0 && errno != EAGAIN)
		LOG(LOG_WARN, "outbox: cannot wake the sender");
	pthread_join(thread, NULL);
	close(wake[0]);
	close(wake[1]);
	wake[0] = wake[1] = -1;
	running = false;
	curl_global_cleanup();
}
