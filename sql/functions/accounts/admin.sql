-- Administration of dealers and users, shared by the admin ops and the admin command.
-- Refusals use SQLSTATEs the server maps to protocol codes: 23505 conflict, P0002
-- not_found, 22023 (and constraint violations) bad_request.

CREATE OR REPLACE FUNCTION dealer_json(p_dealer bigint) RETURNS jsonb LANGUAGE sql STABLE AS $$
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
CREATE OR REPLACE FUNCTION user_admin_json(p_user bigint) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT user_json(u.id) || jsonb_build_object(
        'login', u.login, 'regions', to_jsonb(u.regions), 'disabled', u.disabled)
    FROM users u WHERE u.id = p_user
$$;

CREATE OR REPLACE FUNCTION admin_dealer_create(p_actor bigint, p_code text, p_name text,
                                               p_region text, p_tier text, p_credit bigint,
                                               p_key_dealer boolean, p_addresses jsonb)
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

-- NULL arguments leave a field as it is. The dealer row is locked as the order batch locks
-- it, so a new credit limit holds from the next order on. A session keeps its dealer's tier
-- and region (prices, a rep's regions), so a change of either ends the sessions of the
-- dealer's users: they log in again and see the new ones. One audit entry when something
-- changed, none otherwise.
CREATE OR REPLACE FUNCTION admin_dealer_update(p_actor bigint, p_dealer bigint, p_name text,
                                               p_region text, p_tier text, p_credit bigint,
                                               p_key_dealer boolean)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v_dealer dealers;
    v_old jsonb;
    v_new jsonb;
    v_user bigint;
BEGIN
    SELECT * INTO v_dealer FROM dealers WHERE id = p_dealer FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'dealer % not found', p_dealer USING ERRCODE = 'P0002';
    END IF;
    v_old := dealer_json(p_dealer);
    UPDATE dealers SET
        name = coalesce(p_name, name),
        region = coalesce(p_region, region),
        tier = coalesce(p_tier, tier),
        credit_limit = coalesce(p_credit, credit_limit),
        key_dealer = coalesce(p_key_dealer, key_dealer)
    WHERE id = p_dealer;
    IF p_tier <> v_dealer.tier OR p_region <> v_dealer.region THEN
        FOR v_user IN SELECT id FROM users WHERE dealer_id = p_dealer ORDER BY id LOOP
            PERFORM user_sessions_revoke(v_user);
        END LOOP;
    END IF;
    v_new := dealer_json(p_dealer);
    IF v_new <> v_old THEN
        INSERT INTO audit_log (actor, action, target, old, new)
        VALUES (p_actor, 'dealer.update', 'dealer:' || p_dealer, v_old, v_new);
    END IF;
    RETURN v_new;
END
$$;

CREATE OR REPLACE FUNCTION admin_check_user_dealer(p_role text, p_dealer bigint) RETURNS void
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
CREATE OR REPLACE FUNCTION admin_user_create(p_actor bigint, p_login text, p_name text, p_role text,
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
-- password ends the user's sessions (their sockets close on every process); a reset password
-- also forgets the login's failed attempts, so a user shut out by them gets in with it.
CREATE OR REPLACE FUNCTION admin_user_update(p_actor bigint, p_user bigint, p_disabled boolean,
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
    -- a new password lets the user in at once, even one shut out by its failed attempts
    IF p_hash IS NOT NULL THEN
        DELETE FROM login_failures WHERE kind = 'login' AND key = v_user.login;
    END IF;
    IF p_disabled OR p_hash IS NOT NULL OR (p_role IS NOT NULL AND p_role <> v_user.role)
       OR (p_regions IS NOT NULL AND p_regions <> v_user.regions) THEN
        PERFORM user_sessions_revoke(p_user);
    END IF;
    INSERT INTO audit_log (actor, action, target, old, new)
    VALUES (p_actor, 'user.update', 'user:' || p_user, v_old, user_admin_json(p_user));
    RETURN user_admin_json(p_user);
END
$$;

-- The accounts as an administrator looks for them (admin.users.list): by a word of the login,
-- the name or the dealer's name or code, by role, by dealer; in login order, a page at a time.
-- Each row adds what the page shows beside the account: the dealer's code, when it was made,
-- when it last logged in (sessions are kept after they end, so the newest is the last
-- login; minted sessions count), and until when its failed logins shut it out (the server's
-- login_max_failures and login_window_s; null when they do not).
CREATE OR REPLACE FUNCTION admin_users_list(p_q text, p_role text, p_dealer bigint,
                                            p_limit int, p_offset int, p_max_failures int,
                                            p_window_s int)
RETURNS jsonb LANGUAGE sql STABLE AS $$
    WITH found AS (
        SELECT u.id, u.login, u.created_at, d.code AS dealer_code
        FROM users u LEFT JOIN dealers d ON d.id = u.dealer_id
        WHERE (p_role IS NULL OR u.role = p_role)
          AND (p_dealer IS NULL OR u.dealer_id = p_dealer)
          AND (p_q IS NULL OR u.login ILIKE like_pattern(p_q) OR u.name ILIKE like_pattern(p_q)
               OR d.name ILIKE like_pattern(p_q) OR d.code ILIKE like_pattern(p_q))
    ), page AS (
        SELECT * FROM found ORDER BY login LIMIT p_limit OFFSET p_offset
    )
    SELECT jsonb_build_object(
        'total', (SELECT count(*) FROM found),
        'users', coalesce((SELECT jsonb_agg(
                CASE WHEN p.dealer_code IS NULL THEN j
                     ELSE jsonb_set(j, '{dealer,code}', to_jsonb(p.dealer_code)) END
                || jsonb_build_object(
                    'created_at', rfc3339(p.created_at),
                    'last_login', (SELECT rfc3339(max(s.created_at)) FROM sessions s
                                   WHERE s.user_id = p.id),
                    'shut_out_until', (SELECT rfc3339(f.window_start
                                                      + make_interval(secs => p_window_s))
                                       FROM login_failures f
                                       WHERE f.kind = 'login' AND f.key = p.login
                                         AND f.failures >= p_max_failures
                                         AND f.window_start > now() - make_interval(secs => p_window_s)))
                ORDER BY p.login)
            FROM page p CROSS JOIN LATERAL user_admin_json(p.id) j), '[]'))
$$;

-- The dealers as an administrator looks for them (admin.dealers.list): by a word of the
-- code, the name or the region; in code order, a page at a time; each with how many
-- accounts log in for it.
CREATE OR REPLACE FUNCTION admin_dealers_list(p_q text, p_limit int, p_offset int)
RETURNS jsonb LANGUAGE sql STABLE AS $$
    WITH found AS (
        SELECT d.id, d.code FROM dealers d
        WHERE p_q IS NULL OR d.code ILIKE like_pattern(p_q) OR d.name ILIKE like_pattern(p_q)
           OR d.region ILIKE like_pattern(p_q)
    ), page AS (
        SELECT * FROM found ORDER BY code LIMIT p_limit OFFSET p_offset
    )
    SELECT jsonb_build_object(
        'total', (SELECT count(*) FROM found),
        'dealers', coalesce((SELECT jsonb_agg(dealer_json(p.id) || jsonb_build_object(
                'users', (SELECT count(*) FROM users u WHERE u.dealer_id = p.id))
                ORDER BY p.code)
            FROM page p), '[]'))
$$;
