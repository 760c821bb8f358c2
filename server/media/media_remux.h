/* media_remux.h - a live session's recording (nginx-rtmp's FLV) remuxed
 * into an MP4 that plays at once (faststart), for its replay (issue 24).
 *
 * ffmpeg copies the streams (no decoding, no encoding: `-c copy -movflags
 * +faststart`), then ffprobe reads the MP4's duration. Each runs as a child
 * process as the image converter does (media_child.h): fork and exec (the
 * server is multi-threaded), no shell, no inherited descriptors, stdin from
 * /dev/null, an address-space, CPU and file-size limit, and a wall-clock
 * deadline after which it is killed. The recording is ours (nginx wrote it),
 * but ffmpeg's demuxers are large C code: a broken file must at worst kill a
 * child.
 *
 * Blocking: the caller waits for the children. The server calls this from a
 * worker thread (worker_submit_heavy), never from the event loop. */
#ifndef FAIR_MEDIA_REMUX_H
#define FAIR_MEDIA_REMUX_H

#include <stddef.h>
#include <stdint.h>

#define MEDIA_REMUX_MEMORY_BYTES (1024L * 1024 * 1024)     /* RLIMIT_AS */
#define MEDIA_REMUX_CPU_S 600                              /* RLIMIT_CPU */
#define MEDIA_REMUX_FILE_BYTES (32LL * 1024 * 1024 * 1024) /* RLIMIT_FSIZE */
#define MEDIA_REMUX_TIMEOUT_MS (20 * 60 * 1000)            /* wall clock */

/* Remuxes the recording at in into an MP4 at out (written as out".part",
 * renamed into place when whole; a leftover part is removed) and sets
 * *duration_ms to its duration and *bytes to its size. Returns 0, or -1
 * with a reason for a person in err (ffmpeg's first line, or that it was
 * stopped or could not start); out then does not exist. */
int media_remux_mp4(const char *in, const char *out, int64_t *duration_ms,
		    int64_t *bytes, char *err, size_t errlen);

#endif
