/* lock_set.h - the rows that batches in flight lock, counted.
 *
 * An order batch locks its dealers' rows and its variants' stock rows until
 * it commits. A second batch that shares none of them decides alongside the
 * first on another database backend; one that shares any would only wait for
 * the first's locks, so it is better kept in the queue, where it can still
 * grow and be refused early from the stock heard meanwhile. Keys are
 * counted: one batch may name a dealer or a variant several times.
 *
 * Any counted set of 64-bit keys works the same way: net/ws_session.c
 * counts each user's and each client address's open sockets with one. */
#ifndef FAIR_LOCK_SET_H
#define FAIR_LOCK_SET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/idmap.h"

struct lock_set {
	struct idmap counts; /* key -> (void *)(uintptr_t)count */
};

/* The keys of a dealer row and of a variant's stock rows (in any fair: two
 * fairs' rows of one variant count as one, which only errs on the safe
 * side). Ids must be positive. */
uint64_t lock_key_dealer(int64_t dealer);
uint64_t lock_key_variant(int64_t variant);

/* Whether any of keys[0..n) is held. */
bool lock_set_any(const struct lock_set *s, const uint64_t *keys, size_t n);

/* How many times key is held (0: not held). */
unsigned lock_set_count(const struct lock_set *s, uint64_t key);

/* Holds keys[0..n) once more. Returns 0, or -1 when a key is 0, which
 * idmap reserves (then nothing was added). */
int lock_set_add(struct lock_set *s, const uint64_t *keys, size_t n);

/* Releases keys[0..n), each once (keys not held are ignored). */
void lock_set_remove(struct lock_set *s, const uint64_t *keys, size_t n);

/* How many distinct keys are held. */
size_t lock_set_size(const struct lock_set *s);

void lock_set_free(struct lock_set *s);

#endif
