/* server.h - the state one server process shares between its modules.
 *
 * One event loop per process (libwebsockets) owns everything here; nothing
 * in it is touched from another thread. */
#ifndef FAIR_SERVER_H
#define FAIR_SERVER_H

#include <libwebsockets.h>
#include <limits.h>
#include <stdbool.h>

#include "base/config.h"
#include "db/dbsetup.h"

struct pg_pool;
struct worker_pool;

struct server {
	struct config cfg;
	struct lws_context *ctx;
	struct lws_vhost *vh;
	struct pg_pool *db;
	struct worker_pool *workers;
	struct dbsetup_result schema; /* version and durability at start-up */
	bool tls;                     /* serving HTTPS and WSS */
	int port;                     /* the port actually bound */
	char instance[17];       /* port_share_instance: /healthz shows it */
	bool stopping;           /* SIGINT/SIGTERM received */
	char web_root[PATH_MAX]; /* resolved, without a trailing slash */
	char media_root[PATH_MAX];
};

extern struct server srv;

/* True when orders may be taken: PostgreSQL keeps what it commits, or the
 * configuration explicitly allows a test database that does not. */
bool server_orders_enabled(void);

#endif
