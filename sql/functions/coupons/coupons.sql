-- Coupons (042; PROTOCOL.md, "Coupons"): made by managers and admins for a fair, applied by a
-- dealer to an order (`coupon` on order.place, decided by order_decide under the coupon's
-- row lock, taken by the batch after the stock rows), given back by a cancellation or a
-- rejection, recomputed by an amend.

-- A coupon as the staff see it: its terms, who it is for, how many were issued and used,
-- and what it has taken off so far (orders not cancelled or rejected).
CREATE OR REPLACE FUNCTION coupon_json(c coupons) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'id', c.id, 'fair', c.fair_id, 'code', c.code, 'name', c.name,
        'amount_off', nullif(c.amount_off, 0), 'percent_bp', nullif(c.percent_bp, 0),
        'cap', c.cap, 'threshold', c.threshold, 'tier', c.tier, 'region', c.region,
        'dealers', CASE WHEN c.named THEN (SELECT coalesce(jsonb_agg(d.dealer_id ORDER BY d.dealer_id), '[]')
                                           FROM coupon_dealers d WHERE d.coupon_id = c.id) END,
        'issued', c.issued, 'used', c.used, 'per_dealer', c.per_dealer,
        'valid_from', rfc3339(c.valid_from), 'valid_until', rfc3339(c.valid_until),
        'discount_given', (SELECT coalesce(sum(o.coupon_discount), 0) FROM coupon_uses u
                           JOIN orders o ON o.id = u.order_id
                           WHERE u.coupon_id = c.id AND u.returned_at IS NULL))
$$;

-- What the coupon takes off an order of p_total: its amount, or its percentage (rounded
-- down) up to its cap; never more than the total.
CREATE OR REPLACE FUNCTION coupon_discount_of(c coupons, p_total bigint) RETURNS bigint
LANGUAGE sql IMMUTABLE AS $$
    SELECT least(p_total, CASE WHEN c.amount_off > 0 THEN c.amount_off
                               ELSE least(p_total * c.percent_bp / 10000,
                                          coalesce(c.cap, p_total)) END)
$$;

-- Whether dealer p_dealer may apply the coupon p_code of fair p_fair to an order of p_total
-- at p_now: the coupon (as locked by the caller, or read), its discount, or the refusal
-- (coupon_refused with a reason: unknown, not_valid_now, not_for_dealer, used_up,
-- per_dealer, threshold). p_order: an order it is already applied to (an amend), whose
-- own use is not counted against the dealer.
CREATE OR REPLACE FUNCTION coupon_check(p_fair bigint, p_dealer dealers, p_code text,
                                        p_total bigint, p_now timestamptz, p_order bigint,
                                        OUT coupon coupons, OUT discount bigint,
                                        OUT refusal jsonb)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_held integer;
BEGIN
    SELECT * INTO coupon FROM coupons c WHERE c.fair_id = p_fair AND c.code = upper(p_code);
    IF NOT FOUND THEN
        refusal := op_refusal('coupon_refused',
            format('there is no coupon %s at fair %s', upper(p_code), p_fair),
            jsonb_build_object('reason', 'unknown', 'coupon', upper(p_code)));
        RETURN;
    END IF;
    IF p_now < coupon.valid_from OR p_now >= coupon.valid_until THEN
        refusal := op_refusal('coupon_refused',
            format('coupon %s is valid from %s until %s', coupon.code,
                   rfc3339(coupon.valid_from), rfc3339(coupon.valid_until)),
            jsonb_build_object('reason', 'not_valid_now', 'coupon', coupon.code,
                               'valid_from', rfc3339(coupon.valid_from),
                               'valid_until', rfc3339(coupon.valid_until)));
    ELSIF (coupon.tier IS NOT NULL AND coupon.tier IS DISTINCT FROM p_dealer.tier)
          OR (coupon.region IS NOT NULL AND coupon.region IS DISTINCT FROM p_dealer.region)
          OR (coupon.named AND NOT EXISTS (SELECT 1 FROM coupon_dealers d
                                           WHERE d.coupon_id = coupon.id
                                             AND d.dealer_id = p_dealer.id)) THEN
        refusal := op_refusal('coupon_refused',
            format('coupon %s is not for dealer %s', coupon.code, p_dealer.id),
            jsonb_build_object('reason', 'not_for_dealer', 'coupon', coupon.code));
    ELSIF p_order IS NULL AND coupon.used >= coupon.issued THEN
        refusal := op_refusal('coupon_refused',
            format('coupon %s is used up (%s issued)', coupon.code, coupon.issued),
            jsonb_build_object('reason', 'used_up', 'coupon', coupon.code,
                               'issued', coupon.issued));
    ELSIF p_total < coupon.threshold THEN
        refusal := op_refusal('coupon_refused',
            format('coupon %s applies to orders from %s; this one is %s', coupon.code,
                   coupon.threshold, p_total),
            jsonb_build_object('reason', 'threshold', 'coupon', coupon.code,
                               'threshold', coupon.threshold, 'total', p_total));
    ELSE
        SELECT count(*) INTO v_held FROM coupon_uses u
        WHERE u.coupon_id = coupon.id AND u.dealer_id = p_dealer.id AND u.returned_at IS NULL
          AND u.order_id IS DISTINCT FROM p_order;
        IF v_held >= coupon.per_dealer THEN
            refusal := op_refusal('coupon_refused',
                format('dealer %s has used coupon %s %s times, as often as it may',
                       p_dealer.id, coupon.code, v_held),
                jsonb_build_object('reason', 'per_dealer', 'coupon', coupon.code,
                                   'per_dealer', coupon.per_dealer));
        ELSE
            discount := coupon_discount_of(coupon, p_total);
        END IF;
    END IF;
END
$$;

-- Records that order o (just inserted, with coupon_id and coupon_discount) used its coupon.
CREATE OR REPLACE FUNCTION coupon_take(o orders) RETURNS void LANGUAGE sql AS $$
    INSERT INTO coupon_uses (order_id, coupon_id, dealer_id, used_at)
    VALUES (o.id, o.coupon_id, o.dealer_id, o.created_at);
    UPDATE coupons SET used = used + 1 WHERE id = o.coupon_id;
$$;

-- Gives order p_order's coupon back (a cancellation, a rejection, an amend under the
-- coupon's threshold): the use is returned and counted again as unused. The caller holds
-- the coupon's row (coupon_lock_of_order).
CREATE OR REPLACE FUNCTION coupon_give_back(p_order bigint) RETURNS void LANGUAGE sql AS $$
    WITH back AS (
        UPDATE coupon_uses SET returned_at = clock_timestamp()
        WHERE order_id = p_order AND returned_at IS NULL
        RETURNING coupon_id
    )
    UPDATE coupons c SET used = c.used - 1 FROM back WHERE c.id = back.coupon_id;
$$;

-- Locks the coupon an order holds, if any (in the global order: after the stock rows,
-- before item_sales).
CREATE OR REPLACE FUNCTION coupon_lock_of_order(p_order bigint) RETURNS void
LANGUAGE sql AS $$
    SELECT 1 FROM coupons c
    WHERE c.id = (SELECT u.coupon_id FROM coupon_uses u
                  WHERE u.order_id = p_order AND u.returned_at IS NULL)
    FOR NO KEY UPDATE
$$;

-- An amended order's coupon: recomputed on its new total, or given back when the total is
-- now under the coupon's threshold (or the coupon no longer applies). Returns the
-- coupon_discount to store; clears the order's coupon when given back.
CREATE OR REPLACE FUNCTION coupon_after_amend(o orders, p_total bigint) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    v_check record;
BEGIN
    IF o.coupon_id IS NULL
       OR NOT EXISTS (SELECT 1 FROM coupon_uses u WHERE u.order_id = o.id
                                                    AND u.returned_at IS NULL) THEN
        RETURN 0;
    END IF;
    SELECT * INTO v_check FROM coupon_check(o.fair_id,
        (SELECT d FROM dealers d WHERE d.id = o.dealer_id), o.coupon_code, p_total,
        o.created_at, o.id);
    IF v_check.refusal IS NULL THEN
        RETURN v_check.discount;
    END IF;
    PERFORM coupon_give_back(o.id);
    UPDATE orders SET coupon_id = NULL, coupon_code = NULL WHERE id = o.id;
    RETURN 0;
END
$$;

-- coupon.create {fair, code, name?, amount_off | percent_bp, cap?, threshold?, tier?,
-- region?, dealers?, issued, per_dealer?, valid_from?, valid_until?} (manager, admin).
-- Defaults: valid from now until the fair ends; one use per dealer.
CREATE OR REPLACE FUNCTION coupon_create(p_actor bigint, p_fair bigint, p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_fair fairs;
    v coupons;
BEGIN
    SELECT * INTO v_fair FROM fairs WHERE id = p_fair;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'fair % not found', p_fair USING ERRCODE = 'P0002';
    END IF;
    IF coalesce(jsonb_typeof(p), '') <> 'object' THEN
        RAISE EXCEPTION 'coupon must be an object' USING ERRCODE = '22023';
    END IF;
    IF EXISTS (SELECT 1 FROM jsonb_object_keys(p) k
               WHERE k NOT IN ('code', 'name', 'amount_off', 'percent_bp', 'cap', 'threshold',
                               'tier', 'region', 'dealers', 'issued', 'per_dealer',
                               'valid_from', 'valid_until')) THEN
        RAISE EXCEPTION 'coupon has an unknown member: %', (SELECT string_agg(k, ', ')
            FROM jsonb_object_keys(p) k WHERE k NOT IN ('code', 'name', 'amount_off',
            'percent_bp', 'cap', 'threshold', 'tier', 'region', 'dealers', 'issued',
            'per_dealer', 'valid_from', 'valid_until')) USING ERRCODE = '22023';
    END IF;
    IF coalesce(upper(p->>'code'), '') !~ '^[A-Z0-9][A-Z0-9_-]{2,31}$' THEN
        RAISE EXCEPTION 'code must be 3-32 letters, digits, _ or - (got %)', coalesce(p->>'code', 'none')
            USING ERRCODE = '22023';
    END IF;
    IF (p ? 'amount_off') = (p ? 'percent_bp') THEN
        RAISE EXCEPTION 'a coupon takes either amount_off or percent_bp off' USING ERRCODE = '22023';
    END IF;
    IF jsonb_typeof(p->'amount_off') NOT IN ('number') AND p ? 'amount_off'
       OR (p->>'amount_off')::numeric <= 0
       OR (p->>'percent_bp')::numeric NOT BETWEEN 1 AND 9000
       OR (p->>'cap')::numeric <= 0 OR (p->>'threshold')::numeric < 0 THEN
        RAISE EXCEPTION 'amount_off and cap must be above 0, threshold 0 or more, percent_bp 1-9000'
            USING ERRCODE = '22023';
    END IF;
    IF jsonb_typeof(p->'issued') IS DISTINCT FROM 'number' OR (p->>'issued')::numeric < 1
       OR (p->>'per_dealer')::numeric < 1 THEN
        RAISE EXCEPTION 'issued (how many uses in all) must be 1 or more, per_dealer too'
            USING ERRCODE = '22023';
    END IF;
    IF p ? 'dealers' AND (jsonb_typeof(p->'dealers') <> 'array'
                          OR jsonb_array_length(p->'dealers') = 0) THEN
        RAISE EXCEPTION 'dealers must be a list of dealer ids' USING ERRCODE = '22023';
    END IF;
    IF coalesce((p->>'valid_until')::timestamptz, v_fair.ends_at)
       <= coalesce((p->>'valid_from')::timestamptz, now()) THEN
        RAISE EXCEPTION 'valid_until must come after valid_from' USING ERRCODE = '22023';
    END IF;
    IF p ? 'cap' AND NOT p ? 'percent_bp' THEN
        RAISE EXCEPTION 'cap is for a percentage coupon' USING ERRCODE = '22023';
    END IF;
    IF EXISTS (SELECT 1 FROM coupons WHERE fair_id = p_fair AND code = upper(p->>'code')) THEN
        RAISE EXCEPTION 'fair % already has a coupon %', p_fair, upper(p->>'code')
            USING ERRCODE = '23505';
    END IF;
    IF p ? 'dealers' AND EXISTS (
            SELECT 1 FROM jsonb_array_elements_text(p->'dealers') d
            WHERE NOT EXISTS (SELECT 1 FROM dealers x WHERE x.id = d::bigint)) THEN
        RAISE EXCEPTION 'a dealer named for the coupon does not exist' USING ERRCODE = 'P0002';
    END IF;
    INSERT INTO coupons (fair_id, code, name, amount_off, percent_bp, cap, threshold, tier,
                         region, named, issued, per_dealer, valid_from, valid_until,
                         created_by)
    VALUES (p_fair, upper(p->>'code'), coalesce(p->>'name', ''),
            coalesce((p->>'amount_off')::bigint, 0), coalesce((p->>'percent_bp')::integer, 0),
            (p->>'cap')::bigint, coalesce((p->>'threshold')::bigint, 0), p->>'tier',
            p->>'region', p ? 'dealers', (p->>'issued')::integer,
            coalesce((p->>'per_dealer')::integer, 1),
            coalesce((p->>'valid_from')::timestamptz, now()),
            coalesce((p->>'valid_until')::timestamptz, v_fair.ends_at), p_actor)
    RETURNING * INTO v;
    INSERT INTO coupon_dealers (coupon_id, dealer_id)
    SELECT v.id, d::bigint FROM jsonb_array_elements_text(coalesce(p->'dealers', '[]')) d
    ON CONFLICT DO NOTHING;
    PERFORM audit_write(p_actor, 'coupon.create', p_fair, 'coupon:' || v.id, NULL, coupon_json(v));
    -- The dealers it is for, told in their inbox (and by mail where they asked for it).
    PERFORM message_send_users(
        ARRAY(SELECT u.id FROM users u JOIN dealers d ON d.id = u.dealer_id
              WHERE u.id = ANY (message_fair_dealer_users(p_fair))
                AND (v.tier IS NULL OR d.tier = v.tier)
                AND (v.region IS NULL OR d.region = v.region)
                AND (NOT v.named OR d.id IN (SELECT x.dealer_id FROM coupon_dealers x
                                             WHERE x.coupon_id = v.id))),
        'coupon', jsonb_build_object('fair_name', v_fair.name, 'fair_name_en', v_fair.name_en,
                                     'code', v.code, 'name', v.name,
                                     'amount_off', nullif(v.amount_off, 0),
                                     'percent_bp', nullif(v.percent_bp, 0), 'cap', v.cap,
                                     'threshold', v.threshold, 'currency', v_fair.currency,
                                     'valid_until', rfc3339(v.valid_until)),
        p_fair, 'coupon:' || v.id);
    RETURN jsonb_build_object('coupon', coupon_json(v));
END
$$;

-- coupon.end {coupon} (manager, admin): no new use from now (those made stay).
CREATE OR REPLACE FUNCTION coupon_end(p_actor bigint, p_coupon bigint) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v coupons;
    v_old jsonb;
BEGIN
    SELECT * INTO v FROM coupons WHERE id = p_coupon FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'coupon % not found', p_coupon USING ERRCODE = 'P0002';
    END IF;
    v_old := coupon_json(v);
    UPDATE coupons SET valid_until = greatest(valid_from + interval '1 microsecond',
                                              least(valid_until, clock_timestamp()))
    WHERE id = p_coupon RETURNING * INTO v;
    PERFORM audit_write(p_actor, 'coupon.end', v.fair_id, 'coupon:' || v.id, v_old, coupon_json(v));
    RETURN jsonb_build_object('coupon', coupon_json(v));
END
$$;

-- coupon.list {fair}: for the staff every coupon of the fair with its figures; for a dealer
-- those it may still use now (for it, valid, not used up, uses left for it), with `left`.
CREATE OR REPLACE FUNCTION coupon_list(p_fair bigint, p_dealer bigint) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_dealer dealers;
BEGIN
    PERFORM fair_must_exist(p_fair);
    IF p_dealer IS NULL THEN
        RETURN jsonb_build_object('coupons', (SELECT coalesce(jsonb_agg(coupon_json(c) ORDER BY c.id), '[]')
                                              FROM coupons c WHERE c.fair_id = p_fair));
    END IF;
    SELECT * INTO v_dealer FROM dealers WHERE id = p_dealer;
    RETURN jsonb_build_object('coupons', (
        SELECT coalesce(jsonb_agg(jsonb_build_object(
                   'code', c.code, 'name', c.name, 'amount_off', nullif(c.amount_off, 0),
                   'percent_bp', nullif(c.percent_bp, 0), 'cap', c.cap,
                   'threshold', c.threshold, 'valid_until', rfc3339(c.valid_until),
                   'left', least(c.per_dealer - x.held, c.issued - c.used))
                 ORDER BY c.valid_until, c.id), '[]')
        FROM coupons c
        CROSS JOIN LATERAL (SELECT count(*)::integer AS held FROM coupon_uses u
                            WHERE u.coupon_id = c.id AND u.dealer_id = p_dealer
                              AND u.returned_at IS NULL) x
        WHERE c.fair_id = p_fair AND now() >= c.valid_from AND now() < c.valid_until
          AND c.used < c.issued AND x.held < c.per_dealer
          AND (c.tier IS NULL OR c.tier = v_dealer.tier)
          AND (c.region IS NULL OR c.region = v_dealer.region)
          AND (NOT c.named OR EXISTS (SELECT 1 FROM coupon_dealers d
                                      WHERE d.coupon_id = c.id AND d.dealer_id = p_dealer))));
END
$$;
