-- An order the batch does not decide from its arrays (one that is not plain: see
-- order_place_batch in batch.sql), decided by itself.

-- Decides one order of a batch whose dealer and stock rows are already locked. Returns
-- {"order", "duplicate"[, "partial"]} or op_refusal(...); never raises for a refusal, and
-- changes nothing unless it accepts. p: {fair, dealer, actor, key, lines: [{variant, qty}],
-- partial?, ship_to?, note?, coupon?, dealer_total?} as checked by the server (sizes, types, no repeated variant).
-- It only reads stock (014): p->'held' carries what the batch's earlier orders took
-- (negative units per variant), and the batch writes stock and the first history entries
-- once, after its loop.
CREATE OR REPLACE FUNCTION order_decide(p jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v_fair_id   bigint := (p->>'fair')::bigint;
    v_dealer_id bigint := (p->>'dealer')::bigint;
    v_actor_id  bigint := (p->>'actor')::bigint;
    v_key       text := p->>'key';
    v_partial   boolean := coalesce((p->>'partial')::boolean, false);
    v_request   jsonb := order_request(p);
    v_order     orders;
    v_fair      fairs;
    v_dealer    dealers;
    v_actor     users;
    v_lines     order_line_eval[];
    v_refusal   jsonb;
    v_ship_to   jsonb;
    v_found     boolean;
    v_total     bigint;
    v_before    bigint;
    v_coupon    coupons;
    v_discount  bigint := 0;
    v_check     record;
BEGIN
    SELECT * INTO v_actor FROM users WHERE id = v_actor_id;
    SELECT * INTO v_dealer FROM dealers WHERE id = v_dealer_id;
    IF v_dealer.id IS NULL THEN
        RETURN op_refusal('not_found', format('dealer %s does not exist', v_dealer_id));
    END IF;
    v_refusal := order_actor_refusal(v_actor, v_dealer);
    IF v_refusal IS NOT NULL THEN
        RETURN v_refusal;
    END IF;

    -- The same key again: the same order, or a conflict when it asks for something else.
    SELECT * INTO v_order FROM orders WHERE dealer_id = v_dealer_id AND key = v_key;
    IF FOUND THEN
        IF v_order.request IS DISTINCT FROM v_request THEN
            RETURN op_refusal('conflict',
                format('key %s was already used by dealer %s for order %s with other lines',
                       v_key, v_dealer_id, v_order.id),
                jsonb_build_object('order', v_order.id));
        END IF;
        RETURN jsonb_build_object('order', order_json(v_order), 'duplicate', true);
    END IF;

    SELECT * INTO v_fair FROM fairs WHERE id = v_fair_id;
    IF NOT FOUND THEN
        RETURN op_refusal('not_found', format('fair %s does not exist', v_fair_id));
    END IF;
    -- The decision's own time, microseconds before the batch commits.
    v_refusal := fair_live_refusal(v_fair, clock_timestamp());
    IF v_refusal IS NOT NULL THEN
        RETURN v_refusal;
    END IF;

    SELECT * INTO v_lines, v_refusal
    FROM order_lines_read(v_fair_id, v_dealer.tier, p->'lines', p->'held');
    IF v_refusal IS NOT NULL THEN
        RETURN v_refusal;
    END IF;
    SELECT * INTO v_ship_to, v_found FROM order_ship_to(v_dealer_id, (p->>'ship_to')::bigint);
    IF NOT v_found THEN
        RETURN op_refusal('bad_request',
            format('address %s is not an address of dealer %s', p->>'ship_to', v_dealer_id));
    END IF;
    SELECT * INTO v_lines, v_total, v_refusal
    FROM order_lines_fit(v_dealer, v_fair_id, v_lines, v_partial, NULL);
    IF v_refusal IS NOT NULL THEN
        RETURN v_refusal;
    END IF;
    -- The fair's minimum total (039): the batch passes the dealer's total with its own
    -- earlier orders (dealer_total) when a fair of it has one.
    v_before := coalesce((p->>'dealer_total')::bigint,
                         (SELECT t.amount FROM fair_dealer_totals t
                          WHERE t.fair_id = v_fair_id AND t.dealer_id = v_dealer_id), 0);
    v_refusal := policy_minimum_refusal(v_fair_id, v_dealer_id, v_before, v_before + v_total,
                                        true);
    IF v_refusal IS NOT NULL THEN
        RETURN v_refusal;
    END IF;
    -- Its coupon (042), locked by the batch: for this dealer, valid now, uses left.
    IF p->>'coupon' IS NOT NULL THEN
        SELECT * INTO v_check
        FROM coupon_check(v_fair_id, v_dealer, p->>'coupon', v_total, clock_timestamp(), NULL);
        IF v_check.refusal IS NOT NULL THEN
            RETURN v_check.refusal;
        END IF;
        v_coupon := v_check.coupon;
        v_discount := v_check.discount;
    END IF;

    INSERT INTO orders (fair_id, dealer_id, key, total, ship_to, note, placed_by, request,
                        created_at, updated_at, coupon_id, coupon_code, coupon_discount)
    VALUES (v_fair_id, v_dealer_id, v_key, v_total, v_ship_to, coalesce(p->>'note', ''),
            v_actor_id, v_request, clock_timestamp(), clock_timestamp(),
            v_coupon.id, v_coupon.code, coalesce(v_discount, 0))
    RETURNING * INTO v_order;
    IF v_order.coupon_id IS NOT NULL THEN
        PERFORM coupon_take(v_order);
    END IF;
    INSERT INTO order_lines (order_id, variant_id, qty, price)
    SELECT v_order.id, l.variant, l.take, l.price FROM unnest(v_lines) l WHERE l.take > 0;

    RETURN jsonb_build_object('order', order_json(v_order), 'duplicate', false)
        || CASE WHEN v_partial THEN jsonb_build_object('partial',
               (SELECT jsonb_agg(jsonb_build_object('variant', l.variant, 'requested', l.qty,
                                                    'accepted', l.take) ORDER BY l.variant)
                FROM unnest(v_lines) l))
           ELSE '{}' END;
END
$$;
