-- item_sales: units sold per item at a fair, kept from stock.sold by a statement trigger
-- (008), for the catalog's hot sort.

-- Every item gets its row with it (trigger fair_items_sales).
CREATE OR REPLACE FUNCTION item_sales_create() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO item_sales (fair_id, product_id) VALUES (NEW.fair_id, NEW.product_id);
    RETURN NULL;
END
$$;

-- Locks the item_sales rows of some variants' items, in key order. Every writer of
-- stock.sold calls it right after locking those stock rows (DESIGN.md's one lock order:
-- dealers, stock, then these), so the trigger below only updates rows its transaction
-- already holds and two writers can never wait for each other's items.
CREATE OR REPLACE FUNCTION item_sales_lock(p_fair bigint, p_variants bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM item_sales
    WHERE fair_id = p_fair AND product_id IN (SELECT product_id FROM stock
                                              WHERE fair_id = p_fair
                                                AND variant_id = ANY (p_variants))
    ORDER BY fair_id, product_id FOR NO KEY UPDATE;
END
$$;

-- Adds what a statement did to stock.sold to its items' rows (trigger stock_item_sales),
-- which the writer locked beforehand with item_sales_lock. Planned without sequential scans:
-- a batch's hundreds of changed rows were joined by hashing every item of every fair.
CREATE OR REPLACE FUNCTION item_sales_follow() RETURNS trigger LANGUAGE plpgsql
SET enable_seqscan = off AS $$
BEGIN
    UPDATE item_sales s SET sold = s.sold + d.delta
    FROM (SELECT n.fair_id, n.product_id, sum(n.sold - o.sold) AS delta
          FROM new_rows n JOIN old_rows o ON o.id = n.id
          WHERE n.sold <> o.sold
          GROUP BY n.fair_id, n.product_id) d
    WHERE s.fair_id = d.fair_id AND s.product_id = d.product_id;
    RETURN NULL;
END
$$;
