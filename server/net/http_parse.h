/* http_parse.h - the pure decisions of the HTTP request path: whether a
 * path names a route, where a static path leads (and that it stays under
 * its folder), a file's content type, the coding to send it in (its name
 * and the request's Accept-Encoding), the Content-Length limit,
 * comma-separated header lists (Sec-WebSocket-Protocol, allowed_origins)
 * and whether an Origin is this server's own or an allowed one.
 *
 * net/http.c reads the request through lws and asks these; the unit test
 * (tests/unit/test_http_parse.c) and the fuzz harness
 * (tests/fuzz/fuzz_http_request.c) call them directly. The session cookie
 * is found by session_cookie_find (auth/session_token.h), the client's
 * address by client_addr_pick (net/client_addr.h). Pure code: no lws, no
 * server state. */
#ifndef FAIR_HTTP_PARSE_H
#define FAIR_HTTP_PARSE_H

#include <stdbool.h>
#include <stddef.h>

/* Whether the request path uri is a route's path: the same string, or, for
 * a prefix route (whose handler reads the rest), one that starts with it. */
bool http_path_matches(const char *uri, const char *path, bool prefix);

/* Joins a static file's path under root into out (size bytes):
 * "root/rel", leading slashes of rel skipped, with "index.html" added when
 * rel is then empty or ends in '/'. Refuses, returning -1, a rel holding
 * ".." anywhere (also inside a name: "a..b") or a backslash, and a path
 * that does not fit; returns 0. The caller still resolves the result
 * (realpath: symlinks) and checks that it stays under root. */
int http_static_join(const char *root, const char *rel, char *out, size_t size);

/* The Content-Type of a static file, by the extension of path (without
 * case); "application/octet-stream" for any other. Never NULL, static. */
const char *http_mime_of(const char *path);

/* Whether a static file of this name is worth sending compressed, by its
 * extension (without case): .js, .mjs, .css, .html, .svg, .json,
 * .webmanifest, .map and .txt, whose precompressed copies "path.br" and
 * "path.gz" the web build writes beside it (web/build.mjs). Pictures,
 * fonts and videos are compressed already: false. */
bool http_compressible(const char *path);

/* The Cache-Control of the web root's static file rel (leading slashes
 * skipped): "public, max-age=31536000, immutable" for a chunk the web build
 * names by its content (assets/chunk-XXXXXXXX.js and its .map: esbuild's
 * hash, 8 of A-Z and 0-9), which no build changes but replaces under a new
 * name, so a browser or a cache in front keeps it for a year and never
 * asks again; NULL for any other file, whose name stays across builds
 * (index.html, app.js, sw.js): the server then says no-store. */
const char *http_static_cache_control(const char *rel);

/* The Cache-Control of the media root's file rel (leading slashes skipped):
 * the same year-long "immutable" for a product picture stored under a
 * versioned key, p/<style>/<slug>-<8 hex>-{thumb,card,full}.jpg (an admin's
 * upload, an import: a new picture always gets a new key, media_key.h), so a
 * browser keeps it and never asks again; NULL (no-store) for any other. */
const char *http_media_cache_control(const char *rel);

/* The weight, 0 to 1000, that a request's Accept-Encoding (NULL when the
 * request had none) gives the content coding coding ("gzip", "br"; RFC
 * 9110, 12.5.3): that of the coding's item ("x-gzip" counts as "gzip"),
 * or, when it is not listed, that of "*"; 0 when neither is, or with no
 * header. Codings compare without case, spaces and tabs around items and
 * parameters are skipped; a weight is "q=" then 0 or 1 with up to three
 * decimals ("q=0", "q=0.000" refuse; "q=0.001" allows; none is 1000); an
 * item whose weight is not one is ignored. */
int http_accept_weight(const char *accept_encoding, const char *coding);

/* Whether the Accept-Encoding lets the answer be gzip: a gzip weight
 * above 0 (http_accept_weight). */
bool http_accepts_gzip(const char *accept_encoding);

/* The coding to send a precompressed static file in: "br" when its weight
 * is above 0 and no less than gzip's, else "gzip" when its is above 0,
 * else NULL (the file itself). Static strings. */
const char *http_pick_encoding(const char *accept_encoding);

/* Whether a Content-Length header's value announces more than max bytes.
 * Read as strtoull does: text that is not a number is 0, a negative or
 * too large number is huge (so it is refused, never wrapped to small). */
bool http_length_exceeds(const char *content_length, unsigned long long max);

/* Whether the comma-separated list (a header, or a setting such as
 * allowed_origins) contains item: an entry, spaces before it skipped, that
 * is item followed by the end, a comma or a space. An empty item is in no
 * list; a NULL list contains nothing. */
bool http_list_contains(const char *list, const char *item);

/* Whether a request's Origin may talk to this server: the server's own
 * origin ("http://" or, with tls, "https://" followed by the Host header,
 * compared without case; host NULL or "" when the request had none), or one
 * listed in allowed (the allowed_origins setting, http_list_contains). The
 * caller refuses an Origin too long to copy before asking. */
/* The origin of url ("https://cdn.example.com:8443" of
 * "https://cdn.example.com:8443/a/b.m3u8?x"), scheme and host in lower
 * case, into out. Returns 0, or -1 when url is not http(s) with a host of
 * letters, digits, dots and dashes and an optional port, or out is too
 * small. */
int http_url_origin(const char *url, char *out, size_t size);

/* Whether the video_origins setting is well formed: comma-separated
 * origins, each exactly as http_url_origin makes one (no path), so that it
 * may be written into the Content-Security-Policy as is. "" is. */
bool http_origin_list_valid(const char *list);

bool http_origin_allowed(const char *origin, const char *host, bool tls,
			 const char *allowed);

#endif
