-- 041: replays (回放) of a fair's live video (issue 24). nginx-rtmp records each session of a
-- fair's stream (record all, in its HLS application, so the file is named by the fair:
-- fair-<id>-<unix time>.flv) and says when a recording is closed (on_record_done); the server
-- remuxes it with ffmpeg into an MP4 that starts playing at once (faststart) and records it
-- here with a chapter for every spotlight of the session at its offset (PROTOCOL.md, "Live
-- video": the `replays` of a fair's stream).

CREATE TABLE fair_replays (
    id          bigserial PRIMARY KEY,
    fair_id     bigint NOT NULL REFERENCES fairs ON DELETE CASCADE,
    -- nginx's recording, as it named it (in the recordings folder beside hls_root)
    recording   text NOT NULL UNIQUE CHECK (recording ~ '^fair-[1-9][0-9]{0,17}-[0-9]{1,20}\.flv$'),
    state       text NOT NULL DEFAULT 'remuxing' CHECK (state IN ('remuxing', 'ready', 'failed')),
    -- the MP4, beside the recording, once ready
    file        text CHECK (file ~ '^replay-[1-9][0-9]*\.mp4$'),
    -- when the recording's last frame reached nginx (the file's modification time as nginx
    -- closed it), and its first (that less the MP4's duration): the server's clock, as the
    -- spotlights' times
    ended_at    timestamptz NOT NULL,
    started_at  timestamptz,
    duration_ms bigint CHECK (duration_ms >= 0),
    bytes       bigint CHECK (bytes >= 0),
    error       text CHECK (length(error) <= 500),
    made_at     timestamptz NOT NULL DEFAULT now(),
    CHECK (state <> 'ready' OR (file IS NOT NULL AND started_at IS NOT NULL
                                AND duration_ms IS NOT NULL AND bytes IS NOT NULL))
);
CREATE INDEX fair_replays_fair ON fair_replays (fair_id, id);

-- A replay's chapters: the spotlight in effect when the recording began (at 0) and every
-- spotlight set while it ran, at its offset from the recording's first frame. Kept with the
-- replay (the spotlight's own row holds only the current one).
CREATE TABLE fair_replay_chapters (
    replay_id  bigint NOT NULL REFERENCES fair_replays ON DELETE CASCADE,
    n          integer NOT NULL CHECK (n >= 0),
    offset_ms  bigint NOT NULL CHECK (offset_ms >= 0),
    product_id bigint NOT NULL REFERENCES products,
    note       text NOT NULL DEFAULT '' CHECK (length(note) <= 500),
    PRIMARY KEY (replay_id, n)
);
