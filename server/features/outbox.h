/* outbox.h - the outbox sender: mail over SMTP and webhook calls, from the
 * outbox table (sql/040_messages.sql; sql/functions/messages/outbox.sql).
 *
 * One thread per process with a blocking libpq connection of its own (as a
 * CSV report has) and libcurl: it never touches the loop. It claims due
 * rows (outbox_claim: FOR UPDATE SKIP LOCKED, so several processes share
 * them), which commits the attempt before anything is sent, sends each, and
 * records the outcome (outbox_done): sent, tried again after
 * outbox_backoff_ms, or given up. It sleeps on LISTEN outbox (queued rows
 * notify) or a second, whichever comes first.
 *
 * A claim takes as many rows as can be sent, each taking its whole
 * outbox_timeout_ms, in half of outbox_lease_s (1 to 20), so a row never
 * waits here past its lease while another process could claim it too.
 *
 * At least once: a row whose sender died after the relay or receiver took
 * it but before the outcome was recorded is sent again once its lease
 * (outbox_lease_s) has passed; the duplicate carries the same Message-ID or
 * X-Fair-Delivery. Mail is sent only with smtp_url set; webhooks always
 * (unless outbox_send is off). */
#ifndef FAIR_OUTBOX_H
#define FAIR_OUTBOX_H

#include <stdint.h>

/* What this process's sender did since it started, by channel (0 mail, 1
 * webhook), and what it last counted of the database: the rows pending
 * (every process's, -1 before the first count). Sent and given-up rows are
 * deleted after outbox_keep_days (outbox_prune, every 10 minutes). */
struct outbox_stats {
	uint64_t sent[2];   /* taken by the relay or the receiver */
	uint64_t failed[2]; /* attempts that failed (tried again or given up) */
	uint64_t dead[2];   /* given up */
	uint64_t pruned;    /* finished rows this process deleted */
	int64_t pending;
};

/* Starts the sender thread (main thread, before the loop; curl's global
 * set-up is done here). Returns 0, or -1 when the thread cannot start. */
int outbox_start(void);

/* Stops it: a send in progress is cut short (recorded as failed, tried
 * again later), then the thread is joined. */
void outbox_stop(void);

/* The counters above (any thread; /metrics reads them on the loop's). */
void outbox_stats_read(struct outbox_stats *out);

#endif
