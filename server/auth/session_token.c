/* session_token.c - session cookies (see session_token.h). */
#include "auth/session_token.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base64url.h"

#define MAC_BYTES 16

/* HMAC() looks the algorithms up and schedules the key on every call
 * (2.4 µs here); a context keyed once and copied for each MAC takes 0.7 µs,
 * which counts when thousands of sockets connect in the same second. One
 * key is kept (a process has one); the lock makes it safe from any thread. */
static struct {
	pthread_mutex_t lock;
	EVP_MAC_CTX *ctx;
	unsigned char key[SESSION_KEY_BYTES];
} keyed = {PTHREAD_MUTEX_INITIALIZER, NULL, {0}};

static EVP_MAC_CTX *keyed_new(const unsigned char *key)
{
	EVP_MAC *hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	EVP_MAC_CTX *ctx = hmac ? EVP_MAC_CTX_new(hmac) : NULL;
	static char sha256[] = "SHA256";
	OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(
				       OSSL_MAC_PARAM_DIGEST, sha256, 0),
			       OSSL_PARAM_construct_end()};

	EVP_MAC_free(hmac); /* the context holds its own reference */
	if (ctx && !EVP_MAC_init(ctx, key, SESSION_KEY_BYTES, params)) {
		EVP_MAC_CTX_free(ctx);
		ctx = NULL;
	}
	return ctx;
}

/* A copy of the context keyed with key, or NULL when out of memory. */
static EVP_MAC_CTX *keyed_copy(const unsigned char *key)
{
	EVP_MAC_CTX *copy = NULL;

	pthread_mutex_lock(&keyed.lock);
	if (!keyed.ctx || CRYPTO_memcmp(keyed.key, key, SESSION_KEY_BYTES)) {
		EVP_MAC_CTX_free(keyed.ctx);
		keyed.ctx = keyed_new(key);
		memcpy(keyed.key, key, SESSION_KEY_BYTES);
	}
	if (keyed.ctx)
		copy = EVP_MAC_CTX_dup(keyed.ctx);
	pthread_mutex_unlock(&keyed.lock);
	return copy;
}

void session_token_release(void)
{
	pthread_mutex_lock(&keyed.lock);
	EVP_MAC_CTX_free(keyed.ctx);
	keyed.ctx = NULL;
	OPENSSL_cleanse(keyed.key, sizeof keyed.key);
	pthread_mutex_unlock(&keyed.lock);
}

static void mac_of(const unsigned char *key, const char *text, size_t len,
		   unsigned char mac[MAC_BYTES])
{
	unsigned char full[EVP_MAX_MD_SIZE];
	unsigned int full_len = 0;
	size_t out_len = 0;
	EVP_MAC_CTX *ctx = keyed_copy(key);

	if (!ctx || !EVP_MAC_update(ctx, (const unsigned char *)text, len) ||
	    !EVP_MAC_final(ctx, full, &out_len, sizeof full) ||
	    out_len < MAC_BYTES) /* the slow way still works */
		HMAC(EVP_sha256(), key, SESSION_KEY_BYTES,
		     (const unsigned char *)text, len, full, &full_len);
	memcpy(mac, full, MAC_BYTES);
	EVP_MAC_CTX_free(ctx);
}

static void hash_id(struct session_token *t)
{
	unsigned int len = 0;

	EVP_Digest(t->id, sizeof t->id, t->id_hash, &len, EVP_sha256(), NULL);
}

int session_token_mint(const unsigned char key[SESSION_KEY_BYTES],
		       int64_t expires, struct session_token *out, char *cookie,
		       size_t size)
{
	char id64[48], mac64[32];
	unsigned char mac[MAC_BYTES];
	int n;

	if (RAND_bytes(out->id, sizeof out->id) != 1)
		return -1;
	out->expires = expires;
	hash_id(out);
	base64url_encode(out->id, sizeof out->id, id64);
	n = snprintf(cookie, size, "v1.%s.%lld", id64, (long long)expires);
	if (n < 0 || (size_t)n >= size)
		return -1;
	mac_of(key, cookie, (size_t)n, mac);
	base64url_encode(mac, sizeof mac, mac64);
	n = snprintf(cookie + n, size - (size_t)n, ".%s", mac64);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

int session_token_check(const unsigned char key[SESSION_KEY_BYTES],
			const char *cookie, int64_t now,
			struct session_token *out)
{
	const char *id, *dot1, *dot2;
	unsigned char mac[MAC_BYTES], want[MAC_BYTES];
	char *end;
	long long expires;

	if (strncmp(cookie, "v1.", 3) || strlen(cookie) >= SESSION_COOKIE_MAX)
		return -1;
	id = cookie + 3;
	dot1 = strchr(id, '.');
	if (!dot1)
		return -1;
	dot2 = strchr(dot1 + 1, '.');
	if (!dot2 || dot2 == dot1 + 1)
		return -1;
	expires = strtoll(dot1 + 1, &end, 10);
	if (end != dot2 || expires <= 0)
		return -1;
	if (base64url_decode(dot2 + 1, strlen(dot2 + 1), mac, sizeof mac))
		return -1;
	mac_of(key, cookie, (size_t)(dot2 - cookie), want);
	if (CRYPTO_memcmp(mac, want, sizeof mac))
		return -1;
	if (expires <= now)
		return -1;
	if (base64url_decode(id, (size_t)(dot1 - id), out->id, sizeof out->id))
		return -1;
	out->expires = expires;
	hash_id(out);
	return 0;
}

int session_cookie_next(const char *header, const char *name, size_t *pos,
			char *value, size_t size)
{
	size_t name_len = strlen(name);
	const char *p = header + *pos;

	while (*p) {
		size_t len;

		while (*p == ' ' || *p == ';')
			p++;
		len = strcspn(p, ";");
		if (len > name_len && !strncmp(p, name, name_len) &&
		    p[name_len] == '=') {
			size_t vlen = len - name_len - 1;

			while (vlen && p[name_len + vlen] == ' ')
				vlen--;
			if (vlen < size) {
				memcpy(value, p + name_len + 1, vlen);
				value[vlen] = '\0';
				*pos = (size_t)(p + len - header);
				return 0;
			}
		}
		p += len;
	}
	*pos = (size_t)(p - header);
	return -1;
}

int session_cookie_find(const char *header, const char *name, char *value,
			size_t size)
{
	size_t pos = 0;

	return session_cookie_next(header, name, &pos, value, size);
}

void session_hash_hex(const unsigned char hash[32], char out[65])
{
	static const char hex[] = "0123456789abcdef";

	for (int i = 0; i < 32; i++) {
		out[2 * i] = hex[hash[i] >> 4];
		out[2 * i + 1] = hex[hash[i] & 15];
	}
	out[64] = '\0';
}
