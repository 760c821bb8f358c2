-- dashboard.watch (PROTOCOL.md, Brand manager dashboard): the figures, read from the kept
-- rows (totals.sql, dealer_lines.sql) and the ranking boards (targets/attainment.sql); and
-- dashboard_check(), the proof that the kept rows equal the orders.

-- The figures of a fair's dashboard, from the kept totals (and the stock for sell-through,
-- the presence of every process for who is online).
CREATE OR REPLACE FUNCTION dashboard_json(p_fair bigint) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN jsonb_build_object(
        'totals', (SELECT jsonb_build_object('orders', coalesce(t.orders, 0),
                       'units', coalesce(t.units, 0), 'amount', coalesce(t.amount, 0),
                       'dealers', (SELECT count(*) FROM fair_dealer_totals d
                                   WHERE d.fair_id = p_fair AND d.orders > 0))
                   FROM (SELECT p_fair AS id) f
                   LEFT JOIN fair_totals t ON t.fair_id = f.id),
        -- the 100 best-selling items (a fair may have thousands: the report has them all)
        'by_product', (SELECT coalesce(jsonb_agg(jsonb_build_object(
                'product', x.product_id, 'style', p.style, 'name', p.name, 'name_en', p.name_en,
                'units', x.units, 'amount', x.amount, 'allocation', st.allocation,
                'sell_through', CASE WHEN st.allocation > 0
                                THEN round(st.sold::numeric / st.allocation, 4) ELSE 0 END)
                ORDER BY x.amount DESC, x.sort, x.product_id), '[]')
            FROM (SELECT i.product_id, i.sort, coalesce(t.units, 0) AS units,
                         coalesce(t.amount, 0) AS amount
                  FROM fair_items i
                  LEFT JOIN fair_product_totals t ON t.fair_id = i.fair_id
                                                 AND t.product_id = i.product_id
                  WHERE i.fair_id = p_fair
                  ORDER BY coalesce(t.amount, 0) DESC, i.sort, i.product_id
                  LIMIT 100) x
            JOIN LATERAL (SELECT p.style, p.name, p.name_en FROM products p
                          WHERE p.id = x.product_id) p ON true
            JOIN LATERAL (SELECT coalesce(sum(s.allocation), 0) AS allocation,
                                 coalesce(sum(s.sold), 0) AS sold
                          FROM stock s WHERE s.fair_id = p_fair
                            AND s.product_id = x.product_id) st ON true),
        'by_region', (SELECT coalesce(jsonb_agg(jsonb_build_object('region', r.region,
                'orders', r.orders, 'units', r.units, 'amount', r.amount, 'dealers', r.dealers)
                ORDER BY r.amount DESC, r.region), '[]')
            FROM (SELECT d.region, sum(t.orders) AS orders, sum(t.units) AS units,
                         sum(t.amount) AS amount, count(*) FILTER (WHERE t.orders > 0) AS dealers
                  FROM fair_dealer_totals t JOIN dealers d ON d.id = t.dealer_id
                  WHERE t.fair_id = p_fair GROUP BY d.region) r),
        'by_tier', (SELECT coalesce(jsonb_agg(jsonb_build_object('tier', r.tier,
                'orders', r.orders, 'units', r.units, 'amount', r.amount, 'dealers', r.dealers)
                ORDER BY r.tier), '[]')
            FROM (SELECT d.tier, sum(t.orders) AS orders, sum(t.units) AS units,
                         sum(t.amount) AS amount, count(*) FILTER (WHERE t.orders > 0) AS dealers
                  FROM fair_dealer_totals t JOIN dealers d ON d.id = t.dealer_id
                  WHERE t.fair_id = p_fair GROUP BY d.tier) r),
        'top_dealers', (SELECT coalesce(jsonb_agg(jsonb_build_object('dealer', x.dealer_id,
                'name', x.name, 'region', x.region, 'tier', x.tier, 'orders', x.orders,
                'units', x.units, 'amount', x.amount) ORDER BY x.amount DESC, x.dealer_id), '[]')
            FROM (SELECT t.*, d.name, d.region, d.tier FROM fair_dealer_totals t
                  JOIN dealers d ON d.id = t.dealer_id
                  WHERE t.fair_id = p_fair AND t.orders > 0
                  ORDER BY t.amount DESC, t.dealer_id LIMIT 10) x),
        'per_minute', (SELECT coalesce(jsonb_agg(jsonb_build_object('minute', rfc3339(m.minute),
                'orders', m.orders, 'amount', m.amount) ORDER BY m.minute), '[]')
            FROM fair_minute_totals m WHERE m.fair_id = p_fair
              AND m.minute >= (SELECT date_trunc('minute', starts_at) FROM fairs
                               WHERE id = p_fair)),
        'online', (SELECT coalesce(sum(online), 0) FROM presence
                   WHERE fair_id = p_fair AND updated_at > now() - interval '10 seconds'));
END
$$;

-- by_category: the categories with counted orders, the largest amount first; units and
-- amount from the products' kept totals (012), orders and dealers from the category rows.
CREATE OR REPLACE FUNCTION dashboard_categories_json(p_fair bigint) RETURNS jsonb
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
CREATE OR REPLACE FUNCTION dashboard_must_order_json(p_fair bigint, p_dealers bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    WITH must AS MATERIALIZED (
        SELECT i.product_id, i.sort, p.style, p.name, p.name_en
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
                         'style', m.style, 'name', m.name, 'name_en', m.name_en,
                         'dealers_ordered', coalesce(n.dealers, 0))
                         ORDER BY m.sort, m.product_id), '[]')
                     FROM must m LEFT JOIN per_style n ON n.product_id = m.product_id))
$$;

-- dashboard.watch {fair}: the snapshot (P0002 for an unknown fair): the dashboard (012)
-- with the ranking boards (013), by category and the must-order styles (031).
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

-- Proof that the kept totals equal an aggregate over the fair's counted orders: the rows
-- where they differ (none when all is well), with 'dealer category D:C' and 'dealer style
-- D:P' where the dealers' kept rows differ from the orders (031). For tests and operators.
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
