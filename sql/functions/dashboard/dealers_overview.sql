-- dealers.overview: the rep console's view of the dealers (030).

-- dealers.overview {fair, region?, online?, sort?, limit?, offset?} (rep, manager, admin):
-- every dealer of the brand (ordered or not) with what it ordered at the fair against its
-- target, the must-order styles it still misses, and whether it is joined right now; a rep
-- limited to regions gets only its regions' dealers (the others are left out, as if they
-- did not exist). `online`: true keeps the dealers joined now, false those who are not.
-- Sorts: behind (lowest ratio first, then the least ordered; dealers without a target
-- last), amount (largest first), name; ties by dealer id. `total` counts every dealer that
-- matches, for paging.
--
-- The page's target, ordered, ratio and missing are attainment_rows' own objects (029), the
-- ones the dealer's `attainment` shows, so the two never disagree; ordered adds the order
-- count from the same fair_dealer_totals row. The sort reads the same two rows (targets,
-- fair_dealer_totals) with attainment_rows' ratio expression, over every dealer at once
-- in hash joins; attainment_rows runs for the page only. (With 10,000 dealers a call took
-- 15-50 ms; attainment_rows over all of them, sorted on its jsonb, took 170-320 ms.)
CREATE OR REPLACE FUNCTION dealers_overview(p_actor bigint, p_fair bigint, p_region text,
                                            p_online boolean, p_sort text, p_limit integer,
                                            p_offset integer) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_actor users;
    v_sort text := coalesce(p_sort, 'behind');
    v_total bigint;
    v_ids bigint[];
    v_online boolean[];
BEGIN
    PERFORM fair_must_exist(p_fair);
    SELECT * INTO v_actor FROM users WHERE id = p_actor;
    IF v_actor.id IS NULL OR v_actor.disabled OR v_actor.role NOT IN ('rep', 'manager', 'admin') THEN
        RETURN op_refusal('forbidden', 'the dealers overview is for reps, managers and admins');
    END IF;
    IF v_sort NOT IN ('behind', 'amount', 'name') THEN
        RAISE EXCEPTION 'sort must be behind, amount or name' USING ERRCODE = '22023';
    END IF;
    WITH joined AS MATERIALIZED (
        SELECT o.dealer_id FROM fair_dealers_online(p_fair) o
    ), matching AS MATERIALIZED (
        SELECT d.id, d.name, coalesce(s.amount, 0) AS amount,
               -- attainment_rows' ratio (029)
               CASE WHEN t.amount > 0
                    THEN round(coalesce(s.amount, 0)::numeric / t.amount, 4) END AS ratio,
               o.dealer_id IS NOT NULL AS online
        FROM dealers d
        LEFT JOIN targets t ON t.fair_id = p_fair AND t.dealer_id = d.id
        LEFT JOIN fair_dealer_totals s ON s.fair_id = p_fair AND s.dealer_id = d.id
        LEFT JOIN joined o ON o.dealer_id = d.id
        WHERE (p_region IS NULL OR d.region = p_region)
          AND NOT rep_outside_regions(v_actor, d)
          AND (p_online IS NULL OR (o.dealer_id IS NOT NULL) = p_online)
    ), page AS (
        SELECT m.id, m.online, row_number() OVER (ORDER BY
                   CASE WHEN v_sort = 'behind' THEN m.ratio END ASC NULLS LAST,
                   CASE WHEN v_sort = 'behind' THEN m.amount END ASC,
                   CASE WHEN v_sort = 'amount' THEN m.amount END DESC,
                   CASE WHEN v_sort = 'name' THEN m.name END ASC,
                   m.id) AS k
        FROM matching m
    )
    SELECT (SELECT count(*) FROM matching), x.ids, x.online
    INTO v_total, v_ids, v_online
    FROM (SELECT array_agg(p.id ORDER BY p.k), array_agg(p.online ORDER BY p.k) FROM page p
          WHERE p.k > p_offset AND p.k <= p_offset::bigint + p_limit) x(ids, online);
    RETURN jsonb_build_object(
        'total', v_total,
        'dealers', (SELECT coalesce(jsonb_agg(jsonb_build_object(
                'dealer', d.id, 'code', d.code, 'name', d.name, 'region', d.region,
                'tier', d.tier, 'key_dealer', d.key_dealer, 'online', v_online[a.n],
                'ordered', (a.attainment -> 'ordered')
                           || jsonb_build_object('orders', coalesce(s.orders, 0)),
                'target', a.attainment -> 'target', 'ratio', a.attainment -> 'ratio',
                'missing', a.attainment -> 'missing') ORDER BY a.n), '[]')
            FROM attainment_rows(p_fair, coalesce(v_ids, '{}')) a
            JOIN dealers d ON d.id = a.dealer
            LEFT JOIN fair_dealer_totals s ON s.fair_id = p_fair AND s.dealer_id = d.id));
END
$$;
