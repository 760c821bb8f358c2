-- Fairs: the status by the database's clock, the notification that keeps every process's
-- fair list current (trigger fairs_notify), the seq counter row each fair gets (trigger
-- fairs_seq_row), and the fair as clients see it.

-- The status by PostgreSQL's clock, the one clock that decides.
CREATE OR REPLACE FUNCTION fair_status(f fairs, at timestamptz DEFAULT now())
RETURNS text LANGUAGE sql STABLE AS $$
    SELECT CASE
        WHEN f.status_override = 'closed' OR at >= f.ends_at THEN 'closed'
        WHEN at < f.starts_at THEN 'scheduled'
        WHEN f.status_override = 'paused' THEN 'paused'
        ELSE 'live'
    END
$$;

-- Every server process caches the list of fairs; tell them when it changes.
CREATE OR REPLACE FUNCTION fairs_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('fairs_changed',
                      CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END::text);
    RETURN NULL;
END
$$;

-- Every fair gets its counter row with it.
CREATE OR REPLACE FUNCTION fairs_seq_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO fair_seq (fair_id) VALUES (NEW.id);
    RETURN NULL;
END
$$;

-- For the catalog functions: an unknown fair is not_found (P0002) for the caller.
CREATE OR REPLACE FUNCTION fair_must_exist(p_fair bigint)
RETURNS boolean LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM fairs WHERE id = p_fair) THEN
        RAISE EXCEPTION 'fair % not found', p_fair USING ERRCODE = 'P0002';
    END IF;
    RETURN true;
END
$$;

-- A fair as clients see it (the join snapshot's fair).
CREATE OR REPLACE FUNCTION fair_json(p_fair bigint) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object('id', f.id, 'name', f.name, 'name_en', f.name_en, 'season', f.season,
        'status', fair_status(f), 'starts_at', rfc3339(f.starts_at),
        'ends_at', rfc3339(f.ends_at), 'timezone', f.timezone, 'currency', f.currency)
    FROM fairs f WHERE f.id = p_fair
$$;
