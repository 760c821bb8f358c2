/* stream_http.h - a fair's live video over HTTP (issue 24): nginx-rtmp's
 * callbacks, and the HLS files it writes, served to the fair's users.
 *
 * Reps publish over RTMP to nginx with libnginx-mod-rtmp
 * (config/nginx-rtmp.conf.in), the stream named by the fair's key
 * (`fairctl stream FAIR`). nginx asks this server (notify_method post):
 *
 *   POST /api/rtmp/publish       the key's fair goes live: answered
 *                                302 Location: fair-<id> (nginx renames the
 *                                stream and pushes it by that name to its
 *                                HLS application, so the files are named by
 *                                the fair, never by the secret), or 403 (an
 *                                unknown or rotated key: nginx drops it)
 *   POST /api/rtmp/publish_done  that publish ended: 200
 *   POST /api/rtmp/update        every few seconds while publishing: 200
 *                                while the key is its fair's, else 403
 *                                (nginx drops the publish)
 *   POST /api/rtmp/relay         nginx's own push of fair-<id> to its HLS
 *                                application: 200 while that fair is
 *                                live, else 403
 *   POST /api/rtmp/record_done   a session's recording was closed: see
 *                                replay.h
 *
 * from loopback only (403 otherwise, and through any proxy). PostgreSQL
 * records the state and announces it to the room (sql/functions/stream/).
 *
 *   GET /live/<fair>/fair-<fair>.m3u8      the playlist (Cache-Control:
 *                                          no-cache)
 *   GET /live/<fair>/fair-<fair>-<n>.ts    a segment (cacheable)
 *   GET /live/<fair>/replay-<id>.mp4       a replay, with byte ranges
 *                                          (replay.h)
 *
 * need a session (401) of the staff or of a dealer the fair is for
 * (stream_may_watch; 403), the file names exactly these shapes (404
 * otherwise: nothing else under hls_root is reachable). */
#ifndef FAIR_STREAM_HTTP_H
#define FAIR_STREAM_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/http.h"

#define STREAM_NOTIFY_PATH_PREFIX "/api/rtmp/"
#define STREAM_HLS_PATH_PREFIX "/live/"

/* A stream key as fairctl makes it: 48 lower-case hex digits. */
#define STREAM_KEY_HEX 48

/* The two routes' handlers (http.c). Also on these routes: nginx's
 * on_record_done and the replays (replay.h). */
void stream_http_notify(const struct http_call *call);
void stream_http_hls(const struct http_call *call);

/* The folder nginx records into: "rec" beside hls_root (var/live/rec by
 * default). Returns 0, or -1 when it does not fit in size. */
int stream_http_record_dir(char *buf, size_t size);

/* The playlist nginx writes for fair while it is live:
 * hls_root/fair-<fair>.m3u8. Returns 0, or -1 when it does not fit. */
int stream_http_playlist_path(int64_t fair, char *buf, size_t size);

#endif
