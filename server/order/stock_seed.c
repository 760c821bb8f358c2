/* stock_seed.c - a fair's whole stock into the cache (see stock_seed.h). */
#include "order/stock_seed.h"

#include <stdio.h>
#include <stdlib.h>

#include "base/idmap.h"
#include "base/log.h"
#include "base/xalloc.h"
#include "db/pg.h"
#include "order/order_intake.h"
#include "order/stock_cache.h"
#include "server.h"

#define STOCK_SEED_TRIES 5

/* fair id -> reads asked so far for it, while one is in flight */
static struct idmap reading;
static uint64_t asked, kept;

struct seed_read {
	int64_t fair;
	uint64_t owner; /* the user whose order asked: its lane of the queue */
	uint64_t since; /* the cache's generation when asked */
};

static void seed_send(int64_t fair, uint64_t owner);

static void seed_done(void *arg, enum pg_outcome outcome, const PGresult *res)
{
	struct seed_read *read = arg;
	int64_t fair = read->fair;
	uint64_t owner = read->owner, since = read->since;
	uintptr_t tries = (uintptr_t)idmap_get(&reading, (uint64_t)fair);
	int n;
	int64_t *variants, *remaining;
	bool set;

	free(read);
	if (outcome != PG_DONE || PQresultStatus(res) != PGRES_TUPLES_OK) {
		/* orders go to their batches as before; the next asks again */
		if (outcome == PG_DONE)
			LOG(LOG_WARN, "orders: reading fair %lld's stock: %s",
			    (long long)fair, PQresultErrorMessage(res));
		idmap_remove(&reading, (uint64_t)fair);
		return;
	}
	n = PQntuples(res);
	variants = xcalloc((size_t)n + 1, sizeof *variants);
	remaining = xcalloc((size_t)n + 1, sizeof *remaining);
	for (int i = 0; i < n; i++) {
		variants[i] = atoll(PQgetvalue(res, i, 0));
		remaining[i] = atoll(PQgetvalue(res, i, 1));
	}
	set = stock_cache_seed(fair, since, (size_t)n, variants, remaining);
	free(variants);
	free(remaining);
	if (set) {
		kept += n > 0;
		idmap_remove(&reading, (uint64_t)fair);
		order_intake_stock_heard(); /* refuse what waits for sold-out */
	} else if (tries < STOCK_SEED_TRIES) {
		/* a sale was heard meanwhile: read again after it */
		idmap_put(&reading, (uint64_t)fair, (void *)(tries + 1));
		seed_send(fair, owner);
	} else {
		idmap_remove(&reading, (uint64_t)fair);
	}
}

static void seed_send(int64_t fair, uint64_t owner)
{
	struct seed_read *read = xcalloc(1, sizeof *read);
	char id[24];
	const char *params[1] = {id};

	read->fair = fair;
	read->owner = owner;
	read->since = stock_cache_generation();
	snprintf(id, sizeof id, "%lld", (long long)fair);
	asked++;
	/* in the asking user's lane of the queue (db/fair_queue.c), not ahead
	 * of it: an order may name any fair id, and one user sending many must
	 * wait behind itself, never crowd out the others or the batches */
	if (pg_query_for(srv.db, owner,
			 "SELECT variant_id, remaining "
			 "FROM fair_stock_rows($1::bigint)",
			 1, params, seed_done, read)) {
		free(read);
		idmap_remove(&reading, (uint64_t)fair);
	}
}

void stock_seed_ask(int64_t fair, uint64_t owner)
{
	if (fair <= 0 || stock_cache_whole(fair) ||
	    idmap_get(&reading, (uint64_t)fair))
		return;
	idmap_put(&reading, (uint64_t)fair, (void *)(uintptr_t)1);
	seed_send(fair, owner);
}

void stock_seed_stats(uint64_t *asked_out, uint64_t *kept_out)
{
	*asked_out = asked;
	*kept_out = kept;
}

void stock_seed_free(void)
{
	idmap_free(&reading);
}
