/* op_table.c - the server's op table: every op, who may call it, its arguments.
 *
 * rpc/dispatch.c checks role, then arguments against the op's parameter
 * table, before the op runs. Most ops are one call of a SQL function: their
 * entry names the statement, whether it reads or writes, an optional check
 * of what the parameter table cannot say, and what goes in each $n (a
 * member of the parameter table, in its order, or a value of the caller's;
 * rpc/op_sql_args.h), and op_sql_handler runs it. The others have a handler
 * of their own in their module. The parameter tables and checks live in the
 * modules; dispatch_table_check holds each entry to its table at start-up.
 *
 * Adding an op: a parameter table in its module, and a line here with either
 * its SQL definition and op_sql_handler, or its handler. The table names a
 * handler in every folder, so it sits at the root beside main.c, above them
 * all (tools/check_includes.py). */
#include "auth/admin_users.h"
#include "base/timefmt.h"
#include "features/addresses.h"
#include "features/admin_fair.h"
#include "features/attainment.h"
#include "features/catalog.h"
#include "features/chat.h"
#include "features/dashboard.h"
#include "features/dealers_overview.h"
#include "features/inbox.h"
#include "features/policy.h"
#include "features/showcase.h"
#include "features/webhooks.h"
#include "live/fair_room.h"
#include "live/fairs.h"
#include "order/order_intake.h"
#include "order/order_life.h"
#include "order/order_processing.h"
#include "rpc/dispatch.h"
#include "rpc/op_reply.h"
#include "rpc/op_sql.h"

static const struct param_spec no_params[] = {{NULL, 0, false, 0, 0}};

/* ping {} -> {server_time}: answered by this process alone, so it keeps
 * answering while PostgreSQL is away. */
static void op_ping(struct op_call *call)
{
	char now[32];

	op_ok(call,
	      json_pack("{s:s}", "server_time",
			timefmt_rfc3339(timefmt_now_ms(), now, sizeof now)));
}

const struct op_def server_ops[] = {
	{"ping", ROLES_ALL, no_params, op_ping},
	{"fairs.list", ROLES_ALL, fairs_list_params, fairs_op_list},
	{"admin.dealer.create", ROLE_ADMIN, admin_dealer_create_params,
	 op_sql_handler,
	 &(const struct op_sql_def){
		 OP_SQL_WRITE,
		 "SELECT jsonb_build_object('dealer', "
		 "admin_dealer_create($1::bigint, $2, $3, $4, $5, "
		 "$6::bigint, $7::boolean, $8::jsonb))",
		 admin_dealer_create_check,
		 /* absent credit and key_dealer are NULL: the function's
		  * defaults (0, false) apply */
		 {{.caller = op_sql_actor},
		  {"code"},
		  {"name"},
		  {"region"},
		  {"tier"},
		  {"credit_limit"},
		  {"key_dealer"},
		  {"addresses"}}}},
	{"admin.dealer.update", ROLE_ADMIN, admin_dealer_update_params,
	 op_sql_handler,
	 &(const struct op_sql_def){
		 OP_SQL_WRITE,
		 "SELECT jsonb_build_object('dealer', "
		 "admin_dealer_update($1::bigint, $2::bigint, $3, $4, $5, "
		 "$6::bigint, $7::boolean))",
		 admin_dealer_update_check,
		 {{.caller = op_sql_actor},
		  {"dealer"},
		  {"name"},
		  {"region"},
		  {"tier"},
		  {"credit_limit"},
		  {"key_dealer"}}}},
	{"admin.user.create", ROLE_ADMIN, admin_user_create_params,
	 admin_op_user_create},
	{"admin.user.update", ROLE_ADMIN, admin_user_update_params,
	 admin_op_user_update},
	{"admin.users.list", ROLE_ADMIN, admin_users_list_params,
	 op_sql_handler,
	 &(const struct op_sql_def){
		 OP_SQL_READ,
		 "SELECT admin_users_list($1, $2, $3::bigint, $4::integer, "
		 "$5::integer, $6::integer, $7::integer)",
		 admin_users_list_check,
		 {{"q"},
		  {"role"},
		  {"dealer"},
		  {"limit", ADMIN_LIST_LIMIT},
		  {"offset", "0"},
		  {.caller = admin_login_max_failures},
		  {.caller = admin_login_window_s}}}},
	{"admin.dealers.list", ROLE_ADMIN, admin_dealers_list_params,
	 op_sql_handler,
	 &(const struct op_sql_def){
		 OP_SQL_READ,
		 "SELECT admin_dealers_list($1, $2::integer, $3::integer)",
		 NULL,
		 {{"q"}, {"limit", ADMIN_LIST_LIMIT}, {"offset", "0"}}}},

	/* a dealer's ship-to addresses (addresses.c) */
	{"addresses.list", ROLES_ALL, addresses_list_params, op_sql_handler,
	 &(const struct op_sql_def){OP_SQL_READ,
				    "SELECT addresses_of_caller($1::bigint, "
				    "$2::bigint, $3::bigint)",
				    NULL,
				    {{.caller = op_sql_dealer},
				     {.caller = op_sql_actor},
				     {"dealer"}}}},
	{"address.save", ROLE_DEALER | ROLE_REP | ROLE_ADMIN,
	 address_save_params, op_sql_handler,
	 &(const struct op_sql_def){
		 OP_SQL_WRITE,
		 "SELECT address_save($1::bigint, $2::bigint, $3::bigint, "
		 "$4::bigint, $5, $6, $7, $8, $9::boolean)",
		 NULL,
		 {{.caller = op_sql_dealer},
		  {.caller = op_sql_actor},
		  {"dealer"},
		  {"id"},
		  {"label"},
		  {"recipient"},
		  {"phone"},
		  {"address"},
		  {"default"}}}},
	{"address.remove", ROLE_DEALER | ROLE_REP | ROLE_ADMIN,
	 address_remove_params, op_sql_handler,
	 &(const struct op_sql_def){
		 OP_SQL_WRITE,
		 "SELECT address_remove($1::bigint, $2::bigint, $3::bigint, "
		 "$4::bigint)",
		 NULL,
		 {{.caller = op_sql_dealer},
		  {.caller = op_sql_actor},
		  {"dealer"},
		  {"id"}}}},

	/* the live fair room (fair_room.c) */
	{"join", ROLES_ALL, room_join_params, room_op_join},
	{"leave", ROLES_ALL, room_leave_params, room_op_leave},

	/* the catalog (catalog.c) */
	{"catalog.search", ROLES_ALL, catalog_search_params, catalog_op_search},
	{"catalog.categories", ROLES_ALL, catalog_categories_params,
	 op_sql_handler,
	 &(const struct op_sql_def){OP_SQL_READ,
				    "SELECT catalog_categories($1::bigint)",
				    NULL,
				    {{"fair"}}}},
	{"catalog.terms", ROLES_ALL, catalog_terms_params, op_sql_handler,
	 &(const struct op_sql_def){OP_SQL_READ,
				    "SELECT catalog_terms($1::bigint)",
				    NULL,
				    {{"fair"}}}},
	{"recommend", ROLES_ALL, catalog_recommend_params, op_sql_handler,
	 &(const struct op_sql_def){
		 OP_SQL_READ,
		 "SELECT catalog_recommend($1::bigint, $2, $3, $4::int)",
		 NULL,
		 {{"fair"},
		  {.caller = catalog_caller_region},
		  {.caller = catalog_caller_tier},
		  {"limit", "10"}}}},
	{"catalog.items", ROLES_ALL, catalog_items_params, op_sql_handler,
	 &(const struct op_sql_def){
		 OP_SQL_READ,
		 "SELECT catalog_items($1::bigint, $2, $3::jsonb, $4::jsonb)",
		 NULL,
		 {{"fair"},
		  {.caller = catalog_caller_tier},
		  {"products"},
		  {"variants"}}}},

	/* ordering (order_intake.c, order_life.c) */
	{"order.place", ROLE_DEALER | ROLE_REP | ROLE_ADMIN, order_place_params,
	 order_op_place},
	{"order.amend", ROLE_DEALER | ROLE_REP | ROLE_ADMIN, order_amend_params,
	 op_sql_handler,
	 &(const struct op_sql_def){
		 OP_SQL_WRITE,
		 "SELECT order_amend($1::bigint, $2::bigint, $3::jsonb)",
		 order_amend_check,
		 {{.caller = op_sql_actor}, {"order"}, {"lines"}}}},
	{"order.cancel", ROLE_DEALER | ROLE_REP | ROLE_ADMIN,
	 order_cancel_params, op_sql_handler,
	 &(const struct op_sql_def){
		 OP_SQL_WRITE,
		 "SELECT order_cancel($1::bigint, $2::bigint)",
		 NULL,
		 {{.caller = op_sql_actor}, {"order"}}}},
	{"orders.mine", ROLE_DEALER | ROLE_REP | ROLE_ADMIN, orders_mine_params,
	 op_sql_handler,
	 &(const struct op_sql_def){
		 OP_SQL_READ,
		 "SELECT orders_of_caller($1::bigint, $2::bigint, $3::bigint, "
		 "$4::bigint)",
		 NULL,
		 /* the staff name the dealer (a rep ordering on its behalf) */
		 {{.caller = op_sql_dealer},
		  {.caller = op_sql_actor},
		  {"fair"},
		  {"dealer"}}}},
	{"waitlist.join", ROLE_DEALER, waitlist_join_params, op_sql_handler,
	 &(const struct op_sql_def){
		 OP_SQL_WRITE,
		 "SELECT waitlist_join($1::bigint, $2::bigint, $3::bigint, "
		 "$4::integer)",
		 NULL,
		 {{.caller = op_sql_dealer}, {"fair"}, {"variant"}, {"qty"}}}},
	{"waitlist.leave", ROLE_DEALER, waitlist_leave_params, op_sql_handler,
	 &(const struct op_sql_def){
		 OP_SQL_WRITE,
		 "SELECT waitlist_leave($1::bigint, $2::bigint, $3::bigint)",
		 NULL,
		 {{.caller = op_sql_dealer}, {"fair"}, {"variant"}}}},
	{"draft.save", ROLE_DEALER, draft_save_params, op_sql_handler,
	 &(const struct op_sql_def){
		 OP_SQL_WRITE,
		 "SELECT draft_save($1::bigint, $2::bigint, $3::jsonb, $4)",
		 draft_save_check,
		 {{.caller = op_sql_dealer}, {"fair"}, {"lines"}, {"note"}}}},
	{"draft.get", ROLE_DEALER, draft_get_params, op_sql_handler,
	 &(const struct op_sql_def){OP_SQL_READ,
				    "SELECT draft_get($1::bigint, $2::bigint)",
				    NULL,
				    {{.caller = op_sql_dealer}, {"fair"}}}},

	/* the brand manager's dashboard, targets, the dealers' overview
	 * (dashboard.c, attainment.c, dealers_overview.c) */
	{"dashboard.watch", ROLE_MANAGER | ROLE_REP | ROLE_ADMIN,
	 dashboard_watch_params, dashboard_op_watch},
	{"dashboard.discounts", ROLE_MANAGER | ROLE_ADMIN,
	 dashboard_discounts_params, op_sql_handler,
	 &(const struct op_sql_def){OP_SQL_READ,
				    "SELECT dashboard_discounts($1::bigint)",
				    NULL,
				    {{"fair"}}}},
	{"target.set", ROLE_MANAGER | ROLE_ADMIN, target_set_params,
	 op_sql_handler,
	 &(const struct op_sql_def){
		 OP_SQL_WRITE,
		 "SELECT target_set($1::bigint, $2::bigint, $3::bigint, $4, "
		 "$5::bigint, $6::integer)",
		 NULL,
		 {{.caller = op_sql_actor},
		  {"fair"},
		  {"dealer"},
		  {"region"},
		  {"amount"},
		  {"units"}}}},
	{"mustorder.set", ROLE_MANAGER | ROLE_ADMIN, mustorder_set_params,
	 op_sql_handler,
	 &(const struct op_sql_def){
		 OP_SQL_WRITE,
		 "SELECT mustorder_set($1::bigint, $2::bigint, $3::bigint, "
		 "$4::boolean)",
		 NULL,
		 {{.caller = op_sql_actor},
		  {"fair"},
		  {"product"},
		  {"required"}}}},
	{"attainment", ROLE_DEALER, attainment_params, op_sql_handler,
	 &(const struct op_sql_def){OP_SQL_READ,
				    "SELECT jsonb_build_object('attainment', "
				    "attainment_mine($1::bigint, $2::bigint))",
				    NULL,
				    {{"fair"}, {.caller = op_sql_dealer}}}},
	/* a fair's ordering policies and coupons (policy.c) */
	{"policy.get", ROLES_ALL, policy_get_params, op_sql_handler,
	 &(const struct op_sql_def){
		 OP_SQL_READ,
		 "SELECT policy_get($1::bigint, coalesce($2::bigint, "
		 "staff_named_dealer($4::bigint, $3::bigint)))",
		 NULL,
		 /* a dealer's own: its dealer param is not used */
		 {{"fair"},
		  {.caller = op_sql_dealer},
		  {"dealer"},
		  {.caller = op_sql_actor}}}},
	{"policy.set", ROLE_MANAGER | ROLE_ADMIN, policy_set_params,
	 op_sql_handler,
	 &(const struct op_sql_def){
		 OP_SQL_WRITE,
		 "SELECT policy_set($1::bigint, $2::bigint, $3::jsonb)",
		 NULL,
		 {{.caller = op_sql_actor}, {"fair"}, {"policy"}}}},
	{"coupon.create", ROLE_MANAGER | ROLE_ADMIN, coupon_create_params,
	 op_sql_handler,
	 &(const struct op_sql_def){
		 OP_SQL_WRITE,
		 "SELECT coupon_create($1::bigint, $2::bigint, $3::jsonb)",
		 NULL,
		 {{.caller = op_sql_actor}, {"fair"}, {"coupon"}}}},
	{"coupon.end", ROLE_MANAGER | ROLE_ADMIN, coupon_end_params,
	 op_sql_handler,
	 &(const struct op_sql_def){OP_SQL_WRITE,
				    "SELECT coupon_end($1::bigint, $2::bigint)",
				    NULL,
				    {{.caller = op_sql_actor}, {"coupon"}}}},
	{"coupon.list", ROLES_ALL, coupon_list_params, op_sql_handler,
	 &(const struct op_sql_def){
		 OP_SQL_READ,
		 "SELECT coupon_list($1::bigint, coalesce($2::bigint, "
		 "staff_named_dealer($4::bigint, $3::bigint)))",
		 NULL,
		 /* as policy.get: the staff may name a dealer */
		 {{"fair"},
		  {.caller = op_sql_dealer},
		  {"dealer"},
		  {.caller = op_sql_actor}}}},
	{"points.mine", ROLE_DEALER, points_mine_params, op_sql_handler,
	 &(const struct op_sql_def){OP_SQL_READ,
				    "SELECT points_mine($1::bigint)",
				    NULL,
				    {{.caller = op_sql_dealer}}}},
	{"points.redeem", ROLE_DEALER, points_redeem_params, op_sql_handler,
	 &(const struct op_sql_def){
		 OP_SQL_WRITE,
		 "SELECT points_redeem($1::bigint, $2::bigint, $3::integer)",
		 NULL,
		 {{.caller = op_sql_dealer}, {"fair"}, {"points"}}}},
	{"points.rates", ROLES_ALL, points_rates_params, op_sql_handler,
	 &(const struct op_sql_def){
		 OP_SQL_READ, "SELECT points_rates()", NULL, {{NULL}}}},
	{"points.rates.set", ROLE_MANAGER | ROLE_ADMIN, points_rate_set_params,
	 op_sql_handler,
	 &(const struct op_sql_def){OP_SQL_WRITE,
				    "SELECT points_rate_set($1::bigint, $2, "
				    "$3::integer, $4::integer)",
				    NULL,
				    {{.caller = op_sql_actor},
				     {"tier"},
				     {"per_100"},
				     {"validity_days"}}}},
	{"dealers.overview", ROLE_REP | ROLE_MANAGER | ROLE_ADMIN,
	 dealers_overview_params, op_sql_handler,
	 &(const struct op_sql_def){
		 OP_SQL_READ,
		 "SELECT dealers_overview($1::bigint, $2::bigint, $3, "
		 "$4::boolean, $5, $6::integer, $7::integer)",
		 dealers_overview_check,
		 {{.caller = op_sql_actor},
		  {"fair"},
		  {"region"},
		  {"online"},
		  {"sort"},
		  {"limit", OVERVIEW_LIMIT},
		  {"offset", "0"}}}},

	/* order processing after the fair (order_processing.c) */
	{"orders.queue", ROLE_REP | ROLE_ADMIN, orders_queue_params,
	 op_sql_handler,
	 &(const struct op_sql_def){
		 /* a write: reading the queue runs the automatic review */
		 OP_SQL_WRITE,
		 "SELECT orders_queue($1::bigint, $2::bigint, $3)",
		 orders_queue_check,
		 {{.caller = op_sql_actor}, {"fair"}, {"status"}}}},
	{"order.review", ROLE_REP | ROLE_ADMIN, order_review_params,
	 op_sql_handler,
	 &(const struct op_sql_def){
		 OP_SQL_WRITE,
		 "SELECT order_review($1::bigint, $2::bigint, $3, $4)",
		 order_review_check,
		 {{.caller = op_sql_actor},
		  {"order"},
		  {"decision"},
		  {"note"}}}},
	{"order.ship", ROLE_REP | ROLE_ADMIN, order_ship_params, op_sql_handler,
	 &(const struct op_sql_def){
		 OP_SQL_WRITE,
		 "SELECT order_ship($1::bigint, $2::bigint, $3, $4)",
		 NULL,
		 {{.caller = op_sql_actor},
		  {"order"},
		  {"carrier"},
		  {"tracking"}}}},
	{"order.advance", ROLE_REP | ROLE_ADMIN, order_advance_params,
	 op_sql_handler,
	 &(const struct op_sql_def){
		 OP_SQL_WRITE,
		 "SELECT order_advance($1::bigint, $2::bigint, $3)",
		 order_advance_check,
		 {{.caller = op_sql_actor}, {"order"}, {"status"}}}},
	{"order.priority", ROLE_REP | ROLE_ADMIN, order_priority_params,
	 op_sql_handler,
	 &(const struct op_sql_def){
		 OP_SQL_WRITE,
		 "SELECT order_set_priority($1::bigint, $2::bigint, $3)",
		 order_priority_check,
		 {{.caller = op_sql_actor}, {"order"}, {"priority"}}}},

	/* Q&A (chat.c) */
	{"chat.ask", ROLE_DEALER, chat_ask_params, op_sql_handler,
	 &(const struct op_sql_def){
		 OP_SQL_WRITE,
		 "SELECT chat_ask($1::bigint, $2::bigint, $3, $4::bigint)",
		 NULL,
		 {{.caller = op_sql_actor}, {"fair"}, {"text"}, {"product"}}}},
	{"chat.claim", ROLE_REP | ROLE_ADMIN, chat_message_params,
	 op_sql_handler,
	 &(const struct op_sql_def){
		 OP_SQL_WRITE,
		 "SELECT chat_claim($1::bigint, $2::bigint, $3::bigint)",
		 NULL,
		 {{.caller = op_sql_actor}, {"fair"}, {"id"}}}},
	{"chat.answer", ROLE_REP | ROLE_ADMIN, chat_answer_params,
	 op_sql_handler,
	 &(const struct op_sql_def){
		 OP_SQL_WRITE,
		 "SELECT chat_answer($1::bigint, $2::bigint, $3::bigint, $4, "
		 "$5::boolean)",
		 NULL,
		 {{.caller = op_sql_actor},
		  {"fair"},
		  {"reply_to"},
		  {"text"},
		  {"private"}}}},
	{"chat.hide", ROLE_REP | ROLE_ADMIN, chat_message_params,
	 op_sql_handler,
	 &(const struct op_sql_def){
		 OP_SQL_WRITE,
		 "SELECT chat_hide($1::bigint, $2::bigint, $3::bigint)",
		 NULL,
		 {{.caller = op_sql_actor}, {"fair"}, {"id"}}}},
	{"chat.faq", ROLE_REP | ROLE_ADMIN, chat_faq_mark_params,
	 op_sql_handler,
	 &(const struct op_sql_def){
		 OP_SQL_WRITE,
		 "SELECT chat_faq_mark($1::bigint, $2::bigint, $3::bigint, "
		 "$4::boolean)",
		 NULL,
		 {{.caller = op_sql_actor}, {"fair"}, {"id"}, {"faq"}}}},
	{"chat.history", ROLES_ALL, chat_history_params, op_sql_handler,
	 &(const struct op_sql_def){
		 OP_SQL_READ,
		 "SELECT chat_history($1::bigint, $2::boolean, $3::bigint, "
		 "$4::bigint, $5::int)",
		 NULL,
		 {{"fair"},
		  {.caller = op_sql_staff},
		  {.caller = op_sql_dealer},
		  {"before"},
		  {"limit", CHAT_HISTORY_DEFAULT}}}},
	{"faq", ROLES_ALL, chat_faq_params, op_sql_handler,
	 &(const struct op_sql_def){OP_SQL_READ,
				    "SELECT chat_faq($1::bigint, $2::bigint)",
				    NULL,
				    {{"fair"}, {"product"}}}},

	/* the showcase and the fair's administration */
	{"spotlight.set", ROLE_REP | ROLE_ADMIN, showcase_spotlight_params,
	 op_sql_handler,
	 &(const struct op_sql_def){
		 OP_SQL_WRITE,
		 "SELECT showcase_spotlight_set($1::bigint, $2::bigint, "
		 "$3::bigint, $4)",
		 NULL,
		 {{.caller = op_sql_actor}, {"fair"}, {"product"}, {"note"}}}},
	{"price.set", ROLE_REP | ROLE_ADMIN, showcase_price_params,
	 op_sql_handler,
	 &(const struct op_sql_def){
		 OP_SQL_WRITE,
		 "SELECT showcase_price_set($1::bigint, $2::bigint, "
		 "$3::bigint, $4::bigint, $5)",
		 showcase_price_check,
		 {{.caller = op_sql_actor},
		  {"fair"},
		  {"product"},
		  {"price"},
		  {"tier"}}}},
	{"flash.set", ROLE_REP | ROLE_ADMIN, showcase_flash_params,
	 op_sql_handler,
	 &(const struct op_sql_def){
		 OP_SQL_WRITE,
		 "SELECT showcase_flash_set($1::bigint, $2::bigint, "
		 "$3::bigint, $4::bigint, epoch_ms_time($5::bigint), "
		 "epoch_ms_time($6::bigint))",
		 showcase_flash_check,
		 {{.caller = op_sql_actor},
		  {"fair"},
		  {"product"},
		  {"price"},
		  {"starts_at"},
		  {"ends_at"}}}},
	{"item.launch", ROLE_REP | ROLE_ADMIN, showcase_item_params,
	 op_sql_handler,
	 &(const struct op_sql_def){
		 OP_SQL_WRITE,
		 "SELECT showcase_item_launch($1::bigint, $2::bigint, "
		 "$3::bigint)",
		 NULL,
		 {{.caller = op_sql_actor}, {"fair"}, {"product"}}}},
	{"item.withdraw", ROLE_REP | ROLE_ADMIN, showcase_item_params,
	 op_sql_handler,
	 &(const struct op_sql_def){
		 OP_SQL_WRITE,
		 "SELECT showcase_item_withdraw($1::bigint, $2::bigint, "
		 "$3::bigint)",
		 NULL,
		 {{.caller = op_sql_actor}, {"fair"}, {"product"}}}},
	{"admin.product.create", ROLE_ADMIN, admin_product_create_params,
	 op_sql_handler,
	 &(const struct op_sql_def){
		 OP_SQL_WRITE,
		 "SELECT admin_product_create($1::bigint, $2, $3, $4, $5, $6, "
		 "$7, $8::bigint, $9::jsonb, $10)",
		 admin_product_create_check,
		 {{.caller = op_sql_actor},
		  {"style"},
		  {"name"},
		  {"name_en"},
		  {"category"},
		  {"description"},
		  {"description_en"},
		  {"base_price"},
		  {"variants"},
		  {"category_en"}}}},
	{"admin.terms.list", ROLE_ADMIN, no_params, op_sql_handler,
	 &(const struct op_sql_def){
		 OP_SQL_READ, "SELECT admin_terms_list()", NULL, {{NULL}}}},
	{"admin.terms.set", ROLE_ADMIN, admin_terms_set_params, op_sql_handler,
	 &(const struct op_sql_def){
		 OP_SQL_WRITE,
		 "SELECT admin_terms_set($1::bigint, $2::jsonb, $3::jsonb)",
		 NULL,
		 {{.caller = op_sql_actor}, {"colors"}, {"categories"}}}},
	{"admin.product.update", ROLE_ADMIN, admin_product_update_params,
	 op_sql_handler,
	 &(const struct op_sql_def){
		 OP_SQL_WRITE,
		 "SELECT admin_product_update($1::bigint, $2::bigint, $3, $4, "
		 "$5, $6, $7::bigint)",
		 admin_product_update_check,
		 {{.caller = op_sql_actor},
		  {"product"},
		  {"name"},
		  {"name_en"},
		  {"description"},
		  {"description_en"},
		  {"base_price"}}}},
	{"admin.products.list", ROLE_ADMIN, admin_products_list_params,
	 op_sql_handler,
	 &(const struct op_sql_def){
		 OP_SQL_READ,
		 "SELECT admin_products_list($1, $2::bigint, $3::integer, "
		 "$4::integer)",
		 NULL,
		 {{"q"},
		  {"fair"},
		  {"limit", ADMIN_PRODUCTS_LIMIT},
		  {"offset", "0"}}}},
	{"admin.product.clip.remove", ROLE_ADMIN,
	 admin_product_clip_remove_params, op_sql_handler,
	 &(const struct op_sql_def){
		 OP_SQL_WRITE,
		 "SELECT admin_product_clip_remove($1::bigint, $2::bigint)",
		 NULL,
		 {{.caller = op_sql_actor}, {"product"}}}},
	{"admin.fair.create", ROLE_ADMIN, admin_fair_create_params,
	 op_sql_handler,
	 &(const struct op_sql_def){
		 /* the time zone is checked against PostgreSQL's own list */
		 OP_SQL_WRITE,
		 "SELECT admin_fair_create($1::bigint, $2, $3, $4, $5, "
		 "epoch_ms_time($6::bigint), epoch_ms_time($7::bigint), $8)",
		 admin_fair_create_check,
		 {{.caller = op_sql_actor},
		  {"name"},
		  {"season"},
		  {"currency"},
		  {"timezone"},
		  {"starts_at"},
		  {"ends_at"},
		  {"name_en"}}}},
	{"admin.fair.update", ROLE_ADMIN, admin_fair_update_params,
	 op_sql_handler,
	 &(const struct op_sql_def){
		 OP_SQL_WRITE,
		 "SELECT admin_fair_update($1::bigint, $2::bigint, $3, "
		 "epoch_ms_time($4::bigint), epoch_ms_time($5::bigint), $6, "
		 "$7)",
		 admin_fair_update_check,
		 {{.caller = op_sql_actor},
		  {"fair"},
		  {"name"},
		  {"starts_at"},
		  {"ends_at"},
		  {"status"},
		  {"name_en"}}}},
	{"admin.item.add", ROLE_ADMIN, admin_item_add_params, op_sql_handler,
	 &(const struct op_sql_def){
		 OP_SQL_WRITE,
		 "SELECT admin_item_add($1::bigint, $2::bigint, $3::bigint, "
		 "$4::bigint, $5::jsonb, $6::jsonb, $7::integer, "
		 "$8::integer, $9::jsonb, $10::boolean, $11::boolean)",
		 admin_item_add_check,
		 {{.caller = op_sql_actor},
		  {"fair"},
		  {"product"},
		  {"price"},
		  {"tier_prices"},
		  {"allocation"},
		  {"limit"},
		  {"moq"},
		  {"pack"},
		  {"must_order"},
		  {"launch"}}}},
	{"admin.stock.add", ROLE_ADMIN, admin_stock_add_params, op_sql_handler,
	 &(const struct op_sql_def){
		 OP_SQL_WRITE,
		 "SELECT admin_stock_add($1::bigint, $2::bigint, "
		 "$3::bigint, $4::integer)",
		 admin_stock_add_check,
		 {{.caller = op_sql_actor}, {"fair"}, {"variant"}, {"qty"}}}},
	{"audit.list", ROLE_ADMIN | ROLE_MANAGER, admin_audit_list_params,
	 op_sql_handler,
	 &(const struct op_sql_def){
		 OP_SQL_READ,
		 "SELECT audit_list($1::bigint, $2::bigint, $3::integer)",
		 NULL,
		 {{"fair"}, {"since"}, {"limit", "100"}}}},

	/* messages: the inbox, promotions, the webhooks (inbox.c, webhooks.c) */
	{"inbox.list", ROLES_ALL, inbox_list_params, op_sql_handler,
	 &(const struct op_sql_def){
		 OP_SQL_READ,
		 "SELECT inbox_list($1::bigint, $2::bigint, $3::integer, "
		 "$4::boolean)",
		 NULL,
		 {{.caller = op_sql_actor},
		  {"before"},
		  {"limit", INBOX_LIST_DEFAULT},
		  {"unread"}}}},
	{"inbox.unread", ROLES_ALL, inbox_unread_params, op_sql_handler,
	 &(const struct op_sql_def){OP_SQL_READ,
				    "SELECT jsonb_build_object('unread', "
				    "inbox_unread_count($1::bigint))",
				    NULL,
				    {{.caller = op_sql_actor}}}},
	{"inbox.read", ROLES_ALL, inbox_read_params, op_sql_handler,
	 &(const struct op_sql_def){
		 OP_SQL_WRITE,
		 "SELECT inbox_read($1::bigint, $2::jsonb, $3::boolean)",
		 NULL,
		 {{.caller = op_sql_actor}, {"ids"}, {"all"}}}},
	{"inbox.prefs", ROLES_ALL, inbox_prefs_params, op_sql_handler,
	 &(const struct op_sql_def){OP_SQL_READ,
				    "SELECT inbox_prefs($1::bigint)",
				    NULL,
				    {{.caller = op_sql_actor}}}},
	{"inbox.prefs.set", ROLES_ALL, inbox_prefs_set_params, op_sql_handler,
	 &(const struct op_sql_def){
		 OP_SQL_WRITE,
		 "SELECT inbox_prefs_set($1::bigint, $2, $3, $4::jsonb)",
		 NULL,
		 {{.caller = op_sql_actor}, {"email"}, {"lang"}, {"kinds"}}}},
	{"message.promote", ROLE_MANAGER | ROLE_ADMIN, message_promote_params,
	 op_sql_handler,
	 &(const struct op_sql_def){OP_SQL_WRITE,
				    "SELECT message_promote($1::bigint, "
				    "$2::bigint, $3, $4, $5::jsonb, "
				    "coalesce($6::boolean, false))",
				    NULL,
				    {{.caller = op_sql_actor},
				     {"fair"},
				     {"title"},
				     {"body"},
				     {"audience"},
				     {"preview"}}}},
	{"webhook.subscribe", ROLE_ADMIN, webhook_subscribe_params,
	 op_sql_handler,
	 &(const struct op_sql_def){
		 OP_SQL_WRITE,
		 "SELECT webhook_subscribe($1::bigint, $2, $3::jsonb, $4, "
		 "$5::bigint)",
		 NULL,
		 {{.caller = op_sql_actor},
		  {"url"},
		  {"events"},
		  {"secret"},
		  {"fair"}}}},
	{"webhook.unsubscribe", ROLE_ADMIN, webhook_unsubscribe_params,
	 op_sql_handler,
	 &(const struct op_sql_def){
		 OP_SQL_WRITE,
		 "SELECT webhook_unsubscribe($1::bigint, $2::bigint)",
		 NULL,
		 {{.caller = op_sql_actor}, {"id"}}}},
	{"webhook.list", ROLE_ADMIN, webhook_list_params, op_sql_handler,
	 &(const struct op_sql_def){
		 OP_SQL_READ, "SELECT webhook_list()", NULL, {{NULL}}}},

};

const size_t server_ops_count = sizeof server_ops / sizeof server_ops[0];
