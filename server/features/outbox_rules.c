/* outbox_rules.c - backoff, verdicts and webhook signatures (see
 * outbox_rules.h). */
#include "features/outbox_rules.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

int64_t outbox_backoff_ms(int attempts, int base_ms, uint32_t rnd)
{
	int64_t d = base_ms > 0 ? base_ms : 1;

	for (int i = 1; i < attempts && d < OUTBOX_BACKOFF_CAP_MS; i++)
		d *= 2;
	if (d > OUTBOX_BACKOFF_CAP_MS)
		d = OUTBOX_BACKOFF_CAP_MS;
	return d - (int64_t)(rnd % (uint32_t)(d / 2 + 1));
}

bool outbox_smtp_permanent(long code)
{
	return code >= 500 && code <= 599;
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
