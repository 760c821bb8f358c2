-- The order tables' keys, checked once per statement rather than by a foreign key per row
-- (035, issue 26). orders (fair, dealer, placed_by), order_lines (order, variant) and
-- order_history (order, actor) are checked by statement triggers over the statement's new
-- rows: each parent table is locked FOR KEY SHARE for the distinct keys, as a foreign
-- key's check locks them (a concurrent delete waits and then fails), then a missing one
-- raises 23503 as a foreign key would. The parents (fairs, dealers, users, variants) refuse
-- a delete that would leave an order, a line or a history entry pointing nowhere (23503,
-- after the statement, as NO ACTION does); their ids, and the keys of orders, lines and
-- history entries, never change. Deleting an order takes its lines and history with it (as
-- ON DELETE CASCADE did); orders are never deleted by the server.

-- How many of p_keys (distinct, no NULL) are ids of p_parent, locking those FOR KEY SHARE in
-- id order (what a foreign key's check takes, so a concurrent delete waits, then fails).
-- `id = ANY (keys)` is an index scan of the primary key whatever the table's statistics say:
-- a join with the statement's rows was planned, early in a fair's first batches, as a
-- nested loop over all of them per row (125,000 comparisons for 500 lines).
CREATE OR REPLACE FUNCTION keys_lock(p_parent text, p_keys bigint[]) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    v_n integer;
BEGIN
    CASE p_parent
    WHEN 'fairs' THEN
        SELECT count(*) INTO v_n
        FROM (SELECT 1 FROM fairs WHERE id = ANY (p_keys) ORDER BY id FOR KEY SHARE) x;
    WHEN 'dealers' THEN
        SELECT count(*) INTO v_n
        FROM (SELECT 1 FROM dealers WHERE id = ANY (p_keys) ORDER BY id FOR KEY SHARE) x;
    WHEN 'users' THEN
        SELECT count(*) INTO v_n
        FROM (SELECT 1 FROM users WHERE id = ANY (p_keys) ORDER BY id FOR KEY SHARE) x;
    WHEN 'orders' THEN
        SELECT count(*) INTO v_n
        FROM (SELECT 1 FROM orders WHERE id = ANY (p_keys) ORDER BY id FOR KEY SHARE) x;
    WHEN 'variants' THEN
        SELECT count(*) INTO v_n
        FROM (SELECT 1 FROM variants WHERE id = ANY (p_keys) ORDER BY id FOR KEY SHARE) x;
    END CASE;
    RETURN v_n;
END
$$;

-- Checks a statement's keys of one column, as a foreign key would: locked when there, and
-- 23503 for the first that is not (looked for one by one: only on the way to a refusal).
CREATE OR REPLACE FUNCTION keys_check(p_child text, p_column text, p_parent text,
                                      p_keys bigint[])
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    v_missing bigint;
BEGIN
    IF cardinality(p_keys) = 0 OR keys_lock(p_parent, p_keys) = cardinality(p_keys) THEN
        RETURN;
    END IF;
    SELECT k INTO v_missing FROM unnest(p_keys) k WHERE keys_lock(p_parent, ARRAY[k]) = 0 LIMIT 1;
    RAISE EXCEPTION 'insert or update on table "%" violates its key on %', p_child, p_column
        USING ERRCODE = '23503',
              DETAIL = format('Key (%s)=(%s) is not present in table "%s".',
                              p_column, v_missing, p_parent);
END
$$;

-- The statement triggers: each column's distinct keys, checked once.
CREATE OR REPLACE FUNCTION orders_keys_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM keys_check('orders', 'fair_id', 'fairs',
                       ARRAY(SELECT DISTINCT fair_id FROM new_orders));
    PERFORM keys_check('orders', 'dealer_id', 'dealers',
                       ARRAY(SELECT DISTINCT dealer_id FROM new_orders));
    PERFORM keys_check('orders', 'placed_by', 'users',
                       ARRAY(SELECT DISTINCT placed_by FROM new_orders WHERE placed_by IS NOT NULL));
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION order_lines_keys_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM keys_check('order_lines', 'order_id', 'orders',
                       ARRAY(SELECT DISTINCT order_id FROM new_lines));
    PERFORM keys_check('order_lines', 'variant_id', 'variants',
                       ARRAY(SELECT DISTINCT variant_id FROM new_lines));
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION order_history_keys_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM keys_check('order_history', 'order_id', 'orders',
                       ARRAY(SELECT DISTINCT order_id FROM new_history));
    PERFORM keys_check('order_history', 'actor', 'users',
                       ARRAY(SELECT DISTINCT actor FROM new_history WHERE actor IS NOT NULL));
    RETURN NULL;
END
$$;

-- The keys of an order, a line and a history entry never change once written (no writer
-- changes them; a statement trigger cannot watch only some columns with transition tables).
CREATE OR REPLACE FUNCTION keys_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the keys of a row of "%" never change', TG_TABLE_NAME
        USING ERRCODE = '23503';
END
$$;

-- The parents' side. A deleted order takes its lines and history along.
CREATE OR REPLACE FUNCTION orders_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM order_lines WHERE order_id IN (SELECT id FROM old_orders);
    DELETE FROM order_history WHERE order_id IN (SELECT id FROM old_orders);
    RETURN NULL;
END
$$;

-- A parent row still named by an order, a line or a history entry may not go.
CREATE OR REPLACE FUNCTION keys_parent_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_id bigint;
    v_by text;
BEGIN
    CASE TG_TABLE_NAME
    WHEN 'fairs' THEN
        SELECT o.id, 'orders' INTO v_id, v_by FROM old_rows o
        WHERE EXISTS (SELECT 1 FROM orders x WHERE x.fair_id = o.id) LIMIT 1;
    WHEN 'dealers' THEN
        SELECT o.id, 'orders' INTO v_id, v_by FROM old_rows o
        WHERE EXISTS (SELECT 1 FROM orders x WHERE x.dealer_id = o.id) LIMIT 1;
    WHEN 'variants' THEN
        SELECT o.id, 'order_lines' INTO v_id, v_by FROM old_rows o
        WHERE EXISTS (SELECT 1 FROM order_lines x WHERE x.variant_id = o.id) LIMIT 1;
    WHEN 'users' THEN
        SELECT o.id, 'orders or order_history' INTO v_id, v_by FROM old_rows o
        WHERE EXISTS (SELECT 1 FROM orders x WHERE x.placed_by = o.id)
           OR EXISTS (SELECT 1 FROM order_history x WHERE x.actor = o.id) LIMIT 1;
    END CASE;
    IF v_id IS NOT NULL THEN
        RAISE EXCEPTION 'delete on table "%" violates a key of %', TG_TABLE_NAME, v_by
            USING ERRCODE = '23503',
                  DETAIL = format('Key (id)=(%s) is still referenced from %s.', v_id, v_by);
    END IF;
    RETURN NULL;
END
$$;
