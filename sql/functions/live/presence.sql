-- Presence: how many dealers are joined to each fair (004), and which (030), on every
-- process. Each process refreshes its rows every 2 s as a set difference (only joins and
-- leaves since the last refresh are written); a process's rows count while it is fresh,
-- are ignored 10 s after its last refresh and deleted after 60 s (by the next refresh of
-- any process), and a fair's rows go at once when the process reports it no longer joined.

-- One round trip per refresh: this process's counts in, everyone's totals out.
CREATE OR REPLACE FUNCTION presence_refresh(p_process text, p_fairs bigint[], p_online integer[])
RETURNS TABLE (fair bigint, total bigint) LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM presence p WHERE p.updated_at < now() - interval '60 seconds'
        OR (p.process = p_process AND NOT (p.fair_id = ANY (p_fairs)));
    INSERT INTO presence AS p (process, fair_id, online, updated_at)
    SELECT p_process, f.id, f.n, now()
    FROM unnest(p_fairs, p_online) AS f(id, n)
    WHERE EXISTS (SELECT 1 FROM fairs WHERE fairs.id = f.id)
    ON CONFLICT ON CONSTRAINT presence_pkey
    DO UPDATE SET online = EXCLUDED.online, updated_at = now();
    RETURN QUERY SELECT p.fair_id, sum(p.online)::bigint FROM presence p
        WHERE p.updated_at > now() - interval '10 seconds' GROUP BY p.fair_id;
END
$$;

-- One round trip per refresh: this process's counts and dealers in, everyone's totals out.
-- (p_dealer_fairs[i], p_dealers[i]) are the dealers joined here, by fair. Hash joins
-- only: the planner guesses 100 elements for the arrays, and while presence_dealers has no
-- statistics yet (a fresh table, or before autovacuum's analyze) it chose a nested loop
-- over the 10,000 dealers against the 10,000 rows, 6 s a refresh instead of ~30 ms. (004's
-- three-argument form stays for processes of an older build during an upgrade: it writes
-- counts only.)
CREATE OR REPLACE FUNCTION presence_refresh(p_process text, p_fairs bigint[], p_online integer[],
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
CREATE OR REPLACE FUNCTION fair_dealers_online(p_fair bigint) RETURNS TABLE (dealer_id bigint)
LANGUAGE sql STABLE AS $$
    SELECT DISTINCT d.dealer_id
    FROM presence_dealers d
    JOIN presence p ON p.process = d.process AND p.fair_id = d.fair_id
    WHERE d.fair_id = p_fair AND p.updated_at > now() - interval '10 seconds'
$$;
