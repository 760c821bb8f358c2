-- Waitlists: a dealer waits for a sold-out variant, and stock that comes back (a cancel, an
-- amend) serves those waiting first, first come first served.

-- Serves the waitlists of some variants from stock that came back, first come first
-- served: each entry whose whole quantity is there becomes an order of its dealer (at its
-- price now, within its limit and credit; an entry that does not fit them stays), until the
-- first entry of a variant that cannot be served. Only dealers in p_locked are served (their
-- rows are locked by the caller; a dealer that joined since waits for the next return).
-- Returns the orders it made.
CREATE OR REPLACE FUNCTION waitlist_fill(p_actor bigint, p_fair bigint, p_variants bigint[],
                                         p_locked bigint[])
RETURNS bigint[] LANGUAGE plpgsql AS $$
DECLARE
    v_entry   waitlist;
    v_dealer  dealers;
    v_lines   order_line_eval[];
    v_total   bigint;
    v_refusal jsonb;
    v_order   orders;
    v_blocked bigint[] := '{}';
    v_made    bigint[] := '{}';
BEGIN
    FOR v_entry IN SELECT * FROM waitlist
                   WHERE fair_id = p_fair AND variant_id = ANY (p_variants)
                     AND dealer_id = ANY (p_locked)
                   ORDER BY id
    LOOP
        CONTINUE WHEN v_entry.variant_id = ANY (v_blocked);
        SELECT * INTO v_dealer FROM dealers WHERE id = v_entry.dealer_id;
        SELECT * INTO v_lines, v_refusal FROM order_lines_read(p_fair, v_dealer.tier,
            jsonb_build_array(jsonb_build_object('variant', v_entry.variant_id,
                                                 'qty', v_entry.qty)), NULL);
        IF v_refusal IS NULL THEN
            SELECT * INTO v_lines, v_total, v_refusal
            FROM order_lines_fit(v_dealer, p_fair, v_lines, false, NULL);
        END IF;
        IF v_refusal->'refused'->>'code' = 'insufficient_stock' THEN
            v_blocked := v_blocked || v_entry.variant_id;   -- first come, first served
            CONTINUE;
        END IF;
        CONTINUE WHEN v_refusal IS NOT NULL;   -- its limit or credit: it keeps its place
        INSERT INTO orders (fair_id, dealer_id, key, total, ship_to, placed_by, request,
                            created_at, updated_at)
        VALUES (p_fair, v_dealer.id, 'waitlist-' || v_entry.id, v_total,
                (SELECT ship_to FROM order_ship_to(v_dealer.id, NULL)), p_actor,
                order_request(jsonb_build_object('fair', p_fair, 'lines', jsonb_build_array(
                    jsonb_build_object('variant', v_entry.variant_id, 'qty', v_entry.qty)))),
                clock_timestamp(), clock_timestamp())
        RETURNING * INTO v_order;
        INSERT INTO order_lines (order_id, variant_id, qty, price)
        SELECT v_order.id, l.variant, l.take, l.price FROM unnest(v_lines) l;
        UPDATE stock s SET sold = s.sold + l.take FROM unnest(v_lines) l WHERE s.id = l.stock_id;
        INSERT INTO order_history (order_id, status, at, actor, note)
        VALUES (v_order.id, 'accepted', v_order.created_at, p_actor,
                'from the waitlist: stock came back');
        DELETE FROM waitlist WHERE id = v_entry.id;
        PERFORM order_status_notify(v_order, 'from the waitlist: stock came back');
        v_made := v_made || v_order.id;
    END LOOP;
    RETURN v_made;
END
$$;

-- waitlist.join {fair, variant, qty} -> {position}: a dealer waits for a sold-out variant
-- (joining again changes the quantity and keeps the place).
CREATE OR REPLACE FUNCTION waitlist_join(p_dealer bigint, p_fair bigint, p_variant bigint,
                                         p_qty integer)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v_fair fairs;
    v_entry waitlist;
BEGIN
    SELECT * INTO v_fair FROM fairs WHERE id = p_fair;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'fair % not found', p_fair USING ERRCODE = 'P0002';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM stock WHERE fair_id = p_fair AND variant_id = p_variant) THEN
        RAISE EXCEPTION 'variant % is not offered at fair %', p_variant, p_fair
            USING ERRCODE = '22023';
    END IF;
    IF fair_live_refusal(v_fair, now()) IS NOT NULL THEN
        RETURN fair_live_refusal(v_fair, now());
    END IF;
    INSERT INTO waitlist AS w (fair_id, variant_id, dealer_id, qty)
    VALUES (p_fair, p_variant, p_dealer, p_qty)
    ON CONFLICT (fair_id, variant_id, dealer_id) DO UPDATE SET qty = excluded.qty
    RETURNING * INTO v_entry;
    RETURN jsonb_build_object('position', (SELECT count(*) FROM waitlist
        WHERE fair_id = p_fair AND variant_id = p_variant AND id <= v_entry.id),
        'qty', v_entry.qty);
END
$$;

-- waitlist.leave {fair, variant}.
CREATE OR REPLACE FUNCTION waitlist_leave(p_dealer bigint, p_fair bigint, p_variant bigint)
RETURNS jsonb LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM waitlist WHERE fair_id = p_fair AND variant_id = p_variant
                           AND dealer_id = p_dealer;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'dealer % is not waiting for variant % at fair %', p_dealer,
            p_variant, p_fair USING ERRCODE = 'P0002';
    END IF;
    RETURN '{}';
END
$$;
