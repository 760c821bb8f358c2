-- What a search filters and sorts on, copied from the product onto the fair's item rows
-- (009), so that a search reads the items alone: when an item is added or gets another
-- product (trigger fair_items_copy_product), and when a product's name, category or search
-- text changes (trigger products_copy_to_items).

CREATE OR REPLACE FUNCTION fair_item_copy_product() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT p.name, p.category, p.search_text
    INTO NEW.product_name, NEW.product_category, NEW.product_search
    FROM products p WHERE p.id = NEW.product_id;
    RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION product_copy_to_items() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE fair_items SET product_name = NEW.name, product_category = NEW.category,
                          product_search = NEW.search_text
    WHERE product_id = NEW.id;
    RETURN NULL;
END
$$;
