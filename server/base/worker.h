/* worker.h - a bounded pool of threads for CPU-heavy jobs.
 *
 * Password hashing, image decoding and chart rendering must not run on the
 * event loop. A job's work function runs on a worker thread and must touch
 * nothing the loop owns; its done function then runs on the loop thread
 * (worker_pool_drain, called when the wake-up descriptor is readable). The
 * queue is bounded: when it is full, worker_submit refuses and the caller
 * answers "busy" (HTTP 503) instead of piling up work. Pure pthreads: the
 * lws adapter only watches worker_pool_fd(). */
#ifndef FAIR_WORKER_H
#define FAIR_WORKER_H

#include <stdbool.h>
#include <stddef.h>

struct worker_pool;

typedef void (*worker_work_fn)(void *job);
/* Owns job: frees it. ran is false when the job was cancelled before a
 * thread took it (worker_pool_cancel_waiting, shutdown): work never ran. */
typedef void (*worker_done_fn)(void *job, bool ran);

/* Starts n threads with room for queue_max waiting jobs. NULL on failure. */
struct worker_pool *worker_pool_create(int n, int queue_max);

/* Queues a job. Returns 0, or -1 when the queue is full or the pool is
 * stopping (then neither function is called and the caller keeps job). */
int worker_submit(struct worker_pool *wp, worker_work_fn work,
		  worker_done_fn done, void *job);

/* A descriptor that becomes readable when finished jobs are waiting. */
int worker_pool_fd(const struct worker_pool *wp);

/* Runs the done functions of finished jobs, on the calling (loop) thread.
 * Returns how many ran. */
int worker_pool_drain(struct worker_pool *wp);

/* Jobs queued or running now (for metrics and shutdown). */
size_t worker_pool_pending(struct worker_pool *wp);

/* Cancels every job still waiting for a thread: their done functions run
 * at the next drain with ran false. Jobs already running finish normally.
 * At shutdown, so waiting requests are answered at once. */
void worker_pool_cancel_waiting(struct worker_pool *wp);

/* Cancels the waiting jobs, lets the running ones finish, runs every
 * remaining done function and frees the pool. */
void worker_pool_destroy(struct worker_pool *wp);

#endif
