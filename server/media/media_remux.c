/* media_remux.c - ffmpeg and ffprobe in limited children (see
 * media_remux.h). */
#include "media/media_remux.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define EXEC_FAILED 127

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The program's path in PATH (or the usual places), found before the fork:
 * after it only execv, which takes a path. Returns 0 or -1. */
static int find_program(const char *name, char *out, size_t size)
{
	const char *path = getenv("PATH");
	char dirs[4096];

	snprintf(dirs, sizeof dirs, "%s:/usr/bin:/usr/local/bin",
		 path ? path : "");
	for (char *save = NULL, *d = strtok_r(dirs, ":", &save); d;
	     d = strtok_r(NULL, ":", &save)) {
		if (!*d)
			continue;
		if (snprintf(out, size, "%s/%s", d, name) < (int)size &&
		    access(out, X_OK) == 0)
			return 0;
	}
	return -1;
}

/* In the child, between fork and exec: async-signal-safe calls only.
 * stdout goes to out_fd, stderr to err_fd. */
static void child_exec(int out_fd, int err_fd, char *const argv[])
{
	static const char msg[] = "cannot start ffmpeg\n";
	struct rlimit as = {MEDIA_REMUX_MEMORY_BYTES, MEDIA_REMUX_MEMORY_BYTES};
	struct rlimit cpu = {MEDIA_REMUX_CPU_S, MEDIA_REMUX_CPU_S + 1};
	struct rlimit fsize = {(rlim_t)MEDIA_REMUX_FILE_BYTES,
			       (rlim_t)MEDIA_REMUX_FILE_BYTES};
	struct sigaction dfl;
	sigset_t none;
	int null_fd = open("/dev/null", O_RDONLY);

	if (null_fd < 0 || dup2(null_fd, 0) < 0 || dup2(out_fd, 1) < 0 ||
	    dup2(err_fd, 2) < 0)
		_exit(EXEC_FAILED);
	/* Nothing of the parent's (sockets, database connections) leaks. */
	syscall(SYS_close_range, 3U, ~0U, 0U);
	memset(&dfl, 0, sizeof dfl);
	dfl.sa_handler = SIG_DFL;
	sigaction(SIGXCPU, &dfl, NULL);
	sigaction(SIGPIPE, &dfl, NULL);
	sigaction(SIGXFSZ, &dfl, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (setrlimit(RLIMIT_AS, &as) || setrlimit(RLIMIT_CPU, &cpu) ||
	    setrlimit(RLIMIT_FSIZE, &fsize))
		_exit(EXEC_FAILED);
	execv(argv[0], argv);
	if (write(2, msg, sizeof msg - 1) < 0) {
		/* nothing more to say */
	}
	_exit(EXEC_FAILED);
}

/* Reads the child's stdout and stderr (at most size - 1 bytes of each
 * kept) until both close or the deadline passes. Returns 0, or -1 on
 * timeout. */
static int read_both(int out_fd, char *out, size_t out_size, int err_fd,
		     char *err, size_t err_size, long long deadline)
{
	int fds[2] = {out_fd, err_fd};
	char *bufs[2] = {out, err};
	size_t sizes[2] = {out_size, err_size}, lens[2] = {0, 0};
	int open_n = 2;

	out[0] = err[0] = '\0';
	while (open_n > 0) {
		struct pollfd p[2];
		long long left = deadline - mono_ms();
		int r;

		if (left <= 0)
			return -1;
		for (int i = 0; i < 2; i++)
			p[i] = (struct pollfd){fds[i], POLLIN, 0};
		r = poll(p, 2, (int)(left > 1000 ? 1000 : left));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		for (int i = 0; i < 2; i++) {
			char chunk[1024];
			ssize_t n;

			if (fds[i] < 0 ||
			    !(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			n = read(fds[i], chunk, sizeof chunk);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				fds[i] = -1; /* poll ignores a negative fd */
				open_n--;
				continue;
			}
			for (ssize_t k = 0; k < n && lens[i] + 1 < sizes[i];
			     k++)
				bufs[i][lens[i]++] = chunk[k];
			bufs[i][lens[i]] = '\0';
		}
	}
	return 0;
}

#define ARGS_MAX 32

/* Runs args (NULL-terminated; args[0] a program name, found in PATH) in a
 * limited child until the deadline: its stdout in out, its first line of
 * stderr in err. Returns 0 when it exited 0, else -1 with a reason in
 * err. */
static int run_limited(const char *const args[], long long deadline, char *out,
		       size_t out_size, char *err, size_t errlen)
{
	char exe[4096], said[2048], store[8192];
	char *argv[ARGS_MAX + 1];
	const char *name = args[0];
	int outp[2], errp[2], status = 0, killed = 0, n = 0;
	size_t used = 0;
	pid_t pid;

	if (find_program(name, exe, sizeof exe)) {
		snprintf(err, errlen, "%s is not installed (make deps)", name);
		return -1;
	}
	/* execv's argv is not const: copies, made before the fork */
	argv[n++] = exe;
	for (int i = 1; args[i]; i++) {
		size_t len = strlen(args[i]) + 1;

		if (n == ARGS_MAX || used + len > sizeof store) {
			snprintf(err, errlen, "arguments too long");
			return -1;
		}
		memcpy(store + used, args[i], len);
		argv[n++] = store + used;
		used += len;
	}
	argv[n] = NULL;
	if (pipe2(outp, O_CLOEXEC)) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -1;
	}
	if (pipe2(errp, O_CLOEXEC)) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		close(outp[0]);
		close(outp[1]);
		return -1;
	}
	pid = fork();
	if (pid == 0)
		child_exec(outp[1], errp[1], argv); /* does not return */
	close(outp[1]);
	close(errp[1]);
	if (pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(outp[0]);
		close(errp[0]);
		return -1;
	}
	read_both(outp[0], out, out_size, errp[0], said, sizeof said, deadline);
	close(outp[0]);
	close(errp[0]);
	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid || (r < 0 && errno != EINTR))
			break;
		if (mono_ms() >= deadline) {
			kill(pid, SIGKILL);
			killed = 1;
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
			break;
		}
		usleep(10000);
	}
	said[strcspn(said, "\n")] = '\0';
	if (killed) {
		snprintf(err, errlen,
			 "%s took longer than %d s and was stopped", name,
			 MEDIA_REMUX_TIMEOUT_MS / 1000);
		return -1;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFSIGNALED(status))
		snprintf(err, errlen, "%s was stopped by signal %d%s", name,
			 WTERMSIG(status),
			 WTERMSIG(status) == SIGXCPU   ? " (CPU limit)"
			 : WTERMSIG(status) == SIGXFSZ ? " (file size limit)"
						       : "");
	else
		snprintf(err, errlen, "%s failed: %s", name,
			 said[0] ? said : "no reason given");
	return -1;
}

int media_remux_mp4(const char *in, const char *out, int64_t *duration_ms,
		    int64_t *bytes, char *err, size_t errlen)
{
	char part[4096], said[256];
	long long deadline = mono_ms() + MEDIA_REMUX_TIMEOUT_MS;
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

		if (run_limited(args, deadline, said, sizeof said, err,
				errlen)) {
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

		if (run_limited(args, deadline, said, sizeof said, err,
				errlen)) {
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
