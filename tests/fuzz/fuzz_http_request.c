/* fuzz_http_request.c - the pure decisions of the HTTP request path
 * (net/http_parse.h, session_cookie_find, client_addr_pick) on arbitrary
 * requests, in the order net/http.c takes them.
 *
 * Input: the first byte is the separator; the rest is split at it into
 * fields, in this order (a field past the end is absent):
 *   0 the request target: the path, and after the first '?' the query
 *     (lws hands them over apart; the query is not parsed here: its
 *     parsers are static in media/admin_image.c and features/chart_http.c)
 *   1 Cookie             2 Origin           3 Host
 *   4 allowed_origins (the setting)         5 Sec-WebSocket-Protocol
 *   6 Content-Length     7 X-Forwarded-For  8 the peer's address
 *   9 trusted_proxies (the setting)        10 Accept-Encoding
 * A field stops at a NUL byte, as a C string does. Seeds use '\n'; the
 * fuzzer may pick any byte, so fields can hold line breaks.
 *
 * Besides "no crash, no leak, no UB", each input checks:
 *   - the route is the first of http.c's that matches, exact routes only
 *     for the same path, prefix routes only for paths starting with it;
 *   - a static path under the web or media root never holds ".." or a
 *     backslash, stays under its root, and is exactly root/rel (plus
 *     index.html for a folder); a rel holding ".." is always refused;
 *   - http_list_contains agrees with a plain split of the list;
 *   - an Origin is allowed only when it is the server's own origin (its
 *     Host, http or https) or listed, and always when listed;
 *   - Content-Length: more than max implies more than max - 1;
 *   - a session cookie found is in the header after "fair_session=", and
 *     fits; a valid cookie added after a header without one is found and
 *     passes session_token_check;
 *   - the client's address is the peer unless the peer is a trusted
 *     proxy, and then an address-like entry of X-Forwarded-For;
 *   - the coding picked (br, gzip or none) is one the Accept-Encoding
 *     weighs above 0, br when its weight is no less than gzip's;
 *   - gzip is allowed only by an Accept-Encoding naming gzip or "*", never
 *     by one whose gzip items all say q=0 and that has no "*", and a
 *     static file sent gzip has a type (not octet-stream: the source maps'
 *     .map once had none). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth/session_token.h"
#include "features/report_csv.h"
#include "fuzz.h"
#include "media/admin_image.h"
#include "net/client_addr.h"
#include "net/http_parse.h"
#include "order/order_processing.h"

enum {
	F_TARGET,
	F_COOKIE,
	F_ORIGIN,
	F_HOST,
	F_ALLOWED,
	F_PROTOCOLS,
	F_LENGTH,
	F_FORWARDED,
	F_PEER,
	F_TRUSTED,
	F_ACCEPT_ENCODING,
	F_COUNT
};

#define WEB_ROOT "/srv/fair/web"
#define MEDIA_ROOT "/srv/fair/media"
#define NOW_S 2000000000LL

/* http.c's routes in the order on_http tries them (api_routes in the
 * middle). Keep in step with on_http. */
static const struct {
	const char *path;
	bool prefix;
} routes[] = {
	{"/healthz", false},
	{"/api/login", false},
	{"/api/logout", false},
	{"/api/password", false},
	{"/api/me", false},
	{ADMIN_IMAGE_PATH_PREFIX, true},
	{ORDER_PRINT_PATH_PREFIX, true},
	{FAIR_FILES_PATH_PREFIX, true},
	{"/metrics", false},
	{"/ws", false},
	{"/media/", true}, /* then every other path: the web root */
};

/* Splits data[1..] at data[0] into NUL-terminated copies; absent: NULL. */
static void split(const uint8_t *data, size_t size, char *fields[F_COUNT])
{
	size_t start = 1, f = 0;

	for (size_t i = 1; i <= size && f < F_COUNT; i++) {
		if (i < size && data[i] != data[0])
			continue;
		fields[f] = strndup((const char *)data + start, i - start);
		check(fields[f] != NULL);
		f++;
		start = i + 1;
	}
}

/* The reference for http_list_contains, for items without ',' or ' ':
 * some entry, leading spaces skipped, is the item, or the item then a
 * space. */
static bool list_has(const char *list, const char *item)
{
	size_t n = strlen(item);

	for (const char *p = list; p;) {
		const char *end = strchr(p, ',');
		size_t len;

		while (*p == ' ')
			p++;
		len = end ? (size_t)(end - p) : strlen(p);
		if (len >= n && !strncmp(p, item, n) &&
		    (len == n || p[n] == ' '))
			return true;
		p = end ? end + 1 : NULL;
	}
	return false;
}

static void check_list(const char *list, const char *item)
{
	bool has = http_list_contains(list, item);

	if (!list || !*item) {
		check(!has);
		return;
	}
	if (!strpbrk(item, ", "))
		check(has == list_has(list, item));
}

static void check_route(const char *path)
{
	size_t i, n = sizeof routes / sizeof routes[0];
	const char *root = WEB_ROOT, *rel = path;
	char joined[4096], expect[4096];
	int joined_rc;

	for (i = 0; i < n; i++) {
		bool exact = http_path_matches(path, routes[i].path, false);
		bool prefix = http_path_matches(path, routes[i].path, true);

		check(exact == !strcmp(path, routes[i].path));
		check(!exact || prefix);
		check(prefix ==
		      !strncmp(path, routes[i].path, strlen(routes[i].path)));
		if (routes[i].prefix ? prefix : exact)
			break;
	}
	if (i < n && strcmp(routes[i].path, "/media/"))
		return; /* an API or server route: its handler reads the rest */
	if (i < n) {
		root = MEDIA_ROOT;
		rel = path + strlen("/media/");
	}
	joined_rc = http_static_join(root, rel, joined, sizeof joined);
	while (*rel == '/')
		rel++;
	/* only the build's hashed chunks are kept by browsers and caches */
	check(!http_static_cache_control(rel) ||
	      (!strncmp(rel, "assets/chunk-", 13) && !strchr(rel + 13, '/') &&
	       !strstr(rel, "..")));
	/* and the product pictures stored under a versioned key */
	check(!http_media_cache_control(rel) ||
	      (!strncmp(rel, "p/", 2) && !strstr(rel, "..") &&
	       !strcmp(rel + strlen(rel) - 4, ".jpg")));
	if (strstr(rel, "..") || strchr(rel, '\\')) {
		check(joined_rc == -1);
		return;
	}
	snprintf(expect, sizeof expect, "%s/%s%s", root, rel,
		 !*rel || rel[strlen(rel) - 1] == '/' ? "index.html" : "");
	if (joined_rc) {
		check(strlen(root) + 1 + strlen(rel) + 10 >= sizeof joined);
		return;
	}
	check(!strcmp(joined, expect));
	check(!strncmp(joined, root, strlen(root)) &&
	      joined[strlen(root)] == '/');
	check(!strstr(joined, "..") && !strchr(joined, '\\'));
	check(http_mime_of(joined) != NULL);
	check(!http_compressible(joined) ||
	      strcmp(http_mime_of(joined), "application/octet-stream"));
	if (strlen(joined) >= 5 &&
	    !strcasecmp(joined + strlen(joined) - 5, ".html"))
		check(!strcmp(http_mime_of(joined),
			      "text/html; charset=utf-8"));
}

static void check_origin(const char *origin, const char *host, bool tls,
			 const char *allowed)
{
	char own[4096];
	bool ok;

	if (!origin || !*origin)
		return; /* no Origin: not a browser's cross-site request */
	ok = http_origin_allowed(origin, host, tls, allowed);
	snprintf(own, sizeof own, "%s://%s", tls ? "https" : "http",
		 host ? host : "");
	check(!ok || (host && *host && !strcasecmp(origin, own)) ||
	      http_list_contains(allowed, origin));
	check(ok || !http_list_contains(allowed, origin));
	check_list(allowed, origin);
}

static void check_length(const char *text)
{
	unsigned long long maxes[] = {0, 1, 4096, 10u << 20, ~0ULL};

	check(!http_length_exceeds(text, ~0ULL));
	for (size_t i = 1; i < sizeof maxes / sizeof maxes[0]; i++)
		check(!http_length_exceeds(text, maxes[i]) ||
		      http_length_exceeds(text, maxes[i] - 1));
	if (text[0] == '-' && text[1] >= '1' && text[1] <= '9')
		check(http_length_exceeds(text, 10u << 20));
}

static void check_cookie(const char *header)
{
	static const unsigned char key[SESSION_KEY_BYTES] = {1, 2, 3};
	char value[SESSION_COOKIE_MAX], minted[SESSION_COOKIE_MAX], *joined;
	struct session_token t, u;
	size_t len;

	if (!session_cookie_find(header, SESSION_COOKIE_NAME, value,
				 sizeof value)) {
		char pair[sizeof SESSION_COOKIE_NAME + SESSION_COOKIE_MAX];

		check(strlen(value) < sizeof value);
		snprintf(pair, sizeof pair, "%s=%s", SESSION_COOKIE_NAME,
			 value);
		check(strstr(header, pair) != NULL);
		session_token_check(key, value, NOW_S, &t); /* any answer */
		return;
	}
	if (strstr(header, SESSION_COOKIE_NAME))
		return;
	/* a header without the cookie, then a real one: found, and good */
	check(!session_token_mint(key, NOW_S + 3600, &t, minted,
				  sizeof minted));
	len = strlen(header) + strlen(minted) + sizeof SESSION_COOKIE_NAME + 4;
	joined = malloc(len);
	check(joined != NULL);
	snprintf(joined, len, "%s; %s=%s", header, SESSION_COOKIE_NAME, minted);
	check(!session_cookie_find(joined, SESSION_COOKIE_NAME, value,
				   sizeof value));
	check(!strcmp(value, minted));
	check(!session_token_check(key, value, NOW_S, &u));
	check(!memcmp(t.id_hash, u.id_hash, sizeof t.id_hash));
	check(session_token_check(key, value, NOW_S + 7200, &u));
	free(joined);
}

static void check_client(const char *peer, const char *forwarded,
			 const char *trusted)
{
	char out[CLIENT_ADDR_MAX];

	memset(out, 'x', sizeof out);
	client_addr_pick(peer, forwarded, trusted, out, sizeof out);
	check(memchr(out, '\0', sizeof out) != NULL);
	if (!forwarded || !client_addr_trusted(trusted, peer)) {
		check(!strncmp(out, peer, sizeof out - 1));
		return;
	}
	if (strcmp(out, peer) && strncmp(out, peer, sizeof out - 1)) {
		check(*out && strstr(forwarded, out) != NULL);
		check(strspn(out, "0123456789abcdefABCDEF.:") == strlen(out));
	}
}

/* Whether s holds needle, without case. */
static bool has_nocase(const char *s, const char *needle)
{
	for (size_t n = strlen(needle); *s; s++)
		if (!strncasecmp(s, needle, n))
			return true;
	return false;
}

static void check_accept_encoding(const char *header)
{
	bool gzip = http_accepts_gzip(header);
	const char *coding = http_pick_encoding(header);
	char *zeroed;

	check(!gzip || has_nocase(header, "gzip") || strchr(header, '*'));
	/* the coding picked is one the header allows, br no less than gzip */
	check(gzip == (http_accept_weight(header, "gzip") > 0));
	check(!coding || http_accept_weight(header, coding) > 0);
	check(!coding || !strcmp(coding, "gzip") || !strcmp(coding, "br"));
	check(coding || !gzip);
	check(!coding || strcmp(coding, "gzip") ||
	      http_accept_weight(header, "br") <
		      http_accept_weight(header, "gzip"));
	/* the same header with gzip refused first, and no "*": refused */
	if (strchr(header, '*') || has_nocase(header, "gzip"))
		return;
	zeroed = malloc(strlen(header) + 16);
	check(zeroed != NULL);
	sprintf(zeroed, "gzip;q=0, %s", header);
	check(!http_accepts_gzip(zeroed));
	sprintf(zeroed, "%s, gzip", header);
	check(http_accepts_gzip(zeroed));
	free(zeroed);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *f[F_COUNT] = {0}, *query;
	const char *allowed, *trusted, *peer;

	if (size < 1)
		return 0;
	split(data, size, f);
	if (!f[F_TARGET])
		f[F_TARGET] = strdup("");
	check(f[F_TARGET] != NULL);
	query = strchr(f[F_TARGET], '?');
	if (query)
		*query++ = '\0';
	allowed = f[F_ALLOWED] ? f[F_ALLOWED] : "";
	trusted = f[F_TRUSTED] ? f[F_TRUSTED] : "";
	peer = f[F_PEER] ? f[F_PEER] : "127.0.0.1";

	check_route(f[F_TARGET]);
	if (f[F_COOKIE])
		check_cookie(f[F_COOKIE]);
	check_origin(f[F_ORIGIN], f[F_HOST], false, allowed);
	check_origin(f[F_ORIGIN], f[F_HOST], true, allowed);
	check_list(allowed, "");
	check_list(NULL, "x");
	if (f[F_PROTOCOLS]) {
		check_list(f[F_PROTOCOLS], "fair.v1");
		check_list(f[F_PROTOCOLS], f[F_TARGET]);
	}
	if (f[F_LENGTH])
		check_length(f[F_LENGTH]);
	check_client(peer, f[F_FORWARDED], trusted);
	check(!http_accepts_gzip(NULL));
	if (f[F_ACCEPT_ENCODING])
		check_accept_encoding(f[F_ACCEPT_ENCODING]);
	for (int i = 0; i < F_COUNT; i++)
		free(f[i]);
	return 0;
}
