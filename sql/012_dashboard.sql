-- 012: the brand manager's live dashboard (PROTOCOL.md, Brand manager dashboard).
--
-- Totals are kept incrementally by the transactions that change orders (a batch of new
-- orders, an amend, a cancel, a rejection), never re-aggregated from the orders when one
-- changes. They live in tables, so every server process and every restart sees the same
-- numbers, and dashboard_check() proves they equal an aggregate over the orders.
--
-- Counted orders are those neither cancelled nor rejected. (No CHECK (>= 0) on the totals:
-- an upsert checks the row it proposes, and a taking-back delta proposes negative numbers.) Each writer applies its deltas
-- once, at the end of its transaction, in one lock order after everything else it holds:
-- product rows, then dealer rows, then minute rows (each by key), then the fair's row. Two
-- writers can therefore never wait for each other in a cycle.

CREATE TABLE fair_totals (
    fair_id    bigint PRIMARY KEY REFERENCES fairs ON DELETE CASCADE,
    orders     integer NOT NULL DEFAULT 0,
    units      bigint NOT NULL DEFAULT 0,
    amount     bigint NOT NULL DEFAULT 0,
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE fair_dealer_totals (
    fair_id   bigint NOT NULL REFERENCES fairs ON DELETE CASCADE,
    dealer_id bigint NOT NULL REFERENCES dealers,
    orders    integer NOT NULL DEFAULT 0,
    units     bigint NOT NULL DEFAULT 0,
    amount    bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (fair_id, dealer_id)
);

CREATE TABLE fair_product_totals (
    fair_id    bigint NOT NULL REFERENCES fairs ON DELETE CASCADE,
    product_id bigint NOT NULL REFERENCES products,
    units      bigint NOT NULL DEFAULT 0,
    amount     bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (fair_id, product_id)
);

-- By the minute the orders were placed (a cancellation takes its order back out of the
-- minute it was placed in).
CREATE TABLE fair_minute_totals (
    fair_id bigint NOT NULL REFERENCES fairs ON DELETE CASCADE,
    minute  timestamptz NOT NULL,
    orders  integer NOT NULL DEFAULT 0,
    amount  bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (fair_id, minute)
);

-- Orders already there when this migration runs are counted once, here.
INSERT INTO fair_product_totals (fair_id, product_id, units, amount)
SELECT o.fair_id, v.product_id, sum(l.qty), sum(l.qty::bigint * l.price)
FROM orders o JOIN order_lines l ON l.order_id = o.id JOIN variants v ON v.id = l.variant_id
WHERE o.status NOT IN ('cancelled', 'rejected') GROUP BY 1, 2;
INSERT INTO fair_dealer_totals (fair_id, dealer_id, orders, units, amount)
SELECT o.fair_id, o.dealer_id, count(*),
       sum((SELECT coalesce(sum(l.qty), 0) FROM order_lines l WHERE l.order_id = o.id)),
       sum(o.total)
FROM orders o WHERE o.status NOT IN ('cancelled', 'rejected') GROUP BY 1, 2;
INSERT INTO fair_minute_totals (fair_id, minute, orders, amount)
SELECT fair_id, date_trunc('minute', created_at), count(*), sum(total)
FROM orders WHERE status NOT IN ('cancelled', 'rejected') GROUP BY 1, 2;
INSERT INTO fair_totals (fair_id, orders, units, amount)
SELECT fair_id, sum(orders), sum(units), sum(amount) FROM fair_dealer_totals GROUP BY 1;

-- The dealers whose totals a transaction changed, for their attainment (split to stay far
-- below NOTIFY's 8000 bytes).
CREATE FUNCTION dealer_totals_notify(p_fair bigint, p_dealers bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_chunk text;
BEGIN
    FOR v_chunk IN
        SELECT string_agg(d::text, ',') FROM
            (SELECT d, (row_number() OVER (ORDER BY d) - 1) / 500 AS part
             FROM unnest(p_dealers) AS d GROUP BY d) x
        GROUP BY part
    LOOP
        PERFORM pg_notify('dealer_totals', p_fair || ':' || v_chunk);
    END LOOP;
END
$$;

-- Applies deltas: p_orders [{dealer, minute, orders, units, amount}] per order touched,
-- p_products [{product, units, amount}]; both of one fair. Announces the change once per
-- transaction (identical NOTIFYs of one transaction are sent once), and the dealers whose
-- attainment moved (013).
CREATE FUNCTION totals_apply(p_fair bigint, p_orders jsonb, p_products jsonb) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO fair_product_totals AS t (fair_id, product_id, units, amount)
    SELECT p_fair, (e->>'product')::bigint, sum((e->>'units')::bigint),
           sum((e->>'amount')::bigint)
    FROM jsonb_array_elements(p_products) e GROUP BY 2 ORDER BY 2
    ON CONFLICT (fair_id, product_id) DO UPDATE
        SET units = t.units + excluded.units, amount = t.amount + excluded.amount;
    INSERT INTO fair_dealer_totals AS t (fair_id, dealer_id, orders, units, amount)
    SELECT p_fair, (e->>'dealer')::bigint, sum((e->>'orders')::integer),
           sum((e->>'units')::bigint), sum((e->>'amount')::bigint)
    FROM jsonb_array_elements(p_orders) e GROUP BY 2 ORDER BY 2
    ON CONFLICT (fair_id, dealer_id) DO UPDATE
        SET orders = t.orders + excluded.orders, units = t.units + excluded.units,
            amount = t.amount + excluded.amount;
    INSERT INTO fair_minute_totals AS t (fair_id, minute, orders, amount)
    SELECT p_fair, (e->>'minute')::timestamptz, sum((e->>'orders')::integer),
           sum((e->>'amount')::bigint)
    FROM jsonb_array_elements(p_orders) e GROUP BY 2 ORDER BY 2
    ON CONFLICT (fair_id, minute) DO UPDATE
        SET orders = t.orders + excluded.orders, amount = t.amount + excluded.amount;
    INSERT INTO fair_totals AS t (fair_id, orders, units, amount, updated_at)
    SELECT p_fair, coalesce(sum((e->>'orders')::integer), 0),
           coalesce(sum((e->>'units')::bigint), 0), coalesce(sum((e->>'amount')::bigint), 0),
           clock_timestamp()
    FROM jsonb_array_elements(p_orders) e
    ON CONFLICT (fair_id) DO UPDATE
        SET orders = t.orders + excluded.orders, units = t.units + excluded.units,
            amount = t.amount + excluded.amount, updated_at = excluded.updated_at;
    PERFORM pg_notify('fair_totals', p_fair::text);
    PERFORM dealer_totals_notify(p_fair,
        ARRAY(SELECT DISTINCT (e->>'dealer')::bigint FROM jsonb_array_elements(p_orders) e));
END
$$;

-- The deltas of whole orders as they are now (p_sign 1: added, -1: taken back), for
-- totals_apply: callers concatenate the rows of everything their transaction changed and
-- apply them once.
CREATE FUNCTION totals_order_rows(p_orders bigint[], p_sign integer,
                                  OUT orders jsonb, OUT products jsonb)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    SELECT coalesce(jsonb_agg(jsonb_build_object('dealer', o.dealer_id,
               'minute', date_trunc('minute', o.created_at), 'orders', p_sign,
               'units', p_sign * (SELECT coalesce(sum(l.qty), 0) FROM order_lines l
                                  WHERE l.order_id = o.id),
               'amount', p_sign * o.total)), '[]')
    INTO orders FROM orders o WHERE o.id = ANY (p_orders);
    SELECT coalesce(jsonb_agg(jsonb_build_object('product', v.product_id,
               'units', p_sign * l.qty, 'amount', p_sign * l.qty * l.price)), '[]')
    INTO products
    FROM order_lines l JOIN variants v ON v.id = l.variant_id
    WHERE l.order_id = ANY (p_orders);
END
$$;

-- The figures of a fair's dashboard, from the kept totals (and the stock for sell-through,
-- the presence of every process for who is online).
CREATE FUNCTION dashboard_json(p_fair bigint) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
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
                'product', x.product_id, 'style', p.style, 'name', p.name,
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
            JOIN LATERAL (SELECT p.style, p.name FROM products p
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

-- dashboard.watch {fair}: the snapshot (P0002 for an unknown fair).
CREATE FUNCTION dashboard_watch(p_fair bigint) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
BEGIN
    PERFORM fair_must_exist(p_fair);
    RETURN dashboard_json(p_fair);
END
$$;

-- Proof that the kept totals equal an aggregate over the fair's counted orders: the rows
-- where they differ (none when all is well). For tests and operators.
CREATE FUNCTION dashboard_check(p_fair bigint)
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
                      ON c.minute = k.minute)
    SELECT 'fair', kept, counted FROM fair WHERE kept IS DISTINCT FROM counted
    UNION ALL SELECT 'dealer ' || id, kept, counted FROM dealer WHERE kept <> counted
    UNION ALL SELECT 'product ' || id, kept, counted FROM product WHERE kept <> counted
    UNION ALL SELECT 'minute ' || rfc3339(id), kept, counted FROM minute WHERE kept <> counted
$$;

-- What a chart of a fair shows (GET /api/fairs/<id>/chart.png): {title, kind: bars|line,
-- unit, labels, values}, amounts in the currency's major unit. NULL for an unknown fair.
-- Metrics: units_by_product and sell_through (the p_limit best items), amount_per_minute
-- (every minute from the first order to the last, in the fair's time zone), by_region.
CREATE FUNCTION chart_data(p_fair bigint, p_metric text, p_limit integer) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_fair fairs;
    v_rows jsonb;
BEGIN
    SELECT * INTO v_fair FROM fairs WHERE id = p_fair;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    IF p_metric = 'units_by_product' THEN
        SELECT coalesce(jsonb_agg(jsonb_build_array(x.label, x.v) ORDER BY x.v DESC, x.label), '[]')
        INTO v_rows
        FROM (SELECT p.style || ' ' || p.name AS label, t.units AS v
              FROM fair_product_totals t JOIN products p ON p.id = t.product_id
              WHERE t.fair_id = p_fair AND t.units > 0
              ORDER BY t.units DESC, p.style LIMIT p_limit) x;
        RETURN jsonb_build_object('title', v_fair.name || ' · 各款訂量 Units by product',
            'kind', 'bars', 'unit', ' 件', 'rows', v_rows);
    ELSIF p_metric = 'sell_through' THEN
        SELECT coalesce(jsonb_agg(jsonb_build_array(x.label, x.v) ORDER BY x.v DESC, x.label), '[]')
        INTO v_rows
        FROM (SELECT p.style || ' ' || p.name AS label,
                     round(100.0 * sum(s.sold) / nullif(sum(s.allocation), 0), 1) AS v
              FROM stock s JOIN products p ON p.id = s.product_id
              WHERE s.fair_id = p_fair
              GROUP BY p.style, p.name HAVING sum(s.allocation) > 0
              ORDER BY 2 DESC, 1 LIMIT p_limit) x;
        RETURN jsonb_build_object('title', v_fair.name || ' · 售罄率 Sell-through',
            'kind', 'bars', 'unit', '%', 'rows', v_rows);
    ELSIF p_metric = 'by_region' THEN
        SELECT coalesce(jsonb_agg(jsonb_build_array(x.region, x.v) ORDER BY x.v DESC, x.region), '[]')
        INTO v_rows
        FROM (SELECT d.region, round(sum(t.amount) / 100.0, 2) AS v
              FROM fair_dealer_totals t JOIN dealers d ON d.id = t.dealer_id
              WHERE t.fair_id = p_fair GROUP BY d.region HAVING sum(t.amount) > 0
              ORDER BY 2 DESC LIMIT p_limit) x;
        RETURN jsonb_build_object('title', v_fair.name || ' · 各區訂貨額 Amount by region',
            'kind', 'bars', 'unit', '', 'rows', v_rows);
    ELSIF p_metric = 'amount_per_minute' THEN
        SELECT coalesce(jsonb_agg(jsonb_build_array(
                   to_char(g.minute AT TIME ZONE v_fair.timezone, 'HH24:MI'),
                   round(coalesce(m.amount, 0) / 100.0, 2)) ORDER BY g.minute), '[]')
        INTO v_rows
        FROM (SELECT generate_series(min(minute), max(minute), interval '1 minute') AS minute
              FROM fair_minute_totals WHERE fair_id = p_fair) g
        LEFT JOIN fair_minute_totals m ON m.fair_id = p_fair AND m.minute = g.minute;
        RETURN jsonb_build_object('title', v_fair.name || ' · 每分鐘訂貨額 Amount per minute',
            'kind', 'line', 'unit', '', 'rows', v_rows);
    END IF;
    RAISE EXCEPTION 'unknown metric %', p_metric USING ERRCODE = '22023';
END
$$;

-- A dealer's order summary for its share card (GET /api/fairs/<id>/share.png): the fair, the
-- dealer, its counted orders' totals and its five biggest styles. NULL when the fair or the
-- dealer does not exist.
CREATE FUNCTION share_data(p_fair bigint, p_dealer bigint) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_fair fairs;
    v_dealer dealers;
BEGIN
    SELECT * INTO v_fair FROM fairs WHERE id = p_fair;
    SELECT * INTO v_dealer FROM dealers WHERE id = p_dealer;
    IF v_fair.id IS NULL OR v_dealer.id IS NULL THEN
        RETURN NULL;
    END IF;
    RETURN (SELECT jsonb_build_object(
        'fair', v_fair.name, 'season', v_fair.season, 'currency', v_fair.currency,
        'dealer', v_dealer.name,
        'orders', coalesce(t.orders, 0), 'units', coalesce(t.units, 0),
        'amount', coalesce(t.amount, 0),
        'styles', (SELECT coalesce(jsonb_agg(jsonb_build_array(x.label, x.units)
                                             ORDER BY x.units DESC, x.label), '[]')
                   FROM (SELECT p.style || ' ' || p.name AS label, sum(l.qty) AS units
                         FROM orders o JOIN order_lines l ON l.order_id = o.id
                         JOIN variants v ON v.id = l.variant_id
                         JOIN products p ON p.id = v.product_id
                         WHERE o.fair_id = p_fair AND o.dealer_id = p_dealer
                           AND o.status NOT IN ('cancelled', 'rejected')
                         GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 5) x))
    FROM (SELECT p_fair AS fair_id) f
    LEFT JOIN fair_dealer_totals t ON t.fair_id = f.fair_id AND t.dealer_id = p_dealer);
END
$$;
