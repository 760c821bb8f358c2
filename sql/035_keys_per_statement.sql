-- 035: the order tables' keys are checked once per statement, not once per row (issue 26).
--
-- A foreign key checks each new row by itself: one query and one row lock per row and key.
-- A batch of 500 one-line orders made 500 × 7 such checks on orders, order_lines and
-- order_history, and 500 × 7 more on the kept figures its triggers write: measured inside
-- PostgreSQL (auto_explain, tests/bench/batch.mjs) about 2 ms per 500 rows and key, 24 of
-- the batch's 81 ms. The same guarantees, paid once per statement:
--
-- * The kept figures (fair_totals, fair_minute_totals, fair_product_totals,
--   fair_dealer_totals, dealer_credit, fair_dealer_styles, fair_dealer_category_orders) lose
--   their keys: every row is derived from orders whose own keys are checked, and a fair, a
--   dealer or a product with orders cannot be deleted (below), so none can point nowhere.
--   dashboard_check() still compares them with the orders.
-- * orders (fair, dealer, placed_by), order_lines (order, variant) and order_history
--   (order, actor) keep their keys as statement triggers over the statement's new rows
--   (transition tables): each parent table is locked FOR KEY SHARE for the distinct keys in
--   one statement, as the foreign key's own check locks them (so a concurrent delete waits
--   and then fails, as it did), then a missing one raises 23503 as a foreign key would.
-- * The parents (fairs, dealers, users, variants) refuse a delete that would leave an order,
--   a line or a history entry pointing nowhere (23503, after the statement, as NO ACTION
--   does); their ids, and the keys of orders, lines and history entries, never change (no
--   writer changes them; a change raises 23503). Deleting an order takes its lines and history with it
--   (as ON DELETE CASCADE did); orders are never deleted by the server.
--
-- (Its functions, views and triggers are now defined once each in sql/functions/: see
-- README.md there.)

ALTER TABLE fair_totals DROP CONSTRAINT fair_totals_fair_id_fkey;
ALTER TABLE fair_minute_totals DROP CONSTRAINT fair_minute_totals_fair_id_fkey;
ALTER TABLE fair_product_totals DROP CONSTRAINT fair_product_totals_fair_id_fkey,
                                DROP CONSTRAINT fair_product_totals_product_id_fkey;
ALTER TABLE fair_dealer_totals DROP CONSTRAINT fair_dealer_totals_fair_id_fkey,
                               DROP CONSTRAINT fair_dealer_totals_dealer_id_fkey;
ALTER TABLE dealer_credit DROP CONSTRAINT dealer_credit_dealer_id_fkey;
ALTER TABLE fair_dealer_styles DROP CONSTRAINT fair_dealer_styles_fair_id_fkey;
ALTER TABLE fair_dealer_category_orders DROP CONSTRAINT fair_dealer_category_orders_fair_id_fkey;

ALTER TABLE orders DROP CONSTRAINT orders_fair_id_fkey,
                   DROP CONSTRAINT orders_dealer_id_fkey,
                   DROP CONSTRAINT orders_placed_by_fkey;
ALTER TABLE order_lines DROP CONSTRAINT order_lines_order_id_fkey,
                        DROP CONSTRAINT order_lines_variant_id_fkey;
ALTER TABLE order_history DROP CONSTRAINT order_history_order_id_fkey,
                          DROP CONSTRAINT order_history_actor_fkey;
