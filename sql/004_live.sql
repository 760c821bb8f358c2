-- 004: the live fair room: events with per-fair seq, the item as clients see it, the join
-- snapshot and resume, and the showcase and administration changes that emit events.
--
-- (Its functions, views and triggers are now defined once each in sql/functions/: see
-- README.md there.)

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
