-- 021: a batch no longer reads back what it wrote, nor sums a dealer's orders for credit.
--
-- Counted with callgrind on a copy of the benchmark's database after a spread run (a batch
-- of 490 orders from dealers with about 50 orders each; docs/BENCHMARKS.md), three things
-- cost a batch more than deciding its orders:
--   * each dealer's open credit, a sum over all of the dealer's orders: 16% of the batch,
--     and growing with every order the dealer places. dealer_credit now keeps the total of
--     each dealer's open orders, moved by statement triggers on orders (so every writer,
--     present and future, keeps it), and the credit checks (the batch's, order_lines_fit's,
--     the automatic review's) read it;
--   * the replies, read back from the new orders and lines: order_batch_insert returns each
--     new order as clients see it from its INSERT ... RETURNING;
--   * the history's first entries and the dashboard's totals, read back from the orders (the
--     totals as JSON, parsed again by totals_apply): both now come from the batch's arrays,
--     the totals through totals_add, which totals_apply calls too, so the upserts are
--     written once.
-- Orders decided by order_decide (not plain) are read back as before: they are rare.
-- The batch runs without JIT: generic plans over arrays are estimated at a thousand rows
-- per generate_series, and the new insert's estimate crossed jit_above_cost, compiling 61
-- expressions (52 ms) for a statement that runs in 10.
--
-- Locks: a dealer_credit row is written when the dealer's orders change. Every writer of a
-- live fair's orders holds the dealer's row by then (batches, cancel, amend, waitlists).
-- Processing (review, ship, advance) changes orders of closed fairs without it, holding only
-- that order and its closed fair's rows, which a writer holding dealer_credit never waits
-- for (a batch takes nothing from a closed fair).
--
-- (Its functions, views and triggers are now defined once each in sql/functions/: see
-- README.md there.)

-- Half-full pages leave room for HOT updates: each batch moves the rows of its dealers.
CREATE TABLE dealer_credit (
    dealer_id  bigint PRIMARY KEY REFERENCES dealers,
    open_total bigint NOT NULL CHECK (open_total >= 0)  -- the totals of its open orders
) WITH (fillfactor = 50);
-- The open statuses are order_status_open's (sql/functions/orders/rules.sql), written out:
-- a numbered migration calls no function of sql/functions/, which is applied after it.
INSERT INTO dealer_credit (dealer_id, open_total)
SELECT dealer_id, sum(total) FROM orders
WHERE status IN ('accepted', 'reviewed', 'shipped', 'in_transit') GROUP BY dealer_id;

-- order_batch_insert now returns each new order (OUT made, made_at), which CREATE OR
-- REPLACE cannot change: 017's is dropped and sql/functions/orders/batch.sql makes it anew.
DROP FUNCTION IF EXISTS order_batch_insert(jsonb, integer, integer, bigint[], bigint[], jsonb[],
                                 integer[], integer[], bigint[], integer[], bigint[]);
