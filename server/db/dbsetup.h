/* dbsetup.h - the database work done once at start-up, before the loop.
 *
 * The only blocking libpq use in the server: connect (retrying for a while
 * so a server started together with PostgreSQL waits for it), apply the
 * sql/ migrations and the functions of sql/functions/ compiled into the
 * binary, refuse a schema newer than this binary knows, and check that
 * PostgreSQL is configured to keep committed orders (fsync,
 * synchronous_commit, full_page_writes). */
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

/* A file of the repeatable layer: functions, views and triggers, each
 * defined once with CREATE OR REPLACE (sql/functions/README.md). */
struct repeatable {
	const char *path; /* under sql/functions/: "orders/batch.sql" */
	const char *sql;
};

/* The files of sql/functions/<area>/ by path, then sql/functions/triggers.sql,
 * and the SHA-256 (hex) of their paths and contents (generated at build
 * time). */
extern const struct repeatable repeatables[];
extern const size_t repeatables_count;
extern const char repeatables_checksum[];

struct dbsetup_result {
	int schema_version;     /* after migrating */
	bool functions_applied; /* sql/functions/ was applied by this call */
	double functions_ms; /* how long that took (migrations not counted) */
	unsigned char
		session_key[32]; /* the cookie MAC key all processes share */
	bool durable; /* fsync, synchronous_commit, full_page_writes on */
	char durability_note[160]; /* which setting is off, when not durable */
	bool demo_passwords; /* a demo account still has the password "demo" */
};

/* Connects to conninfo (for up to wait_s seconds), migrates when apply is
 * true (else only checks that nothing is pending), checks durability, loads
 * the session key and, when check_demo is true, whether the demo passwords
 * are still in use (one password hash: about a tenth of a second).
 *
 * Migrating, under an advisory lock so that processes starting together
 * take turns: the pending numbered migrations, then the repeatable layer,
 * all in one transaction. The layer is applied when a migration was pending
 * or its checksum differs from the one recorded in schema_functions; else
 * nothing is written. Returns 0, or -1 with a message for the operator in
 * err. */
int dbsetup_run(const char *conninfo, bool apply, bool check_demo, int wait_s,
		struct dbsetup_result *out, char *err, size_t errlen);

/* Reads the session cookie key from server_secrets, creating it (random,
 * once, race-free across processes) when absent. conn is a connected
 * blocking libpq connection (PGconn *). Returns 0 or -1 with err set. */
int dbsetup_session_key(void *conn, unsigned char key[32], char *err,
			size_t errlen);

#endif
