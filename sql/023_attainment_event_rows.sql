-- 023: the attainment pushes as one row per dealer, for the server to pass on.
--
-- attainment_events gave one JSON array of every pending dealer's event; the server parsed
-- it with jansson and serialised each event again for its frame: 10% of the server's time
-- while 2,000 dealers kept ordering (perf, docs/BENCHMARKS.md). Each row here is a dealer
-- and the text of its event, which the server pushes as it is.
CREATE FUNCTION attainment_event_rows(p_fair bigint, p_dealers bigint[])
RETURNS TABLE (dealer bigint, event text) LANGUAGE sql STABLE AS $$
    SELECT a.dealer,
           (jsonb_build_object('ev', 'attainment', 'fair', p_fair) || a.attainment)::text
    FROM attainment_rows(p_fair, p_dealers) a
$$;

DROP FUNCTION attainment_events(bigint, bigint[]);
