/* config.c - table-driven configuration (see config.h). */
#include "base/config.h"

#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"

enum config_type { CFG_INT, CFG_BOOL, CFG_STRING };

struct config_key {
	const char *name;
	enum config_type type;
	const char
		*def;  /* default, as it would be written in the environment */
	long min, max; /* ints: value bounds; strings: length bounds */
	size_t offset;
	const char *description;
};

#define FIELD(f) offsetof(struct config, f)

static const struct config_key config_keys[] = {
	{"listen_address", CFG_STRING, "127.0.0.1", 7, 15,
	 FIELD(listen_address),
	 "IPv4 address to listen on; anything but loopback exposes the server"},
	{"port", CFG_INT, "8080", 0, 65535, FIELD(port),
	 "TCP port for HTTP and WebSocket (0: any free port)"},
	{"listen_share", CFG_BOOL, "false", 0, 1, FIELD(listen_share),
	 "share the port with other processes of this fair (SO_REUSEPORT): "
	 "joins only a server of the same database and configuration"},
	{"database_url", CFG_STRING, "", 0, 4096, FIELD(database_url),
	 "libpq connection string or postgresql:// URL (empty: libpq's PG* "
	 "environment defaults)"},
	{"db_pool_size", CFG_INT, "2", 1, 32, FIELD(db_pool_size),
	 "pipelined PostgreSQL connections for requests (LISTEN has its own)"},
	{"db_query_timeout_ms", CFG_INT, "5000", 100, 600000,
	 FIELD(db_query_timeout_ms),
	 "a query unanswered this long fails and its connection is reset"},
	{"db_reconnect_max_ms", CFG_INT, "5000", 100, 600000,
	 FIELD(db_reconnect_max_ms), "longest wait between reconnect attempts"},
	{"db_queue_max", CFG_INT, "1024", 0, 1000000, FIELD(db_queue_max),
	 "requests held while a reconnect is in progress or every "
	 "connection has 32 in its pipeline (beyond it: unavailable)"},
	{"db_queue_wait_ms", CFG_INT, "2000", 0, 60000, FIELD(db_queue_wait_ms),
	 "longest wait of a held request before it answers unavailable"},
	{"db_user_in_flight", CFG_INT, "2", 1, 1024, FIELD(db_user_in_flight),
	 "one user's requests in PostgreSQL at once; more wait their turn, the "
	 "users served in turn, so a user flooding reads waits behind itself"},
	{"db_user_queue_max", CFG_INT, "64", 1, 100000,
	 FIELD(db_user_queue_max),
	 "one user's requests waiting for the database; beyond it that user "
	 "gets rate_limited"},
	{"web_root", CFG_STRING, "", 0, 4096, FIELD(web_root),
	 "folder served at / (empty: web/public/ of the source tree)"},
	{"media_root", CFG_STRING, "", 0, 4096, FIELD(media_root),
	 "folder served at /media/ (empty: media/ of the source tree)"},
	{"hls_root", CFG_STRING, "", 0, 4096, FIELD(hls_root),
	 "folder nginx-rtmp writes the live video's HLS files to (hls_path), "
	 "served to each fair's users at /live/ (empty: var/live/hls/ of the "
	 "source tree)"},
	{"hls_link_secret", CFG_STRING, "", 0, 256, FIELD(hls_link_secret),
	 "secret shared with the edge cache or CDN in front of /live/ (16-256 "
	 "characters, no space, quote, $ or ;): the playlist then lists each "
	 "segment as a link signed for 2-3 minutes (nginx secure_link), which "
	 "the server also serves without the session cookie (empty: segments "
	 "only with the cookie; better given as FAIR_HLS_LINK_SECRET)"},
	{"hls_link_base", CFG_STRING, "", 0, 1024, FIELD(hls_link_base),
	 "origin the signed segment links point to (https://cdn.example.com, "
	 "listed in video_origins; empty: beside the playlist, on this "
	 "server's address)"},
	{"clip_max_mb", CFG_INT, "200", 1, 2048, FIELD(clip_max_mb),
	 "largest product clip (video) an admin uploads or fairctl imports, "
	 "in MiB; an upload is held in memory while it arrives"},
	{"clip_max_s", CFG_INT, "300", 1, 300, FIELD(clip_max_s),
	 "longest product clip, in seconds; a longer one is refused"},
	{"trusted_proxies", CFG_STRING, "", 0, 8192, FIELD(trusted_proxies),
	 "comma-separated addresses of reverse proxies whose X-Forwarded-For "
	 "names the client (limits by address, logs); empty: none. Requests "
	 "through any proxy never get /metrics"},
	{"allowed_origins", CFG_STRING, "", 0, 8192, FIELD(allowed_origins),
	 "comma-separated origins allowed to open /ws besides the server's "
	 "own, "
	 "e.g. https://fair.example.com"},
	{"video_origins", CFG_STRING, "", 0, 8192, FIELD(video_origins),
	 "comma-separated origins (https://cdn.example.com, no path) of the "
	 "brands' own live services a fair may play (fairctl stream "
	 "--playback-url): added to the pages' Content-Security-Policy "
	 "(media-src, connect-src); empty: none"},
	{"tls_cert", CFG_STRING, "", 0, 4096, FIELD(tls_cert),
	 "PEM certificate chain file; set with tls_key to serve HTTPS and WSS"},
	{"tls_key", CFG_STRING, "", 0, 4096, FIELD(tls_key),
	 "PEM private key file for tls_cert"},
	{"log_level", CFG_STRING, "info", 4, 6, FIELD(log_level),
	 "error, warn, notice, info or debug"},
	{"access_log", CFG_BOOL, "true", 0, 1, FIELD(access_log),
	 "log one line per HTTP request"},
	{"workers", CFG_INT, "2", 1, 64, FIELD(workers),
	 "threads for CPU-heavy jobs (password hashing, images, charts)"},
	{"worker_queue", CFG_INT, "1024", 1, 1000000, FIELD(worker_queue),
	 "jobs that may wait for a worker thread; beyond it callers get busy"},
	{"worker_login_reserve", CFG_INT, "1", 0, 63,
	 FIELD(worker_login_reserve),
	 "worker threads kept for password hashing (logins, password "
	 "changes): charts, share cards and picture conversions run on the "
	 "others (at least one), and a waiting hash goes before them all"},
	{"render_per_user", CFG_INT, "4", 1, 1000, FIELD(render_per_user),
	 "charts and share cards one user may have waiting or being drawn in "
	 "this process at once; more are answered 429 with Retry-After"},
	{"render_wait_max_ms", CFG_INT, "10000", 1000, 30000,
	 FIELD(render_wait_max_ms),
	 "longest a chart, share card or picture conversion waits for a "
	 "worker thread; then it is answered 503 with Retry-After"},
	{"max_connections", CFG_INT, "10000", 16, 1000000,
	 FIELD(max_connections),
	 "connections (browsers, pages, sockets) this process serves at once; "
	 "more are refused until some close. The open-files limit is set to "
	 "this plus 1024 for the database, files and workers"},
	{"ws_max_per_user", CFG_INT, "8", 1, 100000, FIELD(ws_max_per_user),
	 "WebSockets one user may have open on this process; one more is "
	 "closed with 4429"},
	{"ws_max_per_address", CFG_INT, "1000", 1, 1000000,
	 FIELD(ws_max_per_address),
	 "WebSockets one client address may have open on this process (a "
	 "trusted proxy's clients by their forwarded address); one more is "
	 "closed with 4429. Generous: mobile carriers put many users behind "
	 "one address"},
	{"ws_max_inflight", CFG_INT, "32", 1, 1024, FIELD(ws_max_inflight),
	 "requests of one connection in progress before its reading pauses"},
	{"ws_send_queue_kib", CFG_INT, "1024", 16, 1048576,
	 FIELD(ws_send_queue_kib),
	 "KiB queued to one slow connection before it is closed"},
	{"ws_idle_timeout_s", CFG_INT, "30", 5, 3600, FIELD(ws_idle_timeout_s),
	 "seconds of silence before a WebSocket ping (hang-up after twice "
	 "that)"},
	{"allow_unsafe_durability", CFG_BOOL, "false", 0, 1,
	 FIELD(allow_unsafe_durability),
	 "take orders even when fsync, synchronous_commit or full_page_writes "
	 "is off (test databases only)"},
	{"orders_batch_max", CFG_INT, "500", 1, 10000, FIELD(orders_batch_max),
	 "most orders decided in one transaction (group commit)"},
	{"orders_batches_in_flight", CFG_INT, "2", 1, 32,
	 FIELD(orders_batches_in_flight),
	 "batches in the database at once, over db_pool_size connections; "
	 "a batch goes alongside others only with orders that share no "
	 "dealer and no variant with them, so none waits for another's row "
	 "locks"},
	{"orders_queue_max", CFG_INT, "20000", 1, 1000000,
	 FIELD(orders_queue_max),
	 "orders waiting for the next batch; past it a new order's key is "
	 "looked up and, unless stored, the order gets unavailable"},
	{"orders_resolve_ms", CFG_INT, "15000", 1000, 600000,
	 FIELD(orders_resolve_ms),
	 "how long to try to learn whether a batch whose connection was lost "
	 "committed, before answering in_doubt"},
	{"chart_font", CFG_STRING,
	 "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 1, 4096,
	 FIELD(chart_font),
	 "TrueType/OpenType font with Chinese glyphs for the charts "
	 "(fonts-noto-cjk)"},
	{"session_ttl_hours", CFG_INT, "72", 1, 8760, FIELD(session_ttl_hours),
	 "how long a login lasts before the user must log in again"},
	{"login_max_failures", CFG_INT, "10", 1, 1000,
	 FIELD(login_max_failures),
	 "failed logins for one login name within login_window_s before 429"},
	{"login_max_failures_per_address", CFG_INT, "100", 1, 100000,
	 FIELD(login_max_failures_per_address),
	 "failed logins from one address within login_window_s before 429 (a "
	 "dealer's whole office may share one address)"},
	{"login_max_pending_per_address", CFG_INT, "4", 1, 1000,
	 FIELD(login_max_pending_per_address),
	 "logins from one address whose passwords are checked at once; more "
	 "wait their turn, so one address cannot fill the hashing queue"},
	{"login_window_s", CFG_INT, "900", 10, 86400, FIELD(login_window_s),
	 "seconds over which failed logins are counted"},
	{"migrate_on_start", CFG_BOOL, "true", 0, 1, FIELD(migrate_on_start),
	 "apply pending sql/ migrations at start-up"},
	{"smtp_url", CFG_STRING, "", 0, 1024, FIELD(smtp_url),
	 "the mail relay, smtp://host:587 (STARTTLS per smtp_tls) or "
	 "smtps://host:465 (TLS from the start); empty: no mail is sent and "
	 "queued mail waits in the outbox"},
	{"smtp_tls", CFG_STRING, "required", 3, 8, FIELD(smtp_tls),
	 "STARTTLS on smtp:// URLs: required (refuse a relay without it), try "
	 "(use it when offered), none (plain text: a relay on this machine)"},
	{"smtp_ca_file", CFG_STRING, "", 0, 4096, FIELD(smtp_ca_file),
	 "PEM file of the certificate authorities the relay's certificate is "
	 "checked against (empty: the system's)"},
	{"smtp_user", CFG_STRING, "", 0, 256, FIELD(smtp_user),
	 "the relay's login (empty: no authentication)"},
	{"smtp_password", CFG_STRING, "", 0, 256, FIELD(smtp_password),
	 "the relay's password (better given as FAIR_SMTP_PASSWORD)"},
	{"smtp_from", CFG_STRING, "fair@localhost", 3, 256, FIELD(smtp_from),
	 "the sender's address of every mail (envelope and From)"},
	{"smtp_from_name", CFG_STRING, "", 0, 128, FIELD(smtp_from_name),
	 "the sender's name shown in From (UTF-8)"},
	{"public_url", CFG_STRING, "", 0, 1024, FIELD(public_url),
	 "the pages' address as users reach them (https://fair.example.com), "
	 "for the links in mail; empty: http://localhost:<port>"},
	{"outbox_send", CFG_BOOL, "true", 0, 1, FIELD(outbox_send),
	 "run this process's outbox sender (mail and webhooks); several "
	 "processes share the work"},
	{"outbox_retry_base_ms", CFG_INT, "30000", 100, 3600000,
	 FIELD(outbox_retry_base_ms),
	 "the first retry's delay after a failed send; each further one "
	 "doubles it (up to an hour), less up to half at random"},
	{"outbox_max_attempts", CFG_INT, "10", 1, 100,
	 FIELD(outbox_max_attempts),
	 "attempts before a mail or call is given up (state dead)"},
	{"outbox_lease_s", CFG_INT, "300", 2, 86400, FIELD(outbox_lease_s),
	 "a row claimed by a process that stopped answering is sent again "
	 "after this long (keep it above outbox_timeout_ms)"},
	{"outbox_timeout_ms", CFG_INT, "30000", 500, 600000,
	 FIELD(outbox_timeout_ms),
	 "longest time one mail or webhook call may take"},
	{"outbox_keep_days", CFG_INT, "30", 1, 3650, FIELD(outbox_keep_days),
	 "sent and given-up mails and calls are deleted from the outbox "
	 "after this many days"},
	{"messages_tick_s", CFG_INT, "30", 1, 3600, FIELD(messages_tick_s),
	 "how often the fair reminders and closings are looked for"},
};

#define N_KEYS (sizeof config_keys / sizeof config_keys[0])

static void *field_of(struct config *c, const struct config_key *k)
{
	return (char *)c + k->offset;
}

static const void *cfield_of(const struct config *c, const struct config_key *k)
{
	return (const char *)c + k->offset;
}

static void describe_expected(const struct config_key *k, char *buf,
			      size_t size)
{
	if (!strcmp(k->name, "log_level")) {
		snprintf(buf, size, "one of error, warn, notice, info, debug");
		return;
	}
	if (!strcmp(k->name, "smtp_tls")) {
		snprintf(buf, size, "one of required, try, none");
		return;
	}
	switch (k->type) {
	case CFG_INT:
		snprintf(buf, size, "an integer from %ld to %ld", k->min,
			 k->max);
		break;
	case CFG_BOOL:
		snprintf(buf, size, "true or false");
		break;
	case CFG_STRING:
		snprintf(buf, size, "a string of %ld to %ld bytes", k->min,
			 k->max);
		break;
	}
}

static void set_string(struct config *c, const struct config_key *k,
		       const char *value)
{
	char **slot = field_of(c, k);

	free(*slot);
	*slot = xstrdup(value);
}

/* Checks a string value against the key's own rules beyond length. */
static int string_acceptable(const struct config_key *k, const char *value)
{
	size_t len = strlen(value);

	if ((long)len < k->min || (long)len > k->max)
		return 0;
	if (!strcmp(k->name, "log_level"))
		return !strcmp(value, "error") || !strcmp(value, "warn") ||
		       !strcmp(value, "notice") || !strcmp(value, "info") ||
		       !strcmp(value, "debug");
	if (!strcmp(k->name, "smtp_tls"))
		return !strcmp(value, "required") || !strcmp(value, "try") ||
		       !strcmp(value, "none");
	return 1;
}

/* Applies a value given as text (defaults and the environment). */
static int set_from_text(struct config *c, const struct config_key *k,
			 const char *text)
{
	char *end;
	long v;

	switch (k->type) {
	case CFG_INT:
		errno = 0;
		v = strtol(text, &end, 10);
		if (errno || end == text || *end || v < k->min || v > k->max)
			return -1;
		*(int *)field_of(c, k) = (int)v;
		return 0;
	case CFG_BOOL:
		if (!strcmp(text, "true") || !strcmp(text, "1") ||
		    !strcmp(text, "yes") || !strcmp(text, "on"))
			*(bool *)field_of(c, k) = true;
		else if (!strcmp(text, "false") || !strcmp(text, "0") ||
			 !strcmp(text, "no") || !strcmp(text, "off"))
			*(bool *)field_of(c, k) = false;
		else
			return -1;
		return 0;
	case CFG_STRING:
		if (!string_acceptable(k, text))
			return -1;
		set_string(c, k, text);
		return 0;
	}
	return -1;
}

/* Applies a JSON value; types must match exactly (no "8080" for a port). */
static int set_from_json(struct config *c, const struct config_key *k,
			 json_t *value)
{
	json_int_t v;

	switch (k->type) {
	case CFG_INT:
		if (!json_is_integer(value))
			return -1;
		v = json_integer_value(value);
		if (v < k->min || v > k->max)
			return -1;
		*(int *)field_of(c, k) = (int)v;
		return 0;
	case CFG_BOOL:
		if (!json_is_boolean(value))
			return -1;
		*(bool *)field_of(c, k) = json_is_true(value);
		return 0;
	case CFG_STRING:
		if (!json_is_string(value) ||
		    strlen(json_string_value(value)) !=
			    json_string_length(value) ||
		    !string_acceptable(k, json_string_value(value)))
			return -1;
		set_string(c, k, json_string_value(value));
		return 0;
	}
	return -1;
}

static const struct config_key *find_key(const char *name)
{
	for (size_t i = 0; i < N_KEYS; i++)
		if (!strcmp(config_keys[i].name, name))
			return &config_keys[i];
	return NULL;
}

void config_defaults(struct config *c)
{
	memset(c, 0, sizeof *c);
	for (size_t i = 0; i < N_KEYS; i++)
		if (set_from_text(c, &config_keys[i], config_keys[i].def))
			abort(); /* a default outside its own bounds is a bug */
}

int config_apply_json(struct config *c, const char *origin, const char *text,
		      size_t len, char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *root, *value;
	const char *name;
	char expected[96];
	int rc = 0;

	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		snprintf(err, errlen, "%s: line %d, column %d: %s", origin,
			 jerr.line, jerr.column, jerr.text);
		return -1;
	}
	if (!json_is_object(root)) {
		snprintf(err, errlen, "%s: expected a JSON object at the top",
			 origin);
		json_decref(root);
		return -1;
	}
	json_object_foreach(root, name, value)
	{
		const struct config_key *k;

		if (!strncmp(name, "//", 2))
			continue;
		k = find_key(name);
		if (!k) {
			snprintf(err, errlen,
				 "%s: unknown key \"%s\" (--print-config "
				 "lists every key)",
				 origin, name);
			rc = -1;
			break;
		}
		if (set_from_json(c, k, value)) {
			describe_expected(k, expected, sizeof expected);
			snprintf(err, errlen, "%s: \"%s\": expected %s", origin,
				 name, expected);
			rc = -1;
			break;
		}
	}
	json_decref(root);
	return rc;
}

int config_apply_file(struct config *c, const char *path, char *err,
		      size_t errlen)
{
	FILE *f = fopen(path, "rb");
	char *text;
	long size;
	int rc;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 ||
	    size > 1024 * 1024 || fseek(f, 0, SEEK_SET)) {
		snprintf(err, errlen, "%s: unreadable or larger than 1 MiB",
			 path);
		fclose(f);
		return -1;
	}
	text = xmalloc((size_t)size + 1);
	if (fread(text, 1, (size_t)size, f) != (size_t)size) {
		snprintf(err, errlen, "%s: read failed", path);
		free(text);
		fclose(f);
		return -1;
	}
	fclose(f);
	rc = config_apply_json(c, path, text, (size_t)size, err, errlen);
	free(text);
	return rc;
}

static void env_name(const struct config_key *k, char *buf, size_t size)
{
	size_t i = 0, n = strlen("FAIR_");

	memcpy(buf, "FAIR_", n);
	for (; k->name[i] && n + i + 1 < size; i++)
		buf[n + i] = (char)(k->name[i] >= 'a' && k->name[i] <= 'z'
					    ? k->name[i] - 'a' + 'A'
					    : k->name[i]);
	buf[n + i] = '\0';
}

int config_apply_env(struct config *c, char *err, size_t errlen)
{
	char name[64], expected[96];
	const char *value;

	for (size_t i = 0; i < N_KEYS; i++) {
		env_name(&config_keys[i], name, sizeof name);
		value = getenv(name);
		if (!value)
			continue;
		if (set_from_text(c, &config_keys[i], value)) {
			describe_expected(&config_keys[i], expected,
					  sizeof expected);
			snprintf(err, errlen, "environment %s: expected %s",
				 name, expected);
			return -1;
		}
	}
	return 0;
}

void config_print(const struct config *c, FILE *out)
{
	char env[64], expected[96];
	json_t *doc = json_object();
	char *text;

	for (size_t i = 0; i < N_KEYS; i++) {
		const struct config_key *k = &config_keys[i];
		char comment_key[80];
		json_t *value = NULL;

		env_name(k, env, sizeof env);
		describe_expected(k, expected, sizeof expected);
		snprintf(comment_key, sizeof comment_key, "// %s", k->name);
		json_object_set_new(doc, comment_key,
				    json_sprintf("%s; %s; environment %s",
						 k->description, expected,
						 env));
		switch (k->type) {
		case CFG_INT:
			value = json_integer(*(const int *)cfield_of(c, k));
			break;
		case CFG_BOOL:
			value = json_boolean(*(const bool *)cfield_of(c, k));
			break;
		case CFG_STRING:
			value = json_string(*(char *const *)cfield_of(c, k));
			break;
		}
		json_object_set_new(doc, k->name, value);
	}
	text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fprintf(out, "%s\n", text);
	free(text);
	json_decref(doc);
}

void config_free(struct config *c)
{
	for (size_t i = 0; i < N_KEYS; i++)
		if (config_keys[i].type == CFG_STRING) {
			char **slot = field_of(c, &config_keys[i]);

			free(*slot);
			*slot = NULL;
		}
}
