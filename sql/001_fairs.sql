-- 001: fairs, the first thing every client sees (the hello lists them).
-- Each migration runs once, recorded in schema_migrations; the pending ones and then
-- sql/functions/ (every function, view and trigger, defined once each: README.md there)
-- are applied in one transaction.

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
