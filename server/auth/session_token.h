/* session_token.h - the session cookie: a random id with an expiry and a
 * MAC under the server's key.
 *
 * Cookie value: "v1.<id>.<expires>.<mac>", id being 32 random bytes and mac
 * HMAC-SHA256(key, "v1." id "." expires) truncated to 16 bytes, both in
 * base64url without padding; expires in Unix seconds. A forged, altered or
 * expired cookie is refused without asking the database; the database keeps
 * only SHA-256(id), so it stays the truth about revocation. Pure code. */
#ifndef FAIR_SESSION_TOKEN_H
#define FAIR_SESSION_TOKEN_H

#include <stddef.h>
#include <stdint.h>

#define SESSION_ID_BYTES 32
#define SESSION_KEY_BYTES 32
#define SESSION_COOKIE_MAX 128 /* bytes of a cookie value, with its NUL */
#define SESSION_COOKIE_NAME "fair_session"

struct session_token {
	unsigned char id[SESSION_ID_BYTES];
	unsigned char id_hash[32]; /* SHA-256(id): the database's key */
	int64_t expires;           /* Unix seconds */
};

/* Makes a new random id expiring at expires and writes its cookie value
 * into cookie (SESSION_COOKIE_MAX bytes). Returns 0 or -1. */
int session_token_mint(const unsigned char key[SESSION_KEY_BYTES],
		       int64_t expires, struct session_token *out, char *cookie,
		       size_t size);

/* Checks a cookie value: format, MAC (in constant time) and expiry against
 * now. Returns 0 and fills out, or -1. */
int session_token_check(const unsigned char key[SESSION_KEY_BYTES],
			const char *cookie, int64_t now,
			struct session_token *out);

/* Finds the "name=value" pairs of a Cookie header in turn: *pos is where to
 * look from (0 at first) and is moved past the pair found, whose value is
 * copied (at most size - 1 bytes; a longer one is passed over). A browser
 * may send two pairs of one name (another path's or domain's cookie, an old
 * one): the first need not be the one that checks. Returns 0, or -1 when
 * there is no further pair. */
int session_cookie_next(const char *header, const char *name, size_t *pos,
			char *value, size_t size);

/* The first pair's value (session_cookie_next from 0). */
int session_cookie_find(const char *header, const char *name, char *value,
			size_t size);

/* Lower-case hex of 32 bytes into out (65 bytes). */
void session_hash_hex(const unsigned char hash[32], char out[65]);

/* Frees the keyed MAC context kept between calls (at shutdown). */
void session_token_release(void);

#endif
