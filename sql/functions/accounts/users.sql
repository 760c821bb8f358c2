-- Users and their sessions: the user object of the login reply and the hello, the session
-- behind a cookie, ending sessions (every process closes their sockets), a new password, a
-- disabled account.

-- The user object of the login reply and the hello.
CREATE OR REPLACE FUNCTION user_json(p_user bigint) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'id', u.id, 'name', u.name, 'role', u.role,
        'must_change_password', u.must_change_password,
        'dealer', CASE WHEN d.id IS NULL THEN NULL ELSE jsonb_build_object(
            'id', d.id, 'name', d.name, 'region', d.region, 'tier', d.tier) END)
    FROM users u LEFT JOIN dealers d ON d.id = u.dealer_id
    WHERE u.id = p_user
$$;

-- The session behind a cookie, if it is still good: not revoked, not expired, user enabled.
CREATE OR REPLACE FUNCTION session_lookup(p_hash bytea)
RETURNS TABLE (user_id bigint, login text, role text, dealer_id bigint, user_json jsonb)
LANGUAGE sql STABLE AS $$
    SELECT u.id, u.login, u.role, u.dealer_id, user_json(u.id)
    FROM sessions s JOIN users u ON u.id = s.user_id
    WHERE s.id_hash = p_hash AND s.revoked_at IS NULL AND s.expires_at > now()
      AND NOT u.disabled
$$;

-- Ending sessions is announced to every server process, which closes their sockets:
-- "s:<hash hex>" for one session, "u:<user id>:<hash hex to keep or empty>" for a user's.
CREATE OR REPLACE FUNCTION session_revoke(p_hash bytea) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    UPDATE sessions SET revoked_at = now() WHERE id_hash = p_hash AND revoked_at IS NULL;
    PERFORM pg_notify('sessions_revoked', 's:' || encode(p_hash, 'hex'));
END
$$;

CREATE OR REPLACE FUNCTION user_sessions_revoke(p_user bigint, p_keep bytea DEFAULT NULL)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    UPDATE sessions SET revoked_at = now()
    WHERE user_id = p_user AND revoked_at IS NULL AND id_hash IS DISTINCT FROM p_keep;
    PERFORM pg_notify('sessions_revoked',
                      'u:' || p_user || ':' || coalesce(encode(p_keep, 'hex'), ''));
END
$$;

-- A new password ends every other session of the user (p_keep: the session that changed
-- it) and forgets the login's failed attempts (fairctl user reset-password lets a user shut
-- out by them in). Returns the user object as it is now.
CREATE OR REPLACE FUNCTION user_password_set(p_user bigint, p_hash text, p_keep bytea DEFAULT NULL,
                                             p_must_change boolean DEFAULT false)
RETURNS jsonb LANGUAGE plpgsql AS $$
BEGIN
    UPDATE users SET password_hash = p_hash, must_change_password = p_must_change,
                     updated_at = now()
    WHERE id = p_user;
    DELETE FROM login_failures f USING users u
    WHERE u.id = p_user AND f.kind = 'login' AND f.key = u.login;
    PERFORM user_sessions_revoke(p_user, p_keep);
    RETURN user_json(p_user);
END
$$;

CREATE OR REPLACE FUNCTION user_set_disabled(p_user bigint, p_disabled boolean)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    UPDATE users SET disabled = p_disabled, updated_at = now() WHERE id = p_user;
    IF p_disabled THEN
        PERFORM user_sessions_revoke(p_user);
    END IF;
END
$$;
