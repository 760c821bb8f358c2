-- 020: a batch's rows for the dashboard's totals, never read by a sequential scan.
--
-- totals_order_rows reads `orders WHERE id = ANY (p_orders)` and the lines alike. In one
-- spread run PostgreSQL kept a plan made while the tables were nearly empty: a sequential
-- scan comparing every row with the whole array, 180 ms a batch instead of 12 once the fair
-- had 100,000 orders, and the run's throughput fell by a third (pg_stat_statements,
-- docs/BENCHMARKS.md). The function now plans without sequential scans: the key lookups
-- (one index scan walking the sorted array) stay, however old the statistics. Reading the
-- array as rows (unnest, one lookup each) was as safe but twice as slow.

ALTER FUNCTION totals_order_rows(bigint[], integer) SET enable_seqscan = off;
