/* idmap.c - id to pointer map (see idmap.h). */
#include "base/idmap.h"

#include <stdlib.h>

#include "base/xalloc.h"

static size_t slot_of(uint64_t id, size_t capacity)
{
	/* Ids are sequential: mix them so neighbours spread out. */
	id ^= id >> 33;
	id *= 0xff51afd7ed558ccdULL;
	id ^= id >> 33;
	return (size_t)id & (capacity - 1);
}

static void grow(struct idmap *m)
{
	size_t capacity = m->capacity ? m->capacity * 2 : 64;
	struct idmap_slot *slots = xcalloc(capacity, sizeof *slots);

	for (size_t i = 0; i < m->capacity; i++) {
		size_t j;

		if (!m->slots[i].id)
			continue;
		j = slot_of(m->slots[i].id, capacity);
		while (slots[j].id)
			j = (j + 1) & (capacity - 1);
		slots[j] = m->slots[i];
	}
	free(m->slots);
	m->slots = slots;
	m->capacity = capacity;
}

int idmap_put(struct idmap *m, uint64_t id, void *value)
{
	size_t i;

	if (!id)
		return -1;
	if ((m->count + 1) * 4 > m->capacity * 3)
		grow(m);
	i = slot_of(id, m->capacity);
	while (m->slots[i].id && m->slots[i].id != id)
		i = (i + 1) & (m->capacity - 1);
	if (!m->slots[i].id)
		m->count++;
	m->slots[i].id = id;
	m->slots[i].value = value;
	return 0;
}

void *idmap_get(const struct idmap *m, uint64_t id)
{
	size_t i;

	if (!m->capacity || !id)
		return NULL;
	i = slot_of(id, m->capacity);
	while (m->slots[i].id) {
		if (m->slots[i].id == id)
			return m->slots[i].value;
		i = (i + 1) & (m->capacity - 1);
	}
	return NULL;
}

void *idmap_remove(struct idmap *m, uint64_t id)
{
	size_t i, j, mask = m->capacity - 1;
	void *value;

	if (!m->capacity || !id)
		return NULL;
	i = slot_of(id, m->capacity);
	while (m->slots[i].id != id) {
		if (!m->slots[i].id)
			return NULL;
		i = (i + 1) & mask;
	}
	value = m->slots[i].value;
	/* Backward-shift: pull later members of the cluster into the hole
	 * when their home slot does not lie between the hole and them. */
	j = i;
	for (;;) {
		size_t home;

		j = (j + 1) & mask;
		if (!m->slots[j].id)
			break;
		home = slot_of(m->slots[j].id, m->capacity);
		if (((j - home) & mask) >= ((j - i) & mask)) {
			m->slots[i] = m->slots[j];
			i = j;
		}
	}
	m->slots[i].id = 0;
	m->slots[i].value = NULL;
	m->count--;
	return value;
}

void idmap_foreach(const struct idmap *m,
		   void (*fn)(uint64_t id, void *value, void *arg), void *arg)
{
	for (size_t i = 0; i < m->capacity; i++)
		if (m->slots[i].id)
			fn(m->slots[i].id, m->slots[i].value, arg);
}

void idmap_free(struct idmap *m)
{
	free(m->slots);
	m->slots = NULL;
	m->capacity = m->count = 0;
}
