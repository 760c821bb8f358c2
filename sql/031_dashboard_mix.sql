-- 031: the dashboard's figures by category and its must-order compliance (issue 23).
--
-- dashboard.watch and its `totals` pushes gain
--   by_category: [{category, orders, units, amount, dealers}], the categories with counted
--     orders, the largest amount first; and
--   must_order: {styles, dealers, complete, by_style: [{product, style, name,
--     dealers_ordered}]}, the fair's must-order styles and how many of the dealers who
--     ordered at the fair ordered them (PROTOCOL.md, dashboard.watch).
-- Counted orders are those neither cancelled nor rejected, as in every dashboard figure.
--
-- The pushes go out up to 4 times a second per fair, so both are read from kept rows, as
-- by_region and by_tier are (012), never from the orders:
--   * units and amount by category: fair_product_totals (012) by the products' category now;
--   * fair_dealer_category_orders: per fair, category and dealer, how many of the dealer's
--     counted orders have a line of the category (an order counts once in each category it
--     has lines of): a category's orders, and its dealers (those with orders > 0);
--   * fair_dealer_styles: per fair, the (style, dealer) pairs with a counted order with a
--     line of the style. A dealer has "ordered" a style exactly when attainment (019, 029)
--     leaves it out of `missing`, which asks whether such an order exists: the must-order
--     figures and `missing` cannot disagree.
-- Neither can be summed from the totals of 012 (an order with two styles of one category is
-- one order of it), and the batch's totals_add (021) gets its lines without their orders. So
-- statement triggers keep them, as dealer_credit is kept (021): every writer, present and
-- future, keeps them, and order_place_batch is not copied once more.
--   * order_lines INSERT, UPDATE, DELETE (a batch's new orders, order_decide, an amend, a
--     waitlist's order): the changed lines of the orders that count now.
--   * orders UPDATE of the status across counted and not (a cancellation, a rejection):
--     every line of those orders, taken out or put back.
--   * products UPDATE of the category (fairctl import of a style again): the category rows
--     of the dealers who ordered it, counted again from their orders (rare).
-- Per order and category, the number of its lines there now is read from order_lines (an
-- index-only probe per order), and before the statement it was that less the lines the
-- statement added plus those it removed; the order counts in the category when that number
-- is above 0. (One statement that both removes and adds lines of one order through two
-- data-modifying CTEs would break this rule; no writer does, and dashboard_check() would
-- show it.) A style pair is added when an order gains a line of the style (a no-op when it
-- is there) and, when an order loses its last line of it, removed unless another counted
-- order of the dealer still has one (read from the dealer's orders: cancellations, amends
-- and rejections only). Orders are never deleted.
--
-- Cost: a batch writes one category row per new order and category (updated in place:
-- half-full pages, as dealer_credit's) and probes one style pair per new order and style
-- (inserting it the first time). Measured on a copy of the demo (20 batches of 490
-- one-style orders, pg_stat_user_functions): the triggers take ~15 ms a batch, about what
-- totals_add takes (~13 ms), some 12% of order_place_batch. The dashboard reads the fair's
-- category rows (dealers x categories) and the must-order styles' pairs by key: 0.3 + 0.4
-- ms on the demo fair, 0.9 + 1.1 ms on one of 20,000 orders from 500 dealers.
--
-- Locks: the rows are per fair and dealer. Every writer of a live fair's orders holds the
-- dealer's row before it writes lines or a status (batches, cancel, amend, waitlists), so
-- two never meet on these rows; a rejection (a closed fair, which no live writer touches)
-- writes them after that fair's fair_totals row, which two rejections take in turn. Rows
-- are written in key order. dashboard_check() now also compares these rows with the orders.

CREATE TABLE fair_dealer_category_orders (
    fair_id   bigint NOT NULL REFERENCES fairs ON DELETE CASCADE,
    category  text NOT NULL,
    dealer_id bigint NOT NULL,   -- the dealer of those orders (they keep it)
    orders    integer NOT NULL DEFAULT 0,
    PRIMARY KEY (fair_id, category, dealer_id)
) WITH (fillfactor = 50);

CREATE TABLE fair_dealer_styles (
    fair_id    bigint NOT NULL REFERENCES fairs ON DELETE CASCADE,
    product_id bigint NOT NULL,   -- a product with order lines (they keep it)
    dealer_id  bigint NOT NULL,
    PRIMARY KEY (fair_id, product_id, dealer_id)
);

-- What the two tables must hold, counted from the orders (the migration's first rows,
-- dashboard_check(), a product's new category). Filters on fair_id and dealer_id reach the
-- orders (they are grouping columns).
CREATE VIEW dealer_category_counted AS
SELECT o.fair_id, p.category, o.dealer_id, count(DISTINCT o.id) AS orders
FROM orders o JOIN order_lines l ON l.order_id = o.id JOIN variants v ON v.id = l.variant_id
JOIN products p ON p.id = v.product_id
WHERE o.status NOT IN ('cancelled', 'rejected')
GROUP BY o.fair_id, p.category, o.dealer_id;

CREATE VIEW dealer_styles_counted AS
SELECT o.fair_id, v.product_id, o.dealer_id
FROM orders o JOIN order_lines l ON l.order_id = o.id JOIN variants v ON v.id = l.variant_id
WHERE o.status NOT IN ('cancelled', 'rejected')
GROUP BY o.fair_id, v.product_id, o.dealer_id;

-- Orders already there when this migration runs are counted once, here.
INSERT INTO fair_dealer_category_orders (fair_id, category, dealer_id, orders)
SELECT fair_id, category, dealer_id, orders FROM dealer_category_counted;
INSERT INTO fair_dealer_styles (fair_id, product_id, dealer_id)
SELECT fair_id, product_id, dealer_id FROM dealer_styles_counted;

-- Applies changed lines: (p_orders[i], p_variants[i]) added to their order (p_signs[i] 1)
-- or taken from it (-1) by the statement that has just run. With p_counting_only, lines of
-- orders that do not count now are left out (a line trigger); a status trigger passes every
-- line of the orders that began or stopped counting. Planned without sequential scans (as
-- totals_order_rows since 020): a plan kept from a nearly empty order_lines must not scan
-- it once the fair is busy.
CREATE FUNCTION dealer_line_totals_move(p_orders bigint[], p_variants bigint[],
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
        SELECT o.id, o.fair_id, o.dealer_id,
               o.status NOT IN ('cancelled', 'rejected') AS counts
        FROM orders o WHERE o.id IN (SELECT c.order_id FROM changed c)
    ), now_lines AS (
        SELECT l.order_id, v.product_id, count(*) AS lines
        FROM order_lines l JOIN variants v ON v.id = l.variant_id
        WHERE l.order_id IN (SELECT o.id FROM o WHERE o.counts)
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
CREATE FUNCTION dealer_line_totals_follow_lines() RETURNS trigger LANGUAGE plpgsql AS $$
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
CREATE TRIGGER order_lines_dealer_totals_insert AFTER INSERT ON order_lines
    REFERENCING NEW TABLE AS new_lines
    FOR EACH STATEMENT EXECUTE FUNCTION dealer_line_totals_follow_lines();
CREATE TRIGGER order_lines_dealer_totals_update AFTER UPDATE ON order_lines
    REFERENCING OLD TABLE AS old_lines NEW TABLE AS new_lines
    FOR EACH STATEMENT EXECUTE FUNCTION dealer_line_totals_follow_lines();
CREATE TRIGGER order_lines_dealer_totals_delete AFTER DELETE ON order_lines
    REFERENCING OLD TABLE AS old_lines
    FOR EACH STATEMENT EXECUTE FUNCTION dealer_line_totals_follow_lines();

-- Orders that began or stopped counting (a cancellation, a rejection): all their lines.
CREATE FUNCTION dealer_line_totals_follow_status() RETURNS trigger LANGUAGE plpgsql
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
CREATE TRIGGER orders_dealer_totals_status AFTER UPDATE ON orders
    REFERENCING OLD TABLE AS old_orders NEW TABLE AS new_orders
    FOR EACH STATEMENT EXECUTE FUNCTION dealer_line_totals_follow_status();

-- A style moved to another category: the category rows of its dealers, at every fair where
-- they ordered it, counted again from their orders.
CREATE FUNCTION dealer_line_totals_recategorize() RETURNS trigger LANGUAGE plpgsql AS $$
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
CREATE TRIGGER products_dealer_totals_category AFTER UPDATE ON products
    REFERENCING OLD TABLE AS old_products NEW TABLE AS new_products
    FOR EACH STATEMENT EXECUTE FUNCTION dealer_line_totals_recategorize();

-- by_category: the categories with counted orders, the largest amount first; units and
-- amount from the products' kept totals (012), orders and dealers from the category rows.
CREATE FUNCTION dashboard_categories_json(p_fair bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT coalesce(jsonb_agg(jsonb_build_object('category', c.category, 'orders', c.orders,
               'units', coalesce(u.units, 0), 'amount', coalesce(u.amount, 0),
               'dealers', c.dealers)
               ORDER BY coalesce(u.amount, 0) DESC, c.category), '[]')
    FROM (SELECT t.category, sum(t.orders) AS orders,
                 count(*) FILTER (WHERE t.orders > 0) AS dealers
          FROM fair_dealer_category_orders t
          WHERE t.fair_id = p_fair
          GROUP BY t.category HAVING sum(t.orders) > 0) c
    LEFT JOIN (SELECT p.category, sum(t.units) AS units, sum(t.amount) AS amount
               FROM fair_product_totals t JOIN products p ON p.id = t.product_id
               WHERE t.fair_id = p_fair
               GROUP BY p.category) u ON u.category = c.category
$$;

-- must_order: the must-order styles as attainment has them (not withdrawn, in the fair's
-- order); p_dealers, the dealers with counted orders at the fair (totals.dealers); how many
-- of them ordered every one of those styles (all of them when the fair has none); and per
-- style how many ordered it. Each style's pairs are read by their key (LATERAL ... OFFSET 0:
-- a hash join read every pair of the fair).
CREATE FUNCTION dashboard_must_order_json(p_fair bigint, p_dealers bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    WITH must AS MATERIALIZED (
        SELECT i.product_id, i.sort, p.style, p.name
        FROM fair_items i JOIN products p ON p.id = i.product_id
        WHERE i.fair_id = p_fair AND i.must_order AND NOT i.withdrawn
    ), got AS MATERIALIZED (
        SELECT m.product_id, s.dealer_id
        FROM must m
        CROSS JOIN LATERAL (SELECT s.dealer_id FROM fair_dealer_styles s
                            WHERE s.fair_id = p_fair AND s.product_id = m.product_id
                            OFFSET 0) s
    ), per_style AS (
        SELECT g.product_id, count(*) AS dealers FROM got g GROUP BY g.product_id
    )
    SELECT jsonb_build_object(
        'styles', (SELECT count(*) FROM must),
        'dealers', p_dealers,
        'complete', CASE WHEN NOT EXISTS (SELECT 1 FROM must) THEN p_dealers
                         ELSE (SELECT count(*) FROM (SELECT g.dealer_id FROM got g
                                                     GROUP BY g.dealer_id
                                                     HAVING count(*) = (SELECT count(*) FROM must)) c)
                    END,
        'by_style', (SELECT coalesce(jsonb_agg(jsonb_build_object('product', m.product_id,
                         'style', m.style, 'name', m.name,
                         'dealers_ordered', coalesce(n.dealers, 0))
                         ORDER BY m.sort, m.product_id), '[]')
                     FROM must m LEFT JOIN per_style n ON n.product_id = m.product_id))
$$;

-- The dashboard (012) with the ranking boards (013), by category and the must-order styles.
CREATE OR REPLACE FUNCTION dashboard_watch(p_fair bigint) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v jsonb;
BEGIN
    PERFORM fair_must_exist(p_fair);
    v := dashboard_json(p_fair);
    RETURN v || jsonb_build_object(
        'rankings', rankings_json(p_fair),
        'by_category', dashboard_categories_json(p_fair),
        'must_order', dashboard_must_order_json(p_fair, (v->'totals'->>'dealers')::bigint));
END
$$;

-- dashboard_check (012) with the rows of this migration: 'dealer category D:C' and
-- 'dealer style D:P' where the kept rows differ from the orders.
CREATE OR REPLACE FUNCTION dashboard_check(p_fair bigint)
RETURNS TABLE (what text, kept jsonb, counted jsonb) LANGUAGE sql STABLE AS $$
    WITH o AS (SELECT * FROM orders WHERE fair_id = p_fair
               AND status NOT IN ('cancelled', 'rejected')),
    l AS (SELECT o.dealer_id, v.product_id, l.qty, l.qty::bigint * l.price AS amount
          FROM o JOIN order_lines l ON l.order_id = o.id JOIN variants v ON v.id = l.variant_id),
    fair AS (SELECT jsonb_build_object('orders', (SELECT count(*) FROM o),
                 'units', (SELECT coalesce(sum(qty), 0) FROM l),
                 'amount', (SELECT coalesce(sum(total), 0) FROM o)) AS counted,
             (SELECT jsonb_build_object('orders', coalesce(max(orders), 0),
                 'units', coalesce(max(units), 0), 'amount', coalesce(max(amount), 0))
              FROM fair_totals WHERE fair_id = p_fair) AS kept),
    dealer AS (SELECT coalesce(k.dealer_id, c.dealer_id) AS id,
                      jsonb_build_object('orders', coalesce(k.orders, 0), 'units',
                          coalesce(k.units, 0), 'amount', coalesce(k.amount, 0)) AS kept,
                      jsonb_build_object('orders', coalesce(c.orders, 0), 'units',
                          coalesce(c.units, 0), 'amount', coalesce(c.amount, 0)) AS counted
               FROM (SELECT * FROM fair_dealer_totals WHERE fair_id = p_fair) k
               FULL JOIN (SELECT o.dealer_id, count(*) AS orders, sum(o.total) AS amount,
                                 (SELECT coalesce(sum(qty), 0) FROM l
                                  WHERE l.dealer_id = o.dealer_id) AS units
                          FROM o GROUP BY o.dealer_id) c ON c.dealer_id = k.dealer_id),
    product AS (SELECT coalesce(k.product_id, c.product_id) AS id,
                       jsonb_build_object('units', coalesce(k.units, 0),
                                          'amount', coalesce(k.amount, 0)) AS kept,
                       jsonb_build_object('units', coalesce(c.units, 0),
                                          'amount', coalesce(c.amount, 0)) AS counted
                FROM (SELECT * FROM fair_product_totals WHERE fair_id = p_fair) k
                FULL JOIN (SELECT product_id, sum(qty) AS units, sum(amount) AS amount
                           FROM l GROUP BY product_id) c ON c.product_id = k.product_id),
    minute AS (SELECT coalesce(k.minute, c.minute) AS id,
                      jsonb_build_object('orders', coalesce(k.orders, 0),
                                         'amount', coalesce(k.amount, 0)) AS kept,
                      jsonb_build_object('orders', coalesce(c.orders, 0),
                                         'amount', coalesce(c.amount, 0)) AS counted
               FROM (SELECT * FROM fair_minute_totals WHERE fair_id = p_fair) k
               FULL JOIN (SELECT date_trunc('minute', created_at) AS minute, count(*) AS orders,
                                 sum(total) AS amount FROM o GROUP BY 1) c
                      ON c.minute = k.minute),
    dealer_category AS (
        SELECT coalesce(k.dealer_id, c.dealer_id) || ':' || coalesce(k.category, c.category)
                   AS id,
               jsonb_build_object('orders', coalesce(k.orders, 0)) AS kept,
               jsonb_build_object('orders', coalesce(c.orders, 0)) AS counted
        FROM (SELECT * FROM fair_dealer_category_orders WHERE fair_id = p_fair) k
        FULL JOIN (SELECT * FROM dealer_category_counted WHERE fair_id = p_fair) c
               ON c.category = k.category AND c.dealer_id = k.dealer_id),
    dealer_style AS (
        SELECT coalesce(k.dealer_id, c.dealer_id) || ':' || coalesce(k.product_id, c.product_id)
                   AS id,
               jsonb_build_object('ordered', k.dealer_id IS NOT NULL) AS kept,
               jsonb_build_object('ordered', c.dealer_id IS NOT NULL) AS counted
        FROM (SELECT * FROM fair_dealer_styles WHERE fair_id = p_fair) k
        FULL JOIN (SELECT * FROM dealer_styles_counted WHERE fair_id = p_fair) c
               ON c.product_id = k.product_id AND c.dealer_id = k.dealer_id)
    SELECT 'fair', kept, counted FROM fair WHERE kept IS DISTINCT FROM counted
    UNION ALL SELECT 'dealer ' || id, kept, counted FROM dealer WHERE kept <> counted
    UNION ALL SELECT 'product ' || id, kept, counted FROM product WHERE kept <> counted
    UNION ALL SELECT 'minute ' || rfc3339(id), kept, counted FROM minute WHERE kept <> counted
    UNION ALL SELECT 'dealer category ' || id, kept, counted FROM dealer_category
              WHERE kept <> counted
    UNION ALL SELECT 'dealer style ' || id, kept, counted FROM dealer_style
              WHERE kept <> counted
$$;
