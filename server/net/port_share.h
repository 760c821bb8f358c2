/* port_share.h - who already serves a port this server is asked to share.
 *
 * Several processes of one fair share a port only when told to
 * (listen_share): then each binds with SO_REUSEPORT and the kernel spreads
 * connections over them. A server of another database or configuration on
 * that port would get some of the users, so before binding, a sharing server
 * asks whoever answers on the port for its /healthz and joins only when the
 * `instance` there is its own. Blocking, bounded by a short timeout: it runs
 * once at start-up, before the event loop. */
#ifndef FAIR_PORT_SHARE_H
#define FAIR_PORT_SHARE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/config.h"

#define PORT_SHARE_INSTANCE_LEN 16 /* hex characters */

/* The instance of this server: a hash of the database's session key (one
 * per database, never shown) and of the configuration as --print-config
 * prints it. Same database and configuration, same instance. out gets
 * PORT_SHARE_INSTANCE_LEN hex characters and a NUL. Returns 0 or -1. */
int port_share_instance(const unsigned char session_key[32],
			const struct config *cfg,
			char out[PORT_SHARE_INSTANCE_LEN + 1]);

enum port_share_probe {
	PORT_FREE,  /* nothing accepts connections there */
	PORT_SAME,  /* a server of this instance: join it */
	PORT_OTHER, /* something else: why says what */
};

/* Asks address:port (over TLS when tls) for its /healthz and compares its
 * instance with ours. */
enum port_share_probe port_share_probe(const char *address, int port, bool tls,
				       const char *instance, char *why,
				       size_t why_size);

/* Finds "instance":"<hex>" in an HTTP answer's text (NUL-terminated); copies
 * it to out (PORT_SHARE_INSTANCE_LEN + 1 bytes).
 * Returns 0, or -1 when there is none. */
int port_share_parse(const char *answer, char *out);

#endif
