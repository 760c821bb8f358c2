-- catalog.search and catalog.categories (PROTOCOL.md, Catalog), and what to show a dealer
-- first. A keyword q matches style code, names and descriptions in Chinese and English,
-- case-insensitive, any length (one Chinese character included: trigram indexes cannot
-- serve those, so a search scans one fair's items, measured at 5,000 products in the
-- tests). Sorts: the fair's own order (default), hot (units sold at this fair), new
-- (launched last), price_asc, price_desc (the caller's price now), name (pinyin). p_tier
-- NULL: the staff's view.
--
-- Fast enough for p99 under 20 ms at 5,000 products (009): what a search filters and sorts
-- on is kept on the fair's item rows (item_copies.sql), so a search is one scan of the
-- fair's items with no join to products; the hot sort reads item_sales
-- (orders/item_sales.sql); a search with a keyword or a category scans its matches once,
-- the total and the page from one aggregate.

-- The items on sale that match, from the item rows alone, with the caller's price now (the
-- tier's own, else the item's; the flash price in its window). Inlined into each caller's
-- query by the planner.
CREATE OR REPLACE FUNCTION catalog_matches(p_fair bigint, p_category text, p_pattern text,
                                           p_tier text)
RETURNS TABLE (product_id bigint, sort integer, launched_at timestamptz, name text,
               price bigint)
LANGUAGE sql STABLE AS $$
    SELECT i.product_id, i.sort, i.launched_at, i.product_name,
           CASE WHEN i.flash_price IS NOT NULL AND now() >= i.flash_starts_at
                     AND now() < i.flash_ends_at THEN i.flash_price
                ELSE coalesce(t.price, i.price) END
    FROM fair_items i
    LEFT JOIN fair_item_prices t ON t.fair_id = i.fair_id AND t.product_id = i.product_id
                                 AND t.tier = p_tier
    WHERE i.fair_id = p_fair AND NOT i.withdrawn
      AND (p_category IS NULL OR i.product_category = p_category)
      AND (p_pattern IS NULL OR i.product_search LIKE p_pattern)
$$;

-- catalog.search (PROTOCOL.md, Catalog). The ORDER BY of each sort comes from this fixed
-- list, never from the caller; EXECUTE plans each search for its own arguments.
CREATE OR REPLACE FUNCTION catalog_search(p_fair bigint, p_tier text, p_q text,
                                          p_category text, p_sort text, p_offset integer,
                                          p_limit integer)
RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_pattern text := CASE WHEN p_q IS NULL THEN NULL ELSE like_pattern(lower(p_q)) END;
    v_order text := CASE p_sort
        WHEN 'hot' THEN 'coalesce(s.sold, 0) DESC, m.sort, m.product_id'
        WHEN 'price_asc' THEN 'm.price, m.sort, m.product_id'
        WHEN 'price_desc' THEN 'm.price DESC, m.sort, m.product_id'
        WHEN 'new' THEN 'm.launched_at DESC, m.product_id DESC'
        WHEN 'name' THEN 'm.name COLLATE fair_pinyin, m.sort, m.product_id'
        ELSE 'm.sort, m.product_id' END;
    v_from CONSTANT text := 'FROM catalog_matches($1, $2, $3, $4) m
        LEFT JOIN item_sales s ON s.fair_id = $1 AND s.product_id = m.product_id';
    v_total bigint;
    v_ids bigint[];
BEGIN
    PERFORM fair_must_exist(p_fair);
    IF v_pattern IS NULL AND p_category IS NULL THEN
        -- Every item: counted from the table; the page is a walk along an index where the
        -- sort has one, else a top-N sort.
        SELECT count(*) INTO v_total FROM fair_items WHERE fair_id = p_fair AND NOT withdrawn;
        EXECUTE format('SELECT array_agg(x.product_id) FROM (
                SELECT m.product_id %s ORDER BY %s OFFSET $5 LIMIT $6) x', v_from, v_order)
        INTO v_ids USING p_fair, p_category, v_pattern, p_tier, p_offset, p_limit;
    ELSE
        -- A keyword or a category: one pass over the matches gives the total and the page
        -- (sorting the matched ids is cheaper than scanning them twice).
        EXECUTE format('SELECT count(*), (array_agg(m.product_id ORDER BY %s))[$5 + 1 : $5 + $6]
                %s', v_order, v_from)
        INTO v_total, v_ids USING p_fair, p_category, v_pattern, p_tier, p_offset, p_limit;
    END IF;
    RETURN jsonb_build_object('total', v_total,
                              'items', items_json(p_fair, coalesce(v_ids, '{}'), p_tier));
END
$$;

-- The items of a fair that are not on sale, for the staff (catalog.search {withdrawn:
-- true}, called instead of catalog_search; the rep console lists them to launch, 032): the
-- items prepared with launch: false or withdrawn, matching q as catalog.search matches it,
-- in the fair's own order, as the staff see items (tier_prices).
CREATE OR REPLACE FUNCTION catalog_offstage(p_fair bigint, p_q text, p_offset integer,
                                            p_limit integer)
RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_pattern text := CASE WHEN p_q IS NULL THEN NULL ELSE like_pattern(lower(p_q)) END;
    v_total bigint;
    v_ids bigint[];
BEGIN
    PERFORM fair_must_exist(p_fair);
    SELECT count(*), (array_agg(i.product_id ORDER BY i.sort, i.product_id))[p_offset + 1 : p_offset + p_limit]
    INTO v_total, v_ids
    FROM fair_items i
    WHERE i.fair_id = p_fair AND i.withdrawn
      AND (v_pattern IS NULL OR i.product_search LIKE v_pattern);
    RETURN jsonb_build_object('total', v_total,
                              'items', items_json(p_fair, coalesce(v_ids, '{}'), NULL));
END
$$;

-- catalog.categories {fair}: the categories of the items on sale with their counts, the
-- largest first, and their English names (name_en, NULL when the brand gave none: 050).
CREATE OR REPLACE FUNCTION catalog_categories(p_fair bigint) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object('categories', coalesce(jsonb_agg(jsonb_build_object(
               'name', c.category, 'name_en', t.name_en, 'count', c.n)
               ORDER BY c.n DESC, c.category COLLATE fair_pinyin), '[]'))
    FROM (SELECT p.category, count(*) AS n FROM fair_items i JOIN products p ON p.id = i.product_id
          WHERE i.fair_id = p_fair AND NOT i.withdrawn GROUP BY p.category) c
    LEFT JOIN term_names t ON t.kind = 'category' AND t.name = c.category
    WHERE fair_must_exist(p_fair)
$$;

-- What to show a dealer first: items selling at this fair, weighted toward what dealers of
-- its own region and tier ordered (units in accepted and later orders), never a sold-out
-- item. Ties: the fair's own order. p_region/p_tier NULL (staff): plain hot items.
CREATE OR REPLACE FUNCTION catalog_recommend(p_fair bigint, p_region text, p_tier text,
                                             p_limit integer)
RETURNS jsonb LANGUAGE sql STABLE AS $$
    WITH ordered AS (
        SELECT v.product_id,
               sum(l.qty) AS units,
               sum(l.qty) FILTER (WHERE d.region = p_region) AS region_units,
               sum(l.qty) FILTER (WHERE d.tier = p_tier) AS tier_units
        FROM orders o JOIN order_lines l ON l.order_id = o.id
        JOIN variants v ON v.id = l.variant_id JOIN dealers d ON d.id = o.dealer_id
        WHERE o.fair_id = p_fair AND o.status NOT IN ('cancelled', 'rejected')
        GROUP BY v.product_id),
    scored AS (
        SELECT i.product_id, i.sort,
               coalesce(o.units, 0) + 3 * coalesce(o.region_units, 0)
                   + 2 * coalesce(o.tier_units, 0) AS score
        FROM fair_items i LEFT JOIN ordered o ON o.product_id = i.product_id
        WHERE i.fair_id = p_fair AND NOT i.withdrawn
          AND EXISTS (SELECT 1 FROM stock s WHERE s.fair_id = i.fair_id
                      AND s.product_id = i.product_id AND s.sold < s.allocation)
        ORDER BY score DESC, i.sort, i.product_id LIMIT p_limit)
    SELECT jsonb_build_object('items', items_json(p_fair, coalesce(array_agg(s.product_id
                                                  ORDER BY s.score DESC, s.sort, s.product_id), '{}'), p_tier))
    FROM scored s
    WHERE fair_must_exist(p_fair)
$$;
