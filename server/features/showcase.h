/* showcase.h - the live showcase ops (PROTOCOL.md, Live showcase), for reps
 * and admins: spotlight.set, price.set, flash.set, item.launch and
 * item.withdraw.
 *
 * Each is one SQL function (sql/functions/showcase/) that checks the fair and
 * the item, changes them, writes the audit log and emits the history events
 * in one transaction; the fair room (live/room_events.c) pushes those events
 * once they commit. Each op is an entry of the op table (server/op_table.c)
 * naming its function, run by op_sql_handler; here are their parameter
 * tables and the checks those tables cannot make. */
#ifndef FAIR_SHOWCASE_H
#define FAIR_SHOWCASE_H

#include <stdbool.h>

#include "rpc/dispatch.h"

/* Every op answers not_found for an unknown fair or a product that is not an
 * item of it, and fair_not_live when the fair is closed (scheduled, live
 * and paused fairs may be prepared and changed). */

/* spotlight.set {fair, product, note?} -> {spotlight}: the fair's spotlight
 * (one per fair) becomes this item; event spotlight to everyone. */
extern const struct param_spec showcase_spotlight_params[];

/* price.set {fair, product, price, tier?} -> {product, price, tier}: one
 * tier's own price, or without a tier the item's price for every tier (the
 * tiers' own prices go); a price event to each tier whose price changed and
 * one to the staff. The check: a tier is one capital letter. */
extern const struct param_spec showcase_price_params[];
bool showcase_price_check(struct op_call *call);

/* flash.set {fair, product, price, starts_at, ends_at} -> {flash}: a price
 * for every tier while the window is open; ends_at must be after starts_at
 * (the check) and in the future. Event flash to everyone. */
extern const struct param_spec showcase_flash_params[];
bool showcase_flash_check(struct op_call *call);

/* item.launch {fair, product} -> {item}: an item not on sale goes on sale
 * (conflict when it is); item.new to each tier and to the staff.
 * item.withdraw {fair, product} -> {item}: taken off sale (conflict when
 * it is not on sale); item.withdrawn to everyone. */
extern const struct param_spec showcase_item_params[]; /* launch, withdraw */

#endif
