/* lock_set.c - the rows that batches in flight lock (see lock_set.h). */
#include "base/lock_set.h"

uint64_t lock_key_dealer(int64_t dealer)
{
	return (uint64_t)dealer << 1 | 1u;
}

uint64_t lock_key_variant(int64_t variant)
{
	return (uint64_t)variant << 1;
}

bool lock_set_any(const struct lock_set *s, const uint64_t *keys, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (idmap_get(&s->counts, keys[i]))
			return true;
	return false;
}

unsigned lock_set_count(const struct lock_set *s, uint64_t key)
{
	return (unsigned)(uintptr_t)idmap_get(&s->counts, key);
}

int lock_set_add(struct lock_set *s, const uint64_t *keys, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uintptr_t count = (uintptr_t)idmap_get(&s->counts, keys[i]);

		if (idmap_put(&s->counts, keys[i], (void *)(count + 1))) {
			lock_set_remove(s, keys, i);
			return -1;
		}
	}
	return 0;
}

void lock_set_remove(struct lock_set *s, const uint64_t *keys, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uintptr_t count = (uintptr_t)idmap_get(&s->counts, keys[i]);

		if (count > 1)
			idmap_put(&s->counts, keys[i], (void *)(count - 1));
		else if (count == 1)
			idmap_remove(&s->counts, keys[i]);
	}
}

size_t lock_set_size(const struct lock_set *s)
{
	return s->counts.count;
}

void lock_set_free(struct lock_set *s)
{
	idmap_free(&s->counts);
}
