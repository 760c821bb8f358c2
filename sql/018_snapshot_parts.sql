-- 018: a join snapshot in two parts: what every dealer of a tier shares, and the chat.
--
-- 10,000 dealers joining at 10:00 cost PostgreSQL about 7 ms each for the same fair, items,
-- spotlight and stock (docs/BENCHMARKS.md). The server now keeps the shared part per fair and
-- tier while no event and no stock change has happened since it was read (fair_room.c), and
-- asks PostgreSQL only for the dealer's chat and the fair's seq, which tells it whether the
-- kept part is still current. fair_snapshot is the two parts together, as before.

CREATE FUNCTION fair_snapshot_shared(p_fair bigint, p_staff boolean, p_tier text, p_limit integer)
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
            'stock', fair_stock_json(p_fair))
        WHERE EXISTS (SELECT 1 FROM fairs WHERE id = p_fair));
END
$$;

-- The last 50 messages of the fair's chat that this member may see.
CREATE FUNCTION fair_chat_snapshot(p_fair bigint, p_staff boolean, p_dealer bigint)
RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT coalesce(jsonb_agg(chat_json(m) ORDER BY m.id), '[]') FROM
               (SELECT * FROM chat_messages m WHERE m.fair_id = p_fair
                  AND chat_visible(m, p_staff, p_dealer)
                ORDER BY m.id DESC LIMIT 50) m);
END
$$;

CREATE OR REPLACE FUNCTION fair_snapshot(p_fair bigint, p_staff boolean, p_tier text, p_dealer bigint,
                                         p_limit integer)
RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN fair_snapshot_shared(p_fair, p_staff, p_tier, p_limit)
           || jsonb_build_object('chat', fair_chat_snapshot(p_fair, p_staff, p_dealer));
END
$$;
