/* worker.c - worker threads with a bounded queue (see worker.h). */
#include "base/worker.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/xalloc.h"

struct job {
	struct job *next;
	worker_work_fn work;
	worker_done_fn done;
	void *arg;
	bool ran;
};

struct worker_pool {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	struct job *todo_head, *todo_tail; /* waiting for a thread */
	struct job *done_head, *done_tail; /* finished, for the loop */
	size_t waiting, running, finished, queue_max;
	bool stopping;
	int pipe_rd, pipe_wr; /* a byte per wake-up; non-blocking */
	pthread_t *threads;
	int n_threads;
};

static void *worker_main(void *arg)
{
	struct worker_pool *wp = arg;

	pthread_mutex_lock(&wp->lock);
	for (;;) {
		struct job *j;

		while (!wp->todo_head && !wp->stopping)
			pthread_cond_wait(&wp->wake, &wp->lock);
		if (!wp->todo_head)
			break; /* stopping and nothing left */
		j = wp->todo_head;
		wp->todo_head = j->next;
		if (!wp->todo_head)
			wp->todo_tail = NULL;
		wp->waiting--;
		wp->running++;
		pthread_mutex_unlock(&wp->lock);

		j->work(j->arg);
		j->ran = true;

		pthread_mutex_lock(&wp->lock);
		wp->running--;
		wp->finished++;
		j->next = NULL;
		if (wp->done_tail)
			wp->done_tail->next = j;
		else
			wp->done_head = j;
		wp->done_tail = j;
		/* A full pipe already means "wake up": EAGAIN is fine. */
		ssize_t wrote = write(wp->pipe_wr, "", 1);
		(void)wrote;
	}
	pthread_mutex_unlock(&wp->lock);
	return NULL;
}

struct worker_pool *worker_pool_create(int n, int queue_max)
{
	struct worker_pool *wp = xcalloc(1, sizeof *wp);
	int fds[2];

	if (pipe2(fds, O_CLOEXEC | O_NONBLOCK)) {
		free(wp);
		return NULL;
	}
	wp->pipe_rd = fds[0];
	wp->pipe_wr = fds[1];
	wp->queue_max = (size_t)queue_max;
	pthread_mutex_init(&wp->lock, NULL);
	pthread_cond_init(&wp->wake, NULL);
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

int worker_submit(struct worker_pool *wp, worker_work_fn work,
		  worker_done_fn done, void *arg)
{
	struct job *j;

	if (!wp)
		return -1; /* the pool is gone (process teardown) */
	pthread_mutex_lock(&wp->lock);
	if (wp->stopping || wp->waiting >= wp->queue_max) {
		pthread_mutex_unlock(&wp->lock);
		return -1;
	}
	j = xmalloc(sizeof *j);
	j->next = NULL;
	j->ran = false;
	j->work = work;
	j->done = done;
	j->arg = arg;
	if (wp->todo_tail)
		wp->todo_tail->next = j;
	else
		wp->todo_head = j;
	wp->todo_tail = j;
	wp->waiting++;
	pthread_cond_signal(&wp->wake);
	pthread_mutex_unlock(&wp->lock);
	return 0;
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
	list = wp->done_head;
	wp->done_head = wp->done_tail = NULL;
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
	ssize_t wrote;

	pthread_mutex_lock(&wp->lock);
	if (wp->todo_head) {
		if (wp->done_tail)
			wp->done_tail->next = wp->todo_head;
		else
			wp->done_head = wp->todo_head;
		wp->done_tail = wp->todo_tail;
		wp->finished += wp->waiting;
		wp->todo_head = wp->todo_tail = NULL;
		wp->waiting = 0;
		wrote = write(wp->pipe_wr, "", 1);
		(void)wrote;
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
