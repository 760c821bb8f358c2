-- The live showcase (rep, admin; PROTOCOL.md, Live showcase): spotlight, prices, flash
-- prices, launching and withdrawing items.
--
-- One function per op. Each checks the arguments it can only check here, then the state,
-- changes the rows, writes audit_log and emits its events (event_emit) in the caller's one
-- transaction, and returns the members of the ok reply as jsonb; it refuses as
-- base/refusal.sql says. Locks, always in this order: the fair row (FOR SHARE here; FOR NO
-- KEY UPDATE by fair.update, so a fair's own changes wait for showcase changes and never
-- the other way round, while orders' key checks pass), then the item row, then stock
-- rows, then the fair's seq counter (event_emit).

-- The fair of a change, share-locked (see the lock order above); P0002 when unknown.
CREATE OR REPLACE FUNCTION showcase_fair(p_fair bigint) RETURNS fairs LANGUAGE plpgsql AS $$
DECLARE
    v fairs;
BEGIN
    SELECT * INTO v FROM fairs WHERE id = p_fair FOR SHARE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'fair % not found', p_fair USING ERRCODE = 'P0002';
    END IF;
    RETURN v;
END
$$;

-- The item of a showcase change, locked; P0002 when the product is not an item of the fair.
CREATE OR REPLACE FUNCTION showcase_item(p_fair bigint, p_product bigint) RETURNS fair_items
LANGUAGE plpgsql AS $$
DECLARE
    v fair_items;
BEGIN
    SELECT * INTO v FROM fair_items WHERE fair_id = p_fair AND product_id = p_product
    FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'product % is not an item of fair %', p_product, p_fair
            USING ERRCODE = 'P0002';
    END IF;
    RETURN v;
END
$$;

-- Scheduled, live and paused fairs may be prepared and changed; a closed one may not.
CREATE OR REPLACE FUNCTION showcase_closed(f fairs) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN fair_status(f) = 'closed'
                THEN op_refusal('fair_not_live', format('fair %s is closed', f.id)) END
$$;

-- An item's prices as the staff see them: {price, tier_prices: {"A": n, ...}}.
CREATE OR REPLACE FUNCTION showcase_prices_json(p_fair bigint, p_product bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object('price', i.price, 'tier_prices',
        (SELECT coalesce(jsonb_object_agg(t.tier, t.price ORDER BY t.tier), '{}')
         FROM fair_item_prices t WHERE t.fair_id = i.fair_id AND t.product_id = i.product_id))
    FROM fair_items i WHERE i.fair_id = p_fair AND i.product_id = p_product
$$;

-- An item's flash price as clients see it: {product, price, starts_at, ends_at}, or NULL.
CREATE OR REPLACE FUNCTION showcase_flash_json(i fair_items) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN i.flash_price IS NULL THEN NULL ELSE jsonb_build_object(
        'product', i.product_id, 'price', i.flash_price,
        'starts_at', rfc3339(i.flash_starts_at), 'ends_at', rfc3339(i.flash_ends_at)) END
$$;

-- An item as each audience sees it, as event p_kind: to each dealer tier its copy priced for
-- it, and one to the staff with every tier's price.
CREATE OR REPLACE FUNCTION showcase_item_event(p_fair bigint, p_product bigint, p_kind text)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    v_tier text;
BEGIN
    FOR v_tier IN SELECT DISTINCT tier FROM dealers ORDER BY tier LOOP
        PERFORM event_emit(p_fair, p_kind,
                           jsonb_build_object('item', item_json(p_fair, p_product, v_tier)),
                           p_tier => v_tier);
    END LOOP;
    PERFORM event_emit(p_fair, p_kind,
                       jsonb_build_object('item', item_json(p_fair, p_product, NULL)),
                       p_staff_only => true);
END
$$;

-- An item has come on sale: item.new to every audience; and its stock for the coalesced
-- stock pushes.
CREATE OR REPLACE FUNCTION showcase_item_new(p_fair bigint, p_product bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM showcase_item_event(p_fair, p_product, 'item.new');
    PERFORM stock_notify(p_fair, ARRAY(SELECT s.variant_id FROM stock s
                                       WHERE s.fair_id = p_fair AND s.product_id = p_product));
END
$$;

-- spotlight.set {fair, product, note?} -> {spotlight}; event spotlight to everyone.
CREATE OR REPLACE FUNCTION showcase_spotlight_set(p_actor bigint, p_fair bigint, p_product bigint,
                                                  p_note text)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v_fair fairs;
    v_old jsonb;
    v_new jsonb;
BEGIN
    IF length(p_note) > 500 THEN
        RAISE EXCEPTION 'note must have at most 500 characters' USING ERRCODE = '22023';
    END IF;
    v_fair := showcase_fair(p_fair);
    PERFORM showcase_item(p_fair, p_product);
    IF showcase_closed(v_fair) IS NOT NULL THEN
        RETURN showcase_closed(v_fair);
    END IF;
    v_old := spotlight_json(p_fair);
    INSERT INTO fair_spotlight AS s (fair_id, product_id, note, by_user, at)
    VALUES (p_fair, p_product, coalesce(p_note, ''), p_actor, now())
    ON CONFLICT (fair_id) DO UPDATE SET product_id = EXCLUDED.product_id,
        note = EXCLUDED.note, by_user = EXCLUDED.by_user, at = EXCLUDED.at;
    v_new := spotlight_json(p_fair);
    PERFORM event_emit(p_fair, 'spotlight', v_new);
    PERFORM audit_write(p_actor, 'spotlight.set', p_fair, 'product:' || p_product, v_old, v_new);
    RETURN jsonb_build_object('spotlight', v_new);
END
$$;

-- price.set {fair, product, price, tier?} -> {product, price, tier}.
-- With a tier: that tier's own price. Without: the item's price for every tier, and the
-- tiers' own prices are removed. Events: a `price` for each tier whose price changed, among
-- the dealers' tiers and the item's priced tiers (p_tier => that tier), then one for the
-- staff with the price set, the tier (or null) and every tier's own price.
CREATE OR REPLACE FUNCTION showcase_price_set(p_actor bigint, p_fair bigint, p_product bigint,
                                              p_price bigint, p_tier text)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v_fair fairs;
    v_item fair_items;
    v_tiers text[];
    v_was jsonb;
    v_prev bigint;
    v_old jsonb;
    v_new jsonb;
    v_tier text;
    v_price bigint;
BEGIN
    IF p_price IS NULL OR p_price < 0 THEN
        RAISE EXCEPTION 'price must be an amount of at least 0' USING ERRCODE = '22023';
    END IF;
    IF p_tier IS NOT NULL AND p_tier !~ '^[A-Z]$' THEN
        RAISE EXCEPTION 'tier must be one capital letter' USING ERRCODE = '22023';
    END IF;
    v_fair := showcase_fair(p_fair);
    v_item := showcase_item(p_fair, p_product);
    IF showcase_closed(v_fair) IS NOT NULL THEN
        RETURN showcase_closed(v_fair);
    END IF;
    v_tiers := CASE WHEN p_tier IS NOT NULL THEN ARRAY[p_tier] ELSE ARRAY(
        SELECT d.tier FROM dealers d
        UNION
        SELECT t.tier FROM fair_item_prices t
        WHERE t.fair_id = p_fair AND t.product_id = p_product
        ORDER BY 1) END;
    SELECT coalesce(jsonb_object_agg(t, item_tier_price(v_item, t)), '{}') INTO v_was
    FROM unnest(v_tiers) AS t;
    v_prev := CASE WHEN p_tier IS NULL THEN v_item.price ELSE item_tier_price(v_item, p_tier) END;
    v_old := showcase_prices_json(p_fair, p_product);

    IF p_tier IS NULL THEN
        UPDATE fair_items SET price = p_price
        WHERE fair_id = p_fair AND product_id = p_product RETURNING * INTO v_item;
        DELETE FROM fair_item_prices WHERE fair_id = p_fair AND product_id = p_product;
    ELSE
        INSERT INTO fair_item_prices (fair_id, product_id, tier, price)
        VALUES (p_fair, p_product, p_tier, p_price)
        ON CONFLICT (fair_id, product_id, tier) DO UPDATE SET price = EXCLUDED.price;
    END IF;

    FOREACH v_tier IN ARRAY v_tiers LOOP
        v_price := item_tier_price(v_item, v_tier);
        IF v_price IS DISTINCT FROM (v_was ->> v_tier)::bigint THEN
            -- a tier with a price of its own also hears the fair's (catalog's fair_price)
            PERFORM event_emit(p_fair, 'price', jsonb_build_object(
                'product', p_product, 'price', v_price, 'was', (v_was ->> v_tier)::bigint,
                'at', rfc3339(now()))
                || CASE WHEN v_price <> v_item.price
                        THEN jsonb_build_object('fair_price', v_item.price) ELSE '{}' END,
                p_tier => v_tier);
        END IF;
    END LOOP;
    v_new := showcase_prices_json(p_fair, p_product);
    PERFORM event_emit(p_fair, 'price', jsonb_build_object(
        'product', p_product, 'price', p_price, 'was', v_prev, 'tier', p_tier,
        'tier_prices', v_new -> 'tier_prices', 'at', rfc3339(now())), p_staff_only => true);
    PERFORM audit_write(p_actor, 'price.set', p_fair, 'product:' || p_product, v_old,
                        v_new || jsonb_build_object('tier', p_tier));
    RETURN jsonb_build_object('product', p_product, 'price', p_price, 'tier', p_tier);
END
$$;

-- flash.set {fair, product, price, starts_at, ends_at} -> {flash}; event flash to everyone.
-- The flash price applies to every tier while its window is open (item_price_now).
CREATE OR REPLACE FUNCTION showcase_flash_set(p_actor bigint, p_fair bigint, p_product bigint,
                                              p_price bigint, p_starts timestamptz,
                                              p_ends timestamptz)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v_fair fairs;
    v_item fair_items;
    v_old jsonb;
    v_new jsonb;
BEGIN
    IF p_price IS NULL OR p_price < 0 THEN
        RAISE EXCEPTION 'price must be an amount of at least 0' USING ERRCODE = '22023';
    END IF;
    IF p_ends <= p_starts THEN
        RAISE EXCEPTION 'ends_at must be after starts_at' USING ERRCODE = '22023';
    END IF;
    IF p_ends <= now() THEN
        RAISE EXCEPTION 'ends_at must be in the future' USING ERRCODE = '22023';
    END IF;
    v_fair := showcase_fair(p_fair);
    v_item := showcase_item(p_fair, p_product);
    IF showcase_closed(v_fair) IS NOT NULL THEN
        RETURN showcase_closed(v_fair);
    END IF;
    v_old := showcase_flash_json(v_item);
    UPDATE fair_items SET flash_price = p_price, flash_starts_at = p_starts,
                          flash_ends_at = p_ends
    WHERE fair_id = p_fair AND product_id = p_product RETURNING * INTO v_item;
    v_new := showcase_flash_json(v_item);
    PERFORM event_emit(p_fair, 'flash', v_new);
    PERFORM audit_write(p_actor, 'flash.set', p_fair, 'product:' || p_product, v_old, v_new);
    RETURN jsonb_build_object('flash', v_new);
END
$$;

-- item.launch {fair, product} -> {item}: an item not on sale comes on sale now.
CREATE OR REPLACE FUNCTION showcase_item_launch(p_actor bigint, p_fair bigint, p_product bigint)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v_fair fairs;
    v_item fair_items;
    v_new jsonb;
BEGIN
    v_fair := showcase_fair(p_fair);
    v_item := showcase_item(p_fair, p_product);
    IF showcase_closed(v_fair) IS NOT NULL THEN
        RETURN showcase_closed(v_fair);
    END IF;
    IF NOT v_item.withdrawn THEN
        RAISE EXCEPTION 'product % is already on sale at fair %', p_product, p_fair
            USING ERRCODE = '23505';
    END IF;
    UPDATE fair_items SET withdrawn = false, launched_at = now()
    WHERE fair_id = p_fair AND product_id = p_product;
    PERFORM showcase_item_new(p_fair, p_product);
    PERFORM message_product_launched(p_fair, p_product);   -- the inboxes (messages/inbox.sql)
    v_new := item_json(p_fair, p_product, NULL);
    PERFORM audit_write(p_actor, 'item.launch', p_fair, 'product:' || p_product,
                        jsonb_build_object('withdrawn', true), v_new);
    RETURN jsonb_build_object('item', v_new);
END
$$;

-- item.withdraw {fair, product} -> {item}: taken off sale; item.withdrawn to everyone.
CREATE OR REPLACE FUNCTION showcase_item_withdraw(p_actor bigint, p_fair bigint, p_product bigint)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v_fair fairs;
    v_item fair_items;
    v_new jsonb;
BEGIN
    v_fair := showcase_fair(p_fair);
    v_item := showcase_item(p_fair, p_product);
    IF showcase_closed(v_fair) IS NOT NULL THEN
        RETURN showcase_closed(v_fair);
    END IF;
    IF v_item.withdrawn THEN
        RAISE EXCEPTION 'product % is not on sale at fair %', p_product, p_fair
            USING ERRCODE = '23505';
    END IF;
    UPDATE fair_items SET withdrawn = true WHERE fair_id = p_fair AND product_id = p_product;
    PERFORM event_emit(p_fair, 'item.withdrawn', jsonb_build_object('product', p_product));
    v_new := item_json(p_fair, p_product, NULL);
    PERFORM audit_write(p_actor, 'item.withdraw', p_fair, 'product:' || p_product,
                        jsonb_build_object('withdrawn', false), v_new);
    RETURN jsonb_build_object('item', v_new);
END
$$;
