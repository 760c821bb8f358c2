/* media_remux.c - ffmpeg and ffprobe in limited children (see
 * media_remux.h and media_run.h). */
#include "media/media_remux.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "media/media_run.h"

int media_remux_mp4(const char *in, const char *out, int64_t *duration_ms,
		    int64_t *bytes, char *err, size_t errlen)
{
	char part[4096], said[256];
	long long deadline = media_run_now_ms() + MEDIA_REMUX_TIMEOUT_MS;
	static const struct media_run_limits limits = {MEDIA_REMUX_MEMORY_BYTES,
						       MEDIA_REMUX_CPU_S,
						       MEDIA_REMUX_FILE_BYTES};
	struct stat st;
	double seconds;
	char *end;

	if (snprintf(part, sizeof part, "%s.part", out) >= (int)sizeof part) {
		snprintf(err, errlen, "path too long");
		return -1;
	}
	{
		const char *const args[] = {
			"ffmpeg",    "-nostdin",   "-hide_banner", "-loglevel",
			"error",     "-y",         "-i",           in,
			"-map",      "0",          "-c",           "copy",
			"-movflags", "+faststart", "-f",           "mp4",
			part,        NULL};

		if (media_run(args, &limits, -1, deadline, said, sizeof said,
			      err, errlen)) {
			unlink(part);
			return -1;
		}
	}
	{
		const char *const args[] = {
			"ffprobe",
			"-v",
			"error",
			"-show_entries",
			"format=duration",
			"-of",
			"default=noprint_wrappers=1:nokey=1",
			part,
			NULL};

		if (media_run(args, &limits, -1, deadline, said, sizeof said,
			      err, errlen)) {
			unlink(part);
			return -1;
		}
	}
	errno = 0;
	seconds = strtod(said, &end);
	if (errno || end == said || seconds < 0 || seconds > 7 * 86400.0 ||
	    stat(part, &st)) {
		snprintf(err, errlen, "the MP4 made has no duration (%.40s)",
			 said);
		unlink(part);
		return -1;
	}
	if (rename(part, out)) {
		snprintf(err, errlen, "rename: %s", strerror(errno));
		unlink(part);
		return -1;
	}
	*duration_ms = (int64_t)(seconds * 1000 + 0.5);
	*bytes = (int64_t)st.st_size;
	return 0;
}
