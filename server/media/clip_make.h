/* clip_make.h - a product clip probed and transcoded (issue 24).
 *
 * ffprobe describes the clip (clip_judge_probe decides), then ffmpeg makes
 * an H.264/AAC MP4 of at most 720p (1280 x 720, or 720 x 1280 upright;
 * never enlarged), faststart so it plays and seeks before it is all
 * downloaded, without the source's metadata (a phone's GPS position), and
 * a poster JPEG from its first second. Each program is a limited child
 * (media_run.h): ffprobe within CLIP_PROBE_*, ffmpeg within CLIP_CODE_*.
 *
 * Blocking: the server calls this from a worker thread (a heavy job),
 * fairctl import directly. */
#ifndef FAIR_CLIP_MAKE_H
#define FAIR_CLIP_MAKE_H

#include <stddef.h>

#include "media/clip_check.h"

#define CLIP_PROBE_MEMORY_BYTES (512LL * 1024 * 1024) /* RLIMIT_AS */
#define CLIP_PROBE_CPU_S 10                           /* RLIMIT_CPU */
#define CLIP_CODE_MEMORY_BYTES (1536LL * 1024 * 1024) /* RLIMIT_AS */
#define CLIP_CODE_CPU_S 900 /* RLIMIT_CPU, all threads together */
#define CLIP_CODE_FILE_BYTES (1024LL * 1024 * 1024) /* RLIMIT_FSIZE */
#define CLIP_THREADS "2"                            /* x264's threads */

/* Makes <prefix>.mp4 and <prefix>-poster.jpg (prefix: the media root and
 * the clip's key; its folders are created) from the clip open at in_fd (a
 * regular file: ffmpeg seeks in it; the caller keeps and closes it),
 * within lim and by deadline (media_run_now_ms()). In order: its size
 * (clip_judge_size), its first bytes (clip_sniff), ffprobe's description
 * (clip_judge_probe); only then ffmpeg. Each file is written as
 * "<name>.part" and renamed when whole; on any refusal or failure neither
 * is left. Returns CLIP_OK with *info (duration of the source; width and
 * height of the MP4 made), or a verdict with a reason for a person in
 * err. */
enum clip_verdict clip_make(int in_fd, const char *prefix,
			    const struct clip_limits *lim, long long deadline,
			    struct clip_info *info, char *err, size_t errlen);

/* SHA-256 of the whole file at fd (read with pread: its offset is not
 * moved), for the clip's key (clip_key). Returns 0 or -1. */
int clip_hash_fd(int fd, unsigned char out[32]);

#endif
