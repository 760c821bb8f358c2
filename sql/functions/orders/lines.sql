-- An order's lines read against its fair, then checked against stock, the dealer's limits
-- and its credit: for order_decide, order.amend and the waitlists' orders. (The batch's
-- plain orders are checked the same way over arrays, with the same refusals.)

-- How much of each line a partial order takes: what is there, in whole packs per colour
-- where the item has a pack, and nothing of a product whose total would fall below its moq.
CREATE OR REPLACE FUNCTION order_partial_take(p_lines order_line_eval[]) RETURNS order_line_eval[]
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    RETURN (WITH t AS (
        SELECT l.*, CASE WHEN l.pack IS NULL THEN least(l.qty, greatest(l.available, 0))
                    ELSE (l.pack->>l.size)::int * least(l.qty / (l.pack->>l.size)::int,
                         min(greatest(l.available, 0) / (l.pack->>l.size)::int)
                             OVER (PARTITION BY l.product, l.color)) END AS can
        FROM unnest(p_lines) l),
    m AS (
        SELECT t.*, CASE WHEN sum(t.can) OVER (PARTITION BY t.product) < t.moq THEN 0
                         ELSE t.can END AS got
        FROM t)
    SELECT array_agg(ROW(m.variant, m.qty, m.stock_id, m.available, m.product, m.size,
                         m.color, m.moq, m.dealer_limit, m.pack, m.withdrawn, m.price,
                         m.got)::order_line_eval ORDER BY m.variant)
    FROM m);
END
$$;

-- The lines of an order read against a fair: each with its stock row, the item's rules and
-- the price now for p_tier; or the first bad_request about them (a variant not offered, an
-- item withdrawn, not whole packs, below the moq). p_held: {"<variant>": units} an order
-- being amended already holds, counted as available to it. The price comes from the one
-- query that reads the lines, the first two checks are one pass in memory, and the pack and
-- moq queries run only for orders that have packs or a moq above one (016).
CREATE OR REPLACE FUNCTION order_lines_read(p_fair bigint, p_tier text, p_lines jsonb, p_held jsonb,
                                            OUT lines order_line_eval[], OUT refusal jsonb)
LANGUAGE plpgsql AS $$
DECLARE
    v_row   record;
    v_line  order_line_eval;
    v_now   timestamptz := clock_timestamp();
    v_packs boolean := false;
    v_moq   boolean := false;
BEGIN
    -- LATERAL: one index probe per line, whatever the planner thinks of the fair's size.
    -- OFFSET 0 keeps it so: without it PostgreSQL may flatten the subquery into a hash join
    -- over every stock row of the fair (18 ms an order on a freshly imported fair, whose
    -- statistics say it is small).
    SELECT array_agg(ROW(l.variant, l.qty, x.id,
                         x.available + coalesce((p_held->>l.variant::text)::integer, 0),
                         x.product_id, x.size, x.color, x.moq, x.dealer_limit, x.pack,
                         x.withdrawn, x.price, l.qty)::order_line_eval ORDER BY l.variant)
    INTO lines
    FROM jsonb_to_recordset(p_lines) AS l(variant bigint, qty integer)
    LEFT JOIN LATERAL (
        SELECT s.id, s.allocation - s.sold AS available, s.product_id, v.size, v.color,
               i.moq, i.dealer_limit, i.pack, i.withdrawn,
               -- item_price_now(), written out: as a call it was not inlined (its
               -- time argument is volatile) and cost two function calls per line.
               CASE WHEN i.flash_price IS NOT NULL AND v_now >= i.flash_starts_at
                         AND v_now < i.flash_ends_at THEN i.flash_price
                    ELSE coalesce((SELECT tp.price FROM fair_item_prices tp
                                   WHERE tp.fair_id = i.fair_id
                                     AND tp.product_id = i.product_id
                                     AND tp.tier = p_tier), i.price) END AS price
        FROM stock s
        JOIN variants v ON v.id = s.variant_id
        JOIN fair_items i ON i.fair_id = s.fair_id AND i.product_id = s.product_id
        WHERE s.fair_id = p_fair AND s.variant_id = l.variant
        OFFSET 0) x ON true;

    -- One pass in memory for what every order needs checked; the set-based checks below
    -- run only for orders that have packs or a moq above one.
    FOREACH v_line IN ARRAY lines LOOP
        IF v_line.stock_id IS NULL THEN
            refusal := op_refusal('bad_request',
                format('variant %s is not offered at fair %s', v_line.variant, p_fair),
                jsonb_build_object('reason', 'not_offered', 'variant', v_line.variant));
            RETURN;
        END IF;
        v_packs := v_packs OR v_line.pack IS NOT NULL;
        v_moq := v_moq OR v_line.moq > 1;
    END LOOP;
    FOREACH v_line IN ARRAY lines LOOP
        IF v_line.withdrawn THEN
            refusal := op_refusal('bad_request',
                format('product %s is no longer on sale at fair %s', v_line.product, p_fair),
                jsonb_build_object('reason', 'withdrawn', 'product', v_line.product));
            RETURN;
        END IF;
    END LOOP;
    IF NOT v_packs AND NOT v_moq THEN
        RETURN;
    END IF;
    -- Packs (配碼): per colour, every size of the pack, all in the same number of packs.
    SELECT l.product, l.color, l.pack INTO v_row FROM unnest(lines) l
    WHERE l.pack IS NOT NULL
    GROUP BY l.product, l.color, l.pack
    HAVING count(*) <> (SELECT count(*) FROM jsonb_object_keys(l.pack))
        OR NOT bool_and(coalesce(l.pack ? l.size AND l.qty % (l.pack->>l.size)::int = 0,
                                 false))
        OR count(DISTINCT l.qty / (l.pack->>l.size)::int) <> 1
    ORDER BY l.product, l.color LIMIT 1;
    IF FOUND THEN
        refusal := op_refusal('bad_request',
            format('product %s is ordered in whole packs: colour %s needs the sizes %s in '
                   'that ratio', v_row.product, v_row.color, v_row.pack::text),
            jsonb_build_object('reason', 'pack', 'product', v_row.product, 'color', v_row.color,
                               'pack', v_row.pack));
        RETURN;
    END IF;
    SELECT l.product, min(l.moq) AS moq, sum(l.qty) AS qty INTO v_row FROM unnest(lines) l
    GROUP BY l.product HAVING sum(l.qty) < min(l.moq) ORDER BY l.product LIMIT 1;
    IF FOUND THEN
        refusal := op_refusal('bad_request',
            format('product %s has a minimum order of %s units; the order has %s',
                   v_row.product, v_row.moq, v_row.qty),
            jsonb_build_object('reason', 'moq', 'product', v_row.product, 'moq', v_row.moq,
                               'qty', v_row.qty));
    END IF;
END
$$;

-- Whether a dealer may have these lines, counting its other orders (p_except: the order
-- being amended, whose own lines and total do not count): stock, all or nothing or with
-- p_partial what is there (lines' take reduced), then the per-dealer limit of each item at
-- this fair, then credit over the dealer's open orders of every fair, as dealer_credit
-- keeps them (021). refusal is NULL when it may; total is the value of what it takes.
CREATE OR REPLACE FUNCTION order_lines_fit(p_dealer dealers, p_fair bigint,
                                           INOUT lines order_line_eval[], p_partial boolean,
                                           p_except bigint, OUT total bigint,
                                           OUT refusal jsonb)
LANGUAGE plpgsql AS $$
DECLARE
    v_short jsonb;
    v_row   record;
    v_open  bigint;
BEGIN
    SELECT jsonb_object_agg(l.variant::text, greatest(l.available, 0)) INTO v_short
    FROM unnest(lines) l WHERE l.qty > l.available;
    IF v_short IS NOT NULL THEN
        IF p_partial THEN
            lines := order_partial_take(lines);
        END IF;
        IF NOT p_partial OR NOT EXISTS (SELECT 1 FROM unnest(lines) l WHERE l.take > 0) THEN
            refusal := order_stock_refusal(v_short);
            RETURN;
        END IF;
    END IF;

    FOR v_row IN
        SELECT l.product, min(l.dealer_limit) AS lim, sum(l.take) AS qty,
               (SELECT coalesce(sum(ol.qty), 0) FROM orders o
                JOIN order_lines ol ON ol.order_id = o.id
                JOIN variants v ON v.id = ol.variant_id
                WHERE o.dealer_id = p_dealer.id AND o.fair_id = p_fair
                  AND v.product_id = l.product AND o.id IS DISTINCT FROM p_except
                  AND o.status NOT IN ('cancelled', 'rejected')) AS before
        FROM unnest(lines) l
        WHERE l.dealer_limit IS NOT NULL
        GROUP BY l.product HAVING sum(l.take) > 0
        ORDER BY l.product
    LOOP
        IF v_row.before + v_row.qty > v_row.lim THEN
            refusal := order_limit_refusal(v_row.product, v_row.lim, p_dealer.id,
                                           v_row.before, v_row.qty);
            RETURN;
        END IF;
    END LOOP;

    SELECT coalesce(sum(l.take::bigint * l.price), 0) INTO total FROM unnest(lines) l;
    v_open := dealer_open_credit(p_dealer.id, p_except);
    IF v_open + total > p_dealer.credit_limit THEN
        refusal := order_credit_refusal(total, p_dealer.id, p_dealer.credit_limit - v_open);
    END IF;
END
$$;
