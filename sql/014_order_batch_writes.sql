-- 014: a batch writes what its new orders took from stock, and their history, once.
--
-- The profile of a spread run (pg_stat_user_functions, docs/BENCHMARKS.md) showed each order
-- paying for its own UPDATE of stock, with the item_sales statement trigger and its
-- transition tables, and its own history INSERT. Now order_decide only reads stock: the
-- batch passes what its earlier orders took (p->'held', negative units per variant, the
-- same mechanism an amendment uses for what it already holds), and writes the sum per
-- variant in one UPDATE after the loop, then every accepted order's first history entry in
-- one INSERT. Row locks, decisions and replies are unchanged; stock rows are still locked
-- before any decision, and the CHECK (sold <= allocation) still stands behind the sum.

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

    INSERT INTO orders (fair_id, dealer_id, key, total, ship_to, note, placed_by, request,
                        created_at, updated_at)
    VALUES (v_fair_id, v_dealer_id, v_key, v_total, v_ship_to, coalesce(p->>'note', ''),
            v_actor_id, v_request, clock_timestamp(), clock_timestamp())
    RETURNING * INTO v_order;
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

CREATE OR REPLACE FUNCTION order_place_batch(p_batch jsonb) RETURNS jsonb LANGUAGE plpgsql
SET plan_cache_mode = force_generic_plan AS $$
DECLARE
    v_decisions jsonb[] := '{}';
    v_decision  jsonb;
    v_order     jsonb;
    v_fair      record;
    v_rows      record;
    v_slot      jsonb;       -- {"<fair>:<variant>": slot in v_taken}
    v_taken     integer[];   -- units the batch's new orders took, per slot
    v_left      integer[];   -- remaining stock per slot when the batch locked it (NULL: none)
    v_short     jsonb;
    v_held      jsonb;       -- for one order: {"<variant>": -units taken before it}
    v_line      record;
    v_fair_key  text;
    v_i         integer := 0;
BEGIN
    PERFORM 1 FROM dealers
    WHERE id IN (SELECT (e->>'dealer')::bigint FROM jsonb_array_elements(p_batch) e)
    ORDER BY id FOR NO KEY UPDATE;
    PERFORM 1 FROM stock
    WHERE (fair_id, variant_id) IN
          (SELECT (e->>'fair')::bigint, (l->>'variant')::bigint
           FROM jsonb_array_elements(p_batch) e, jsonb_array_elements(e->'lines') l)
    ORDER BY id FOR NO KEY UPDATE;
    PERFORM 1 FROM item_sales
    WHERE (fair_id, product_id) IN
          (SELECT s.fair_id, s.product_id FROM stock s
           WHERE (s.fair_id, s.variant_id) IN
                 (SELECT (e->>'fair')::bigint, (l->>'variant')::bigint
                  FROM jsonb_array_elements(p_batch) e, jsonb_array_elements(e->'lines') l))
    ORDER BY fair_id, product_id FOR NO KEY UPDATE;

    -- What earlier orders of the batch took, per (fair, variant): a slot in v_taken for each
    -- pair the batch names. Arrays updated by element stay in place in plpgsql; a jsonb map
    -- or `array || x` would be copied whole for every order (quadratic in the batch size).
    SELECT jsonb_object_agg(k, n), array_fill(0, ARRAY[count(*)::integer])
    INTO v_slot, v_taken
    FROM (SELECT k, row_number() OVER (ORDER BY k) AS n
          FROM (SELECT DISTINCT (e->>'fair') || ':' || (l->>'variant') AS k
                FROM jsonb_array_elements(p_batch) e, jsonb_array_elements(e->'lines') l) x) y;

    SELECT array_agg(s.allocation - s.sold ORDER BY (v_slot->>k)::integer) INTO v_left
    FROM jsonb_object_keys(v_slot) k
    LEFT JOIN stock s ON s.fair_id = split_part(k, ':', 1)::bigint
                     AND s.variant_id = split_part(k, ':', 2)::bigint;

    FOR v_order IN SELECT e FROM jsonb_array_elements(p_batch) WITH ORDINALITY AS b(e, n)
                   ORDER BY n LOOP
        v_i := v_i + 1;
        v_fair_key := (v_order->>'fair') || ':';
        -- Sold out by the orders before it in this batch (at 10:00:00, most of a batch for
        -- the hero variant): refused without the rest of the checks, like the server's
        -- fast refusal, unless its key is taken (a retry gets its order or its conflict).
        v_short := NULL;
        IF NOT coalesce((v_order->>'partial')::boolean, false) THEN
            SELECT jsonb_object_agg(l->>'variant', greatest(v_left[x.slot] - v_taken[x.slot], 0))
            INTO v_short
            FROM jsonb_array_elements(v_order->'lines') l,
                 LATERAL (SELECT (v_slot->>(v_fair_key || (l->>'variant')))::integer AS slot) x
            WHERE (l->>'qty')::integer > v_left[x.slot] - v_taken[x.slot];
        END IF;
        IF v_short IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM orders WHERE dealer_id = (v_order->>'dealer')::bigint
                                       AND key = v_order->>'key') THEN
            v_decisions[v_i] := op_refusal('insufficient_stock',
                'not enough stock for ' || (SELECT string_agg(format('variant %s (%s left)',
                    k, v_short->>k), ', ' ORDER BY k::bigint) FROM jsonb_object_keys(v_short) k),
                jsonb_build_object('available', v_short));
            CONTINUE;
        END IF;
        SELECT jsonb_object_agg(l->>'variant',
                                -v_taken[(v_slot->>(v_fair_key || (l->>'variant')))::integer])
        INTO v_held FROM jsonb_array_elements(v_order->'lines') l;
        v_decision := order_decide(v_order || jsonb_build_object('held', v_held));
        v_decisions[v_i] := v_decision;
        IF v_decision->>'duplicate' = 'false' THEN
            FOR v_line IN
                SELECT (v_slot->>(v_fair_key || (l->>'variant')))::integer AS slot,
                       (l->>'qty')::integer AS qty
                FROM jsonb_array_elements(v_decision->'order'->'lines') l
            LOOP
                v_taken[v_line.slot] := v_taken[v_line.slot] + v_line.qty;
            END LOOP;
        END IF;
    END LOOP;

    -- What the new orders took, in one statement (one run of the item_sales trigger), and
    -- their first history entries. The CHECK (sold <= allocation) still guards the sum.
    UPDATE stock s SET sold = s.sold + t.units
    FROM (SELECT (d.decision->'order'->>'fair')::bigint AS fair,
                 (l->>'variant')::bigint AS variant, sum((l->>'qty')::integer) AS units
          FROM unnest(v_decisions) AS d(decision)
          CROSS JOIN jsonb_array_elements(d.decision->'order'->'lines') l
          WHERE d.decision->>'duplicate' = 'false'
          GROUP BY 1, 2) t
    WHERE s.fair_id = t.fair AND s.variant_id = t.variant;
    INSERT INTO order_history (order_id, status, at, actor, note)
    SELECT o.id, 'accepted', o.created_at, o.placed_by,
           CASE WHEN u.role <> 'dealer'
                THEN format('placed by %s (%s) for the dealer', u.name, u.role) END
    FROM unnest(v_decisions) WITH ORDINALITY AS d(decision, n)
    JOIN orders o ON o.id = (d.decision->'order'->>'id')::bigint
    JOIN users u ON u.id = o.placed_by
    WHERE d.decision->>'duplicate' = 'false'
    ORDER BY d.n;

    -- From the decisions alone: joining them back to p_batch by position made a nested loop
    -- that parsed the batch again for every order.
    FOR v_fair IN
        SELECT (d.decision->'order'->>'fair')::bigint AS id,
               array_agg(DISTINCT (l->>'variant')::bigint) AS variants
        FROM unnest(v_decisions) AS d(decision)
        CROSS JOIN jsonb_array_elements(d.decision->'order'->'lines') l
        WHERE d.decision->>'duplicate' = 'false'
        GROUP BY 1
    LOOP
        PERFORM stock_notify(v_fair.id, v_fair.variants);
    END LOOP;
    -- The dashboard's totals (012_dashboard.sql), last: their rows come after every other
    -- lock of the batch.
    FOR v_fair IN
        SELECT (d.decision->'order'->>'fair')::bigint AS id,
               array_agg((d.decision->'order'->>'id')::bigint) AS orders
        FROM unnest(v_decisions) AS d(decision)
        WHERE d.decision->>'duplicate' = 'false'
        GROUP BY 1 ORDER BY 1
    LOOP
        SELECT * INTO v_rows FROM totals_order_rows(v_fair.orders, 1);
        PERFORM totals_apply(v_fair.id, v_rows.orders, v_rows.products);
    END LOOP;
    RETURN to_jsonb(v_decisions);
END
$$;

