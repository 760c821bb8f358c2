-- order.cancel and order.amend while the fair is live (010); a retried one answers what is
-- stored (025).
--
-- Locks, in the global order of DESIGN.md: dealer rows by id (the order's dealer and every
-- dealer waiting for its variants), then the order row, then stock rows by id, then
-- item_sales (the stock trigger). A batch of new orders takes the same dealer-then-stock
-- order, so nothing here can deadlock with it.

-- Locks, in the global order, what a change to order p_order needs: the dealer, every
-- dealer waiting for one of p_variants at the fair (their waitlists may be filled), the
-- stock rows, the coupon the order holds (042), then the items' item_sales rows. Returns
-- the waiting dealers locked.
CREATE OR REPLACE FUNCTION order_lock(p_dealer bigint, p_fair bigint, p_variants bigint[],
                                      p_order bigint)
RETURNS bigint[] LANGUAGE plpgsql AS $$
DECLARE
    v_waiting bigint[];
BEGIN
    SELECT array_agg(DISTINCT w.dealer_id) INTO v_waiting FROM waitlist w
    WHERE w.fair_id = p_fair AND w.variant_id = ANY (p_variants);
    PERFORM 1 FROM dealers WHERE id = p_dealer OR id = ANY (coalesce(v_waiting, '{}'))
    ORDER BY id FOR NO KEY UPDATE;
    PERFORM 1 FROM stock WHERE fair_id = p_fair AND variant_id = ANY (p_variants)
    ORDER BY id FOR NO KEY UPDATE;
    PERFORM coupon_lock_of_order(p_order);
    PERFORM item_sales_lock(p_fair, p_variants);
    RETURN coalesce(v_waiting, '{}');
END
$$;

-- The order an actor may change while the fair is live: locked (with order_lock) and
-- checked. Returns the order or raises: P0002 unknown order; a refusal otherwise, in
-- refusal (forbidden, fair_not_live, conflict when it is no longer accepted).
CREATE OR REPLACE FUNCTION order_for_change(p_actor bigint, p_order bigint, p_variants bigint[],
                                            OUT o orders, OUT waiting bigint[], OUT refusal jsonb)
LANGUAGE plpgsql AS $$
DECLARE
    v_actor users;
    v_dealer dealers;
    v_fair fairs;
BEGIN
    SELECT * INTO o FROM orders WHERE id = p_order;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'order % not found', p_order USING ERRCODE = 'P0002';
    END IF;
    SELECT * INTO v_actor FROM users WHERE id = p_actor;
    SELECT * INTO v_dealer FROM dealers WHERE id = o.dealer_id;
    refusal := order_actor_refusal(v_actor, v_dealer);
    IF refusal IS NOT NULL THEN
        RETURN;
    END IF;
    waiting := order_lock(o.dealer_id, o.fair_id,
        p_variants || ARRAY(SELECT variant_id FROM order_lines WHERE order_id = p_order), p_order);
    SELECT * INTO o FROM orders WHERE id = p_order FOR UPDATE;
    SELECT * INTO v_fair FROM fairs WHERE id = o.fair_id;
    refusal := fair_live_refusal(v_fair, clock_timestamp());
    IF refusal IS NULL AND o.status <> 'accepted' THEN
        refusal := op_refusal('conflict', format('order %s is %s: only an accepted order '
                                                 'can be changed', o.id, o.status),
                              jsonb_build_object('status', o.status));
    END IF;
END
$$;

-- Cancels an order: the stock returns to the pool, waitlists first (order_cancel's work).
CREATE OR REPLACE FUNCTION order_cancel_accepted(p_actor bigint, p_order bigint) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_change record;
    v_o orders;
    v_waiting bigint[];
    v_refusal jsonb;
    v_variants bigint[];
    v_gone record;
    v_made record;
BEGIN
    SELECT * INTO v_change FROM order_for_change(p_actor, p_order, '{}');
    v_o := v_change.o;
    v_waiting := v_change.waiting;
    v_refusal := v_change.refusal;
    IF v_refusal IS NOT NULL THEN
        RETURN v_refusal;
    END IF;
    v_variants := ARRAY(SELECT variant_id FROM order_lines WHERE order_id = p_order);
    SELECT * INTO v_gone FROM totals_order_rows(ARRAY[p_order], -1);
    UPDATE stock s SET sold = s.sold - l.qty FROM order_lines l
    WHERE l.order_id = p_order AND s.fair_id = v_o.fair_id AND s.variant_id = l.variant_id;
    UPDATE orders SET status = 'cancelled', updated_at = clock_timestamp()
    WHERE id = p_order RETURNING * INTO v_o;
    PERFORM coupon_give_back(p_order);  -- its coupon can be used again (042)
    INSERT INTO order_history (order_id, status, at, actor, note)
    VALUES (p_order, 'cancelled', v_o.updated_at, p_actor, NULL);
    SELECT * INTO v_made FROM totals_order_rows(
        waitlist_fill(p_actor, v_o.fair_id, v_variants, v_waiting), 1);
    PERFORM totals_apply(v_o.fair_id, v_gone.orders || v_made.orders,
                         v_gone.products || v_made.products);
    PERFORM stock_notify(v_o.fair_id, v_variants);
    PERFORM order_status_notify(v_o, NULL);
    RETURN jsonb_build_object('order', order_full_json(v_o));
END
$$;

-- order.cancel {order}: order_cancel_accepted, except that an order already cancelled gets
-- `conflict` with its status, also after the fair (a retried cancel whose first answer was
-- lost must not read as "not cancelled").
CREATE OR REPLACE FUNCTION order_cancel(p_actor bigint, p_order bigint) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_o orders;
    v_refusal jsonb;
BEGIN
    SELECT * INTO v_o FROM orders WHERE id = p_order;
    IF FOUND AND v_o.status = 'cancelled' THEN
        v_refusal := order_actor_refusal_by_id(p_actor, v_o.dealer_id);
        RETURN coalesce(v_refusal, op_refusal('conflict',
            format('order %s is already cancelled', p_order),
            jsonb_build_object('status', v_o.status)));
    END IF;
    RETURN order_cancel_accepted(p_actor, p_order);
END
$$;

-- Amends an order (order_amend's work): the new lines replace the old in one step; only
-- the difference is taken from or returned to stock, with every check of a new order (the
-- order's own lines and total do not count against the dealer's limit and credit).
CREATE OR REPLACE FUNCTION order_amend_lines(p_actor bigint, p_order bigint, p_lines jsonb)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v_change record;
    v_o orders;
    v_waiting bigint[];
    v_refusal jsonb;
    v_dealer dealers;
    v_lines order_line_eval[];
    v_total bigint;
    v_held jsonb;
    v_variants bigint[];
    v_returned bigint[];
    v_gone record;
    v_now record;
    v_made record;
    v_coupon_discount bigint;
BEGIN
    SELECT * INTO v_change FROM order_for_change(p_actor, p_order,
        ARRAY(SELECT (l->>'variant')::bigint FROM jsonb_array_elements(p_lines) l));
    v_o := v_change.o;
    v_waiting := v_change.waiting;
    v_refusal := v_change.refusal;
    IF v_refusal IS NOT NULL THEN
        RETURN v_refusal;
    END IF;
    SELECT * INTO v_dealer FROM dealers WHERE id = v_o.dealer_id;
    SELECT jsonb_object_agg(variant_id::text, qty) INTO v_held
    FROM order_lines WHERE order_id = p_order;
    SELECT * INTO v_lines, v_refusal FROM order_lines_read(v_o.fair_id, v_dealer.tier,
                                                           p_lines, v_held);
    IF v_refusal IS NULL THEN
        SELECT * INTO v_lines, v_total, v_refusal
        FROM order_lines_fit(v_dealer, v_o.fair_id, v_lines, false, p_order);
    END IF;
    IF v_refusal IS NULL THEN
        -- The fair's minimum total (039): an amend may not lower the dealer's total under it.
        SELECT policy_minimum_refusal(v_o.fair_id, v_o.dealer_id, t.amount,
                                      t.amount - v_o.total + v_total, false)
        INTO v_refusal FROM fair_dealer_totals t
        WHERE t.fair_id = v_o.fair_id AND t.dealer_id = v_o.dealer_id;
    END IF;
    IF v_refusal IS NOT NULL THEN
        RETURN v_refusal;
    END IF;

    v_variants := ARRAY(SELECT variant_id FROM order_lines WHERE order_id = p_order
                        UNION SELECT l.variant FROM unnest(v_lines) l);
    -- Stock by difference: what the new lines take, less what the old ones held.
    UPDATE stock s SET sold = s.sold + d.delta
    FROM (SELECT coalesce(n.variant, o.variant_id) AS variant,
                 coalesce(n.take, 0) - coalesce(o.qty, 0) AS delta
          FROM unnest(v_lines) n
          FULL JOIN (SELECT * FROM order_lines WHERE order_id = p_order) o
                 ON o.variant_id = n.variant) d
    WHERE s.fair_id = v_o.fair_id AND s.variant_id = d.variant AND d.delta <> 0;
    v_returned := ARRAY(SELECT o.variant_id FROM order_lines o
                        LEFT JOIN unnest(v_lines) n ON n.variant = o.variant_id
                        WHERE o.order_id = p_order AND coalesce(n.take, 0) < o.qty);
    SELECT * INTO v_gone FROM totals_order_rows(ARRAY[p_order], -1);
    DELETE FROM order_lines WHERE order_id = p_order;
    INSERT INTO order_lines (order_id, variant_id, qty, price)
    SELECT p_order, l.variant, l.take, l.price FROM unnest(v_lines) l;
    -- request stays as placed: a retry of the placing answers this order as a duplicate.
    -- Its coupon on the new total, or given back under its threshold (042); the policies'
    -- discounts are stamped again by totals_apply below.
    v_coupon_discount := coupon_after_amend(v_o, v_total);
    UPDATE orders SET total = v_total, coupon_discount = v_coupon_discount,
                      early_discount = 0, tier_discount = 0, updated_at = clock_timestamp()
    WHERE id = p_order RETURNING * INTO v_o;
    INSERT INTO order_history (order_id, status, at, actor, note)
    VALUES (p_order, 'accepted', v_o.updated_at, p_actor, 'amended');
    SELECT * INTO v_now FROM totals_order_rows(ARRAY[p_order], 1);
    SELECT * INTO v_made FROM totals_order_rows(
        waitlist_fill(p_actor, v_o.fair_id, v_returned, v_waiting), 1);
    PERFORM totals_apply(v_o.fair_id, v_gone.orders || v_now.orders || v_made.orders,
                         v_gone.products || v_now.products || v_made.products);
    PERFORM stock_notify(v_o.fair_id, v_variants);
    SELECT * INTO v_o FROM orders WHERE id = p_order;  -- its discounts, restamped (039)
    PERFORM order_status_notify(v_o, 'amended');
    RETURN jsonb_build_object('order', order_full_json(v_o));
END
$$;

-- order.amend {order, lines}: order_amend_lines, except that an amend to the lines an
-- accepted order already has changes nothing (no new prices, no history entry) and answers
-- the order, also after the fair: a retried amend whose first answer was lost gets the
-- order it made.
CREATE OR REPLACE FUNCTION order_amend(p_actor bigint, p_order bigint, p_lines jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_o orders;
    v_refusal jsonb;
BEGIN
    SELECT * INTO v_o FROM orders WHERE id = p_order;
    IF FOUND AND v_o.status = 'accepted'
       AND (SELECT jsonb_object_agg(variant_id::text, qty) FROM order_lines
            WHERE order_id = p_order)
           = (SELECT jsonb_object_agg(l->>'variant', (l->>'qty')::integer)
              FROM jsonb_array_elements(p_lines) l) THEN
        v_refusal := order_actor_refusal_by_id(p_actor, v_o.dealer_id);
        RETURN coalesce(v_refusal, jsonb_build_object('order', order_full_json(v_o)));
    END IF;
    RETURN order_amend_lines(p_actor, p_order, p_lines);
END
$$;
