/* media_run.c - a program in a limited child (see media_run.h). Moved
 * here from media_remux.c, which the product clips now share. */
#include "media/media_run.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

long long media_run_now_ms(void)
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
 * stdin from in_fd (-1: /dev/null), stdout to out_fd, stderr to err_fd;
 * the limits were made into rlimits before the fork (as NULL: none). */
static void child_exec(int in_fd, int out_fd, int err_fd, char *const argv[],
		       const struct rlimit *as, const struct rlimit *cpu,
		       const struct rlimit *fsize)
{
	static const char msg[] = "cannot start the program\n";
	struct sigaction dfl;
	sigset_t none;

	if (in_fd < 0)
		in_fd = open("/dev/null", O_RDONLY);
	if (in_fd < 0 || dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0 ||
	    dup2(err_fd, 2) < 0)
		_exit(MEDIA_RUN_EXEC_FAILED);
	/* Nothing of the parent's (sockets, database connections) leaks. */
	syscall(SYS_close_range, 3U, ~0U, 0U);
	/* The parent may block or ignore signals; the program must die by
	 * SIGXCPU and SIGKILL as usual. */
	memset(&dfl, 0, sizeof dfl);
	dfl.sa_handler = SIG_DFL;
	sigaction(SIGXCPU, &dfl, NULL);
	sigaction(SIGPIPE, &dfl, NULL);
	sigaction(SIGXFSZ, &dfl, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if ((as && setrlimit(RLIMIT_AS, as)) || setrlimit(RLIMIT_CPU, cpu) ||
	    setrlimit(RLIMIT_FSIZE, fsize))
		_exit(MEDIA_RUN_EXEC_FAILED);
	execv(argv[0], argv);
	if (write(2, msg, sizeof msg - 1) < 0) {
		/* nothing more to say */
	}
	_exit(MEDIA_RUN_EXEC_FAILED);
}

pid_t media_run_start(char *const argv[], const struct media_run_limits *lim,
		      int in_fd, int out_fd, int err_fd)
{
	struct rlimit as = {(rlim_t)lim->memory_bytes,
			    (rlim_t)lim->memory_bytes};
	struct rlimit cpu = {(rlim_t)lim->cpu_s, (rlim_t)lim->cpu_s + 1};
	struct rlimit fsize = {(rlim_t)lim->file_bytes,
			       (rlim_t)lim->file_bytes};
	pid_t pid = fork();

	if (pid == 0)
		child_exec(in_fd, out_fd, err_fd, argv,
			   lim->memory_bytes > 0 ? &as : NULL, &cpu,
			   &fsize); /* does not return */
	return pid;
}

int media_run_wait(pid_t pid, long long deadline, bool *killed)
{
	int status = 0;

	*killed = false;
	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid || (r < 0 && errno != EINTR))
			return status;
		if (media_run_now_ms() >= deadline) {
			kill(pid, SIGKILL);
			*killed = true;
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
			return status;
		}
		usleep(5000);
	}
}

int media_run_memfd(const char *name, const void *data, size_t len)
{
	int fd = memfd_create(name, MFD_CLOEXEC);
	size_t off = 0;

	if (fd < 0)
		return -1;
	while (off < len) {
		ssize_t n = write(fd, (const char *)data + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			close(fd);
			return -1;
		}
		off += (size_t)n;
	}
	if (lseek(fd, 0, SEEK_SET) != 0) {
		close(fd);
		return -1;
	}
	return fd;
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
		long long left = deadline - media_run_now_ms();
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

#define ARGS_MAX 64

int media_run(const char *const args[], const struct media_run_limits *lim,
	      int in_fd, long long deadline, char *out, size_t out_size,
	      char *err, size_t errlen)
{
	long long started = media_run_now_ms();
	char exe[4096], said[2048], store[8192];
	char *argv[ARGS_MAX + 1];
	const char *name = args[0];
	int outp[2], errp[2], status, n = 0;
	bool killed;
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
	pid = media_run_start(argv, lim, in_fd, outp[1], errp[1]);
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
	status = media_run_wait(pid, deadline, &killed);
	said[strcspn(said, "\n")] = '\0';
	if (killed) {
		snprintf(err, errlen,
			 "%s took longer than %.0f s and was stopped", name,
			 (double)(deadline - started) / 1000.0);
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

int media_mkdirs(const char *path)
{
	char buf[4096];
	size_t len = strlen(path);

	if (len >= sizeof buf) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return 0;
}
