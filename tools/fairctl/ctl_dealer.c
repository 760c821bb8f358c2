/* ctl_dealer.c - fairctl dealer create: a dealer with its ship-to
 * addresses, in one transaction with its audit_log row. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fairctl/ctl.h"
#include "fairctl/ctl_db.h"
#include "fairctl/import_item.h"

#define MAX_ADDRESSES 20

struct address {
	char recipient[401]; /* up to 100 characters */
	char phone[161];     /* up to 40 */
	char address[2001];  /* up to 500 */
};

/* "RECIPIENT|PHONE|ADDRESS" (the address may hold further '|'). */
static int address_parse(const char *text, struct address *a)
{
	const char *bar1 = strchr(text, '|'), *bar2;
	long n;

	if (!bar1 || !(bar2 = strchr(bar1 + 1, '|')))
		return -1;
	if ((size_t)(bar1 - text) >= sizeof a->recipient ||
	    (size_t)(bar2 - bar1 - 1) >= sizeof a->phone ||
	    strlen(bar2 + 1) >= sizeof a->address)
		return -1;
	snprintf(a->recipient, sizeof a->recipient, "%.*s", (int)(bar1 - text),
		 text);
	snprintf(a->phone, sizeof a->phone, "%.*s", (int)(bar2 - bar1 - 1),
		 bar1 + 1);
	snprintf(a->address, sizeof a->address, "%s", bar2 + 1);
	n = import_utf8_length(a->recipient);
	if (n < 1 || n > 100)
		return -1;
	n = import_utf8_length(a->phone);
	if (n < 0 || n > 40)
		return -1;
	n = import_utf8_length(a->address);
	return n < 1 || n > 500 ? -1 : 0;
}

static bool code_valid(const char *code)
{
	size_t len = strlen(code);

	if (len < 1 || len > 32)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!((code[i] >= 'A' && code[i] <= 'Z') ||
		      (code[i] >= 'a' && code[i] <= 'z') ||
		      (code[i] >= '0' && code[i] <= '9') || code[i] == '_' ||
		      code[i] == '-'))
			return false;
	return true;
}

int ctl_dealer_create(const struct ctl_context *ctx, int argc, char **argv)
{
	static const struct option options[] = {
		{"code", required_argument, NULL, 'c'},
		{"name", required_argument, NULL, 'n'},
		{"region", required_argument, NULL, 'r'},
		{"tier", required_argument, NULL, 't'},
		{"credit", required_argument, NULL, 'k'},
		{"key-dealer", no_argument, NULL, 'K'},
		{"address", required_argument, NULL, 'a'},
		{NULL, 0, NULL, 0},
	};
	const char *code = NULL, *name = NULL, *region = NULL, *tier = NULL;
	const char *credit = "0";
	bool key_dealer = false;
	struct address *addr = NULL;
	int naddr = 0, opt, rc = CTL_FAILED;
	char err[512], id[24];
	PGconn *conn = NULL;
	PGresult *res;
	long chars;
	char *end;
	long long credit_value;

	addr = calloc(MAX_ADDRESSES, sizeof *addr);
	if (!addr)
		return ctl_fail(ctx, "out of memory");
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case 'c':
			code = optarg;
			break;
		case 'n':
			name = optarg;
			break;
		case 'r':
			region = optarg;
			break;
		case 't':
			tier = optarg;
			break;
		case 'k':
			credit = optarg;
			break;
		case 'K':
			key_dealer = true;
			break;
		case 'a':
			if (naddr == MAX_ADDRESSES) {
				rc = ctl_usage(ctx, "at most %d addresses",
					       MAX_ADDRESSES);
				goto out;
			}
			if (address_parse(optarg, &addr[naddr])) {
				rc = ctl_usage(
					ctx,
					"--address \"%s\": expected "
					"RECIPIENT|PHONE|ADDRESS (1-100, "
					"0-40 and 1-500 characters)",
					optarg);
				goto out;
			}
			naddr++;
			break;
		default:
			rc = ctl_usage(ctx, "unknown option");
			goto out;
		}
	}
	if (optind < argc) {
		rc = ctl_usage(ctx, "unexpected argument \"%s\"", argv[optind]);
		goto out;
	}
	if (!code || !name || !region || !tier) {
		rc = ctl_usage(ctx, "--code, --name, --region and --tier are "
				    "needed");
		goto out;
	}
	if (!code_valid(code)) {
		rc = ctl_usage(ctx,
			       "--code \"%s\": 1 to 32 letters, digits, _ "
			       "or -",
			       code);
		goto out;
	}
	chars = import_utf8_length(name);
	if (chars < 1 || chars > 200) {
		rc = ctl_usage(ctx, "--name: 1 to 200 characters of UTF-8");
		goto out;
	}
	chars = import_utf8_length(region);
	if (chars < 1 || chars > 64) {
		rc = ctl_usage(ctx, "--region: 1 to 64 characters of UTF-8");
		goto out;
	}
	if (strcmp(tier, "A") && strcmp(tier, "B") && strcmp(tier, "C")) {
		rc = ctl_usage(ctx, "--tier \"%s\": A, B or C", tier);
		goto out;
	}
	credit_value = strtoll(credit, &end, 10);
	if (!*credit || *end || credit_value < 0 ||
	    credit_value > IMPORT_MAX_PRICE * 10 || credit[0] == '-' ||
	    credit[0] == '+' || credit[0] == ' ') {
		rc = ctl_usage(ctx,
			       "--credit \"%s\": a whole amount in minor units "
			       "(fen), e.g. 50000000 for ¥500,000",
			       credit);
		goto out;
	}

	conn = ctl_db_open(ctx->database_url, NULL, err, sizeof err);
	if (!conn) {
		rc = ctl_fail(ctx, "%s", err);
		goto out;
	}
	{
		const char *p[6] = {code,   name,
				    region, tier,
				    credit, key_dealer ? "true" : "false"};

		if (ctl_db_begin(conn, err, sizeof err))
			goto db_failed;
		res = ctl_db_query(conn,
				   "INSERT INTO dealers (code, name, region, "
				   " tier, credit_limit, key_dealer) "
				   "VALUES ($1, $2, $3, $4, $5::bigint, "
				   " $6::boolean) RETURNING id",
				   6, p, err, sizeof err);
		if (!res) {
			ctl_db_rollback(conn);
			if (ctl_db_last_was_duplicate()) {
				rc = ctl_fail(ctx,
					      "the dealer code \"%s\" is taken",
					      code);
				goto out;
			}
			goto db_failed;
		}
		snprintf(id, sizeof id, "%s", PQgetvalue(res, 0, 0));
		PQclear(res);
	}
	for (int i = 0; i < naddr; i++) {
		const char *p[5] = {id, addr[i].recipient, addr[i].phone,
				    addr[i].address, i == 0 ? "true" : "false"};

		if (ctl_db_exec(conn,
				"INSERT INTO dealer_addresses (dealer_id, "
				" recipient, phone, address, is_default) "
				"VALUES ($1::bigint, $2, $3, $4, $5::boolean)",
				5, p, err, sizeof err)) {
			ctl_db_rollback(conn);
			goto db_failed;
		}
	}
	{
		const char *p[1] = {code};

		if (ctl_db_exec(conn,
				"INSERT INTO audit_log (action, target) "
				"VALUES ('dealer.create', $1)",
				1, p, err, sizeof err) ||
		    ctl_db_commit(conn, err, sizeof err)) {
			ctl_db_rollback(conn);
			goto db_failed;
		}
	}
	printf("dealer %s created (id %s, region %s, tier %s, %d address%s)\n",
	       code, id, region, tier, naddr, naddr == 1 ? "" : "es");
	rc = CTL_OK;
	goto out;
db_failed:
	rc = ctl_fail(ctx, "%s", err);
out:
	free(addr);
	PQfinish(conn);
	return rc;
}
