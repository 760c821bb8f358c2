-- 023: the attainment pushes as one row per dealer, for the server to pass on.
--
-- attainment_events gave one JSON array of every pending dealer's event; the server parsed
-- it with jansson and serialised each event again for its frame: 10% of the server's time
-- while 2,000 dealers kept ordering (perf, docs/BENCHMARKS.md). Each row here is a dealer
-- and the text of its event, which the server pushes as it is.
--
-- (Its functions, views and triggers are now defined once each in sql/functions/: see
-- README.md there.)

DROP FUNCTION IF EXISTS attainment_events(bigint, bigint[]);
