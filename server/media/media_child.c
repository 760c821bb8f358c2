/* media_child.c - the image converter in a limited child (see
 * media_child.h), started and awaited by media_run.c's parts. */
#include "media/media_child.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "media/media_run.h"

#define CHILD_FILE_BYTES (64L * 1024 * 1024) /* RLIMIT_FSIZE */

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

/* Reads what the child says (at most size - 1 bytes kept) until it closes
 * its end or the deadline passes. Returns 0, or -1 on timeout. */
static int read_messages(int fd, char *buf, size_t size, long long deadline)
{
	size_t len = 0;

	buf[0] = '\0';
	for (;;) {
		struct pollfd p = {fd, POLLIN, 0};
		long long left = deadline - media_run_now_ms();
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

int media_child_convert(const char *exe, const unsigned char *data, size_t len,
			const char *prefix, int timeout_ms, char *err,
			size_t errlen)
{
	char exe_copy[4096], prefix_copy[4096], said[1024];
	char cmd[] = "media-convert", out[] = "--out";
	char *argv[] = {exe_copy, cmd, out, prefix_copy, NULL};
	int limit_ms = timeout_ms > 0 ? timeout_ms : MEDIA_CHILD_TIMEOUT_MS;
	long long deadline = media_run_now_ms() + limit_ms;
	static const struct media_run_limits limits = {
		LIMIT_ADDRESS_SPACE ? MEDIA_CHILD_MEMORY_BYTES : 0,
		MEDIA_CHILD_CPU_S, CHILD_FILE_BYTES};
	int in_fd, pipefd[2], status;
	bool killed;
	pid_t pid;

	if (snprintf(exe_copy, sizeof exe_copy, "%s", exe) >=
		    (int)sizeof exe_copy ||
	    snprintf(prefix_copy, sizeof prefix_copy, "%s", prefix) >=
		    (int)sizeof prefix_copy) {
		snprintf(err, errlen, "path too long");
		return -1;
	}
	in_fd = media_run_memfd("fair-image", data, len);
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
	pid = media_run_start(argv, &limits, in_fd, pipefd[1], pipefd[1]);
	if (pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(in_fd);
		close(pipefd[0]);
		close(pipefd[1]);
		return -1;
	}
	close(in_fd);
	close(pipefd[1]);
	read_messages(pipefd[0], said, sizeof said, deadline);
	close(pipefd[0]);
	status = media_run_wait(pid, deadline, &killed);

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
	if (WIFEXITED(status) && WEXITSTATUS(status) == MEDIA_RUN_EXEC_FAILED) {
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
	snprintf(err, errlen, "the image converter died (signal %d: %s)%s%s",
		 WIFSIGNALED(status) ? WTERMSIG(status) : 0,
		 WIFSIGNALED(status) ? strsignal(WTERMSIG(status)) : "?",
		 said[0] ? ": " : "", said);
	return -1;
}
