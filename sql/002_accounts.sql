-- 002: dealers, users, sessions, login throttling, the server's secrets.

-- Keys the server processes share (the session cookie MAC key); made on first start.
CREATE TABLE server_secrets (
    name       text PRIMARY KEY,
    secret     bytea NOT NULL CHECK (length(secret) >= 32),
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE dealers (
    id           bigserial PRIMARY KEY,
    code         text NOT NULL UNIQUE CHECK (code ~ '^[A-Za-z0-9_-]{1,32}$'),
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    region       text NOT NULL CHECK (length(region) BETWEEN 1 AND 64),
    tier         text NOT NULL CHECK (tier ~ '^[A-Z]$'),
    credit_limit bigint NOT NULL DEFAULT 0 CHECK (credit_limit >= 0), -- minor units
    key_dealer   boolean NOT NULL DEFAULT false,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX dealers_region ON dealers (region);

CREATE TABLE dealer_addresses (
    id         bigserial PRIMARY KEY,
    dealer_id  bigint NOT NULL REFERENCES dealers ON DELETE CASCADE,
    label      text NOT NULL DEFAULT '' CHECK (length(label) <= 100),
    recipient  text NOT NULL CHECK (length(recipient) BETWEEN 1 AND 100),
    phone      text NOT NULL DEFAULT '' CHECK (length(phone) <= 40),
    address    text NOT NULL CHECK (length(address) BETWEEN 1 AND 500),
    is_default boolean NOT NULL DEFAULT false
);
CREATE INDEX dealer_addresses_dealer ON dealer_addresses (dealer_id);
CREATE UNIQUE INDEX dealer_addresses_one_default ON dealer_addresses (dealer_id) WHERE is_default;

CREATE TABLE users (
    id                   bigserial PRIMARY KEY,
    login                text NOT NULL UNIQUE CHECK (login ~ '^[a-z0-9][a-z0-9_.@-]{0,63}$'),
    name                 text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    role                 text NOT NULL CHECK (role IN ('dealer', 'rep', 'manager', 'admin')),
    dealer_id            bigint REFERENCES dealers,
    regions              text[] NOT NULL DEFAULT '{}', -- reps: the regions served; empty = all
    -- "pbkdf2-sha256$<iterations>$<salt base64>$<hash base64>": parameters kept with the hash
    password_hash        text NOT NULL CHECK (password_hash LIKE 'pbkdf2-sha256$%'),
    must_change_password boolean NOT NULL DEFAULT false,
    disabled             boolean NOT NULL DEFAULT false,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    CHECK ((role = 'dealer') = (dealer_id IS NOT NULL))
);
CREATE INDEX users_dealer ON users (dealer_id) WHERE dealer_id IS NOT NULL;

-- Only a hash of the random session id is stored: a leaked table opens no session.
CREATE TABLE sessions (
    id_hash      bytea PRIMARY KEY CHECK (length(id_hash) = 32),
    user_id      bigint NOT NULL REFERENCES users ON DELETE CASCADE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    revoked_at   timestamptz,
    address      text NOT NULL DEFAULT '',
    user_agent   text NOT NULL DEFAULT '' CHECK (length(user_agent) <= 300),
    CHECK (expires_at > created_at)
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Failed logins, counted here so every server process shares the count.
CREATE TABLE login_failures (
    kind         text NOT NULL CHECK (kind IN ('login', 'address')),
    key          text NOT NULL,
    window_start timestamptz NOT NULL DEFAULT now(),
    failures     integer NOT NULL DEFAULT 0 CHECK (failures >= 0),
    PRIMARY KEY (kind, key)
);

-- The user object of the login reply and the hello.
CREATE FUNCTION user_json(p_user bigint) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'id', u.id, 'name', u.name, 'role', u.role,
        'must_change_password', u.must_change_password,
        'dealer', CASE WHEN d.id IS NULL THEN NULL ELSE jsonb_build_object(
            'id', d.id, 'name', d.name, 'region', d.region, 'tier', d.tier) END)
    FROM users u LEFT JOIN dealers d ON d.id = u.dealer_id
    WHERE u.id = p_user
$$;

-- Step 1 of a login: is it throttled, and what is there to check the password against.
-- One row always, so an unknown login looks like a known one to the caller's timing.
CREATE FUNCTION login_lookup(p_login text, p_address text, p_max_login int,
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
CREATE FUNCTION login_failed(p_login text, p_address text, p_window_s int)
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
CREATE FUNCTION login_succeeded(p_user bigint, p_login text, p_hash bytea,
                                p_expires timestamptz, p_address text, p_user_agent text)
RETURNS jsonb LANGUAGE sql AS $$
    DELETE FROM login_failures WHERE kind = 'login' AND key = p_login;
    INSERT INTO sessions (id_hash, user_id, expires_at, address, user_agent)
    VALUES (p_hash, p_user, p_expires, p_address, left(p_user_agent, 300));
    SELECT user_json(p_user);
$$;

-- The session behind a cookie, if it is still good: not revoked, not expired, user enabled.
CREATE FUNCTION session_lookup(p_hash bytea)
RETURNS TABLE (user_id bigint, login text, role text, dealer_id bigint, user_json jsonb)
LANGUAGE sql STABLE AS $$
    SELECT u.id, u.login, u.role, u.dealer_id, user_json(u.id)
    FROM sessions s JOIN users u ON u.id = s.user_id
    WHERE s.id_hash = p_hash AND s.revoked_at IS NULL AND s.expires_at > now()
      AND NOT u.disabled
$$;

-- Ending sessions is announced to every server process, which closes their sockets:
-- "s:<hash hex>" for one session, "u:<user id>:<hash hex to keep or empty>" for a user's.
CREATE FUNCTION session_revoke(p_hash bytea) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    UPDATE sessions SET revoked_at = now() WHERE id_hash = p_hash AND revoked_at IS NULL;
    PERFORM pg_notify('sessions_revoked', 's:' || encode(p_hash, 'hex'));
END
$$;

CREATE FUNCTION user_sessions_revoke(p_user bigint, p_keep bytea DEFAULT NULL)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    UPDATE sessions SET revoked_at = now()
    WHERE user_id = p_user AND revoked_at IS NULL AND id_hash IS DISTINCT FROM p_keep;
    PERFORM pg_notify('sessions_revoked',
                      'u:' || p_user || ':' || coalesce(encode(p_keep, 'hex'), ''));
END
$$;

-- A new password ends every other session of the user (p_keep: the session that changed
-- it). Returns the user object as it is now.
CREATE FUNCTION user_password_set(p_user bigint, p_hash text, p_keep bytea DEFAULT NULL,
                                  p_must_change boolean DEFAULT false)
RETURNS jsonb LANGUAGE plpgsql AS $$
BEGIN
    UPDATE users SET password_hash = p_hash, must_change_password = p_must_change,
                     updated_at = now()
    WHERE id = p_user;
    PERFORM user_sessions_revoke(p_user, p_keep);
    RETURN user_json(p_user);
END
$$;

CREATE FUNCTION user_set_disabled(p_user bigint, p_disabled boolean)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    UPDATE users SET disabled = p_disabled, updated_at = now() WHERE id = p_user;
    IF p_disabled THEN
        PERFORM user_sessions_revoke(p_user);
    END IF;
END
$$;
