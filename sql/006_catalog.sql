-- 006: the catalog: search by keyword, category and sort, with each caller's prices and
-- live stock; the categories with their counts.
--
-- (Its functions, views and triggers are now defined once each in sql/functions/: see
-- README.md there.)

-- item_json and the searches read an item's stock rows by (fair, product).
CREATE INDEX stock_item ON stock (fair_id, product_id);

-- Everything a keyword may match, lower-cased once when the product is written: one LIKE
-- per row instead of five ILIKEs (fields joined by chr(1), which no keyword contains).
ALTER TABLE products ADD COLUMN search_text text GENERATED ALWAYS AS (
    lower(style || chr(1) || name || chr(1) || name_en || chr(1) || description || chr(1)
          || description_en)) STORED;

-- Chinese names in pinyin order (ICU), whatever the database's own collation.
CREATE COLLATION IF NOT EXISTS fair_pinyin (provider = icu, locale = 'zh-u-co-pinyin');

-- The orders the sorts walk, so that a page of 20 reads about 20 rows.
CREATE INDEX products_name_pinyin ON products (name COLLATE fair_pinyin);
CREATE INDEX fair_items_order ON fair_items (fair_id, sort, product_id);
CREATE INDEX fair_items_new ON fair_items (fair_id, launched_at);
