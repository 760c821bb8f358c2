/* worker.h - a bounded pool of threads for CPU-heavy jobs.
 *
 * Password hashing, image decoding and chart rendering must not run on the
 * event loop. A job's work function runs on a worker thread and must touch
 * nothing the loop owns; its done function then runs on the loop thread
 * (worker_pool_drain, called when the wake-up descriptor is readable). The
 * queue is bounded: when it is full, worker_submit refuses and the caller
 * answers "busy" (HTTP 503) instead of piling up work. Pure pthreads: the
 * lws adapter only watches worker_pool_fd().
 *
 * Two classes of jobs, so a login never waits behind a picture: urgent jobs
 * (worker_submit: password hashing, a fraction of a second each) are taken
 * first by any free thread; heavy jobs (worker_submit_heavy: charts, share
 * cards, image conversions, which may take seconds) run on at most
 * heavy_threads threads at once, so the others stay free for hashing, and
 * one that waited longer than heavy_wait_ms for a thread is not run at all:
 * its done function is called with ran false, to answer "busy" while the
 * client still waits (worker_pool_limit_heavy). */
#ifndef FAIR_WORKER_H
#define FAIR_WORKER_H

#include <stdbool.h>
#include <stddef.h>

struct worker_pool;

typedef void (*worker_work_fn)(void *job);
/* Owns job: frees it. ran is false when the job was cancelled before a
 * thread took it (worker_pool_cancel_waiting, shutdown): work never ran. */
typedef void (*worker_done_fn)(void *job, bool ran);

/* Starts n threads with room for queue_max waiting jobs (of both classes).
 * Heavy jobs may use every thread and wait without limit until
 * worker_pool_limit_heavy says otherwise. NULL on failure. */
struct worker_pool *worker_pool_create(int n, int queue_max);

/* Heavy jobs from now on run on at most threads threads at once (at least
 * one, at most all), and one waiting longer than wait_ms (0: no limit) for a
 * thread is cancelled: its done function gets ran false. */
void worker_pool_limit_heavy(struct worker_pool *wp, int threads, int wait_ms);

/* Queues an urgent job (password hashing): it goes before every waiting
 * heavy job, on the first free thread. Returns 0, or -1 when the queue is
 * full or the pool is stopping (then neither function is called and the
 * caller keeps job). */
int worker_submit(struct worker_pool *wp, worker_work_fn work,
		  worker_done_fn done, void *job);

/* Queues a heavy job (drawing, image conversion), first come first served
 * among heavy jobs, within the limits of worker_pool_limit_heavy. Returns
 * as worker_submit. */
int worker_submit_heavy(struct worker_pool *wp, worker_work_fn work,
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
