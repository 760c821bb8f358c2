/* ctl_sessions.c - fairctl mint-sessions: sessions for load tests.
 *
 * Makes the same cookies a login makes (session_token_mint under the key
 * every server process shares) and stores only SHA-256 of each random id,
 * all in one transaction, then prints "LOGIN<TAB>COOKIE" lines. */
#include <getopt.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/session_token.h"
#include "fairctl/ctl.h"
#include "fairctl/ctl_db.h"

#define MAX_SESSIONS 100000
#define MAX_HOURS 720

static int parse_count(const char *text, long min, long max, long *out)
{
	char *end;
	long v = strtol(text, &end, 10);

	if (!*text || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* The logins to mint for, as a JSON array (new reference), or NULL. */
static json_t *login_list(const struct ctl_context *ctx, int argc, char **argv,
			  const char *prefix, long count)
{
	json_t *logins = json_array();

	if (prefix) {
		if (argc > optind) {
			ctl_usage(ctx, "give LOGINs or --prefix with --count, "
				       "not both");
			json_decref(logins);
			return NULL;
		}
		for (long i = 1; i <= count; i++)
			json_array_append_new(
				logins, json_sprintf("%s%03ld", prefix, i));
		return logins;
	}
	if (count) {
		ctl_usage(ctx, "--count goes with --prefix");
		json_decref(logins);
		return NULL;
	}
	if (argc - optind > MAX_SESSIONS || argc == optind) {
		ctl_usage(ctx, "give 1 to %d LOGINs, or --prefix and --count",
			  MAX_SESSIONS);
		json_decref(logins);
		return NULL;
	}
	for (int i = optind; i < argc; i++)
		json_array_append_new(logins, json_string(argv[i]));
	return logins;
}

/* Checks every login exists and is enabled; fills ids (a JSON array of
 * user ids, same order). Returns 0, or -1 after reporting. */
static int resolve(const struct ctl_context *ctx, PGconn *conn, json_t *logins,
		   json_t *ids)
{
	char *text = json_dumps(logins, JSON_COMPACT);
	const char *p[1] = {text};
	char err[512];
	PGresult *res;
	int missing = 0, disabled = 0;

	res = ctl_db_query(
		conn,
		"SELECT x.login, u.id, u.disabled "
		"FROM jsonb_array_elements_text($1::jsonb) "
		" WITH ORDINALITY AS x(login, n) "
		"LEFT JOIN users u ON u.login = x.login ORDER BY x.n",
		1, p, err, sizeof err);
	free(text);
	if (!res) {
		ctl_fail(ctx, "%s", err);
		return -1;
	}
	for (int i = 0; i < PQntuples(res); i++) {
		if (PQgetisnull(res, i, 1)) {
			if (missing++ < 10)
				ctl_fail(ctx, "no user with the login \"%s\"",
					 PQgetvalue(res, i, 0));
		} else if (!strcmp(PQgetvalue(res, i, 2), "t")) {
			if (disabled++ < 10)
				ctl_fail(ctx, "the user \"%s\" is disabled",
					 PQgetvalue(res, i, 0));
		} else {
			json_array_append_new(
				ids, json_integer(strtoll(PQgetvalue(res, i, 1),
							  NULL, 10)));
		}
	}
	PQclear(res);
	if (missing + disabled) {
		ctl_fail(ctx,
			 "no session minted (%d login%s unknown, %d "
			 "disabled)",
			 missing, missing == 1 ? "" : "s", disabled);
		return -1;
	}
	return 0;
}

int ctl_mint_sessions(const struct ctl_context *ctx, int argc, char **argv)
{
	static const struct option options[] = {
		{"hours", required_argument, NULL, 'h'},
		{"prefix", required_argument, NULL, 'p'},
		{"count", required_argument, NULL, 'c'},
		{NULL, 0, NULL, 0},
	};
	const char *prefix = NULL;
	long hours = 24, count = 0;
	unsigned char key[SESSION_KEY_BYTES];
	json_t *logins = NULL, *ids = NULL, *rows = NULL;
	char **cookies = NULL, err[512], expires_text[24];
	char *rows_text = NULL;
	size_t n = 0;
	int64_t expires;
	PGconn *conn = NULL;
	int opt, rc = CTL_FAILED;

	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case 'h':
			if (parse_count(optarg, 1, MAX_HOURS, &hours))
				return ctl_usage(ctx, "--hours: 1 to %d",
						 MAX_HOURS);
			break;
		case 'p':
			prefix = optarg;
			break;
		case 'c':
			if (parse_count(optarg, 1, MAX_SESSIONS, &count))
				return ctl_usage(ctx, "--count: 1 to %d",
						 MAX_SESSIONS);
			break;
		default:
			return ctl_usage(ctx, "unknown option");
		}
	}
	if (prefix && !count)
		return ctl_usage(ctx, "--prefix goes with --count N");
	logins = login_list(ctx, argc, argv, prefix, count);
	if (!logins)
		return CTL_USAGE;

	conn = ctl_db_open(ctx->database_url, key, err, sizeof err);
	if (!conn) {
		rc = ctl_fail(ctx, "%s", err);
		goto out;
	}
	ids = json_array();
	if (resolve(ctx, conn, logins, ids))
		goto out;

	n = json_array_size(ids);
	cookies = calloc(n, sizeof *cookies);
	rows = json_array();
	expires = (int64_t)time(NULL) + hours * 3600;
	snprintf(expires_text, sizeof expires_text, "%lld", (long long)expires);
	for (size_t i = 0; cookies && i < n; i++) {
		struct session_token t;
		char hex[65];

		cookies[i] = malloc(SESSION_COOKIE_MAX);
		if (!cookies[i] ||
		    session_token_mint(key, expires, &t, cookies[i],
				       SESSION_COOKIE_MAX)) {
			rc = ctl_fail(ctx, "minting a session failed");
			goto out;
		}
		session_hash_hex(t.id_hash, hex);
		OPENSSL_cleanse(&t, sizeof t);
		json_array_append_new(rows, json_pack("{sOss}", "u",
						      json_array_get(ids, i),
						      "h", hex));
	}
	if (!cookies) {
		rc = ctl_fail(ctx, "out of memory");
		goto out;
	}
	rows_text = json_dumps(rows, JSON_COMPACT);
	{
		const char *p[2] = {rows_text, expires_text};

		if (ctl_db_begin(conn, err, sizeof err) ||
		    ctl_db_exec(conn,
				"INSERT INTO sessions (id_hash, user_id, "
				" expires_at, address, user_agent) "
				"SELECT decode(x.h, 'hex'), x.u, "
				" to_timestamp($2::bigint), 'fairctl', "
				" 'fairctl mint-sessions' "
				"FROM jsonb_to_recordset($1::jsonb) "
				" AS x(u bigint, h text)",
				2, p, err, sizeof err) ||
		    ctl_db_commit(conn, err, sizeof err)) {
			ctl_db_rollback(conn);
			rc = ctl_fail(ctx, "%s", err);
			goto out;
		}
	}
	for (size_t i = 0; i < n; i++)
		printf("%s\t%s\n", json_string_value(json_array_get(logins, i)),
		       cookies[i]);
	rc = fflush(stdout) ? CTL_FAILED : CTL_OK;
out:
	OPENSSL_cleanse(key, sizeof key);
	for (size_t i = 0; cookies && i < n; i++)
		free(cookies[i]);
	free(cookies);
	free(rows_text);
	json_decref(rows);
	json_decref(ids);
	json_decref(logins);
	PQfinish(conn);
	return rc;
}
