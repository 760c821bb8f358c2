/* media_child.h - decoding untrusted images in a child process with limits.
 *
 * libgd has no pixel limit and its decoders are large C libraries: a
 * hostile file must at worst kill a child, never the server. The child is
 * a fresh program (`fairctl media-convert --out PREFIX`) started with fork
 * and exec (exec because the server is multi-threaded: after fork only
 * async-signal-safe calls are allowed until exec), with an address-space
 * limit (RLIMIT_AS), a CPU limit (RLIMIT_CPU), a file-size limit, no
 * inherited descriptors but stdin (the image, from a memfd) and stderr (a
 * pipe the reason comes back on). The parent waits with a timeout and kills
 * the child when it overruns.
 *
 * Blocking: the caller waits for the child. The server calls this from a
 * worker thread, never from the event loop. */
#ifndef FAIR_MEDIA_CHILD_H
#define FAIR_MEDIA_CHILD_H

#include <stddef.h>

#define MEDIA_CHILD_MEMORY_BYTES (512L * 1024 * 1024) /* RLIMIT_AS */
#define MEDIA_CHILD_CPU_S 10                          /* RLIMIT_CPU */
#define MEDIA_CHILD_TIMEOUT_MS 30000                  /* wall clock */

/* Runs `exe media-convert --out prefix` with the len bytes of data on its
 * stdin and waits for it, at most timeout_ms (0: MEDIA_CHILD_TIMEOUT_MS).
 * The caller checks the bytes with media_check first (the child checks
 * again). Returns 0 when the child wrote the stored sizes, or -1 with a
 * reason for a person in err: the child's own first line when it refused
 * or failed, or that it was stopped (CPU limit, timeout) or died. */
int media_child_convert(const char *exe, const unsigned char *data, size_t len,
			const char *prefix, int timeout_ms, char *err,
			size_t errlen);

#endif
