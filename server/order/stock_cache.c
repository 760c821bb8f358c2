/* stock_cache.c - last known remaining stock (see stock_cache.h). */
#include "order/stock_cache.h"

#include <stdlib.h>

#include "base/idmap.h"
#include "base/xalloc.h"

/* fair id -> its variants: variant id -> remaining + 1 (0 is "absent") */
struct fair_stock {
	struct idmap variants;
	bool whole; /* seeded from a read of the whole fair */
};

static struct idmap fairs;
static uint64_t generation;

static struct fair_stock *fair_stock(int64_t fair)
{
	struct fair_stock *f = idmap_get(&fairs, (uint64_t)fair);

	if (!f) {
		f = xcalloc(1, sizeof *f);
		idmap_put(&fairs, (uint64_t)fair, f);
	}
	return f;
}

uint64_t stock_cache_generation(void)
{
	return generation;
}

void stock_cache_set(int64_t fair, int64_t variant, int64_t remaining)
{
	if (remaining < 0 || fair <= 0 || variant <= 0)
		return;
	generation++;
	idmap_put(&fair_stock(fair)->variants, (uint64_t)variant,
		  (void *)(uintptr_t)(remaining + 1));
}

int64_t stock_cache_get(int64_t fair, int64_t variant)
{
	struct fair_stock *f = idmap_get(&fairs, (uint64_t)fair);
	uintptr_t v =
		f ? (uintptr_t)idmap_get(&f->variants, (uint64_t)variant) : 0;

	return v ? (int64_t)v - 1 : -1;
}

bool stock_cache_whole(int64_t fair)
{
	struct fair_stock *f = idmap_get(&fairs, (uint64_t)fair);

	return f && f->whole;
}

bool stock_cache_seed(int64_t fair, uint64_t since, size_t n,
		      const int64_t *variants, const int64_t *remaining)
{
	struct fair_stock *f;

	if (since != generation || fair <= 0)
		return false;
	if (!n)
		return true; /* no such fair (or none offered): nothing kept */
	f = fair_stock(fair);
	for (size_t i = 0; i < n; i++)
		if (remaining[i] >= 0 && variants[i] > 0)
			idmap_put(&f->variants, (uint64_t)variants[i],
				  (void *)(uintptr_t)(remaining[i] + 1));
	f->whole = true;
	generation++;
	return true;
}

static void free_fair(uint64_t id, void *value, void *arg)
{
	struct fair_stock *f = value;

	(void)id;
	(void)arg;
	idmap_free(&f->variants);
	free(f);
}

void stock_cache_forget(void)
{
	generation++;
	idmap_foreach(&fairs, free_fair, NULL);
	idmap_free(&fairs);
}
