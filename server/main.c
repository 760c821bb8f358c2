/* main.c - fairserver: configuration, the lws context, signals, shutdown.
 *
 * Start-up order: configuration, database set-up (the only blocking
 * queries), the lws context with its one vhost, the PostgreSQL pool and the
 * worker pool on the loop, the fair list, and only then the listener, so a
 * client that connects gets a hello with the fairs in it. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <ev.h>

#include "auth/auth.h"
#include "auth/session_token.h"
#include "base/config.h"
#include "base/log.h"
#include "base/loop_timer.h"
#include "base/rawfd.h"
#include "base/timefmt.h"
#include "base/worker.h"
#include "base/xalloc.h"
#include "db/dbsetup.h"
#include "db/pg.h"
#include "features/attainment.h"
#include "features/dashboard.h"
#include "features/inbox.h"
#include "features/message_schedule.h"
#include "features/outbox.h"
#include "features/report_csv.h"
#include "live/fair_room.h"
#include "live/fairs.h"
#include "media/chart.h"
#include "media/hls_link.h"
#include "media/replay.h"
#include "media/stream_watch.h"
#include "net/frame.h"
#include "net/http.h"
#include "net/http_parse.h"
#include "net/listener.h"
#include "net/port_share.h"
#include "net/ws_session.h"
#include "order/order_intake.h"
#include "order/order_life.h"
#include "order/stock_cache.h"
#include "order/stock_seed.h"
#include "rpc/dispatch.h"
#include "rpc/op_reply.h"
#include "server.h"

#ifndef FAIR_SOURCE_DIR
#define FAIR_SOURCE_DIR "."
#endif
#ifndef FAIR_VERSION
#define FAIR_VERSION "0.1.0"
#endif

#define SHUTDOWN_GRACE_MS 5000 /* then close whatever is left */
#define DB_STARTUP_WAIT_S 30

struct server srv;

/* net is below auth and live: a session is authenticated by auth, and
 * reaches its room and the fair list through these (net/ws_session.h). */
static void hold_user(void *user)
{
	auth_user_ref(user);
}

static void release_user(void *user)
{
	auth_user_unref(user);
}

const struct ws_session_hooks ws_session_hooks = {
	.cookie_check = auth_cookie_check,
	.authenticate = auth_resolve,
	.owner_hold = hold_user,
	.owner_release = release_user,
	.hello_fairs = fairs_hello_text,
	.member_next = room_member_next,
	.member_pending = room_member_pending,
	.member_free = room_member_free,
};

/* rpc is below net: an op's reply reaches its session through these
 * (rpc/op_reply.h). */
static void reply_text(uint64_t session_id, const char *text, size_t n)
{
	ws_session_reply_frame(session_id, frame_from_text(text, n));
}

const struct op_reply_sink op_reply_sink = {
	.json = ws_session_reply,
	.text = reply_text,
};

static volatile sig_atomic_t signal_seen;
static struct listener listener;
static struct rawfd worker_watch;
static struct loop_timer shutdown_timer;
static int64_t shutdown_deadline_ms;
static int exit_loop;
/* The event loop: libev on epoll, lent to lws as a foreign loop. lws's own
 * loop calls poll() over every socket on each turn; with 10,000 dealers that
 * was 45% of the server's CPU while fanning out prices (perf, BENCHMARKS.md). */
static struct ev_loop *loop;

bool server_orders_enabled(void)
{
	return srv.schema.durable || srv.cfg.allow_unsafe_durability;
}

static void on_signal(int sig)
{
	(void)sig;
	signal_seen = 1;
	if (srv.ctx)
		lws_cancel_service(srv.ctx); /* wakes the loop */
}

static void check_shutdown(struct loop_timer *t)
{
	bool done = ws_session_count() == 0 && pg_pool_idle(srv.db) &&
		    http_pending_count() == 0;

	(void)t;
	if (done || timefmt_mono_ms() >= shutdown_deadline_ms) {
		if (!done)
			LOG(LOG_WARN,
			    "shutdown grace over: %zu sessions, "
			    "%zu HTTP requests still open",
			    ws_session_count(), http_pending_count());
		exit_loop = 1;
		lws_cancel_service(srv.ctx);
		return;
	}
	loop_timer_schedule(&shutdown_timer, check_shutdown,
			    20 * LWS_US_PER_MS);
}

static void begin_shutdown(void)
{
	if (srv.stopping)
		return;
	srv.stopping = true;
	LOG(LOG_NOTICE, "shutting down: no new connections, closing sessions");
	listener_close(&listener);
	ws_sessions_close_all(LWS_CLOSE_STATUS_GOINGAWAY, "server shutdown");
	order_intake_stop();
	report_cancel_all();
	pg_pool_begin_shutdown(srv.db);
	worker_pool_cancel_waiting(srv.workers); /* answered 503 at once */
	shutdown_deadline_ms = timefmt_mono_ms() + SHUTDOWN_GRACE_MS;
	check_shutdown(NULL);
}

static void on_wake(void)
{
	if (signal_seen && !srv.stopping)
		begin_shutdown();
}

static int on_worker_event(struct rawfd *w, enum rawfd_event ev)
{
	(void)w;
	if (ev == RAWFD_READABLE)
		worker_pool_drain(srv.workers);
	return 0;
}

static bool is_loopback(const char *address)
{
	return !strncmp(address, "127.", 4); /* listen_address is IPv4 */
}

static void start_listening(void)
{
	char err[256];

	if (srv.cfg.listen_share && srv.cfg.port &&
	    port_share_probe(srv.cfg.listen_address, srv.cfg.port, srv.tls,
			     srv.instance, err, sizeof err) == PORT_OTHER) {
		LOG(LOG_ERROR, "will not share the port: %s", err);
		exit_loop = 2;
		lws_cancel_service(srv.ctx);
		return;
	}
	if (listener_open(&listener, srv.vh, srv.cfg.listen_address,
			  srv.cfg.port, srv.cfg.listen_share,
			  srv.cfg.max_connections, err, sizeof err)) {
		LOG(LOG_ERROR, "%s", err);
		exit_loop = 2;
		lws_cancel_service(srv.ctx);
		return;
	}
	srv.port = listener.port;
	if (!is_loopback(srv.cfg.listen_address) && srv.schema.demo_passwords)
		for (int i = 0; i < 3; i++) /* loudly: it is an open door */
			LOG(LOG_ERROR,
			    "DANGER: listening on %s, reachable from other "
			    "machines, while demo accounts still have the "
			    "password \"demo\": change them (fairctl user "
			    "reset-password LOGIN) or disable them",
			    srv.cfg.listen_address);
	LOG(LOG_NOTICE, "listening on %s://%s:%d (open it in a browser)",
	    srv.tls ? "https" : "http", srv.cfg.listen_address, srv.port);
}

/* lws keeps pointing at this list for the vhost's life; the per-session
 * sizes are filled in at start-up. */
#define WS_RX_BUFFER 256
#define WS_TX_PACKET 65536

static struct lws_protocols protocols[] = {
	/* first: the default protocol of the vhost, which serves HTTP */
	{"http", http_lws_callback, 0, 0, 0, NULL, 0},
	/* rx buffer: lws allocates it for every connection (256 bytes: a
	 * join, a ping or an order of a line or two fits); larger messages
	 * arrive in pieces that ws_session reassembles. tx packet size: lws
	 * hands the socket at most this much per write (else rx buffer + 20
	 * bytes) and copies the rest aside for later turns of the loop; no
	 * memory of its own. */
	{WS_PROTOCOL_NAME, ws_session_lws_callback, 0, WS_RX_BUFFER, 0, NULL,
	 WS_TX_PACKET},
	{RAWFD_PROTOCOL_NAME, rawfd_lws_callback, 0, 0, 0, NULL, 0},
	{NULL, NULL, 0, 0, 0, NULL, 0}};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: fairserver [--config FILE]\n"
		"       fairserver --print-config [--config FILE]\n"
		"       fairserver --test-config FILE\n"
		"Serves the live trade fair: HTTP and WebSocket on one port.\n"
		"Configuration: defaults, then FILE (JSON), then FAIR_* "
		"environment variables;\n--print-config lists every key.\n");
}

/* Resolves web_root or media_root: the configured folder, or the source
 * tree's when empty. */
static int resolve_root(const char *configured, const char *fallback, char *out,
			const char *key)
{
	char path[PATH_MAX];

	snprintf(path, sizeof path, "%s", *configured ? configured : fallback);
	if (!realpath(path, out)) {
		fprintf(stderr, "fairserver: %s %s: %s\n", key, path,
			strerror(errno));
		return -1;
	}
	return 0;
}

static int load_config(const char *file, bool print_only)
{
	char err[512];

	config_defaults(&srv.cfg);
	if (file && config_apply_file(&srv.cfg, file, err, sizeof err)) {
		fprintf(stderr, "fairserver: %s\n", err);
		return -1;
	}
	if (!print_only && config_apply_env(&srv.cfg, err, sizeof err)) {
		fprintf(stderr, "fairserver: %s\n", err);
		return -1;
	}
	log_threshold = (enum log_level)log_level_parse(srv.cfg.log_level);
	return 0;
}

/* lws sizes its descriptor tables from the open-files limit, and Debian's
 * build walks the whole table on every close (a sanity check compiled in):
 * under a container's usual 1,048,576 that is 8 MB read for each closed
 * connection. So the limit is what max_connections needs, plus room for the
 * database connections, files being served and the workers. */
#define FD_RESERVE 1024
static void size_open_files_limit(void)
{
	struct rlimit rl;
	rlim_t want = (rlim_t)srv.cfg.max_connections + FD_RESERVE;

	if (getrlimit(RLIMIT_NOFILE, &rl)) {
		LOG(LOG_WARN, "cannot read the open-files limit: %s",
		    strerror(errno));
		return;
	}
	if (rl.rlim_max != RLIM_INFINITY && want > rl.rlim_max) {
		LOG(LOG_WARN,
		    "max_connections %d needs %llu open files, but the hard "
		    "limit (ulimit -Hn) is %llu: fewer connections fit",
		    srv.cfg.max_connections, (unsigned long long)want,
		    (unsigned long long)rl.rlim_max);
		want = rl.rlim_max;
	}
	if (rl.rlim_cur == want)
		return;
	rl.rlim_cur = want;
	if (setrlimit(RLIMIT_NOFILE, &rl))
		LOG(LOG_WARN, "cannot set the open-files limit to %llu: %s",
		    (unsigned long long)want, strerror(errno));
}

/* hls_link_secret and hls_link_base (media/hls_link.h) as they must be:
 * the secret usable in nginx's configuration, and a base only with a
 * secret, an origin the pages' policy lets them fetch video from. */
static bool hls_links_configured_well(void)
{
	const char *base = srv.cfg.hls_link_base;
	char origin[256];

	if (!hls_link_secret_valid(srv.cfg.hls_link_secret)) {
		LOG(LOG_ERROR,
		    "hls_link_secret: 16 to 256 characters without "
		    "spaces, quotes, '\\', '$', ';', '{', '}' or '#'");
		return false;
	}
	if (!base[0])
		return true;
	if (!srv.cfg.hls_link_secret[0] ||
	    http_url_origin(base, origin, sizeof origin) ||
	    strcmp(origin, base) ||
	    !http_list_contains(srv.cfg.video_origins, base)) {
		LOG(LOG_ERROR,
		    "hls_link_base: \"%s\" must be an origin such as "
		    "https://cdn.example.com (no path), listed in "
		    "video_origins, "
		    "with hls_link_secret set",
		    base);
		return false;
	}
	return true;
}
static int create_context(void)
{
	/* All zero: no lws validity timers (ws_session.c pings idle sessions
	 * itself; without a policy lws would apply its default of 300 s). */
	static const lws_retry_bo_t no_validity_timers;
	struct lws_context_creation_info info;
	void *foreign_loops[1];

	protocols[0].per_session_data_size = http_session_size();
	protocols[1].per_session_data_size = ws_session_size();
	loop = ev_loop_new(EVBACKEND_EPOLL);
	if (!loop)
		return -1;
	loop_timer_use(loop);
	foreign_loops[0] = loop;
	memset(&info, 0, sizeof info);
	info.foreign_loops = foreign_loops;
	info.options = LWS_SERVER_OPTION_LIBEV |
		       LWS_SERVER_OPTION_EXPLICIT_VHOSTS |
		       LWS_SERVER_OPTION_VALIDATE_UTF8 |
		       LWS_SERVER_OPTION_DISABLE_IPV6;
	srv.tls = *srv.cfg.tls_cert && *srv.cfg.tls_key;
	if (srv.tls)
		info.options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
	/* lws sizes its tables from the open-files limit (set above): a
	 * smaller fd_limit_per_thread would make it search them instead */
	info.fd_limit_per_thread = 0;
	srv.ctx = lws_create_context(&info);
	if (!srv.ctx)
		return -1;
	info.port = CONTEXT_PORT_NO_LISTEN_SERVER;
	info.protocols = protocols;
	info.vhost_name = "fair";
	info.retry_and_idle_policy = &no_validity_timers;
	info.headers = http_security_headers(srv.cfg.video_origins);
	if (!info.headers) {
		LOG(LOG_ERROR,
		    "video_origins: \"%s\" is not a list of origins such as "
		    "https://cdn.example.com (scheme, host, port: no path)",
		    srv.cfg.video_origins);
		return -1;
	}
	if (!hls_links_configured_well())
		return -1;
	info.keepalive_timeout = 30;
	info.timeout_secs = 30;
	if (srv.tls) {
		info.ssl_cert_filepath = srv.cfg.tls_cert;
		info.ssl_private_key_filepath = srv.cfg.tls_key;
		/* HTTP/1.1 only: over HTTP/2, Debian's lws 4.1.6 never handed
		 * a POST body (/api/login) to the server (the client waited
		 * 30 s for nothing); browsers fall back to HTTP/1.1 */
		info.alpn = "http/1.1";
		/* TLS 1.2 with forward secrecy only (ECDHE, AEAD): OpenSSL's
		 * default list still offers RSA key exchange (AES128-SHA);
		 * TLS 1.3's suites all have it */
		info.ssl_cipher_list = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-"
				       "RSA-AES128-GCM-SHA256:"
				       "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-"
				       "RSA-AES256-GCM-SHA384:"
				       "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-"
				       "RSA-CHACHA20-POLY1305";
		info.options |= LWS_SERVER_OPTION_STS;
	}
	srv.vh = lws_create_vhost(srv.ctx, &info);
	return srv.vh ? 0 : -1;
}

int main(int argc, char **argv)
{
	static const struct option long_opts[] = {
		{"config", required_argument, NULL, 'c'},
		{"print-config", no_argument, NULL, 'p'},
		{"test-config", required_argument, NULL, 't'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'v'},
		{NULL, 0, NULL, 0}};
	const char *config_file = NULL;
	bool print_config = false, test_config = false, writes_left = false;
	struct pg_pool_config pgc;
	struct sigaction sa;
	char err[512];
	int opt, rc = 0, wfd;

	/* One allocation policy, jansson's included: out of memory aborts
	 * (base/xalloc.h), so a NULL from jansson only means "not valid". */
	json_set_alloc_funcs(xmalloc, free);
	while ((opt = getopt_long(argc, argv, "c:pt:hv", long_opts, NULL)) !=
	       -1) {
		switch (opt) {
		case 'c':
			config_file = optarg;
			break;
		case 'p':
			print_config = true;
			break;
		case 't':
			config_file = optarg;
			test_config = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'v':
			printf("fairserver %s (libwebsockets %s, libpq %d)\n",
			       FAIR_VERSION, lws_get_library_version(),
			       PQlibVersion());
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return 2;
	}
	if (load_config(config_file, print_config)) {
		config_free(&srv.cfg);
		return 1;
	}
	if (print_config || test_config) {
		if (print_config)
			config_print(&srv.cfg, stdout);
		else
			printf("%s: configuration is valid\n", config_file);
		config_free(&srv.cfg);
		return 0;
	}
	log_route_lws();
	if (dispatch_table_check(server_ops, server_ops_count, err,
				 sizeof err)) {
		LOG(LOG_ERROR, "the op table is broken: %s", err);
		config_free(&srv.cfg);
		return 1;
	}
	if (resolve_root(srv.cfg.web_root, FAIR_SOURCE_DIR "/web/public",
			 srv.web_root, "web_root") ||
	    resolve_root(srv.cfg.media_root, FAIR_SOURCE_DIR "/media",
			 srv.media_root, "media_root")) {
		config_free(&srv.cfg);
		return 1;
	}

	if (dbsetup_run(srv.cfg.database_url, srv.cfg.migrate_on_start,
			!is_loopback(srv.cfg.listen_address), DB_STARTUP_WAIT_S,
			&srv.schema, err, sizeof err)) {
		LOG(LOG_ERROR, "database set-up failed: %s", err);
		config_free(&srv.cfg);
		return 1;
	}
	LOG(LOG_INFO, "database schema at version %d",
	    srv.schema.schema_version);
	if (port_share_instance(srv.schema.session_key, &srv.cfg,
				srv.instance)) {
		LOG(LOG_ERROR, "cannot work out this server's instance");
		config_free(&srv.cfg);
		return 1;
	}
	if (!srv.schema.durable)
		LOG(srv.cfg.allow_unsafe_durability ? LOG_WARN : LOG_ERROR,
		    "PostgreSQL does not keep every commit (%s): %s",
		    srv.schema.durability_note,
		    srv.cfg.allow_unsafe_durability
			    ? "taking orders anyway (allow_unsafe_durability)"
			    : "orders are refused until it is fixed");

	signal(SIGPIPE, SIG_IGN);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	http_on_wake = on_wake;

	size_open_files_limit();
	if (create_context()) {
		LOG(LOG_ERROR, "cannot create the libwebsockets context%s",
		    srv.tls ? " (check tls_cert and tls_key)" : "");
		rc = 1;
		goto out;
	}
	pgc.conninfo = srv.cfg.database_url;
	pgc.pool_size = srv.cfg.db_pool_size;
	pgc.query_timeout_ms = srv.cfg.db_query_timeout_ms;
	pgc.reconnect_max_ms = srv.cfg.db_reconnect_max_ms;
	pgc.queue_max = srv.cfg.db_queue_max;
	pgc.queue_wait_ms = srv.cfg.db_queue_wait_ms;
	pgc.user_in_flight_max = srv.cfg.db_user_in_flight;
	pgc.user_queue_max = srv.cfg.db_user_queue_max;
	srv.db = pg_pool_create(srv.vh, &pgc);
	srv.workers = worker_pool_create(srv.cfg.workers, srv.cfg.worker_queue);
	if (!srv.workers) {
		LOG(LOG_ERROR, "cannot start the worker pool");
		rc = 1;
		goto out;
	}
	/* drawing and conversions leave worker_login_reserve threads to
	 * password hashing (at least one thread is theirs) */
	worker_pool_limit_heavy(srv.workers,
				srv.cfg.workers - srv.cfg.worker_login_reserve,
				srv.cfg.render_wait_max_ms);
	wfd = fcntl(worker_pool_fd(srv.workers), F_DUPFD_CLOEXEC, 0);
	worker_watch.on_event = on_worker_event;
	if (wfd < 0 || rawfd_adopt(srv.vh, wfd, &worker_watch)) {
		rc = 1;
		goto out;
	}
	auth_start();
	room_start();
	order_life_start();
	dashboard_start();
	attainment_start();
	inbox_start();
	message_schedule_start();
	replay_start();
	stream_watch_start();
	chart_setup();
	if (report_start()) {
		LOG(LOG_ERROR, "cannot start the report machinery");
		rc = 1;
		goto out;
	}
	if (outbox_start()) {
		LOG(LOG_ERROR, "cannot start the outbox sender");
		rc = 1;
		goto out;
	}
	fairs_start(start_listening);

	while (!exit_loop) {
		/* sessions left to write: look at the sockets, do not wait */
		ev_run(loop, writes_left ? EVRUN_NOWAIT : EVRUN_ONCE);
		writes_left = ws_sessions_write_woken();
		if (signal_seen && !srv.stopping)
			begin_shutdown();
	}
	if (exit_loop == 2)
		rc = 1;
	LOG(LOG_NOTICE, "stopped");
out:
	loop_timer_cancel(&shutdown_timer);
	replay_stop(); /* before the pools: their last callbacks see it */
	stream_watch_stop();
	rawfd_release(&worker_watch);
	/* Finished jobs still run their callbacks in worker_pool_destroy, and
	 * database callbacks in pg_pool_destroy: each finds the other pool
	 * gone (NULL) and answers unavailable. */
	pg_pool_destroy(srv.db);
	srv.db = NULL;
	worker_pool_destroy(srv.workers);
	srv.workers = NULL;
	report_stop();
	outbox_stop();
	chart_teardown();
	if (srv.ctx)
		lws_context_destroy(srv.ctx);
	loop_timer_use(NULL);
	if (loop)
		ev_loop_destroy(loop);
	room_stop();
	dashboard_stop();
	attainment_stop();
	message_schedule_stop();
	inbox_stop();
	order_intake_free();
	stock_seed_free();
	stock_cache_forget();
	ws_sessions_free();
	http_free();
	auth_stop();
	session_token_release();
	fairs_stop();
	config_free(&srv.cfg);
	return rc;
}
