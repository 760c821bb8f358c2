/* audience.h - which sessions of this process watch what: the indexes the
 * pushes and closes look up instead of walking every session.
 *
 * A session is added once it is authenticated (ws_session_authenticated)
 * and removed when it closes (ws_session.c's on_closed); in between it is
 * found by its dealer, its user, its session token's hash, its role, and
 * the fairs whose dashboard it watches (dashboard.watch). A lookup costs the
 * sessions it finds, not the sessions of the process: with 5,000 dealers
 * connected, an attainment push to ten of them reads ten short lists.
 *
 * Sessions are named by their 64-bit id (never reused), so a caller may
 * keep what it found across asynchronous work and look each id up again
 * (ws_session_push drops an id that has gone). The fair room keeps its own
 * members (live/room.c): its ring and slots need more than ids.
 *
 * Pure: ids and keys only, no sockets (unit-tested, test_audience). Loop
 * thread only. */
#ifndef FAIR_AUDIENCE_H
#define FAIR_AUDIENCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Who a session is, as the indexes need it (copied). */
struct audience_who {
	int64_t user_id;
	int64_t dealer_id;              /* 0 unless a dealer's session */
	unsigned role;                  /* one ROLE_* bit (rpc/dispatch.h) */
	unsigned char session_hash[32]; /* its session token's hash */
};

/* Adds an authenticated session. Adding an id again replaces it. */
void audience_add(uint64_t session_id, const struct audience_who *who);

/* Removes a session from every index, its dashboards too. Unknown ids are
 * ignored. */
void audience_remove(uint64_t session_id);

/* session_id watches the dashboard of fair_id, until it closes (once per
 * fair: watching again changes nothing). Ignored for a session not added. */
void audience_watch(uint64_t session_id, int64_t fair_id);

/* Who a session is, or NULL when it is not in the audience. */
const struct audience_who *audience_who(uint64_t session_id);

/* The lookups below call fn (unless NULL) for each session found and
 * return how many there were. fn may push to the session or close it
 * (both deferred by ws_session.c), but must not add, remove or watch. */
typedef void (*audience_fn)(uint64_t session_id, void *arg);

/* A dealer's sessions, oldest first. */
size_t audience_of_dealer(int64_t dealer_id, audience_fn fn, void *arg);

/* A user's sessions, oldest first. */
size_t audience_of_user(int64_t user_id, audience_fn fn, void *arg);

/* The sessions opened with one session token (its hash), oldest first. */
size_t audience_of_session_hash(const unsigned char hash[32], audience_fn fn,
				void *arg);

/* The sessions whose role is one of roles (ROLE_* bits), role by role
 * from the lowest bit, each oldest first. */
size_t audience_of_roles(unsigned roles, audience_fn fn, void *arg);

/* The watchers of a fair's dashboard, in the order they began watching. */
size_t audience_watchers(int64_t fair_id, audience_fn fn, void *arg);

/* Whether a dealer has a session here; how many dealers do; each of them
 * once (fn must not change the audience). */
bool audience_dealer_online(int64_t dealer_id);
size_t audience_dealers_online(void);
void audience_each_dealer(void (*fn)(int64_t dealer_id, void *arg), void *arg);

/* Each user with a session here, once (fn must not change the audience). */
void audience_each_user(void (*fn)(int64_t user_id, void *arg), void *arg);

/* Each distinct session token hash of the sessions here, once. */
void audience_each_session_hash(void (*fn)(const unsigned char hash[32],
					   void *arg),
				void *arg);

/* Sessions in the audience. */
size_t audience_count(void);

/* Frees every index (at shutdown, or between unit tests). */
void audience_free(void);

#endif
