/* test_http_parse.c - the pure decisions of the HTTP request path
 * (net/http_parse.c): routes, static paths and traversal, content types,
 * br and gzip by name and Accept-Encoding, Content-Length, header lists, origins;
 * and the session cookie's lookup
 * (auth/session_token.c), which http.c runs on every API request. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "auth/session_token.h"
#include "features/report_csv.h"
#include "media/admin_image.h"
#include "net/http_parse.h"
#include "order/order_processing.h"

#define ROOT "/srv/web"

static void test_routes(void **state)
{
	(void)state;
	assert_true(http_path_matches("/api/login", "/api/login", false));
	assert_false(http_path_matches("/api/login/", "/api/login", false));
	assert_false(http_path_matches("/api/log", "/api/login", false));
	assert_false(http_path_matches("/API/LOGIN", "/api/login", false));
	assert_true(http_path_matches("/api/admin/products/7/image",
				      ADMIN_IMAGE_PATH_PREFIX, true));
	assert_true(http_path_matches("/orders/12/print",
				      ORDER_PRINT_PATH_PREFIX, true));
	assert_true(http_path_matches("/api/fairs/1/report.csv",
				      FAIR_FILES_PATH_PREFIX, true));
	/* a prefix route is not its prefix without the slash */
	assert_false(
		http_path_matches("/api/fairs", FAIR_FILES_PATH_PREFIX, true));
	assert_false(http_path_matches("/ordersx/1/print",
				       ORDER_PRINT_PATH_PREFIX, true));
	assert_true(http_path_matches("/media/p/a/black-card.jpg", "/media/",
				      true));
}

static const char *join(const char *rel)
{
	static char out[256];

	if (http_static_join(ROOT, rel, out, sizeof out))
		return NULL;
	return out;
}

static void test_static_paths(void **state)
{
	(void)state;
	assert_string_equal(join("/"), ROOT "/index.html");
	assert_string_equal(join(""), ROOT "/index.html");
	assert_string_equal(join("//app.js"), ROOT "/app.js");
	assert_string_equal(join("/orders/"), ROOT "/orders/index.html");
	assert_string_equal(join("p/fw27/black-card.jpg"),
			    ROOT "/p/fw27/black-card.jpg");
	/* traversal, however spelled once lws has decoded it */
	assert_null(join("/../etc/passwd"));
	assert_null(join("a/../../x"));
	assert_null(join(".."));
	assert_null(join("a/.."));
	assert_null(join("..%2f")); /* still holds ".." */
	assert_null(join("a\\..\\b"));
	assert_null(join("a\\b"));
	/* ".." inside a name is refused too: the check is on the text */
	assert_null(join("a..b.txt"));
	/* %2e%2e is not decoded here (lws decodes before http.c sees it) */
	assert_string_equal(join("%2e%2e/x"), ROOT "/%2e%2e/x");
}

static void test_static_path_too_long(void **state)
{
	char rel[300], out[64];

	(void)state;
	memset(rel, 'a', sizeof rel - 1);
	rel[sizeof rel - 1] = '\0';
	assert_int_equal(http_static_join(ROOT, rel, out, sizeof out), -1);
	/* exactly fits: "/srv/web/" + 44 + NUL = 54; folder gets index.html */
	rel[44] = '\0';
	assert_int_equal(http_static_join(ROOT, rel, out, 54), 0);
	assert_int_equal(http_static_join(ROOT, rel, out, 53), -1);
	assert_int_equal(http_static_join(ROOT, "", out, 20), 0);
	assert_int_equal(http_static_join(ROOT, "", out, 19), -1);
}

static void test_mime(void **state)
{
	(void)state;
	assert_string_equal(http_mime_of("/srv/web/index.html"),
			    "text/html; charset=utf-8");
	assert_string_equal(http_mime_of("/srv/web/APP.JS"),
			    "text/javascript; charset=utf-8");
	assert_string_equal(http_mime_of("/m/p/a/b-full.jpg"), "image/jpeg");
	assert_string_equal(http_mime_of("/srv/web/manifest.webmanifest"),
			    "application/manifest+json");
	assert_string_equal(http_mime_of("/srv/web/a.html.bak"),
			    "application/octet-stream");
	assert_string_equal(http_mime_of("/srv/web.d/noext"),
			    "application/octet-stream");
	assert_string_equal(http_mime_of(""), "application/octet-stream");
}

static void test_static_cache_control(void **state)
{
	const char *immutable = "public, max-age=31536000, immutable";

	(void)state;
	assert_string_equal(
		http_static_cache_control("/assets/chunk-3K2FNIOG.js"),
		immutable);
	assert_string_equal(
		http_static_cache_control("//assets/chunk-ABCDEFGH.js.map"),
		immutable);
	/* names that stay across builds, and anything else */
	assert_null(http_static_cache_control("/assets/app.js"));
	assert_null(http_static_cache_control("/sw.js"));
	assert_null(http_static_cache_control("/"));
	assert_null(http_static_cache_control("/index.html"));
	assert_null(http_static_cache_control("/assets/packages.json"));
	/* not esbuild's hash: too short, lower case, more after it */
	assert_null(http_static_cache_control("/assets/chunk-ABC.js"));
	assert_null(http_static_cache_control("/assets/chunk-abcdefgh.js"));
	assert_null(http_static_cache_control("/assets/chunk-ABCDEFGHI.js"));
	assert_null(http_static_cache_control("/assets/chunk-ABCDEFGH.js.gz"));
	assert_null(http_static_cache_control("/assets/chunk-ABCDEFGH.css"));
	assert_null(http_static_cache_control("/x/assets/chunk-ABCDEFGH.js"));
	assert_null(http_static_cache_control("/assets/chunk-"));
}

static void test_media_cache_control(void **state)
{
	const char *immutable = "public, max-age=31536000, immutable";

	(void)state;
	/* a versioned key's three sizes: an upload's, an import's */
	assert_string_equal(http_media_cache_control(
				    "p/fw27-1001/black-0a1b2c3d-thumb.jpg"),
			    immutable);
	assert_string_equal(
		http_media_cache_control("/p/fw27-1001/main-ffffffff-card.jpg"),
		immutable);
	assert_string_equal(http_media_cache_control(
				    "p/fw27_1/c-12345678-9abcdef0-full.jpg"),
			    immutable);
	/* a key without a version (imported before keys had one): its files
	 * could be written again, so they are asked for each time */
	assert_null(http_media_cache_control("p/fw27-1001/black-thumb.jpg"));
	assert_null(http_media_cache_control("p/fw27-1001/main-full.jpg"));
	/* not 8 lowercase hex digits, another size, another folder */
	assert_null(http_media_cache_control(
		"p/fw27-1001/black-0A1B2C3D-thumb.jpg"));
	assert_null(http_media_cache_control(
		"p/fw27-1001/black-0a1b2c3-thumb.jpg"));
	assert_null(http_media_cache_control(
		"p/fw27-1001/black0a1b2c3d-thumb.jpg"));
	assert_null(http_media_cache_control(
		"p/fw27-1001/black-0a1b2c3d-huge.jpg"));
	assert_null(http_media_cache_control(
		"p/fw27-1001/black-0a1b2c3d-thumb.png"));
	assert_null(http_media_cache_control("p/-0a1b2c3d-thumb.jpg"));
	assert_null(http_media_cache_control("p/x/-0a1b2c3d-thumb.jpg"));
	assert_null(http_media_cache_control(
		"clips/fw27-1001/3f9c0a7d12e45b60.mp4"));
	assert_null(http_media_cache_control("x/p/a/b-0a1b2c3d-thumb.jpg"));
	assert_null(http_media_cache_control("p/../b-0a1b2c3d-thumb.jpg"));
	assert_null(http_media_cache_control(""));
}

static void test_compressible(void **state)
{
	(void)state;
	assert_true(http_compressible("/srv/web/assets/app.js"));
	assert_true(http_compressible("/srv/web/index.html"));
	assert_true(http_compressible("/srv/web/STYLE.CSS"));
	assert_true(http_compressible("/srv/web/icon.svg"));
	assert_true(http_compressible("/srv/web/manifest.webmanifest"));
	assert_true(http_compressible("/srv/web/a.json"));
	assert_true(http_compressible("/srv/web/assets/app.js.map"));
	assert_string_equal(http_mime_of("/srv/web/assets/app.js.map"),
			    "application/json");
	assert_false(http_compressible("/srv/web/a.js.gz"));
	assert_false(http_compressible("/srv/media/p/a.jpg"));
	assert_false(http_compressible("/srv/media/a.webp"));
	assert_false(http_compressible("/srv/web/font.woff2"));
	assert_false(http_compressible("/srv/web/js"));
	assert_false(http_compressible(""));
}

static void test_accept_encoding(void **state)
{
	(void)state;
	/* none, or only identity: uncompressed */
	assert_false(http_accepts_gzip(NULL));
	assert_false(http_accepts_gzip(""));
	assert_false(http_accepts_gzip("identity"));
	assert_false(http_accepts_gzip("br, deflate"));
	/* what browsers and curl send */
	assert_true(http_accepts_gzip("gzip, deflate, br, zstd"));
	assert_true(http_accepts_gzip("deflate, gzip"));
	assert_true(http_accepts_gzip("GZIP"));
	assert_true(http_accepts_gzip("x-gzip"));
	assert_true(http_accepts_gzip(" \tgzip ;q=0.5 "));
	assert_true(http_accepts_gzip("gzip;q=1.000"));
	assert_true(http_accepts_gzip("gzip;Q=0.001"));
	assert_true(http_accepts_gzip("gzip;level=9;q=0.2"));
	assert_true(http_accepts_gzip("gzip;quality=0"));
	/* q=0 refuses, however written */
	assert_false(http_accepts_gzip("gzip;q=0"));
	assert_false(http_accepts_gzip("gzip; q=0.000, br"));
	assert_false(http_accepts_gzip("gzip;q=0."));
	assert_false(http_accepts_gzip("br, gzip ; q=0"));
	/* a named gzip wins over *, either way */
	assert_false(http_accepts_gzip("*, gzip;q=0"));
	assert_false(http_accepts_gzip("gzip;q=0, *;q=1"));
	assert_true(http_accepts_gzip("*;q=0, gzip"));
	assert_true(http_accepts_gzip("*"));
	assert_true(http_accepts_gzip("br, *;q=0.1"));
	assert_false(http_accepts_gzip("*;q=0"));
	/* not a coding, or not a weight: that item is ignored */
	assert_false(http_accepts_gzip("gzipx"));
	assert_false(http_accepts_gzip("gzip x"));
	assert_false(http_accepts_gzip("xgzip"));
	assert_false(http_accepts_gzip("gzip;q=2"));
	assert_false(http_accepts_gzip("gzip;q=1.5"));
	assert_false(http_accepts_gzip("gzip;q=0.0001"));
	assert_false(http_accepts_gzip("gzip;q=abc"));
	assert_false(http_accepts_gzip("gzip;q="));
	assert_false(http_accepts_gzip("gzip;q"));
	assert_true(http_accepts_gzip("gzip;q=zz, gzip"));
	assert_false(http_accepts_gzip(",,, ;"));
}

static void test_pick_encoding(void **state)
{
	(void)state;
	/* Chromium over HTTPS, and over plain HTTP (no br there) */
	assert_string_equal(http_pick_encoding("gzip, deflate, br, zstd"),
			    "br");
	assert_string_equal(http_pick_encoding("gzip, deflate"), "gzip");
	assert_string_equal(http_pick_encoding("BR"), "br");
	assert_string_equal(http_pick_encoding("*"), "br");
	/* the weights decide; a tie goes to br, the smaller */
	assert_string_equal(http_pick_encoding("br;q=0.5, gzip"), "gzip");
	assert_string_equal(http_pick_encoding("br;q=0.8, gzip;q=0.8"), "br");
	assert_string_equal(http_pick_encoding("br;q=0, *"), "gzip");
	assert_string_equal(http_pick_encoding("gzip;q=0, br"), "br");
	assert_null(http_pick_encoding("br;q=0, gzip;q=0"));
	assert_null(http_pick_encoding("identity, deflate"));
	assert_null(http_pick_encoding(NULL));
	assert_int_equal(http_accept_weight("gzip;q=0.25", "gzip"), 250);
	assert_int_equal(http_accept_weight("x-gzip;q=0.5", "gzip"), 500);
	assert_int_equal(http_accept_weight("x-gzip", "br"), 0);
	assert_int_equal(http_accept_weight("*;q=0.1, gzip", "br"), 100);
	assert_int_equal(http_accept_weight("", "br"), 0);
}

static void test_content_length(void **state)
{
	(void)state;
	assert_false(http_length_exceeds("0", 0));
	assert_true(http_length_exceeds("1", 0));
	assert_false(http_length_exceeds("4096", 4096));
	assert_true(http_length_exceeds("4097", 4096));
	/* negative or past 64 bits: huge, refused, never wrapped to small */
	assert_true(http_length_exceeds("-1", 4096));
	assert_true(http_length_exceeds("99999999999999999999999", 4096));
	/* not a number: 0, no body announced */
	assert_false(http_length_exceeds("abc", 0));
	assert_false(http_length_exceeds("", 0));
}

static void test_lists(void **state)
{
	(void)state;
	assert_true(http_list_contains("fair.v1", "fair.v1"));
	assert_true(http_list_contains("chat, fair.v1", "fair.v1"));
	assert_true(http_list_contains(" fair.v1 ,x", "fair.v1"));
	assert_false(http_list_contains("fair.v10", "fair.v1"));
	assert_false(http_list_contains("xfair.v1", "fair.v1"));
	assert_false(http_list_contains("fair", "fair.v1"));
	assert_false(http_list_contains("", "fair.v1"));
	assert_false(http_list_contains(NULL, "fair.v1"));
	/* an empty item is in no list (it matched at the end of "a,") */
	assert_false(http_list_contains("a,", ""));
	assert_false(http_list_contains(" ", ""));
	assert_false(http_list_contains("", ""));
}

static void test_origins(void **state)
{
	const char *allowed = "https://fair.example.com, http://[::1]:8080";
	char host[400], origin[420];

	(void)state;
	/* the server's own origin, by its Host, without case */
	assert_true(http_origin_allowed("http://localhost:8080",
					"localhost:8080", false, ""));
	assert_true(http_origin_allowed("HTTP://LocalHost:8080",
					"localhost:8080", false, ""));
	assert_true(http_origin_allowed("https://fair.local", "fair.local",
					true, ""));
	/* the scheme counts: http is not the https server's own */
	assert_false(http_origin_allowed("http://fair.local", "fair.local",
					 true, ""));
	assert_false(http_origin_allowed("http://evil.example",
					 "localhost:8080", false, ""));
	assert_false(
		http_origin_allowed("http://localhost:8080", NULL, false, ""));
	assert_false(http_origin_allowed("http://", "", false, ""));
	/* listed ones, exactly */
	assert_true(http_origin_allowed("https://fair.example.com", "x", false,
					allowed));
	assert_true(
		http_origin_allowed("http://[::1]:8080", NULL, false, allowed));
	assert_false(http_origin_allowed("https://fair.example.co", "x", false,
					 allowed));
	assert_false(http_origin_allowed("https://fair.example.com.evil", "x",
					 false, allowed));
	assert_false(http_origin_allowed("https://fair.example.com,x", "x",
					 false, allowed));
	assert_false(http_origin_allowed("null", "x", false, allowed));
	/* a Host of 299 bytes (http.c's buffer holds no more) still counts */
	memset(host, 'h', 299);
	host[299] = '\0';
	snprintf(origin, sizeof origin, "https://%s", host);
	assert_true(http_origin_allowed(origin, host, true, ""));
	/* one too long for the own origin's buffer never matches a cut */
	memset(host, 'h', 399);
	host[399] = '\0';
	snprintf(origin, sizeof origin, "https://%.311s", host);
	assert_false(http_origin_allowed(origin, host, true, ""));
}

static void test_session_cookie(void **state)
{
	char value[SESSION_COOKIE_MAX], big[300];

	(void)state;
	assert_int_equal(session_cookie_find("fair_session=v1.abc",
					     SESSION_COOKIE_NAME, value,
					     sizeof value),
			 0);
	assert_string_equal(value, "v1.abc");
	assert_int_equal(session_cookie_find("a=1; b=2;fair_session=xyz ; c=3",
					     SESSION_COOKIE_NAME, value,
					     sizeof value),
			 0);
	assert_string_equal(value, "xyz");
	/* the first of two wins */
	assert_int_equal(
		session_cookie_find("fair_session=one; fair_session=two",
				    SESSION_COOKIE_NAME, value, sizeof value),
		0);
	assert_string_equal(value, "one");
	/* present without a value: found, empty (the token check refuses it) */
	assert_int_equal(
		session_cookie_find("fair_session=", SESSION_COOKIE_NAME, value,
				    sizeof value),
		0);
	assert_string_equal(value, "");
	/* absent: not a name that merely contains it, not without '=' */
	assert_int_equal(session_cookie_find("xfair_session=1; fair_sessionx=2",
					     SESSION_COOKIE_NAME, value,
					     sizeof value),
			 -1);
	assert_int_equal(session_cookie_find("fair_session",
					     SESSION_COOKIE_NAME, value,
					     sizeof value),
			 -1);
	assert_int_equal(session_cookie_find("", SESSION_COOKIE_NAME, value,
					     sizeof value),
			 -1);
	/* too long for a session cookie */
	snprintf(big, sizeof big, "fair_session=%0200d", 7);
	assert_int_equal(session_cookie_find(big, SESSION_COOKIE_NAME, value,
					     sizeof value),
			 -1);
}

/* Every pair of the name in turn, a too long one passed over. */
static void test_session_cookie_next(void **state)
{
	char value[SESSION_COOKIE_MAX], header[400];
	size_t pos = 0;

	(void)state;
	snprintf(header, sizeof header,
		 "fair_session=one; a=1; fair_session=%0200d; fair_session=two",
		 7);
	assert_int_equal(session_cookie_next(header, SESSION_COOKIE_NAME, &pos,
					     value, sizeof value),
			 0);
	assert_string_equal(value, "one");
	assert_int_equal(session_cookie_next(header, SESSION_COOKIE_NAME, &pos,
					     value, sizeof value),
			 0);
	assert_string_equal(value, "two");
	assert_int_equal(session_cookie_next(header, SESSION_COOKIE_NAME, &pos,
					     value, sizeof value),
			 -1);
	assert_int_equal(session_cookie_next(header, SESSION_COOKIE_NAME, &pos,
					     value, sizeof value),
			 -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_routes),
		cmocka_unit_test(test_static_paths),
		cmocka_unit_test(test_static_path_too_long),
		cmocka_unit_test(test_mime),
		cmocka_unit_test(test_compressible),
		cmocka_unit_test(test_static_cache_control),
		cmocka_unit_test(test_media_cache_control),
		cmocka_unit_test(test_accept_encoding),
		cmocka_unit_test(test_pick_encoding),
		cmocka_unit_test(test_content_length),
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_origins),
		cmocka_unit_test(test_session_cookie),
		cmocka_unit_test(test_session_cookie_next),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
