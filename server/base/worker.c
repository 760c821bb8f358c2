/* worker.c - worker threads with a bounded queue (see worker.h). */
#include "base/worker.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "base/xalloc.h"

struct job {
	struct job *next;
	worker_work_fn work;
	worker_done_fn done;
	void *arg;
	bool ran;
	bool heavy;
	int64_t queued_ms; /* CLOCK_MONOTONIC, when submitted */
};

/* A FIFO of jobs. */
struct job_list {
	struct job *head, *tail;
};

struct worker_pool {
	pthread_mutex_t lock;
	pthread_cond_t wake;    /* CLOCK_MONOTONIC, for the heavy deadline */
	struct job_list urgent; /* waiting: hashing, taken first */
	struct job_list heavy;  /* waiting: drawing and conversion */
	struct job_list done;   /* finished or cancelled, for the loop */
	size_t waiting, running, finished, queue_max;
	int heavy_running, heavy_max; /* heavy jobs on a thread; at most */
	int heavy_wait_ms;            /* 0: a heavy job waits without limit */
	bool stopping;
	int pipe_rd, pipe_wr; /* a byte per wake-up; non-blocking */
	pthread_t *threads;
	int n_threads;
};

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void list_push(struct job_list *l, struct job *j)
{
	j->next = NULL;
	if (l->tail)
		l->tail->next = j;
	else
		l->head = j;
	l->tail = j;
}

static struct job *list_pop(struct job_list *l)
{
	struct job *j = l->head;

	if (j) {
		l->head = j->next;
		if (!l->head)
			l->tail = NULL;
	}
	return j;
}

/* Moves every job of from to the end of to. */
static void list_move_all(struct job_list *to, struct job_list *from)
{
	if (!from->head)
		return;
	if (to->tail)
		to->tail->next = from->head;
	else
		to->head = from->head;
	to->tail = from->tail;
	from->head = from->tail = NULL;
}

/* Tells the loop that finished jobs wait; under the lock. A full pipe
 * already means "wake up": EAGAIN is fine. */
static void wake_loop(struct worker_pool *wp)
{
	ssize_t wrote = write(wp->pipe_wr, "", 1);

	(void)wrote;
}

/* Cancels the heavy jobs that waited past their deadline (the oldest are
 * first in line); under the lock. Returns the deadline of the next one to
 * expire, or 0 when none waits or there is no limit. */
static int64_t expire_heavy(struct worker_pool *wp, int64_t now)
{
	bool expired = false;
	struct job *j;

	if (wp->heavy_wait_ms <= 0)
		return 0;
	while ((j = wp->heavy.head) &&
	       now - j->queued_ms >= wp->heavy_wait_ms) {
		list_push(&wp->done, list_pop(&wp->heavy));
		wp->waiting--;
		wp->finished++;
		expired = true;
	}
	if (expired)
		wake_loop(wp);
	return j ? j->queued_ms + wp->heavy_wait_ms : 0;
}

/* The job a free thread should run now, or NULL; under the lock. */
static struct job *take_job(struct worker_pool *wp)
{
	struct job *j = list_pop(&wp->urgent);

	if (!j && wp->heavy_running < wp->heavy_max) {
		j = list_pop(&wp->heavy);
		if (j)
			wp->heavy_running++;
	}
	if (j) {
		wp->waiting--;
		wp->running++;
	}
	return j;
}

static void wait_until(struct worker_pool *wp, int64_t deadline_ms)
{
	struct timespec until;

	if (!deadline_ms) {
		pthread_cond_wait(&wp->wake, &wp->lock);
		return;
	}
	until.tv_sec = (time_t)(deadline_ms / 1000);
	until.tv_nsec = (long)(deadline_ms % 1000) * 1000000;
	pthread_cond_timedwait(&wp->wake, &wp->lock, &until);
}

static void *worker_main(void *arg)
{
	struct worker_pool *wp = arg;

	pthread_mutex_lock(&wp->lock);
	for (;;) {
		int64_t next_deadline = expire_heavy(wp, mono_ms());
		struct job *j = take_job(wp);

		if (!j) {
			if (wp->stopping && !wp->urgent.head && !wp->heavy.head)
				break; /* stopping and nothing left */
			/* an idle thread also ends the waits of heavy jobs
			 * that no thread may take yet */
			wait_until(wp, next_deadline);
			continue;
		}
		pthread_mutex_unlock(&wp->lock);

		j->work(j->arg);
		j->ran = true;

		pthread_mutex_lock(&wp->lock);
		wp->running--;
		if (j->heavy) {
			wp->heavy_running--;
			/* a heavy job may wait for this slot on another
			 * thread's timed wait: let it look again */
			if (wp->heavy.head)
				pthread_cond_broadcast(&wp->wake);
		}
		wp->finished++;
		list_push(&wp->done, j);
		wake_loop(wp);
	}
	pthread_mutex_unlock(&wp->lock);
	return NULL;
}

struct worker_pool *worker_pool_create(int n, int queue_max)
{
	struct worker_pool *wp = xcalloc(1, sizeof *wp);
	pthread_condattr_t attr;
	int fds[2];

	if (pipe2(fds, O_CLOEXEC | O_NONBLOCK)) {
		free(wp);
		return NULL;
	}
	wp->pipe_rd = fds[0];
	wp->pipe_wr = fds[1];
	wp->queue_max = (size_t)queue_max;
	wp->heavy_max = n;
	pthread_mutex_init(&wp->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&wp->wake, &attr);
	pthread_condattr_destroy(&attr);
	wp->threads = xcalloc((size_t)n, sizeof *wp->threads);
	for (int i = 0; i < n; i++) {
		if (pthread_create(&wp->threads[i], NULL, worker_main, wp)) {
			worker_pool_destroy(wp);
			return NULL;
		}
		wp->n_threads++;
	}
	return wp;
}

void worker_pool_limit_heavy(struct worker_pool *wp, int threads, int wait_ms)
{
	pthread_mutex_lock(&wp->lock);
	if (threads > wp->n_threads)
		threads = wp->n_threads;
	wp->heavy_max = threads < 1 ? 1 : threads;
	wp->heavy_wait_ms = wait_ms > 0 ? wait_ms : 0;
	pthread_cond_broadcast(&wp->wake);
	pthread_mutex_unlock(&wp->lock);
}

static int submit(struct worker_pool *wp, bool heavy, worker_work_fn work,
		  worker_done_fn done, void *arg)
{
	struct job *j;

	if (!wp)
		return -1; /* the pool is gone (process teardown) */
	pthread_mutex_lock(&wp->lock);
	expire_heavy(wp, mono_ms()); /* room for the living */
	if (wp->stopping || wp->waiting >= wp->queue_max) {
		pthread_mutex_unlock(&wp->lock);
		return -1;
	}
	j = xmalloc(sizeof *j);
	j->ran = false;
	j->heavy = heavy;
	j->work = work;
	j->done = done;
	j->arg = arg;
	j->queued_ms = mono_ms();
	list_push(heavy ? &wp->heavy : &wp->urgent, j);
	wp->waiting++;
	/* every idle thread looks: the one woken by a signal might be kept
	 * from a heavy job by the limit while another could take it */
	pthread_cond_broadcast(&wp->wake);
	pthread_mutex_unlock(&wp->lock);
	return 0;
}

int worker_submit(struct worker_pool *wp, worker_work_fn work,
		  worker_done_fn done, void *arg)
{
	return submit(wp, false, work, done, arg);
}

int worker_submit_heavy(struct worker_pool *wp, worker_work_fn work,
			worker_done_fn done, void *arg)
{
	return submit(wp, true, work, done, arg);
}

int worker_pool_fd(const struct worker_pool *wp)
{
	return wp->pipe_rd;
}

int worker_pool_drain(struct worker_pool *wp)
{
	char buf[256];
	struct job *list, *j;
	int n = 0;

	while (read(wp->pipe_rd, buf, sizeof buf) > 0)
		;
	pthread_mutex_lock(&wp->lock);
	list = wp->done.head;
	wp->done.head = wp->done.tail = NULL;
	wp->finished = 0;
	pthread_mutex_unlock(&wp->lock);
	while ((j = list)) {
		list = j->next;
		if (j->done)
			j->done(j->arg, j->ran);
		free(j);
		n++;
	}
	return n;
}

size_t worker_pool_pending(struct worker_pool *wp)
{
	size_t n;

	pthread_mutex_lock(&wp->lock);
	n = wp->waiting + wp->running + wp->finished;
	pthread_mutex_unlock(&wp->lock);
	return n;
}

void worker_pool_cancel_waiting(struct worker_pool *wp)
{
	pthread_mutex_lock(&wp->lock);
	if (wp->waiting) {
		list_move_all(&wp->done, &wp->urgent);
		list_move_all(&wp->done, &wp->heavy);
		wp->finished += wp->waiting;
		wp->waiting = 0;
		wake_loop(wp);
	}
	pthread_mutex_unlock(&wp->lock);
}

void worker_pool_destroy(struct worker_pool *wp)
{
	if (!wp)
		return;
	worker_pool_cancel_waiting(wp);
	pthread_mutex_lock(&wp->lock);
	wp->stopping = true;
	pthread_cond_broadcast(&wp->wake);
	pthread_mutex_unlock(&wp->lock);
	for (int i = 0; i < wp->n_threads; i++)
		pthread_join(wp->threads[i], NULL);
	worker_pool_drain(wp);
	free(wp->threads);
	close(wp->pipe_rd);
	close(wp->pipe_wr);
	pthread_cond_destroy(&wp->wake);
	pthread_mutex_destroy(&wp->lock);
	free(wp);
}
