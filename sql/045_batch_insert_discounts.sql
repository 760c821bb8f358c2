-- 045: the order batch writes its plain orders with the discounts the fair's policies give
-- them (issue 25), so that a flash batch at a fair with policies does not write each new
-- order twice (policy_restamp only stamps what it still finds different). order_batch_insert
-- takes two more arguments, a new signature: the old one goes, the layer makes the new one.
DROP FUNCTION IF EXISTS order_batch_insert(jsonb, integer, integer, bigint[], bigint[], jsonb[],
                                           integer[], integer[], bigint[], integer[], bigint[]);
