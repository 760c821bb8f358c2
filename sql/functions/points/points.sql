-- Points (積分; 044; PROTOCOL.md, "Points"): earned when an order is delivered, at the
-- dealer's tier's rate on what it paid; each earning expires on its own date; spent oldest
-- expiry first; redeemed into a coupon of the dealer's own for a fair.

-- What an order earns: floor(payable × per_100 / 10000) (per_100 points per 100 of the
-- major unit, payable in the minor unit), at the rate of its dealer's tier now.
CREATE OR REPLACE FUNCTION points_of(o orders, r point_rates) RETURNS integer
LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(((o.total - order_discount(o)) * r.per_100 / 10000)::integer, 0)
$$;

-- Records what a delivered order earns (once per order, whoever delivers it again).
CREATE OR REPLACE FUNCTION points_earn(o orders) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    v_rate point_rates;
    v_points integer;
BEGIN
    SELECT r.* INTO v_rate FROM point_rates r JOIN dealers d ON d.tier = r.tier
    WHERE d.id = o.dealer_id;
    v_points := points_of(o, v_rate);
    IF v_points > 0 THEN
        INSERT INTO point_ledger (dealer_id, kind, points, remaining, expires_at, order_id, note)
        VALUES (o.dealer_id, 'earned', v_points, v_points,
                clock_timestamp() + v_rate.validity_days * interval '1 day', o.id,
                format('order %s delivered', o.id))
        ON CONFLICT (order_id) WHERE kind = 'earned' DO NOTHING;
    END IF;
END
$$;

-- Writes the expiry of p_dealer's earnings past their date (all dealers' when NULL): an
-- `expired` row for what each left unspent. Returns how many points expired.
CREATE OR REPLACE FUNCTION points_expire(p_dealer bigint) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    v_total integer := 0;
    v_lot point_ledger;
BEGIN
    FOR v_lot IN
        SELECT * FROM point_ledger
        WHERE remaining > 0 AND expires_at <= clock_timestamp()
          AND (p_dealer IS NULL OR dealer_id = p_dealer)
        ORDER BY dealer_id, id FOR UPDATE SKIP LOCKED
    LOOP
        INSERT INTO point_ledger (dealer_id, kind, points, note)
        VALUES (v_lot.dealer_id, 'expired', -v_lot.remaining,
                format('earned %s, expired %s', rfc3339(v_lot.at), rfc3339(v_lot.expires_at)));
        UPDATE point_ledger SET remaining = 0 WHERE id = v_lot.id;
        v_total := v_total + v_lot.remaining;
    END LOOP;
    RETURN v_total;
END
$$;

-- A dealer's balance now: the ledger's sum, less what past-due earnings still hold (their
-- `expired` rows may not be written yet).
CREATE OR REPLACE FUNCTION points_balance(p_dealer bigint) RETURNS integer
LANGUAGE sql STABLE AS $$
    SELECT (coalesce(sum(points), 0)
            - coalesce(sum(remaining) FILTER (WHERE expires_at <= now()), 0))::integer
    FROM point_ledger WHERE dealer_id = p_dealer
$$;

-- points.mine {} (a dealer): its balance, what expires in the next 30 days, its rate and the
-- last 100 entries of its ledger, newest first.
CREATE OR REPLACE FUNCTION points_mine(p_dealer bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'balance', points_balance(p_dealer),
        'point_value', (SELECT point_value FROM point_settings),
        'rate', (SELECT jsonb_build_object('tier', r.tier, 'per_100', r.per_100,
                                           'validity_days', r.validity_days)
                 FROM point_rates r JOIN dealers d ON d.tier = r.tier WHERE d.id = p_dealer),
        'expiring', (SELECT coalesce(jsonb_agg(jsonb_build_object(
                         'points', l.remaining, 'expires_at', rfc3339(l.expires_at))
                         ORDER BY l.expires_at), '[]')
                     FROM point_ledger l
                     WHERE l.dealer_id = p_dealer AND l.remaining > 0
                       AND l.expires_at > now() AND l.expires_at <= now() + interval '30 days'),
        'history', (SELECT coalesce(jsonb_agg(jsonb_build_object(
                        'kind', h.kind, 'points', h.points, 'at', rfc3339(h.at),
                        'order', h.order_id, 'coupon', c.code, 'fair', c.fair_id, 'note', h.note,
                        'expires_at', rfc3339(h.expires_at)) ORDER BY h.at DESC, h.id DESC), '[]')
                    FROM (SELECT * FROM point_ledger WHERE dealer_id = p_dealer
                          ORDER BY at DESC, id DESC LIMIT 100) h
                    LEFT JOIN coupons c ON c.id = h.coupon_id))
$$;

-- points.redeem {fair, points} (a dealer): spends points, oldest expiry first, for a coupon
-- of its own at the fair worth points × point_value, valid until the fair ends. The dealer's
-- row is locked: two redemptions of one dealer take turns and never spend a point twice.
CREATE OR REPLACE FUNCTION points_redeem(p_dealer bigint, p_fair bigint, p_points integer)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v_fair fairs;
    v_balance integer;
    v_left integer := p_points;
    v_lot point_ledger;
    v_take integer;
    v_coupon coupons;
BEGIN
    SELECT * INTO v_fair FROM fairs WHERE id = p_fair;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'fair % not found', p_fair USING ERRCODE = 'P0002';
    END IF;
    IF fair_status(v_fair) = 'closed' THEN
        RETURN op_refusal('fair_not_live', format('fair %s is closed: points are redeemed for '
                                                  'a fair to come or going on', p_fair),
                          jsonb_build_object('status', 'closed'));
    END IF;
    PERFORM 1 FROM dealers WHERE id = p_dealer FOR NO KEY UPDATE;
    PERFORM points_expire(p_dealer);
    v_balance := points_balance(p_dealer);
    IF v_balance < p_points THEN
        RETURN op_refusal('conflict', format('the dealer has %s points, not %s', v_balance,
                                             p_points),
                          jsonb_build_object('balance', v_balance));
    END IF;
    INSERT INTO coupons (fair_id, code, name, amount_off, named, issued, per_dealer,
                         valid_from, valid_until)
    VALUES (p_fair, 'PTS-' || upper(substr(md5(random()::text || clock_timestamp()::text), 1, 10)),
            format('积分兑换 %s', p_points), p_points * (SELECT point_value FROM point_settings),
            true, 1, 1, now(), v_fair.ends_at)
    RETURNING * INTO v_coupon;
    INSERT INTO coupon_dealers (coupon_id, dealer_id) VALUES (v_coupon.id, p_dealer);
    FOR v_lot IN
        SELECT * FROM point_ledger WHERE dealer_id = p_dealer AND remaining > 0
        ORDER BY expires_at NULLS LAST, id FOR UPDATE
    LOOP
        EXIT WHEN v_left = 0;
        v_take := least(v_left, v_lot.remaining);
        UPDATE point_ledger SET remaining = remaining - v_take WHERE id = v_lot.id;
        v_left := v_left - v_take;
    END LOOP;
    INSERT INTO point_ledger (dealer_id, kind, points, coupon_id, note)
    VALUES (p_dealer, 'redeemed', -p_points, v_coupon.id,
            format('coupon %s at fair %s', v_coupon.code, p_fair));
    RETURN jsonb_build_object('coupon', jsonb_build_object(
               'code', v_coupon.code, 'name', v_coupon.name, 'amount_off', v_coupon.amount_off,
               'fair', p_fair, 'valid_until', rfc3339(v_coupon.valid_until)),
           'balance', points_balance(p_dealer));
END
$$;

-- points.rates {} (everyone): the rate of every tier and what a point is worth.
CREATE OR REPLACE FUNCTION points_rates() RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'rates', (SELECT coalesce(jsonb_agg(jsonb_build_object('tier', r.tier,
                      'per_100', r.per_100, 'validity_days', r.validity_days) ORDER BY r.tier), '[]')
                  FROM point_rates r),
        'point_value', (SELECT point_value FROM point_settings))
$$;

-- points.rates.set {tier, per_100, validity_days?} (manager, admin): a tier's rate, for the
-- orders delivered from now on; audited.
CREATE OR REPLACE FUNCTION points_rate_set(p_actor bigint, p_tier text, p_per_100 integer,
                                           p_validity_days integer) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_old jsonb;
BEGIN
    IF p_tier !~ '^[A-Z]$' THEN
        RAISE EXCEPTION 'tier must be one capital letter' USING ERRCODE = '22023';
    END IF;
    SELECT to_jsonb(r) INTO v_old FROM point_rates r WHERE r.tier = p_tier;
    INSERT INTO point_rates (tier, per_100, validity_days, updated_at, updated_by)
    VALUES (p_tier, p_per_100, coalesce(p_validity_days, 365), now(), p_actor)
    ON CONFLICT (tier) DO UPDATE
        SET per_100 = excluded.per_100, validity_days = excluded.validity_days,
            updated_at = excluded.updated_at, updated_by = excluded.updated_by;
    PERFORM audit_write(p_actor, 'points.rates.set', NULL, 'tier:' || p_tier, v_old,
                        jsonb_build_object('per_100', p_per_100,
                                           'validity_days', coalesce(p_validity_days, 365)));
    RETURN points_rates();
END
$$;
