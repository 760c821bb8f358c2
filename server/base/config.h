/* config.h - the server's configuration, described by one table.
 *
 * Every key has a type, a default, bounds, an environment variable that
 * overrides it and a description (config.c, config_keys[]). Sources apply in
 * order: defaults, then a JSON file (--config), then the environment.
 * `--print-config` prints the table as a JSON sample; config/fair.sample.json
 * is its output. Strings in struct config are owned by it (config_free). */
#ifndef FAIR_CONFIG_H
#define FAIR_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct config {
	char *listen_address;    /* IPv4 address the listener binds */
	int port;                /* 0 picks a free port (tests) */
	bool listen_share;       /* SO_REUSEPORT with same-instance servers */
	char *database_url;      /* libpq connection string or URL */
	int db_pool_size;        /* pipelined connections for requests */
	int db_query_timeout_ms; /* a query not answered by then fails */
	int db_reconnect_max_ms; /* ceiling of the reconnect backoff */
	int db_queue_max;        /* requests held while a reconnect runs */
	int db_queue_wait_ms;    /* how long such a request may wait */
	int db_user_in_flight;   /* one user's requests in PostgreSQL at once */
	int db_user_queue_max;   /* one user's requests waiting at once */
	char *web_root;          /* folder served at / */
	char *media_root;        /* folder served at /media/ */
	char *hls_root;          /* nginx-rtmp's HLS files (/live/) */
	char *hls_link_secret;   /* signs segment links for an edge cache */
	char *hls_link_base;     /* origin the signed links point to */
	int clip_max_mb;         /* a product clip's largest upload */
	int clip_max_s;          /* a product clip's longest duration */
	char *allowed_origins;   /* comma-separated extra WebSocket origins */
	char *video_origins;     /* comma-separated origins of brands' video */
	char *trusted_proxies;   /* proxies whose X-Forwarded-For is believed */
	char *tls_cert;          /* PEM certificate; empty: plain HTTP */
	char *tls_key;           /* PEM private key */
	char *log_level;         /* error, warn, notice, info, debug */
	bool access_log;         /* one line per HTTP request */
	int workers;             /* threads for CPU-heavy jobs */
	int worker_queue;        /* jobs that may wait for a thread */
	int worker_login_reserve; /* threads only password hashing may use */
	int render_per_user;      /* renders one user may have at once */
	int render_wait_max_ms;   /* a render's longest wait for a thread */
	int max_connections;      /* connections served at once */
	int ws_max_per_user;      /* WebSockets of one user, this process */
	int ws_max_per_address;   /* WebSockets of one client address */
	int ws_max_inflight;   /* requests in progress before reading pauses */
	int ws_send_queue_kib; /* queued outgoing bytes before a close */
	int ws_idle_timeout_s; /* ping after this much silence */
	bool allow_unsafe_durability; /* take orders without fsync (tests) */
	int orders_batch_max;         /* orders in one group-commit batch */
	int orders_batches_in_flight; /* batches in the database at once */
	int orders_queue_max;         /* orders waiting for the next batch */
	int orders_resolve_ms;        /* to learn a lost batch's outcome */
	char *chart_font;             /* CJK font file for charts */
	int session_ttl_hours;        /* a login lasts this long */
	int login_max_failures;       /* per login name, in the window */
	int login_max_failures_per_address; /* per client address */
	int login_max_pending_per_address;  /* passwords hashed at once */
	int login_window_s;                 /* the failure-counting window */
	bool migrate_on_start; /* apply sql/ migrations at start-up */
	char *smtp_url;        /* the mail relay; empty: no mail sent */
	char *smtp_tls;        /* STARTTLS: required, try, none */
	char *smtp_ca_file;    /* CAs for the relay's certificate */
	char *smtp_user;       /* empty: no AUTH */
	char *smtp_password;
	char *smtp_from;          /* envelope and From address */
	char *smtp_from_name;     /* From's display name */
	char *public_url;         /* the pages' address, for mail links */
	bool outbox_send;         /* run the outbox sender thread */
	int outbox_retry_base_ms; /* first retry delay, then doubling */
	int outbox_max_attempts;  /* then given up */
	int outbox_lease_s;       /* a dead process's claim expires */
	int outbox_timeout_ms;    /* one mail or call at most */
	int outbox_keep_days;     /* finished rows are deleted after */
	int messages_tick_s;      /* the reminders' scheduler */
};

/* Fills c with every key's default. */
void config_defaults(struct config *c);

/* Applies the keys of a JSON object given as text. origin names the source
 * in error messages ("config/fair.json"). Returns 0, or -1 with a message
 * naming the origin, the key and what was expected in err. Keys beginning
 * with "//" are comments and ignored. */
int config_apply_json(struct config *c, const char *origin, const char *text,
		      size_t len, char *err, size_t errlen);

/* Reads a file and applies it as config_apply_json does. */
int config_apply_file(struct config *c, const char *path, char *err,
		      size_t errlen);

/* Applies FAIR_* environment variables. Returns 0 or -1 with err set. */
int config_apply_env(struct config *c, char *err, size_t errlen);

/* Prints c as a JSON object, each key preceded by a "// key" comment entry
 * describing it (type, bounds, environment variable). */
void config_print(const struct config *c, FILE *out);

/* Frees the strings c owns. */
void config_free(struct config *c);

#endif
