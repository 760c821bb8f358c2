-- Attainment (013): what a dealer ordered (the kept totals of dashboard/totals.sql) against
-- its target, set per dealer or per region (the region's dealers together), and the
-- must-order styles it has not ordered yet (its `missing`). Every change that moves a
-- dealer's attainment announces the dealer (NOTIFY dealer_totals "fair:id,id,...", from
-- totals_add) or the whole fair (NOTIFY fair_targets "fair", when targets or must-order
-- styles change); each process pushes `attainment` to those dealers' sessions.

-- The attainment of many dealers at once (019): per dealer the object attainment_json
-- answers, from joins over all of them (a plpgsql call per dealer took 154 ms for ~1,300
-- dealers), reading the orders for the missing styles only when the fair has must-order
-- items. With the dealer's credit (029): {limit, open, available} in minor units, `open`
-- as dealer_credit keeps it (the dealer's open orders at every fair), `available` limit -
-- open, never below 0. An order is refused when open + its total exceeds the limit, so a
-- limit of 0 is no credit at all (0 does not mean "no limit").
CREATE OR REPLACE FUNCTION attainment_rows(p_fair bigint, p_dealers bigint[])
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
        'missing', coalesce(m.missing, '[]'),
        'credit', jsonb_build_object(
            'limit', coalesce(dl.credit_limit, 0),
            'open', coalesce(c.open_total, 0),
            'available', greatest(coalesce(dl.credit_limit, 0) - coalesce(c.open_total, 0), 0)))
    FROM unnest(p_dealers) WITH ORDINALITY AS d(id, n)
    LEFT JOIN targets t ON t.fair_id = p_fair AND t.dealer_id = d.id
    LEFT JOIN fair_dealer_totals s ON s.fair_id = p_fair AND s.dealer_id = d.id
    LEFT JOIN dealers dl ON dl.id = d.id
    LEFT JOIN dealer_credit c ON c.dealer_id = d.id
    LEFT JOIN ordered od ON od.dealer_id = d.id
    LEFT JOIN LATERAL (
        SELECT jsonb_agg(jsonb_build_object('product', mu.product_id, 'style', mu.style,
                                            'name', mu.name) ORDER BY mu.sort, mu.product_id)
               AS missing
        FROM must mu
        WHERE od.products IS NULL OR NOT mu.product_id = ANY (od.products)
    ) m ON true
$$;

-- A dealer's attainment at a fair: {dealer, target: {amount, units} | null, ordered:
-- {amount, units}, ratio (of the amount; null without a target), missing: [{product,
-- style, name}], credit: {limit, open, available}}.
CREATE OR REPLACE FUNCTION attainment_json(p_fair bigint, p_dealer bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT a.attainment FROM attainment_rows(p_fair, ARRAY[p_dealer]) a
$$;

-- The attainment pushes as one row per dealer, for the server to pass on: the dealer and
-- the text of its event, which the server pushes as it is (023: one JSON array of every
-- event, parsed and serialised again by the server, was 10% of its time while 2,000
-- dealers kept ordering).
CREATE OR REPLACE FUNCTION attainment_event_rows(p_fair bigint, p_dealers bigint[])
RETURNS TABLE (dealer bigint, event text) LANGUAGE sql STABLE AS $$
    SELECT a.dealer,
           (jsonb_build_object('ev', 'attainment', 'fair', p_fair) || a.attainment)::text
    FROM attainment_rows(p_fair, p_dealers) a
$$;

-- attainment {fair}: the caller dealer's own attainment (also pushed as it changes).
CREATE OR REPLACE FUNCTION attainment_mine(p_fair bigint, p_dealer bigint) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
BEGIN
    PERFORM fair_must_exist(p_fair);
    RETURN attainment_json(p_fair, p_dealer);
END
$$;

-- The ranking boards (訂貨排名) of the dashboard: dealers and regions by amount and by
-- attainment, the furthest behind first.
CREATE OR REPLACE FUNCTION rankings_json(p_fair bigint) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN jsonb_build_object(
        'dealers_behind', (SELECT coalesce(jsonb_agg(x.j ORDER BY x.ratio, x.id), '[]') FROM (
            SELECT d.id, coalesce(t2.amount, 0)::numeric / t.amount AS ratio,
                   jsonb_build_object('dealer', d.id, 'name', d.name, 'region', d.region,
                       'target', t.amount, 'ordered', coalesce(t2.amount, 0),
                       'ratio', round(coalesce(t2.amount, 0)::numeric / t.amount, 4)) AS j
            FROM targets t JOIN dealers d ON d.id = t.dealer_id
            LEFT JOIN fair_dealer_totals t2 ON t2.fair_id = t.fair_id AND t2.dealer_id = d.id
            WHERE t.fair_id = p_fair AND t.amount > 0
            ORDER BY 2, 1 LIMIT 20) x),
        'regions', (SELECT coalesce(jsonb_agg(jsonb_build_object('region', r.region,
                'target', r.target, 'ordered', r.ordered,
                'ratio', CASE WHEN r.target > 0 THEN round(r.ordered::numeric / r.target, 4) END)
                ORDER BY CASE WHEN r.target > 0 THEN r.ordered::numeric / r.target END NULLS LAST,
                         r.ordered DESC, r.region), '[]')
            FROM (SELECT coalesce(t.region, o.region) AS region, t.amount AS target,
                         coalesce(o.amount, 0) AS ordered
                  FROM (SELECT region, amount FROM targets
                        WHERE fair_id = p_fair AND region IS NOT NULL) t
                  FULL JOIN (SELECT d.region, sum(x.amount) AS amount
                             FROM fair_dealer_totals x JOIN dealers d ON d.id = x.dealer_id
                             WHERE x.fair_id = p_fair GROUP BY d.region) o
                         ON o.region = t.region) r));
END
$$;
