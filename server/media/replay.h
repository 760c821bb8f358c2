/* replay.h - replays (回放) of a fair's live video (issue 24).
 *
 * nginx-rtmp records every session of a fair's stream in its HLS
 * application (config/nginx-rtmp.conf.in: record all, into the recordings
 * folder "rec" beside hls_root, as fair-<id>-<unix time>.flv) and, when the
 * recording is closed, calls
 *
 *   POST /api/rtmp/record_done   name=fair-<id>&path=<the file>&...
 *
 * answered from loopback only (as the other callbacks, stream_http.c): 200
 * when the name is fair-<id> of a fair that has streamed and the file is
 * that fair's recording in the recordings folder, else 403 (never asks
 * PostgreSQL about a name not of that shape). The recording is then
 * remuxed into replay-<id>.mp4 beside it by ffmpeg in a limited child
 * (media_remux.h) on a worker thread, recorded ready with its chapters
 * (sql/functions/stream/replay.sql: stream_replay_ready, which announces
 * it in the fair's `stream` event), and removed; a failed remux is
 * recorded failed and the recording kept for the operator.
 *
 *   GET /live/<fair>/replay-<id>.mp4
 *
 * serves a ready replay to the fair's users (401, 403 as the HLS files),
 * with byte ranges (Accept-Ranges: bytes; a Range answered 206 Partial
 * Content, or 416), so a player seeks without downloading the whole. */
#ifndef FAIR_REPLAY_H
#define FAIR_REPLAY_H

#include <stdint.h>

#include "net/http.h"

/* Starts the sweep: a minute apart (the first 2 s after the start), the
 * replays whose remux a restart stopped (stream_replays_claim_stale: begun
 * 30 minutes ago and never done) are remuxed again, and a recording
 * untouched for 2 minutes with no replay (its on_record_done came while no
 * server listened) is made one. replay_stop ends it and frees the remuxes
 * waiting for a worker (the next start's sweep takes them up). */
void replay_start(void);
void replay_stop(void);

/* nginx's on_record_done (stream_http_notify, loopback checked). */
void replay_record_done(const struct http_call *call);

/* GET /live/<fair>/replay-<id>.mp4, after the route has matched the
 * shape (stream_http_hls). */
void replay_http_file(const struct http_call *call, int64_t fair,
		      int64_t replay_id);

#endif
