-- Fair administration (admin; PROTOCOL.md, Fair administration): products and their
-- pictures, fairs, items and stock. One function per op, with the refusals and the lock
-- order of showcase/showcase.sql. audit.list is in base/audit.sql.

-- A product with its variants as the admin ops answer it.
CREATE OR REPLACE FUNCTION product_admin_json(p_product bigint)
RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'product', jsonb_build_object('id', p.id, 'style', p.style, 'name', p.name,
            'name_en', p.name_en, 'category', p.category, 'description', p.description,
            'description_en', p.description_en, 'base_price', p.base_price,
            'images', media_urls(p.image))
            -- only with one, as in the catalog's items
            || CASE WHEN p.clip IS NULL THEN '{}'
                    ELSE jsonb_build_object('clip', media_clip(p.clip, p.clip_ms, p.clip_width,
                                                                p.clip_height)) END,
        'variants', (SELECT coalesce(jsonb_agg(jsonb_build_object(
                         'id', v.id, 'size', v.size, 'color', v.color) ORDER BY v.sort, v.id),
                         '[]')
                     FROM variants v WHERE v.product_id = p.id))
    FROM products p WHERE p.id = p_product
$$;

-- admin.products.list -> {total, products}: the brand's products as the settings page finds
-- them to put on a fair, by a piece of the style, the name or the English name, in style
-- order, a page at a time. With p_fair (not_found when there is no such fair) each says
-- whether it is already an item there (offered), so the page offers the others.
CREATE OR REPLACE FUNCTION admin_products_list(p_q text, p_fair bigint, p_limit int, p_offset int)
RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF p_fair IS NOT NULL AND NOT EXISTS (SELECT 1 FROM fairs WHERE id = p_fair) THEN
        RAISE EXCEPTION 'fair % not found', p_fair USING ERRCODE = 'P0002';
    END IF;
    RETURN (WITH found AS (
        SELECT p.id, p.style FROM products p
        WHERE p_q IS NULL OR p.style ILIKE like_pattern(p_q) OR p.name ILIKE like_pattern(p_q)
           OR p.name_en ILIKE like_pattern(p_q)
    ), page AS (
        SELECT * FROM found ORDER BY style LIMIT p_limit OFFSET p_offset
    )
    SELECT jsonb_build_object(
        'total', (SELECT count(*) FROM found),
        'products', coalesce((SELECT jsonb_agg((j -> 'product')
                || jsonb_build_object('variants', j -> 'variants')
                || CASE WHEN p_fair IS NULL THEN '{}' ELSE jsonb_build_object('offered', EXISTS (
                    SELECT 1 FROM fair_items i WHERE i.fair_id = p_fair AND i.product_id = g.id)) END
                ORDER BY g.style)
            FROM page g CROSS JOIN LATERAL product_admin_json(g.id) j), '[]')));
END
$$;

-- admin.product.create -> {product, variants}. p_variants: [{size, color, color_en?}, ...],
-- 1 to 200, each pair once; the order given is the display order. p_category_en and each
-- color_en, when given and not empty, set the brand's English name of that category or
-- colour (catalog/terms.sql); a colour given two English names is refused.
CREATE OR REPLACE FUNCTION admin_product_create(p_actor bigint, p_style text, p_name text,
                                                p_name_en text, p_category text, p_description text,
                                                p_description_en text, p_base_price bigint,
                                                p_variants jsonb, p_category_en text)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v_id bigint;
    v_dup record;
    v_reply jsonb;
BEGIN
    IF p_style !~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$' THEN
        RAISE EXCEPTION 'style must be 1 to 40 letters, digits, "_", "." or "-", starting '
                        'with a letter or digit' USING ERRCODE = '22023';
    END IF;
    IF jsonb_typeof(p_variants) IS DISTINCT FROM 'array'
       OR jsonb_array_length(p_variants) NOT BETWEEN 1 AND 200 THEN
        RAISE EXCEPTION 'variants must be an array of 1 to 200 {size, color}'
            USING ERRCODE = '22023';
    END IF;
    SELECT e ->> 'size' AS size, e ->> 'color' AS color INTO v_dup
    FROM jsonb_array_elements(p_variants) AS e
    GROUP BY 1, 2 HAVING count(*) > 1 LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'variant % / % is listed twice', v_dup.size, v_dup.color
            USING ERRCODE = '22023';
    END IF;
    SELECT e ->> 'color' AS color INTO v_dup
    FROM jsonb_array_elements(p_variants) AS e
    WHERE coalesce(btrim(e ->> 'color_en'), '') <> ''
    GROUP BY 1 HAVING count(DISTINCT btrim(e ->> 'color_en')) > 1 LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'the colour % is given two English names', v_dup.color
            USING ERRCODE = '22023';
    END IF;
    IF EXISTS (SELECT 1 FROM products WHERE style = p_style) THEN
        RAISE EXCEPTION 'the style % is taken', p_style USING ERRCODE = '23505';
    END IF;
    PERFORM term_names_set(p_actor,
        (SELECT jsonb_object_agg(e ->> 'color', e -> 'color_en')
         FROM jsonb_array_elements(p_variants) AS e
         WHERE coalesce(btrim(e ->> 'color_en'), '') <> ''),
        CASE WHEN coalesce(btrim(p_category_en), '') <> ''
             THEN jsonb_build_object(p_category, p_category_en) END);
    INSERT INTO products (style, name, name_en, category, description, description_en,
                          base_price)
    VALUES (p_style, p_name, coalesce(p_name_en, ''), p_category, coalesce(p_description, ''),
            coalesce(p_description_en, ''), p_base_price)
    RETURNING id INTO v_id;
    INSERT INTO variants (product_id, size, color, sort)
    SELECT v_id, x.e ->> 'size', x.e ->> 'color', (x.n - 1)::int
    FROM jsonb_array_elements(p_variants) WITH ORDINALITY AS x(e, n);
    v_reply := product_admin_json(v_id);
    PERFORM audit_write(p_actor, 'product.create', NULL, 'product:' || v_id, NULL, v_reply);
    RETURN v_reply;
END
$$;

-- admin.product.update -> {product, variants}. NULL arguments leave a field as it is. The
-- category is not changed here: the dealers' kept figures by category are counted per order
-- (an import moves a style between fairs). The item rows' copies follow by their trigger, and
-- every fair not closed where the product is on sale hears item.updated (each audience its
-- copy), so open pages show the new name at once. One audit entry when something changed.
CREATE OR REPLACE FUNCTION admin_product_update(p_actor bigint, p_product bigint, p_name text,
                                                p_name_en text, p_description text,
                                                p_description_en text, p_base_price bigint)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v_old jsonb;
    v_new jsonb;
    v_fair bigint;
BEGIN
    PERFORM admin_product_lock(p_product);
    v_old := product_admin_json(p_product);
    UPDATE products SET
        name = coalesce(p_name, name),
        name_en = coalesce(p_name_en, name_en),
        description = coalesce(p_description, description),
        description_en = coalesce(p_description_en, description_en),
        base_price = coalesce(p_base_price, base_price)
    WHERE id = p_product;
    v_new := product_admin_json(p_product);
    IF v_new = v_old THEN
        RETURN v_new;
    END IF;
    FOR v_fair IN SELECT i.fair_id FROM fair_items i JOIN fairs f ON f.id = i.fair_id
                  WHERE i.product_id = p_product AND NOT i.withdrawn AND fair_status(f) <> 'closed'
                  ORDER BY i.fair_id LOOP
        PERFORM showcase_item_event(v_fair, p_product, 'item.updated');
    END LOOP;
    PERFORM audit_write(p_actor, 'product.update', NULL, 'product:' || p_product, v_old, v_new);
    RETURN v_new;
END
$$;

-- The product an admin's change is about, locked for it; not_found when there is none.
CREATE OR REPLACE FUNCTION admin_product_lock(p_product bigint) RETURNS products
LANGUAGE plpgsql AS $$
DECLARE
    v_product products;
BEGIN
    SELECT * INTO v_product FROM products WHERE id = p_product FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'product % not found', p_product USING ERRCODE = 'P0002';
    END IF;
    RETURN v_product;
END
$$;

-- The picture of a product (p_color NULL) or of one colour: the media key of images the
-- server has just stored. A colour's picture is also the product's while it has none.
-- Returns {product, color, images}.
CREATE OR REPLACE FUNCTION admin_product_image_set(p_actor bigint, p_product bigint, p_color text,
                                                   p_key text)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v_product products;
    v_old jsonb;
BEGIN
    v_product := admin_product_lock(p_product);
    IF p_color IS NULL THEN
        v_old := jsonb_build_object('image', v_product.image);
        UPDATE products SET image = p_key WHERE id = p_product;
    ELSE
        v_old := jsonb_build_object('image', (SELECT v.image FROM variants v
                                              WHERE v.product_id = p_product
                                                AND v.color = p_color
                                              ORDER BY v.id LIMIT 1));
        UPDATE variants SET image = p_key WHERE product_id = p_product AND color = p_color;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'product % has no colour %', p_product, p_color
                USING ERRCODE = '22023';
        END IF;
        UPDATE products SET image = p_key WHERE id = p_product AND image IS NULL;
    END IF;
    PERFORM audit_write(p_actor, 'product.image', NULL, 'product:' || p_product, v_old,
                        jsonb_build_object('image', p_key, 'color', p_color));
    RETURN jsonb_build_object('product', p_product, 'color', p_color,
                              'images', media_urls(p_key));
END
$$;

-- A product's clip (issue 24): the media key of the MP4 and poster the server has just
-- stored, the source's duration and the MP4's picture size; replaces the one it had.
-- Returns {product, clip}.
CREATE OR REPLACE FUNCTION admin_product_clip_set(p_actor bigint, p_product bigint, p_key text,
                                                  p_ms integer, p_width integer, p_height integer)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v_product products;
    v_clip jsonb;
BEGIN
    v_product := admin_product_lock(p_product);
    UPDATE products SET clip = p_key, clip_ms = p_ms, clip_width = p_width,
                        clip_height = p_height
    WHERE id = p_product;
    v_clip := media_clip(p_key, p_ms, p_width, p_height);
    PERFORM audit_write(p_actor, 'product.clip', NULL, 'product:' || p_product,
                        jsonb_build_object('clip', v_product.clip),
                        jsonb_build_object('clip', p_key, 'duration_ms', p_ms));
    RETURN jsonb_build_object('product', p_product, 'clip', v_clip);
END
$$;

-- admin.product.clip.remove {product} -> {product, clip: null}: the product shows no video
-- any more (its files stay: their names are never used again, and a page still open may
-- be playing them). Audited as product.clip, as a new clip is.
CREATE OR REPLACE FUNCTION admin_product_clip_remove(p_actor bigint, p_product bigint)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v_product products;
BEGIN
    v_product := admin_product_lock(p_product);
    IF v_product.clip IS NOT NULL THEN
        UPDATE products SET clip = NULL, clip_ms = NULL, clip_width = NULL, clip_height = NULL
        WHERE id = p_product;
        PERFORM audit_write(p_actor, 'product.clip', NULL, 'product:' || p_product,
                            jsonb_build_object('clip', v_product.clip),
                            jsonb_build_object('clip', NULL));
    END IF;
    RETURN jsonb_build_object('product', p_product, 'clip', NULL);
END
$$;

-- admin.fair.create -> {fair}. Its status follows its times (fair_status).
CREATE OR REPLACE FUNCTION admin_fair_create(p_actor bigint, p_name text, p_season text,
                                             p_currency text, p_timezone text,
                                             p_starts timestamptz, p_ends timestamptz,
                                             p_name_en text)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v_id bigint;
    v_new jsonb;
BEGIN
    IF p_currency !~ '^[A-Z]{3}$' THEN
        RAISE EXCEPTION 'currency must be three capital letters (ISO 4217, e.g. CNY)'
            USING ERRCODE = '22023';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_timezone_names WHERE name = p_timezone) THEN
        RAISE EXCEPTION 'unknown time zone "%" (use a name such as Asia/Shanghai)', p_timezone
            USING ERRCODE = '22023';
    END IF;
    IF p_ends <= p_starts THEN
        RAISE EXCEPTION 'ends_at must be after starts_at' USING ERRCODE = '22023';
    END IF;
    INSERT INTO fairs (name, name_en, season, currency, timezone, starts_at, ends_at)
    VALUES (p_name, btrim(coalesce(p_name_en, '')), coalesce(p_season, ''), p_currency,
            p_timezone, p_starts, p_ends)
    RETURNING id INTO v_id;
    v_new := fair_json(v_id);
    PERFORM audit_write(p_actor, 'fair.create', v_id, 'fair:' || v_id, NULL, v_new);
    RETURN jsonb_build_object('fair', v_new);
END
$$;

-- admin.fair.update -> {fair}. NULL arguments leave a field as it is (p_name_en '': none).
-- p_status: 'paused' (until resumed), 'live' (resume: clear a pause), 'closed' (for good). A
-- closed fair, by hand or by its times, cannot be changed any more (23505). The fairs trigger
-- announces the change (fairs_changed), which becomes fair.state pushes.
CREATE OR REPLACE FUNCTION admin_fair_update(p_actor bigint, p_fair bigint, p_name text,
                                             p_starts timestamptz, p_ends timestamptz,
                                             p_status text, p_name_en text)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v_fair fairs;
    v_old jsonb;
    v_new jsonb;
BEGIN
    IF p_status IS NOT NULL AND p_status NOT IN ('paused', 'live', 'closed') THEN
        RAISE EXCEPTION 'status must be paused, live or closed' USING ERRCODE = '22023';
    END IF;
    IF p_name IS NULL AND p_starts IS NULL AND p_ends IS NULL AND p_status IS NULL
       AND p_name_en IS NULL THEN
        RAISE EXCEPTION 'nothing to change: give name, name_en, starts_at, ends_at or status'
            USING ERRCODE = '22023';
    END IF;
    SELECT * INTO v_fair FROM fairs WHERE id = p_fair FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'fair % not found', p_fair USING ERRCODE = 'P0002';
    END IF;
    IF coalesce(p_ends, v_fair.ends_at) <= coalesce(p_starts, v_fair.starts_at) THEN
        RAISE EXCEPTION 'ends_at must be after starts_at' USING ERRCODE = '22023';
    END IF;
    IF fair_status(v_fair) = 'closed' THEN
        RAISE EXCEPTION 'fair % is closed: it can no longer be changed', p_fair
            USING ERRCODE = '23505';
    END IF;
    v_old := fair_json(p_fair);
    UPDATE fairs SET
        name = coalesce(p_name, name),
        name_en = coalesce(btrim(p_name_en), name_en),
        starts_at = coalesce(p_starts, starts_at),
        ends_at = coalesce(p_ends, ends_at),
        status_override = CASE p_status WHEN 'paused' THEN 'paused'
                                        WHEN 'closed' THEN 'closed'
                                        WHEN 'live' THEN NULL
                                        ELSE status_override END
    WHERE id = p_fair;
    v_new := fair_json(p_fair);
    PERFORM audit_write(p_actor, 'fair.update', p_fair, 'fair:' || p_fair, v_old, v_new);
    RETURN jsonb_build_object('fair', v_new);
END
$$;

-- admin.item.add -> {item} (the staff view). p_tier_prices {"A": n}, p_allocation
-- {"<variant id>": qty}, p_pack {"<size>": n} or NULL. With p_launch the item is on sale at
-- once (item.new as item.launch sends it); without, it is prepared, not on sale, for a
-- later item.launch.
CREATE OR REPLACE FUNCTION admin_item_add(p_actor bigint, p_fair bigint, p_product bigint,
                                          p_price bigint, p_tier_prices jsonb,
                                          p_allocation jsonb, p_limit integer, p_moq integer,
                                          p_pack jsonb, p_must_order boolean, p_launch boolean)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v_fair fairs;
    v_key text;
    v_new jsonb;
BEGIN
    v_fair := showcase_fair(p_fair);
    PERFORM 1 FROM products WHERE id = p_product FOR KEY SHARE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'product % not found', p_product USING ERRCODE = 'P0002';
    END IF;
    IF jsonb_typeof(p_allocation) IS DISTINCT FROM 'object' OR p_allocation = '{}' THEN
        RAISE EXCEPTION 'allocation must give at least one variant''s quantity'
            USING ERRCODE = '22023';
    END IF;
    SELECT k INTO v_key FROM jsonb_object_keys(p_allocation) AS k
    WHERE NOT EXISTS (SELECT 1 FROM variants v
                      WHERE v.id::text = k AND v.product_id = p_product)
    ORDER BY k LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'variant % is not a variant of product %', v_key, p_product
            USING ERRCODE = '22023';
    END IF;
    SELECT k INTO v_key FROM jsonb_object_keys(coalesce(p_pack, '{}')) AS k
    WHERE NOT EXISTS (SELECT 1 FROM variants v WHERE v.size = k AND v.product_id = p_product)
    ORDER BY k LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'pack size % is not a size of product %', v_key, p_product
            USING ERRCODE = '22023';
    END IF;
    IF showcase_closed(v_fair) IS NOT NULL THEN
        RETURN showcase_closed(v_fair);
    END IF;
    IF EXISTS (SELECT 1 FROM fair_items WHERE fair_id = p_fair AND product_id = p_product) THEN
        RAISE EXCEPTION 'product % is already an item of fair %', p_product, p_fair
            USING ERRCODE = '23505';
    END IF;

    INSERT INTO fair_items (fair_id, product_id, price, moq, dealer_limit, pack, must_order,
                            withdrawn, launched_at, sort)
    VALUES (p_fair, p_product, p_price, coalesce(p_moq, 1), p_limit,
            nullif(p_pack, '{}'), coalesce(p_must_order, false), NOT coalesce(p_launch, true),
            now(), (SELECT coalesce(max(sort) + 1, 0) FROM fair_items WHERE fair_id = p_fair));
    INSERT INTO fair_item_prices (fair_id, product_id, tier, price)
    SELECT p_fair, p_product, t.key, t.value::bigint
    FROM jsonb_each_text(coalesce(p_tier_prices, '{}')) AS t;
    INSERT INTO stock (fair_id, product_id, variant_id, allocation)
    SELECT p_fair, p_product, a.key::bigint, a.value::integer
    FROM jsonb_each_text(p_allocation) AS a ORDER BY a.key::bigint;
    IF coalesce(p_launch, true) THEN
        PERFORM showcase_item_new(p_fair, p_product);
    END IF;
    v_new := item_json(p_fair, p_product, NULL);
    PERFORM audit_write(p_actor, 'item.add', p_fair, 'product:' || p_product, NULL, v_new);
    RETURN jsonb_build_object('item', v_new);
END
$$;

-- admin.stock.add -> {variant, allocation, sold, remaining}. qty > 0 adds allocation;
-- qty < 0 withdraws unsold allocation, never below what is sold (insufficient_stock with
-- available {"<variant>": unsold}). The stock row is locked like every stock writer's.
CREATE OR REPLACE FUNCTION admin_stock_add(p_actor bigint, p_fair bigint, p_variant bigint,
                                           p_qty integer)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v_fair fairs;
    v_stock stock;
    v_unsold integer;
BEGIN
    IF p_qty IS NULL OR p_qty = 0 THEN
        RAISE EXCEPTION 'qty must not be 0' USING ERRCODE = '22023';
    END IF;
    v_fair := showcase_fair(p_fair);
    SELECT * INTO v_stock FROM stock WHERE fair_id = p_fair AND variant_id = p_variant
    FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'variant % is not offered at fair %', p_variant, p_fair
            USING ERRCODE = 'P0002';
    END IF;
    IF showcase_closed(v_fair) IS NOT NULL THEN
        RETURN showcase_closed(v_fair);
    END IF;
    v_unsold := v_stock.allocation - v_stock.sold;
    IF v_stock.allocation + p_qty < v_stock.sold THEN
        RETURN op_refusal('insufficient_stock',
            format('only %s unsold units of variant %s can be withdrawn', v_unsold, p_variant),
            jsonb_build_object('available', jsonb_build_object(p_variant::text, v_unsold)));
    END IF;
    IF v_stock.allocation::bigint + p_qty > 2147483647 THEN
        RAISE EXCEPTION 'the allocation would exceed 2147483647 units' USING ERRCODE = '22023';
    END IF;
    UPDATE stock SET allocation = allocation + p_qty WHERE id = v_stock.id
    RETURNING * INTO v_stock;
    PERFORM stock_notify(p_fair, ARRAY[p_variant]);
    PERFORM audit_write(p_actor, 'stock.add', p_fair, 'variant:' || p_variant,
        jsonb_build_object('allocation', v_stock.allocation - p_qty, 'sold', v_stock.sold),
        jsonb_build_object('allocation', v_stock.allocation, 'sold', v_stock.sold,
                           'qty', p_qty));
    RETURN jsonb_build_object('variant', p_variant, 'allocation', v_stock.allocation,
                              'sold', v_stock.sold,
                              'remaining', v_stock.allocation - v_stock.sold);
END
$$;
