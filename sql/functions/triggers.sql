-- Every trigger of the schema, by table: what fires when a row changes, and the function it
-- runs (each defined once under sql/functions/<area>/, named beside it below).
--
-- Applied last of the repeatable layer, after every function and view: CREATE OR REPLACE
-- TRIGGER locks its table against writes (SHARE ROW EXCLUSIVE) until the layer commits, so
-- the triggers come at the end of the transaction and hold those locks for its last moments
-- only, not while the functions are created. A trigger is replaced only when the layer
-- changed (its checksum) or a numbered migration ran; see README.md beside this file.
-- Triggers of one table and timing fire in the order of their names.

-- fairs: every process's fair list (fairs/fairs.sql), the fair's seq counter row
-- (fairs/fairs.sql), and the keys that orders hold on it (orders/integrity.sql).
CREATE OR REPLACE TRIGGER fairs_notify AFTER INSERT OR UPDATE OR DELETE ON fairs
    FOR EACH ROW EXECUTE FUNCTION fairs_notify();
CREATE OR REPLACE TRIGGER fairs_seq_row AFTER INSERT ON fairs
    FOR EACH ROW EXECUTE FUNCTION fairs_seq_row();

-- fair_items: its item_sales row (orders/item_sales.sql) and the product's fields a search
-- reads (catalog/item_copies.sql).
CREATE OR REPLACE TRIGGER fair_items_sales AFTER INSERT ON fair_items
    FOR EACH ROW EXECUTE FUNCTION item_sales_create();
CREATE OR REPLACE TRIGGER fair_items_copy_product
    BEFORE INSERT OR UPDATE OF product_id ON fair_items
    FOR EACH ROW EXECUTE FUNCTION fair_item_copy_product();

-- products: the copies on the fair's items (catalog/item_copies.sql) and the dealers'
-- category rows when a style changes category (dashboard/dealer_lines.sql).
CREATE OR REPLACE TRIGGER products_copy_to_items AFTER UPDATE ON products FOR EACH ROW
    WHEN (OLD.search_text IS DISTINCT FROM NEW.search_text OR OLD.name <> NEW.name
          OR OLD.category <> NEW.category)
    EXECUTE FUNCTION product_copy_to_items();
CREATE OR REPLACE TRIGGER products_dealer_totals_category AFTER UPDATE ON products
    REFERENCING OLD TABLE AS old_products NEW TABLE AS new_products
    FOR EACH STATEMENT EXECUTE FUNCTION dealer_line_totals_recategorize();

-- stock: units sold per item (orders/item_sales.sql).
CREATE OR REPLACE TRIGGER stock_item_sales AFTER UPDATE ON stock
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION item_sales_follow();

-- orders: the dealers' kept open credit (orders/credit.sql), the dealers' category and
-- style rows when an order starts or stops counting (dashboard/dealer_lines.sql), and the
-- keys, checked once per statement (orders/integrity.sql).
CREATE OR REPLACE TRIGGER orders_credit_insert AFTER INSERT ON orders
    REFERENCING NEW TABLE AS new_orders
    FOR EACH STATEMENT EXECUTE FUNCTION dealer_credit_follow();
CREATE OR REPLACE TRIGGER orders_credit_update AFTER UPDATE ON orders
    REFERENCING OLD TABLE AS old_orders NEW TABLE AS new_orders
    FOR EACH STATEMENT EXECUTE FUNCTION dealer_credit_follow();
CREATE OR REPLACE TRIGGER orders_credit_delete AFTER DELETE ON orders
    REFERENCING OLD TABLE AS old_orders
    FOR EACH STATEMENT EXECUTE FUNCTION dealer_credit_follow();
CREATE OR REPLACE TRIGGER orders_dealer_totals_status AFTER UPDATE ON orders
    REFERENCING OLD TABLE AS old_orders NEW TABLE AS new_orders
    FOR EACH STATEMENT EXECUTE FUNCTION dealer_line_totals_follow_status();
CREATE OR REPLACE TRIGGER orders_keys_insert AFTER INSERT ON orders
    REFERENCING NEW TABLE AS new_orders
    FOR EACH STATEMENT EXECUTE FUNCTION orders_keys_check();
CREATE OR REPLACE TRIGGER orders_keys_kept
    BEFORE UPDATE OF fair_id, dealer_id, placed_by ON orders
    FOR EACH ROW WHEN (OLD.fair_id IS DISTINCT FROM NEW.fair_id
                       OR OLD.dealer_id IS DISTINCT FROM NEW.dealer_id
                       OR OLD.placed_by IS DISTINCT FROM NEW.placed_by)
    EXECUTE FUNCTION keys_kept();
CREATE OR REPLACE TRIGGER orders_cascade_delete AFTER DELETE ON orders
    REFERENCING OLD TABLE AS old_orders
    FOR EACH STATEMENT EXECUTE FUNCTION orders_deleted();

-- order_lines: the dealers' category and style rows (dashboard/dealer_lines.sql) and the
-- keys (orders/integrity.sql).
CREATE OR REPLACE TRIGGER order_lines_dealer_totals_insert AFTER INSERT ON order_lines
    REFERENCING NEW TABLE AS new_lines
    FOR EACH STATEMENT EXECUTE FUNCTION dealer_line_totals_follow_lines();
CREATE OR REPLACE TRIGGER order_lines_dealer_totals_update AFTER UPDATE ON order_lines
    REFERENCING OLD TABLE AS old_lines NEW TABLE AS new_lines
    FOR EACH STATEMENT EXECUTE FUNCTION dealer_line_totals_follow_lines();
CREATE OR REPLACE TRIGGER order_lines_dealer_totals_delete AFTER DELETE ON order_lines
    REFERENCING OLD TABLE AS old_lines
    FOR EACH STATEMENT EXECUTE FUNCTION dealer_line_totals_follow_lines();
CREATE OR REPLACE TRIGGER order_lines_keys_insert AFTER INSERT ON order_lines
    REFERENCING NEW TABLE AS new_lines
    FOR EACH STATEMENT EXECUTE FUNCTION order_lines_keys_check();
CREATE OR REPLACE TRIGGER order_lines_keys_kept
    BEFORE UPDATE OF order_id, variant_id ON order_lines
    FOR EACH ROW WHEN (OLD.order_id IS DISTINCT FROM NEW.order_id
                       OR OLD.variant_id IS DISTINCT FROM NEW.variant_id)
    EXECUTE FUNCTION keys_kept();

-- order_history: the keys (orders/integrity.sql), and the `order.accepted` webhook at a new
-- order's first entry, written after its lines (messages/webhooks.sql).
CREATE OR REPLACE TRIGGER order_history_keys_insert AFTER INSERT ON order_history
    REFERENCING NEW TABLE AS new_history
    FOR EACH STATEMENT EXECUTE FUNCTION order_history_keys_check();
CREATE OR REPLACE TRIGGER order_history_webhooks AFTER INSERT ON order_history
    REFERENCING NEW TABLE AS new_history
    FOR EACH STATEMENT EXECUTE FUNCTION webhook_orders_accepted();
CREATE OR REPLACE TRIGGER order_history_keys_kept
    BEFORE UPDATE OF order_id, actor ON order_history
    FOR EACH ROW WHEN (OLD.order_id IS DISTINCT FROM NEW.order_id
                       OR OLD.actor IS DISTINCT FROM NEW.actor)
    EXECUTE FUNCTION keys_kept();

-- The parents that orders, lines and history entries name (fairs, dealers, variants, users):
-- a row still named may not be deleted, and no id changes (orders/integrity.sql).
CREATE OR REPLACE TRIGGER fairs_keys_delete AFTER DELETE ON fairs
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION keys_parent_deleted();
CREATE OR REPLACE TRIGGER fairs_keys_id BEFORE UPDATE OF id ON fairs
    FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id)
    EXECUTE FUNCTION keys_kept();
CREATE OR REPLACE TRIGGER dealers_keys_delete AFTER DELETE ON dealers
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION keys_parent_deleted();
CREATE OR REPLACE TRIGGER dealers_keys_id BEFORE UPDATE OF id ON dealers
    FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id)
    EXECUTE FUNCTION keys_kept();
CREATE OR REPLACE TRIGGER variants_keys_delete AFTER DELETE ON variants
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION keys_parent_deleted();
CREATE OR REPLACE TRIGGER variants_keys_id BEFORE UPDATE OF id ON variants
    FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id)
    EXECUTE FUNCTION keys_kept();
CREATE OR REPLACE TRIGGER users_keys_delete AFTER DELETE ON users
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION keys_parent_deleted();
CREATE OR REPLACE TRIGGER users_keys_id BEFORE UPDATE OF id ON users
    FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id)
    EXECUTE FUNCTION keys_kept();
