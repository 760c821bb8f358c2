/* client_addr.c - who the client is, through trusted proxies (see
 * client_addr.h). */
#include "net/client_addr.h"

#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"

/* Whether the n bytes at s are one IPv4 or IPv6 address in text (a
 * conservative check: digits, hex, dots and colons only). */
static bool address_like(const char *s, size_t n)
{
	if (!n || n >= CLIENT_ADDR_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!strchr("0123456789abcdefABCDEF.:", s[i]))
			return false;
	return true;
}

/* Whether the n bytes at s are one entry of the comma-separated list. */
static bool list_has(const char *list, const char *s, size_t n)
{
	const char *p = list;

	while (p && *p) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		while (len && (*p == ' ' || *p == '\t')) {
			p++;
			len--;
		}
		while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (len == n && !memcmp(p, s, n))
			return true;
		p = end ? end + 1 : NULL;
	}
	return false;
}

bool client_addr_trusted(const char *trusted, const char *address)
{
	return trusted && address && *address &&
	       list_has(trusted, address, strlen(address));
}

static void put(char *out, size_t outlen, const char *s, size_t n)
{
	if (!outlen)
		return;
	if (n >= outlen)
		n = outlen - 1;
	memcpy(out, s, n);
	out[n] = '\0';
}

void client_addr_pick(const char *peer, const char *forwarded_for,
		      const char *trusted, char *out, size_t outlen)
{
	const char *end;

	put(out, outlen, peer ? peer : "", peer ? strlen(peer) : 0);
	if (!forwarded_for || !client_addr_trusted(trusted, peer))
		return;
	/* From the right: each trusted hop vouches for the one before it. */
	end = forwarded_for + strlen(forwarded_for);
	for (;;) {
		const char *start = end;
		size_t n;

		while (start > forwarded_for && start[-1] != ',')
			start--;
		n = (size_t)(end - start);
		while (n && (*start == ' ' || *start == '\t')) {
			start++;
			n--;
		}
		while (n && (start[n - 1] == ' ' || start[n - 1] == '\t'))
			n--;
		if (!address_like(start, n))
			return; /* the last good hop is as far as we see */
		put(out, outlen, start, n);
		if (!list_has(trusted, start, n))
			return;
		/* a trusted hop: look at the entry left of its comma */
		while (start > forwarded_for && start[-1] != ',')
			start--;
		if (start == forwarded_for)
			return;
		end = start - 1;
	}
}

bool client_addr_of(struct lws *wsi, const char *trusted, char *out,
		    size_t outlen)
{
	char peer[CLIENT_ADDR_MAX] = "";
	int len;

	lws_get_peer_simple(wsi, peer, sizeof peer);
	put(out, outlen, peer, strlen(peer));
	if (!client_addr_trusted(trusted, peer))
		return false;
	/* the whole header, however long: a prefix would miss the
	 * proxy's own entry, at its end */
	len = lws_hdr_total_length(wsi, WSI_TOKEN_X_FORWARDED_FOR);
	if (len > 0) {
		char *forwarded = xmalloc((size_t)len + 1);

		if (lws_hdr_copy(wsi, forwarded, len + 1,
				 WSI_TOKEN_X_FORWARDED_FOR) > 0)
			client_addr_pick(peer, forwarded, trusted, out, outlen);
		free(forwarded);
	}
	return true;
}

bool client_addr_forwarded(struct lws *wsi)
{
	return lws_hdr_total_length(wsi, WSI_TOKEN_X_FORWARDED_FOR) > 0;
}
