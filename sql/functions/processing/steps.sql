-- The processing steps by hand: order.review, order.ship, order.advance, order.priority.
-- Every change is one transaction that locks the order row, checks the step is legal
-- (conflict otherwise), keeps it in order_history with time and actor, writes the audit
-- log and tells the dealer (order.status).

-- The next status of an order by hand (order.advance): only the next step of the path.
CREATE OR REPLACE FUNCTION order_next_status(p_status text)
RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE p_status WHEN 'shipped' THEN 'in_transit' WHEN 'in_transit' THEN 'delivered' END
$$;

-- Records a status change made by p_actor: the order row (already locked by the caller)
-- gets its new status, the history a row, the audit log an entry, the dealer a push.
CREATE OR REPLACE FUNCTION order_set_status(p_actor bigint, o orders, p_status text, p_note text,
                                            p_action text) RETURNS orders
LANGUAGE plpgsql AS $$
DECLARE
    v orders;
BEGIN
    UPDATE orders SET status = p_status, updated_at = clock_timestamp()
    WHERE id = o.id RETURNING * INTO v;
    INSERT INTO order_history (order_id, status, at, actor, note, carrier, tracking)
    VALUES (v.id, p_status, v.updated_at, p_actor, p_note,
            CASE WHEN p_status = 'shipped' THEN v.carrier END,
            CASE WHEN p_status = 'shipped' THEN v.tracking END);
    PERFORM audit_write(p_actor, p_action, v.fair_id, 'order:' || v.id,
                        jsonb_build_object('status', o.status),
                        jsonb_build_object('status', p_status, 'note', p_note));
    PERFORM order_status_notify(v, p_note);
    IF p_status = 'delivered' THEN
        PERFORM points_earn(v);  -- its dealer's points (044)
    END IF;
    RETURN v;
END
$$;

-- The order a member of staff may process: locked; P0002 when unknown; a refusal when the
-- rep's regions do not include the dealer's, or while the fair is still live (its orders
-- can still change).
CREATE OR REPLACE FUNCTION order_for_processing(p_actor bigint, p_order bigint, OUT o orders,
                                                OUT refusal jsonb)
LANGUAGE plpgsql AS $$
DECLARE
    v_actor users;
    v_dealer dealers;
    v_fair fairs;
BEGIN
    -- Its dealer first, as every writer of a dealer's orders locks them: a rejection moves
    -- the dealer's total, and its other orders' discounts with it (policy_restamp).
    PERFORM 1 FROM dealers d WHERE d.id = (SELECT x.dealer_id FROM orders x WHERE x.id = p_order)
    FOR NO KEY UPDATE;
    SELECT * INTO o FROM orders WHERE id = p_order FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'order % not found', p_order USING ERRCODE = 'P0002';
    END IF;
    SELECT * INTO v_actor FROM users WHERE id = p_actor;
    SELECT * INTO v_dealer FROM dealers WHERE id = o.dealer_id;
    SELECT * INTO v_fair FROM fairs WHERE id = o.fair_id;
    IF rep_outside_regions(v_actor, v_dealer) THEN
        refusal := op_refusal('forbidden', format('dealer %s is outside your regions',
                                                  v_dealer.id));
    ELSIF fair_status(v_fair) <> 'closed' THEN
        refusal := op_refusal('conflict', format('fair %s is %s: its orders are processed '
                                                 'after it closes', v_fair.id,
                                                 fair_status(v_fair)),
                              jsonb_build_object('status', o.status));
    END IF;
END
$$;

-- A refusal for a step that does not follow from the order's status.
CREATE OR REPLACE FUNCTION order_illegal(o orders, p_step text)
RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
    SELECT op_refusal('conflict', format('order %s is %s: it cannot be %s', o.id, o.status,
                                         p_step), jsonb_build_object('status', o.status))
$$;

-- order.review {order, decision, note?}: an accepted order approved (reviewed, routed), or
-- an order not yet shipped rejected (its units go back to the fair's allocation).
CREATE OR REPLACE FUNCTION order_review(p_actor bigint, p_order bigint, p_decision text,
                                        p_note text)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v record;
    v_o orders;
    v_gone record;
BEGIN
    SELECT * INTO v FROM order_for_processing(p_actor, p_order);
    v_o := v.o;
    IF v.refusal IS NOT NULL THEN
        RETURN v.refusal;
    END IF;
    -- Approve what waits for a review; reject anything not yet shipped.
    IF p_decision = 'approve' AND v_o.status <> 'accepted' THEN
        RETURN order_illegal(v_o, 'approved');
    ELSIF p_decision = 'reject' AND v_o.status NOT IN ('accepted', 'reviewed') THEN
        RETURN order_illegal(v_o, 'rejected');
    END IF;
    IF p_decision = 'approve' THEN
        UPDATE orders SET hold_reason = NULL,
                          warehouse = coalesce(warehouse, (SELECT w.warehouse
                              FROM region_warehouses w JOIN dealers d ON d.region = w.region
                              WHERE d.id = v_o.dealer_id))
        WHERE id = p_order RETURNING * INTO v_o;
        v_o := order_set_status(p_actor, v_o, 'reviewed', p_note, 'order.review');
    ELSE
        -- The dealer is locked (order_for_processing); stock, then items.
        PERFORM 1 FROM stock WHERE fair_id = v_o.fair_id
            AND variant_id IN (SELECT variant_id FROM order_lines WHERE order_id = p_order)
        ORDER BY id FOR NO KEY UPDATE;
        PERFORM coupon_lock_of_order(p_order);
        PERFORM item_sales_lock(v_o.fair_id,
            ARRAY(SELECT variant_id FROM order_lines WHERE order_id = p_order));
        PERFORM coupon_give_back(p_order);  -- its coupon can be used again (042)
        UPDATE stock s SET sold = s.sold - l.qty FROM order_lines l
        WHERE l.order_id = p_order AND s.fair_id = v_o.fair_id AND s.variant_id = l.variant_id;
        SELECT * INTO v_gone FROM totals_order_rows(ARRAY[p_order], -1);
        PERFORM totals_apply(v_o.fair_id, v_gone.orders, v_gone.products);
        v_o := order_set_status(p_actor, v_o, 'rejected', p_note, 'order.review');
    END IF;
    RETURN jsonb_build_object('order', order_queue_json(v_o));
END
$$;

-- order.ship {order, carrier, tracking}: a reviewed order leaves its warehouse.
CREATE OR REPLACE FUNCTION order_ship(p_actor bigint, p_order bigint, p_carrier text,
                                      p_tracking text)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v record;
    v_o orders;
BEGIN
    SELECT * INTO v FROM order_for_processing(p_actor, p_order);
    v_o := v.o;
    IF v.refusal IS NOT NULL THEN
        RETURN v.refusal;
    END IF;
    IF v_o.status <> 'reviewed' THEN
        RETURN order_illegal(v_o, 'shipped');
    END IF;
    UPDATE orders SET carrier = p_carrier, tracking = p_tracking WHERE id = p_order
    RETURNING * INTO v_o;
    v_o := order_set_status(p_actor, v_o, 'shipped', NULL, 'order.ship');
    RETURN jsonb_build_object('order', order_queue_json(v_o));
END
$$;

-- order.advance {order, status}: shipped -> in_transit -> delivered, one step at a time.
CREATE OR REPLACE FUNCTION order_advance(p_actor bigint, p_order bigint, p_status text)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v record;
    v_o orders;
BEGIN
    SELECT * INTO v FROM order_for_processing(p_actor, p_order);
    v_o := v.o;
    IF v.refusal IS NOT NULL THEN
        RETURN v.refusal;
    END IF;
    IF order_next_status(v_o.status) IS DISTINCT FROM p_status THEN
        RETURN order_illegal(v_o, 'marked ' || p_status);
    END IF;
    v_o := order_set_status(p_actor, v_o, p_status, NULL, 'order.advance');
    RETURN jsonb_build_object('order', order_queue_json(v_o));
END
$$;

-- order.priority {order, priority}: any order not yet shipped.
CREATE OR REPLACE FUNCTION order_set_priority(p_actor bigint, p_order bigint, p_priority text)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v_o orders;
    v_actor users;
    v_dealer dealers;
BEGIN
    SELECT * INTO v_o FROM orders WHERE id = p_order FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'order % not found', p_order USING ERRCODE = 'P0002';
    END IF;
    SELECT * INTO v_actor FROM users WHERE id = p_actor;
    SELECT * INTO v_dealer FROM dealers WHERE id = v_o.dealer_id;
    IF rep_outside_regions(v_actor, v_dealer) THEN
        RETURN op_refusal('forbidden', format('dealer %s is outside your regions', v_dealer.id));
    END IF;
    IF v_o.status NOT IN ('accepted', 'reviewed') THEN
        RETURN order_illegal(v_o, 'given a priority');
    END IF;
    UPDATE orders SET priority = p_priority, updated_at = clock_timestamp()
    WHERE id = p_order RETURNING * INTO v_o;
    PERFORM audit_write(p_actor, 'order.priority', v_o.fair_id, 'order:' || v_o.id, NULL,
                        jsonb_build_object('priority', p_priority));
    RETURN jsonb_build_object('order', order_queue_json(v_o));
END
$$;
