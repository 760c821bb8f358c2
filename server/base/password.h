/* password.h - password hashing: PBKDF2-HMAC-SHA256 (OpenSSL).
 *
 * Stored form: "pbkdf2-sha256$<iterations>$<salt base64>$<hash base64>", so
 * the iteration count can be raised later without invalidating old hashes.
 * Hashing costs about a tenth of a second of CPU at the default count: call
 * these from a worker thread, never from the event loop. Pure code. */
#ifndef FAIR_PASSWORD_H
#define FAIR_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>

#define PASSWORD_ITERATIONS 600000
#define PASSWORD_HASH_MAX 128   /* bytes of a stored hash, with its NUL */
#define PASSWORD_MIN_LENGTH 8   /* characters of a new password */
#define PASSWORD_MAX_LENGTH 256 /* bytes */

/* Hashes password with a fresh random salt into out (PASSWORD_HASH_MAX
 * bytes). Returns 0, or -1 when OpenSSL fails. */
int password_hash(const char *password, int iterations, char *out, size_t size);

/* True when password matches stored. Compares in constant time; a
 * malformed stored hash never matches (but still costs a hash, so timing
 * does not tell). */
bool password_verify(const char *password, const char *stored);

/* Writes a random temporary password of n characters (from letters and
 * digits that cannot be mistaken for each other) into out (n + 1 bytes).
 * Returns 0, or -1 when OpenSSL has no randomness. */
int password_generate(char *out, size_t n);

/* Why a new password is not acceptable (too short, too long, the login
 * itself or contained in it), or NULL when it is. */
const char *password_weakness(const char *password, const char *login);

#endif
