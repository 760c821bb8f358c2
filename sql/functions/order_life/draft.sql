-- Drafts: the order a dealer is still filling in, kept on the server.

-- draft.save {fair, lines, note?} -> {updated_at}; draft.get {fair} -> {lines, note,
-- updated_at}: the order a dealer is still filling in, kept on the server.
CREATE OR REPLACE FUNCTION draft_save(p_dealer bigint, p_fair bigint, p_lines jsonb, p_note text)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v_at timestamptz;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM fairs WHERE id = p_fair) THEN
        RAISE EXCEPTION 'fair % not found', p_fair USING ERRCODE = 'P0002';
    END IF;
    INSERT INTO drafts AS d (dealer_id, fair_id, lines, note, updated_at)
    VALUES (p_dealer, p_fair, p_lines, coalesce(p_note, ''), clock_timestamp())
    ON CONFLICT (dealer_id, fair_id) DO UPDATE
        SET lines = excluded.lines, note = excluded.note, updated_at = excluded.updated_at
    RETURNING d.updated_at INTO v_at;
    RETURN jsonb_build_object('updated_at', rfc3339(v_at));
END
$$;

CREATE OR REPLACE FUNCTION draft_get(p_dealer bigint, p_fair bigint) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v drafts;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM fairs WHERE id = p_fair) THEN
        RAISE EXCEPTION 'fair % not found', p_fair USING ERRCODE = 'P0002';
    END IF;
    SELECT * INTO v FROM drafts WHERE dealer_id = p_dealer AND fair_id = p_fair;
    RETURN jsonb_build_object('lines', coalesce(v.lines, '[]'), 'note', coalesce(v.note, ''),
                              'updated_at', rfc3339(v.updated_at));
END
$$;
