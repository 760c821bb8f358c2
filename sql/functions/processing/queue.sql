-- After the fair (011): the processing queue, its automatic review and its order.
-- Status path: accepted -> reviewed -> shipped -> in_transit -> delivered; rejected and
-- cancelled end it.

-- The queue's order: urgent, high, then normal; key dealers first within each; oldest first.
CREATE OR REPLACE FUNCTION order_priority_rank(p_priority text)
RETURNS integer LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE p_priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 ELSE 2 END
$$;

-- Why an accepted order of a closed fair cannot go on by itself, or NULL: the dealer's
-- open orders over its credit limit (as dealer_credit keeps them, 021), no ship-to
-- address, no warehouse for its region, or a line its fair allocation no longer covers.
CREATE OR REPLACE FUNCTION order_hold_reason(o orders) RETURNS text LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_dealer dealers;
    v_open bigint;
BEGIN
    SELECT * INTO v_dealer FROM dealers WHERE id = o.dealer_id;
    v_open := dealer_open_credit(o.dealer_id, NULL);
    IF v_open > v_dealer.credit_limit THEN
        RETURN format('over credit: open orders of %s against a credit limit of %s',
                      v_open, v_dealer.credit_limit);
    END IF;
    IF o.ship_to IS NULL THEN
        RETURN 'no ship-to address';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM region_warehouses WHERE region = v_dealer.region) THEN
        RETURN format('no warehouse serves region %s', v_dealer.region);
    END IF;
    IF EXISTS (SELECT 1 FROM stock s WHERE s.fair_id = o.fair_id AND s.sold > s.allocation) THEN
        RETURN 'the fair''s allocation no longer covers its orders';
    END IF;
    RETURN NULL;
END
$$;

-- The automatic review of a closed fair's accepted orders not yet reviewed: those that
-- pass become reviewed and are routed; the others keep waiting for a person, with the
-- reason. Runs whenever the queue is read, so it needs no timer (and no process has to be
-- up when the fair closes). Orders are taken oldest first, one lock at a time; a row another
-- reader is reviewing right now is waited for, not skipped, so the queue read after it shows
-- that review (two pages reading at the fair's close saw an order still 'accepted' that the
-- other read had just reviewed), and once it commits the row no longer qualifies.
CREATE OR REPLACE FUNCTION orders_auto_review(p_fair bigint) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    v_o orders;
    v_reason text;
    v_done integer := 0;
BEGIN
    FOR v_o IN
        SELECT o.* FROM orders o JOIN fairs f ON f.id = o.fair_id
        WHERE o.status = 'accepted' AND o.auto_reviewed_at IS NULL
          AND (p_fair IS NULL OR o.fair_id = p_fair) AND fair_status(f) = 'closed'
        ORDER BY o.created_at, o.id
        FOR UPDATE OF o
    LOOP
        v_reason := order_hold_reason(v_o);
        UPDATE orders SET auto_reviewed_at = clock_timestamp(), hold_reason = v_reason,
                          warehouse = (SELECT w.warehouse FROM region_warehouses w
                                       JOIN dealers d ON d.region = w.region
                                       WHERE d.id = v_o.dealer_id)
        WHERE id = v_o.id RETURNING * INTO v_o;
        IF v_reason IS NULL THEN
            PERFORM order_set_status(NULL, v_o, 'reviewed', 'passed the automatic review',
                                     'order.review');
        END IF;
        v_done := v_done + 1;
    END LOOP;
    RETURN v_done;
END
$$;

-- An order as the staff see it in the queue.
CREATE OR REPLACE FUNCTION order_queue_json(o orders) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN order_full_json(o) || (SELECT jsonb_build_object(
        'dealer_name', d.name, 'region', d.region, 'tier', d.tier, 'key_dealer', d.key_dealer)
        FROM dealers d WHERE d.id = o.dealer_id);
END
$$;

-- orders.queue {fair?, status?} (rep, admin): the automatic review first, then the orders,
-- priority first, then oldest; a rep limited to regions sees its regions' dealers.
CREATE OR REPLACE FUNCTION orders_queue(p_actor bigint, p_fair bigint, p_status text) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_actor users;
BEGIN
    SELECT * INTO v_actor FROM users WHERE id = p_actor;
    PERFORM orders_auto_review(p_fair);
    RETURN jsonb_build_object('orders', (SELECT coalesce(jsonb_agg(order_queue_json(o)
            ORDER BY order_priority_rank(o.priority), d.key_dealer DESC, o.created_at, o.id),
            '[]')
        FROM orders o JOIN dealers d ON d.id = o.dealer_id
        WHERE (p_fair IS NULL OR o.fair_id = p_fair)
          AND (p_status IS NULL OR o.status = p_status)
          AND (p_status IS NOT NULL OR o.status NOT IN ('delivered', 'rejected', 'cancelled'))
          AND NOT rep_outside_regions(v_actor, d)));
END
$$;
