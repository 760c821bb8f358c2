-- The dashboard's kept totals (012): per fair, product, dealer and minute, kept by the
-- transactions that change orders (a batch of new orders, an amend, a cancel, a
-- rejection), never re-aggregated from the orders when one changes; they live in tables,
-- so every process and every restart sees the same numbers, and dashboard_check() proves
-- they equal an aggregate over the orders. Counted orders are those neither cancelled nor
-- rejected. (No CHECK (>= 0) on the totals: an upsert checks the row it proposes, and a
-- taking-back delta proposes negative numbers.)
--
-- Each writer applies its deltas once, at the end of its transaction, in one lock order
-- after everything else it holds: product rows, then dealer rows, then minute rows (each
-- by key), then the fair's row. Two writers can therefore never wait for each other in a
-- cycle.

-- The dealers whose totals a transaction changed, for their attainment (split to stay far
-- below NOTIFY's 8000 bytes).
CREATE OR REPLACE FUNCTION dealer_totals_notify(p_fair bigint, p_dealers bigint[]) RETURNS void
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

-- Adds whole orders to a fair's totals: per order its dealer, created_at, count (1 added,
-- -1 taken back), units and amount; per line its product, units and amount. Locks the
-- totals rows in key order (products, dealers, minutes, the fair), after every other lock
-- of its caller.
CREATE OR REPLACE FUNCTION totals_add(p_fair bigint, p_dealers bigint[], p_at timestamptz[],
                                      p_orders integer[], p_units bigint[], p_amounts bigint[],
                                      p_products bigint[], p_product_units bigint[],
                                      p_product_amounts bigint[])
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO fair_product_totals AS t (fair_id, product_id, units, amount)
    SELECT p_fair, p.product, sum(p.units), sum(p.amount)
    FROM unnest(p_products, p_product_units, p_product_amounts) AS p(product, units, amount)
    GROUP BY 2 ORDER BY 2
    ON CONFLICT (fair_id, product_id) DO UPDATE
        SET units = t.units + excluded.units, amount = t.amount + excluded.amount;
    INSERT INTO fair_dealer_totals AS t (fair_id, dealer_id, orders, units, amount)
    SELECT p_fair, o.dealer, sum(o.orders), sum(o.units), sum(o.amount)
    FROM unnest(p_dealers, p_orders, p_units, p_amounts) AS o(dealer, orders, units, amount)
    GROUP BY 2 ORDER BY 2
    ON CONFLICT (fair_id, dealer_id) DO UPDATE
        SET orders = t.orders + excluded.orders, units = t.units + excluded.units,
            amount = t.amount + excluded.amount;
    INSERT INTO fair_minute_totals AS t (fair_id, minute, orders, amount)
    SELECT p_fair, date_trunc('minute', o.at), sum(o.orders), sum(o.amount)
    FROM unnest(p_at, p_orders, p_amounts) AS o(at, orders, amount)
    GROUP BY 2 ORDER BY 2
    ON CONFLICT (fair_id, minute) DO UPDATE
        SET orders = t.orders + excluded.orders, amount = t.amount + excluded.amount;
    INSERT INTO fair_totals AS t (fair_id, orders, units, amount, updated_at)
    SELECT p_fair, coalesce(sum(o.orders), 0), coalesce(sum(o.units), 0),
           coalesce(sum(o.amount), 0), clock_timestamp()
    FROM unnest(p_orders, p_units, p_amounts) AS o(orders, units, amount)
    ON CONFLICT (fair_id) DO UPDATE
        SET orders = t.orders + excluded.orders, units = t.units + excluded.units,
            amount = t.amount + excluded.amount, updated_at = excluded.updated_at;
    PERFORM pg_notify('fair_totals', p_fair::text);
    PERFORM dealer_totals_notify(p_fair, ARRAY(SELECT DISTINCT d FROM unnest(p_dealers) d));
    -- Their totals moved: their orders' discounts follow (a fair without policies: one probe).
    PERFORM policy_restamp(p_fair, p_dealers);
END
$$;

-- The deltas of whole orders as they are now (p_sign 1: added, -1: taken back), for
-- totals_apply: callers concatenate the rows of everything their transaction changed and
-- apply them once. Planned without sequential scans (020): a plan kept from nearly empty
-- tables compared every row with the whole array, 180 ms a batch instead of 12 once the
-- fair had 100,000 orders; the key lookups (one index scan walking the sorted array) stay,
-- however old the statistics.
CREATE OR REPLACE FUNCTION totals_order_rows(p_orders bigint[], p_sign integer,
                                             OUT orders jsonb, OUT products jsonb)
LANGUAGE plpgsql STABLE SET enable_seqscan = off AS $$
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

-- Applies deltas: p_orders [{dealer, minute, orders, units, amount}] per order touched,
-- p_products [{product, units, amount}], both of one fair, as totals_order_rows gives them
-- (its callers concatenate them). Through totals_add (021), which announces the change once
-- per transaction and the dealers whose attainment moved.
CREATE OR REPLACE FUNCTION totals_apply(p_fair bigint, p_orders jsonb, p_products jsonb)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    v_dealers bigint[];
    v_at timestamptz[];
    v_orders integer[];
    v_units bigint[];
    v_amounts bigint[];
    v_products bigint[];
    v_product_units bigint[];
    v_product_amounts bigint[];
BEGIN
    SELECT coalesce(array_agg((e->>'dealer')::bigint ORDER BY n), '{}'),
           coalesce(array_agg((e->>'minute')::timestamptz ORDER BY n), '{}'),
           coalesce(array_agg((e->>'orders')::integer ORDER BY n), '{}'),
           coalesce(array_agg((e->>'units')::bigint ORDER BY n), '{}'),
           coalesce(array_agg((e->>'amount')::bigint ORDER BY n), '{}')
    INTO v_dealers, v_at, v_orders, v_units, v_amounts
    FROM jsonb_array_elements(p_orders) WITH ORDINALITY AS x(e, n);
    SELECT coalesce(array_agg((e->>'product')::bigint ORDER BY n), '{}'),
           coalesce(array_agg((e->>'units')::bigint ORDER BY n), '{}'),
           coalesce(array_agg((e->>'amount')::bigint ORDER BY n), '{}')
    INTO v_products, v_product_units, v_product_amounts
    FROM jsonb_array_elements(p_products) WITH ORDINALITY AS x(e, n);
    PERFORM totals_add(p_fair, v_dealers, v_at, v_orders, v_units, v_amounts, v_products,
                       v_product_units, v_product_amounts);
END
$$;
