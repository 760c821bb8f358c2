/* client_addr.h - who the client is: its address, through trusted proxies.
 *
 * Limits by address (logins, WebSockets) and the loopback-only /metrics
 * need the client's address. Behind a reverse proxy every request comes
 * from the proxy, so the proxy's own X-Forwarded-For says who sent it; but
 * anyone can send that header, so it is read only from a peer listed in
 * `trusted_proxies`, and then from the right: the last address that is not
 * itself a trusted proxy is the client (what a client wrote further left
 * is not believed).
 *
 * client_addr_pick is pure and unit-tested; client_addr_of reads a
 * request's peer and header through lws. */
#ifndef FAIR_CLIENT_ADDR_H
#define FAIR_CLIENT_ADDR_H

#include <libwebsockets.h>
#include <stdbool.h>
#include <stddef.h>

#define CLIENT_ADDR_MAX 64

/* Whether address is one of the comma-separated trusted list. */
bool client_addr_trusted(const char *trusted, const char *address);

/* The client's address into out: peer, or when peer is trusted and
 * forwarded_for (X-Forwarded-For, may be NULL) names one, the rightmost
 * address in it that is not trusted. Anything in the header that is not an
 * IPv4 or IPv6 address in text stops the walk at the last good one. */
void client_addr_pick(const char *peer, const char *forwarded_for,
		      const char *trusted, char *out, size_t outlen);

/* client_addr_pick for a request or WebSocket (its headers must still be
 * there) with the trusted list (the trusted_proxies setting). Returns
 * whether the peer is a trusted proxy. */
bool client_addr_of(struct lws *wsi, const char *trusted, char *out,
		    size_t outlen);

/* Whether a request carries X-Forwarded-For at all: it came through a
 * proxy, trusted or not. */
bool client_addr_forwarded(struct lws *wsi);

#endif
