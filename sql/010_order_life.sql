-- 010: the order's life while the fair is live: amend, cancel, waitlists and drafts; the
-- dealer's own orders; order.status notifications.
--
-- Locks, in the global order of DESIGN.md: dealer rows by id (the order's dealer and every
-- dealer waiting for its variants), then the order row, then stock rows by id, then
-- item_sales (the stock trigger). A batch of new orders takes the same dealer-then-stock
-- order, so nothing here can deadlock with it.

-- Tells every server process about an order's new status; each pushes `order.status` to
-- the dealer's sessions and the staff's. Not history: nothing is replayed on resume.
CREATE FUNCTION order_status_notify(o orders, p_note text) RETURNS void
LANGUAGE sql AS $$
    SELECT pg_notify('order_status', jsonb_build_object(
        'ev', 'order.status', 'fair', o.fair_id, 'dealer', o.dealer_id, 'order', o.id,
        'status', o.status, 'at', rfc3339(o.updated_at), 'note', p_note,
        'carrier', o.carrier, 'tracking', o.tracking)::text)
$$;

-- An order with its history, as orders.mine and the staff's views show it.
CREATE FUNCTION order_full_json(o orders) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN order_json(o) || jsonb_build_object(
        'priority', o.priority, 'warehouse', o.warehouse, 'hold_reason', o.hold_reason,
        'carrier', o.carrier, 'tracking', o.tracking, 'updated_at', rfc3339(o.updated_at),
        'history', (SELECT coalesce(jsonb_agg(jsonb_build_object(
                'status', h.status, 'at', rfc3339(h.at), 'by', u.name, 'note', h.note,
                'carrier', h.carrier, 'tracking', h.tracking) ORDER BY h.id), '[]')
            FROM order_history h LEFT JOIN users u ON u.id = h.actor
            WHERE h.order_id = o.id));
END
$$;

-- orders.mine {fair?}: the caller dealer's orders, newest first.
CREATE FUNCTION orders_mine(p_dealer bigint, p_fair bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object('orders', coalesce(jsonb_agg(order_full_json(o)
                                                  ORDER BY o.created_at DESC, o.id DESC), '[]'))
    FROM orders o
    WHERE o.dealer_id = p_dealer AND (p_fair IS NULL OR o.fair_id = p_fair)
$$;

-- Locks, in the global order, what a change to an order's stock needs: the dealer, every
-- dealer waiting for one of p_variants at the fair (their waitlists may be filled), then
-- the stock rows and their items' item_sales rows. Returns the waiting dealers locked.
CREATE FUNCTION order_lock(p_dealer bigint, p_fair bigint, p_variants bigint[])
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
    PERFORM item_sales_lock(p_fair, p_variants);
    RETURN coalesce(v_waiting, '{}');
END
$$;

-- The order an actor may change while the fair is live: locked (with order_lock) and
-- checked. Returns the order or raises: P0002 unknown order; a refusal otherwise, in
-- refusal (forbidden, fair_not_live, conflict when it is no longer accepted).
CREATE FUNCTION order_for_change(p_actor bigint, p_order bigint, p_variants bigint[],
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
        p_variants || ARRAY(SELECT variant_id FROM order_lines WHERE order_id = p_order));
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

-- Serves the waitlists of some variants from stock that came back, first come first
-- served: each entry whose whole quantity is there becomes an order of its dealer (at its
-- price now, within its limit and credit; an entry that does not fit them stays), until the
-- first entry of a variant that cannot be served. Only dealers in p_locked are served (their
-- rows are locked by the caller; a dealer that joined since waits for the next return).
-- Returns the orders it made.
CREATE FUNCTION waitlist_fill(p_actor bigint, p_fair bigint, p_variants bigint[],
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

-- order.cancel {order}: the stock returns to the pool, waitlists first.
CREATE FUNCTION order_cancel(p_actor bigint, p_order bigint) RETURNS jsonb
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

-- order.amend {order, lines}: the new lines replace the old in one step; only the
-- difference is taken from or returned to stock, with every check of a new order (the
-- order's own lines and total do not count against the dealer's limit and credit).
CREATE FUNCTION order_amend(p_actor bigint, p_order bigint, p_lines jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
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
    UPDATE orders SET total = v_total, updated_at = clock_timestamp()
    WHERE id = p_order RETURNING * INTO v_o;
    INSERT INTO order_history (order_id, status, at, actor, note)
    VALUES (p_order, 'accepted', v_o.updated_at, p_actor, 'amended');
    SELECT * INTO v_now FROM totals_order_rows(ARRAY[p_order], 1);
    SELECT * INTO v_made FROM totals_order_rows(
        waitlist_fill(p_actor, v_o.fair_id, v_returned, v_waiting), 1);
    PERFORM totals_apply(v_o.fair_id, v_gone.orders || v_now.orders || v_made.orders,
                         v_gone.products || v_now.products || v_made.products);
    PERFORM stock_notify(v_o.fair_id, v_variants);
    PERFORM order_status_notify(v_o, 'amended');
    RETURN jsonb_build_object('order', order_full_json(v_o));
END
$$;

-- waitlist.join {fair, variant, qty} -> {position}: a dealer waits for a sold-out variant
-- (joining again changes the quantity and keeps the place).
CREATE FUNCTION waitlist_join(p_dealer bigint, p_fair bigint, p_variant bigint, p_qty integer)
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
CREATE FUNCTION waitlist_leave(p_dealer bigint, p_fair bigint, p_variant bigint)
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

-- draft.save {fair, lines, note?} -> {updated_at}; draft.get {fair} -> {lines, note,
-- updated_at}: the order a dealer is still filling in, kept on the server.
CREATE FUNCTION draft_save(p_dealer bigint, p_fair bigint, p_lines jsonb, p_note text)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v_at timestamptz;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM fairs WHERE id = p_fair) THEN
        RAISE EXCEPTION 'fair % not found', p_fair USING ERRCODE = 'P0002';
    END IF;
    INSERT INTO drafts AS d (dealer_id, fair_id, lines, note, updated_at)
    VALUES (p_dealer, p_fair, p_lines, coalesce(p_note, ''), clock_timestamp())
    ON CONFLICT (dealer_id, fair_id) DO UPDATE
        SET lines = excluded.lines, note = excluded.note, updated_at = excluded.updated_at
    RETURNING d.updated_at INTO v_at;
    RETURN jsonb_build_object('updated_at', rfc3339(v_at));
END
$$;

CREATE FUNCTION draft_get(p_dealer bigint, p_fair bigint) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v drafts;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM fairs WHERE id = p_fair) THEN
        RAISE EXCEPTION 'fair % not found', p_fair USING ERRCODE = 'P0002';
    END IF;
    SELECT * INTO v FROM drafts WHERE dealer_id = p_dealer AND fair_id = p_fair;
    RETURN jsonb_build_object('lines', coalesce(v.lines, '[]'), 'note', coalesce(v.note, ''),
                              'updated_at', rfc3339(v.updated_at));
END
$$;
