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

-- Administration of dealers and users, shared by the admin ops and the admin command.
-- Refusals use SQLSTATEs the server maps to protocol codes: 23505 conflict, P0002
-- not_found, 22023 (and constraint violations) bad_request.

CREATE FUNCTION dealer_json(p_dealer bigint) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'id', d.id, 'code', d.code, 'name', d.name, 'region', d.region, 'tier', d.tier,
        'credit_limit', d.credit_limit, 'key_dealer', d.key_dealer,
        'addresses', coalesce((SELECT jsonb_agg(jsonb_build_object(
                'id', a.id, 'label', a.label, 'recipient', a.recipient, 'phone', a.phone,
                'address', a.address, 'default', a.is_default) ORDER BY a.id)
            FROM dealer_addresses a WHERE a.dealer_id = d.id), '[]'))
    FROM dealers d WHERE d.id = p_dealer
$$;

-- The user as administrators see it (more than the hello's user object).
CREATE FUNCTION user_admin_json(p_user bigint) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT user_json(u.id) || jsonb_build_object(
        'login', u.login, 'regions', to_jsonb(u.regions), 'disabled', u.disabled)
    FROM users u WHERE u.id = p_user
$$;

CREATE FUNCTION admin_dealer_create(p_actor bigint, p_code text, p_name text, p_region text,
                                    p_tier text, p_credit bigint, p_key_dealer boolean,
                                    p_addresses jsonb)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v_id bigint := nextval(pg_get_serial_sequence('dealers', 'id'));
    v_address jsonb;
    v_first boolean := true;
BEGIN
    INSERT INTO dealers (id, code, name, region, tier, credit_limit, key_dealer)
    VALUES (v_id, coalesce(p_code, 'D' || lpad(v_id::text, 4, '0')), p_name, p_region, p_tier,
            coalesce(p_credit, 0), coalesce(p_key_dealer, false));
    FOR v_address IN SELECT * FROM jsonb_array_elements(coalesce(p_addresses, '[]')) LOOP
        IF jsonb_typeof(v_address) <> 'object' THEN
            RAISE EXCEPTION 'each address must be an object' USING ERRCODE = '22023';
        END IF;
        INSERT INTO dealer_addresses (dealer_id, label, recipient, phone, address, is_default)
        VALUES (v_id, coalesce(v_address->>'label', ''), v_address->>'recipient',
                coalesce(v_address->>'phone', ''), v_address->>'address', v_first);
        v_first := false;
    END LOOP;
    INSERT INTO audit_log (actor, action, target, new)
    VALUES (p_actor, 'dealer.create', 'dealer:' || v_id, dealer_json(v_id));
    RETURN dealer_json(v_id);
END
$$;

CREATE FUNCTION admin_check_user_dealer(p_role text, p_dealer bigint) RETURNS void
LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF p_role = 'dealer' AND p_dealer IS NULL THEN
        RAISE EXCEPTION 'a dealer user needs a dealer' USING ERRCODE = '22023';
    ELSIF p_role <> 'dealer' AND p_dealer IS NOT NULL THEN
        RAISE EXCEPTION 'only dealer users belong to a dealer' USING ERRCODE = '22023';
    ELSIF p_dealer IS NOT NULL AND NOT EXISTS (SELECT 1 FROM dealers WHERE id = p_dealer) THEN
        RAISE EXCEPTION 'dealer % not found', p_dealer USING ERRCODE = 'P0002';
    END IF;
END
$$;

-- Accounts created by an administrator have a temporary password: the user picks its own
-- at the first login.
CREATE FUNCTION admin_user_create(p_actor bigint, p_login text, p_name text, p_role text,
                                  p_dealer bigint, p_regions text[], p_hash text)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v_id bigint;
BEGIN
    PERFORM admin_check_user_dealer(p_role, p_dealer);
    INSERT INTO users (login, name, role, dealer_id, regions, password_hash, must_change_password)
    VALUES (lower(p_login), p_name, p_role, p_dealer, coalesce(p_regions, '{}'), p_hash, true)
    RETURNING id INTO v_id;
    INSERT INTO audit_log (actor, action, target, new)
    VALUES (p_actor, 'user.create', 'user:' || v_id, user_admin_json(v_id));
    RETURN user_admin_json(v_id);
EXCEPTION WHEN unique_violation THEN
    RAISE EXCEPTION 'the login % is taken', lower(p_login) USING ERRCODE = '23505';
END
$$;

-- NULL arguments leave a field as it is. A new role, a disabled account or a reset
-- password ends the user's sessions (their sockets close on every process).
CREATE FUNCTION admin_user_update(p_actor bigint, p_user bigint, p_disabled boolean,
                                  p_role text, p_regions text[], p_hash text)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v_old jsonb := user_admin_json(p_user);
    v_user users;
BEGIN
    SELECT * INTO v_user FROM users WHERE id = p_user FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'user % not found', p_user USING ERRCODE = 'P0002';
    END IF;
    IF p_role IS NOT NULL AND p_role <> v_user.role THEN
        PERFORM admin_check_user_dealer(p_role, v_user.dealer_id);
    END IF;
    UPDATE users SET
        role = coalesce(p_role, role),
        regions = coalesce(p_regions, regions),
        disabled = coalesce(p_disabled, disabled),
        password_hash = coalesce(p_hash, password_hash),
        must_change_password = must_change_password OR p_hash IS NOT NULL,
        updated_at = now()
    WHERE id = p_user;
    IF p_disabled OR p_hash IS NOT NULL OR (p_role IS NOT NULL AND p_role <> v_user.role)
       OR (p_regions IS NOT NULL AND p_regions <> v_user.regions) THEN
        PERFORM user_sessions_revoke(p_user);
    END IF;
    INSERT INTO audit_log (actor, action, target, old, new)
    VALUES (p_actor, 'user.update', 'user:' || p_user, v_old, user_admin_json(p_user));
    RETURN user_admin_json(p_user);
END
$$;
