/* hls_link.h - signed links to the live video's segments (issue 24), so
 * that an edge cache or a CDN can serve them to thousands of viewers
 * without the session cookie.
 *
 * The playlist stays the gate: it is served to the fair's users only, by
 * their cookie, never cached. When hls_link_secret is set, each segment it
 * lists becomes a link valid for a few minutes,
 *
 *     fair-7-12.ts?md5=<sig>&expires=<unix s>
 *
 * with sig = base64url(MD5("<expires></live/7/fair-7-12.ts> <secret>")), no
 * padding: the form nginx's secure_link module checks with
 *
 *     secure_link $arg_md5,$arg_expires;
 *     secure_link_md5 "$secure_link_expires$uri <secret>";
 *
 * so an nginx in front (config/nginx-edge.conf.in) refuses a bad link
 * itself and caches a segment once for every viewer; the server checks the
 * same link when the edge (or a CDN pulling from it) asks. The secret is at
 * the end, so MD5's length extension cannot make a link for another path.
 * Every viewer within the same minute gets the same link for a segment
 * (expires is rounded), so a cache keyed by the whole URL still shares.
 *
 * Pure apart from OpenSSL's MD5: unit-tested (test_hls_link). */
#ifndef FAIR_HLS_LINK_H
#define FAIR_HLS_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/strbuf.h"

/* base64url of 16 bytes, no padding */
#define HLS_LINK_SIG_LEN 22

/* A link is valid from the minute it is made until LINK_MIN_S to
 * LINK_MIN_S + 60 seconds later. */
#define HLS_LINK_MIN_S 120

/* The expiry of links made at now_s (unix seconds). */
int64_t hls_link_expires(int64_t now_s);

/* Writes the signature of uri (the path, "/live/7/fair-7-12.ts") valid
 * until expires into sig (NUL-terminated). Returns 0, or -1 when OpenSSL
 * fails. */
int hls_link_sign(const char *secret, const char *uri, int64_t expires,
		  char sig[HLS_LINK_SIG_LEN + 1]);

enum hls_link_verdict {
	HLS_LINK_NONE,    /* the query has no md5 or no expires: no link */
	HLS_LINK_OK,      /* signed by the secret for uri, not expired */
	HLS_LINK_BAD,     /* malformed, or not signed for uri */
	HLS_LINK_EXPIRED, /* signed, but its time has passed */
};

/* Checks the link in query ("md5=...&expires=...", in any order, other
 * arguments ignored) for uri at now_s. */
enum hls_link_verdict hls_link_check(const char *secret, const char *uri,
				     const char *query, int64_t now_s);

/* Whether secret can be a link secret: empty (no links), or 16 to 256
 * printable ASCII characters without a space, quote, backslash, '$' or
 * ';' (it is written into nginx's configuration as it is). */
bool hls_link_secret_valid(const char *secret);

/* Writes playlist text (len bytes) to out with each segment line (a bare
 * file name: no '/', '?' or ':') made a signed link: "<base>/live/<fair>/
 * <name>?md5=...&expires=..." when base (an origin such as
 * https://cdn.example.com) is not empty, else "<name>?md5=...&expires=..."
 * beside the playlist. Other lines are copied; lines end in "\n". Returns
 * 0, or -1 when a signature could not be made (out then holds part). */
int hls_playlist_linked(const char *text, size_t len, const char *base,
			int64_t fair, const char *secret, int64_t now_s,
			struct strbuf *out);

#endif
