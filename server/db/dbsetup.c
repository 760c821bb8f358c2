/* dbsetup.c - start-up migrations and checks (see dbsetup.h). */
#include "db/dbsetup.h"

#include <libpq-fe.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/password.h"
#include "base/log.h"

/* One advisory lock id for "migrating": several processes starting at once
 * apply each migration exactly once. */
#define MIGRATE_LOCK_ID "7318462019"

static int exec_ok(PGconn *conn, const char *sql, char *err, size_t errlen)
{
	PGresult *res = PQexec(conn, sql);
	ExecStatusType st = PQresultStatus(res);
	int ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;

	if (!ok)
		snprintf(err, errlen, "%s", PQresultErrorMessage(res));
	PQclear(res);
	return ok ? 0 : -1;
}

static PGconn *connect_waiting(const char *conninfo, int wait_s, char *err,
			       size_t errlen)
{
	const char *keys[] = {"application_name", "dbname", NULL};
	const char *vals[] = {"fairserver-setup", conninfo, NULL};

	for (int waited = 0;; waited++) {
		PGconn *conn = PQconnectdbParams(keys, vals, 1);

		if (PQstatus(conn) == CONNECTION_OK)
			return conn;
		snprintf(err, errlen,
			 "cannot connect to PostgreSQL: %s(is it running? "
			 "The project's private cluster starts with `make db`, "
			 "and `make run` starts it when FAIR_DATABASE_URL is "
			 "unset or names it.)",
			 PQerrorMessage(conn));
		for (char *q = err; *q; q++)
			if (*q == '\n' || *q == '\t')
				*q = ' ';
		PQfinish(conn);
		if (waited >= wait_s)
			return NULL;
		if (waited == 0)
			LOG(LOG_WARN, "%s; retrying for up to %d s", err,
			    wait_s);
		sleep(1);
	}
}

static int current_version(PGconn *conn, int *version, char *err,
			   size_t errlen)
{
	PGresult *res = PQexec(
		conn, "SELECT coalesce(max(version), 0) FROM schema_migrations");

	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		snprintf(err, errlen, "reading schema_migrations: %s",
			 PQresultErrorMessage(res));
		PQclear(res);
		return -1;
	}
	*version = atoi(PQgetvalue(res, 0, 0));
	PQclear(res);
	return 0;
}

static int apply_one(PGconn *conn, const struct migration *m, char *err,
		     size_t errlen)
{
	char version[16];
	const char *params[2] = {version, m->name};
	PGresult *res;

	if (exec_ok(conn, "BEGIN", err, errlen))
		return -1;
	if (exec_ok(conn, m->sql, err, errlen)) {
		char why[512];

		snprintf(why, sizeof why, "%s", err);
		snprintf(err, errlen, "migration %s failed: %s", m->name, why);
		PQclear(PQexec(conn, "ROLLBACK"));
		return -1;
	}
	snprintf(version, sizeof version, "%d", m->version);
	res = PQexecParams(conn,
			   "INSERT INTO schema_migrations (version, name) "
			   "VALUES ($1, $2)",
			   2, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		snprintf(err, errlen, "recording migration %s: %s", m->name,
			 PQresultErrorMessage(res));
		PQclear(res);
		PQclear(PQexec(conn, "ROLLBACK"));
		return -1;
	}
	PQclear(res);
	if (exec_ok(conn, "COMMIT", err, errlen))
		return -1;
	LOG(LOG_NOTICE, "applied migration %s", m->name);
	return 0;
}

static int migrate(PGconn *conn, bool apply, int *version, char *err,
		   size_t errlen)
{
	int known = migrations_count ? migrations[migrations_count - 1].version
				     : 0;

	if (exec_ok(conn,
		    "CREATE TABLE IF NOT EXISTS schema_migrations ("
		    " version int PRIMARY KEY,"
		    " name text NOT NULL,"
		    " applied_at timestamptz NOT NULL DEFAULT now())",
		    err, errlen) ||
	    current_version(conn, version, err, errlen))
		return -1;
	if (*version > known) {
		snprintf(err, errlen,
			 "the database schema is at version %d but this "
			 "server knows only up to %d: run a newer server",
			 *version, known);
		return -1;
	}
	for (size_t i = 0; i < migrations_count; i++) {
		const struct migration *m = &migrations[i];

		if (m->version <= *version)
			continue;
		if (!apply) {
			snprintf(err, errlen,
				 "the database schema is at version %d, "
				 "migration %s is pending and "
				 "migrate_on_start is off",
				 *version, m->name);
			return -1;
		}
		if (apply_one(conn, m, err, errlen))
			return -1;
		*version = m->version;
	}
	return 0;
}

static int check_durability(PGconn *conn, struct dbsetup_result *out,
			    char *err, size_t errlen)
{
	static const char *const settings[] = {"fsync", "synchronous_commit",
					       "full_page_writes"};
	PGresult *res = PQexec(conn, "SELECT current_setting('fsync'), "
				     "current_setting('synchronous_commit'), "
				     "current_setting('full_page_writes')");

	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		snprintf(err, errlen, "reading settings: %s",
			 PQresultErrorMessage(res));
		PQclear(res);
		return -1;
	}
	out->durable = true;
	out->durability_note[0] = '\0';
	for (int i = 0; i < 3; i++) {
		const char *v = PQgetvalue(res, 0, i);

		/* synchronous_commit may be on, remote_write, remote_apply
		 * or local: only off (and its alias false) lose commits. */
		if (!strcmp(v, "off") || !strcmp(v, "false")) {
			out->durable = false;
			snprintf(out->durability_note,
				 sizeof out->durability_note, "%s is off",
				 settings[i]);
		}
	}
	PQclear(res);
	return 0;
}

int dbsetup_session_key(void *pgconn, unsigned char key[32], char *err,
			size_t errlen)
{
	PGconn *conn = pgconn;
	unsigned char fresh[32];
	char hex[2 * sizeof fresh + 3] = "\\x";
	const char *params[1] = {hex};
	PGresult *res;
	size_t len = 0;
	unsigned char *raw;

	if (RAND_bytes(fresh, sizeof fresh) != 1) {
		snprintf(err, errlen, "no randomness for the session key");
		return -1;
	}
	for (size_t i = 0; i < sizeof fresh; i++)
		snprintf(hex + 2 + 2 * i, 3, "%02x", fresh[i]);
	/* Whoever inserts first wins; everyone reads the same row. */
	res = PQexecParams(conn,
			   "INSERT INTO server_secrets (name, secret) VALUES "
			   "('session_cookie', $1::bytea) ON CONFLICT DO NOTHING",
			   1, NULL, params, NULL, NULL, 0);
	PQclear(res);
	res = PQexec(conn, "SELECT secret FROM server_secrets "
			   "WHERE name = 'session_cookie'");
	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
		snprintf(err, errlen, "reading the session key: %s",
			 PQresultErrorMessage(res));
		PQclear(res);
		return -1;
	}
	raw = PQunescapeBytea((const unsigned char *)PQgetvalue(res, 0, 0),
			      &len);
	PQclear(res);
	if (!raw || len < 32) {
		snprintf(err, errlen, "the stored session key is too short");
		PQfreemem(raw);
		return -1;
	}
	memcpy(key, raw, 32);
	OPENSSL_cleanse(raw, len);
	PQfreemem(raw);
	return 0;
}

/* The demo accounts share one hash: checking one of them tells. */
static bool demo_passwords_in_use(PGconn *conn)
{
	PGresult *res = PQexec(conn, "SELECT password_hash FROM users "
				     "WHERE login IN ('admin', 'dealer001', "
				     "'manager1', 'rep1') AND NOT disabled");
	bool found = false;

	for (int i = 0; PQresultStatus(res) == PGRES_TUPLES_OK &&
			i < PQntuples(res) && !found;
	     i++)
		found = password_verify("demo", PQgetvalue(res, i, 0));
	PQclear(res);
	return found;
}

int dbsetup_run(const char *conninfo, bool apply, bool check_demo, int wait_s,
		struct dbsetup_result *out, char *err, size_t errlen)
{
	PGconn *conn = connect_waiting(conninfo, wait_s, err, errlen);
	int rc = -1;

	memset(out, 0, sizeof *out);
	if (!conn)
		return -1;
	PQclear(PQexec(conn, "SET client_min_messages = warning"));
	if (exec_ok(conn, "SELECT pg_advisory_lock(" MIGRATE_LOCK_ID ")", err,
		    errlen))
		goto done;
	rc = migrate(conn, apply, &out->schema_version, err, errlen);
	PQclear(PQexec(conn, "SELECT pg_advisory_unlock(" MIGRATE_LOCK_ID ")"));
	if (rc == 0)
		rc = check_durability(conn, out, err, errlen);
	if (rc == 0)
		rc = dbsetup_session_key(conn, out->session_key, err, errlen);
	if (rc == 0 && check_demo)
		out->demo_passwords = demo_passwords_in_use(conn);
done:
	PQfinish(conn);
	return rc;
}
