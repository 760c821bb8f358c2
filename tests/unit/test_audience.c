/* test_audience.c - the indexes of which sessions watch what: a dealer's,
 * a user's and a token's sessions, the sessions of some roles, a fair's
 * dashboard watchers; removal from all of them when a session closes, in
 * order; and what a lookup costs next to the scan of every session it
 * replaced (figures printed, nothing timed is asserted).
 *
 * Links the real audience.c (fair_core). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/idmap.h"
#include "base/strbuf.h"
#include "db/pgarray.h"
#include "net/audience.h"
#include "rpc/dispatch.h"

/* What a lookup found, in order. */
struct found {
	uint64_t ids[16];
	size_t n;
};

static void note(uint64_t session_id, void *arg)
{
	struct found *f = arg;

	if (f->n < 16)
		f->ids[f->n++] = session_id;
}

static struct audience_who who(int64_t user, int64_t dealer, unsigned role,
			       unsigned char token)
{
	struct audience_who w = {user, dealer, role, {0}};

	memset(w.session_hash, token, sizeof w.session_hash);
	return w;
}

static int cleanup(void **state)
{
	(void)state;
	audience_free();
	return 0;
}

static void test_lookups_find_each_session_by_what_it_is(void **state)
{
	struct audience_who d7a = who(70, 7, ROLE_DEALER, 0xa1);
	struct audience_who d7b = who(70, 7, ROLE_DEALER, 0xa2); /* 2nd login */
	struct audience_who d8 = who(80, 8, ROLE_DEALER, 0xb1);
	struct audience_who rep = who(2, 0, ROLE_REP, 0xc1);
	struct audience_who admin = who(1, 0, ROLE_ADMIN, 0xd1);
	struct audience_who manager = who(3, 0, ROLE_MANAGER, 0xe1);
	struct found f = {0};

	(void)state;
	audience_add(11, &d7a);
	audience_add(12, &d8);
	audience_add(13, &rep);
	audience_add(14, &d7b);
	audience_add(15, &admin);
	audience_add(16, &manager);
	audience_add(17, &d7a); /* a second tab of the same login */
	assert_int_equal(audience_count(), 7);

	assert_int_equal(audience_of_dealer(7, note, &f), 3);
	assert_int_equal(f.ids[0], 11); /* oldest first */
	assert_int_equal(f.ids[1], 14);
	assert_int_equal(f.ids[2], 17);
	assert_int_equal(audience_of_dealer(9, NULL, NULL), 0);
	assert_int_equal(audience_of_dealer(0, NULL, NULL), 0); /* staff */

	f.n = 0;
	assert_int_equal(audience_of_user(80, note, &f), 1);
	assert_int_equal(f.ids[0], 12);
	assert_int_equal(audience_of_user(3, NULL, NULL), 1);

	f.n = 0;
	assert_int_equal(audience_of_session_hash(d7a.session_hash, note, &f),
			 2);
	assert_int_equal(f.ids[0], 11);
	assert_int_equal(f.ids[1], 17);

	/* order.status goes to reps and admins, not managers */
	f.n = 0;
	assert_int_equal(audience_of_roles(ROLE_REP | ROLE_ADMIN, note, &f), 2);
	assert_int_equal(f.ids[0], 13);
	assert_int_equal(f.ids[1], 15);
	assert_int_equal(audience_of_roles(ROLES_STAFF, NULL, NULL), 3);
	assert_int_equal(audience_of_roles(ROLE_DEALER, NULL, NULL), 4);

	assert_true(audience_dealer_online(7));
	assert_false(audience_dealer_online(9));
	assert_int_equal(audience_dealers_online(), 2);
	assert_int_equal(audience_who(12)->dealer_id, 8);
	assert_null(audience_who(99));
}

static void test_a_closed_session_leaves_every_index_in_order(void **state)
{
	struct audience_who d7 = who(70, 7, ROLE_DEALER, 0xa1);
	struct audience_who rep = who(2, 0, ROLE_REP, 0xc1);
	struct found f = {0};

	(void)state;
	for (uint64_t id = 1; id <= 4; id++)
		audience_add(id, &d7);
	audience_add(5, &rep);
	audience_watch(2, 100);
	audience_watch(5, 100);
	audience_watch(2, 101);

	audience_remove(2); /* a middle one: the rest keep their order */
	assert_int_equal(audience_of_dealer(7, note, &f), 3);
	assert_int_equal(f.ids[0], 1);
	assert_int_equal(f.ids[1], 3);
	assert_int_equal(f.ids[2], 4);
	assert_int_equal(audience_of_session_hash(d7.session_hash, NULL, NULL),
			 3);
	assert_int_equal(audience_watchers(100, NULL, NULL), 1);
	assert_int_equal(audience_watchers(101, NULL, NULL), 0);

	audience_remove(2); /* twice, or never added: nothing happens */
	audience_remove(42);
	audience_remove(1);
	audience_remove(3);
	audience_remove(4);
	assert_false(audience_dealer_online(7));
	assert_int_equal(audience_dealers_online(), 0);
	assert_int_equal(audience_of_user(70, NULL, NULL), 0);
	assert_int_equal(audience_of_session_hash(d7.session_hash, NULL, NULL),
			 0);
	assert_int_equal(audience_count(), 1);
	assert_int_equal(audience_of_roles(ROLE_REP, NULL, NULL), 1);
}

static void test_dashboard_watchers(void **state)
{
	struct audience_who rep = who(2, 0, ROLE_REP, 0xc1);
	struct audience_who admin = who(1, 0, ROLE_ADMIN, 0xd1);
	struct found f = {0};

	(void)state;
	audience_add(30, &rep);
	audience_add(31, &admin);
	audience_watch(31, 5);
	audience_watch(30, 5);
	audience_watch(31, 5); /* again: still once */
	audience_watch(30, 6);
	audience_watch(77, 5); /* not in the audience (gone): ignored */
	audience_watch(30, 0); /* no fair */
	assert_int_equal(audience_watchers(5, note, &f), 2);
	assert_int_equal(f.ids[0], 31); /* in the order they began */
	assert_int_equal(f.ids[1], 30);
	assert_int_equal(audience_watchers(6, NULL, NULL), 1);
	assert_int_equal(audience_watchers(7, NULL, NULL), 0);

	/* added again (it cannot happen, but): starts over, watching nothing */
	audience_add(30, &rep);
	assert_int_equal(audience_watchers(5, NULL, NULL), 1);
	assert_int_equal(audience_watchers(6, NULL, NULL), 0);
	assert_int_equal(audience_count(), 2);
}

static void count_hash(const unsigned char hash[32], void *arg)
{
	(void)hash;
	(*(int *)arg)++;
}

static void test_tokens_sharing_a_key_are_told_apart(void **state)
{
	/* The index keys a token by its first 8 bytes; these share them. */
	struct audience_who a = who(1, 1, ROLE_DEALER, 0x11);
	struct audience_who b = who(2, 2, ROLE_DEALER, 0x11);
	struct found f = {0};
	int hashes = 0;

	(void)state;
	b.session_hash[31] = 0x22;
	audience_add(1, &a);
	audience_add(2, &b);
	audience_add(3, &b);
	assert_int_equal(audience_of_session_hash(b.session_hash, note, &f), 2);
	assert_int_equal(f.ids[0], 2);
	assert_int_equal(f.ids[1], 3);
	assert_int_equal(audience_of_session_hash(a.session_hash, NULL, NULL),
			 1);
	audience_each_session_hash(count_hash, &hashes);
	assert_int_equal(hashes, 2); /* each token once */

	/* an all-zero prefix is a key like any other (0 is idmap's empty) */
	memset(a.session_hash, 0, 8);
	audience_add(4, &a);
	assert_int_equal(audience_of_session_hash(a.session_hash, NULL, NULL),
			 1);
}

/* ---- what a lookup costs next to the scan it replaced ---- */

#define BENCH_DEALERS 5000
#define BENCH_STAFF 40
#define BENCH_REPEATS 200

/* The scan walked ws_session.c's sessions (an idmap of its structs, a few
 * hundred bytes each) and read each one's auth_user: the same shapes. */
struct old_user {
	unsigned role;
	int64_t dealer_id;
	int64_t user_id;
	char rest[200]; /* login, tier, region, hello text... */
};

struct old_session {
	uint64_t id;
	char rest[232]; /* queue, limits, buffers... */
	struct old_user *user;
};

static struct idmap old_sessions;
static unsigned long long sink;

static void sink_push(uint64_t session_id, void *arg)
{
	(void)arg;
	sink += session_id;
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* attainment.c before: collect_dealer over every session */
struct old_collect {
	const struct idmap *pending;
	struct idmap online;
	struct strbuf ids;
	size_t n;
};

static void old_collect_one(uint64_t id, void *value, void *arg)
{
	struct old_session *s = value;
	struct old_collect *c = arg;
	const struct old_user *u = s->user;

	(void)id;
	if (!u || u->role != ROLE_DEALER ||
	    idmap_get(&c->online, (uint64_t)u->dealer_id))
		return;
	idmap_put(&c->online, (uint64_t)u->dealer_id, (void *)1);
	if (idmap_get(c->pending, (uint64_t)u->dealer_id))
		pgarray_int(&c->ids, c->n++, u->dealer_id);
}

/* and push_to_dealer: dealer id -> its frame, over every session */
static void old_push_one(uint64_t id, void *value, void *arg)
{
	struct old_session *s = value;
	const struct old_user *u = s->user;

	if (u && u->role == ROLE_DEALER &&
	    idmap_get(arg, (uint64_t)u->dealer_id))
		sink_push(id, NULL);
}

/* order_life.c before: is_dealer_or_staff over every session */
static void old_status_one(uint64_t id, void *value, void *arg)
{
	struct old_session *s = value;
	const struct old_user *u = s->user;
	int64_t dealer = *(const int64_t *)arg;

	if (u && ((u->role & (ROLE_REP | ROLE_ADMIN)) ||
		  (u->role == ROLE_DEALER && u->dealer_id == dealer)))
		sink_push(id, NULL);
}

/* The attainment of k pending dealers: which are online, then a push to
 * each one's sessions. */
static double attainment_old(struct idmap *pending)
{
	int64_t t0 = now_ns();

	for (int r = 0; r < BENCH_REPEATS; r++) {
		struct old_collect c = {.pending = pending};

		strbuf_init(&c.ids);
		idmap_foreach(&old_sessions, old_collect_one, &c);
		idmap_free(&c.online);
		pgarray_end(&c.ids, c.n);
		strbuf_free(&c.ids);
		idmap_foreach(&old_sessions, old_push_one, pending);
	}
	return (double)(now_ns() - t0) / BENCH_REPEATS;
}

struct new_collect {
	struct strbuf ids;
	size_t n;
};

static void new_collect_one(uint64_t dealer_id, void *value, void *arg)
{
	struct new_collect *c = arg;

	(void)value;
	if (audience_dealer_online((int64_t)dealer_id))
		pgarray_int(&c->ids, c->n++, (int64_t)dealer_id);
}

static void new_push_dealer(uint64_t dealer_id, void *value, void *arg)
{
	(void)value;
	(void)arg;
	audience_of_dealer((int64_t)dealer_id, sink_push, NULL);
}

static double attainment_new(const struct idmap *pending)
{
	int64_t t0 = now_ns();

	for (int r = 0; r < BENCH_REPEATS; r++) {
		struct new_collect c = {.n = 0};

		strbuf_init(&c.ids);
		idmap_foreach(pending, new_collect_one, &c);
		pgarray_end(&c.ids, c.n);
		strbuf_free(&c.ids);
		idmap_foreach(pending, new_push_dealer, NULL);
	}
	return (double)(now_ns() - t0) / BENCH_REPEATS;
}

static void test_lookup_against_the_scan_of_every_session(void **state)
{
	struct old_user *users =
		calloc(BENCH_DEALERS + BENCH_STAFF, sizeof *users);
	struct old_session **sessions =
		calloc(BENCH_DEALERS + BENCH_STAFF, sizeof *sessions);
	static const int changed[] = {1, 10, 100, 500};
	int64_t t0;
	double status_old, status_new;

	(void)state;
	for (int i = 0; i < BENCH_DEALERS + BENCH_STAFF; i++) {
		struct old_user *u = &users[i];
		struct audience_who w = {0};
		uint64_t id = (uint64_t)i + 1;

		u->user_id = i + 1;
		u->role = i < BENCH_DEALERS ? ROLE_DEALER
					    : (i % 2 ? ROLE_REP : ROLE_MANAGER);
		u->dealer_id = i < BENCH_DEALERS ? i + 1 : 0;
		sessions[i] = calloc(1, sizeof **sessions);
		sessions[i]->id = id;
		sessions[i]->user = u;
		idmap_put(&old_sessions, id, sessions[i]);
		w.user_id = u->user_id;
		w.dealer_id = u->dealer_id;
		w.role = u->role;
		memcpy(w.session_hash, &id, sizeof id);
		audience_add(id, &w);
	}
	printf("# %d dealer sessions and %d staff sessions; ns per push, "
	       "mean of %d\n",
	       BENCH_DEALERS, BENCH_STAFF, BENCH_REPEATS);
	for (size_t t = 0; t < sizeof changed / sizeof changed[0]; t++) {
		int k = changed[t];
		struct idmap pending = {0};
		double before, after;

		for (int i = 0; i < k; i++) /* spread over the dealers */
			idmap_put(&pending,
				  (uint64_t)(i * 9 % BENCH_DEALERS) + 1,
				  (void *)1);
		before = attainment_old(&pending);
		after = attainment_new(&pending);
		printf("# attainment flush, %3d dealers changed: "
		       "scan %9.0f ns, audience %7.0f ns (%.0fx)\n",
		       k, before, after, before / after);
		idmap_free(&pending);
	}

	t0 = now_ns();
	for (int r = 0; r < BENCH_REPEATS; r++) {
		int64_t dealer = r * 13 % BENCH_DEALERS + 1;

		idmap_foreach(&old_sessions, old_status_one, &dealer);
	}
	status_old = (double)(now_ns() - t0) / BENCH_REPEATS;
	t0 = now_ns();
	for (int r = 0; r < BENCH_REPEATS; r++) {
		int64_t dealer = r * 13 % BENCH_DEALERS + 1;

		audience_of_dealer(dealer, sink_push, NULL);
		audience_of_roles(ROLE_REP | ROLE_ADMIN, sink_push, NULL);
	}
	status_new = (double)(now_ns() - t0) / BENCH_REPEATS;
	printf("# order.status push:                "
	       "scan %9.0f ns, audience %7.0f ns (%.0fx)\n",
	       status_old, status_new, status_old / status_new);
	assert_true(sink > 0);

	for (int i = 0; i < BENCH_DEALERS + BENCH_STAFF; i++)
		free(sessions[i]);
	free(sessions);
	free(users);
	idmap_free(&old_sessions);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(
			test_lookups_find_each_session_by_what_it_is, cleanup),
		cmocka_unit_test_teardown(
			test_a_closed_session_leaves_every_index_in_order,
			cleanup),
		cmocka_unit_test_teardown(test_dashboard_watchers, cleanup),
		cmocka_unit_test_teardown(
			test_tokens_sharing_a_key_are_told_apart, cleanup),
		cmocka_unit_test_teardown(
			test_lookup_against_the_scan_of_every_session, cleanup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
