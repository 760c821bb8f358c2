/* outbox_rules.c - backoff, verdicts and webhook signatures (see
 * outbox_rules.h). */
#include "features/outbox_rules.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

int64_t outbox_backoff_ms(int attempts, int base_ms, uint32_t rnd)
{
	int64_t d = base_ms > 0 ? base_ms : 1;

	for (int i = 1; i < attempts && d < OUTBOX_BACKOFF_CAP_MS; i++)
		d *= 2;
	if (d > OUTBOX_BACKOFF_CAP_MS)
		d = OUTBOX_BACKOFF_CAP_MS;
	return d - (int64_t)(rnd % (uint32_t)(d / 2 + 1));
}

static const struct {
	const char *verb;
	enum smtp_stage stage;
	const char *name;
} smtp_verbs[] = {
	{"EHLO", SMTP_STAGE_EHLO, "EHLO"},
	{"HELO", SMTP_STAGE_EHLO, NULL},
	{"STARTTLS", SMTP_STAGE_STARTTLS, "STARTTLS"},
	{"AUTH", SMTP_STAGE_AUTH, "AUTH"},
	{"MAIL", SMTP_STAGE_MAIL, "MAIL FROM"},
	{"RCPT", SMTP_STAGE_RCPT, "RCPT TO"},
	{"DATA", SMTP_STAGE_DATA, "DATA"},
};

enum smtp_stage outbox_smtp_stage(const char *line, size_t len,
				  enum smtp_stage current)
{
	for (size_t i = 0; i < sizeof smtp_verbs / sizeof smtp_verbs[0]; i++) {
		size_t n = strlen(smtp_verbs[i].verb);

		if (len >= n && !strncasecmp(line, smtp_verbs[i].verb, n) &&
		    (len == n || line[n] == ' ' || line[n] == '\r' ||
		     line[n] == '\n'))
			return smtp_verbs[i].stage;
	}
	return current;
}

const char *outbox_smtp_stage_name(enum smtp_stage stage)
{
	if (stage == SMTP_STAGE_CONNECT)
		return "connect";
	for (size_t i = 0; i < sizeof smtp_verbs / sizeof smtp_verbs[0]; i++)
		if (smtp_verbs[i].stage == stage && smtp_verbs[i].name)
			return smtp_verbs[i].name;
	return "?";
}

bool outbox_smtp_permanent(enum smtp_stage stage, long code)
{
	/* 530 to RCPT TO: the relay wants STARTTLS or AUTH, the configuration */
	return stage == SMTP_STAGE_RCPT && code >= 500 && code <= 599 &&
	       code != 530;
}

const char *outbox_smtp_hint(enum smtp_stage stage, long code)
{
	if (code >= 400 && code <= 499)
		return NULL; /* the relay's "later" */
	switch (stage) {
	case SMTP_STAGE_CONNECT:
		return code ? "the relay refused the session: check smtp_url"
			    : "no answer from the relay: check smtp_url, "
			      "smtp_tls and the network";
	case SMTP_STAGE_EHLO:
		return "the relay refused EHLO: check smtp_url";
	case SMTP_STAGE_STARTTLS:
		return "STARTTLS failed: check smtp_tls and smtp_ca_file";
	case SMTP_STAGE_AUTH:
		return "authentication failed: check smtp_user and "
		       "smtp_password";
	case SMTP_STAGE_MAIL:
		if (code == 530)
			return "the relay wants STARTTLS or AUTH first: check "
			       "smtp_tls, smtp_user and smtp_password";
		return "the relay refused the sender: check smtp_from (and "
		       "that smtp_user may send as it)";
	case SMTP_STAGE_RCPT:
		if (code == 530)
			return "the relay wants STARTTLS or AUTH first: check "
			       "smtp_tls, smtp_user and smtp_password";
		return NULL; /* the recipient's own refusal */
	case SMTP_STAGE_DATA:
		return code ? "the relay refused the mail's data" : NULL;
	}
	return NULL;
}

bool outbox_http_delivered(long status)
{
	return status >= 200 && status <= 299;
}

bool outbox_http_permanent(long status)
{
	return status == 410;
}

void webhook_signature(const char *secret, int64_t unix_s, const char *body,
		       size_t body_len, char out[WEBHOOK_SIGNATURE_MAX])
{
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int mac_len = 0;
	char t[24];
	int n = snprintf(t, sizeof t, "%lld.", (long long)unix_s);
	EVP_MAC *hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	EVP_MAC_CTX *ctx = hmac ? EVP_MAC_CTX_new(hmac) : NULL;
	char digest[] = "SHA256";
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string("digest", digest, 0),
		OSSL_PARAM_construct_end(),
	};
	size_t len = 0;
	int w;

	if (ctx &&
	    EVP_MAC_init(ctx, (const unsigned char *)secret, strlen(secret),
			 params) &&
	    EVP_MAC_update(ctx, (const unsigned char *)t, (size_t)n) &&
	    EVP_MAC_update(ctx, (const unsigned char *)body, body_len) &&
	    EVP_MAC_final(ctx, mac, &len, sizeof mac))
		mac_len = (unsigned int)len;
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(hmac);
	w = snprintf(out, WEBHOOK_SIGNATURE_MAX,
		     "t=%lld,v1=", (long long)unix_s);
	for (unsigned int i = 0; i < mac_len && w + 2 < WEBHOOK_SIGNATURE_MAX;
	     i++)
		w += snprintf(out + w, (size_t)(WEBHOOK_SIGNATURE_MAX - w),
			      "%02x", mac[i]);
}
