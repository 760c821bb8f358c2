/* stream_watch.h - a live stream no on_publish_done ended is ended all the
 * same (issue 24).
 *
 * nginx-rtmp says when a publish ends (on_publish_done), once, to whoever
 * listens then: if the server was restarting, or nginx itself died, the
 * fair would stay `live` until its next publish ended. So every process
 * checks, 2 s after its start and then every STREAM_WATCH_EVERY_MS, each
 * fair the database says is live: one whose playlist nginx has not written
 * for STREAM_WATCH_STALE_MS (or never wrote, that long after it went live)
 * is ended (stream_live_lost: the `stream` event, ended, as
 * on_publish_done sends it). nginx drops a publisher idle for 10 s
 * (drop_idle_publisher) and writes the playlist every 1 s fragment, so a
 * playlist older than that is a publish nginx no longer has. Its
 * recording, whose on_record_done was lost too, is taken up by replay.c's
 * sweep. */
#ifndef FAIR_STREAM_WATCH_H
#define FAIR_STREAM_WATCH_H

#define STREAM_WATCH_STALE_MS 12000
#define STREAM_WATCH_EVERY_MS 4000

/* Starts and stops the check (main.c; stop before the pools go). */
void stream_watch_start(void);
void stream_watch_stop(void);

#endif
