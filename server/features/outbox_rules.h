/* outbox_rules.h - the outbox sender's rules: when a failed send is tried
 * again, which failures are for good, and how a webhook call is signed.
 * Pure (unit-tested, test_outbox_rules). */
#ifndef FAIR_OUTBOX_RULES_H
#define FAIR_OUTBOX_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define OUTBOX_BACKOFF_CAP_MS 3600000 /* an hour */

/* The delay before attempt attempts + 1, after attempts failed ones (>= 1):
 * base_ms doubled for each failure after the first, at most an hour, less
 * a random part of up to half (rnd: any random number), so processes that
 * failed together do not retry together. */
int64_t outbox_backoff_ms(int attempts, int base_ms, uint32_t rnd);

/* Whether an SMTP reply code refuses the mail for good (5xx: no such
 * mailbox, refused by policy, ...; 552 too big): not tried again. */
bool outbox_smtp_permanent(long code);

/* Whether a webhook's HTTP status means delivered (2xx). */
bool outbox_http_delivered(long status);

/* Whether a webhook's HTTP status is an answer for good: 410 Gone. Others
 * (4xx, 5xx, no answer) are tried again. */
bool outbox_http_permanent(long status);

#define WEBHOOK_SIGNATURE_MAX 96 /* "t=<seconds>,v1=<64 hex>" and its NUL */

/* The X-Fair-Signature header's value: "t=<unix seconds>,v1=<hex>", hex
 * being HMAC-SHA256 under secret of "<t>.<body>". A receiver recomputes it
 * from the raw body and refuses a t too far from its clock. */
void webhook_signature(const char *secret, int64_t unix_s, const char *body,
		       size_t body_len, char out[WEBHOOK_SIGNATURE_MAX]);

#endif
