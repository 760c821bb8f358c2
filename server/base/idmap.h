/* idmap.h - a hash map from 64-bit ids to pointers.
 *
 * Asynchronous work keeps ids, never pointers (a session or request may be
 * gone when the result arrives); this map turns an id back into the object
 * while it lives. Open addressing with backward-shift deletion. Id 0 is
 * reserved (empty slot). The map does not own the values. */
#ifndef FAIR_IDMAP_H
#define FAIR_IDMAP_H

#include <stddef.h>
#include <stdint.h>

struct idmap {
	struct idmap_slot {
		uint64_t id;
		void *value;
	} * slots;
	size_t capacity; /* a power of two, or 0 before the first put */
	size_t count;
};

/* Inserts or replaces. Returns 0, or -1 when id is 0 (out of memory
 * aborts: base/xalloc.h). */
int idmap_put(struct idmap *m, uint64_t id, void *value);

/* Returns the value for id, or NULL. */
void *idmap_get(const struct idmap *m, uint64_t id);

/* Removes id if present; returns its value or NULL. */
void *idmap_remove(struct idmap *m, uint64_t id);

/* Calls fn for each entry. fn must not change the map. */
void idmap_foreach(const struct idmap *m,
		   void (*fn)(uint64_t id, void *value, void *arg), void *arg);

/* Frees the table (not the values). */
void idmap_free(struct idmap *m);

#endif
