/* ctl_db.c - blocking libpq helpers for fairctl (see ctl_db.h). */
#include "fairctl/ctl_db.h"

#include <stdio.h>
#include <string.h>

#include "db/dbsetup.h"

#define DB_WAIT_S 10 /* seconds to wait for PostgreSQL to come up */

/* The SQLSTATE of the last failed statement (fairctl is single-threaded). */
static char last_state[6];

static void one_line(char *s)
{
	size_t len = strlen(s);

	while (len && (s[len - 1] == '\n' || s[len - 1] == ' '))
		s[--len] = '\0';
	for (char *p = s; *p; p++)
		if (*p == '\n' || *p == '\t')
			*p = ' ';
}

static void describe(const PGresult *res, PGconn *conn, char *err,
		     size_t errlen)
{
	const char *state =
		res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *msg =
		res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	const char *detail =
		res ? PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL) : NULL;

	snprintf(last_state, sizeof last_state, "%s", state ? state : "");
	snprintf(err, errlen, "%s%s%s", msg ? msg : PQerrorMessage(conn),
		 detail ? " (" : "", detail ? detail : "");
	if (detail && strlen(err) + 2 < errlen)
		strcat(err, ")");
	one_line(err);
}

PGconn *ctl_db_open(const char *url, unsigned char *key, char *err,
		    size_t errlen)
{
	const char *keys[] = {"application_name", "dbname", NULL};
	const char *vals[] = {"fairctl", url, NULL};
	struct dbsetup_result setup;
	PGconn *conn;

	if (dbsetup_run(url, true, false, DB_WAIT_S, &setup, err, errlen))
		return NULL;
	if (key)
		memcpy(key, setup.session_key, sizeof setup.session_key);
	conn = PQconnectdbParams(keys, vals, 1);
	if (PQstatus(conn) != CONNECTION_OK) {
		snprintf(err, errlen, "cannot connect to PostgreSQL: %s",
			 PQerrorMessage(conn));
		one_line(err);
		PQfinish(conn);
		return NULL;
	}
	PQclear(PQexec(conn, "SET client_min_messages = warning"));
	return conn;
}

PGresult *ctl_db_query(PGconn *conn, const char *sql, int n,
		       const char *const *params, char *err, size_t errlen)
{
	PGresult *res = PQexecParams(conn, sql, n, NULL, params, NULL, NULL, 0);
	ExecStatusType st = PQresultStatus(res);

	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
		return res;
	describe(res, conn, err, errlen);
	PQclear(res);
	return NULL;
}

int ctl_db_exec(PGconn *conn, const char *sql, int n, const char *const *params,
		char *err, size_t errlen)
{
	PGresult *res = ctl_db_query(conn, sql, n, params, err, errlen);

	PQclear(res);
	return res ? 0 : -1;
}

bool ctl_db_last_was_duplicate(void)
{
	return !strcmp(last_state, "23505");
}

int ctl_db_begin(PGconn *conn, char *err, size_t errlen)
{
	return ctl_db_exec(conn, "BEGIN", 0, NULL, err, errlen);
}

int ctl_db_commit(PGconn *conn, char *err, size_t errlen)
{
	return ctl_db_exec(conn, "COMMIT", 0, NULL, err, errlen);
}

void ctl_db_rollback(PGconn *conn)
{
	PQclear(PQexec(conn, "ROLLBACK"));
}
