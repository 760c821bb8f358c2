-- 022: a batch's decisions as one row each, with their kind, for the server to pass on.
--
-- The server parsed the whole array of a batch's decisions with jansson and serialised
-- every accepted order again for its reply: 30% of the server's time while 2,000 dealers
-- kept ordering (perf, docs/BENCHMARKS.md). With one row per decision and its kind
-- (made, duplicate, refused, or unmade: null, from order_resolve), the server wraps the
-- text of an order's decision into its reply as it is, and parses only the refusals, whose
-- code it maps. No rows: order_resolve does not know the outcome yet.
CREATE FUNCTION order_decision_rows(p_decisions jsonb)
RETURNS TABLE (kind text, decision text) LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN jsonb_typeof(d) = 'null' THEN 'unmade'
                WHEN d ? 'refused' THEN 'refused'
                WHEN d->>'duplicate' = 'true' THEN 'duplicate'
                ELSE 'made' END,
           d::text
    FROM jsonb_array_elements(p_decisions) WITH ORDINALITY AS x(d, n)
    ORDER BY x.n
$$;
