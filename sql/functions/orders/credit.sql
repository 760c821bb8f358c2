-- dealer_credit: the total of each dealer's open orders (accepted, reviewed, shipped, in
-- transit) at every fair, kept by statement triggers on orders (021) so that every writer,
-- present and future, keeps it; the credit checks (the batch's, order_lines_fit's, the
-- automatic review's) read it instead of summing the dealer's orders. The view
-- dealer_credit_drift (views.sql) lists any dealer whose kept total is not the sum.
--
-- Locks: a dealer_credit row is written when the dealer's orders change. Every writer of a
-- live fair's orders holds the dealer's row by then (batches, cancel, amend, waitlists).
-- Processing (review, ship, advance) changes orders of closed fairs without it, holding only
-- that order and its closed fair's rows, which a writer holding dealer_credit never waits
-- for (a batch takes nothing from a closed fair).

-- Adds each delta to its dealer's open total, creating the row for a dealer's first open
-- order. Existing rows are moved by UPDATE: a CHECK is tested on the row an INSERT
-- proposes, before ON CONFLICT would turn it into an update, so a negative delta could not
-- go through an upsert.
CREATE OR REPLACE FUNCTION dealer_credit_move(p_dealers bigint[], p_deltas bigint[]) RETURNS void
LANGUAGE sql AS $$
    WITH delta AS (
        SELECT d.dealer_id, sum(d.total) AS total
        FROM unnest(p_dealers, p_deltas) AS d(dealer_id, total)
        GROUP BY d.dealer_id HAVING sum(d.total) <> 0
    ), moved AS (
        UPDATE dealer_credit c SET open_total = c.open_total + d.total
        FROM delta d WHERE c.dealer_id = d.dealer_id
        RETURNING c.dealer_id
    )
    INSERT INTO dealer_credit AS c (dealer_id, open_total)
    SELECT d.dealer_id, d.total FROM delta d
    WHERE d.dealer_id NOT IN (SELECT m.dealer_id FROM moved m)
    ORDER BY d.dealer_id
    ON CONFLICT (dealer_id) DO UPDATE SET open_total = c.open_total + excluded.open_total
$$;

-- Moves dealer_credit by what a statement did to orders (its transition tables): what
-- joined the open orders, less what left them. Each branch names only the transition
-- tables its event has.
CREATE OR REPLACE FUNCTION dealer_credit_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM dealer_credit_move(array_agg(n.dealer_id), array_agg(n.total))
        FROM new_orders n WHERE order_status_open(n.status);
    ELSIF TG_OP = 'UPDATE' THEN
        PERFORM dealer_credit_move(array_agg(x.dealer_id), array_agg(x.total))
        FROM (SELECT o.dealer_id, -o.total AS total FROM old_orders o
              WHERE order_status_open(o.status)
              UNION ALL
              SELECT n.dealer_id, n.total FROM new_orders n
              WHERE order_status_open(n.status)) x;
    ELSE
        PERFORM dealer_credit_move(array_agg(o.dealer_id), array_agg(-o.total))
        FROM old_orders o WHERE order_status_open(o.status);
    END IF;
    RETURN NULL;
END
$$;

-- The total of a dealer's open orders but p_except (an order being amended; NULL: none).
CREATE OR REPLACE FUNCTION dealer_open_credit(p_dealer bigint, p_except bigint) RETURNS bigint
LANGUAGE sql STABLE AS $$
    SELECT coalesce((SELECT c.open_total FROM dealer_credit c WHERE c.dealer_id = p_dealer), 0)
         - coalesce((SELECT o.total FROM orders o
                     WHERE o.id = p_except AND o.dealer_id = p_dealer
                       AND order_status_open(o.status)), 0)
$$;
