/* ctl_user.c - fairctl user create | reset-password | disable | enable.
 *
 * Passwords are hashed here with the server's own password_hash (PBKDF2,
 * PASSWORD_ITERATIONS); sessions are ended through the SQL functions the
 * server uses (user_password_set, user_set_disabled), which NOTIFY every
 * server process so open connections of the user close. Each change is one
 * transaction with its audit_log row (actor NULL: the admin command). */
#include <getopt.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/password.h"
#include "fairctl/ctl.h"
#include "fairctl/ctl_db.h"
#include "fairctl/import_item.h"

#define TEMP_PASSWORD_LENGTH 14

/* Letters and digits that cannot be mistaken for each other (no 0/O, 1/l/I). */
static const char temp_alphabet[] =
	"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/* A random password of TEMP_PASSWORD_LENGTH characters (about 80 bits),
 * acceptable to password_weakness for login. Returns 0 or -1. */
static int temporary_password(const char *login, char *out, size_t size)
{
	const unsigned n = sizeof temp_alphabet - 1;
	const unsigned limit = 256 - 256 % n; /* no modulo bias */

	if (size <= TEMP_PASSWORD_LENGTH)
		return -1;
	do {
		size_t len = 0;

		while (len < TEMP_PASSWORD_LENGTH) {
			unsigned char b[32];

			if (RAND_bytes(b, sizeof b) != 1)
				return -1;
			for (size_t i = 0;
			     i < sizeof b && len < TEMP_PASSWORD_LENGTH; i++)
				if (b[i] < limit)
					out[len++] = temp_alphabet[b[i] % n];
		}
		out[len] = '\0';
	} while (password_weakness(out, login));
	return 0;
}

static bool login_valid(const char *login)
{
	size_t len = strlen(login);

	if (len < 1 || len > 64 ||
	    !((login[0] >= 'a' && login[0] <= 'z') ||
	      (login[0] >= '0' && login[0] <= '9')))
		return false;
	for (size_t i = 1; i < len; i++) {
		char c = login[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '.' || c == '@' || c == '-'))
			return false;
	}
	return true;
}

/* Regions as "r1,r2": each 1-64 characters once trimmed. */
static bool regions_valid(const char *list)
{
	const char *p = list;

	for (;;) {
		size_t len = strcspn(p, ",");
		char part[512];
		long chars;
		size_t b = 0, e = len;

		while (b < e && p[b] == ' ')
			b++;
		while (e > b && p[e - 1] == ' ')
			e--;
		if (e - b >= sizeof part)
			return false;
		memcpy(part, p + b, e - b);
		part[e - b] = '\0';
		chars = import_utf8_length(part);
		if (chars < 1 || chars > 64)
			return false;
		if (!p[len])
			return true;
		p += len + 1;
	}
}

static int audit(PGconn *conn, const char *action, const char *login,
		 const char *new_json, char *err, size_t errlen)
{
	const char *params[3] = {action, login, new_json};

	return ctl_db_exec(conn,
			   "INSERT INTO audit_log (actor, action, target, new) "
			   "VALUES (NULL, $1, $2, $3::jsonb)",
			   3, params, err, errlen);
}

/* Hashes password into hash (PASSWORD_HASH_MAX bytes). */
static int hash_password(const struct ctl_context *ctx, const char *password,
			 char *hash)
{
	if (password_hash(password, PASSWORD_ITERATIONS, hash,
			  PASSWORD_HASH_MAX))
		return ctl_fail(ctx, "hashing the password failed (OpenSSL)");
	return CTL_OK;
}

int ctl_user_create(const struct ctl_context *ctx, int argc, char **argv)
{
	static const struct option options[] = {
		{"login", required_argument, NULL, 'l'},
		{"name", required_argument, NULL, 'n'},
		{"role", required_argument, NULL, 'r'},
		{"dealer", required_argument, NULL, 'd'},
		{"regions", required_argument, NULL, 'g'},
		{"password", required_argument, NULL, 'p'},
		{"temporary", no_argument, NULL, 't'},
		{NULL, 0, NULL, 0},
	};
	const char *login = NULL, *name = NULL, *role = NULL, *dealer = NULL;
	const char *regions = NULL, *password = NULL;
	bool temporary = false;
	char temp[TEMP_PASSWORD_LENGTH + 1], hash[PASSWORD_HASH_MAX];
	char err[512], dealer_id[24] = "";
	const char *why;
	PGconn *conn;
	PGresult *res;
	long name_chars;
	int opt, rc = CTL_FAILED;

	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case 'l':
			login = optarg;
			break;
		case 'n':
			name = optarg;
			break;
		case 'r':
			role = optarg;
			break;
		case 'd':
			dealer = optarg;
			break;
		case 'g':
			regions = optarg;
			break;
		case 'p':
			password = optarg;
			break;
		case 't':
			temporary = true;
			break;
		default:
			return ctl_usage(ctx, "unknown option");
		}
	}
	if (optind < argc)
		return ctl_usage(ctx, "unexpected argument \"%s\"",
				 argv[optind]);
	if (!login || !name || !role)
		return ctl_usage(ctx, "--login, --name and --role are needed");
	if (!login_valid(login))
		return ctl_usage(ctx,
				 "login \"%s\": 1 to 64 lower-case letters, "
				 "digits, _ . @ or -, starting with a letter "
				 "or digit",
				 login);
	name_chars = import_utf8_length(name);
	if (name_chars < 1 || name_chars > 200)
		return ctl_usage(ctx, "--name: 1 to 200 characters of UTF-8");
	if (strcmp(role, "dealer") && strcmp(role, "rep") &&
	    strcmp(role, "manager") && strcmp(role, "admin"))
		return ctl_usage(ctx,
				 "--role \"%s\": dealer, rep, manager or admin",
				 role);
	if (!strcmp(role, "dealer") != !!dealer)
		return ctl_usage(ctx, "--dealer CODE is needed with --role "
				      "dealer, and only with it");
	if (regions && strcmp(role, "rep"))
		return ctl_usage(ctx, "--regions is only for --role rep");
	if (regions && !regions_valid(regions))
		return ctl_usage(ctx,
				 "--regions \"%s\": names of 1 to 64 "
				 "characters, separated by commas",
				 regions);
	if (!password == !temporary)
		return ctl_usage(ctx, "give either --password or --temporary");
	if (password && (why = password_weakness(password, login)))
		return ctl_usage(ctx, "--password: %s", why);
	if (temporary && temporary_password(login, temp, sizeof temp))
		return ctl_fail(ctx, "no randomness for a password");

	conn = ctl_db_open(ctx->database_url, NULL, err, sizeof err);
	if (!conn)
		return ctl_fail(ctx, "%s", err);
	if (dealer) {
		const char *p[1] = {dealer};

		res = ctl_db_query(conn,
				   "SELECT id FROM dealers WHERE code = $1", 1,
				   p, err, sizeof err);
		if (!res) {
			ctl_fail(ctx, "%s", err);
			goto out;
		}
		if (PQntuples(res) == 1)
			snprintf(dealer_id, sizeof dealer_id, "%s",
				 PQgetvalue(res, 0, 0));
		PQclear(res);
		if (!dealer_id[0]) {
			ctl_fail(ctx,
				 "no dealer with the code \"%s\" (fairctl "
				 "dealer create makes one)",
				 dealer);
			goto out;
		}
	}
	if (hash_password(ctx, temporary ? temp : password, hash))
		goto out;
	{
		const char *p[7] = {login,
				    name,
				    role,
				    dealer ? dealer_id : NULL,
				    regions ? regions : "",
				    hash,
				    temporary ? "true" : "false"};

		if (ctl_db_begin(conn, err, sizeof err))
			goto db_failed;
		res = ctl_db_query(
			conn,
			"INSERT INTO users (login, name, role, dealer_id, "
			" regions, password_hash, must_change_password) "
			"VALUES ($1, $2, $3, $4::bigint, "
			" array(SELECT btrim(r) FROM unnest(string_to_array("
			"  $5, ',')) r WHERE btrim(r) <> ''), $6, $7::boolean) "
			"RETURNING id",
			7, p, err, sizeof err);
		if (!res) {
			ctl_db_rollback(conn);
			if (ctl_db_last_was_duplicate()) {
				ctl_fail(ctx, "the login \"%s\" is taken",
					 login);
				goto out;
			}
			goto db_failed;
		}
		printf("user %s created (id %s, role %s%s%s)\n", login,
		       PQgetvalue(res, 0, 0), role, dealer ? ", dealer " : "",
		       dealer ? dealer : "");
		PQclear(res);
	}
	if (audit(conn, "user.create", login, NULL, err, sizeof err) ||
	    ctl_db_commit(conn, err, sizeof err)) {
		ctl_db_rollback(conn);
		goto db_failed;
	}
	if (temporary)
		printf("temporary password: %s (to be changed at the first "
		       "login)\n",
		       temp);
	rc = CTL_OK;
	goto out;
db_failed:
	ctl_fail(ctx, "%s", err);
out:
	OPENSSL_cleanse(temp, sizeof temp);
	PQfinish(conn);
	return rc;
}

/* The one LOGIN argument of reset-password, disable and enable. */
static const char *only_login(const struct ctl_context *ctx, int argc,
			      char **argv)
{
	if (argc != 2 || argv[1][0] == '-') {
		ctl_usage(ctx, "expected one LOGIN");
		return NULL;
	}
	return argv[1];
}

/* Looks the login up: its id into id (24 bytes). Returns 0, or -1 after
 * printing why. */
static int user_id(const struct ctl_context *ctx, PGconn *conn,
		   const char *login, char *id)
{
	const char *p[1] = {login};
	char err[512];
	PGresult *res =
		ctl_db_query(conn, "SELECT id FROM users WHERE login = $1", 1,
			     p, err, sizeof err);

	if (!res) {
		ctl_fail(ctx, "%s", err);
		return -1;
	}
	if (PQntuples(res) != 1) {
		PQclear(res);
		ctl_fail(ctx, "no user with the login \"%s\"", login);
		return -1;
	}
	snprintf(id, 24, "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	return 0;
}

int ctl_user_reset_password(const struct ctl_context *ctx, int argc,
			    char **argv)
{
	const char *login = only_login(ctx, argc, argv);
	char temp[TEMP_PASSWORD_LENGTH + 1], hash[PASSWORD_HASH_MAX];
	char err[512], id[24];
	PGconn *conn;
	int rc = CTL_FAILED;

	if (!login)
		return CTL_USAGE;
	conn = ctl_db_open(ctx->database_url, NULL, err, sizeof err);
	if (!conn)
		return ctl_fail(ctx, "%s", err);
	if (user_id(ctx, conn, login, id))
		goto out;
	if (temporary_password(login, temp, sizeof temp)) {
		ctl_fail(ctx, "no randomness for a password");
		goto out;
	}
	if (hash_password(ctx, temp, hash))
		goto out;
	{
		const char *p[2] = {id, hash};

		/* user_password_set ends every session of the user (and
		 * tells every server process); the flag is set after it,
		 * in the same transaction. */
		if (ctl_db_begin(conn, err, sizeof err) ||
		    ctl_db_exec(conn,
				"SELECT user_password_set($1::bigint, $2)", 2,
				p, err, sizeof err) ||
		    ctl_db_exec(conn,
				"UPDATE users SET must_change_password = true "
				"WHERE id = $1::bigint",
				1, p, err, sizeof err) ||
		    audit(conn, "user.reset_password", login, NULL, err,
			  sizeof err) ||
		    ctl_db_commit(conn, err, sizeof err)) {
			ctl_db_rollback(conn);
			ctl_fail(ctx, "%s", err);
			goto out;
		}
	}
	printf("password of %s reset; its sessions have ended\n", login);
	printf("temporary password: %s (to be changed at the next login)\n",
	       temp);
	rc = CTL_OK;
out:
	OPENSSL_cleanse(temp, sizeof temp);
	PQfinish(conn);
	return rc;
}

static int set_disabled(const struct ctl_context *ctx, int argc, char **argv,
			bool disabled)
{
	const char *login = only_login(ctx, argc, argv);
	char err[512], id[24];
	PGconn *conn;
	int rc = CTL_FAILED;

	if (!login)
		return CTL_USAGE;
	conn = ctl_db_open(ctx->database_url, NULL, err, sizeof err);
	if (!conn)
		return ctl_fail(ctx, "%s", err);
	if (user_id(ctx, conn, login, id))
		goto out;
	{
		const char *p[2] = {id, disabled ? "true" : "false"};

		if (ctl_db_begin(conn, err, sizeof err) ||
		    ctl_db_exec(conn,
				"SELECT user_set_disabled($1::bigint, "
				"$2::boolean)",
				2, p, err, sizeof err) ||
		    audit(conn, disabled ? "user.disable" : "user.enable",
			  login, NULL, err, sizeof err) ||
		    ctl_db_commit(conn, err, sizeof err)) {
			ctl_db_rollback(conn);
			ctl_fail(ctx, "%s", err);
			goto out;
		}
	}
	if (disabled)
		printf("user %s disabled; its sessions have ended on every "
		       "server process\n",
		       login);
	else
		printf("user %s enabled\n", login);
	rc = CTL_OK;
out:
	PQfinish(conn);
	return rc;
}

int ctl_user_disable(const struct ctl_context *ctx, int argc, char **argv)
{
	return set_disabled(ctx, argc, argv, true);
}

int ctl_user_enable(const struct ctl_context *ctx, int argc, char **argv)
{
	return set_disabled(ctx, argc, argv, false);
}
