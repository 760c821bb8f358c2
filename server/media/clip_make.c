/* clip_make.c - ffprobe, ffmpeg and the poster (see clip_make.h). */
#include "media/clip_make.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "media/media_run.h"

static const struct media_run_limits probe_limits = {
	CLIP_PROBE_MEMORY_BYTES, CLIP_PROBE_CPU_S, 1024 * 1024};
static const struct media_run_limits code_limits = {
	CLIP_CODE_MEMORY_BYTES, CLIP_CODE_CPU_S, CLIP_CODE_FILE_BYTES};

/* Fitted into 1280 x 720 (landscape) or 720 x 1280 (upright), never
 * enlarged, even sides (yuv420p), square pixels. */
#define SCALE_FILTER                                                  \
	"scale=w='if(gte(iw,ih),min(1280,iw),min(720,iw))'"           \
	":h='if(gte(iw,ih),min(720,ih),min(1280,ih))'"                \
	":force_original_aspect_ratio=decrease:force_divisible_by=2," \
	"setsar=1,format=yuv420p"

/* The whole input from its start, for the next program. */
static int rewind_fd(int fd, char *err, size_t errlen)
{
	if (lseek(fd, 0, SEEK_SET) == 0)
		return 0;
	snprintf(err, errlen, "cannot read the clip again: %s",
		 strerror(errno));
	return -1;
}

/* The clip's size and first bytes. */
static enum clip_verdict check_bytes(int fd, const struct clip_limits *lim,
				     char *err, size_t errlen)
{
	unsigned char head[CLIP_SNIFF_BYTES];
	enum clip_verdict v;
	struct stat st;
	ssize_t n;

	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "the clip is not a regular file");
		return CLIP_FAILED;
	}
	v = clip_judge_size((int64_t)st.st_size, lim, err, errlen);
	if (v != CLIP_OK)
		return v;
	n = pread(fd, head, sizeof head, 0);
	if (n < 0) {
		snprintf(err, errlen, "cannot read the clip: %s",
			 strerror(errno));
		return CLIP_FAILED;
	}
	if (clip_sniff(head, (size_t)n) == CLIP_UNKNOWN) {
		snprintf(err, errlen,
			 "not a video: the file is not an MP4, MOV or WebM "
			 "video");
		return CLIP_NOT_VIDEO;
	}
	return CLIP_OK;
}

/* "ffprobe failed: [mov,mp4,m4a,3gp,3g2,mj2 @ 0x55c3...] moov atom not
 * found" reads better as "moov atom not found": without the program, the
 * input's name and the demuxer's address. */
static void clean_reason(char *err)
{
	static const char *const noise[] = {
		"ffprobe failed: ", "ffmpeg failed: ", "/dev/stdin: "};
	char *p = err;

	for (size_t i = 0; i < sizeof noise / sizeof noise[0]; i++)
		if (!strncmp(p, noise[i], strlen(noise[i])))
			p += strlen(noise[i]);
	if (*p == '[' && strstr(p, " @ 0x") && strstr(p, "] "))
		p = strstr(p, "] ") + 2;
	memmove(err, p, strlen(p) + 1);
}

static enum clip_verdict probe(int fd, const struct clip_limits *lim,
			       long long deadline, struct clip_info *info,
			       char *err, size_t errlen)
{
	static const char *const args[] = {
		"ffprobe",
		"-v",
		"error",
		"-show_entries",
		"format=format_name,duration:stream=codec_type,width,height",
		"-of",
		"json",
		"/dev/stdin",
		NULL};
	char out[16384], why[400];
	long long until = media_run_now_ms() + 30000;

	if (rewind_fd(fd, err, errlen))
		return CLIP_FAILED;
	if (media_run(args, &probe_limits, fd,
		      until < deadline ? until : deadline, out, sizeof out, why,
		      sizeof why)) {
		if (strstr(why, "not installed")) {
			snprintf(err, errlen, "%s", why);
			return CLIP_FAILED;
		}
		clean_reason(why);
		snprintf(err, errlen, "the video could not be read: %s", why);
		return CLIP_BROKEN;
	}
	return clip_judge_probe(out, lim, info, err, errlen);
}

/* <prefix><suffix> into out. */
static int name_of(const char *prefix, const char *suffix, char *out,
		   size_t size)
{
	return snprintf(out, size, "%s%s", prefix, suffix) < (int)size ? 0 : -1;
}

enum clip_verdict clip_make(int in_fd, const char *prefix,
			    const struct clip_limits *lim, long long deadline,
			    struct clip_info *info, char *err, size_t errlen)
{
	char mp4[4200], mp4_part[4210], jpg[4200], jpg_part[4210];
	char max_s[24], at[24], out[256], why[400];
	enum clip_verdict v;
	double poster_at;
	int w = 0, h = 0;

	v = check_bytes(in_fd, lim, err, errlen);
	if (v != CLIP_OK)
		return v;
	v = probe(in_fd, lim, deadline, info, err, errlen);
	if (v != CLIP_OK)
		return v;
	if (name_of(prefix, ".mp4", mp4, sizeof mp4) ||
	    name_of(mp4, ".part", mp4_part, sizeof mp4_part) ||
	    name_of(prefix, "-poster.jpg", jpg, sizeof jpg) ||
	    name_of(jpg, ".part", jpg_part, sizeof jpg_part)) {
		snprintf(err, errlen, "path too long");
		return CLIP_FAILED;
	}
	if (media_mkdirs(mp4)) {
		snprintf(err, errlen, "creating the folders of %s: %s", mp4,
			 strerror(errno));
		return CLIP_FAILED;
	}
	snprintf(max_s, sizeof max_s, "%lld",
		 (long long)(lim->max_ms + 999) / 1000);
	{
		const char *const args[] = {"ffmpeg",
					    "-nostdin",
					    "-hide_banner",
					    "-loglevel",
					    "error",
					    "-y",
					    "-i",
					    "/dev/stdin",
					    "-map",
					    "0:v:0",
					    "-map",
					    "0:a:0?",
					    "-map_metadata",
					    "-1",
					    "-map_chapters",
					    "-1",
					    "-t",
					    max_s,
					    "-vf",
					    SCALE_FILTER,
					    "-c:v",
					    "libx264",
					    "-preset",
					    "veryfast",
					    "-crf",
					    "23",
					    "-profile:v",
					    "high",
					    "-threads",
					    CLIP_THREADS,
					    "-c:a",
					    "aac",
					    "-b:a",
					    "128k",
					    "-ac",
					    "2",
					    "-movflags",
					    "+faststart",
					    "-f",
					    "mp4",
					    mp4_part,
					    NULL};

		if (rewind_fd(in_fd, err, errlen))
			goto failed;
		if (media_run(args, &code_limits, in_fd, deadline, out,
			      sizeof out, why, sizeof why)) {
			clean_reason(why);
			snprintf(err, errlen,
				 "the video could not be converted: %s", why);
			v = strstr(why, "not installed") ||
					    strstr(why, "stopped")
				    ? CLIP_FAILED
				    : CLIP_BROKEN;
			goto cleanup;
		}
	}
	/* the poster: a frame of the first second (the middle of a
	 * shorter clip), from the MP4 made */
	poster_at = info->duration_ms >= 2000
			    ? 1.0
			    : (double)info->duration_ms / 2000.0;
	snprintf(at, sizeof at, "%.3f", poster_at);
	{
		const char *const args[] = {
			"ffmpeg", "-nostdin", "-hide_banner", "-loglevel",
			"error",  "-y",       "-ss",          at,
			"-i",     mp4_part,   "-frames:v",    "1",
			"-q:v",   "3",        "-f",           "image2",
			"-c:v",   "mjpeg",    "-update",      "1",
			jpg_part, NULL};

		if (media_run(args, &code_limits, -1, deadline, out, sizeof out,
			      why, sizeof why)) {
			snprintf(err, errlen, "no poster could be made: %s",
				 why);
			goto failed;
		}
	}
	{
		const char *const args[] = {"ffprobe",
					    "-v",
					    "error",
					    "-select_streams",
					    "v:0",
					    "-show_entries",
					    "stream=width,height",
					    "-of",
					    "csv=p=0",
					    mp4_part,
					    NULL};

		if (media_run(args, &probe_limits, -1, deadline, out,
			      sizeof out, why, sizeof why) ||
		    sscanf(out, "%d,%d", &w, &h) != 2 || w < 2 || h < 2) {
			snprintf(err, errlen, "the MP4 made has no size (%s)",
				 why);
			goto failed;
		}
	}
	if (rename(mp4_part, mp4) || rename(jpg_part, jpg)) {
		snprintf(err, errlen, "storing %s: %s", mp4, strerror(errno));
		unlink(mp4);
		goto failed;
	}
	info->width = w;
	info->height = h;
	return CLIP_OK;
failed:
	v = CLIP_FAILED;
cleanup:
	unlink(mp4_part);
	unlink(jpg_part);
	return v;
}

int clip_hash_fd(int fd, unsigned char out[32])
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char buf[65536];
	unsigned int n = 0;
	off_t at = 0;
	int rc = -1;

	if (!md || !EVP_DigestInit_ex(md, EVP_sha256(), NULL))
		goto out;
	for (;;) {
		ssize_t got = pread(fd, buf, sizeof buf, at);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			goto out;
		if (got == 0)
			break;
		if (!EVP_DigestUpdate(md, buf, (size_t)got))
			goto out;
		at += got;
	}
	rc = EVP_DigestFinal_ex(md, out, &n) && n == 32 ? 0 : -1;
out:
	EVP_MD_CTX_free(md);
	return rc;
}
