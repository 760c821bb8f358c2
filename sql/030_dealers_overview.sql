-- 030: which dealers are joined to a fair, on every process, and the rep console's view of
-- the dealers (dealers.overview, PROTOCOL.md).
--
-- Until now each process wrote only how many dealers were joined to each fair (presence,
-- 004). presence_dealers lists them: one row per (fair, process, dealer), written by the
-- same refresh round trip as the counts, every 2 s, as a set difference (only joins and
-- leaves since the last refresh are written, so 10,000 dealers sitting in a fair cost reads,
-- not 10,000 dead rows every 2 s). A dealer's rows hang from its process's presence row
-- (foreign key, ON DELETE CASCADE) and count only while that row is fresh, so they expire
-- exactly as the counts do: ignored 10 s after the process's last refresh, deleted with the
-- presence row after 60 s (by the next refresh of any process), and deleted at once when
-- the process reports the fair no longer joined.

CREATE TABLE presence_dealers (
    fair_id   bigint NOT NULL,
    process   text NOT NULL,
    dealer_id bigint NOT NULL,
    PRIMARY KEY (fair_id, process, dealer_id),
    FOREIGN KEY (process, fair_id) REFERENCES presence (process, fair_id) ON DELETE CASCADE
);

-- One round trip per refresh: this process's counts and dealers in, everyone's totals out.
-- (p_dealer_fairs[i], p_dealers[i]) are the dealers joined here, by fair. Hash joins
-- only: the planner guesses 100 elements for the arrays, and while presence_dealers has no
-- statistics yet (a fresh table, or before autovacuum's analyze) it chose a nested loop
-- over the 10,000 dealers against the 10,000 rows, 6 s a refresh instead of ~30 ms. (004's
-- three-argument form stays for processes of an older build during an upgrade: it writes
-- counts only.)
CREATE FUNCTION presence_refresh(p_process text, p_fairs bigint[], p_online integer[],
                                 p_dealer_fairs bigint[], p_dealers bigint[])
RETURNS TABLE (fair bigint, total bigint) LANGUAGE plpgsql
SET enable_nestloop = off AS $$
BEGIN
    IF cardinality(p_dealer_fairs) <> cardinality(p_dealers) THEN
        RAISE EXCEPTION 'presence_refresh: % fairs for % dealers', cardinality(p_dealer_fairs),
            cardinality(p_dealers) USING ERRCODE = '22023';
    END IF;
    -- the counts, as 004 writes them (a deleted presence row takes its dealers with it)
    DELETE FROM presence p WHERE p.updated_at < now() - interval '60 seconds'
        OR (p.process = p_process AND NOT (p.fair_id = ANY (p_fairs)));
    INSERT INTO presence AS p (process, fair_id, online, updated_at)
    SELECT p_process, f.id, f.n, now()
    FROM unnest(p_fairs, p_online) AS f(id, n)
    WHERE EXISTS (SELECT 1 FROM fairs WHERE fairs.id = f.id)
    ON CONFLICT ON CONSTRAINT presence_pkey
    DO UPDATE SET online = EXCLUDED.online, updated_at = now();
    -- the dealers: those gone since the last refresh out, those new in
    WITH here AS MATERIALIZED (
        SELECT h.fair_id, h.dealer_id
        FROM unnest(p_dealer_fairs, p_dealers) AS h(fair_id, dealer_id)
        WHERE h.fair_id = ANY (p_fairs)
    ), gone AS (
        DELETE FROM presence_dealers d
        WHERE d.fair_id = ANY (p_fairs) AND d.process = p_process
          AND NOT EXISTS (SELECT 1 FROM here h
                          WHERE h.fair_id = d.fair_id AND h.dealer_id = d.dealer_id)
    )
    INSERT INTO presence_dealers (fair_id, process, dealer_id)
    SELECT h.fair_id, p_process, h.dealer_id FROM here h
    WHERE EXISTS (SELECT 1 FROM presence p WHERE p.process = p_process AND p.fair_id = h.fair_id)
      AND NOT EXISTS (SELECT 1 FROM presence_dealers d
                      WHERE d.fair_id = h.fair_id AND d.process = p_process
                        AND d.dealer_id = h.dealer_id)
    ON CONFLICT DO NOTHING;
    RETURN QUERY SELECT p.fair_id, sum(p.online)::bigint FROM presence p
        WHERE p.updated_at > now() - interval '10 seconds' GROUP BY p.fair_id;
END
$$;

-- The dealers joined to a fair on any process now (rows of a process silent for 10 s are
-- ignored, as presence_refresh ignores its counts).
CREATE FUNCTION fair_dealers_online(p_fair bigint) RETURNS TABLE (dealer_id bigint)
LANGUAGE sql STABLE AS $$
    SELECT DISTINCT d.dealer_id
    FROM presence_dealers d
    JOIN presence p ON p.process = d.process AND p.fair_id = d.fair_id
    WHERE d.fair_id = p_fair AND p.updated_at > now() - interval '10 seconds'
$$;

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
CREATE FUNCTION dealers_overview(p_actor bigint, p_fair bigint, p_region text,
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
