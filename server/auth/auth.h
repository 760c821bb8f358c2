/* auth.h - logins, sessions and who is behind each socket.
 *
 * Passwords are checked on the worker pool (password.h), sessions live in
 * PostgreSQL (only hashes of their ids) and are announced revoked by NOTIFY
 * so every process closes their sockets. A cookie's MAC and expiry are
 * checked without a round trip; the database is asked once per process per
 * session, and the answer kept in a small cache until revoked. */
#ifndef FAIR_AUTH_H
#define FAIR_AUTH_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "net/http.h"

/* Who a session belongs to. Shared (reference counted) between the cache
 * and the sockets using it; immutable once made. */
struct auth_user {
	unsigned refs;
	int64_t user_id;
	unsigned role;     /* one ROLE_* bit */
	int64_t dealer_id; /* 0 unless a dealer's user */
	char tier[8];      /* the dealer's tier ("A"), "" for staff */
	char login[72];
	char *region; /* the dealer's region, NULL for staff */
	/* The hello's user object, serialised once (compact). Kept as text
	 * alone: a jansson tree of it cost ~1.1 KB per connection. */
	char *json_text;
	unsigned char session_hash[32];
	/* A temporary password: only GET /api/me, POST /api/password and
	 * /api/logout serve it (never cached: see cache_put). */
	bool must_change_password;
};

/* The message of the 403 a session with a temporary password gets. */
#define AUTH_PASSWORD_CHANGE_WHY \
	"the password must be changed first: POST /api/password"

struct auth_user *auth_user_ref(struct auth_user *u);
void auth_user_unref(struct auth_user *u);

/* Subscribes to revocations; call once the pool exists. */
void auth_start(void);
void auth_stop(void);

/* POST /api/login {login, password}; POST /api/logout; POST /api/password
 * {old, new}; GET /api/me. */
void auth_http_login(const struct http_call *call);
void auth_http_logout(const struct http_call *call);
void auth_http_password(const struct http_call *call);
void auth_http_me(const struct http_call *call);

/* Finds the user behind an HTTP request's session cookie value (struct
 * http_call's session), for routes that need a role: from the cache at
 * once, or from PostgreSQL later. Calls fn exactly once, possibly before
 * returning, with the user (borrowed: auth_user_ref it to keep it) and
 * status 200, or with NULL and 401 (no valid session), 403 (the user must
 * change its password first: AUTH_PASSWORD_CHANGE_WHY) or 503 (PostgreSQL
 * could not be asked). */
typedef void (*auth_http_user_fn)(void *arg, struct auth_user *user,
				  int status);
void auth_http_user(const char *session, auth_http_user_fn fn, void *arg);

/* For JSON routes, in an auth_http_user callback: true when user may go
 * on (its role is one of roles, ROLE_* bits); otherwise answers request id
 * 401, 503 (with Retry-After), 403 with forbidden_why, or 403 forbidden with
 * AUTH_PASSWORD_CHANGE_WHY, and returns false (the caller then only frees
 * its own state). */
bool auth_http_allow(uint64_t id, const struct auth_user *user, int status,
		     unsigned roles, const char *forbidden_why);

/* Checks a Cookie header at the upgrade: a well-formed, authentic, unexpired
 * session cookie (the first such of its fair_session pairs: a browser may
 * also send another path's or an old one). Returns 0 and sets hash, or -1
 * (answer 401). */
int auth_cookie_check(const char *cookie_header, unsigned char hash[32]);

/* Copies the session cookie's value from a Cookie header (at most size - 1
 * bytes): the first fair_session pair that checks, else the first pair.
 * Returns 0, or -1 when there is none. */
int auth_cookie_value(const char *cookie_header, char *value, size_t size);

/* Finds the user of a socket's session: from the cache at once, or from
 * PostgreSQL later (ws_session_hooks.authenticate). Calls
 * ws_session_authenticated exactly once, possibly before returning: with
 * the user's identity (its owner the user, which the session holds), or
 * with NULL and 4401 (the session ended), 4403 (its user must change its
 * password first) or 1013 (PostgreSQL could not be asked). */
void auth_resolve(uint64_t session_id, const unsigned char hash[32]);

/* The user of a socket's session (ws_session_owner), or NULL when it has
 * gone or is not let in yet. Borrowed: valid while the session is open. */
const struct auth_user *auth_session_user(uint64_t session_id);

#endif
