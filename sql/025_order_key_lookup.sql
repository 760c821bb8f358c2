-- 025: the same key always gets the same answer.
--
-- The server refuses an order from the stock it last heard of (and answers `unavailable`
-- when its queue is full) without asking PostgreSQL. A dealer whose first answer was lost
-- and who retries the same key after the variant sold out was told `insufficient_stock`
-- although its order is stored. Before such an answer the server now looks the keys up,
-- thousands at once, with order_keys_stored; and a retried cancel or amend answers what is
-- stored too (the functions of 010 are kept under new names and wrapped, not copied).

-- The positions (from 1) of the (dealer, key) pairs that are stored: one row each, in order.
-- The server sends an order so found to a batch, which answers it with its stored order or
-- its conflict; every other one is refused from the stock it heard of, or told to retry.
--
-- "Stored" is certain: a batch deciding one of these dealers' orders, on any process, holds
-- the dealer's row FOR NO KEY UPDATE until it commits; FOR SHARE waits for it, and the next
-- statement's snapshot sees what it stored. The row locks are all this transaction writes,
-- and losing them in a crash loses nothing, so its commit does not wait for a flush. One
-- index probe a key: a flash crowd's thousands of refusals cost a few milliseconds.
CREATE FUNCTION order_keys_stored(p_dealers bigint[], p_keys text[]) RETURNS SETOF integer
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('synchronous_commit', 'off', true);
    PERFORM 1 FROM dealers WHERE id = ANY (p_dealers) ORDER BY id FOR SHARE;
    RETURN QUERY
        SELECT k.n::integer
        FROM unnest(p_dealers, p_keys) WITH ORDINALITY AS k(dealer, key, n)
        WHERE EXISTS (SELECT 1 FROM orders o WHERE o.dealer_id = k.dealer AND o.key = k.key)
        ORDER BY k.n;
END
$$;

-- order_actor_refusal for an actor's and a dealer's ids.
CREATE FUNCTION order_actor_refusal_by_id(p_actor bigint, p_dealer bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT order_actor_refusal((SELECT u FROM users u WHERE u.id = p_actor),
                               (SELECT d FROM dealers d WHERE d.id = p_dealer))
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
        v_refusal := order_actor_refusal_by_id(p_actor, v_o.dealer_id);
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
        v_refusal := order_actor_refusal_by_id(p_actor, v_o.dealer_id);
        RETURN coalesce(v_refusal, jsonb_build_object('order', order_full_json(v_o)));
    END IF;
    RETURN order_amend_lines(p_actor, p_order, p_lines);
END
$$;
