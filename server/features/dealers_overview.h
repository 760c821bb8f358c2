/* dealers_overview.h - dealers.overview {fair, region?, online?, sort?,
 * limit?, offset?} (rep, manager, admin): the rep console's list of the
 * brand's dealers at a fair, each with what it ordered against its target
 * (attainment_rows' own figures), the must-order styles it misses, and
 * whether one of its users is joined to the fair on any process now
 * (presence_dealers, written by the room's presence refresh). One call of
 * dealers_overview (sql/functions/dashboard/dealers_overview.sql), named by
 * the op's entry in the op table (server/op_table.c) and run by
 * op_sql_handler. The caller is passed as the actor: the SQL function leaves
 * out the dealers outside a rep's regions (users.regions). */
#ifndef FAIR_DEALERS_OVERVIEW_H
#define FAIR_DEALERS_OVERVIEW_H

#include <stdbool.h>

#include "rpc/dispatch.h"

#define OVERVIEW_LIMIT "50" /* dealers a page when limit is absent */

extern const struct param_spec dealers_overview_params[];

/* sort is behind, amount or name; otherwise answers bad_request and returns
 * false. */
bool dealers_overview_check(struct op_call *call);

#endif
