/* media_run.h - ffmpeg and ffprobe run as limited children.
 *
 * ffmpeg's demuxers and decoders are large C code and what they read may be
 * hostile (an uploaded clip): a broken file must at worst kill a child,
 * never the server. So each program runs as the image converter does
 * (media_child.h): fork and exec (the server is multi-threaded: between the
 * two only async-signal-safe calls), no shell, no inherited descriptors but
 * stdin (a file, or /dev/null), stdout and stderr (pipes we read), an
 * address-space, CPU and file-size limit set with setrlimit in the child,
 * and a wall-clock deadline after which it is killed. Used by the replays'
 * remux (media_remux.c) and the product clips (clip_make.c).
 *
 * media_child.c (the image converter, a program of ours) starts and waits
 * for its child with the same parts: media_run_start, media_run_wait,
 * media_run_memfd.
 *
 * Blocking: the caller waits for the child. The server calls this from a
 * worker thread, never from the event loop. */
#ifndef FAIR_MEDIA_RUN_H
#define FAIR_MEDIA_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct media_run_limits {
	long long memory_bytes; /* RLIMIT_AS; 0: none */
	long cpu_s;             /* RLIMIT_CPU, of all its threads together */
	long long file_bytes;   /* RLIMIT_FSIZE: the largest file it writes */
};

/* CLOCK_MONOTONIC in milliseconds, for deadlines. */
long long media_run_now_ms(void);

/* Runs args (NULL-terminated, at most 64; args[0] a program name looked up
 * in PATH, then /usr/bin and /usr/local/bin) with lim, in_fd as its stdin
 * (-1: /dev/null; the caller keeps and closes it), until deadline
 * (media_run_now_ms). Its stdout goes into out (at most out_size - 1 bytes
 * kept, NUL-terminated). Returns 0 when it exited 0, else -1 with a reason
 * for a person in err: its first line of stderr, or that it was stopped
 * (deadline, CPU or file-size limit) or could not start. */
int media_run(const char *const args[], const struct media_run_limits *lim,
	      int in_fd, long long deadline, char *out, size_t out_size,
	      char *err, size_t errlen);

/* The exit status of a child whose exec (or the limits before it) failed;
 * it said why on its stderr. */
#define MEDIA_RUN_EXEC_FAILED 127

/* Forks and, in the child, sets lim, makes in_fd (-1: /dev/null) its
 * stdin, out_fd its stdout and err_fd its stderr, closes every other
 * descriptor and execs argv (argv[0] a path). Returns the child's pid, or
 * -1 when fork failed (errno). The caller keeps and closes its fds. */
pid_t media_run_start(char *const argv[], const struct media_run_limits *lim,
		      int in_fd, int out_fd, int err_fd);

/* Waits for pid until deadline (media_run_now_ms), then kills it
 * (SIGKILL) and sets *killed. Returns its wait status. */
int media_run_wait(pid_t pid, long long deadline, bool *killed);

/* A memfd named name holding the len bytes of data, at offset 0, for a
 * child's stdin or a worker's reads: nothing touches the disk and no pipe
 * can fill up while we wait. Returns the fd, or -1 (errno). */
int media_run_memfd(const char *name, const void *data, size_t len);

/* Creates every missing directory of path up to its last '/' (mode 0755).
 * Returns 0 or -1 with errno set. */
int media_mkdirs(const char *path);

#endif
