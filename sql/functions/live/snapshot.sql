-- Joining a fair (PROTOCOL.md, join): the snapshot, in two parts since 018 (what every
-- member of a tier shares, which the server keeps per fair and tier while nothing has
-- changed, and the member's chat), and the resume from a seq. plpgsql, planned once per
-- connection (015).

-- The part of a snapshot every member of a tier shares (the staff: p_staff): the fair, its
-- seq, the first p_limit items on sale and their count, the spotlight, the live video's
-- state (stream_json, NULL without one) and the stock. The
-- server keeps it per fair and tier while no event and no stock change has happened since
-- it was read (live/room_join.c): 10,000 dealers joining at 10:00 cost PostgreSQL about
-- 7 ms each for the same part before (018).
CREATE OR REPLACE FUNCTION fair_snapshot_shared(p_fair bigint, p_staff boolean, p_tier text,
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
            'stream', stream_json(p_fair),
            'stock', fair_stock_json(p_fair))
        WHERE EXISTS (SELECT 1 FROM fairs WHERE id = p_fair));
END
$$;

-- The last 50 messages of the fair's chat that this member may see.
CREATE OR REPLACE FUNCTION fair_chat_snapshot(p_fair bigint, p_staff boolean, p_dealer bigint)
RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT coalesce(jsonb_agg(chat_json(m) ORDER BY m.id), '[]') FROM
               (SELECT * FROM chat_messages m WHERE m.fair_id = p_fair
                  AND chat_visible(m, p_staff, p_dealer)
                ORDER BY m.id DESC LIMIT 50) m);
END
$$;

-- What a client needs when it opens a fair, read in one statement so that everything in it
-- is as of the same moment, and seq is the last event it includes: the shared part and the
-- member's chat.
CREATE OR REPLACE FUNCTION fair_snapshot(p_fair bigint, p_staff boolean, p_tier text,
                                         p_dealer bigint, p_limit integer)
RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN fair_snapshot_shared(p_fair, p_staff, p_tier, p_limit)
           || jsonb_build_object('chat', fair_chat_snapshot(p_fair, p_staff, p_dealer));
END
$$;

-- A resume: every event after p_since the client may see, in order, with the stock now;
-- NULL when that cannot be served (more than p_max events, or a since from the future),
-- and the client gets a full snapshot instead. Never a partial list. The `chat` events of
-- messages hidden since are left out (007).
CREATE OR REPLACE FUNCTION fair_resume(p_fair bigint, p_since bigint, p_staff boolean,
                                       p_tier text, p_dealer bigint, p_max integer)
RETURNS jsonb LANGUAGE sql STABLE AS $$
    WITH now_seq AS (SELECT seq FROM fair_seq WHERE fair_id = p_fair),
         missed AS (SELECT e.seq, e.payload FROM events e
                    WHERE e.fair_id = p_fair AND e.seq > p_since
                      AND event_visible(e, p_staff, p_tier, p_dealer)
                      AND NOT chat_event_hidden(e)
                    ORDER BY e.seq LIMIT p_max + 1)
    SELECT CASE WHEN p_since > (SELECT seq FROM now_seq)
                  OR (SELECT count(*) FROM missed) > p_max THEN NULL
           ELSE jsonb_build_object(
               'resumed', true,
               'seq', (SELECT seq FROM now_seq),
               'missed', (SELECT coalesce(jsonb_agg(payload ORDER BY seq), '[]') FROM missed),
               'stock', fair_stock_json(p_fair)) END
$$;
