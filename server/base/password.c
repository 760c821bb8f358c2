/* password.c - PBKDF2 password hashes (see password.h). */
#include "base/password.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SALT_BYTES 16
#define HASH_BYTES 32
#define MAX_ITERATIONS 10000000

static int derive(const char *password, const unsigned char *salt,
		  size_t salt_len, int iterations, unsigned char *out)
{
	return PKCS5_PBKDF2_HMAC(password, (int)strlen(password), salt,
				 (int)salt_len, iterations, EVP_sha256(),
				 HASH_BYTES, out) == 1
		       ? 0
		       : -1;
}

int password_hash(const char *password, int iterations, char *out, size_t size)
{
	unsigned char salt[SALT_BYTES], hash[HASH_BYTES];
	char salt64[32], hash64[64];

	if (RAND_bytes(salt, sizeof salt) != 1 ||
	    derive(password, salt, sizeof salt, iterations, hash))
		return -1;
	EVP_EncodeBlock((unsigned char *)salt64, salt, sizeof salt);
	EVP_EncodeBlock((unsigned char *)hash64, hash, sizeof hash);
	if (snprintf(out, size, "pbkdf2-sha256$%d$%s$%s", iterations, salt64,
		     hash64) >= (int)size)
		return -1;
	return 0;
}

/* Decodes standard base64 of a known decoded length; -1 on mismatch. */
static int decode64(const char *text, size_t text_len, unsigned char *out,
		    size_t expected)
{
	unsigned char buf[64];
	int n;

	if (text_len == 0 || text_len > 64 || text_len % 4)
		return -1;
	n = EVP_DecodeBlock(buf, (const unsigned char *)text, (int)text_len);
	/* EVP_DecodeBlock counts the padding as data: drop it */
	for (size_t i = text_len; i > 0 && text[i - 1] == '='; i--)
		n--;
	if (n != (int)expected)
		return -1;
	memcpy(out, buf, expected);
	return 0;
}

bool password_verify(const char *password, const char *stored)
{
	static const unsigned char dummy_salt[SALT_BYTES] = "fair dummy salt";
	unsigned char salt[SALT_BYTES], want[HASH_BYTES], got[HASH_BYTES];
	const char *p = stored, *salt_end, *hash_start;
	char *end;
	long iterations;
	bool well_formed = false;

	if (!strncmp(p, "pbkdf2-sha256$", 14)) {
		p += 14;
		iterations = strtol(p, &end, 10);
		if (end != p && *end == '$' && iterations >= 1000 &&
		    iterations <= MAX_ITERATIONS) {
			salt_end = strchr(end + 1, '$');
			hash_start = salt_end ? salt_end + 1 : NULL;
			well_formed =
				salt_end &&
				!decode64(end + 1, (size_t)(salt_end - end - 1),
					  salt, sizeof salt) &&
				!decode64(hash_start, strlen(hash_start), want,
					  sizeof want);
		}
	}
	if (!well_formed) {
		/* Pay for a hash anyway: refusing fast would tell. */
		derive(password, dummy_salt, sizeof dummy_salt,
		       PASSWORD_ITERATIONS, got);
		return false;
	}
	if (derive(password, salt, sizeof salt, (int)iterations, got))
		return false;
	return CRYPTO_memcmp(got, want, sizeof got) == 0;
}

int password_generate(char *out, size_t n)
{
	static const char alphabet[] = "abcdefghjkmnpqrstuvwxyz"
				       "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	unsigned char random[64];

	if (n > sizeof random || RAND_bytes(random, (int)n) != 1)
		return -1;
	for (size_t i = 0; i < n; i++) /* 56 symbols: a slight bias is fine */
		out[i] = alphabet[random[i] % (sizeof alphabet - 1)];
	out[n] = '\0';
	return 0;
}

const char *password_weakness(const char *password, const char *login)
{
	size_t chars = 0;

	for (const char *p = password; *p; p++)
		if (((unsigned char)*p & 0xC0) != 0x80)
			chars++;
	if (chars < PASSWORD_MIN_LENGTH)
		return "the new password needs at least 8 characters";
	if (strlen(password) > PASSWORD_MAX_LENGTH)
		return "the new password is longer than 256 bytes";
	if (login && *login &&
	    (!strcasecmp(password, login) || strcasestr(password, login)))
		return "the new password must not contain the login name";
	return NULL;
}
