-- 013: order targets (訂貨指標) and must-order styles (必訂款), attainment and rankings.
--
-- A target is set per dealer (its own) or per region (the region's dealers together).
-- Attainment is what was ordered (the kept totals of 012) against the target; the
-- must-order styles a dealer has not ordered yet are its `missing`. Every change that moves
-- a dealer's attainment announces the dealer (NOTIFY dealer_totals "fair:id,id,...", from
-- totals_apply in 012) or the whole fair (NOTIFY fair_targets "fair", when targets or
-- must-order styles change); each process pushes `attainment` to those dealers' sessions.

-- A dealer's attainment at a fair: {dealer, target: {amount, units} | null, ordered:
-- {amount, units}, ratio (of the amount; null without a target), missing: [{product,
-- style, name}]}.
CREATE FUNCTION attainment_json(p_fair bigint, p_dealer bigint) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_target targets;
    v_totals fair_dealer_totals;
BEGIN
    SELECT * INTO v_target FROM targets WHERE fair_id = p_fair AND dealer_id = p_dealer;
    SELECT * INTO v_totals FROM fair_dealer_totals WHERE fair_id = p_fair AND dealer_id = p_dealer;
    RETURN jsonb_build_object(
        'dealer', p_dealer,
        'target', CASE WHEN v_target.id IS NULL THEN NULL
                       ELSE jsonb_build_object('amount', v_target.amount, 'units', v_target.units) END,
        'ordered', jsonb_build_object('amount', coalesce(v_totals.amount, 0),
                                      'units', coalesce(v_totals.units, 0)),
        'ratio', CASE WHEN v_target.amount > 0
                      THEN round(coalesce(v_totals.amount, 0)::numeric / v_target.amount, 4) END,
        'missing', (SELECT coalesce(jsonb_agg(jsonb_build_object('product', i.product_id,
                        'style', p.style, 'name', p.name) ORDER BY i.sort, i.product_id), '[]')
                    FROM fair_items i JOIN products p ON p.id = i.product_id
                    WHERE i.fair_id = p_fair AND i.must_order AND NOT i.withdrawn
                      AND NOT EXISTS (SELECT 1 FROM orders o
                                      JOIN order_lines l ON l.order_id = o.id
                                      JOIN variants v ON v.id = l.variant_id
                                      WHERE o.fair_id = p_fair AND o.dealer_id = p_dealer
                                        AND o.status NOT IN ('cancelled', 'rejected')
                                        AND v.product_id = i.product_id)));
END
$$;

-- The attainment pushes of some dealers: one event per dealer, as clients get them.
CREATE FUNCTION attainment_events(p_fair bigint, p_dealers bigint[]) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT coalesce(jsonb_agg(jsonb_build_object('ev', 'attainment', 'fair', p_fair)
                              || attainment_json(p_fair, d)), '[]')
    FROM unnest(p_dealers) AS d
$$;

-- The ranking boards (訂貨排名) of the dashboard: dealers and regions by amount and by
-- attainment, the furthest behind first.
CREATE FUNCTION rankings_json(p_fair bigint) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
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

-- target.set {fair, dealer? | region?, amount, units?} (manager, admin).
CREATE FUNCTION target_set(p_actor bigint, p_fair bigint, p_dealer bigint, p_region text,
                           p_amount bigint, p_units integer) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v targets;
    v_old jsonb;
BEGIN
    PERFORM fair_must_exist(p_fair);
    IF (p_dealer IS NULL) = (p_region IS NULL) THEN
        RAISE EXCEPTION 'give either a dealer or a region' USING ERRCODE = '22023';
    END IF;
    IF p_dealer IS NOT NULL AND NOT EXISTS (SELECT 1 FROM dealers WHERE id = p_dealer) THEN
        RAISE EXCEPTION 'dealer % not found', p_dealer USING ERRCODE = 'P0002';
    END IF;
    SELECT to_jsonb(t) INTO v_old FROM targets t
    WHERE t.fair_id = p_fair AND (t.dealer_id = p_dealer OR t.region = p_region);
    DELETE FROM targets WHERE fair_id = p_fair AND (dealer_id = p_dealer OR region = p_region);
    INSERT INTO targets (fair_id, dealer_id, region, amount, units)
    VALUES (p_fair, p_dealer, p_region, p_amount, p_units) RETURNING * INTO v;
    PERFORM audit_write(p_actor, 'target.set', p_fair,
        coalesce('dealer:' || p_dealer, 'region:' || p_region), v_old,
        jsonb_build_object('amount', p_amount, 'units', p_units));
    PERFORM pg_notify('fair_targets', p_fair::text);
    PERFORM pg_notify('fair_totals', p_fair::text);
    RETURN jsonb_build_object('target', jsonb_build_object('fair', p_fair, 'dealer', v.dealer_id,
        'region', v.region, 'amount', v.amount, 'units', v.units));
END
$$;

-- mustorder.set {fair, product, required} (manager, admin).
CREATE FUNCTION mustorder_set(p_actor bigint, p_fair bigint, p_product bigint,
                              p_required boolean) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_item fair_items;
BEGIN
    PERFORM fair_must_exist(p_fair);
    SELECT * INTO v_item FROM fair_items WHERE fair_id = p_fair AND product_id = p_product
    FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'product % is not an item of fair %', p_product, p_fair
            USING ERRCODE = 'P0002';
    END IF;
    UPDATE fair_items SET must_order = p_required
    WHERE fair_id = p_fair AND product_id = p_product;
    PERFORM audit_write(p_actor, 'mustorder.set', p_fair, 'product:' || p_product,
        jsonb_build_object('required', v_item.must_order),
        jsonb_build_object('required', p_required));
    PERFORM pg_notify('fair_targets', p_fair::text);
    PERFORM pg_notify('fair_totals', p_fair::text);
    RETURN jsonb_build_object('fair', p_fair, 'product', p_product, 'required', p_required);
END
$$;

-- The dashboard (012) with the ranking boards.
CREATE OR REPLACE FUNCTION dashboard_watch(p_fair bigint) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
BEGIN
    PERFORM fair_must_exist(p_fair);
    RETURN dashboard_json(p_fair) || jsonb_build_object('rankings', rankings_json(p_fair));
END
$$;

-- attainment {fair}: the caller dealer's own attainment (also pushed as it changes).
CREATE FUNCTION attainment_mine(p_fair bigint, p_dealer bigint) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
BEGIN
    PERFORM fair_must_exist(p_fair);
    RETURN attainment_json(p_fair, p_dealer);
END
$$;
