-- An item as clients see it (PROTOCOL.md, Catalog): its price for a tier now, its stock,
-- variants and pictures; and a fair's stock and spotlight.

-- The price a tier pays for an item now (the tier's own, else the item's: item_tier_price),
-- and the flash price while its window is open (item_price_now). item_tier_price is
-- plpgsql since 008, so its plan is kept (see rfc3339 in base/format.sql).
CREATE OR REPLACE FUNCTION item_tier_price(i fair_items, p_tier text) RETURNS bigint
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN coalesce((SELECT price FROM fair_item_prices p
                     WHERE p.fair_id = i.fair_id AND p.product_id = i.product_id
                       AND p.tier = p_tier), i.price);
END
$$;

CREATE OR REPLACE FUNCTION item_price_now(i fair_items, p_tier text, p_at timestamptz DEFAULT now())
RETURNS bigint LANGUAGE sql STABLE AS $$
    SELECT item_price_at(i, item_tier_price(i, p_tier), p_at)
$$;

-- An item's price at p_at given the dealer's tier price (NULL: none): the flash price while
-- its window is open, else the tier's, else the item's.
CREATE OR REPLACE FUNCTION item_price_at(i fair_items, p_tier_price bigint, p_at timestamptz)
RETURNS bigint LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN i.flash_price IS NOT NULL AND p_at >= i.flash_starts_at
                     AND p_at < i.flash_ends_at THEN i.flash_price
                ELSE coalesce(p_tier_price, i.price) END
$$;

-- Items as PROTOCOL.md describes them, in the order of p_ids, priced for p_tier (NULL:
-- staff, who also get every tier's price in tier_prices). One set-based query for a whole
-- page: stock, variants and pictures in one pass over the items' stock rows. plpgsql, so
-- it is planned once per connection, not at every join (015).
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
                    -- a dealer whose tier has its own price also sees the fair's
                    WHEN (tp.prices ->> p_tier)::bigint <> i.price
                        THEN jsonb_build_object('fair_price', i.price)
                    ELSE '{}' END
            -- only with one: most products have none, and a snapshot holds every item
            || CASE WHEN p.clip IS NULL THEN '{}'
                    ELSE jsonb_build_object('clip', media_clip(p.clip, p.clip_ms, p.clip_width,
                                                                p.clip_height)) END
            ORDER BY u.n), '[]')
        FROM unnest(p_ids) WITH ORDINALITY AS u(id, n)
        JOIN fair_items i ON i.fair_id = p_fair AND i.product_id = u.id
        JOIN products p ON p.id = i.product_id
        LEFT JOIN st ON st.product_id = u.id
        LEFT JOIN tp ON tp.product_id = u.id);
END
$$;

-- One item (NULL when it is not an item of the fair).
CREATE OR REPLACE FUNCTION item_json(p_fair bigint, p_product bigint, p_tier text)
RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT items_json(p_fair, ARRAY[p_product], p_tier) -> 0
$$;

-- Remaining stock of every variant a fair offers (its items not withdrawn), a row each: what
-- the join snapshots show and what a server process reads into its last known stock when a
-- fair's first order arrives (order/stock_seed.c). plpgsql: its plan is kept (015).
CREATE OR REPLACE FUNCTION fair_stock_rows(p_fair bigint)
RETURNS TABLE (variant_id bigint, remaining integer) LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN QUERY
        SELECT s.variant_id, s.allocation - s.sold
        FROM stock s JOIN fair_items i ON i.fair_id = s.fair_id AND i.product_id = s.product_id
        WHERE s.fair_id = p_fair AND NOT i.withdrawn;
END
$$;

-- The same as {"<variant id>": remaining}.
CREATE OR REPLACE FUNCTION fair_stock_json(p_fair bigint)
RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT coalesce(jsonb_object_agg(r.variant_id::text, r.remaining), '{}')
    FROM fair_stock_rows(p_fair) r
$$;

-- The fair's spotlight: {product, note, by, at}.
CREATE OR REPLACE FUNCTION spotlight_json(p_fair bigint) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object('product', s.product_id, 'note', s.note,
                              'by', coalesce(u.name, ''), 'at', rfc3339(s.at))
    FROM fair_spotlight s LEFT JOIN users u ON u.id = s.by_user
    WHERE s.fair_id = p_fair
$$;
