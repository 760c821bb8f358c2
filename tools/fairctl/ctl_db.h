/* ctl_db.h - blocking libpq for fairctl.
 *
 * A command-line tool may block, so these are thin wrappers over PQexec and
 * PQexecParams that turn a failed result into one line of text. Every query
 * is parameterised; nothing is built from input text. */
#ifndef FAIR_CTL_DB_H
#define FAIR_CTL_DB_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>

/* Migrates the database at url (dbsetup_run: the server's own migrations),
 * then opens a connection for the command. key, when not NULL, receives the
 * session cookie MAC key every server process shares. Returns the
 * connection (the caller PQfinish-es it), or NULL with err set. */
PGconn *ctl_db_open(const char *url, unsigned char *key, char *err,
		    size_t errlen);

/* Runs sql with n text parameters. Returns the result when it succeeded
 * (the caller PQclear-s it), or NULL with PostgreSQL's message in err. */
PGresult *ctl_db_query(PGconn *conn, const char *sql, int n,
		       const char *const *params, char *err, size_t errlen);

/* The same for statements whose rows do not matter. Returns 0 or -1. */
int ctl_db_exec(PGconn *conn, const char *sql, int n, const char *const *params,
		char *err, size_t errlen);

/* True when the last statement that failed broke a unique constraint,
 * e.g. a login or a dealer code that already exists. */
bool ctl_db_last_was_duplicate(void);

/* BEGIN, COMMIT and ROLLBACK (which never fails visibly). */
int ctl_db_begin(PGconn *conn, char *err, size_t errlen);
int ctl_db_commit(PGconn *conn, char *err, size_t errlen);
void ctl_db_rollback(PGconn *conn);

#endif
