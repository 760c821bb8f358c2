-- A fair's live video (PROTOCOL.md, event `stream`; the tables in 038): the key, the state
-- nginx-rtmp's callbacks record (server/media/stream_http.c), and who may watch.
--
-- A key is text the server made (fairctl stream: 48 hex digits from OpenSSL's RAND_bytes);
-- only its SHA-256 is stored and looked up (a unique index: the lookup compares hashes, so it
-- tells nothing about the key).

-- A stream row as clients see it: {state: "off"|"live"|"ended", hls, started_at, ended_at,
-- playback_url, replays}; hls is the playlist's path while live, replays the ready replays
-- (replay.sql).
CREATE OR REPLACE FUNCTION stream_row_json(s fair_streams) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
               'state', s.state,
               'hls', CASE WHEN s.state = 'live'
                           THEN '/live/' || s.fair_id || '/fair-' || s.fair_id || '.m3u8' END,
               'started_at', rfc3339(s.started_at),
               'ended_at', rfc3339(s.ended_at),
               'playback_url', s.playback_url,
               'replays', stream_replays_json(s.fair_id))
$$;

-- The fair's stream for the join and the events; NULL when the fair has none (never
-- streamed, no playback URL).
CREATE OR REPLACE FUNCTION stream_json(p_fair bigint) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT stream_row_json(s) FROM fair_streams s
    WHERE s.fair_id = p_fair AND (s.state <> 'off' OR s.playback_url IS NOT NULL)
$$;

-- fairctl stream FAIR --rotate (or the first key): stores the new key's hash in place of the
-- old one. The old key can never publish again; a publish still running with it is dropped
-- at nginx's next on_update (stream_check). Returns when the key was made.
CREATE OR REPLACE FUNCTION stream_key_set(p_fair bigint, p_key text)
RETURNS timestamptz LANGUAGE plpgsql AS $$
BEGIN
    PERFORM fair_must_exist(p_fair);
    IF p_key !~ '^[0-9a-f]{48}$' THEN
        RAISE EXCEPTION 'a stream key is 48 hex digits' USING ERRCODE = '22023';
    END IF;
    INSERT INTO fair_streams AS s (fair_id, key_hash, key_made_at)
    VALUES (p_fair, sha256(convert_to(p_key, 'UTF8')), now())
    ON CONFLICT (fair_id) DO UPDATE SET key_hash = excluded.key_hash,
                                        key_made_at = excluded.key_made_at;
    PERFORM audit_write(NULL, 'stream.key', p_fair, 'fair:' || p_fair, NULL, NULL);
    RETURN now();
END
$$;

-- on_publish: the fair whose current key this is, now live (announced), or NULL (refused).
CREATE OR REPLACE FUNCTION stream_publish(p_key text) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    v_fair bigint;
BEGIN
    UPDATE fair_streams SET state = 'live', started_at = now(), ended_at = NULL,
                            live_key_hash = key_hash
    WHERE key_hash = sha256(convert_to(p_key, 'UTF8'))
    RETURNING fair_id INTO v_fair;
    IF v_fair IS NOT NULL THEN
        PERFORM event_emit(v_fair, 'stream', stream_json(v_fair));
    END IF;
    RETURN v_fair;
END
$$;

-- on_publish_done: the publish made with this key (the current one or a rotated one) ended;
-- announced. Returns the fair, or NULL when no publish of that key was live.
CREATE OR REPLACE FUNCTION stream_publish_done(p_key text) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    v_fair bigint;
BEGIN
    UPDATE fair_streams SET state = 'ended', ended_at = now(), live_key_hash = NULL
    WHERE live_key_hash = sha256(convert_to(p_key, 'UTF8')) AND state = 'live'
    RETURNING fair_id INTO v_fair;
    IF v_fair IS NOT NULL THEN
        PERFORM event_emit(v_fair, 'stream', stream_json(v_fair));
    END IF;
    RETURN v_fair;
END
$$;

-- on_update (every few seconds while publishing): whether the key is still its fair's.
CREATE OR REPLACE FUNCTION stream_check(p_key text) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM fair_streams
                   WHERE key_hash = sha256(convert_to(p_key, 'UTF8')))
$$;

-- fairctl stream FAIR --playback-url URL|'': a brand's own live service instead (NULL: none);
-- announced to the room as a `stream` event.
CREATE OR REPLACE FUNCTION stream_playback_set(p_fair bigint, p_url text)
RETURNS jsonb LANGUAGE plpgsql AS $$
BEGIN
    PERFORM fair_must_exist(p_fair);
    INSERT INTO fair_streams AS s (fair_id, playback_url) VALUES (p_fair, p_url)
    ON CONFLICT (fair_id) DO UPDATE SET playback_url = excluded.playback_url;
    -- the event says what changed also when the fair is left with no stream at all
    PERFORM event_emit(p_fair, 'stream',
                       (SELECT stream_row_json(s) FROM fair_streams s WHERE s.fair_id = p_fair));
    PERFORM audit_write(NULL, 'stream.playback', p_fair, 'fair:' || p_fair, NULL,
                        jsonb_build_object('playback_url', p_url));
    RETURN stream_json(p_fair);
END
$$;

-- Whether a user may watch a fair's video: the staff always; a dealer when the fair lists
-- no dealers (fair_dealers) or lists this one. False for a fair that does not exist.
CREATE OR REPLACE FUNCTION stream_may_watch(p_fair bigint, p_staff boolean, p_dealer bigint)
RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM fairs WHERE id = p_fair)
           AND (p_staff
                OR NOT EXISTS (SELECT 1 FROM fair_dealers WHERE fair_id = p_fair)
                OR EXISTS (SELECT 1 FROM fair_dealers
                           WHERE fair_id = p_fair AND dealer_id = p_dealer))
$$;

-- on_publish of nginx's HLS application: its own push of a renamed stream, fair-<id>, is
-- packaged only while that fair is live (a stray local publisher cannot take the name).
CREATE OR REPLACE FUNCTION stream_relay_allowed(p_fair bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM fair_streams WHERE fair_id = p_fair AND state = 'live')
$$;

-- The fairs live now, for the server's check of what no on_publish_done ended
-- (server/media/stream_watch.c): started_at as text (given back to stream_live_lost
-- exactly) and in milliseconds since the epoch.
CREATE OR REPLACE FUNCTION stream_live_fairs()
RETURNS TABLE (fair_id bigint, started_at text, started_ms bigint)
LANGUAGE sql STABLE AS $$
    SELECT s.fair_id, s.started_at::text, floor(extract(epoch FROM s.started_at) * 1000)::bigint
    FROM fair_streams s WHERE s.state = 'live'
$$;

-- A live stream whose on_publish_done never came (the server was down when the publish
-- ended, or nginx died): nginx has stopped writing its playlist. Ended as on_publish_done
-- ends it, at p_ended_ms (the playlist's last write; NULL: now) and announced, but only the
-- publish that began at p_started (a new one since is left alone, and of several processes
-- checking together one ends it). Returns whether it did.
CREATE OR REPLACE FUNCTION stream_live_lost(p_fair bigint, p_started timestamptz, p_ended_ms bigint)
RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    UPDATE fair_streams
    SET state = 'ended', live_key_hash = NULL,
        ended_at = LEAST(now(), GREATEST(started_at,
                                         COALESCE(to_timestamp(p_ended_ms / 1000.0), now())))
    WHERE fair_id = p_fair AND state = 'live' AND started_at = p_started;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    PERFORM event_emit(p_fair, 'stream', stream_json(p_fair));
    RETURN true;
END
$$;
