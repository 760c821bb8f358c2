/* ctl_warehouse.c - fairctl warehouse: which warehouse ships to which
 * region (the routing of the automatic order review). */
#include <stdio.h>
#include <string.h>

#include "fairctl/ctl.h"
#include "fairctl/ctl_db.h"
#include "fairctl/import_item.h"

/* fairctl warehouse REGION WAREHOUSE: routes the region's orders there,
 * replacing what it had; fairctl warehouse: lists the routing. */
int ctl_warehouse(const struct ctl_context *ctx, int argc, char **argv)
{
	char err[512];
	PGconn *conn;
	PGresult *res;
	int rc;

	if (argc != 1 && argc != 3)
		return ctl_usage(ctx, "give a REGION and a WAREHOUSE, or "
				      "nothing to list the routing");
	for (int i = 1; i < argc; i++) {
		long n = import_utf8_length(argv[i]);

		if (n < 1 || n > 64)
			return ctl_usage(ctx,
					 "\"%s\": 1 to 64 characters of "
					 "UTF-8",
					 argv[i]);
	}
	conn = ctl_db_open(ctx->database_url, NULL, err, sizeof err);
	if (!conn)
		return ctl_fail(ctx, "%s", err);
	if (argc == 3) {
		const char *p[2] = {argv[1], argv[2]};

		if (ctl_db_begin(conn, err, sizeof err) ||
		    ctl_db_exec(
			    conn,
			    "INSERT INTO region_warehouses (region, warehouse) "
			    "VALUES ($1, $2) ON CONFLICT (region) DO UPDATE "
			    "SET warehouse = excluded.warehouse",
			    2, p, err, sizeof err) ||
		    ctl_db_exec(
			    conn,
			    "SELECT audit_write(NULL, 'warehouse.set', NULL, "
			    "'region:' || $1, NULL, "
			    "jsonb_build_object('warehouse', $2::text))",
			    2, p, err, sizeof err) ||
		    ctl_db_commit(conn, err, sizeof err)) {
			ctl_db_rollback(conn);
			rc = ctl_fail(ctx, "%s", err);
			goto out;
		}
		printf("orders of region %s go to warehouse %s\n", argv[1],
		       argv[2]);
		rc = CTL_OK;
		goto out;
	}
	res = ctl_db_query(conn,
			   "SELECT region, warehouse FROM region_warehouses "
			   "ORDER BY region",
			   0, NULL, err, sizeof err);
	if (!res) {
		rc = ctl_fail(ctx, "%s", err);
		goto out;
	}
	for (int i = 0; i < PQntuples(res); i++)
		printf("%s\t%s\n", PQgetvalue(res, i, 0),
		       PQgetvalue(res, i, 1));
	PQclear(res);
	rc = CTL_OK;
out:
	PQfinish(conn);
	return rc;
}
