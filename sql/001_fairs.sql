-- 001: fairs, the first thing every client sees (the hello lists them).
-- Each migration runs once, in one transaction, recorded in schema_migrations.

CREATE TABLE fairs (
    id              bigserial PRIMARY KEY,
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    season          text NOT NULL DEFAULT '' CHECK (length(season) <= 100),
    currency        text NOT NULL DEFAULT 'CNY' CHECK (currency ~ '^[A-Z]{3}$'),
    timezone        text NOT NULL DEFAULT 'Asia/Shanghai'
                    CHECK (length(timezone) BETWEEN 1 AND 64),
    starts_at       timestamptz NOT NULL,
    ends_at         timestamptz NOT NULL,
    -- set by hand: paused (until resumed) or closed (for good); NULL follows
    -- the times
    status_override text CHECK (status_override IN ('paused', 'closed')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    CHECK (ends_at > starts_at)
);

-- The status by PostgreSQL's clock, the one clock that decides.
CREATE FUNCTION fair_status(f fairs, at timestamptz DEFAULT now())
RETURNS text LANGUAGE sql STABLE AS $$
    SELECT CASE
        WHEN f.status_override = 'closed' OR at >= f.ends_at THEN 'closed'
        WHEN at < f.starts_at THEN 'scheduled'
        WHEN f.status_override = 'paused' THEN 'paused'
        ELSE 'live'
    END
$$;

-- Every server process caches the list of fairs; tell them when it changes.
CREATE FUNCTION fairs_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('fairs_changed',
                      CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END::text);
    RETURN NULL;
END
$$;

CREATE TRIGGER fairs_notify AFTER INSERT OR UPDATE OR DELETE ON fairs
    FOR EACH ROW EXECUTE FUNCTION fairs_notify();
