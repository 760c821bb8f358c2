/* test_idmap.c - the id to pointer map, checked against a plain array.
 *
 * Links the real idmap.c (fair_core). The random workloads use a fixed
 * seed, so a failure repeats. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "base/idmap.h"

/* splitmix64: a small deterministic generator. */
static uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A value that tells which id it was stored for (never NULL). */
static void *value_for(uint64_t id, unsigned generation)
{
	return (void *)(uintptr_t)((id << 8) ^ (generation + 1u));
}

static void test_put_get_remove(void **state)
{
	struct idmap m = {0};
	int a = 1, b = 2, c = 3;

	(void)state;
	/* an empty map answers without a table */
	assert_null(idmap_get(&m, 1));
	assert_null(idmap_remove(&m, 1));
	assert_int_equal(m.count, 0);

	assert_int_equal(idmap_put(&m, 1, &a), 0);
	assert_int_equal(idmap_put(&m, 2, &b), 0);
	assert_int_equal(idmap_put(&m, UINT64_MAX, &c), 0);
	assert_int_equal(m.count, 3);
	assert_ptr_equal(idmap_get(&m, 1), &a);
	assert_ptr_equal(idmap_get(&m, 2), &b);
	assert_ptr_equal(idmap_get(&m, UINT64_MAX), &c);
	assert_null(idmap_get(&m, 3));

	/* put replaces */
	assert_int_equal(idmap_put(&m, 2, &c), 0);
	assert_int_equal(m.count, 3);
	assert_ptr_equal(idmap_get(&m, 2), &c);

	/* remove returns the value, then the id is gone */
	assert_ptr_equal(idmap_remove(&m, 2), &c);
	assert_int_equal(m.count, 2);
	assert_null(idmap_get(&m, 2));
	assert_null(idmap_remove(&m, 2));
	assert_int_equal(m.count, 2);
	assert_ptr_equal(idmap_get(&m, 1), &a);

	/* a NULL value may be stored; it reads back as NULL */
	assert_int_equal(idmap_put(&m, 9, NULL), 0);
	assert_int_equal(m.count, 3);
	assert_null(idmap_get(&m, 9));
	assert_null(idmap_remove(&m, 9));
	assert_int_equal(m.count, 2);

	idmap_free(&m);
	assert_null(m.slots);
	assert_int_equal(m.capacity, 0);
	assert_int_equal(m.count, 0);
	/* usable again after free */
	assert_null(idmap_get(&m, 1));
	assert_int_equal(idmap_put(&m, 5, &a), 0);
	assert_ptr_equal(idmap_get(&m, 5), &a);
	idmap_free(&m);
	idmap_free(&m);
}

static void test_id_zero_refused(void **state)
{
	struct idmap m = {0};
	int a = 1;

	(void)state;
	assert_int_equal(idmap_put(&m, 0, &a), -1);
	assert_int_equal(m.count, 0);
	assert_null(idmap_get(&m, 0));
	assert_null(idmap_remove(&m, 0));
	assert_int_equal(idmap_put(&m, 7, &a), 0);
	assert_int_equal(idmap_put(&m, 0, &a), -1);
	assert_null(idmap_get(&m, 0));
	assert_null(idmap_remove(&m, 0));
	assert_int_equal(m.count, 1);
	idmap_free(&m);
}

/* Checks every id of the reference against the map, and the count. */
static void check_against(const struct idmap *m, const uint64_t *ids,
			  void *const *values, const unsigned char *present,
			  size_t n)
{
	size_t count = 0;

	for (size_t i = 0; i < n; i++) {
		void *got = idmap_get(m, ids[i]);

		if (present[i]) {
			count++;
			if (got != values[i])
				fail_msg("id %llu: got %p, expected %p",
					 (unsigned long long)ids[i], got,
					 values[i]);
		} else if (got) {
			fail_msg("id %llu: removed but still found",
				 (unsigned long long)ids[i]);
		}
	}
	assert_int_equal(m->count, count);
	/* the table is never more than three quarters full */
	assert_true(m->count * 4 <= m->capacity * 3);
}

/* Random put/replace/remove over a pool of ids, checked after every step.
 * A small pool keeps the table small and full of clusters that wrap
 * around its end, where backward-shift deletion is easiest to get wrong.
 * (The put is checked by the reference after each step, so a removal that
 * leaves a hole in a cluster shows up as a lost id.) */
static void churn(size_t pool, size_t steps, int sequential, uint64_t seed)
{
	struct idmap m = {0};
	uint64_t *ids = calloc(pool, sizeof *ids);
	void **values = calloc(pool, sizeof *values);
	unsigned char *present = calloc(pool, 1);
	uint64_t s = seed;
	int filling = 1;

	assert_non_null(ids);
	assert_non_null(values);
	assert_non_null(present);
	for (size_t i = 0; i < pool; i++)
		ids[i] = sequential ? i + 1 : (rng_next(&s) | 1);
	for (size_t step = 0; step < steps; step++) {
		size_t i = (size_t)(rng_next(&s) % pool);
		int remove;

		/* fill to nine tenths of the pool, then drain to a tenth:
		 * phases of heavy deletes */
		if (filling && m.count >= pool * 9 / 10)
			filling = 0;
		else if (!filling && m.count <= pool / 10)
			filling = 1;
		remove = (rng_next(&s) % 4 == 0) == filling;
		if (remove) {
			void *got = idmap_remove(&m, ids[i]);

			assert_ptr_equal(got, present[i] ? values[i] : NULL);
			present[i] = 0;
		} else {
			values[i] = value_for(ids[i], (unsigned)step);
			assert_int_equal(idmap_put(&m, ids[i], values[i]), 0);
			present[i] = 1;
		}
		if (pool <= 256 || step % 997 == 0)
			check_against(&m, ids, values, present, pool);
	}
	check_against(&m, ids, values, present, pool);
	/* empty it completely */
	for (size_t i = 0; i < pool; i++) {
		assert_ptr_equal(idmap_remove(&m, ids[i]),
				 present[i] ? values[i] : NULL);
		present[i] = 0;
	}
	assert_int_equal(m.count, 0);
	for (size_t i = 0; i < m.capacity; i++)
		assert_int_equal(m.slots[i].id, 0);
	idmap_free(&m);
	free(ids);
	free(values);
	free(present);
}

/* 48 ids at most: the table stays at 64 slots, up to three quarters full */
static void test_churn_small_sequential(void **state)
{
	(void)state;
	churn(48, 200000, 1, 1);
	churn(90, 200000, 1, 5);
}

static void test_churn_small_random(void **state)
{
	(void)state;
	churn(48, 200000, 0, 2);
	churn(90, 200000, 0, 6);
}

static void test_churn_large(void **state)
{
	(void)state;
	churn(20000, 400000, 1, 3);
	churn(20000, 400000, 0, 4);
}

/* Many ids in, most removed, the rest still found; then all back in. */
static void test_many_ids_heavy_deletes(void **state)
{
	enum { N = 100000 };
	struct idmap m = {0};
	uint64_t s = 42;

	(void)state;
	for (uint64_t id = 1; id <= N; id++)
		assert_int_equal(idmap_put(&m, id, value_for(id, 0)), 0);
	assert_int_equal(m.count, N);
	/* remove nine in ten, in a scattered order */
	for (uint64_t k = 0; k < N; k++) {
		uint64_t id = (k * 7919) % N + 1;

		if (id % 10)
			assert_ptr_equal(idmap_remove(&m, id),
					 value_for(id, 0));
	}
	assert_int_equal(m.count, N / 10);
	for (uint64_t id = 1; id <= N; id++) {
		if (id % 10)
			assert_null(idmap_get(&m, id));
		else
			assert_ptr_equal(idmap_get(&m, id), value_for(id, 0));
	}
	/* random ids that were never stored are not found */
	for (int i = 0; i < 10000; i++) {
		uint64_t id = rng_next(&s) | (1ULL << 63);

		assert_null(idmap_get(&m, id));
		assert_null(idmap_remove(&m, id));
	}
	for (uint64_t id = 1; id <= N; id++)
		assert_int_equal(idmap_put(&m, id, value_for(id, 1)), 0);
	assert_int_equal(m.count, N);
	for (uint64_t id = 1; id <= N; id++)
		assert_ptr_equal(idmap_get(&m, id), value_for(id, 1));
	idmap_free(&m);
}

struct visit {
	uint64_t id_sum;
	uintptr_t value_sum;
	size_t calls;
	void *arg_seen;
};

static void visit_one(uint64_t id, void *value, void *arg)
{
	struct visit *v = arg;

	v->id_sum += id;
	v->value_sum += (uintptr_t)value;
	v->calls++;
	v->arg_seen = arg;
}

static void test_foreach(void **state)
{
	struct idmap m = {0};
	struct visit v = {0};

	(void)state;
	idmap_foreach(&m, visit_one, &v); /* empty map: no calls */
	assert_int_equal(v.calls, 0);

	for (uint64_t id = 1; id <= 1000; id++)
		assert_int_equal(idmap_put(&m, id, (void *)(uintptr_t)(id * 3)),
				 0);
	for (uint64_t id = 2; id <= 1000; id += 2)
		idmap_remove(&m, id);
	idmap_foreach(&m, visit_one, &v);
	assert_int_equal(v.calls, 500);
	assert_int_equal(v.id_sum, 500 * 500); /* 1 + 3 + ... + 999 */
	assert_int_equal(v.value_sum, 3 * 500 * 500);
	assert_ptr_equal(v.arg_seen, &v);
	idmap_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_put_get_remove),
		cmocka_unit_test(test_id_zero_refused),
		cmocka_unit_test(test_churn_small_sequential),
		cmocka_unit_test(test_churn_small_random),
		cmocka_unit_test(test_churn_large),
		cmocka_unit_test(test_many_ids_heavy_deletes),
		cmocka_unit_test(test_foreach),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
