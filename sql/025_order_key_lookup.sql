-- 025: the same key always gets the same answer.
--
-- The server refuses an order from the stock it last heard of (and answers `unavailable`
-- when its queue is full) without asking PostgreSQL. A dealer whose first answer was lost
-- and who retries the same key after the variant sold out was told `insufficient_stock`
-- although its order is stored. Before such an answer the server now looks the keys up,
-- many at once, with order_keys_answer; and a retried cancel or amend answers what is
-- stored too (the functions of 010 are kept under new names and wrapped, not copied).

-- The conflict of a key used for another order (as order_decide and order_resolve word it).
CREATE FUNCTION order_key_conflict(p_order orders) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT op_refusal('conflict',
        format('key %s was already used by dealer %s for order %s with other lines',
               p_order.key, p_order.dealer_id, p_order.id),
        jsonb_build_object('order', p_order.id))
$$;

-- p_orders: orders as order_place_batch takes them. Returns, per order in the same places,
-- what order_decide would answer before it looks at the fair and the stock: not_found for a
-- dealer that does not exist, the actor's refusal (forbidden), `conflict` or the stored order
-- (`duplicate` true) for a key already used; else null: the key is certainly not stored.
--
-- "Certainly": a batch deciding one of these dealers' orders, on any process, holds the
-- dealer's row FOR NO KEY UPDATE until it commits; FOR SHARE waits for it, and the next
-- statement's snapshot sees what it stored. The locks are all this transaction writes, and
-- losing them in a crash loses nothing, so its commit does not wait for a flush.
CREATE FUNCTION order_keys_answer(p_orders jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('synchronous_commit', 'off', true);
    PERFORM 1 FROM dealers
    WHERE id IN (SELECT (e->>'dealer')::bigint FROM jsonb_array_elements(p_orders) e)
    ORDER BY id FOR SHARE;
    RETURN (SELECT jsonb_agg(CASE
                WHEN d.id IS NULL THEN
                    op_refusal('not_found', format('dealer %s does not exist', b.dealer))
                WHEN order_actor_refusal(u, d) IS NOT NULL THEN order_actor_refusal(u, d)
                WHEN o.id IS NULL THEN 'null'::jsonb
                WHEN o.request IS DISTINCT FROM order_request(b.e) THEN order_key_conflict(o)
                ELSE jsonb_build_object('order', order_json(o), 'duplicate', true) END
                ORDER BY b.n)
            FROM (SELECT x.e, x.n, (x.e->>'dealer')::bigint AS dealer,
                         (x.e->>'actor')::bigint AS actor
                  FROM jsonb_array_elements(p_orders) WITH ORDINALITY AS x(e, n)) b
            LEFT JOIN dealers d ON d.id = b.dealer
            LEFT JOIN users u ON u.id = b.actor
            LEFT JOIN orders o ON o.dealer_id = b.dealer AND o.key = b.e->>'key');
END
$$;

-- order.cancel of an order already cancelled: `conflict` with its status, also after the
-- fair (a retried cancel whose first answer was lost must not read as "not cancelled").
ALTER FUNCTION order_cancel(bigint, bigint) RENAME TO order_cancel_accepted;
CREATE FUNCTION order_cancel(p_actor bigint, p_order bigint) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_o orders;
    v_refusal jsonb;
BEGIN
    SELECT * INTO v_o FROM orders WHERE id = p_order;
    IF FOUND AND v_o.status = 'cancelled' THEN
        v_refusal := order_actor_refusal((SELECT u FROM users u WHERE u.id = p_actor),
                                         (SELECT d FROM dealers d WHERE d.id = v_o.dealer_id));
        RETURN coalesce(v_refusal, op_refusal('conflict',
            format('order %s is already cancelled', p_order),
            jsonb_build_object('status', v_o.status)));
    END IF;
    RETURN order_cancel_accepted(p_actor, p_order);
END
$$;

-- order.amend to the lines an accepted order already has changes nothing (no new prices,
-- no history entry) and answers the order, also after the fair: a retried amend whose first
-- answer was lost gets the order it made.
ALTER FUNCTION order_amend(bigint, bigint, jsonb) RENAME TO order_amend_lines;
CREATE FUNCTION order_amend(p_actor bigint, p_order bigint, p_lines jsonb) RETURNS jsonb
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
        v_refusal := order_actor_refusal((SELECT u FROM users u WHERE u.id = p_actor),
                                         (SELECT d FROM dealers d WHERE d.id = v_o.dealer_id));
        RETURN coalesce(v_refusal, jsonb_build_object('order', order_full_json(v_o)));
    END IF;
    RETURN order_amend_lines(p_actor, p_order, p_lines);
END
$$;
