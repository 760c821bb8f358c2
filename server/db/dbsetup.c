/* dbsetup.c - start-up migrations and checks (see dbsetup.h). */
#include "db/dbsetup.h"

#include <libpq-fe.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "base/password.h"

/* One advisory lock id for "migrating": several processes starting at once
 * apply each migration exactly once. */
#define MIGRATE_LOCK_ID "7318462019"

/* Runs sql (one statement or several). A file holding only comments is an
 * empty query, which is fine. On failure err holds the message and, when
 * state is not NULL, *state the SQLSTATE. */
static int exec_state(PGconn *conn, const char *sql, char state[6], char *err,
		      size_t errlen)
{
	PGresult *res = PQexec(conn, sql);
	ExecStatusType st = PQresultStatus(res);
	int ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK ||
		 st == PGRES_EMPTY_QUERY;

	if (!ok) {
		const char *code = PQresultErrorField(res, PG_DIAG_SQLSTATE);

		snprintf(err, errlen, "%s", PQresultErrorMessage(res));
		if (state)
			snprintf(state, 6, "%s", code ? code : "");
	}
	PQclear(res);
	return ok ? 0 : -1;
}

static int exec_ok(PGconn *conn, const char *sql, char *err, size_t errlen)
{
	return exec_state(conn, sql, NULL, err, errlen);
}

/* Prefixes err with what failed: what and name, as in "migration " and
 * "021_x" for "migration 021_x failed: ...". */
static void err_prefix(char *err, size_t errlen, const char *what,
		       const char *name)
{
	char why[512];

	snprintf(why, sizeof why, "%s", err);
	snprintf(err, errlen, "%s%s failed: %s", what, name, why);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
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

static int read_state(PGconn *conn, int *version, bool *functions_current,
		      char *err, size_t errlen)
{
	const char *params[1] = {repeatables_checksum};
	PGresult *res = PQexecParams(
		conn,
		"SELECT (SELECT coalesce(max(version), 0) FROM "
		"schema_migrations),"
		" EXISTS (SELECT 1 FROM schema_functions WHERE checksum = $1)",
		1, NULL, params, NULL, NULL, 0);

	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		snprintf(err, errlen, "reading schema_migrations: %s",
			 PQresultErrorMessage(res));
		PQclear(res);
		return -1;
	}
	*version = atoi(PQgetvalue(res, 0, 0));
	*functions_current = PQgetvalue(res, 0, 1)[0] == 't';
	PQclear(res);
	return 0;
}

static int record_migration(PGconn *conn, const struct migration *m, char *err,
			    size_t errlen)
{
	char version[16];
	const char *params[2] = {version, m->name};
	PGresult *res;

	snprintf(version, sizeof version, "%d", m->version);
	res = PQexecParams(conn,
			   "INSERT INTO schema_migrations (version, name) "
			   "VALUES ($1, $2)",
			   2, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		snprintf(err, errlen, "recording migration %s: %s", m->name,
			 PQresultErrorMessage(res));
		PQclear(res);
		return -1;
	}
	PQclear(res);
	return 0;
}

/* The repeatable layer, inside the caller's transaction: every file in its
 * order, then every function's body checked, then its checksum recorded.
 * Bodies are not checked while the files run (SQL-language functions call
 * functions of later files); once everything exists, PostgreSQL's own
 * validators check them all as CREATE FUNCTION would have. */
static int apply_functions(PGconn *conn, char state[6], char *err,
			   size_t errlen)
{
	char files[16];
	const char *params[2] = {repeatables_checksum, files};
	PGresult *res;

	if (exec_state(conn, "SET LOCAL check_function_bodies = off", state,
		       err, errlen))
		return -1;
	for (size_t i = 0; i < repeatables_count; i++) {
		if (exec_state(conn, repeatables[i].sql, state, err, errlen)) {
			err_prefix(err, errlen, "sql/functions/",
				   repeatables[i].path);
			return -1;
		}
	}
	if (exec_state(conn,
		       "SET LOCAL check_function_bodies = on;"
		       "DO $$ DECLARE f record; BEGIN"
		       " FOR f IN SELECT p.oid, p.oid::regprocedure AS name,"
		       "  l.lanname FROM pg_proc p"
		       "  JOIN pg_language l ON l.oid = p.prolang"
		       "  WHERE p.pronamespace = 'public'::regnamespace"
		       "  AND l.lanname IN ('sql', 'plpgsql') LOOP"
		       "  BEGIN"
		       "   IF f.lanname = 'sql' THEN"
		       "    PERFORM fmgr_sql_validator(f.oid);"
		       "   ELSE PERFORM plpgsql_validator(f.oid); END IF;"
		       "  EXCEPTION WHEN OTHERS THEN RAISE EXCEPTION '%: %',"
		       "   f.name, SQLERRM USING ERRCODE = SQLSTATE;"
		       "  END;"
		       " END LOOP; END $$",
		       state, err, errlen)) {
		err_prefix(err, errlen, "checking the bodies of ",
			   "sql/functions/");
		return -1;
	}
	snprintf(files, sizeof files, "%zu", repeatables_count);
	res = PQexecParams(conn,
			   "INSERT INTO schema_functions (checksum, files) "
			   "VALUES ($1, $2) ON CONFLICT (one) DO UPDATE SET "
			   "checksum = $1, files = $2, applied_at = now()",
			   2, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		snprintf(err, errlen, "recording sql/functions/: %s",
			 PQresultErrorMessage(res));
		PQclear(res);
		return -1;
	}
	PQclear(res);
	return 0;
}

/* One transaction: the migrations from migrations[first] on, then the
 * layer. A process never sees tables of a new version without the functions
 * and triggers that go with them, and a failure leaves the database as it
 * was. Sets *retry when the failure was a deadlock or a serialization
 * failure (the triggers' table locks against another process's writes). */
static int upgrade(PGconn *conn, size_t first, struct dbsetup_result *out,
		   bool *retry, char *err, size_t errlen)
{
	char state[6] = "";
	double started;

	*retry = false;
	if (exec_ok(conn, "BEGIN", err, errlen))
		return -1;
	for (size_t i = first; i < migrations_count; i++) {
		const struct migration *m = &migrations[i];

		if (exec_state(conn, m->sql, state, err, errlen)) {
			err_prefix(err, errlen, "migration ", m->name);
			goto failed;
		}
		if (record_migration(conn, m, err, errlen))
			goto failed;
	}
	started = now_ms();
	if (apply_functions(conn, state, err, errlen))
		goto failed;
	if (exec_state(conn, "COMMIT", state, err, errlen))
		goto failed;
	out->functions_applied = true;
	out->functions_ms = now_ms() - started;
	for (size_t i = first; i < migrations_count; i++)
		LOG(LOG_NOTICE, "applied migration %s", migrations[i].name);
	LOG(LOG_NOTICE,
	    "applied sql/functions/ (%zu files, checksum %.12s) in %.0f ms",
	    repeatables_count, repeatables_checksum, out->functions_ms);
	return 0;
failed:
	*retry = !strcmp(state, "40P01") || !strcmp(state, "40001");
	PQclear(PQexec(conn, "ROLLBACK"));
	return -1;
}

static int migrate(PGconn *conn, bool apply, struct dbsetup_result *out,
		   char *err, size_t errlen)
{
	int known =
		migrations_count ? migrations[migrations_count - 1].version : 0;
	int *version = &out->schema_version;
	bool functions_current;
	size_t first = 0;

	if (exec_ok(conn,
		    "CREATE TABLE IF NOT EXISTS schema_migrations ("
		    " version int PRIMARY KEY,"
		    " name text NOT NULL,"
		    " applied_at timestamptz NOT NULL DEFAULT now());"
		    "CREATE TABLE IF NOT EXISTS schema_functions ("
		    " one boolean PRIMARY KEY DEFAULT true CHECK (one),"
		    " checksum text NOT NULL,"
		    " files integer NOT NULL,"
		    " applied_at timestamptz NOT NULL DEFAULT now())",
		    err, errlen) ||
	    read_state(conn, version, &functions_current, err, errlen))
		return -1;
	if (*version > known) {
		snprintf(err, errlen,
			 "the database schema is at version %d but this "
			 "server knows only up to %d: run a newer server",
			 *version, known);
		return -1;
	}
	while (first < migrations_count &&
	       migrations[first].version <= *version)
		first++;
	if (first == migrations_count && functions_current)
		return 0;
	if (!apply) {
		if (first < migrations_count)
			snprintf(err, errlen,
				 "the database schema is at version %d, "
				 "migration %s is pending and "
				 "migrate_on_start is off",
				 *version, migrations[first].name);
		else
			snprintf(err, errlen,
				 "the database's functions are not this "
				 "server's (sql/functions/ changed) and "
				 "migrate_on_start is off");
		return -1;
	}
	for (int attempt = 1;; attempt++) {
		bool retry;

		if (upgrade(conn, first, out, &retry, err, errlen) == 0)
			break;
		if (!retry || attempt == 3)
			return -1;
		LOG(LOG_WARN, "%s; trying again", err);
	}
	*version = known;
	return 0;
}

static int check_durability(PGconn *conn, struct dbsetup_result *out, char *err,
			    size_t errlen)
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
	res = PQexecParams(
		conn,
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
	rc = migrate(conn, apply, out, err, errlen);
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
