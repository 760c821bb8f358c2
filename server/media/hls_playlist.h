/* hls_playlist.h - an nginx-rtmp HLS playlist dated for the room (issue 24):
 * each segment gets the EXT-X-PROGRAM-DATE-TIME of its first frame, so a
 * player tells which moment it shows on the server's clock and the room can
 * hold the spotlight until the video reaches it (PROTOCOL.md, "Live video").
 * Pure code (the file times come from a callback): unit-tested.
 *
 * nginx-rtmp 1.2.2 writes no dates. A segment file is written as its frames
 * arrive and closed when the key frame that starts the next one comes in,
 * so its modification time is when the end of the segment reached nginx;
 * less its EXTINF duration, that is when its first frame did. That is the
 * moment the picture reached the server's side, not when the camera took
 * it: a date is late by the publisher's encoder and uplink (for ffmpeg on
 * the same machine, tens of ms), so a held spotlight errs on the late side
 * of the picture by that much. */
#ifndef FAIR_HLS_PLAYLIST_H
#define FAIR_HLS_PLAYLIST_H

#include <stddef.h>
#include <stdint.h>

#include "base/strbuf.h"

/* A segment file's modification time in ms since the epoch, or -1 when it
 * is not there (that segment then goes undated). name is the playlist's
 * line: a bare file name. */
typedef int64_t (*hls_mtime_fn)(const char *name, void *arg);

/* Writes text (len bytes, a media playlist) to out with an
 * "#EXT-X-PROGRAM-DATE-TIME:<RFC 3339 UTC, ms>" line before each segment's
 * #EXTINF: mtime(name) less the EXTINF duration. A playlist that has dates
 * already, a segment without EXTINF or an unparsable duration, and names
 * with a '/' are passed through undated. Lines end in "\n". */
void hls_playlist_dated(const char *text, size_t len, hls_mtime_fn mtime,
			void *arg, struct strbuf *out);

#endif
