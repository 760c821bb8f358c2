/* ctl_stream.c - fairctl stream: a fair's live video key (issue 24). */
#include <openssl/rand.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fairctl/ctl.h"
#include "fairctl/ctl_db.h"
#include "net/http_parse.h"

#define KEY_BYTES 24 /* 48 hex digits: media/stream_http.h's STREAM_KEY_HEX */

/* Whether a brand's playback URL cannot be played by the room, said why:
 * the room plays HLS (a .m3u8 playlist, hls.js) and HTTP-FLV (a .flv
 * stream, mpegts.js), and the pages' Content-Security-Policy lets them fetch
 * video only from this server and the origins of video_origins. */
static bool playback_refused(const struct ctl_context *ctx, const char *url)
{
	char origin[300];
	size_t path = 0;

	if (http_url_origin(url, origin, sizeof origin)) {
		ctl_fail(ctx, "%s is not an http(s) URL", url);
		return true;
	}
	path = strlen(origin) + strcspn(url + strlen(origin), "?#");
	if ((path < 5 || strncasecmp(url + path - 5, ".m3u8", 5)) &&
	    (path < 4 || strncasecmp(url + path - 4, ".flv", 4))) {
		ctl_fail(ctx,
			 "%s is neither an HLS playlist (.m3u8) nor an "
			 "HTTP-FLV stream (.flv): give the live service's "
			 "playback URL of one of them",
			 url);
		return true;
	}
	if (!http_list_contains(ctx->video_origins, origin)) {
		ctl_fail(ctx,
			 "%s is not in video_origins (the config, or "
			 "FAIR_VIDEO_ORIGINS): the pages' Content-Security-"
			 "Policy would block it; add it there and restart the "
			 "server first",
			 origin);
		return true;
	}
	return false;
}

/* fairctl stream FAIR [--rotate] [--playback-url URL|""]: makes the fair's
 * first key, or a new one with --rotate (the old one is cut), and prints the
 * RTMP URL and the key to paste into OBS. The key is shown only when made:
 * only its hash is stored. --playback-url sets (or with "" clears) a
 * brand's own playback URL instead. */
int ctl_stream(const struct ctl_context *ctx, int argc, char **argv)
{
	const char *fair = NULL, *playback = NULL;
	const char *rtmp = getenv("FAIR_RTMP_URL");
	bool rotate = false;
	unsigned char raw[KEY_BYTES];
	char key[2 * KEY_BYTES + 1], err[512], *end;
	PGconn *conn;
	PGresult *res;
	int rc = CTL_FAILED;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--rotate"))
			rotate = true;
		else if (!strcmp(argv[i], "--playback-url") && i + 1 < argc)
			playback = argv[++i];
		else if (!fair && argv[i][0] != '-')
			fair = argv[i];
		else
			return ctl_usage(ctx, "unexpected \"%s\"", argv[i]);
	}
	if (!fair || strtoll(fair, &end, 10) <= 0 || *end)
		return ctl_usage(ctx, "give the fair's id");
	if (!rtmp || !*rtmp)
		rtmp = "rtmp://127.0.0.1:1935/live";
	if (playback && *playback && playback_refused(ctx, playback))
		return CTL_FAILED;
	conn = ctl_db_open(ctx->database_url, NULL, err, sizeof err);
	if (!conn)
		return ctl_fail(ctx, "%s", err);
	if (playback) {
		const char *p[2] = {fair, *playback ? playback : NULL};

		res = ctl_db_query(conn,
				   "SELECT stream_playback_set($1::bigint, $2)",
				   2, p, err, sizeof err);
		if (!res) {
			rc = ctl_fail(ctx, "%s", err);
			goto out;
		}
		PQclear(res);
		printf(*playback ? "fair %s plays %s\n"
				 : "fair %s plays its own stream%s\n",
		       fair, playback);
		rc = CTL_OK;
		goto out;
	}
	{
		const char *p[1] = {fair};

		res = ctl_db_query(
			conn,
			"SELECT fair_must_exist($1::bigint), "
			"(SELECT rfc3339(key_made_at) FROM fair_streams "
			"WHERE fair_id = $1::bigint AND key_hash IS NOT "
			"NULL)",
			1, p, err, sizeof err);
		if (!res) {
			rc = ctl_fail(ctx, "%s", err);
			goto out;
		}
		if (!PQgetisnull(res, 0, 1) && !rotate) {
			printf("RTMP URL:   %s\n"
			       "stream key: made %s, shown only then (only its "
			       "hash is kept);\n"
			       "            fairctl stream %s --rotate makes a "
			       "new one and cuts the old\n",
			       rtmp, PQgetvalue(res, 0, 1), fair);
			PQclear(res);
			rc = CTL_OK;
			goto out;
		}
		PQclear(res);
	}
	if (RAND_bytes(raw, sizeof raw) != 1) {
		rc = ctl_fail(ctx, "no randomness from OpenSSL");
		goto out;
	}
	for (size_t i = 0; i < sizeof raw; i++)
		snprintf(key + 2 * i, 3, "%02x", raw[i]);
	{
		const char *p[2] = {fair, key};

		res = ctl_db_query(conn,
				   "SELECT stream_key_set($1::bigint, $2)", 2,
				   p, err, sizeof err);
		if (!res) {
			rc = ctl_fail(ctx, "%s", err);
			goto out;
		}
		PQclear(res);
	}
	printf("RTMP URL:   %s\nstream key: %s\n", rtmp, key);
	if (rotate)
		printf("(the old key is cut: a stream still using it stops "
		       "within seconds)\n");
	rc = CTL_OK;
out:
	PQfinish(conn);
	return rc;
}
