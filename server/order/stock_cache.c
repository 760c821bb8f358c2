/* stock_cache.c - last known remaining stock (see stock_cache.h). */
#include "order/stock_cache.h"

#include <stdlib.h>

#include "base/idmap.h"
#include "base/xalloc.h"

/* fair id -> struct idmap of variant id -> remaining + 1 (0 is "absent") */
static struct idmap fairs;
static uint64_t generation;

uint64_t stock_cache_generation(void)
{
	return generation;
}

void stock_cache_set(int64_t fair, int64_t variant, int64_t remaining)
{
	struct idmap *variants = idmap_get(&fairs, (uint64_t)fair);

	if (remaining < 0 || fair <= 0 || variant <= 0)
		return;
	generation++;
	if (!variants) {
		variants = xcalloc(1, sizeof *variants);
		idmap_put(&fairs, (uint64_t)fair, variants);
	}
	idmap_put(variants, (uint64_t)variant,
		  (void *)(uintptr_t)(remaining + 1));
}

int64_t stock_cache_get(int64_t fair, int64_t variant)
{
	struct idmap *variants = idmap_get(&fairs, (uint64_t)fair);
	uintptr_t v =
		variants ? (uintptr_t)idmap_get(variants, (uint64_t)variant)
			 : 0;

	return v ? (int64_t)v - 1 : -1;
}

static void free_fair(uint64_t id, void *value, void *arg)
{
	(void)id;
	(void)arg;
	idmap_free(value);
	free(value);
}

void stock_cache_forget(void)
{
	generation++;
	idmap_foreach(&fairs, free_fair, NULL);
	idmap_free(&fairs);
}
