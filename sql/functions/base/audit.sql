-- The audit log: a change made through an op writes an entry in the op's transaction
-- (audit_write); audit.list reads them.

-- One entry: who did what to which target, the old and the new value.
CREATE OR REPLACE FUNCTION audit_write(p_actor bigint, p_action text, p_fair bigint, p_target text,
                                       p_old jsonb, p_new jsonb) RETURNS void LANGUAGE sql AS $$
    INSERT INTO audit_log (actor, action, fair_id, target, old, new)
    VALUES (p_actor, p_action, p_fair, p_target, p_old, p_new)
$$;

-- audit.list {fair?, since?, limit} -> {entries}, newest first. Without since: the newest
-- p_limit entries. With since (an audit id): the p_limit entries right after it (the oldest
-- of those newer than since), so that a reader paging forward by the largest id it has seen
-- never skips one.
CREATE OR REPLACE FUNCTION audit_list(p_fair bigint, p_since bigint, p_limit integer)
RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF p_fair IS NOT NULL AND NOT EXISTS (SELECT 1 FROM fairs WHERE id = p_fair) THEN
        RAISE EXCEPTION 'fair % not found', p_fair USING ERRCODE = 'P0002';
    END IF;
    RETURN jsonb_build_object('entries', (
        SELECT coalesce(jsonb_agg(jsonb_build_object(
                   'id', a.id, 'at', rfc3339(a.at),
                   'actor', CASE WHEN a.actor IS NULL THEN NULL
                                 ELSE jsonb_build_object('id', a.actor, 'name', u.name) END,
                   'action', a.action, 'fair', a.fair_id, 'target', a.target,
                   'old', a.old, 'new', a.new) ORDER BY a.id DESC), '[]')
        FROM (SELECT * FROM audit_log l
              WHERE (p_fair IS NULL OR l.fair_id = p_fair)
                AND (p_since IS NULL OR l.id > p_since)
              ORDER BY CASE WHEN p_since IS NULL THEN -l.id ELSE l.id END
              LIMIT p_limit) a
        LEFT JOIN users u ON u.id = a.actor));
END
$$;
