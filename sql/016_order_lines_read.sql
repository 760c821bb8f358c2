-- 016: reading an order's lines with fewer statements.
--
-- order_lines_read ran, for every order, a query per check (variant not offered, item
-- withdrawn, packs, moq) and two function calls per line for the price; with PostgreSQL's
-- per-statement cost that was a fifth of an order's time in a batch (docs/BENCHMARKS.md).
-- Now the price is computed in the one query that reads the lines, the first two checks
-- are one pass over the lines in memory, and the pack and moq queries run only for orders
-- that have packs or a moq above one. Same refusals, in the same order.

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
                jsonb_build_object('variant', v_line.variant));
            RETURN;
        END IF;
        v_packs := v_packs OR v_line.pack IS NOT NULL;
        v_moq := v_moq OR v_line.moq > 1;
    END LOOP;
    FOREACH v_line IN ARRAY lines LOOP
        IF v_line.withdrawn THEN
            refusal := op_refusal('bad_request',
                format('product %s is no longer on sale at fair %s', v_line.product, p_fair),
                jsonb_build_object('product', v_line.product));
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
            jsonb_build_object('product', v_row.product, 'color', v_row.color,
                               'pack', v_row.pack));
        RETURN;
    END IF;
    SELECT l.product, min(l.moq) AS moq, sum(l.qty) AS qty INTO v_row FROM unnest(lines) l
    GROUP BY l.product HAVING sum(l.qty) < min(l.moq) ORDER BY l.product LIMIT 1;
    IF FOUND THEN
        refusal := op_refusal('bad_request',
            format('product %s has a minimum order of %s units; the order has %s',
                   v_row.product, v_row.moq, v_row.qty),
            jsonb_build_object('product', v_row.product, 'moq', v_row.moq));
    END IF;
END
$$;

