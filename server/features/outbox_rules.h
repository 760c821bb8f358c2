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

/* Where an SMTP session stood when it failed: the last command the client
 * sent (connecting and the greeting before any). */
enum smtp_stage {
	SMTP_STAGE_CONNECT, /* no command yet: the connection, the greeting */
	SMTP_STAGE_EHLO,    /* EHLO or HELO */
	SMTP_STAGE_STARTTLS,
	SMTP_STAGE_AUTH, /* AUTH and its continuation lines */
	SMTP_STAGE_MAIL, /* MAIL FROM: the sender */
	SMTP_STAGE_RCPT, /* RCPT TO: the recipient */
	SMTP_STAGE_DATA, /* DATA, the mail and its end */
};

/* The stage a command line the client sent starts ("RCPT TO:<a@b>\r\n":
 * SMTP_STAGE_RCPT), matched on its verb without regard to case; a line that
 * starts none (an AUTH continuation, say) keeps the stage it is in, given as
 * current. QUIT starts none either: libcurl sends it after the failure, whose
 * reply code is the one it reports. */
enum smtp_stage outbox_smtp_stage(const char *line, size_t len,
				  enum smtp_stage current);

/* The stage's name for logs and last_error ("RCPT TO", "AUTH", ...). */
const char *outbox_smtp_stage_name(enum smtp_stage stage);

/* Whether an SMTP failure refuses the mail for good: only a 5xx answering
 * RCPT TO (550 no such user, 553 a mailbox name not allowed, ...), a refusal
 * of the recipient itself. Any other failure (535 authentication failed,
 * 530 STARTTLS required, a 5xx to MAIL FROM or to the data, a 4xx, no
 * answer) is the relay's or the configuration's and is tried again. */
bool outbox_smtp_permanent(enum smtp_stage stage, long code);

/* A line for the operator on what a failure at stage with code says about
 * the relay's configuration ("check smtp_user and smtp_password"), or NULL
 * when it says nothing about it (a recipient refused, a 4xx). */
const char *outbox_smtp_hint(enum smtp_stage stage, long code);

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
