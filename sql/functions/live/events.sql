-- The fair room's history (PROTOCOL.md, Fair channel): events with a per-fair seq, who may
-- see which, and the notifications behind the coalesced `stock` pushes.

-- Records a history event and announces it. The seq comes from the fair's counter row,
-- locked until this transaction commits, so seq order is commit order across processes.
-- The NOTIFY carries only "fair:seq": listeners read the event from the table.
CREATE OR REPLACE FUNCTION event_emit(p_fair bigint, p_kind text, p_payload jsonb,
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
CREATE OR REPLACE FUNCTION event_visible(e events, p_staff boolean, p_tier text, p_dealer bigint)
RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN p_staff THEN e.tier IS NULL
                ELSE NOT e.staff_only
                     AND (e.tier IS NULL OR e.tier = p_tier)
                     AND (e.dealer_id IS NULL OR e.dealer_id = p_dealer) END
$$;

-- Announces new remaining stock of some variants of a fair, for the coalesced `stock`
-- pushes: "fair:time_ms:variant=remaining,variant=remaining,...", split to stay far below
-- NOTIFY's 8000-byte limit. Call it in the transaction that changed the stock, after the
-- change (time_ms is then as close to the commit as a transaction can know).
CREATE OR REPLACE FUNCTION stock_notify(p_fair bigint, p_variants bigint[]) RETURNS void
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
