/* http_parse.c - the pure decisions of the HTTP request path (see
 * http_parse.h). */
#include "net/http_parse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

bool http_path_matches(const char *uri, const char *path, bool prefix)
{
	return prefix ? !strncmp(uri, path, strlen(path)) : !strcmp(uri, path);
}

int http_static_join(const char *root, const char *rel, char *out, size_t size)
{
	int n;

	while (*rel == '/')
		rel++;
	if (strstr(rel, "..") || strchr(rel, '\\'))
		return -1;
	n = snprintf(out, size, "%s/%s%s", root, rel,
		     (!*rel || rel[strlen(rel) - 1] == '/') ? "index.html"
							    : "");
	if (n < 0 || (size_t)n >= size)
		return -1;
	return 0;
}

const char *http_mime_of(const char *path)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
		{".html", "text/html; charset=utf-8"},
		{".js", "text/javascript; charset=utf-8"},
		{".mjs", "text/javascript; charset=utf-8"},
		{".css", "text/css; charset=utf-8"},
		{".json", "application/json"},
		{".map", "application/json"}, /* the bundles' source maps */
		{".webmanifest", "application/manifest+json"},
		{".png", "image/png"},
		{".jpg", "image/jpeg"},
		{".jpeg", "image/jpeg"},
		{".webp", "image/webp"},
		{".svg", "image/svg+xml"},
		{".ico", "image/x-icon"},
		{".txt", "text/plain; charset=utf-8"},
		{".woff2", "font/woff2"},
	};
	const char *dot = strrchr(path, '.');

	for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
		if (!strcasecmp(dot, types[i].ext))
			return types[i].type;
	return "application/octet-stream";
}

bool http_compressible(const char *path)
{
	static const char *const exts[] = {
		".js",   ".mjs", ".css",         ".html", ".svg",
		".json", ".map", ".webmanifest", ".txt",
	};
	const char *dot = strrchr(path, '.');

	for (size_t i = 0; dot && i < sizeof exts / sizeof exts[0]; i++)
		if (!strcasecmp(dot, exts[i]))
			return true;
	return false;
}

const char *http_static_cache_control(const char *rel)
{
	static const char prefix[] = "assets/chunk-";
	const char *name;

	while (*rel == '/')
		rel++;
	if (strncmp(rel, prefix, sizeof prefix - 1))
		return NULL;
	name = rel + sizeof prefix - 1;
	for (int i = 0; i < 8; i++)
		if (!(name[i] >= 'A' && name[i] <= 'Z') &&
		    !(name[i] >= '0' && name[i] <= '9'))
			return NULL;
	if (strcmp(name + 8, ".js") && strcmp(name + 8, ".js.map"))
		return NULL;
	return "public, max-age=31536000, immutable";
}

const char *http_media_cache_control(const char *rel)
{
	static const char *const sizes[] = {"-thumb.jpg", "-card.jpg",
					    "-full.jpg"};
	const char *name, *end = NULL;

	while (*rel == '/')
		rel++;
	if (strncmp(rel, "p/", 2) || strstr(rel, "..") ||
	    !(name = strrchr(rel, '/')))
		return NULL;
	name++;
	for (size_t i = 0; !end && i < sizeof sizes / sizeof sizes[0]; i++) {
		size_t n = strlen(name), s = strlen(sizes[i]);

		if (n > s && !strcmp(name + n - s, sizes[i]))
			end = name + n - s;
	}
	/* "-" and 8 lowercase hex digits before the size, after a slug */
	if (!end || end - name < 10 || end[-9] != '-')
		return NULL;
	for (const char *p = end - 8; p < end; p++)
		if (!(*p >= '0' && *p <= '9') && !(*p >= 'a' && *p <= 'f'))
			return NULL;
	return "public, max-age=31536000, immutable";
}

/* The weight of an Accept-Encoding item's parameters p (after the coding,
 * up to n bytes): 1000 when there is no q, 0..1000 for "q=0.5" (500), or
 * -1 when q is not a weight (RFC 9110, 12.4.2). */
static int coding_weight(const char *p, size_t n)
{
	const char *end = p + n;

	while (p < end) {
		const char *v;
		int w, digits = 0;

		p++; /* the ';' */
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (p < end && (p[0] == 'q' || p[0] == 'Q') &&
		    (end - p < 2 || strchr(";= \t", p[1])) &&
		    (end - p < 2 || p[1] != '='))
			return -1; /* "q" without its value */
		if (end - p < 2 || (p[0] != 'q' && p[0] != 'Q') ||
		    p[1] != '=') {
			p = memchr(p, ';', (size_t)(end - p));
			if (!p)
				return 1000;
			continue;
		}
		v = p + 2;
		if (v >= end || (*v != '0' && *v != '1'))
			return -1;
		w = (*v++ - '0') * 1000;
		if (v < end && *v == '.') {
			int scale = 100;

			for (v++; v < end && *v >= '0' && *v <= '9'; v++) {
				if (++digits > 3)
					return -1;
				w += (*v - '0') * scale;
				scale /= 10;
			}
		}
		while (v < end && (*v == ' ' || *v == '\t'))
			v++;
		if ((v < end && *v != ';') || w > 1000)
			return -1;
		return w;
	}
	return 1000;
}

/* Whether the name (n bytes) of an Accept-Encoding item is coding, or an
 * alias of it ("x-gzip" for "gzip"), without case. */
static bool coding_is(const char *name, size_t n, const char *coding)
{
	size_t len = strlen(coding);

	if (n == len && !strncasecmp(name, coding, n))
		return true;
	return !strcmp(coding, "gzip") && n == 6 &&
	       !strncasecmp(name, "x-gzip", 6);
}

int http_accept_weight(const char *accept_encoding, const char *coding)
{
	const char *p = accept_encoding;
	int named = -1, star = -1; /* their weights, -1: not listed */

	while (p && *p) {
		size_t item = strcspn(p, ","), name, rest;
		int w;

		while (item && (*p == ' ' || *p == '\t')) {
			p++;
			item--;
		}
		name = strcspn(p, ";, \t");
		if (name > item)
			name = item;
		rest = name + strspn(p + name, " \t");
		if (rest >= item)
			w = 1000;
		else if (p[rest] == ';')
			w = coding_weight(p + rest, item - rest);
		else
			w = -1; /* "gzip x": not a coding */
		if (w >= 0 && coding_is(p, name, coding))
			named = named < 0 || w > named ? w : named;
		else if (w >= 0 && name == 1 && *p == '*')
			star = w;
		p += item;
		if (*p == ',')
			p++;
	}
	return named >= 0 ? named : star > 0 ? star : 0;
}

bool http_accepts_gzip(const char *accept_encoding)
{
	return http_accept_weight(accept_encoding, "gzip") > 0;
}

const char *http_pick_encoding(const char *accept_encoding)
{
	int br = http_accept_weight(accept_encoding, "br");
	int gzip = http_accept_weight(accept_encoding, "gzip");

	if (br > 0 && br >= gzip)
		return "br";
	return gzip > 0 ? "gzip" : NULL;
}

bool http_length_exceeds(const char *content_length, unsigned long long max)
{
	return strtoull(content_length, NULL, 10) > max;
}

bool http_list_contains(const char *list, const char *item)
{
	size_t n = strlen(item);

	/* without this, "" would match at the end of "a," or " " */
	if (!list || !n)
		return false;
	while (*list) {
		while (*list == ' ' || *list == ',')
			list++;
		if (!strncmp(list, item, n) &&
		    (list[n] == '\0' || list[n] == ',' || list[n] == ' '))
			return true;
		list += strcspn(list, ",");
	}
	return false;
}

int http_url_origin(const char *url, char *out, size_t size)
{
	size_t scheme, host, port = 0, n;

	if (!strncasecmp(url, "https://", 8))
		scheme = 8;
	else if (!strncasecmp(url, "http://", 7))
		scheme = 7;
	else
		return -1;
	host = strspn(url + scheme, "abcdefghijklmnopqrstuvwxyz"
				    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-");
	if (host == 0 || host > 253)
		return -1;
	if (url[scheme + host] == ':') {
		port = 1 + strspn(url + scheme + host + 1, "0123456789");
		if (port < 2 || port > 6)
			return -1;
	}
	n = scheme + host + port;
	if (url[n] != '\0' && url[n] != '/' && url[n] != '?' && url[n] != '#')
		return -1;
	if (n >= size)
		return -1;
	for (size_t i = 0; i < n; i++)
		out[i] = (char)(i < scheme + host && url[i] >= 'A' &&
						url[i] <= 'Z'
					? url[i] - 'A' + 'a'
					: url[i]);
	out[n] = '\0';
	return 0;
}

bool http_origin_list_valid(const char *list)
{
	while (list && *list) {
		char entry[300], origin[300];
		size_t n;

		list += strspn(list, " ,");
		n = strcspn(list, " ,");
		if (n == 0)
			break;
		if (n >= sizeof entry)
			return false;
		memcpy(entry, list, n);
		entry[n] = '\0';
		if (http_url_origin(entry, origin, sizeof origin) ||
		    strcmp(entry, origin))
			return false;
		list += n;
	}
	return true;
}

bool http_origin_allowed(const char *origin, const char *host, bool tls,
			 const char *allowed)
{
	char own[320];

	if (host && *host) {
		int n = snprintf(own, sizeof own, "%s://%s",
				 tls ? "https" : "http", host);

		/* a cut own origin must not match an origin that is its
		 * prefix (http.c's Host buffer is too small for a cut) */
		if (n > 0 && (size_t)n < sizeof own && !strcasecmp(origin, own))
			return true;
	}
	return http_list_contains(allowed, origin);
}
