-- 037: the order batch sends the text of its new orders as it made them (issue 26).
--
-- order_place_batch_rows (sql/functions/orders/batch.sql) answers a row per order, its
-- decision's kind and text, instead of one jsonb array that the server's query took apart
-- again with order_decision_rows; order_batch_insert makes the new orders' text with
-- json_build_object (half jsonb_build_object's time: 3.5 against 6.2 ms for 500 orders).
-- order_batch_insert's result changes type, which CREATE OR REPLACE cannot do: the layer
-- makes it again after this drop.
DROP FUNCTION IF EXISTS order_batch_insert(jsonb, integer, integer, bigint[], bigint[], jsonb[],
                                           integer[], integer[], bigint[], integer[], bigint[]);
