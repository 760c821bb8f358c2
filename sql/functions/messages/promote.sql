-- Promotions (促销通知, PROTOCOL.md "message.promote"): a manager's or an admin's message of
-- kind `promotion` to the dealers' users an audience names, one inbox message each (mailed
-- per the user's prefs by message_send_users, in the same statement), audited.

-- The dealers' users (not disabled) an audience reaches: p_fair's dealers (those of
-- fair_dealers, or every dealer when it lists none), or every dealer without p_fair; then
-- those of `tier`, of `region` and among `dealers`, the conditions adding up as a coupon's.
CREATE OR REPLACE FUNCTION message_promote_users(p_fair bigint, p_audience jsonb,
                                                 OUT users bigint[], OUT dealers integer)
LANGUAGE sql STABLE AS $$
    SELECT coalesce(array_agg(u.id ORDER BY u.id), '{}'), count(DISTINCT u.dealer_id)::integer
    FROM users u JOIN dealers d ON d.id = u.dealer_id
    WHERE u.role = 'dealer' AND NOT u.disabled
      AND (p_fair IS NULL
           OR NOT EXISTS (SELECT 1 FROM fair_dealers fd WHERE fd.fair_id = p_fair)
           OR d.id IN (SELECT fd.dealer_id FROM fair_dealers fd WHERE fd.fair_id = p_fair))
      AND (p_audience->>'tier' IS NULL OR d.tier = p_audience->>'tier')
      AND (p_audience->>'region' IS NULL OR d.region = p_audience->>'region')
      AND (NOT p_audience ? 'dealers'
           OR d.id IN (SELECT x::bigint FROM jsonb_array_elements_text(p_audience->'dealers') x))
$$;

-- message.promote {fair?, title, body, audience, preview?} (manager, admin). Checks
-- everything before it writes (bad_request naming what is wrong, not_found for an unknown
-- fair or dealer, rate_limited past 20 sends an hour by one user); with p_preview answers
-- {preview, dealers, users}, what a send would reach, and writes nothing; else writes one
-- message per user reached ({title, text, fair_name}) and the audit row, and answers
-- {sent, dealers, users}. An audience that reaches no dealer is refused (bad_request).
CREATE OR REPLACE FUNCTION message_promote(p_actor bigint, p_fair bigint, p_title text,
                                           p_body text, p_audience jsonb, p_preview boolean)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v_fair fairs;
    v_title text := btrim(coalesce(p_title, ''));
    v_body text := btrim(coalesce(p_body, ''));
    v_to record;
    v_sent integer;
BEGIN
    IF p_fair IS NOT NULL THEN
        SELECT * INTO v_fair FROM fairs WHERE id = p_fair;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'fair % not found', p_fair USING ERRCODE = 'P0002';
        END IF;
    END IF;
    IF length(v_title) NOT BETWEEN 1 AND 100 OR v_title ~ '[[:cntrl:]]' THEN
        RAISE EXCEPTION 'title must be 1-100 characters on one line' USING ERRCODE = '22023';
    END IF;
    IF length(v_body) NOT BETWEEN 1 AND 2000
       OR translate(v_body, E'\n\r\t', '') ~ '[[:cntrl:]]' THEN
        RAISE EXCEPTION 'body must be 1-2000 characters (no control characters but line breaks)'
            USING ERRCODE = '22023';
    END IF;
    IF coalesce(jsonb_typeof(p_audience), '') <> 'object' THEN
        RAISE EXCEPTION 'audience must be an object: {tier?, region?, dealers?}' USING ERRCODE = '22023';
    END IF;
    IF EXISTS (SELECT 1 FROM jsonb_object_keys(p_audience) k
               WHERE k NOT IN ('tier', 'region', 'dealers')) THEN
        RAISE EXCEPTION 'audience has an unknown member: % (tier, region, dealers)',
            (SELECT string_agg(k, ', ') FROM jsonb_object_keys(p_audience) k
             WHERE k NOT IN ('tier', 'region', 'dealers')) USING ERRCODE = '22023';
    END IF;
    IF p_audience ? 'tier' AND (jsonb_typeof(p_audience->'tier') <> 'string'
                                OR p_audience->>'tier' !~ '^[A-Z]$') THEN
        RAISE EXCEPTION 'audience.tier must be a tier letter (A-Z)' USING ERRCODE = '22023';
    END IF;
    IF p_audience ? 'region' AND (jsonb_typeof(p_audience->'region') <> 'string'
                                  OR length(p_audience->>'region') NOT BETWEEN 1 AND 64) THEN
        RAISE EXCEPTION 'audience.region must be a region''s name (1-64 characters)'
            USING ERRCODE = '22023';
    END IF;
    IF p_audience ? 'dealers' AND (jsonb_typeof(p_audience->'dealers') <> 'array'
            OR jsonb_array_length(p_audience->'dealers') NOT BETWEEN 1 AND 500
            OR EXISTS (SELECT 1 FROM jsonb_array_elements(p_audience->'dealers') e
                       WHERE jsonb_typeof(e) <> 'number' OR e::text !~ '^[1-9][0-9]{0,17}$')) THEN
        RAISE EXCEPTION 'audience.dealers must be a list of 1-500 dealer ids' USING ERRCODE = '22023';
    END IF;
    IF p_audience ? 'dealers' AND EXISTS (
            SELECT 1 FROM jsonb_array_elements_text(p_audience->'dealers') x
            WHERE NOT EXISTS (SELECT 1 FROM dealers d WHERE d.id = x::bigint)) THEN
        RAISE EXCEPTION 'a dealer named in the audience does not exist' USING ERRCODE = 'P0002';
    END IF;
    v_to := message_promote_users(p_fair, p_audience);
    IF p_preview THEN
        RETURN jsonb_build_object('preview', true, 'dealers', v_to.dealers,
                                  'users', cardinality(v_to.users));
    END IF;
    IF v_to.dealers = 0 THEN
        RAISE EXCEPTION 'the audience reaches no dealer' USING ERRCODE = '22023';
    END IF;
    -- one user's sends in turn, so two at once cannot both pass the count
    PERFORM pg_advisory_xact_lock(hashtext('message.promote:' || p_actor));
    IF (SELECT count(*) FROM audit_log a
        WHERE a.action = 'message.promote' AND a.actor = p_actor
          AND a.at > now() - interval '1 hour') >= 20 THEN
        RETURN op_refusal('rate_limited', 'at most 20 promotions an hour: try again later');
    END IF;
    v_sent := message_send_users(v_to.users, 'promotion',
        jsonb_strip_nulls(jsonb_build_object('title', v_title, 'text', v_body,
                                             'fair_name', v_fair.name,
                                             'fair_name_en', nullif(v_fair.name_en, ''))),
        p_fair);
    PERFORM audit_write(p_actor, 'message.promote', p_fair, 'promotion', NULL,
                        jsonb_build_object('title', v_title, 'audience', p_audience,
                                           'dealers', v_to.dealers, 'users', v_sent));
    RETURN jsonb_build_object('sent', v_sent, 'dealers', v_to.dealers,
                              'users', cardinality(v_to.users));
END
$$;
