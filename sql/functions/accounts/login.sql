-- Logging in, throttled per login name and per address in counters every process shares.
-- The server uses 033's reserved attempts: login_begin, then login_attempt_failed,
-- login_attempt_succeeded or login_attempt_release (a failure is counted before the 401 is
-- sent, and at most p_max_pending attempts of one address are hashed at once). 002's
-- login_lookup and login_succeeded stay for a process of the previous build during a
-- rolling restart; login_failed still counts a wrong current password (POST /api/password).

-- Step 1 of a login. state: 'go' (attempt reserved: check the password against
-- password_hash; user_id NULL for an unknown login), 'wait' (no room now: ask again
-- shortly) or 'blocked' (too many failures within the window: 429).
-- Lock order, kept by every function here and by 002's login_failed: the login's counter,
-- then the address's; lapsed attempts are deleted only when no one holds them.
CREATE OR REPLACE FUNCTION login_begin(p_login text, p_address text, p_max_login int,
                                       p_max_address int, p_max_pending int, p_window_s int,
                                       p_ttl_s int)
RETURNS TABLE (state text, attempt bigint, user_id bigint, password_hash text, disabled boolean)
LANGUAGE plpgsql AS $$
DECLARE
    v_since timestamptz := now() - make_interval(secs => p_window_s);
    v_login_failed int;
    v_address_failed int;
    v_login_pending int;
    v_address_pending int;
BEGIN
    -- A first look without locks: a call that must wait or is blocked writes nothing, so
    -- the attempts waiting for room cost no commit to flush while they ask again.
    SELECT coalesce(max(CASE WHEN f.kind = 'login' AND f.window_start > v_since THEN f.failures END), 0),
           coalesce(max(CASE WHEN f.kind = 'address' AND f.window_start > v_since THEN f.failures END), 0)
    INTO v_login_failed, v_address_failed
    FROM login_failures f
    WHERE (f.kind = 'login' AND f.key = p_login) OR (f.kind = 'address' AND f.key = p_address);
    SELECT count(*) FILTER (WHERE a.login = p_login), count(*) FILTER (WHERE a.address = p_address)
    INTO v_login_pending, v_address_pending
    FROM login_attempts a
    WHERE (a.login = p_login OR a.address = p_address) AND a.expires_at > now();
    IF v_login_failed >= p_max_login OR v_address_failed >= p_max_address THEN
        state := 'blocked';
        RETURN NEXT;
        RETURN;
    ELSIF v_login_failed + v_login_pending >= p_max_login
       OR v_address_failed + v_address_pending >= p_max_address
       OR v_address_pending >= p_max_pending THEN
        state := 'wait';
        RETURN NEXT;
        RETURN;
    END IF;

    -- It may go: lock the counters and look again.
    INSERT INTO login_failures (kind, key) VALUES ('login', p_login) ON CONFLICT DO NOTHING;
    SELECT CASE WHEN f.window_start > v_since THEN f.failures ELSE 0 END INTO v_login_failed
    FROM login_failures f WHERE f.kind = 'login' AND f.key = p_login FOR UPDATE;
    INSERT INTO login_failures (kind, key) VALUES ('address', p_address) ON CONFLICT DO NOTHING;
    SELECT CASE WHEN f.window_start > v_since THEN f.failures ELSE 0 END INTO v_address_failed
    FROM login_failures f WHERE f.kind = 'address' AND f.key = p_address FOR UPDATE;

    DELETE FROM login_attempts WHERE id IN (
        SELECT a.id FROM login_attempts a
        WHERE (a.login = p_login OR a.address = p_address) AND a.expires_at <= now()
        FOR UPDATE SKIP LOCKED);
    -- a new snapshot: the attempts committed by whoever held the locks before us
    SELECT count(*) FILTER (WHERE a.login = p_login), count(*) FILTER (WHERE a.address = p_address)
    INTO v_login_pending, v_address_pending
    FROM login_attempts a
    WHERE (a.login = p_login OR a.address = p_address) AND a.expires_at > now();

    IF coalesce(v_login_failed, 0) >= p_max_login
       OR coalesce(v_address_failed, 0) >= p_max_address THEN
        state := 'blocked';
    ELSIF coalesce(v_login_failed, 0) + v_login_pending >= p_max_login
       OR coalesce(v_address_failed, 0) + v_address_pending >= p_max_address
       OR v_address_pending >= p_max_pending THEN
        state := 'wait';
    ELSE
        state := 'go';
        INSERT INTO login_attempts (login, address, expires_at)
        VALUES (p_login, p_address, now() + make_interval(secs => p_ttl_s))
        RETURNING id INTO attempt;
        SELECT u.id, u.password_hash, u.disabled INTO user_id, password_hash, disabled
        FROM users u WHERE u.login = p_login;
    END IF;
    RETURN NEXT;
END
$$;

-- A wrong password (or an unknown login, or a disabled account): the attempt becomes a
-- failure counted against the login and the address, in one transaction.
CREATE OR REPLACE FUNCTION login_attempt_failed(p_attempt bigint, p_login text, p_address text,
                                                p_window_s int)
RETURNS void LANGUAGE sql AS $$
    SELECT login_failed(p_login, p_address, p_window_s);
    DELETE FROM login_attempts WHERE id = p_attempt;
$$;

-- A right password: a new session (only the hash of its id), the attempt given back and the
-- login's failures forgotten (the counter row stays, at 0: it is what login_begin locks).
-- Returns the user object.
CREATE OR REPLACE FUNCTION login_attempt_succeeded(p_attempt bigint, p_user bigint,
                                                   p_login text, p_hash bytea,
                                                   p_expires timestamptz, p_address text,
                                                   p_user_agent text)
RETURNS jsonb LANGUAGE sql AS $$
    UPDATE login_failures SET failures = 0, window_start = now()
    WHERE kind = 'login' AND key = p_login;
    DELETE FROM login_attempts WHERE id = p_attempt;
    INSERT INTO sessions (id_hash, user_id, expires_at, address, user_agent)
    VALUES (p_hash, p_user, p_expires, p_address, left(p_user_agent, 300));
    SELECT user_json(p_user);
$$;

-- An attempt that ended without an answer on the password (the hashing queue was full, the
-- server is stopping): given back, not counted.
CREATE OR REPLACE FUNCTION login_attempt_release(p_attempt bigint) RETURNS void LANGUAGE sql AS $$
    DELETE FROM login_attempts WHERE id = p_attempt;
$$;

-- The attempts a live process still holds (waiting for a worker or hashing) lapse p_ttl_s
-- from now rather than sooner.
CREATE OR REPLACE FUNCTION login_attempts_renew(p_attempts bigint[], p_ttl_s int) RETURNS void
LANGUAGE sql AS $$
    UPDATE login_attempts SET expires_at = now() + make_interval(secs => p_ttl_s)
    WHERE id = ANY (p_attempts);
$$;

-- Step 1 of a login: is it throttled, and what is there to check the password against.
-- One row always, so an unknown login looks like a known one to the caller's timing.
CREATE OR REPLACE FUNCTION login_lookup(p_login text, p_address text, p_max_login int,
                                        p_max_address int, p_window_s int)
RETURNS TABLE (blocked boolean, user_id bigint, password_hash text, disabled boolean)
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM login_failures f
                   WHERE f.window_start > now() - make_interval(secs => p_window_s)
                     AND ((f.kind = 'login' AND f.key = p_login AND f.failures >= p_max_login)
                       OR (f.kind = 'address' AND f.key = p_address AND f.failures >= p_max_address))),
           u.id, u.password_hash, u.disabled
    FROM (SELECT 1) one LEFT JOIN users u ON u.login = p_login
$$;

-- A failed login counts against the login name and the address, in a window that restarts
-- once it has passed.
CREATE OR REPLACE FUNCTION login_failed(p_login text, p_address text, p_window_s int)
RETURNS void LANGUAGE sql AS $$
    INSERT INTO login_failures AS f (kind, key, window_start, failures)
    VALUES ('login', p_login, now(), 1), ('address', p_address, now(), 1)
    ON CONFLICT (kind, key) DO UPDATE SET
        failures = CASE WHEN f.window_start > now() - make_interval(secs => p_window_s)
                        THEN f.failures + 1 ELSE 1 END,
        window_start = CASE WHEN f.window_start > now() - make_interval(secs => p_window_s)
                            THEN f.window_start ELSE now() END
$$;

-- A successful login: a new session (only the hash of its id) and the login's failures
-- forgotten. Returns the user object.
CREATE OR REPLACE FUNCTION login_succeeded(p_user bigint, p_login text, p_hash bytea,
                                           p_expires timestamptz, p_address text, p_user_agent text)
RETURNS jsonb LANGUAGE sql AS $$
    DELETE FROM login_failures WHERE kind = 'login' AND key = p_login;
    INSERT INTO sessions (id_hash, user_id, expires_at, address, user_agent)
    VALUES (p_hash, p_user, p_expires, p_address, left(p_user_agent, 300));
    SELECT user_json(p_user);
$$;
