-- 030: which dealers are joined to a fair, on every process, and the rep console's view of
-- the dealers (dealers.overview, PROTOCOL.md).
--
-- Until now each process wrote only how many dealers were joined to each fair (presence,
-- 004). presence_dealers lists them: one row per (fair, process, dealer), written by the
-- same refresh round trip as the counts, every 2 s, as a set difference (only joins and
-- leaves since the last refresh are written, so 10,000 dealers sitting in a fair cost reads,
-- not 10,000 dead rows every 2 s). A dealer's rows hang from its process's presence row
-- (foreign key, ON DELETE CASCADE) and count only while that row is fresh, so they expire
-- exactly as the counts do: ignored 10 s after the process's last refresh, deleted with the
-- presence row after 60 s (by the next refresh of any process), and deleted at once when
-- the process reports the fair no longer joined.
--
-- (Its functions, views and triggers are now defined once each in sql/functions/: see
-- README.md there.)

CREATE TABLE presence_dealers (
    fair_id   bigint NOT NULL,
    process   text NOT NULL,
    dealer_id bigint NOT NULL,
    PRIMARY KEY (fair_id, process, dealer_id),
    FOREIGN KEY (process, fair_id) REFERENCES presence (process, fair_id) ON DELETE CASCADE
);
