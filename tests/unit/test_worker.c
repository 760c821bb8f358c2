/* test_worker.c - the bounded thread pool and its wake-up descriptor.
 *
 * Links the real worker.c (fair_core). Jobs can be held on a gate so the
 * test knows exactly how many threads are busy and how many jobs wait. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>

#include "base/worker.h"

/* A gate that held jobs wait on, and a count of jobs that started. */
struct gate {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool open;
	int started;
};

static void gate_init(struct gate *g)
{
	pthread_mutex_init(&g->lock, NULL);
	pthread_cond_init(&g->cond, NULL);
	g->open = false;
	g->started = 0;
}

static void gate_destroy(struct gate *g)
{
	pthread_cond_destroy(&g->cond);
	pthread_mutex_destroy(&g->lock);
}

static void gate_open(struct gate *g)
{
	pthread_mutex_lock(&g->lock);
	g->open = true;
	pthread_cond_broadcast(&g->cond);
	pthread_mutex_unlock(&g->lock);
}

/* Waits until n jobs have started (10 s at most). */
static void gate_wait_started(struct gate *g, int n)
{
	struct timespec until;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 10;
	pthread_mutex_lock(&g->lock);
	while (g->started < n)
		if (pthread_cond_timedwait(&g->cond, &g->lock, &until)) {
			pthread_mutex_unlock(&g->lock);
			fail_msg("only %d of %d jobs started", g->started, n);
		}
	pthread_mutex_unlock(&g->lock);
}

struct job {
	int id;
	struct gate *gate; /* NULL: run at once */
	pthread_t work_thread, done_thread;
	atomic_int work_runs, done_runs;
	struct job *chain; /* submitted again from done, when set */
	struct worker_pool *pool;
	bool ran;  /* what done was told */
	int order; /* 1 + how many works finished before this one */
};

static atomic_int works_finished;

static void job_work(void *arg)
{
	struct job *j = arg;

	j->work_thread = pthread_self();
	if (j->gate) {
		pthread_mutex_lock(&j->gate->lock);
		j->gate->started++;
		pthread_cond_broadcast(&j->gate->cond);
		while (!j->gate->open)
			pthread_cond_wait(&j->gate->cond, &j->gate->lock);
		pthread_mutex_unlock(&j->gate->lock);
	}
	atomic_fetch_add(&j->work_runs, 1);
	j->order = atomic_fetch_add(&works_finished, 1) + 1;
}

static void job_done(void *arg, bool ran)
{
	struct job *j = arg;

	j->ran = ran;
	j->done_thread = pthread_self();
	atomic_fetch_add(&j->done_runs, 1);
	if (j->chain)
		assert_int_equal(
			worker_submit(j->pool, job_work, job_done, j->chain),
			0);
}

static void jobs_init(struct job *jobs, int n, struct gate *g)
{
	memset(jobs, 0, sizeof *jobs * (size_t)n);
	for (int i = 0; i < n; i++) {
		jobs[i].id = i;
		jobs[i].gate = g;
		atomic_init(&jobs[i].work_runs, 0);
		atomic_init(&jobs[i].done_runs, 0);
	}
}

/* True when the wake-up descriptor is readable within timeout_ms. */
static bool fd_readable(struct worker_pool *wp, int timeout_ms)
{
	struct pollfd p = {.fd = worker_pool_fd(wp), .events = POLLIN};

	return poll(&p, 1, timeout_ms) == 1 && (p.revents & POLLIN);
}

/* Drains as the loop would, until total done callbacks have run. */
static void drain_until(struct worker_pool *wp, int *done_so_far, int total)
{
	while (*done_so_far < total) {
		if (!fd_readable(wp, 10000))
			fail_msg("no wake-up after %d of %d", *done_so_far,
				 total);
		*done_so_far += worker_pool_drain(wp);
	}
	assert_int_equal(*done_so_far, total);
}

static void test_jobs_run_done_on_drain(void **state)
{
	enum { N = 50 };
	static struct job jobs[N];
	struct worker_pool *wp = worker_pool_create(3, N);
	pthread_t self = pthread_self();
	int done = 0;

	(void)state;
	assert_non_null(wp);
	assert_true(worker_pool_fd(wp) >= 0);
	assert_false(fd_readable(wp, 0)); /* nothing finished yet */
	jobs_init(jobs, N, NULL);
	atomic_store(&works_finished, 0);
	for (int i = 0; i < N; i++)
		assert_int_equal(
			worker_submit(wp, job_work, job_done, &jobs[i]), 0);
	/* every work function runs on its own, without the loop */
	for (int spins = 0; atomic_load(&works_finished) < N; spins++) {
		struct timespec ms = {0, 1000000};

		if (spins > 10000)
			fail_msg("work did not run");
		nanosleep(&ms, NULL);
	}
	/* but no done function runs until the loop drains */
	for (int i = 0; i < N; i++)
		assert_int_equal(atomic_load(&jobs[i].done_runs), 0);
	assert_true(fd_readable(wp, 10000));
	drain_until(wp, &done, N);
	for (int i = 0; i < N; i++) {
		assert_int_equal(atomic_load(&jobs[i].work_runs), 1);
		assert_int_equal(atomic_load(&jobs[i].done_runs), 1);
		/* work on a worker thread, done on the calling thread */
		assert_false(pthread_equal(jobs[i].work_thread, self));
		assert_true(pthread_equal(jobs[i].done_thread, self));
	}
	/* all quiet: nothing pending, nothing to drain */
	assert_int_equal(worker_pool_drain(wp), 0);
	assert_int_equal(worker_pool_pending(wp), 0);
	assert_false(fd_readable(wp, 0));
	worker_pool_destroy(wp);
	for (int i = 0; i < N; i++)
		assert_int_equal(atomic_load(&jobs[i].done_runs), 1);
}

static void test_queue_bound(void **state)
{
	enum { THREADS = 2, QUEUE = 3 };
	static struct job jobs[THREADS + QUEUE + 1];
	struct gate g;
	struct worker_pool *wp = worker_pool_create(THREADS, QUEUE);
	int done = 0;

	(void)state;
	assert_non_null(wp);
	gate_init(&g);
	jobs_init(jobs, THREADS + QUEUE + 1, &g);
	/* occupy both threads */
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(
			worker_submit(wp, job_work, job_done, &jobs[i]), 0);
	gate_wait_started(&g, THREADS);
	assert_int_equal(worker_pool_pending(wp), THREADS);
	/* queue_max jobs may wait */
	for (int i = THREADS; i < THREADS + QUEUE; i++)
		assert_int_equal(
			worker_submit(wp, job_work, job_done, &jobs[i]), 0);
	assert_int_equal(worker_pool_pending(wp), THREADS + QUEUE);
	/* one more is refused, and then neither function is ever called */
	assert_int_equal(
		worker_submit(wp, job_work, job_done, &jobs[THREADS + QUEUE]),
		-1);
	assert_int_equal(
		worker_submit(wp, job_work, job_done, &jobs[THREADS + QUEUE]),
		-1);
	assert_int_equal(worker_pool_pending(wp), THREADS + QUEUE);

	gate_open(&g);
	drain_until(wp, &done, THREADS + QUEUE);
	assert_int_equal(atomic_load(&jobs[THREADS + QUEUE].work_runs), 0);
	assert_int_equal(atomic_load(&jobs[THREADS + QUEUE].done_runs), 0);
	assert_int_equal(worker_pool_pending(wp), 0);

	/* room again once the queue has moved */
	assert_int_equal(
		worker_submit(wp, job_work, job_done, &jobs[THREADS + QUEUE]),
		0);
	drain_until(wp, &done, THREADS + QUEUE + 1);
	for (int i = 0; i < THREADS + QUEUE + 1; i++) {
		assert_int_equal(atomic_load(&jobs[i].work_runs), 1);
		assert_int_equal(atomic_load(&jobs[i].done_runs), 1);
	}
	worker_pool_destroy(wp);
	gate_destroy(&g);
}

static void test_destroy_runs_pending_done(void **state)
{
	enum { N = 40 };
	static struct job jobs[N];
	struct worker_pool *wp = worker_pool_create(2, N);
	pthread_t self = pthread_self();

	(void)state;
	assert_non_null(wp);
	jobs_init(jobs, N, NULL);
	for (int i = 0; i < N; i++)
		assert_int_equal(
			worker_submit(wp, job_work, job_done, &jobs[i]), 0);
	/* no drain: destroy cancels what no thread took yet, then runs
	 * every done function on this thread, each told whether its work
	 * ran */
	worker_pool_destroy(wp);
	for (int i = 0; i < N; i++) {
		assert_int_equal(atomic_load(&jobs[i].done_runs), 1);
		assert_true(pthread_equal(jobs[i].done_thread, self));
		assert_int_equal(atomic_load(&jobs[i].work_runs),
				 jobs[i].ran ? 1 : 0);
	}
	worker_pool_destroy(NULL); /* harmless */
}

/* A job still held on the gate when destroy starts is waited for; the
 * ones waiting behind it are cancelled. */
static void *open_later(void *arg)
{
	struct timespec ms = {0, 50 * 1000000};

	nanosleep(&ms, NULL);
	gate_open(arg);
	return NULL;
}

static void test_destroy_waits_for_running(void **state)
{
	enum { N = 4 };
	static struct job jobs[N];
	struct gate g;
	struct worker_pool *wp = worker_pool_create(1, N);
	pthread_t opener;

	(void)state;
	assert_non_null(wp);
	gate_init(&g);
	jobs_init(jobs, N, &g);
	for (int i = 0; i < N; i++)
		assert_int_equal(
			worker_submit(wp, job_work, job_done, &jobs[i]), 0);
	gate_wait_started(&g, 1);
	assert_int_equal(pthread_create(&opener, NULL, open_later, &g), 0);
	worker_pool_destroy(wp);
	pthread_join(opener, NULL);
	assert_int_equal(atomic_load(&jobs[0].work_runs), 1);
	assert_true(jobs[0].ran);
	for (int i = 0; i < N; i++)
		assert_int_equal(atomic_load(&jobs[i].done_runs), 1);
	for (int i = 1; i < N; i++) {
		assert_int_equal(atomic_load(&jobs[i].work_runs), 0);
		assert_false(jobs[i].ran);
	}
	gate_destroy(&g);
}

/* Cancelling answers the waiting jobs at the next drain, without running
 * them; the running one goes on. */
static void test_cancel_waiting(void **state)
{
	enum { N = 4 };
	static struct job jobs[N];
	struct gate g;
	struct worker_pool *wp = worker_pool_create(1, N);
	int done = 0;

	(void)state;
	assert_non_null(wp);
	gate_init(&g);
	jobs_init(jobs, N, &g);
	for (int i = 0; i < N; i++)
		assert_int_equal(
			worker_submit(wp, job_work, job_done, &jobs[i]), 0);
	gate_wait_started(&g, 1);
	worker_pool_cancel_waiting(wp);
	assert_int_equal(worker_pool_pending(wp), N);
	drain_until(wp, &done, N - 1);
	for (int i = 1; i < N; i++) {
		assert_int_equal(atomic_load(&jobs[i].done_runs), 1);
		assert_int_equal(atomic_load(&jobs[i].work_runs), 0);
		assert_false(jobs[i].ran);
	}
	assert_int_equal(atomic_load(&jobs[0].done_runs), 0);
	gate_open(&g);
	drain_until(wp, &done, N);
	assert_true(jobs[0].ran);
	assert_int_equal(atomic_load(&jobs[0].work_runs), 1);
	worker_pool_destroy(wp);
	gate_destroy(&g);
}

/* A done function may submit the next job (a chain of steps). */
static void test_submit_from_done(void **state)
{
	static struct job jobs[3];
	struct worker_pool *wp = worker_pool_create(1, 1);
	int done = 0;

	(void)state;
	assert_non_null(wp);
	jobs_init(jobs, 3, NULL);
	jobs[0].chain = &jobs[1];
	jobs[0].pool = wp;
	jobs[1].chain = &jobs[2];
	jobs[1].pool = wp;
	assert_int_equal(worker_submit(wp, job_work, job_done, &jobs[0]), 0);
	drain_until(wp, &done, 3);
	for (int i = 0; i < 3; i++)
		assert_int_equal(atomic_load(&jobs[i].done_runs), 1);
	worker_pool_destroy(wp);
}

/* Urgent jobs (password hashing) go before every waiting heavy job. */
static void test_urgent_before_heavy(void **state)
{
	enum { N = 5 };
	static struct job jobs[N];
	struct gate g;
	struct worker_pool *wp = worker_pool_create(1, N);
	int done = 0;

	(void)state;
	assert_non_null(wp);
	gate_init(&g);
	jobs_init(jobs, N, NULL);
	jobs[0].gate = &g; /* holds the only thread */
	atomic_store(&works_finished, 0);
	assert_int_equal(worker_submit_heavy(wp, job_work, job_done, &jobs[0]),
			 0);
	gate_wait_started(&g, 1);
	assert_int_equal(worker_submit_heavy(wp, job_work, job_done, &jobs[1]),
			 0);
	assert_int_equal(worker_submit_heavy(wp, job_work, job_done, &jobs[2]),
			 0);
	assert_int_equal(worker_submit(wp, job_work, job_done, &jobs[3]), 0);
	assert_int_equal(worker_submit(wp, job_work, job_done, &jobs[4]), 0);
	gate_open(&g);
	drain_until(wp, &done, N);
	/* the held one, then both urgent ones in order, then the heavy */
	assert_int_equal(jobs[0].order, 1);
	assert_int_equal(jobs[3].order, 2);
	assert_int_equal(jobs[4].order, 3);
	assert_int_equal(jobs[1].order, 4);
	assert_int_equal(jobs[2].order, 5);
	worker_pool_destroy(wp);
	gate_destroy(&g);
}

/* Heavy jobs use at most the threads they are allowed; an urgent job runs
 * at once on a thread they leave free, however many heavy jobs wait. */
static void test_heavy_leave_threads_free(void **state)
{
	enum { HEAVY = 6 };
	static struct job heavy[HEAVY], urgent[1];
	struct gate g;
	struct worker_pool *wp = worker_pool_create(3, 16);
	struct timespec ms50 = {0, 50 * 1000000};
	int done = 0;

	(void)state;
	assert_non_null(wp);
	worker_pool_limit_heavy(wp, 2, 0);
	gate_init(&g);
	jobs_init(heavy, HEAVY, &g);
	jobs_init(urgent, 1, NULL);
	atomic_store(&works_finished, 0);
	for (int i = 0; i < HEAVY; i++)
		assert_int_equal(
			worker_submit_heavy(wp, job_work, job_done, &heavy[i]),
			0);
	gate_wait_started(&g, 2);
	nanosleep(&ms50, NULL);
	pthread_mutex_lock(&g.lock);
	assert_int_equal(g.started, 2); /* not 3: one thread is kept */
	pthread_mutex_unlock(&g.lock);
	assert_int_equal(worker_submit(wp, job_work, job_done, &urgent[0]), 0);
	drain_until(wp, &done, 1);
	assert_int_equal(atomic_load(&urgent[0].done_runs), 1);
	assert_true(urgent[0].ran);
	gate_open(&g);
	drain_until(wp, &done, 1 + HEAVY);
	for (int i = 0; i < HEAVY; i++)
		assert_true(heavy[i].ran);
	/* the limit is at least one thread and at most all of them */
	worker_pool_limit_heavy(wp, 0, 0);
	worker_pool_limit_heavy(wp, 99, 0);
	worker_pool_destroy(wp);
	gate_destroy(&g);
}

/* A heavy job that waited past its deadline is answered without running,
 * while the job ahead of it still runs; one that gets a thread in time
 * runs. */
static void test_heavy_deadline(void **state)
{
	static struct job jobs[3];
	struct gate g;
	struct worker_pool *wp = worker_pool_create(2, 8);
	struct timespec t0, t1;
	int done = 0;
	long waited_ms;

	(void)state;
	assert_non_null(wp);
	worker_pool_limit_heavy(wp, 1, 100);
	gate_init(&g);
	jobs_init(jobs, 3, NULL);
	jobs[0].gate = &g;
	assert_int_equal(worker_submit_heavy(wp, job_work, job_done, &jobs[0]),
			 0);
	gate_wait_started(&g, 1);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(worker_submit_heavy(wp, job_work, job_done, &jobs[1]),
			 0);
	/* the idle thread ends its wait: no other job needs to come */
	drain_until(wp, &done, 1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	waited_ms = (t1.tv_sec - t0.tv_sec) * 1000 +
		    (t1.tv_nsec - t0.tv_nsec) / 1000000;
	assert_true(waited_ms >= 90);
	assert_true(waited_ms < 5000);
	assert_int_equal(atomic_load(&jobs[1].done_runs), 1);
	assert_false(jobs[1].ran);
	assert_int_equal(atomic_load(&jobs[1].work_runs), 0);
	assert_int_equal(atomic_load(&jobs[0].done_runs), 0); /* still held */
	gate_open(&g);
	drain_until(wp, &done, 2);
	assert_true(jobs[0].ran);
	assert_int_equal(worker_submit_heavy(wp, job_work, job_done, &jobs[2]),
			 0);
	drain_until(wp, &done, 3);
	assert_true(jobs[2].ran);
	worker_pool_destroy(wp);
	gate_destroy(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jobs_run_done_on_drain),
		cmocka_unit_test(test_queue_bound),
		cmocka_unit_test(test_destroy_runs_pending_done),
		cmocka_unit_test(test_destroy_waits_for_running),
		cmocka_unit_test(test_cancel_waiting),
		cmocka_unit_test(test_submit_from_done),
		cmocka_unit_test(test_urgent_before_heavy),
		cmocka_unit_test(test_heavy_leave_threads_free),
		cmocka_unit_test(test_heavy_deadline),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
