/* fairs.h - the list of fairs every client receives in its hello.
 *
 * Each process caches the fairs (a handful of rows) and refreshes the cache
 * when PostgreSQL notifies "fairs_changed" or after the LISTEN connection
 * comes back. Statuses are computed from the cached times with the offset
 * between this machine's clock and PostgreSQL's, the clock that decides. */
#ifndef FAIR_FAIRS_H
#define FAIR_FAIRS_H

#include <jansson.h>
#include <stdint.h>

#include "rpc/dispatch.h"

/* Subscribes to changes and starts the first load; ready_fn (may be NULL)
 * runs once when that first load has finished, whether or not it worked. */
void fairs_start(void (*ready_fn)(void));

/* The array of fair objects the hello carries, as JSON text (compact),
 * kept between calls while no fair and no status changed; *len is set to
 * its length. NULL when out of memory. The text stays valid until the next
 * call. */
const char *fairs_hello_text(size_t *len);

/* The cached state of a fair: its status now (by PostgreSQL's clock), its
 * times and its names (valid until the cache is next refreshed). */
struct fair_state {
	const char *status; /* a static string */
	int64_t starts_ms, ends_ms;
	const char *name, *name_en;
};

/* Fills *out for fair_id. Returns 0, or -1 when the fair is not in the
 * cache. */
int fairs_state(int64_t fair_id, struct fair_state *out);

/* Milliseconds until the next scheduled open or close of a cached fair, or
 * -1 when none is ahead. */
int64_t fairs_next_transition_in_ms(void);

/* Called after every refresh of the cache (a fair was created or changed). */
extern void (*fairs_on_change)(void);

/* Frees the cache. */
void fairs_stop(void);

/* op fairs.list {limit?} -> {fairs: [...]} read fresh from PostgreSQL. */
void fairs_op_list(struct op_call *call);
extern const struct param_spec fairs_list_params[];

#endif
