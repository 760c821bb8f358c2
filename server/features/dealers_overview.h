/* dealers_overview.h - dealers.overview {fair, region?, online?, sort?,
 * limit?, offset?} (rep, manager, admin): the rep console's list of the
 * brand's dealers at a fair, each with what it ordered against its target
 * (attainment_rows' own figures), the must-order styles it misses, and
 * whether one of its users is joined to the fair on any process now
 * (presence_dealers, written by the room's presence refresh). One call of
 * dealers_overview (sql/functions/dashboard/dealers_overview.sql). */
#ifndef FAIR_DEALERS_OVERVIEW_H
#define FAIR_DEALERS_OVERVIEW_H

#include "rpc/dispatch.h"

void dealers_op_overview(struct op_call *call);

extern const struct param_spec dealers_overview_params[];

#endif
