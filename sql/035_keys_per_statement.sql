-- 035: the order tables' keys are checked once per statement, not once per row (issue 26).
--
-- A foreign key checks each new row by itself: one query and one row lock per row and key.
-- A batch of 500 one-line orders made 500 × 7 such checks on orders, order_lines and
-- order_history, and 500 × 7 more on the kept figures its triggers write: measured inside
-- PostgreSQL (auto_explain, tests/bench/batch.mjs) about 2 ms per 500 rows and key, 24 of
-- the batch's 81 ms. The same guarantees, paid once per statement:
--
-- * The kept figures (fair_totals, fair_minute_totals, fair_product_totals,
--   fair_dealer_totals, dealer_credit, fair_dealer_styles, fair_dealer_category_orders) lose
--   their keys: every row is derived from orders whose own keys are checked, and a fair, a
--   dealer or a product with orders cannot be deleted (below), so none can point nowhere.
--   dashboard_check() still compares them with the orders.
-- * orders (fair, dealer, placed_by), order_lines (order, variant) and order_history
--   (order, actor) keep their keys as statement triggers over the statement's new rows
--   (transition tables): each parent table is locked FOR KEY SHARE for the distinct keys in
--   one statement, as the foreign key's own check locks them (so a concurrent delete waits
--   and then fails, as it did), then a missing one raises 23503 as a foreign key would.
-- * The parents (fairs, dealers, users, variants) refuse a delete that would leave an order,
--   a line or a history entry pointing nowhere (23503, after the statement, as NO ACTION
--   does); their ids, and the keys of orders, lines and history entries, never change (no
--   writer changes them; a change raises 23503). Deleting an order takes its lines and history with it
--   (as ON DELETE CASCADE did); orders are never deleted by the server.

ALTER TABLE fair_totals DROP CONSTRAINT fair_totals_fair_id_fkey;
ALTER TABLE fair_minute_totals DROP CONSTRAINT fair_minute_totals_fair_id_fkey;
ALTER TABLE fair_product_totals DROP CONSTRAINT fair_product_totals_fair_id_fkey,
                                DROP CONSTRAINT fair_product_totals_product_id_fkey;
ALTER TABLE fair_dealer_totals DROP CONSTRAINT fair_dealer_totals_fair_id_fkey,
                               DROP CONSTRAINT fair_dealer_totals_dealer_id_fkey;
ALTER TABLE dealer_credit DROP CONSTRAINT dealer_credit_dealer_id_fkey;
ALTER TABLE fair_dealer_styles DROP CONSTRAINT fair_dealer_styles_fair_id_fkey;
ALTER TABLE fair_dealer_category_orders DROP CONSTRAINT fair_dealer_category_orders_fair_id_fkey;

ALTER TABLE orders DROP CONSTRAINT orders_fair_id_fkey,
                   DROP CONSTRAINT orders_dealer_id_fkey,
                   DROP CONSTRAINT orders_placed_by_fkey;
ALTER TABLE order_lines DROP CONSTRAINT order_lines_order_id_fkey,
                        DROP CONSTRAINT order_lines_variant_id_fkey;
ALTER TABLE order_history DROP CONSTRAINT order_history_order_id_fkey,
                          DROP CONSTRAINT order_history_actor_fkey;

-- Raises what a foreign key would for a key that is not there.
CREATE FUNCTION keys_missing(p_child text, p_column text, p_parent text, p_key bigint)
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
CREATE FUNCTION orders_keys_check() RETURNS trigger LANGUAGE plpgsql AS $$
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
CREATE TRIGGER orders_keys_insert AFTER INSERT ON orders
    REFERENCING NEW TABLE AS new_orders
    FOR EACH STATEMENT EXECUTE FUNCTION orders_keys_check();

CREATE FUNCTION order_lines_keys_check() RETURNS trigger LANGUAGE plpgsql AS $$
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
CREATE TRIGGER order_lines_keys_insert AFTER INSERT ON order_lines
    REFERENCING NEW TABLE AS new_lines
    FOR EACH STATEMENT EXECUTE FUNCTION order_lines_keys_check();

CREATE FUNCTION order_history_keys_check() RETURNS trigger LANGUAGE plpgsql AS $$
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
CREATE TRIGGER order_history_keys_insert AFTER INSERT ON order_history
    REFERENCING NEW TABLE AS new_history
    FOR EACH STATEMENT EXECUTE FUNCTION order_history_keys_check();

-- The keys of an order, a line and a history entry never change once written (no writer
-- changes them; a statement trigger cannot watch only some columns with transition tables).
CREATE FUNCTION keys_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the keys of a row of "%" never change', TG_TABLE_NAME
        USING ERRCODE = '23503';
END
$$;
CREATE TRIGGER orders_keys_kept BEFORE UPDATE OF fair_id, dealer_id, placed_by ON orders
    FOR EACH ROW WHEN (OLD.fair_id IS DISTINCT FROM NEW.fair_id
                       OR OLD.dealer_id IS DISTINCT FROM NEW.dealer_id
                       OR OLD.placed_by IS DISTINCT FROM NEW.placed_by)
    EXECUTE FUNCTION keys_kept();
CREATE TRIGGER order_lines_keys_kept BEFORE UPDATE OF order_id, variant_id ON order_lines
    FOR EACH ROW WHEN (OLD.order_id IS DISTINCT FROM NEW.order_id
                       OR OLD.variant_id IS DISTINCT FROM NEW.variant_id)
    EXECUTE FUNCTION keys_kept();
CREATE TRIGGER order_history_keys_kept BEFORE UPDATE OF order_id, actor ON order_history
    FOR EACH ROW WHEN (OLD.order_id IS DISTINCT FROM NEW.order_id
                       OR OLD.actor IS DISTINCT FROM NEW.actor)
    EXECUTE FUNCTION keys_kept();

-- The parents' side. A deleted order takes its lines and history along.
CREATE FUNCTION orders_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM order_lines WHERE order_id IN (SELECT id FROM old_orders);
    DELETE FROM order_history WHERE order_id IN (SELECT id FROM old_orders);
    RETURN NULL;
END
$$;
CREATE TRIGGER orders_cascade_delete AFTER DELETE ON orders
    REFERENCING OLD TABLE AS old_orders
    FOR EACH STATEMENT EXECUTE FUNCTION orders_deleted();

-- A parent row still named by an order, a line or a history entry may not go.
CREATE FUNCTION keys_parent_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
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

DO $$
DECLARE
    v_parent text;
BEGIN
    FOREACH v_parent IN ARRAY ARRAY['fairs', 'dealers', 'variants', 'users'] LOOP
        EXECUTE format('CREATE TRIGGER %1$s_keys_delete AFTER DELETE ON %1$s
                            REFERENCING OLD TABLE AS old_rows
                            FOR EACH STATEMENT EXECUTE FUNCTION keys_parent_deleted()', v_parent);
        EXECUTE format('CREATE TRIGGER %1$s_keys_id BEFORE UPDATE OF id ON %1$s
                            FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id)
                            EXECUTE FUNCTION keys_kept()', v_parent);
    END LOOP;
END
$$;
