-- Replays of a fair's live video (PROTOCOL.md, "Live video"; tables in 041): nginx-rtmp's
-- on_record_done names a closed recording (server/media/replay.c), the server remuxes it into
-- an MP4 in a limited child and records it ready here with its chapters, announced to the room
-- in the fair's `stream` event.

-- How many replays a fair's stream lists, the newest first.
CREATE OR REPLACE FUNCTION stream_replays_max() RETURNS integer LANGUAGE sql IMMUTABLE AS $$
    SELECT 20
$$;

-- A fair's ready replays as clients see them, the newest first: {id, url, started_at,
-- ended_at, duration_ms, chapters: [{offset_ms, product, note, name, name_en}]}.
CREATE OR REPLACE FUNCTION stream_replays_json(p_fair bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT coalesce(jsonb_agg(x.j ORDER BY x.id DESC), '[]') FROM (
        SELECT r.id, jsonb_build_object(
                   'id', r.id,
                   'url', '/live/' || r.fair_id || '/replay-' || r.id || '.mp4',
                   'started_at', rfc3339(r.started_at),
                   'ended_at', rfc3339(r.ended_at),
                   'duration_ms', r.duration_ms,
                   'chapters', (SELECT coalesce(jsonb_agg(jsonb_build_object(
                                    'offset_ms', c.offset_ms, 'product', c.product_id,
                                    'note', c.note, 'name', p.name, 'name_en', p.name_en)
                                    ORDER BY c.n), '[]')
                                FROM fair_replay_chapters c JOIN products p ON p.id = c.product_id
                                WHERE c.replay_id = r.id)) AS j
        FROM fair_replays r
        WHERE r.fair_id = p_fair AND r.state = 'ready'
        ORDER BY r.id DESC LIMIT stream_replays_max()) x
$$;

-- on_record_done: nginx closed the recording p_recording (fair-<p_fair>-<time>.flv) whose
-- last frame came in at p_ended_ms (ms since the epoch). Records it, to be remuxed; returns
-- its id, or NULL (refused) for a fair that never streamed, a name of another fair, or a
-- recording already known.
CREATE OR REPLACE FUNCTION stream_record_done(p_fair bigint, p_recording text, p_ended_ms bigint)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    v_id bigint;
BEGIN
    IF p_recording NOT LIKE 'fair-' || p_fair || '-%'
       OR NOT EXISTS (SELECT 1 FROM fair_streams WHERE fair_id = p_fair AND started_at IS NOT NULL) THEN
        RETURN NULL;
    END IF;
    INSERT INTO fair_replays (fair_id, recording, ended_at)
    VALUES (p_fair, p_recording, to_timestamp(p_ended_ms / 1000.0))
    ON CONFLICT (recording) DO NOTHING
    RETURNING id INTO v_id;
    RETURN v_id;
END
$$;

-- The remux of replay p_id made p_file, p_duration_ms long and p_bytes big: the replay is
-- ready. Its first frame came in p_duration_ms before its last; its chapters are the
-- spotlight in effect then (at 0) and each one set while it ran, at its offset. Announced
-- (a `stream` event with the replays). Returns the fair's stream as clients see it.
CREATE OR REPLACE FUNCTION stream_replay_ready(p_id bigint, p_file text, p_duration_ms bigint,
                                               p_bytes bigint)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    r fair_replays;
BEGIN
    UPDATE fair_replays SET state = 'ready', file = p_file, duration_ms = p_duration_ms,
                            bytes = p_bytes,
                            started_at = ended_at - p_duration_ms * interval '1 millisecond'
    WHERE id = p_id AND state = 'remuxing'
    RETURNING * INTO r;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'replay % is not being made', p_id USING ERRCODE = 'P0002';
    END IF;
    INSERT INTO fair_replay_chapters (replay_id, n, offset_ms, product_id, note)
    SELECT r.id, row_number() OVER (ORDER BY s.at, s.seq) - 1,
           greatest(0, floor(extract(epoch FROM s.at - r.started_at) * 1000))::bigint,
           (s.payload->>'product')::bigint, coalesce(s.payload->>'note', '')
    FROM (
        (SELECT e.seq, e.at, e.payload FROM events e
         WHERE e.fair_id = r.fair_id AND e.kind = 'spotlight' AND e.at <= r.started_at
         ORDER BY e.at DESC, e.seq DESC LIMIT 1)
        UNION ALL
        SELECT e.seq, e.at, e.payload FROM events e
        WHERE e.fair_id = r.fair_id AND e.kind = 'spotlight'
          AND e.at > r.started_at AND e.at <= r.ended_at
    ) s
    WHERE EXISTS (SELECT 1 FROM products p WHERE p.id = (s.payload->>'product')::bigint);
    PERFORM event_emit(r.fair_id, 'stream', stream_json(r.fair_id));
    RETURN stream_json(r.fair_id);
END
$$;

-- The remux of replay p_id failed (p_error for the operator): kept as failed, the recording
-- left in place.
CREATE OR REPLACE FUNCTION stream_replay_failed(p_id bigint, p_error text) RETURNS void
LANGUAGE sql AS $$
    UPDATE fair_replays SET state = 'failed', error = left(p_error, 500)
    WHERE id = p_id AND state = 'remuxing'
$$;

-- GET /live/<fair>/replay-<id>.mp4: whether the user may watch the fair's video
-- (stream_may_watch), and the replay's file when it is that fair's and ready (else NULL).
CREATE OR REPLACE FUNCTION stream_replay_file(p_fair bigint, p_id bigint, p_staff boolean,
                                              p_dealer bigint,
                                              OUT may_watch boolean, OUT file text)
LANGUAGE sql STABLE AS $$
    SELECT stream_may_watch(p_fair, p_staff, p_dealer),
           (SELECT r.file FROM fair_replays r
            WHERE r.id = p_id AND r.fair_id = p_fair AND r.state = 'ready')
$$;

-- The sweep (server/media/replay.c, every minute on every process): replays whose remux was
-- begun more than p_lease ago and never recorded ready or failed (a restart stopped it), or
-- never begun, claimed again for this process (made_at is when its remux last began: a
-- remux is stopped after 20 minutes, so a 30-minute lease is never taken from one running).
CREATE OR REPLACE FUNCTION stream_replays_claim_stale(p_lease interval DEFAULT interval '30 minutes')
RETURNS TABLE (id bigint, recording text) LANGUAGE sql AS $$
    UPDATE fair_replays r SET made_at = now()
    WHERE r.state = 'remuxing' AND r.made_at < now() - p_lease
    RETURNING r.id, r.recording
$$;
