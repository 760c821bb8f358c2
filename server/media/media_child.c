/* media_child.c - fork, limit, exec, wait (see media_child.h). */
#include "media/media_child.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CHILD_FILE_BYTES (64L * 1024 * 1024) /* RLIMIT_FSIZE */
#define EXEC_FAILED 127

/* AddressSanitizer reserves terabytes of address space up front, so an
 * RLIMIT_AS child of a sanitizer build could not even start. */
#if defined(__SANITIZE_ADDRESS__)
#define LIMIT_ADDRESS_SPACE 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LIMIT_ADDRESS_SPACE 0
#endif
#endif
#ifndef LIMIT_ADDRESS_SPACE
#define LIMIT_ADDRESS_SPACE 1
#endif

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The image as a file the child reads on stdin: a memfd, so nothing
 * touches the disk and no pipe can fill up while we wait. */
static int image_fd(const unsigned char *data, size_t len)
{
	int fd = memfd_create("fair-image", MFD_CLOEXEC);
	size_t off = 0;

	if (fd < 0)
		return -1;
	while (off < len) {
		ssize_t n = write(fd, data + off, len - off);

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

/* In the child, between fork and exec: async-signal-safe calls only. */
static void child_exec(int in_fd, int err_fd, char *const argv[])
{
	static const char msg[] = "cannot start the image converter\n";
	struct rlimit cpu = {MEDIA_CHILD_CPU_S, MEDIA_CHILD_CPU_S + 1};
	struct rlimit fsize = {CHILD_FILE_BYTES, CHILD_FILE_BYTES};
	struct sigaction dfl;
	sigset_t none;

	if (dup2(in_fd, 0) < 0 || dup2(err_fd, 1) < 0 || dup2(err_fd, 2) < 0)
		_exit(EXEC_FAILED);
	/* Nothing of the parent's (sockets, database connections) leaks. */
	syscall(SYS_close_range, 3U, ~0U, 0U);
	/* The parent may block or ignore signals; the converter must die by
	 * SIGXCPU and SIGKILL as usual. */
	memset(&dfl, 0, sizeof dfl);
	dfl.sa_handler = SIG_DFL;
	sigaction(SIGXCPU, &dfl, NULL);
	sigaction(SIGPIPE, &dfl, NULL);
	sigaction(SIGXFSZ, &dfl, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (LIMIT_ADDRESS_SPACE) {
		struct rlimit as = {MEDIA_CHILD_MEMORY_BYTES,
				    MEDIA_CHILD_MEMORY_BYTES};

		if (setrlimit(RLIMIT_AS, &as))
			_exit(EXEC_FAILED);
	}
	if (setrlimit(RLIMIT_CPU, &cpu) || setrlimit(RLIMIT_FSIZE, &fsize))
		_exit(EXEC_FAILED);
	execv(argv[0], argv);
	if (write(2, msg, sizeof msg - 1) < 0) {
		/* nothing more to say */
	}
	_exit(EXEC_FAILED);
}

/* Reads what the child says (at most size - 1 bytes kept) until it closes
 * its end or the deadline passes. Returns 0, or -1 on timeout. */
static int read_messages(int fd, char *buf, size_t size, long long deadline)
{
	size_t len = 0;

	buf[0] = '\0';
	for (;;) {
		struct pollfd p = {fd, POLLIN, 0};
		long long left = deadline - mono_ms();
		char chunk[512];
		ssize_t n;
		int r;

		if (left <= 0)
			return -1;
		r = poll(&p, 1, (int)(left > 1000 ? 1000 : left));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			continue;
		n = read(fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return 0; /* the child closed stderr: it is exiting */
		for (ssize_t i = 0; i < n && len + 1 < size; i++)
			buf[len++] = chunk[i];
		buf[len] = '\0';
	}
}

/* Waits for pid until the deadline; kills it after. Sets *killed when we
 * had to. Returns the wait status. */
static int wait_child(pid_t pid, long long deadline, int *killed)
{
	int status = 0;

	*killed = 0;
	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			return status;
		if (r < 0 && errno != EINTR)
			return status;
		if (mono_ms() >= deadline) {
			kill(pid, SIGKILL);
			*killed = 1;
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
			return status;
		}
		usleep(5000);
	}
}

int media_child_convert(const char *exe, const unsigned char *data,
			size_t len, const char *prefix, int timeout_ms,
			char *err, size_t errlen)
{
	char exe_copy[4096], prefix_copy[4096], said[1024];
	char cmd[] = "media-convert", out[] = "--out";
	char *argv[] = {exe_copy, cmd, out, prefix_copy, NULL};
	int limit_ms = timeout_ms > 0 ? timeout_ms : MEDIA_CHILD_TIMEOUT_MS;
	long long deadline = mono_ms() + limit_ms;
	int in_fd, pipefd[2], status, killed;
	pid_t pid;

	if (snprintf(exe_copy, sizeof exe_copy, "%s", exe) >=
		    (int)sizeof exe_copy ||
	    snprintf(prefix_copy, sizeof prefix_copy, "%s", prefix) >=
		    (int)sizeof prefix_copy) {
		snprintf(err, errlen, "path too long");
		return -1;
	}
	in_fd = image_fd(data, len);
	if (in_fd < 0) {
		snprintf(err, errlen, "cannot hand the image over: %s",
			 strerror(errno));
		return -1;
	}
	if (pipe2(pipefd, O_CLOEXEC)) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		close(in_fd);
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(in_fd);
		close(pipefd[0]);
		close(pipefd[1]);
		return -1;
	}
	if (pid == 0)
		child_exec(in_fd, pipefd[1], argv); /* does not return */
	close(in_fd);
	close(pipefd[1]);
	read_messages(pipefd[0], said, sizeof said, deadline);
	close(pipefd[0]);
	status = wait_child(pid, deadline, &killed);

	/* one line of the child's words, without "fairctl: media-convert: " */
	{
		size_t n = strcspn(said, "\n");
		const char *tag = "fairctl: media-convert: ";

		said[n] = '\0';
		if (!strncmp(said, tag, strlen(tag)))
			memmove(said, said + strlen(tag),
				strlen(said + strlen(tag)) + 1);
	}
	if (killed) {
		snprintf(err, errlen,
			 "decoding took longer than %.1f s and was stopped",
			 limit_ms / 1000.0);
		return -1;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == EXEC_FAILED) {
		snprintf(err, errlen, "could not run %s: %s", exe,
			 said[0] ? said : "exec failed");
		return -1;
	}
	if (WIFEXITED(status)) {
		snprintf(err, errlen, "%s",
			 said[0] ? said : "the image converter failed");
		return -1;
	}
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGXCPU) {
		snprintf(err, errlen,
			 "decoding used more than %d s of CPU and was stopped",
			 MEDIA_CHILD_CPU_S);
		return -1;
	}
	snprintf(err, errlen,
		 "the image converter died (signal %d: %s)%s%s",
		 WIFSIGNALED(status) ? WTERMSIG(status) : 0,
		 WIFSIGNALED(status) ? strsignal(WTERMSIG(status)) : "?",
		 said[0] ? ": " : "", said);
	return -1;
}
