-- 006: the catalog: search by keyword, category and sort, with each caller's prices and
-- live stock; the categories with their counts.

-- item_json and the searches read an item's stock rows by (fair, product).
CREATE INDEX stock_item ON stock (fair_id, product_id);

-- Chinese names in pinyin order (ICU), whatever the database's own collation.
CREATE COLLATION IF NOT EXISTS fair_pinyin (provider = icu, locale = 'zh-u-co-pinyin');

-- For the catalog functions: an unknown fair is not_found (P0002) for the caller.
CREATE FUNCTION fair_must_exist(p_fair bigint) RETURNS boolean LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM fairs WHERE id = p_fair) THEN
        RAISE EXCEPTION 'fair % not found', p_fair USING ERRCODE = 'P0002';
    END IF;
    RETURN true;
END
$$;

-- Keywords match as plain text: % _ and \ in them mean themselves.
CREATE FUNCTION like_pattern(p_text text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT '%' || replace(replace(replace(p_text, '\', '\\'), '%', '\%'), '_', '\_') || '%'
$$;

-- One page of a fair's items on sale. q matches style code, names and descriptions in
-- Chinese and English, case-insensitive, any length (one Chinese character included: a
-- sequential scan of one fair's items, measured in the tests). Sorts: the fair's own order
-- (default), hot (units sold at this fair), new (launched last), price_asc, price_desc (the
-- caller's price now), name (pinyin). p_tier NULL: the staff's view.
CREATE FUNCTION catalog_search(p_fair bigint, p_tier text, p_q text, p_category text,
                               p_sort text, p_offset integer, p_limit integer)
RETURNS jsonb LANGUAGE sql STABLE AS $$
    WITH hits AS (
        SELECT i.product_id, i.sort, i.launched_at, p.name,
               item_price_now(i, p_tier) AS price, coalesce(s.sold, 0) AS sold
        FROM fair_items i JOIN products p ON p.id = i.product_id
        LEFT JOIN (SELECT product_id, sum(sold) AS sold FROM stock WHERE fair_id = p_fair
                   GROUP BY product_id) s ON s.product_id = i.product_id
        WHERE i.fair_id = p_fair AND NOT i.withdrawn
          AND (p_category IS NULL OR p.category = p_category)
          AND (p_q IS NULL OR p.style ILIKE like_pattern(p_q) OR p.name ILIKE like_pattern(p_q)
               OR p.name_en ILIKE like_pattern(p_q) OR p.description ILIKE like_pattern(p_q)
               OR p.description_en ILIKE like_pattern(p_q))),
    page AS (
        SELECT product_id, row_number() OVER (ORDER BY
                   CASE WHEN p_sort = 'hot' THEN -sold END,
                   CASE WHEN p_sort = 'new' THEN launched_at END DESC,
                   CASE WHEN p_sort = 'price_asc' THEN price END,
                   CASE WHEN p_sort = 'price_desc' THEN price END DESC,
                   CASE WHEN p_sort = 'name' THEN name COLLATE fair_pinyin END,
                   sort, product_id) AS n
        FROM hits)
    SELECT jsonb_build_object(
        'total', (SELECT count(*) FROM hits),
        'items', (SELECT coalesce(jsonb_agg(item_json(p_fair, product_id, p_tier) ORDER BY n), '[]')
                  FROM page WHERE n > p_offset AND n <= p_offset + p_limit))
    WHERE fair_must_exist(p_fair)
$$;

CREATE FUNCTION catalog_categories(p_fair bigint) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object('categories', coalesce(jsonb_agg(jsonb_build_object(
               'name', c.category, 'count', c.n) ORDER BY c.n DESC, c.category COLLATE fair_pinyin), '[]'))
    FROM (SELECT p.category, count(*) AS n FROM fair_items i JOIN products p ON p.id = i.product_id
          WHERE i.fair_id = p_fair AND NOT i.withdrawn GROUP BY p.category) c
    WHERE fair_must_exist(p_fair)
$$;
