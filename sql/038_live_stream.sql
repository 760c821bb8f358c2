-- 038: a fair's live video (issue 24): its stream key, its stream's state, and which dealers
-- a fair is for.
--
-- A rep publishes over RTMP to nginx (libnginx-mod-rtmp), which asks the server whether the
-- key may publish (on_publish) and says when it stops (on_publish_done); the server records
-- the state here and announces it to the fair's room (event `stream`, PROTOCOL.md).
--
-- The key is made by `fairctl stream` (OpenSSL random) and shown once: only its SHA-256 is
-- kept, so a leaked table does not let anyone publish. A rotated key is replaced here: the
-- old one is refused at once for a new publish, and nginx's periodic on_update check drops a
-- publish still running with it (live_key_hash is the key that publish used, so that its
-- on_publish_done still ends the fair's stream).
CREATE TABLE fair_streams (
    fair_id       bigint PRIMARY KEY REFERENCES fairs ON DELETE CASCADE,
    key_hash      bytea CHECK (length(key_hash) = 32),      -- SHA-256 of the key; NULL: none
    key_made_at   timestamptz,
    live_key_hash bytea CHECK (length(live_key_hash) = 32), -- the key of the publish going on
    state         text NOT NULL DEFAULT 'off' CHECK (state IN ('off', 'live', 'ended')),
    started_at    timestamptz,
    ended_at      timestamptz,
    -- a brand's own live service instead of ours: played as given (HLS or HTTP-FLV)
    playback_url  text CHECK (playback_url ~ '^https?://[^[:space:]]+$'
                              AND length(playback_url) <= 2000)
);
CREATE UNIQUE INDEX fair_streams_key ON fair_streams (key_hash);
CREATE INDEX fair_streams_live_key ON fair_streams (live_key_hash) WHERE live_key_hash IS NOT NULL;

-- The dealers a fair is for. A fair that lists none is for every dealer (as every fair was
-- before); one that lists some serves its video to those dealers only (and to the staff).
CREATE TABLE fair_dealers (
    fair_id   bigint NOT NULL REFERENCES fairs ON DELETE CASCADE,
    dealer_id bigint NOT NULL REFERENCES dealers ON DELETE CASCADE,
    PRIMARY KEY (fair_id, dealer_id)
);
