-- order.place: the orders that arrived while the previous batch was in flight, placed in
-- one call (order/order_intake.c; DESIGN.md, Orders: the hot path).

-- Inserts the orders a batch accepted as plain among its orders p_from .. p_to (those with
-- an id in p_ids), with their lines; ids were taken in batch order when they were accepted.
-- Returns, for each of p_from .. p_to, the order as clients see it and its created_at
-- (NULL for those it did not insert).
CREATE OR REPLACE FUNCTION order_batch_insert(p_batch jsonb, p_from integer, p_to integer,
                                              p_ids bigint[], p_totals bigint[],
                                              p_ship_to jsonb[], p_first integer[],
                                              p_last integer[], p_variants bigint[],
                                              p_qty integer[], p_prices bigint[],
                                              OUT made jsonb[], OUT made_at timestamptz[])
LANGUAGE plpgsql AS $$
BEGIN
    made := '{}';
    made_at := '{}';
    IF p_from > p_to THEN
        RETURN;
    END IF;
    WITH ins AS (
        INSERT INTO orders (id, fair_id, dealer_id, key, total, ship_to, note, placed_by,
                            request, created_at, updated_at)
        SELECT p_ids[i], (e->>'fair')::bigint, (e->>'dealer')::bigint, e->>'key', p_totals[i],
               p_ship_to[i], coalesce(e->>'note', ''), (e->>'actor')::bigint,
               order_request_json((e->>'fair')::bigint, false,
                   (SELECT jsonb_agg(jsonb_build_array(p_variants[j], p_qty[j])
                                     ORDER BY p_variants[j])
                    FROM generate_series(p_first[i], p_last[i]) j)),
               clock_timestamp(), clock_timestamp()
        FROM generate_series(p_from, p_to) i, LATERAL (SELECT p_batch->(i - 1) AS e) b
        WHERE p_ids[i] IS NOT NULL
        ORDER BY i
        RETURNING *
    ), ins_lines AS (
        INSERT INTO order_lines (order_id, variant_id, qty, price)
        SELECT p_ids[i], p_variants[j], p_qty[j], p_prices[j]
        FROM generate_series(p_from, p_to) i, generate_series(p_first[i], p_last[i]) j
        WHERE p_ids[i] IS NOT NULL
        RETURNING *
    ), lines AS (
        SELECT l.order_id,
               jsonb_agg(order_line_json(ROW(l.*)::order_lines, v)
                         ORDER BY v.product_id, v.sort, v.id) AS lines
        FROM ins_lines l JOIN variants v ON v.id = l.variant_id
        GROUP BY l.order_id
    )
    SELECT array_agg(CASE WHEN o.id IS NOT NULL
                          THEN order_json_with(ROW(o.*)::orders, coalesce(l.lines, '[]')) END
                     ORDER BY x.i),
           array_agg(o.created_at ORDER BY x.i)
    INTO made, made_at
    FROM generate_series(p_from, p_to) x(i)
    LEFT JOIN ins o ON o.id = p_ids[x.i]
    LEFT JOIN lines l ON l.order_id = o.id;
END
$$;

-- One batch: p_batch is a JSON array of orders (see order_decide); the result is the array
-- of their decisions, in the same order. One transaction and one WAL flush for all of them
-- (group commit). No order raises (a raise would fail the whole batch, and an exception
-- block per order is a subtransaction each): each is decided against rows the batch has
-- already locked in the one global order, dealer rows by id, then stock rows by id, so
-- limits that span orders (per-dealer item limit, credit) are read under the dealer lock
-- and two batches can never both spend the same credit. First come, first served inside a
-- batch.
--
-- A plain order (its dealer exists and its actor may order for it, its key is new to the
-- database and to the batch, its fair is live, its lines are all offered, not withdrawn and
-- not in packs, it meets every moq, its address is the dealer's, it is not partial) is
-- decided here from what the batch read once, with arithmetic over arrays: stock, then
-- limits, then credit (the kept dealer_credit), with order_lines_fit's messages (017).
-- Every other order is decided by order_decide, after the plain orders accepted before it
-- are inserted, so it sees them. Then, once for the whole batch: what the new orders took
-- from stock (the items' item_sales rows are locked only now, still after the stock rows),
-- their first history entries, the dashboard's totals (totals_add), and last the stock
-- notification, so that its `at` is as close to the commit as it can be (024).
-- Every statement of the batch is an index lookup by key: generic plans, planned once per
-- connection, instead of a custom plan per order (a third of the time per order). No JIT:
-- generic plans over arrays are estimated at a thousand rows per generate_series, and an
-- insert crossed jit_above_cost, 52 ms compiling a statement that runs in 10 (021).
-- Why each version changed, measured: the headers of sql/008, 014, 017, 021 and 024.
CREATE OR REPLACE FUNCTION order_place_batch(p_batch jsonb) RETURNS jsonb LANGUAGE plpgsql
SET plan_cache_mode = force_generic_plan SET jit = off AS $$
DECLARE
    v_now       timestamptz;  -- the decisions' time: after the locks, which may wait
    v_n         integer := jsonb_array_length(p_batch);
    v_decisions jsonb[] := array_fill(NULL::jsonb, ARRAY[v_n]);
    v_decision  jsonb;
    v_order     jsonb;
    -- Per order, by position in the batch.
    o_plain     boolean[];   -- decided here; else by order_decide
    o_dealer    bigint[];
    o_dslot     integer[];   -- the dealer's slot in v_open
    o_credit    bigint[];    -- the dealer's credit limit
    o_total     bigint[];
    o_ship_to   jsonb[];
    o_first     integer[];   -- its lines are l_*[o_first .. o_last]
    o_last      integer[];
    o_kfirst    integer[];   -- its limited products are k_*[o_kfirst .. o_klast]
    o_klast     integer[];
    o_id        bigint[];    -- the order made here, once accepted
    o_units     bigint[];    -- the units of its lines
    o_note      text[];      -- its first history entry's note (placed by a rep)
    o_made      jsonb[];     -- the order as clients see it, once inserted
    o_at        timestamptz[]; -- and its created_at
    v_other     bigint[] := '{}'; -- orders made by order_decide (not plain)
    -- Per line of the batch, by order then variant.
    l_variant   bigint[];
    l_qty       integer[];
    l_price     bigint[];
    l_slot      integer[];   -- the line's (fair, variant) in v_left and v_taken
    l_order     integer[];   -- and, to sum them per order and product:
    l_product   bigint[];
    l_plain     boolean[];   -- offered, on sale, not in packs
    l_moq       integer[];
    l_limit     integer[];
    -- Per product with a dealer limit in an order, by order then product.
    k_order     integer[];
    k_product   bigint[];
    k_key       text[];      -- "<dealer>:<fair>:<product>"
    k_slot      integer[];   -- the (dealer, fair, product) in v_ordered
    k_qty       integer[];
    k_limit     integer[];
    -- What the decisions change. Arrays updated by element stay in place in plpgsql; a
    -- jsonb map or `array || x` would be copied whole for every order.
    v_slot      jsonb;       -- {"<fair>:<variant>": slot in v_taken}
    v_taken     integer[];   -- units the batch's new orders took, per slot
    v_left      integer[];   -- remaining stock per slot when the batch locked it (NULL: none)
    v_dslot     jsonb;       -- {"<dealer>": slot in v_open}
    v_open      bigint[];    -- the total of each dealer's open orders
    v_kslot     jsonb;       -- {"<dealer>:<fair>:<product>": slot in v_ordered}
    v_ordered   bigint[];    -- units of a limited product a dealer has ordered at the fair
    v_flushed   integer := 0; -- plain orders up to here are inserted
    v_short     jsonb;
    v_held      jsonb;
    v_line      record;
    v_fair      record;
    v_s         integer;
    v_refused   boolean;
BEGIN
    PERFORM 1 FROM dealers
    WHERE id IN (SELECT (e->>'dealer')::bigint FROM jsonb_array_elements(p_batch) e)
    ORDER BY id FOR NO KEY UPDATE;
    PERFORM 1 FROM stock
    WHERE (fair_id, variant_id) IN
          (SELECT (e->>'fair')::bigint, (l->>'variant')::bigint
           FROM jsonb_array_elements(p_batch) e, jsonb_array_elements(e->'lines') l)
    ORDER BY id FOR NO KEY UPDATE;
    v_now := clock_timestamp();

    -- Stock: a slot for each (fair, variant) the batch names.
    SELECT jsonb_object_agg(k, n), array_fill(0, ARRAY[count(*)::integer])
    INTO v_slot, v_taken
    FROM (SELECT k, row_number() OVER (ORDER BY k) AS n
          FROM (SELECT DISTINCT (e->>'fair') || ':' || (l->>'variant') AS k
                FROM jsonb_array_elements(p_batch) e, jsonb_array_elements(e->'lines') l) x) y;
    SELECT array_agg(s.allocation - s.sold ORDER BY (v_slot->>k)::integer) INTO v_left
    FROM jsonb_object_keys(v_slot) k
    LEFT JOIN stock s ON s.fair_id = split_part(k, ':', 1)::bigint
                     AND s.variant_id = split_part(k, ':', 2)::bigint;

    -- Credit: a slot for each dealer, with the total of its open orders (kept).
    SELECT jsonb_object_agg(d.dealer, d.n), array_agg(d.open ORDER BY d.n)
    INTO v_dslot, v_open
    FROM (SELECT x.dealer, row_number() OVER (ORDER BY x.dealer) AS n,
                 dealer_open_credit(x.dealer, NULL) AS open
          FROM (SELECT DISTINCT (e->>'dealer')::bigint AS dealer
                FROM jsonb_array_elements(p_batch) e) x) d;


    -- Every line, with the dealer's price now and whether a plain order may have it.
    SELECT array_agg(x.n ORDER BY x.n, x.variant), array_agg(x.variant ORDER BY x.n, x.variant),
           array_agg(x.qty ORDER BY x.n, x.variant), array_agg(x.price ORDER BY x.n, x.variant),
           array_agg((v_slot->>(x.fair || ':' || x.variant))::integer ORDER BY x.n, x.variant),
           array_agg(x.product ORDER BY x.n, x.variant),
           array_agg(x.plain ORDER BY x.n, x.variant), array_agg(x.moq ORDER BY x.n, x.variant),
           array_agg(x.dealer_limit ORDER BY x.n, x.variant)
    INTO l_order, l_variant, l_qty, l_price, l_slot, l_product, l_plain, l_moq, l_limit
    FROM (SELECT b.n::integer AS n, (b.e->>'fair')::bigint AS fair,
                 (l->>'variant')::bigint AS variant, (l->>'qty')::integer AS qty,
                 s.product_id AS product, i.moq, i.dealer_limit,
                 coalesce(s.id IS NOT NULL AND NOT i.withdrawn AND i.pack IS NULL, false) AS plain,
                 item_price_at(i, tp.price, v_now) AS price
          FROM jsonb_array_elements(p_batch) WITH ORDINALITY AS b(e, n)
          CROSS JOIN jsonb_array_elements(b.e->'lines') l
          LEFT JOIN dealers d ON d.id = (b.e->>'dealer')::bigint
          LEFT JOIN stock s ON s.fair_id = (b.e->>'fair')::bigint
                           AND s.variant_id = (l->>'variant')::bigint
          LEFT JOIN fair_items i ON i.fair_id = s.fair_id AND i.product_id = s.product_id
          LEFT JOIN fair_item_prices tp ON tp.fair_id = i.fair_id
                                       AND tp.product_id = i.product_id AND tp.tier = d.tier) x;

    -- Dealer limits: per order, each limited product with the units it asks for; a slot per
    -- (dealer, fair, product) with the units the dealer has ordered there so far.
    SELECT array_agg(x.n ORDER BY x.n, x.product), array_agg(x.product ORDER BY x.n, x.product),
           array_agg(x.qty ORDER BY x.n, x.product), array_agg(x.lim ORDER BY x.n, x.product),
           array_agg(x.k ORDER BY x.n, x.product)
    INTO k_order, k_product, k_qty, k_limit, k_key
    FROM (SELECT l.n, l.product, sum(l.qty)::integer AS qty, min(l.lim) AS lim,
                 concat_ws(':', p_batch->(l.n - 1)->>'dealer', p_batch->(l.n - 1)->>'fair',
                           l.product) AS k
          FROM unnest(l_order, l_product, l_qty, l_limit) AS l(n, product, qty, lim)
          WHERE l.lim IS NOT NULL
          GROUP BY l.n, l.product) x;
    SELECT jsonb_object_agg(y.k, y.slot), array_agg(y.ordered ORDER BY y.slot)
    INTO v_kslot, v_ordered
    FROM (SELECT x.k, row_number() OVER (ORDER BY x.k) AS slot,
                 (SELECT coalesce(sum(ol.qty), 0) FROM orders o
                  JOIN order_lines ol ON ol.order_id = o.id
                  JOIN variants v ON v.id = ol.variant_id
                  WHERE o.dealer_id = split_part(x.k, ':', 1)::bigint
                    AND o.fair_id = split_part(x.k, ':', 2)::bigint
                    AND v.product_id = split_part(x.k, ':', 3)::bigint
                    AND o.status NOT IN ('cancelled', 'rejected')) AS ordered
          FROM (SELECT DISTINCT k FROM unnest(k_key) AS k) x) y;
    SELECT array_agg((v_kslot->>k)::integer ORDER BY n) INTO k_slot
    FROM unnest(k_key) WITH ORDINALITY AS u(k, n);

    -- Every order: whether it is plain, and what deciding it needs.
    SELECT array_agg(x.plain ORDER BY x.n), array_agg(x.dealer ORDER BY x.n),
           array_agg((v_dslot->>x.dealer::text)::integer ORDER BY x.n),
           array_agg(x.credit ORDER BY x.n), array_agg(x.total ORDER BY x.n),
           array_agg(x.ship_to ORDER BY x.n),
           array_agg(coalesce(x.first, 1) ORDER BY x.n), array_agg(coalesce(x.last, 0) ORDER BY x.n),
           array_agg(coalesce(x.kfirst, 1) ORDER BY x.n), array_agg(coalesce(x.klast, 0) ORDER BY x.n),
           array_agg(x.units ORDER BY x.n), array_agg(x.note ORDER BY x.n)
    INTO o_plain, o_dealer, o_dslot, o_credit, o_total, o_ship_to, o_first, o_last,
         o_kfirst, o_klast, o_units, o_note
    FROM (SELECT b.n, b.dealer, d.credit_limit AS credit, lo.total, st.ship_to, lo.first, lo.last,
                 ko.kfirst, ko.klast, lo.units,
                 CASE WHEN u.role <> 'dealer'
                      THEN format('placed by %s (%s) for the dealer', u.name, u.role) END AS note,
                 coalesce(d.id IS NOT NULL AND order_actor_refusal(u, d) IS NULL
                          AND NOT b.partial AND ex.id IS NULL
                          AND row_number() OVER (PARTITION BY b.dealer, b.key ORDER BY b.n) = 1
                          AND f.id IS NOT NULL AND fair_live_refusal(f, v_now) IS NULL
                          AND lo.plain AND (b.ship_to IS NULL OR st.ship_to IS NOT NULL),
                          false) AS plain
          FROM (SELECT x.n::integer AS n, (x.e->>'dealer')::bigint AS dealer,
                       (x.e->>'actor')::bigint AS actor, (x.e->>'fair')::bigint AS fair,
                       x.e->>'key' AS key, (x.e->>'ship_to')::bigint AS ship_to,
                       coalesce((x.e->>'partial')::boolean, false) AS partial
                FROM jsonb_array_elements(p_batch) WITH ORDINALITY AS x(e, n)) b
          LEFT JOIN dealers d ON d.id = b.dealer
          LEFT JOIN users u ON u.id = b.actor
          LEFT JOIN fairs f ON f.id = b.fair
          LEFT JOIN orders ex ON ex.dealer_id = b.dealer AND ex.key = b.key
          LEFT JOIN LATERAL (
              SELECT order_address_json(a) AS ship_to FROM dealer_addresses a
              WHERE a.dealer_id = b.dealer
                AND (a.id = b.ship_to OR (b.ship_to IS NULL AND a.is_default))
              OFFSET 0) st ON true
          LEFT JOIN (SELECT p.n, bool_and(p.plain AND p.qty >= p.moq) AS plain,
                            sum(p.total) AS total, sum(p.qty) AS units,
                            min(p.first) AS first, max(p.last) AS last
                     FROM (SELECT l.n, l.product, bool_and(l.plain) AS plain, sum(l.qty) AS qty,
                                  min(l.moq) AS moq, sum(l.qty::bigint * l.price) AS total,
                                  min(l.j) AS first, max(l.j) AS last
                           FROM unnest(l_order, l_product, l_plain, l_qty, l_moq, l_price)
                                WITH ORDINALITY AS l(n, product, plain, qty, moq, price, j)
                           GROUP BY l.n, l.product) p
                     GROUP BY p.n) lo ON lo.n = b.n
          LEFT JOIN (SELECT k.n, min(k.j)::integer AS kfirst, max(k.j)::integer AS klast
                     FROM unnest(k_order) WITH ORDINALITY AS k(n, j)
                     GROUP BY k.n) ko ON ko.n = b.n) x;
    o_id := array_fill(NULL::bigint, ARRAY[v_n]);
    o_made := '{}';
    o_at := '{}';

    FOR v_i IN 1 .. v_n LOOP
        v_order := p_batch->(v_i - 1);
        -- What its lines lack once the orders before it in the batch took theirs (a partial
        -- order takes what is there instead).
        v_short := NULL;
        IF NOT coalesce((v_order->>'partial')::boolean, false) THEN
            FOR v_j IN o_first[v_i] .. o_last[v_i] LOOP
                v_s := l_slot[v_j];
                IF l_qty[v_j] > v_left[v_s] - v_taken[v_s] THEN
                    v_short := coalesce(v_short, '{}') || jsonb_build_object(
                        l_variant[v_j]::text, greatest(v_left[v_s] - v_taken[v_s], 0));
                END IF;
            END LOOP;
        END IF;

        IF NOT o_plain[v_i] THEN
            -- By order_decide, as before 017, after the plain orders before it are in.
            SELECT o_made || m.made, o_at || m.made_at INTO o_made, o_at
            FROM order_batch_insert(p_batch, v_flushed + 1, v_i - 1, o_id, o_total, o_ship_to,
                                    o_first, o_last, l_variant, l_qty, l_price) m;
            v_flushed := v_i - 1;
            -- Sold out by the orders before it (at 10:00:00, most of a batch for the hero
            -- variant): refused without the rest of the checks, like the server's fast
            -- refusal, unless its key is taken (a retry gets its order or its conflict).
            IF v_short IS NOT NULL AND NOT EXISTS (
                    SELECT 1 FROM orders WHERE dealer_id = o_dealer[v_i]
                                           AND key = v_order->>'key') THEN
                v_decisions[v_i] := order_stock_refusal(v_short);
                CONTINUE;
            END IF;
            SELECT jsonb_object_agg(l_variant[j], -v_taken[l_slot[j]]) INTO v_held
            FROM generate_series(o_first[v_i], o_last[v_i]) j;
            v_decision := order_decide(v_order || jsonb_build_object('held', v_held));
            v_decisions[v_i] := v_decision;
            IF v_decision->>'duplicate' = 'false' THEN
                v_other := v_other || (v_decision->'order'->>'id')::bigint;
                v_open[o_dslot[v_i]] := v_open[o_dslot[v_i]]
                                        + (v_decision->'order'->>'total')::bigint;
                FOR v_line IN
                    SELECT (v_slot->>((v_order->>'fair') || ':' || (l->>'variant')))::integer
                               AS slot,
                           (v_kslot->>concat_ws(':', o_dealer[v_i], v_order->>'fair',
                                                l->>'product'))::integer AS kslot,
                           (l->>'qty')::integer AS qty
                    FROM jsonb_array_elements(v_decision->'order'->'lines') l
                LOOP
                    v_taken[v_line.slot] := v_taken[v_line.slot] + v_line.qty;
                    IF v_line.kslot IS NOT NULL THEN
                        v_ordered[v_line.kslot] := v_ordered[v_line.kslot] + v_line.qty;
                    END IF;
                END LOOP;
            END IF;
            CONTINUE;
        END IF;

        -- A plain order: stock, then dealer limits, then credit (as order_lines_fit).
        IF v_short IS NOT NULL THEN
            v_decisions[v_i] := order_stock_refusal(v_short);
            CONTINUE;
        END IF;
        v_refused := false;
        FOR v_k IN o_kfirst[v_i] .. o_klast[v_i] LOOP
            IF v_ordered[k_slot[v_k]] + k_qty[v_k] > k_limit[v_k] THEN
                v_decisions[v_i] := order_limit_refusal(k_product[v_k], k_limit[v_k],
                    o_dealer[v_i], v_ordered[k_slot[v_k]], k_qty[v_k]);
                v_refused := true;
                EXIT;
            END IF;
        END LOOP;
        CONTINUE WHEN v_refused;
        IF v_open[o_dslot[v_i]] + o_total[v_i] > o_credit[v_i] THEN
            v_decisions[v_i] := order_credit_refusal(o_total[v_i], o_dealer[v_i],
                                                     o_credit[v_i] - v_open[o_dslot[v_i]]);
            CONTINUE;
        END IF;
        FOR v_j IN o_first[v_i] .. o_last[v_i] LOOP
            v_taken[l_slot[v_j]] := v_taken[l_slot[v_j]] + l_qty[v_j];
        END LOOP;
        FOR v_k IN o_kfirst[v_i] .. o_klast[v_i] LOOP
            v_ordered[k_slot[v_k]] := v_ordered[k_slot[v_k]] + k_qty[v_k];
        END LOOP;
        v_open[o_dslot[v_i]] := v_open[o_dslot[v_i]] + o_total[v_i];
        o_id[v_i] := nextval('orders_id_seq');
    END LOOP;
    SELECT o_made || m.made, o_at || m.made_at INTO o_made, o_at
    FROM order_batch_insert(p_batch, v_flushed + 1, v_n, o_id, o_total, o_ship_to,
                            o_first, o_last, l_variant, l_qty, l_price) m;

    -- The plain orders' replies, from what their insert returned.
    SELECT array_agg(coalesce(d.decision, jsonb_build_object('order', d.made, 'duplicate', false))
                     ORDER BY d.n)
    INTO v_decisions
    FROM unnest(v_decisions, o_made) WITH ORDINALITY AS d(decision, made, n);

    -- What the new orders took, in one statement (one run of the item_sales trigger), and
    -- their first history entries. The CHECK (sold <= allocation) still guards the sum.
    -- The items' item_sales rows are locked only now, still after the stock rows (the one
    -- lock order): two batches for different variants of one item decide side by side and
    -- wait for each other only here, at their end.
    PERFORM 1 FROM item_sales
    WHERE (fair_id, product_id) IN
          (SELECT s.fair_id, s.product_id FROM jsonb_object_keys(v_slot) k
           JOIN stock s ON s.fair_id = split_part(k, ':', 1)::bigint
                       AND s.variant_id = split_part(k, ':', 2)::bigint
           WHERE v_taken[(v_slot->>k)::integer] > 0)
    ORDER BY fair_id, product_id FOR NO KEY UPDATE;
    UPDATE stock s SET sold = s.sold + t.units
    FROM (SELECT split_part(k, ':', 1)::bigint AS fair, split_part(k, ':', 2)::bigint AS variant,
                 v_taken[(v_slot->>k)::integer] AS units
          FROM jsonb_object_keys(v_slot) k) t
    WHERE s.fair_id = t.fair AND s.variant_id = t.variant AND t.units > 0;
    INSERT INTO order_history (order_id, status, at, actor, note)
    SELECT h.id, 'accepted', h.at, h.actor, h.note
    FROM (SELECT i AS n, o_id[i] AS id, o_at[i] AS at, (p_batch->(i - 1)->>'actor')::bigint AS actor,
                 o_note[i] AS note
          FROM generate_series(1, v_n) i WHERE o_id[i] IS NOT NULL
          UNION ALL
          SELECT d.n, o.id, o.created_at, o.placed_by,
                 CASE WHEN u.role <> 'dealer'
                      THEN format('placed by %s (%s) for the dealer', u.name, u.role) END
          FROM unnest(v_decisions) WITH ORDINALITY AS d(decision, n)
          JOIN orders o ON o.id = (d.decision->'order'->>'id')::bigint
          JOIN users u ON u.id = o.placed_by
          WHERE o.id = ANY (v_other)) h
    ORDER BY h.n;

    -- The dashboard's totals (012_dashboard.sql), last: their rows come after every other
    -- lock of the batch.
    FOR v_fair IN
        WITH made AS (
            SELECT (p_batch->(i - 1)->>'fair')::bigint AS fair, o_dealer[i] AS dealer,
                   o_at[i] AS at, o_units[i] AS units, o_total[i] AS amount
            FROM generate_series(1, v_n) i WHERE o_id[i] IS NOT NULL
            UNION ALL
            SELECT o.fair_id, o.dealer_id, o.created_at,
                   (SELECT sum(l.qty) FROM order_lines l WHERE l.order_id = o.id), o.total
            FROM orders o WHERE o.id = ANY (v_other)
        ), made_lines AS (
            SELECT (p_batch->(i - 1)->>'fair')::bigint AS fair, l_product[j] AS product,
                   l_qty[j]::bigint AS units, l_qty[j]::bigint * l_price[j] AS amount
            FROM generate_series(1, v_n) i, generate_series(o_first[i], o_last[i]) j
            WHERE o_id[i] IS NOT NULL
            UNION ALL
            SELECT o.fair_id, v.product_id, l.qty, l.qty::bigint * l.price
            FROM orders o JOIN order_lines l ON l.order_id = o.id
            JOIN variants v ON v.id = l.variant_id
            WHERE o.id = ANY (v_other)
        )
        SELECT m.fair AS id, m.dealers, m.ats, m.units, m.amounts,
               p.products, p.units AS product_units, p.amounts AS product_amounts
        FROM (SELECT fair, array_agg(dealer) AS dealers, array_agg(at) AS ats,
                     array_agg(units) AS units, array_agg(amount) AS amounts
              FROM made GROUP BY fair) m
        JOIN (SELECT fair, array_agg(product) AS products, array_agg(units) AS units,
                     array_agg(amount) AS amounts
              FROM made_lines GROUP BY fair) p ON p.fair = m.fair
        ORDER BY m.fair
    LOOP
        PERFORM totals_add(v_fair.id, v_fair.dealers, v_fair.ats,
                           array_fill(1, ARRAY[cardinality(v_fair.dealers)]), v_fair.units,
                           v_fair.amounts, v_fair.products, v_fair.product_units,
                           v_fair.product_amounts);
    END LOOP;
    -- The stock notification, last: its `at` is the commit time clients are told (024).
    FOR v_fair IN
        SELECT split_part(k, ':', 1)::bigint AS id,
               array_agg(split_part(k, ':', 2)::bigint) AS variants
        FROM jsonb_object_keys(v_slot) k
        WHERE v_taken[(v_slot->>k)::integer] > 0
        GROUP BY 1
    LOOP
        PERFORM stock_notify(v_fair.id, v_fair.variants);
    END LOOP;
    RETURN to_jsonb(v_decisions);
END
$$;

-- A batch's decisions as one row each, with their kind (made, duplicate, refused, or
-- unmade: null, from order_resolve), for the server to pass on: it wraps the text of an
-- order's decision into its reply as it is, and parses only the refusals, whose code it
-- maps (022: parsing the whole array and serialising every order again was 30% of the
-- server's time while 2,000 dealers kept ordering). No rows: order_resolve does not know
-- the outcome yet.
CREATE OR REPLACE FUNCTION order_decision_rows(p_decisions jsonb)
RETURNS TABLE (kind text, decision text) LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN jsonb_typeof(d) = 'null' THEN 'unmade'
                WHEN d ? 'refused' THEN 'refused'
                WHEN d->>'duplicate' = 'true' THEN 'duplicate'
                ELSE 'made' END,
           d::text
    FROM jsonb_array_elements(p_decisions) WITH ORDINALITY AS x(d, n)
    ORDER BY x.n
$$;
