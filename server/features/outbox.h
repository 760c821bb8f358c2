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

/* Starts the sender thread (main thread, before the loop; curl's global
 * set-up is done here). Returns 0, or -1 when the thread cannot start. */
int outbox_start(void);

/* Stops it: a send in progress is cut short (recorded as failed, tried
 * again later), then the thread is joined. */
void outbox_stop(void);

#endif
