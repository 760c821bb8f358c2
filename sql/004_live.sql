-- 004: the live fair room: events with per-fair seq, the item as clients see it, the join
-- snapshot and resume, and the showcase and administration changes that emit events.

-- Milliseconds-precise RFC 3339 UTC, the protocol's time format.
CREATE FUNCTION rfc3339(t timestamptz) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
$$;

-- Records a history event and announces it. The seq comes from the fair's counter row,
-- locked until this transaction commits, so seq order is commit order across processes.
-- The NOTIFY carries only "fair:seq": listeners read the event from the table.
CREATE FUNCTION event_emit(p_fair bigint, p_kind text, p_payload jsonb,
                           p_tier text DEFAULT NULL, p_dealer bigint DEFAULT NULL,
                           p_staff_only boolean DEFAULT false)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    v_seq bigint;
BEGIN
    UPDATE fair_seq SET seq = seq + 1 WHERE fair_id = p_fair RETURNING seq INTO v_seq;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'fair % not found', p_fair USING ERRCODE = 'P0002';
    END IF;
    INSERT INTO events (fair_id, seq, kind, payload, tier, dealer_id, staff_only)
    VALUES (p_fair, v_seq, p_kind,
            p_payload || jsonb_build_object('ev', p_kind, 'fair', p_fair, 'seq', v_seq),
            p_tier, p_dealer, p_staff_only);
    PERFORM pg_notify('fair_events', p_fair || ':' || v_seq);
    RETURN v_seq;
END
$$;

-- Who may see an event. A change that differs by tier (a price) is emitted once per tier
-- for the dealers (tier set) and once for the staff (staff_only, with every tier): so a
-- dealer sees what is addressed to all, to its tier or to itself, and the staff see every
-- event that is not a tier's copy.
CREATE FUNCTION event_visible(e events, p_staff boolean, p_tier text, p_dealer bigint)
RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN p_staff THEN e.tier IS NULL
                ELSE NOT e.staff_only
                     AND (e.tier IS NULL OR e.tier = p_tier)
                     AND (e.dealer_id IS NULL OR e.dealer_id = p_dealer) END
$$;

-- The price a tier pays for an item now (the tier's own, else the item's), and the flash
-- price while its window is open.
CREATE FUNCTION item_tier_price(i fair_items, p_tier text) RETURNS bigint
LANGUAGE sql STABLE AS $$
    SELECT coalesce((SELECT price FROM fair_item_prices p
                     WHERE p.fair_id = i.fair_id AND p.product_id = i.product_id
                       AND p.tier = p_tier), i.price)
$$;

CREATE FUNCTION item_price_now(i fair_items, p_tier text, p_at timestamptz DEFAULT now())
RETURNS bigint LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN i.flash_price IS NOT NULL AND p_at >= i.flash_starts_at
                     AND p_at < i.flash_ends_at
                THEN i.flash_price ELSE item_tier_price(i, p_tier) END
$$;

CREATE FUNCTION media_urls(p_key text) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN p_key IS NULL THEN NULL ELSE jsonb_build_object(
        'thumb', '/media/' || p_key || '-thumb.jpg',
        'card', '/media/' || p_key || '-card.jpg',
        'full', '/media/' || p_key || '-full.jpg') END
$$;

-- Items as PROTOCOL.md describes them, in the order of p_ids, priced for p_tier (NULL:
-- staff, who also get every tier's price in tier_prices). One set-based query for a whole
-- page: stock, variants and pictures in one pass over the items' stock rows.
CREATE FUNCTION items_json(p_fair bigint, p_ids bigint[], p_tier text)
RETURNS jsonb LANGUAGE sql STABLE AS $$
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
    LEFT JOIN tp ON tp.product_id = u.id
$$;

-- One item (NULL when it is not an item of the fair).
CREATE FUNCTION item_json(p_fair bigint, p_product bigint, p_tier text)
RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT items_json(p_fair, ARRAY[p_product], p_tier) -> 0
$$;

CREATE FUNCTION fair_json(p_fair bigint) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object('id', f.id, 'name', f.name, 'season', f.season,
        'status', fair_status(f), 'starts_at', rfc3339(f.starts_at),
        'ends_at', rfc3339(f.ends_at), 'timezone', f.timezone, 'currency', f.currency)
    FROM fairs f WHERE f.id = p_fair
$$;

-- Remaining stock of every variant of a fair: {"<variant id>": remaining}.
CREATE FUNCTION fair_stock_json(p_fair bigint) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT coalesce(jsonb_object_agg(s.variant_id::text, s.allocation - s.sold), '{}')
    FROM stock s JOIN fair_items i ON i.fair_id = s.fair_id AND i.product_id = s.product_id
    WHERE s.fair_id = p_fair AND NOT i.withdrawn
$$;

CREATE FUNCTION spotlight_json(p_fair bigint) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object('product', s.product_id, 'note', s.note,
                              'by', coalesce(u.name, ''), 'at', rfc3339(s.at))
    FROM fair_spotlight s LEFT JOIN users u ON u.id = s.by_user
    WHERE s.fair_id = p_fair
$$;

-- A Q&A message as clients see it (PROTOCOL.md, Q&A).
CREATE FUNCTION chat_json(m chat_messages) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object('id', m.id, 'product', m.product_id,
        'author', jsonb_build_object('id', u.id, 'name', u.name, 'role', u.role,
                                     'dealer', u.dealer_id),
        'text', m.text, 'reply_to', m.reply_to, 'status', m.status,
        'claimed_by', m.claimed_by, 'private', m.private, 'at', rfc3339(m.created_at))
    FROM users u WHERE u.id = m.author_id
$$;

-- Who may see a Q&A message: staff all but hidden ones; a dealer its own dealer's
-- questions and the answers to them, and public answers with their questions.
CREATE FUNCTION chat_visible(m chat_messages, p_staff boolean, p_dealer bigint)
RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT NOT m.hidden AND (p_staff OR m.dealer_id = p_dealer
        OR (NOT m.private AND (m.reply_to IS NOT NULL OR m.status = 'answered')))
$$;

-- What a client needs when it opens a fair, read in one statement so that everything in it
-- is as of the same moment, and seq is the last event it includes.
CREATE FUNCTION fair_snapshot(p_fair bigint, p_staff boolean, p_tier text, p_dealer bigint,
                              p_limit integer)
RETURNS jsonb LANGUAGE sql STABLE AS $$
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
    WHERE EXISTS (SELECT 1 FROM fairs WHERE id = p_fair)
$$;

-- A resume: every event after p_since the client may see, in order, with the stock now;
-- NULL when that cannot be served (more than p_max events, or a since from the future),
-- and the client gets a full snapshot instead. Never a partial list.
CREATE FUNCTION fair_resume(p_fair bigint, p_since bigint, p_staff boolean, p_tier text,
                            p_dealer bigint, p_max integer)
RETURNS jsonb LANGUAGE sql STABLE AS $$
    WITH now_seq AS (SELECT seq FROM fair_seq WHERE fair_id = p_fair),
         missed AS (SELECT e.seq, e.payload FROM events e
                    WHERE e.fair_id = p_fair AND e.seq > p_since
                      AND event_visible(e, p_staff, p_tier, p_dealer)
                    ORDER BY e.seq LIMIT p_max + 1)
    SELECT CASE WHEN p_since > (SELECT seq FROM now_seq)
                  OR (SELECT count(*) FROM missed) > p_max THEN NULL
           ELSE jsonb_build_object(
               'resumed', true,
               'seq', (SELECT seq FROM now_seq),
               'missed', (SELECT coalesce(jsonb_agg(payload ORDER BY seq), '[]') FROM missed),
               'stock', fair_stock_json(p_fair)) END
$$;

-- Announces new remaining stock of some variants of a fair, for the coalesced `stock`
-- pushes: "fair:time_ms:variant=remaining,variant=remaining,...", split to stay far below
-- NOTIFY's 8000-byte limit. Call it in the transaction that changed the stock, after the
-- change (time_ms is then as close to the commit as a transaction can know).
CREATE FUNCTION stock_notify(p_fair bigint, p_variants bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_chunk text;
BEGIN
    FOR v_chunk IN
        SELECT string_agg(s.variant_id || '=' || (s.allocation - s.sold), ',')
        FROM (SELECT s.*, (row_number() OVER (ORDER BY s.variant_id) - 1) / 300 AS part
              FROM stock s WHERE s.fair_id = p_fair AND s.variant_id = ANY (p_variants)) s
        GROUP BY s.part
    LOOP
        PERFORM pg_notify('fair_stock', p_fair || ':'
            || (extract(epoch FROM clock_timestamp()) * 1000)::bigint || ':' || v_chunk);
    END LOOP;
END
$$;

-- Dealers online per fair and server process, so every process can tell the staff how many
-- are online in all. Each process refreshes its rows every few seconds; rows of a process
-- that stopped refreshing are ignored, then removed.
CREATE TABLE presence (
    process    text NOT NULL,
    fair_id    bigint NOT NULL REFERENCES fairs ON DELETE CASCADE,
    online     integer NOT NULL CHECK (online >= 0),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (process, fair_id)
);

-- One round trip per refresh: this process's counts in, everyone's totals out.
CREATE FUNCTION presence_refresh(p_process text, p_fairs bigint[], p_online integer[])
RETURNS TABLE (fair bigint, total bigint) LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM presence p WHERE p.updated_at < now() - interval '60 seconds'
        OR (p.process = p_process AND NOT (p.fair_id = ANY (p_fairs)));
    INSERT INTO presence AS p (process, fair_id, online, updated_at)
    SELECT p_process, f.id, f.n, now()
    FROM unnest(p_fairs, p_online) AS f(id, n)
    WHERE EXISTS (SELECT 1 FROM fairs WHERE fairs.id = f.id)
    ON CONFLICT ON CONSTRAINT presence_pkey
    DO UPDATE SET online = EXCLUDED.online, updated_at = now();
    RETURN QUERY SELECT p.fair_id, sum(p.online)::bigint FROM presence p
        WHERE p.updated_at > now() - interval '10 seconds' GROUP BY p.fair_id;
END
$$;
