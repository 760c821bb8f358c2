-- The dealers' category and style rows that the dashboard's by_category and must_order
-- read (031): fair_dealer_category_orders, per fair, category and dealer, how many of the
-- dealer's counted orders have a line of the category; fair_dealer_styles, the (style,
-- dealer) pairs with a counted order with a line of the style. Statement triggers keep
-- them, as dealer_credit is kept: on order_lines (the changed lines of the orders that
-- count now), on orders (a status across counted and not: every line of those orders) and
-- on products (a new category: its dealers' rows counted again). The views
-- dealer_category_counted and dealer_styles_counted (views.sql) count the same from the
-- orders, for dashboard_check(). The rules, what they cost and their locks:
-- sql/031_dashboard_mix.sql's header.

-- Applies changed lines: (p_orders[i], p_variants[i]) added to their order (p_signs[i] 1)
-- or taken from it (-1) by the statement that has just run. With p_counting_only, lines of
-- orders that do not count now are left out (a line trigger); a status trigger passes every
-- line of the orders that began or stopped counting. Planned without sequential scans (as
-- totals_order_rows since 020): a plan kept from a nearly empty order_lines must not scan
-- it once the fair is busy.
CREATE OR REPLACE FUNCTION dealer_line_totals_move(p_orders bigint[], p_variants bigint[],
                                                   p_signs integer[], p_counting_only boolean)
RETURNS void LANGUAGE plpgsql SET jit = off SET enable_seqscan = off AS $$
DECLARE
    v_fair bigint[];
    v_dealer bigint[];
    v_order bigint[];
    v_product bigint[];
    v_category text[];
    v_now bigint[];
    v_before bigint[];
    v_lost boolean;
BEGIN
    -- Per order and product: its lines there now (none for an order that does not count)
    -- and before the statement.
    WITH changed AS (
        SELECT x.order_id, v.product_id, sum(x.sign) AS lines
        FROM unnest(p_orders, p_variants, p_signs) AS x(order_id, variant_id, sign)
        JOIN variants v ON v.id = x.variant_id
        GROUP BY 1, 2
    ), o AS MATERIALIZED (
        -- `id = ANY (array)`, not `IN (SELECT ...)`: the join was planned, early in a fair,
        -- as a nested loop over every changed row per order (quadratic in the batch)
        SELECT o.id, o.fair_id, o.dealer_id,
               o.status NOT IN ('cancelled', 'rejected') AS counts
        FROM orders o WHERE o.id = ANY (p_orders)
    ), now_lines AS (
        SELECT l.order_id, v.product_id, count(*) AS lines
        FROM order_lines l JOIN variants v ON v.id = l.variant_id
        WHERE l.order_id = ANY (ARRAY(SELECT o.id FROM o WHERE o.counts))
        GROUP BY 1, 2
    )
    SELECT array_agg(o.fair_id), array_agg(o.dealer_id), array_agg(o.id),
           array_agg(p.id), array_agg(p.category),
           array_agg(coalesce(n.lines, 0)),
           array_agg(coalesce(n.lines, 0) - coalesce(c.lines, 0))
    INTO v_fair, v_dealer, v_order, v_product, v_category, v_now, v_before
    FROM changed c
    FULL JOIN now_lines n ON n.order_id = c.order_id AND n.product_id = c.product_id
    JOIN o ON o.id = coalesce(c.order_id, n.order_id)
    JOIN products p ON p.id = coalesce(c.product_id, n.product_id)
    WHERE o.counts OR NOT p_counting_only;
    IF v_fair IS NULL THEN
        RETURN;
    END IF;
    v_lost := EXISTS (SELECT 1 FROM unnest(v_now, v_before) AS x(lines_now, lines_before)
                      WHERE x.lines_now <= 0 AND x.lines_before > 0);

    -- Style pairs: gained by an order (there already, mostly), lost by one (gone unless
    -- another counted order of the dealer has a line of the style).
    INSERT INTO fair_dealer_styles (fair_id, product_id, dealer_id)
    SELECT DISTINCT x.fair, x.product, x.dealer
    FROM unnest(v_fair, v_product, v_dealer, v_now, v_before)
         AS x(fair, product, dealer, lines_now, lines_before)
    WHERE x.lines_now > 0 AND x.lines_before <= 0
    ORDER BY 1, 2, 3
    ON CONFLICT DO NOTHING;
    IF v_lost THEN
        DELETE FROM fair_dealer_styles s
        USING (SELECT DISTINCT x.fair, x.product, x.dealer
               FROM unnest(v_fair, v_product, v_dealer, v_now, v_before)
                    AS x(fair, product, dealer, lines_now, lines_before)
               WHERE x.lines_now <= 0 AND x.lines_before > 0) x
        WHERE s.fair_id = x.fair AND s.product_id = x.product AND s.dealer_id = x.dealer
          AND NOT EXISTS (SELECT 1 FROM orders o
                          JOIN order_lines l ON l.order_id = o.id
                          JOIN variants v ON v.id = l.variant_id
                          WHERE o.dealer_id = x.dealer AND o.fair_id = x.fair
                            AND o.status NOT IN ('cancelled', 'rejected')
                            AND v.product_id = x.product);
    END IF;

    -- Category rows: per order, whether it has lines of the category now and had before.
    INSERT INTO fair_dealer_category_orders AS t (fair_id, category, dealer_id, orders)
    SELECT y.fair, y.category, y.dealer,
           sum((y.lines_now > 0)::integer - (y.lines_before > 0)::integer)
    FROM (SELECT x.fair, x.category, x.dealer, x.ord, sum(x.lines_now) AS lines_now,
                 sum(x.lines_before) AS lines_before
          FROM unnest(v_fair, v_category, v_dealer, v_order, v_now, v_before)
               AS x(fair, category, dealer, ord, lines_now, lines_before)
          GROUP BY 1, 2, 3, 4) y
    GROUP BY 1, 2, 3
    HAVING sum((y.lines_now > 0)::integer - (y.lines_before > 0)::integer) <> 0
    ORDER BY 1, 2, 3
    ON CONFLICT (fair_id, category, dealer_id) DO UPDATE SET orders = t.orders + excluded.orders;
END
$$;

-- The lines a statement added (new_lines), changed (both) or removed (old_lines).
CREATE OR REPLACE FUNCTION dealer_line_totals_follow_lines() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM dealer_line_totals_move(array_agg(n.order_id), array_agg(n.variant_id),
                                        array_fill(1, ARRAY[count(*)::integer]), true)
        FROM new_lines n HAVING count(*) > 0;
    ELSIF TG_OP = 'UPDATE' THEN
        PERFORM dealer_line_totals_move(array_agg(x.order_id), array_agg(x.variant_id),
                                        array_agg(x.sign), true)
        FROM (SELECT o.order_id, o.variant_id, -1 AS sign FROM old_lines o
              UNION ALL
              SELECT n.order_id, n.variant_id, 1 FROM new_lines n) x
        HAVING count(*) > 0;
    ELSE
        PERFORM dealer_line_totals_move(array_agg(o.order_id), array_agg(o.variant_id),
                                        array_fill(-1, ARRAY[count(*)::integer]), true)
        FROM old_lines o HAVING count(*) > 0;
    END IF;
    RETURN NULL;
END
$$;

-- Orders that began or stopped counting (a cancellation, a rejection): all their lines.
CREATE OR REPLACE FUNCTION dealer_line_totals_follow_status() RETURNS trigger LANGUAGE plpgsql
SET enable_seqscan = off AS $$
BEGIN
    PERFORM dealer_line_totals_move(array_agg(l.order_id), array_agg(l.variant_id),
                                    array_agg(x.sign), false)
    FROM (SELECT n.id, CASE WHEN n.status NOT IN ('cancelled', 'rejected') THEN 1 ELSE -1 END
                 AS sign
          FROM old_orders o JOIN new_orders n ON n.id = o.id
          WHERE (o.status NOT IN ('cancelled', 'rejected'))
                <> (n.status NOT IN ('cancelled', 'rejected'))) x
    JOIN order_lines l ON l.order_id = x.id
    HAVING count(*) > 0;
    RETURN NULL;
END
$$;

-- A style moved to another category: the category rows of its dealers, at every fair where
-- they ordered it, counted again from their orders.
CREATE OR REPLACE FUNCTION dealer_line_totals_recategorize() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_fairs bigint[];
    v_dealers bigint[];
BEGIN
    SELECT array_agg(x.fair_id), array_agg(x.dealer_id) INTO v_fairs, v_dealers
    FROM (SELECT DISTINCT s.fair_id, s.dealer_id
          FROM old_products o JOIN new_products n ON n.id = o.id AND n.category <> o.category
          JOIN fair_dealer_styles s ON s.product_id = n.id
          ORDER BY 1, 2) x;
    IF v_fairs IS NULL THEN
        RETURN NULL;
    END IF;
    DELETE FROM fair_dealer_category_orders t
    USING unnest(v_fairs, v_dealers) AS x(fair, dealer)
    WHERE t.fair_id = x.fair AND t.dealer_id = x.dealer;
    INSERT INTO fair_dealer_category_orders (fair_id, category, dealer_id, orders)
    SELECT c.fair_id, c.category, c.dealer_id, c.orders
    FROM unnest(v_fairs, v_dealers) AS x(fair, dealer)
    CROSS JOIN LATERAL (SELECT * FROM dealer_category_counted c
                        WHERE c.fair_id = x.fair AND c.dealer_id = x.dealer) c
    ORDER BY 1, 2, 3;
    RETURN NULL;
END
$$;
