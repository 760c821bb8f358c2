/* ctl_messages.c - fairctl webhook (the brand's subscriptions) and fairctl
 * erp-export (a fair's orders in an ERP's import layout), issue 25. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/strbuf.h"
#include "fairctl/ctl.h"
#include "fairctl/ctl_db.h"
#include "features/erp_export.h"

static bool is_id(const char *s)
{
	char *end;

	return s && strtoll(s, &end, 10) > 0 && !*end;
}

/* fairctl webhook add URL --events E1,E2 [--fair ID] [--secret S]: prints
 * the subscription's id and secret (shown only here). */
int ctl_webhook_add(const struct ctl_context *ctx, int argc, char **argv)
{
	const char *url = NULL, *events = NULL, *fair = NULL, *secret = NULL;
	struct strbuf json;
	char err[512];
	PGconn *conn;
	PGresult *res;
	int rc = CTL_FAILED;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--events") && i + 1 < argc)
			events = argv[++i];
		else if (!strcmp(argv[i], "--fair") && i + 1 < argc)
			fair = argv[++i];
		else if (!strcmp(argv[i], "--secret") && i + 1 < argc)
			secret = argv[++i];
		else if (!url && argv[i][0] != '-')
			url = argv[i];
		else
			return ctl_usage(ctx, "unexpected \"%s\"", argv[i]);
	}
	if (!url || !events)
		return ctl_usage(ctx, "give a URL and --events");
	if (fair && !is_id(fair))
		return ctl_usage(ctx, "--fair: a fair's id");
	/* the events as a JSON array of names: letters, dots and underscores */
	strbuf_init(&json);
	strbuf_addstr(&json, "[\"");
	for (const char *p = events; *p; p++) {
		if (*p == ',')
			strbuf_addstr(&json, "\",\"");
		else if ((*p >= 'a' && *p <= 'z') || *p == '.' || *p == '_')
			strbuf_add(&json, p, 1);
		else {
			strbuf_free(&json);
			return ctl_usage(ctx, "--events: names such as "
					      "order.accepted,fair.closed");
		}
	}
	strbuf_addstr(&json, "\"]");
	conn = ctl_db_open(ctx->database_url, NULL, err, sizeof err);
	if (!conn) {
		strbuf_free(&json);
		return ctl_fail(ctx, "%s", err);
	}
	{
		const char *p[4] = {url, json.data, secret, fair};

		res = ctl_db_query(
			conn,
			"SELECT (w->'webhook'->>'id'), w->>'secret' "
			"FROM webhook_subscribe(NULL, $1, $2::jsonb, "
			"$3, $4::bigint) w",
			4, p, err, sizeof err);
	}
	strbuf_free(&json);
	if (!res) {
		rc = ctl_fail(ctx, "%s", err);
		goto out;
	}
	printf("webhook %s\nsecret %s\n", PQgetvalue(res, 0, 0),
	       PQgetvalue(res, 0, 1));
	PQclear(res);
	rc = CTL_OK;
out:
	PQfinish(conn);
	return rc;
}

/* fairctl webhook list: one line per subscription. */
int ctl_webhook_list(const struct ctl_context *ctx, int argc, char **argv)
{
	char err[512];
	PGconn *conn;
	PGresult *res;

	(void)argv;
	if (argc != 1)
		return ctl_usage(ctx, "no arguments");
	conn = ctl_db_open(ctx->database_url, NULL, err, sizeof err);
	if (!conn)
		return ctl_fail(ctx, "%s", err);
	res = ctl_db_query(
		conn,
		"SELECT w->>'id', CASE WHEN (w->>'active')::boolean "
		"THEN 'active' ELSE 'removed' END, w->>'url', "
		"array_to_string(ARRAY(SELECT jsonb_array_elements_text("
		"w->'events')), ','), coalesce(w->>'fair', 'all'), "
		"w->>'pending', w->>'sent', w->>'failed' "
		"FROM jsonb_array_elements(webhook_list()->'webhooks') w",
		0, NULL, err, sizeof err);
	if (!res) {
		PQfinish(conn);
		return ctl_fail(ctx, "%s", err);
	}
	for (int i = 0; i < PQntuples(res); i++)
		printf("%s\t%s\t%s\t%s\tfair %s\tpending %s\tsent %s\tfailed "
		       "%s\n",
		       PQgetvalue(res, i, 0), PQgetvalue(res, i, 1),
		       PQgetvalue(res, i, 2), PQgetvalue(res, i, 3),
		       PQgetvalue(res, i, 4), PQgetvalue(res, i, 5),
		       PQgetvalue(res, i, 6), PQgetvalue(res, i, 7));
	PQclear(res);
	PQfinish(conn);
	return CTL_OK;
}

/* fairctl webhook remove ID */
int ctl_webhook_remove(const struct ctl_context *ctx, int argc, char **argv)
{
	char err[512];
	PGconn *conn;
	PGresult *res;

	if (argc != 2 || !is_id(argv[1]))
		return ctl_usage(ctx, "give the webhook's id");
	conn = ctl_db_open(ctx->database_url, NULL, err, sizeof err);
	if (!conn)
		return ctl_fail(ctx, "%s", err);
	{
		const char *p[1] = {argv[1]};

		res = ctl_db_query(
			conn, "SELECT webhook_unsubscribe(NULL, $1::bigint)", 1,
			p, err, sizeof err);
	}
	PQfinish(conn);
	if (!res)
		return ctl_fail(ctx, "%s", err);
	PQclear(res);
	printf("webhook %s removed\n", argv[1]);
	return CTL_OK;
}

/* The rows of erp_order_lines with each line's discount share, as CSV in
 * layout into out. Returns the lines written, or -1 with err set. */
static long export_rows(PGconn *conn, const char *fair, enum erp_layout layout,
			struct strbuf *out, char *err, size_t errlen)
{
	const char *p[1] = {fair};
	PGresult *lines, *discounts;
	int d = 0, n;
	int64_t order = 0, running = 0, discount = 0;

	lines = ctl_db_query(
		conn,
		"SELECT order_id, order_date, dealer_code, "
		"dealer_name, style, product_name, size, color, qty, "
		"price, amount, order_total, note, currency "
		"FROM erp_order_lines($1::bigint)",
		1, p, err, errlen);
	if (!lines)
		return -1;
	discounts = ctl_db_query(conn,
				 "SELECT order_id, discount FROM "
				 "erp_order_discounts($1::bigint)",
				 1, p, err, errlen);
	if (!discounts) {
		PQclear(lines);
		return -1;
	}
	erp_header(layout, out);
	n = PQntuples(lines);
	for (int i = 0; i < n; i++) {
		struct erp_line l = {
			.order_id = atoll(PQgetvalue(lines, i, 0)),
			.order_date = PQgetvalue(lines, i, 1),
			.dealer_code = PQgetvalue(lines, i, 2),
			.dealer_name = PQgetvalue(lines, i, 3),
			.style = PQgetvalue(lines, i, 4),
			.product_name = PQgetvalue(lines, i, 5),
			.size = PQgetvalue(lines, i, 6),
			.color = PQgetvalue(lines, i, 7),
			.qty = atoll(PQgetvalue(lines, i, 8)),
			.price = atoll(PQgetvalue(lines, i, 9)),
			.amount = atoll(PQgetvalue(lines, i, 10)),
			.note = PQgetvalue(lines, i, 12),
			.currency = PQgetvalue(lines, i, 13),
			.fair_id = atoll(fair),
		};

		if (l.order_id != order) { /* both in order id order */
			order = l.order_id;
			running = 0;
			discount = 0;
			while (d < PQntuples(discounts) &&
			       atoll(PQgetvalue(discounts, d, 0)) < order)
				d++;
			if (d < PQntuples(discounts) &&
			    atoll(PQgetvalue(discounts, d, 0)) == order)
				discount = atoll(PQgetvalue(discounts, d, 1));
		}
		l.discount = erp_discount_share(discount,
						atoll(PQgetvalue(lines, i, 11)),
						running, l.amount);
		running += l.amount;
		erp_row(layout, &l, out);
	}
	PQclear(lines);
	PQclear(discounts);
	return n;
}

/* fairctl erp-export FAIR --layout u8|gjp [--output FILE] */
int ctl_erp_export(const struct ctl_context *ctx, int argc, char **argv)
{
	const char *fair = NULL, *output = NULL;
	int layout = -1;
	char err[512];
	struct strbuf csv;
	PGconn *conn;
	FILE *f = stdout;
	long n;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--layout") && i + 1 < argc) {
			layout = erp_layout_parse(argv[++i]);
			if (layout < 0)
				return ctl_usage(ctx, "--layout: u8 or gjp");
		} else if (!strcmp(argv[i], "--output") && i + 1 < argc) {
			output = argv[++i];
		} else if (!fair && is_id(argv[i])) {
			fair = argv[i];
		} else {
			return ctl_usage(ctx, "unexpected \"%s\"", argv[i]);
		}
	}
	if (!fair || layout < 0)
		return ctl_usage(ctx, "give the fair's id and --layout");
	conn = ctl_db_open(ctx->database_url, NULL, err, sizeof err);
	if (!conn)
		return ctl_fail(ctx, "%s", err);
	strbuf_init(&csv);
	/* one consistent snapshot for lines and discounts */
	if (ctl_db_exec(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
			0, NULL, err, sizeof err) ||
	    (n = export_rows(conn, fair, (enum erp_layout)layout, &csv, err,
			     sizeof err)) < 0) {
		PQfinish(conn);
		strbuf_free(&csv);
		return ctl_fail(ctx, "%s", err);
	}
	ctl_db_rollback(conn);
	PQfinish(conn);
	if (output && !(f = fopen(output, "wb"))) {
		strbuf_free(&csv);
		return ctl_fail(ctx, "cannot write %s", output);
	}
	if (csv.len && fwrite(csv.data, 1, csv.len, f) != csv.len) {
		if (output)
			fclose(f);
		strbuf_free(&csv);
		return ctl_fail(ctx, "cannot write the export");
	}
	if (output && fclose(f)) {
		strbuf_free(&csv);
		return ctl_fail(ctx, "cannot write %s", output);
	}
	strbuf_free(&csv);
	fprintf(stderr, "fair %s: %ld order lines\n", fair, n);
	return CTL_OK;
}
