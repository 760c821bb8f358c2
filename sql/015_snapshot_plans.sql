-- 015: the join snapshot's functions keep their plans.
--
-- items_json, fair_stock_json and fair_snapshot were SQL functions that PostgreSQL cannot
-- inline (aggregates, CTEs), so every call parsed and planned them again: at 10:00, when
-- thousands of dealers open the fair in the same second, planning was most of the ~20 ms
-- of database time each join cost (pg_stat_user_functions, docs/BENCHMARKS.md). As
-- plpgsql they are planned once per connection. Same queries, same results.

CREATE OR REPLACE FUNCTION items_json(p_fair bigint, p_ids bigint[], p_tier text)
RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (
        WITH st AS (
            SELECT s.product_id, sum(s.sold) AS sold,
                   jsonb_agg(jsonb_build_object('id', v.id, 'size', v.size, 'color', v.color,
                             'remaining', s.allocation - s.sold) ORDER BY v.sort, v.id) AS variants,
                   coalesce(jsonb_object_agg(v.color, media_urls(v.image))
                            FILTER (WHERE v.image IS NOT NULL), '{}') AS color_images
            FROM stock s JOIN variants v ON v.id = s.variant_id
            WHERE s.fair_id = p_fair AND s.product_id = ANY (p_ids)
            GROUP BY s.product_id),
        tp AS (
            SELECT t.product_id, jsonb_object_agg(t.tier, t.price) AS prices
            FROM fair_item_prices t WHERE t.fair_id = p_fair AND t.product_id = ANY (p_ids)
            GROUP BY t.product_id)
        SELECT coalesce(jsonb_agg(jsonb_build_object(
            'product', p.id, 'style', p.style, 'name', p.name, 'name_en', p.name_en,
            'category', p.category, 'description', p.description,
            'description_en', p.description_en, 'images', media_urls(p.image),
            'price', CASE WHEN i.flash_price IS NOT NULL AND now() >= i.flash_starts_at
                               AND now() < i.flash_ends_at THEN i.flash_price
                          ELSE coalesce(tp.prices ->> p_tier, i.price::text)::bigint END,
            'base_price', p.base_price,
            'moq', i.moq, 'limit', i.dealer_limit, 'pack', i.pack, 'must_order', i.must_order,
            'withdrawn', i.withdrawn, 'sold', coalesce(st.sold, 0),
            'variants', coalesce(st.variants, '[]'), 'color_images', coalesce(st.color_images, '{}'),
            'flash', CASE WHEN i.flash_price IS NULL OR now() >= i.flash_ends_at THEN NULL
                          ELSE jsonb_build_object('price', i.flash_price,
                                                  'starts_at', rfc3339(i.flash_starts_at),
                                                  'ends_at', rfc3339(i.flash_ends_at)) END)
            || CASE WHEN p_tier IS NULL THEN jsonb_build_object('tier_prices', coalesce(tp.prices, '{}'))
                    ELSE '{}' END
            ORDER BY u.n), '[]')
        FROM unnest(p_ids) WITH ORDINALITY AS u(id, n)
        JOIN fair_items i ON i.fair_id = p_fair AND i.product_id = u.id
        JOIN products p ON p.id = i.product_id
        LEFT JOIN st ON st.product_id = u.id
        LEFT JOIN tp ON tp.product_id = u.id);
END
$$;

CREATE OR REPLACE FUNCTION fair_stock_json(p_fair bigint) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (
        SELECT coalesce(jsonb_object_agg(s.variant_id::text, s.allocation - s.sold), '{}')
        FROM stock s JOIN fair_items i ON i.fair_id = s.fair_id AND i.product_id = s.product_id
        WHERE s.fair_id = p_fair AND NOT i.withdrawn);
END
$$;

CREATE OR REPLACE FUNCTION fair_snapshot(p_fair bigint, p_staff boolean, p_tier text, p_dealer bigint,
                              p_limit integer)
RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (
        SELECT jsonb_build_object(
            'fair', fair_json(p_fair),
            'seq', (SELECT seq FROM fair_seq WHERE fair_id = p_fair),
            'items', items_json(p_fair, ARRAY(SELECT i.product_id FROM fair_items i
                                              WHERE i.fair_id = p_fair AND NOT i.withdrawn
                                              ORDER BY i.sort, i.product_id LIMIT p_limit),
                                CASE WHEN p_staff THEN NULL ELSE p_tier END),
            'total', (SELECT count(*) FROM fair_items i WHERE i.fair_id = p_fair AND NOT i.withdrawn),
            'spotlight', spotlight_json(p_fair),
            'stock', fair_stock_json(p_fair),
            'chat', (SELECT coalesce(jsonb_agg(chat_json(m) ORDER BY m.id), '[]') FROM
                       (SELECT * FROM chat_messages m WHERE m.fair_id = p_fair
                          AND chat_visible(m, p_staff, p_dealer)
                        ORDER BY m.id DESC LIMIT 50) m))
        WHERE EXISTS (SELECT 1 FROM fairs WHERE id = p_fair));
END
$$;
