/* hls_playlist.c - dates for an nginx-rtmp playlist (see hls_playlist.h). */
#include "media/hls_playlist.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/timefmt.h"

#define PDT_TAG "#EXT-X-PROGRAM-DATE-TIME:"
#define EXTINF_TAG "#EXTINF:"

/* The duration of an "#EXTINF:<seconds>[,title]" line in ms, or -1. */
static int64_t extinf_ms(const char *line, size_t n)
{
	char num[32];
	size_t k = strlen(EXTINF_TAG), m = 0;
	char *end;
	double s;

	while (k < n && line[k] != ',' && m + 1 < sizeof num)
		num[m++] = line[k++];
	num[m] = '\0';
	if (!m || (num[0] < '0' || num[0] > '9'))
		return -1;
	s = strtod(num, &end);
	if (*end || s < 0 || s > 3600)
		return -1;
	return (int64_t)(s * 1000 + 0.5);
}

static bool has_prefix(const char *line, size_t n, const char *prefix)
{
	size_t p = strlen(prefix);

	return n >= p && !memcmp(line, prefix, p);
}

void hls_playlist_dated(const char *text, size_t len, hls_mtime_fn mtime,
			void *arg, struct strbuf *out)
{
	struct strbuf held; /* from an #EXTINF to its segment's name */
	int64_t duration = -1;
	bool dated = false;

	for (size_t i = 0; i + strlen(PDT_TAG) <= len; i++)
		if (!memcmp(text + i, PDT_TAG, strlen(PDT_TAG))) {
			dated = true;
			break;
		}
	strbuf_init(&held);
	for (size_t i = 0; i < len;) {
		size_t n = 0, next;
		const char *line = text + i;

		while (i + n < len && line[n] != '\n')
			n++;
		next = i + n + 1;
		if (n && line[n - 1] == '\r')
			n--;
		if (!dated && has_prefix(line, n, EXTINF_TAG)) {
			strbuf_add(out, held.data ? held.data : "", held.len);
			strbuf_clear(&held);
			duration = extinf_ms(line, n);
			strbuf_add(&held, line, n);
			strbuf_add(&held, "\n", 1);
		} else if (held.len && n && line[0] != '#') {
			char name[256];
			int64_t t = -1;

			if (n < sizeof name && !memchr(line, '/', n) &&
			    duration >= 0) {
				memcpy(name, line, n);
				name[n] = '\0';
				t = mtime(name, arg);
			}
			if (t >= 0) {
				char when[32];

				timefmt_rfc3339(t - duration, when,
						sizeof when);
				strbuf_addstr(out, PDT_TAG);
				strbuf_addstr(out, when);
				strbuf_add(out, "\n", 1);
			}
			strbuf_add(out, held.data, held.len);
			strbuf_clear(&held);
			strbuf_add(out, line, n);
			strbuf_add(out, "\n", 1);
		} else if (held.len) {
			strbuf_add(&held, line, n);
			strbuf_add(&held, "\n", 1);
		} else {
			strbuf_add(out, line, n);
			strbuf_add(out, "\n", 1);
		}
		i = next;
	}
	if (held.len)
		strbuf_add(out, held.data, held.len);
	strbuf_free(&held);
}
