/* op_table.c - the server's op table: every op, who may call it, its arguments.
 *
 * Adding an op: write its handler in its module, give it a parameter table,
 * and list it here. rpc/dispatch.c checks role, then arguments, before the
 * handler runs. The table names a handler in every folder, so it sits at
 * the root beside main.c, above them all (tools/check_includes.py). */
#include "auth/admin_users.h"
#include "base/timefmt.h"
#include "features/admin_fair.h"
#include "features/attainment.h"
#include "features/catalog.h"
#include "features/chat.h"
#include "features/dashboard.h"
#include "features/dealers_overview.h"
#include "features/showcase.h"
#include "live/fair_room.h"
#include "live/fairs.h"
#include "order/order_intake.h"
#include "order/order_life.h"
#include "order/order_processing.h"
#include "rpc/dispatch.h"
#include "rpc/op_reply.h"

static const struct param_spec no_params[] = {{NULL, 0, false, 0, 0}};

/* ping {} -> {server_time}: answered by this process alone, so it keeps
 * answering while PostgreSQL is away. */
static void op_ping(struct op_call *call)
{
	char now[32];

	op_ok(call, json_pack("{s:s}", "server_time",
			      timefmt_rfc3339(timefmt_now_ms(), now,
					      sizeof now)));
}

const struct op_def server_ops[] = {
	{"ping", ROLES_ALL, no_params, op_ping},
	{"fairs.list", ROLES_ALL, fairs_list_params, fairs_op_list},
	{"admin.dealer.create", ROLE_ADMIN, admin_dealer_create_params,
	 admin_op_dealer_create},
	{"admin.user.create", ROLE_ADMIN, admin_user_create_params,
	 admin_op_user_create},
	{"admin.user.update", ROLE_ADMIN, admin_user_update_params,
	 admin_op_user_update},

	/* the live fair room (fair_room.c) */
	{"join", ROLES_ALL, room_join_params, room_op_join},
	{"leave", ROLES_ALL, room_leave_params, room_op_leave},

	/* the catalog (catalog.c) */
	{"catalog.search", ROLES_ALL, catalog_search_params, catalog_op_search},
	{"catalog.categories", ROLES_ALL, catalog_categories_params,
	 catalog_op_categories},
	{"recommend", ROLES_ALL, catalog_recommend_params, catalog_op_recommend},
	{"catalog.items", ROLES_ALL, catalog_items_params, catalog_op_items},

	/* ordering (order_intake.c, order_life.c) */
	{"order.place", ROLE_DEALER | ROLE_REP | ROLE_ADMIN, order_place_params,
	 order_op_place},
	{"order.amend", ROLE_DEALER | ROLE_REP | ROLE_ADMIN, order_amend_params,
	 order_op_amend},
	{"order.cancel", ROLE_DEALER | ROLE_REP | ROLE_ADMIN,
	 order_cancel_params, order_op_cancel},
	{"orders.mine", ROLE_DEALER, orders_mine_params, orders_op_mine},
	{"waitlist.join", ROLE_DEALER, waitlist_join_params, waitlist_op_join},
	{"waitlist.leave", ROLE_DEALER, waitlist_leave_params,
	 waitlist_op_leave},
	{"draft.save", ROLE_DEALER, draft_save_params, draft_op_save},
	{"draft.get", ROLE_DEALER, draft_get_params, draft_op_get},

	/* the brand manager's dashboard, targets, the dealers' overview
	 * (dashboard.c, attainment.c, dealers_overview.c) */
	{"dashboard.watch", ROLE_MANAGER | ROLE_REP | ROLE_ADMIN,
	 dashboard_watch_params, dashboard_op_watch},
	{"target.set", ROLE_MANAGER | ROLE_ADMIN, target_set_params,
	 target_op_set},
	{"mustorder.set", ROLE_MANAGER | ROLE_ADMIN, mustorder_set_params,
	 mustorder_op_set},
	{"attainment", ROLE_DEALER, attainment_params, attainment_op_get},
	{"dealers.overview", ROLE_REP | ROLE_MANAGER | ROLE_ADMIN,
	 dealers_overview_params, dealers_op_overview},

	/* order processing after the fair (order_processing.c) */
	{"orders.queue", ROLE_REP | ROLE_ADMIN, orders_queue_params,
	 orders_op_queue},
	{"order.review", ROLE_REP | ROLE_ADMIN, order_review_params,
	 order_op_review},
	{"order.ship", ROLE_REP | ROLE_ADMIN, order_ship_params, order_op_ship},
	{"order.advance", ROLE_REP | ROLE_ADMIN, order_advance_params,
	 order_op_advance},
	{"order.priority", ROLE_REP | ROLE_ADMIN, order_priority_params,
	 order_op_priority},

	/* Q&A (chat.c) */
	{"chat.ask", ROLE_DEALER, chat_ask_params, chat_op_ask},
	{"chat.claim", ROLE_REP | ROLE_ADMIN, chat_message_params,
	 chat_op_claim},
	{"chat.answer", ROLE_REP | ROLE_ADMIN, chat_answer_params,
	 chat_op_answer},
	{"chat.hide", ROLE_REP | ROLE_ADMIN, chat_message_params,
	 chat_op_hide},
	{"chat.faq", ROLE_REP | ROLE_ADMIN, chat_faq_mark_params,
	 chat_op_faq_mark},
	{"chat.history", ROLES_ALL, chat_history_params, chat_op_history},
	{"faq", ROLES_ALL, chat_faq_params, chat_op_faq},

	/* the showcase and the fair's administration */
	{"spotlight.set", ROLE_REP | ROLE_ADMIN, showcase_spotlight_params,
	 showcase_op_spotlight_set},
	{"price.set", ROLE_REP | ROLE_ADMIN, showcase_price_params,
	 showcase_op_price_set},
	{"flash.set", ROLE_REP | ROLE_ADMIN, showcase_flash_params,
	 showcase_op_flash_set},
	{"item.launch", ROLE_REP | ROLE_ADMIN, showcase_item_params,
	 showcase_op_item_launch},
	{"item.withdraw", ROLE_REP | ROLE_ADMIN, showcase_item_params,
	 showcase_op_item_withdraw},
	{"admin.product.create", ROLE_ADMIN, admin_product_create_params,
	 admin_op_product_create},
	{"admin.fair.create", ROLE_ADMIN, admin_fair_create_params,
	 admin_op_fair_create},
	{"admin.fair.update", ROLE_ADMIN, admin_fair_update_params,
	 admin_op_fair_update},
	{"admin.item.add", ROLE_ADMIN, admin_item_add_params,
	 admin_op_item_add},
	{"admin.stock.add", ROLE_ADMIN, admin_stock_add_params,
	 admin_op_stock_add},
	{"audit.list", ROLE_ADMIN | ROLE_MANAGER, admin_audit_list_params,
	 admin_op_audit_list},

};

const size_t server_ops_count = sizeof server_ops / sizeof server_ops[0];
