/* admin_users.c - the admin ops for dealers and users:
 * admin.dealer.create and admin.dealer.update (their parameters and checks:
 * the op table names their SQL functions), admin.user.create,
 * admin.user.update, and the parameters of the lists the accounts page reads
 * (admin.users.list, admin.dealers.list).
 *
 * Passwords are hashed on the worker pool; the changes themselves are one SQL
 * function call each (sql/functions/accounts/admin.sql), which also writes the
 * audit log and ends sessions where a change requires it. */
#include "auth/admin_users.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/password.h"
#include "base/worker.h"
#include "base/xalloc.h"
#include "db/pgarray.h"
#include "rpc/op_reply.h"
#include "rpc/op_sql.h"
#include "rpc/op_sql_args.h"
#include "server.h"

#define TEMPORARY_PASSWORD_LENGTH 12

const struct param_spec admin_dealer_create_params[] = {
	{"code", PARAM_STRING, false, 1, 32},
	{"name", PARAM_STRING, true, 1, 200},
	{"region", PARAM_STRING, true, 1, 64},
	{"tier", PARAM_STRING, true, 1, 1},
	{"credit_limit", PARAM_INT, false, 0, 1000000000000000LL},
	{"key_dealer", PARAM_BOOL, false, 0, 0},
	{"addresses", PARAM_ARRAY, false, 0, 20},
	{NULL, 0, false, 0, 0},
};

const struct param_spec admin_dealer_update_params[] = {
	{"dealer", PARAM_ID, true, 0, 0},
	{"name", PARAM_STRING, false, 1, 200},
	{"region", PARAM_STRING, false, 1, 64},
	{"tier", PARAM_STRING, false, 1, 1},
	{"credit_limit", PARAM_INT, false, 0, 1000000000000000LL},
	{"key_dealer", PARAM_BOOL, false, 0, 0},
	{NULL, 0, false, 0, 0},
};

const struct param_spec admin_user_create_params[] = {
	{"login", PARAM_STRING, true, 1, 64},
	{"password", PARAM_STRING, false, 1, PASSWORD_MAX_LENGTH},
	{"name", PARAM_STRING, true, 1, 200},
	{"role", PARAM_STRING, true, 1, 16},
	{"dealer", PARAM_ID, false, 0, 0},
	{"regions", PARAM_ARRAY, false, 0, 50},
	{NULL, 0, false, 0, 0},
};

const struct param_spec admin_user_update_params[] = {
	{"user", PARAM_ID, true, 0, 0},
	{"disabled", PARAM_BOOL, false, 0, 0},
	{"role", PARAM_STRING, false, 1, 16},
	{"regions", PARAM_ARRAY, false, 0, 50},
	{"reset_password", PARAM_BOOL, false, 0, 0},
	{NULL, 0, false, 0, 0},
};

const struct param_spec admin_users_list_params[] = {
	{"q", PARAM_STRING, false, 1, 100},
	{"role", PARAM_STRING, false, 1, 16},
	{"dealer", PARAM_ID, false, 0, 0},
	{"limit", PARAM_INT, false, 1, 200},
	{"offset", PARAM_INT, false, 0, 1000000},
	{NULL, 0, false, 0, 0},
};

const struct param_spec admin_dealers_list_params[] = {
	{"q", PARAM_STRING, false, 1, 100},
	{"limit", PARAM_INT, false, 1, 200},
	{"offset", PARAM_INT, false, 0, 1000000},
	{NULL, 0, false, 0, 0},
};

/* A JSON array of region names as a PostgreSQL text[] literal (malloc'd), or
 * NULL when an element is not a string of 1 to 64 bytes. */
static char *regions_literal(json_t *regions)
{
	struct strbuf b;
	size_t i;
	json_t *v;

	json_array_foreach(regions, i, v)
	{
		if (!json_is_string(v) || json_string_length(v) < 1 ||
		    json_string_length(v) > 64 ||
		    strlen(json_string_value(v)) != json_string_length(v))
			return NULL;
	}
	strbuf_init(&b);
	json_array_foreach(regions, i, v)
	{
		pgarray_text(&b, i, json_string_value(v));
	}
	pgarray_end(&b, json_array_size(regions));
	return b.data; /* the caller frees it */
}

static char *int_text(long long v)
{
	char buf[24];

	snprintf(buf, sizeof buf, "%lld", v);
	return xstrdup(buf);
}

/* ---- admin.dealer.create ---- */

bool admin_dealer_create_check(struct op_call *call)
{
	const char *tier = op_sql_string(call, "tier");

	if (tier && (tier[0] < 'A' || tier[0] > 'Z')) {
		op_fail(call, ERR_BAD_REQUEST, "tier must be a capital letter",
			NULL);
		return false;
	}
	return true;
}

/* ---- admin.dealer.update ---- */

bool admin_dealer_update_check(struct op_call *call)
{
	static const char *const fields[] = {
		"name", "region", "tier", "credit_limit", "key_dealer", NULL};

	/* the tier's rule is the same as at creation */
	return op_sql_any(call, fields) && admin_dealer_create_check(call);
}

/* ---- admin.users.list ---- */

const char *admin_login_max_failures(const struct op_call *call, char *buf)
{
	(void)call;
	snprintf(buf, OP_SQL_INT_TEXT, "%d", srv.cfg.login_max_failures);
	return buf;
}

const char *admin_login_window_s(const struct op_call *call, char *buf)
{
	(void)call;
	snprintf(buf, OP_SQL_INT_TEXT, "%d", srv.cfg.login_window_s);
	return buf;
}

bool admin_users_list_check(struct op_call *call)
{
	static const char *const roles[] = {"dealer", "rep", "manager", "admin",
					    NULL};

	return op_sql_choice(call, "role", roles);
}

/* ---- users: a hashing step on a worker, then one SQL call ---- */

struct user_job {
	struct op_ticket *ticket;
	bool create;
	char *actor, *user, *login, *name, *role, *dealer, *regions;
	char *disabled;                         /* "true", "false" or NULL */
	char password[PASSWORD_MAX_LENGTH + 1]; /* given, or generated */
	bool generate; /* reset: make a temporary password */
	bool hash;     /* a password is to be hashed */
	char stored[PASSWORD_HASH_MAX];
	bool failed;
};

static void user_job_free(struct user_job *job)
{
	free(job->actor);
	free(job->user);
	free(job->login);
	free(job->name);
	free(job->role);
	free(job->dealer);
	free(job->regions);
	free(job->disabled);
	OPENSSL_cleanse(job->password, sizeof job->password);
	free(job);
}

static void user_saved(struct op_ticket *t, const PGresult *res)
{
	json_error_t jerr;

	op_ticket_ok(t, json_pack("{s:o*}", "user",
				  json_loads(PQgetvalue(res, 0, 0), 0, &jerr)));
}

/* The reply of a password reset, or of an account made without a password,
 * carries the temporary password the server made (in t->data): only the
 * admin who asked ever sees it. */
static void user_saved_with_password(struct op_ticket *t, const PGresult *res)
{
	json_error_t jerr;

	op_ticket_ok(t, json_pack("{s:o*,s:s}", "user",
				  json_loads(PQgetvalue(res, 0, 0), 0, &jerr),
				  "temporary_password", (char *)t->data));
}

static void user_hash(void *arg)
{
	struct user_job *job = arg;

	if (job->generate &&
	    password_generate(job->password, TEMPORARY_PASSWORD_LENGTH)) {
		job->failed = true;
		return;
	}
	job->failed = password_hash(job->password, PASSWORD_ITERATIONS,
				    job->stored, sizeof job->stored) != 0;
}

static void user_write(void *arg, bool ran)
{
	struct user_job *job = arg;
	const char *hash = job->hash ? job->stored : NULL;

	if (!ran) { /* shutting down */
		op_ticket_fail(job->ticket, ERR_UNAVAILABLE,
			       "the server is restarting: retry", NULL);
		user_job_free(job);
		return;
	}
	if (job->failed) {
		op_ticket_fail(job->ticket, ERR_INTERNAL,
			       "could not hash the password", NULL);
		user_job_free(job);
		return;
	}
	if (job->generate)
		job->ticket->data = xstrdup(job->password);
	if (job->create) {
		const char *params[7] = {job->actor, job->login,  job->name,
					 job->role,  job->dealer, job->regions,
					 hash};

		op_ticket_write(
			job->ticket,
			"SELECT admin_user_create($1::bigint, $2, $3, $4, "
			"$5::bigint, $6::text[], $7)",
			7, params,
			job->generate ? user_saved_with_password : user_saved);
	} else {
		const char *params[6] = {job->actor,    job->user,
					 job->disabled, job->role,
					 job->regions,  hash};

		op_ticket_write(
			job->ticket,
			"SELECT admin_user_update($1::bigint, $2::bigint, "
			"$3::boolean, $4, $5::text[], $6)",
			6, params,
			job->generate ? user_saved_with_password : user_saved);
	}
	user_job_free(job);
}

/* Checks the common fields and fills the job; answers and returns -1 when
 * something is wrong. */
static int user_fields(struct op_call *call, struct user_job *job)
{
	json_t *m = call->msg, *role = json_object_get(m, "role"),
	       *regions = json_object_get(m, "regions");

	job->actor = int_text(call->caller.user_id);
	if (json_is_string(role)) {
		if (!role_parse(json_string_value(role))) {
			op_fail(call, ERR_BAD_REQUEST,
				"role must be dealer, rep, manager or admin",
				NULL);
			return -1;
		}
		job->role = xstrdup(json_string_value(role));
	}
	if (json_is_array(regions) &&
	    !(job->regions = regions_literal(regions))) {
		op_fail(call, ERR_BAD_REQUEST,
			"regions must be names of 1 to 64 bytes", NULL);
		return -1;
	}
	return 0;
}

static void user_submit(struct op_call *call, struct user_job *job)
{
	job->ticket = op_defer(call);
	if (!job->hash) {
		user_write(job, true);
		return;
	}
	if (worker_submit(srv.workers, user_hash, user_write, job)) {
		op_ticket_fail(job->ticket, ERR_UNAVAILABLE,
			       "the server is busy: retry in a moment", NULL);
		user_job_free(job);
	}
}

void admin_op_user_create(struct op_call *call)
{
	struct user_job *job = xcalloc(1, sizeof *job);
	json_t *m = call->msg, *dealer = json_object_get(m, "dealer");
	const char *login = json_string_value(json_object_get(m, "login"));
	const char *password =
		json_string_value(json_object_get(m, "password"));
	const char *weak;

	if (user_fields(call, job)) {
		user_job_free(job);
		return;
	}
	/* without a password the server makes a temporary one */
	weak = password ? password_weakness(password, login) : NULL;
	if (weak) {
		op_fail(call, ERR_BAD_REQUEST, weak, NULL);
		user_job_free(job);
		return;
	}
	job->create = true;
	job->hash = true;
	job->generate = !password;
	job->login = xstrdup(login);
	job->name = xstrdup(json_string_value(json_object_get(m, "name")));
	if (json_is_integer(dealer))
		job->dealer = int_text(json_integer_value(dealer));
	if (password)
		snprintf(job->password, sizeof job->password, "%s", password);
	user_submit(call, job);
}

void admin_op_user_update(struct op_call *call)
{
	struct user_job *job = xcalloc(1, sizeof *job);
	json_t *m = call->msg, *disabled = json_object_get(m, "disabled");

	if (user_fields(call, job)) {
		user_job_free(job);
		return;
	}
	job->user = int_text(json_integer_value(json_object_get(m, "user")));
	if (json_is_boolean(disabled))
		job->disabled =
			xstrdup(json_is_true(disabled) ? "true" : "false");
	job->generate = job->hash =
		json_is_true(json_object_get(m, "reset_password"));
	user_submit(call, job);
}
