/* addresses.h - a dealer's ship-to addresses (收货地址, PROTOCOL.md
 * "Ship-to addresses"): addresses.list {dealer?} (every role; the staff name
 * the dealer), address.save {dealer?, id?, label?, recipient?, phone?,
 * address?, default?} and address.remove {dealer?, id} (the dealer itself, a
 * rep of its region, an admin). Each is one call of a function of
 * sql/functions/accounts/addresses.sql, named by the op's entry in the op
 * table (server/op_table.c) and run by op_sql_handler; the caller's own
 * dealer and the actor go with it, so the function decides whose addresses
 * these are and refuses a dealer outside a rep's regions. */
#ifndef FAIR_ADDRESSES_H
#define FAIR_ADDRESSES_H

#include "rpc/dispatch.h"

extern const struct param_spec addresses_list_params[];
extern const struct param_spec address_save_params[];
extern const struct param_spec address_remove_params[];

#endif
