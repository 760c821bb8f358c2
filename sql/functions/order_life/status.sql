-- An order after it was placed, as its dealer and the staff see it, and the order.status
-- pushes.

-- Tells every server process about an order's new status; each pushes `order.status` to
-- the dealer's sessions and the staff's. Not history: nothing is replayed on resume. The
-- dealer's users get it in their inbox too, and the webhooks their events
-- (message_order_status, messages/inbox.sql).
CREATE OR REPLACE FUNCTION order_status_notify(o orders, p_note text) RETURNS void
LANGUAGE sql AS $$
    SELECT pg_notify('order_status', jsonb_build_object(
        'ev', 'order.status', 'fair', o.fair_id, 'dealer', o.dealer_id, 'order', o.id,
        'status', o.status, 'at', rfc3339(o.updated_at), 'note', p_note,
        'carrier', o.carrier, 'tracking', o.tracking)::text);
    SELECT message_order_status(o, p_note);
$$;

-- An order with its history, as orders.mine and the staff's views show it, and who placed
-- it (034): `placed_by_name`, and `on_behalf` when a rep or an admin placed it for the
-- dealer.
CREATE OR REPLACE FUNCTION order_full_json(o orders) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN order_json(o) || jsonb_build_object(
        'priority', o.priority, 'warehouse', o.warehouse, 'hold_reason', o.hold_reason,
        'carrier', o.carrier, 'tracking', o.tracking, 'updated_at', rfc3339(o.updated_at),
        'placed_by_name', (SELECT u.name FROM users u WHERE u.id = o.placed_by),
        'on_behalf', coalesce((SELECT u.role <> 'dealer' FROM users u WHERE u.id = o.placed_by),
                              false),
        'history', (SELECT coalesce(jsonb_agg(jsonb_build_object(
                'status', h.status, 'at', rfc3339(h.at), 'by', u.name, 'note', h.note,
                'carrier', h.carrier, 'tracking', h.tracking) ORDER BY h.id), '[]')
            FROM order_history h LEFT JOIN users u ON u.id = h.actor
            WHERE h.order_id = o.id));
END
$$;

-- orders.mine {fair?}: the caller dealer's orders, newest first.
CREATE OR REPLACE FUNCTION orders_mine(p_dealer bigint, p_fair bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object('orders', coalesce(jsonb_agg(order_full_json(o)
                                                  ORDER BY o.created_at DESC, o.id DESC), '[]'))
    FROM orders o
    WHERE o.dealer_id = p_dealer AND (p_fair IS NULL OR o.fair_id = p_fair)
$$;

-- orders.mine for whoever asks: a dealer its own orders (p_own); a rep or an admin those of
-- the dealer it names (p_named), a rep limited to regions only its regions' dealers (as it
-- orders for them: staff_named_dealer). The staff naming no dealer are refused.
CREATE OR REPLACE FUNCTION orders_of_caller(p_own bigint, p_actor bigint, p_fair bigint,
                                            p_named bigint) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_dealer bigint := coalesce(p_own, staff_named_dealer(p_actor, p_named));
BEGIN
    IF v_dealer IS NULL THEN
        RAISE EXCEPTION 'the staff name the dealer whose orders to list' USING ERRCODE = '42501';
    END IF;
    RETURN orders_mine(v_dealer, p_fair);
END
$$;
