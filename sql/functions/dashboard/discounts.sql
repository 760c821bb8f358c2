-- dashboard.discounts (PROTOCOL.md, Brand manager dashboard): what the fair's policies and
-- coupons have given so far, over its counted orders (not cancelled or rejected), as the
-- orders carry them (early_discount, tier_discount, coupon_discount: policies/, coupons/),
-- and each coupon's use as coupon.list shows it to the staff. Read on request (the page asks
-- at most every 10 s while orders change), not kept: one index range over the fair's orders.
CREATE OR REPLACE FUNCTION dashboard_discounts(p_fair bigint) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_sums jsonb;
BEGIN
    PERFORM fair_must_exist(p_fair);
    SELECT jsonb_build_object(
               'orders', count(*),
               'discounted', count(*) FILTER (WHERE order_discount(o) > 0),
               'amount', coalesce(sum(o.total), 0),
               'early', coalesce(sum(o.early_discount), 0),
               'tier', coalesce(sum(o.tier_discount), 0),
               'coupon', coalesce(sum(o.coupon_discount), 0),
               'discount', coalesce(sum(order_discount(o)), 0),
               'payable', coalesce(sum(o.total - order_discount(o)), 0))
    INTO v_sums
    FROM orders o
    WHERE o.fair_id = p_fair AND o.status NOT IN ('cancelled', 'rejected');
    RETURN jsonb_build_object('fair', p_fair) || v_sums
        || jsonb_build_object('coupons', coupon_list(p_fair, NULL)->'coupons');
END
$$;
