/* audience.c - sessions by dealer, user, token, role and dashboard (see
 * audience.h). */
#include "net/audience.h"

#include <stdlib.h>
#include <string.h>

#include "base/idmap.h"
#include "base/xalloc.h"

/* The sessions under one key, oldest first: most keys have one or two (a
 * dealer's tabs), so a short array beats a set. */
struct idlist {
	uint32_t n, cap;
	uint64_t ids[];
};

/* One session as the indexes know it. */
struct member {
	struct audience_who who;
	int64_t *fairs; /* dashboards watched */
	uint32_t n_fairs, cap_fairs;
};

static struct idmap members;   /* session id -> struct member */
static struct idmap by_dealer; /* dealer id -> struct idlist */
static struct idmap by_user;   /* user id -> struct idlist */
static struct idmap by_hash;   /* hash_key -> struct idlist */
static struct idmap by_role;   /* ROLE_* bit -> struct idlist */
static struct idmap watching;  /* fair id -> struct idlist */

/* The first 8 bytes of a token hash (a SHA-256: as good as any 8). Two
 * hashes sharing them share a list; lookups compare the whole hash. */
static uint64_t hash_key(const unsigned char hash[32])
{
	uint64_t k;

	memcpy(&k, hash, sizeof k);
	return k ? k : 1; /* 0 is idmap's empty slot */
}

static void index_add(struct idmap *index, uint64_t key, uint64_t id)
{
	struct idlist *l = idmap_get(index, key);

	if (!l || l->n == l->cap) {
		uint32_t n = l ? l->n : 0, cap = l ? 2 * l->cap : 2;

		l = xrealloc(l, sizeof *l + cap * sizeof l->ids[0]);
		l->n = n;
		l->cap = cap;
		idmap_put(index, key, l);
	}
	l->ids[l->n++] = id;
}

/* Keeps the others in order (pushes go oldest first, as they always did). */
static void index_remove(struct idmap *index, uint64_t key, uint64_t id)
{
	struct idlist *l = idmap_get(index, key);
	uint32_t i;

	if (!l)
		return;
	for (i = 0; i < l->n && l->ids[i] != id; i++)
		;
	if (i == l->n)
		return;
	memmove(l->ids + i, l->ids + i + 1, (l->n - i - 1) * sizeof l->ids[0]);
	if (--l->n == 0)
		free(idmap_remove(index, key));
}

/* Calls fn for each session under key; how many there are. */
static size_t index_each(const struct idmap *index, uint64_t key,
			 audience_fn fn, void *arg)
{
	const struct idlist *l = idmap_get(index, key);

	if (!l)
		return 0;
	if (fn)
		for (uint32_t i = 0; i < l->n; i++)
			fn(l->ids[i], arg);
	return l->n;
}

void audience_add(uint64_t session_id, const struct audience_who *who)
{
	struct member *m;

	if (!session_id)
		return;
	audience_remove(session_id);
	m = xcalloc(1, sizeof *m);
	m->who = *who;
	idmap_put(&members, session_id, m);
	if (who->dealer_id)
		index_add(&by_dealer, (uint64_t)who->dealer_id, session_id);
	if (who->user_id)
		index_add(&by_user, (uint64_t)who->user_id, session_id);
	if (who->role)
		index_add(&by_role, who->role, session_id);
	index_add(&by_hash, hash_key(who->session_hash), session_id);
}

void audience_remove(uint64_t session_id)
{
	struct member *m = idmap_remove(&members, session_id);

	if (!m)
		return;
	if (m->who.dealer_id)
		index_remove(&by_dealer, (uint64_t)m->who.dealer_id,
			     session_id);
	if (m->who.user_id)
		index_remove(&by_user, (uint64_t)m->who.user_id, session_id);
	if (m->who.role)
		index_remove(&by_role, m->who.role, session_id);
	index_remove(&by_hash, hash_key(m->who.session_hash), session_id);
	for (uint32_t i = 0; i < m->n_fairs; i++)
		index_remove(&watching, (uint64_t)m->fairs[i], session_id);
	free(m->fairs);
	free(m);
}

void audience_watch(uint64_t session_id, int64_t fair_id)
{
	struct member *m = idmap_get(&members, session_id);

	if (!m || fair_id <= 0)
		return;
	for (uint32_t i = 0; i < m->n_fairs; i++)
		if (m->fairs[i] == fair_id)
			return;
	if (m->n_fairs == m->cap_fairs) {
		m->cap_fairs = m->cap_fairs ? 2 * m->cap_fairs : 2;
		m->fairs = xrealloc(m->fairs, m->cap_fairs * sizeof *m->fairs);
	}
	m->fairs[m->n_fairs++] = fair_id;
	index_add(&watching, (uint64_t)fair_id, session_id);
}

const struct audience_who *audience_who(uint64_t session_id)
{
	const struct member *m = idmap_get(&members, session_id);

	return m ? &m->who : NULL;
}

size_t audience_of_dealer(int64_t dealer_id, audience_fn fn, void *arg)
{
	return dealer_id > 0
		       ? index_each(&by_dealer, (uint64_t)dealer_id, fn, arg)
		       : 0;
}

size_t audience_of_user(int64_t user_id, audience_fn fn, void *arg)
{
	return user_id > 0 ? index_each(&by_user, (uint64_t)user_id, fn, arg)
			   : 0;
}

size_t audience_of_session_hash(const unsigned char hash[32], audience_fn fn,
				void *arg)
{
	const struct idlist *l = idmap_get(&by_hash, hash_key(hash));
	size_t found = 0;

	for (uint32_t i = 0; l && i < l->n; i++) {
		const struct member *m = idmap_get(&members, l->ids[i]);

		if (memcmp(m->who.session_hash, hash, 32))
			continue; /* another token sharing the key */
		found++;
		if (fn)
			fn(l->ids[i], arg);
	}
	return found;
}

size_t audience_of_roles(unsigned roles, audience_fn fn, void *arg)
{
	size_t found = 0;

	for (unsigned bit = 1; bit && bit <= roles; bit <<= 1)
		if (roles & bit)
			found += index_each(&by_role, bit, fn, arg);
	return found;
}

size_t audience_watchers(int64_t fair_id, audience_fn fn, void *arg)
{
	return fair_id > 0 ? index_each(&watching, (uint64_t)fair_id, fn, arg)
			   : 0;
}

bool audience_dealer_online(int64_t dealer_id)
{
	return dealer_id > 0 && idmap_get(&by_dealer, (uint64_t)dealer_id);
}

size_t audience_dealers_online(void)
{
	return by_dealer.count;
}

void audience_each_dealer(void (*fn)(int64_t dealer_id, void *arg), void *arg)
{
	for (size_t i = 0; i < by_dealer.capacity; i++)
		if (by_dealer.slots[i].id)
			fn((int64_t)by_dealer.slots[i].id, arg);
}

void audience_each_user(void (*fn)(int64_t user_id, void *arg), void *arg)
{
	for (size_t i = 0; i < by_user.capacity; i++)
		if (by_user.slots[i].id)
			fn((int64_t)by_user.slots[i].id, arg);
}

/* Whether the session at l->ids[i] has the token of one before it. */
static bool token_seen_before(const struct idlist *l, uint32_t i)
{
	const unsigned char *h = audience_who(l->ids[i])->session_hash;

	for (uint32_t j = 0; j < i; j++)
		if (!memcmp(audience_who(l->ids[j])->session_hash, h, 32))
			return true;
	return false;
}

void audience_each_session_hash(void (*fn)(const unsigned char hash[32],
					   void *arg),
				void *arg)
{
	for (size_t s = 0; s < by_hash.capacity; s++) {
		const struct idlist *l = by_hash.slots[s].value;

		/* A token's sessions share a list: each hash once. */
		for (uint32_t i = 0; by_hash.slots[s].id && i < l->n; i++)
			if (!token_seen_before(l, i))
				fn(audience_who(l->ids[i])->session_hash, arg);
	}
}

size_t audience_count(void)
{
	return members.count;
}

static void free_lists(struct idmap *index)
{
	for (size_t i = 0; i < index->capacity; i++)
		if (index->slots[i].id)
			free(index->slots[i].value);
	idmap_free(index);
}

void audience_free(void)
{
	for (size_t i = 0; i < members.capacity; i++)
		if (members.slots[i].id) {
			struct member *m = members.slots[i].value;

			free(m->fairs);
			free(m);
		}
	idmap_free(&members);
	free_lists(&by_dealer);
	free_lists(&by_user);
	free_lists(&by_hash);
	free_lists(&by_role);
	free_lists(&watching);
}
