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

-- Raises what a foreign key would for a key that is not there.
CREATE OR REPLACE FUNCTION keys_missing(p_child text, p_column text, p_parent text, p_key bigint)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'insert or update on table "%" violates its key on %', p_child, p_column
        USING ERRCODE = '23503',
              DETAIL = format('Key (%s)=(%s) is not present in table "%s".',
                              p_column, p_key, p_parent);
END
$$;

-- Each check: lock the parents the statement names, in id order, FOR KEY SHARE (what a
-- foreign key's check takes), then look for one that is not there. Static statements, so
-- their plans are kept like the foreign key's own.
CREATE OR REPLACE FUNCTION orders_keys_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_missing bigint;
BEGIN
    PERFORM 1 FROM fairs WHERE id IN (SELECT fair_id FROM new_orders) ORDER BY id FOR KEY SHARE;
    SELECT n.fair_id INTO v_missing FROM new_orders n
    WHERE NOT EXISTS (SELECT 1 FROM fairs p WHERE p.id = n.fair_id) LIMIT 1;
    IF FOUND THEN
        PERFORM keys_missing('orders', 'fair_id', 'fairs', v_missing);
    END IF;
    PERFORM 1 FROM dealers WHERE id IN (SELECT dealer_id FROM new_orders)
    ORDER BY id FOR KEY SHARE;
    SELECT n.dealer_id INTO v_missing FROM new_orders n
    WHERE NOT EXISTS (SELECT 1 FROM dealers p WHERE p.id = n.dealer_id) LIMIT 1;
    IF FOUND THEN
        PERFORM keys_missing('orders', 'dealer_id', 'dealers', v_missing);
    END IF;
    PERFORM 1 FROM users WHERE id IN (SELECT placed_by FROM new_orders)
    ORDER BY id FOR KEY SHARE;
    SELECT n.placed_by INTO v_missing FROM new_orders n
    WHERE n.placed_by IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM users p WHERE p.id = n.placed_by) LIMIT 1;
    IF FOUND THEN
        PERFORM keys_missing('orders', 'placed_by', 'users', v_missing);
    END IF;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION order_lines_keys_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_missing bigint;
BEGIN
    PERFORM 1 FROM orders WHERE id IN (SELECT order_id FROM new_lines) ORDER BY id FOR KEY SHARE;
    SELECT n.order_id INTO v_missing FROM new_lines n
    WHERE NOT EXISTS (SELECT 1 FROM orders p WHERE p.id = n.order_id) LIMIT 1;
    IF FOUND THEN
        PERFORM keys_missing('order_lines', 'order_id', 'orders', v_missing);
    END IF;
    PERFORM 1 FROM variants WHERE id IN (SELECT variant_id FROM new_lines)
    ORDER BY id FOR KEY SHARE;
    SELECT n.variant_id INTO v_missing FROM new_lines n
    WHERE NOT EXISTS (SELECT 1 FROM variants p WHERE p.id = n.variant_id) LIMIT 1;
    IF FOUND THEN
        PERFORM keys_missing('order_lines', 'variant_id', 'variants', v_missing);
    END IF;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION order_history_keys_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_missing bigint;
BEGIN
    PERFORM 1 FROM orders WHERE id IN (SELECT order_id FROM new_history)
    ORDER BY id FOR KEY SHARE;
    SELECT n.order_id INTO v_missing FROM new_history n
    WHERE NOT EXISTS (SELECT 1 FROM orders p WHERE p.id = n.order_id) LIMIT 1;
    IF FOUND THEN
        PERFORM keys_missing('order_history', 'order_id', 'orders', v_missing);
    END IF;
    PERFORM 1 FROM users WHERE id IN (SELECT actor FROM new_history) ORDER BY id FOR KEY SHARE;
    SELECT n.actor INTO v_missing FROM new_history n
    WHERE n.actor IS NOT NULL AND NOT EXISTS (SELECT 1 FROM users p WHERE p.id = n.actor)
    LIMIT 1;
    IF FOUND THEN
        PERFORM keys_missing('order_history', 'actor', 'users', v_missing);
    END IF;
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
