/* dbsetup.h - the database work done once at start-up, before the loop.
 *
 * The only blocking libpq use in the server: connect (retrying for a while
 * so a server started together with PostgreSQL waits for it), apply the
 * sql/ migrations compiled into the binary, refuse a schema newer than this
 * binary knows, and check that PostgreSQL is configured to keep committed
 * orders (fsync, synchronous_commit, full_page_writes). */
#ifndef FAIR_DBSETUP_H
#define FAIR_DBSETUP_H

#include <stdbool.h>
#include <stddef.h>

struct migration {
	int version;      /* from the file name: 001_base.sql is 1 */
	const char *name; /* the file name without .sql */
	const char *sql;
};

/* Every migration under sql/, in version order (generated at build time). */
extern const struct migration migrations[];
extern const size_t migrations_count;

struct dbsetup_result {
	int schema_version;   /* after migrating */
	unsigned char session_key[32]; /* the cookie MAC key all processes share */
	bool durable;         /* fsync, synchronous_commit, full_page_writes on */
	char durability_note[160]; /* which setting is off, when not durable */
	bool demo_passwords;  /* a demo account still has the password "demo" */
};

/* Connects to conninfo (for up to wait_s seconds), migrates when apply is
 * true (else only checks the version), checks durability, loads the session
 * key and, when check_demo is true, whether the demo passwords are still in
 * use (one password hash: about a tenth of a second). Returns 0, or -1 with
 * a message for the operator in err. */
int dbsetup_run(const char *conninfo, bool apply, bool check_demo, int wait_s,
		struct dbsetup_result *out, char *err, size_t errlen);

/* Reads the session cookie key from server_secrets, creating it (random,
 * once, race-free across processes) when absent. conn is a connected
 * blocking libpq connection (PGconn *). Returns 0 or -1 with err set. */
int dbsetup_session_key(void *conn, unsigned char key[32], char *err,
			size_t errlen);

#endif
