-- 019: dealers' attainment read for many dealers at once.
--
-- The server pushes each dealer its attainment (target, what it has ordered, the must-order
-- styles still missing) as its totals move: at most every 250 ms per fair, for every dealer
-- with new orders since. attainment_events called attainment_json once per dealer, a
-- plpgsql function with two lookups and a subquery each: 154 ms for ~1,300 dealers, a fifth
-- of PostgreSQL's time while 2,000 dealers kept ordering (pg_stat_statements,
-- docs/BENCHMARKS.md). attainment_rows answers the same objects with joins over all the
-- dealers at once, and reads the orders for the missing styles only when the fair has
-- must-order items. attainment_json, attainment_events and attainment_mine answer as before.

CREATE FUNCTION attainment_rows(p_fair bigint, p_dealers bigint[])
RETURNS TABLE (n bigint, dealer bigint, attainment jsonb) LANGUAGE sql STABLE AS $$
    WITH must AS MATERIALIZED (
        SELECT i.product_id, i.sort, p.style, p.name
        FROM fair_items i JOIN products p ON p.id = i.product_id
        WHERE i.fair_id = p_fair AND i.must_order AND NOT i.withdrawn
    ), ordered AS MATERIALIZED (
        -- the must-order products each of these dealers has ordered (not cancelled or
        -- rejected), read from the lines of those products' variants: nothing to read when
        -- the fair has no must-order item
        SELECT o.dealer_id, array_agg(DISTINCT v.product_id) AS products
        FROM must mu
        JOIN variants v ON v.product_id = mu.product_id
        JOIN order_lines l ON l.variant_id = v.id
        JOIN orders o ON o.id = l.order_id
        WHERE o.fair_id = p_fair AND o.dealer_id = ANY (p_dealers)
          AND o.status NOT IN ('cancelled', 'rejected')
        GROUP BY o.dealer_id
    )
    SELECT d.n, d.id, jsonb_build_object(
        'dealer', d.id,
        'target', CASE WHEN t.id IS NULL THEN NULL
                       ELSE jsonb_build_object('amount', t.amount, 'units', t.units) END,
        'ordered', jsonb_build_object('amount', coalesce(s.amount, 0),
                                      'units', coalesce(s.units, 0)),
        'ratio', CASE WHEN t.amount > 0
                      THEN round(coalesce(s.amount, 0)::numeric / t.amount, 4) END,
        'missing', coalesce(m.missing, '[]'))
    FROM unnest(p_dealers) WITH ORDINALITY AS d(id, n)
    LEFT JOIN targets t ON t.fair_id = p_fair AND t.dealer_id = d.id
    LEFT JOIN fair_dealer_totals s ON s.fair_id = p_fair AND s.dealer_id = d.id
    LEFT JOIN ordered od ON od.dealer_id = d.id
    LEFT JOIN LATERAL (
        SELECT jsonb_agg(jsonb_build_object('product', mu.product_id, 'style', mu.style,
                                            'name', mu.name) ORDER BY mu.sort, mu.product_id)
               AS missing
        FROM must mu
        WHERE od.products IS NULL OR NOT mu.product_id = ANY (od.products)
    ) m ON true
$$;

CREATE OR REPLACE FUNCTION attainment_json(p_fair bigint, p_dealer bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT a.attainment FROM attainment_rows(p_fair, ARRAY[p_dealer]) a
$$;

CREATE OR REPLACE FUNCTION attainment_events(p_fair bigint, p_dealers bigint[]) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT coalesce(jsonb_agg(jsonb_build_object('ev', 'attainment', 'fair', p_fair)
                              || a.attainment ORDER BY a.n), '[]')
    FROM attainment_rows(p_fair, p_dealers) a
$$;
