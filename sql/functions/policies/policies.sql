-- A fair's ordering policies (039; PROTOCOL.md, "Fair policies"): discounts by the dealer's
-- total at the fair, the early-bird discount and the minimum total, and how each order's
-- discounts follow them.
--
-- An order's `total` stays the sum of its lines: credit, limits, targets and the dashboard
-- count it, so a discount taken back by a cancellation never pushes a dealer over its
-- credit. The discounts are kept beside it (orders.early_discount, tier_discount) and
-- restamped by policy_restamp whenever the dealer's total at the fair changes, from
-- totals_add, the one place every such change passes through (a batch of new orders, an
-- amend, a cancel, a rejection, an order from the waitlist).
--
-- An order once shipped (shipped, in_transit, delivered) keeps the discounts it had then: its
-- payable went to the ERP and earns its points on delivery, so neither a new policy nor a
-- sibling order's cancellation or rejection changes it. It still counts in its dealer's total
-- at the fair (the tier reached); only the open orders (accepted, reviewed) are restamped.

-- A fair's policies as clients see them, or NULL when it has none.
CREATE OR REPLACE FUNCTION policy_json(p_fair bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'fair', p.fair_id, 'min_total', p.min_total,
        'early', CASE WHEN p.early_bp > 0 AND p.early_minutes > 0 THEN jsonb_build_object(
                     'minutes', p.early_minutes, 'percent_bp', p.early_bp,
                     'until', rfc3339(f.starts_at + p.early_minutes * interval '1 minute')) END,
        'tiers', coalesce((SELECT jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
                               'from', t.from_total,
                               'percent_bp', nullif(t.percent_bp, 0),
                               'amount_off', nullif(t.amount_off, 0))) ORDER BY t.from_total)
                           FROM fair_discount_tiers t WHERE t.fair_id = p.fair_id), '[]'),
        'updated_at', rfc3339(p.updated_at))
    FROM fair_policies p JOIN fairs f ON f.id = p.fair_id
    WHERE p.fair_id = p_fair
$$;

-- The tier a dealer's total at a fair reaches (NULL fields: none).
CREATE OR REPLACE FUNCTION policy_tier_at(p_fair bigint, p_total bigint,
                                          OUT from_total bigint, OUT percent_bp integer,
                                          OUT amount_off bigint)
LANGUAGE sql STABLE AS $$
    SELECT t.from_total, t.percent_bp, t.amount_off FROM fair_discount_tiers t
    WHERE t.fair_id = p_fair AND t.from_total <= p_total
    ORDER BY t.from_total DESC LIMIT 1
$$;

-- Stamps the discounts of the counted orders (neither cancelled nor rejected) of p_dealers
-- at p_fair as the fair's policies and each dealer's total there (fair_dealer_totals, kept
-- up to date before this is called) now give them:
--   early: an order placed before starts_at + early_minutes takes early_bp of its total
--          (rounded down to the cent);
--   tier, by percent: every order takes percent_bp of its total (rounded down);
--   tier, by amount: amount_off is shared among the orders by their totals, in order of
--          id, each taking floor(amount × running total / dealer total) less what the
--          orders before it took, so the shares add up to the amount exactly;
-- neither together more than what the order's coupon left of its total (042). The shares are
-- computed over every counted order, shipped ones too, but only the open ones (accepted,
-- reviewed) are written: a shipped order keeps the discounts it was shipped with, so an amount
-- off may then be given a little more or less than once in all. Only the orders whose discounts change are
-- written; each that this transaction did not itself write already is announced to its
-- dealer (order.status with note 'discount'), as a cancellation can take a discount back
-- from orders placed long before.
--
-- Planned without sequential scans, as totals_order_rows is (020): a plan kept from when
-- orders was nearly empty scanned all of it once per dealer, 150 ms an order in a
-- 500-order batch (measured with tests/bench/batch.mjs); the key lookups stay whatever the
-- statistics say.
CREATE OR REPLACE FUNCTION policy_restamp(p_fair bigint, p_dealers bigint[]) RETURNS void
LANGUAGE plpgsql SET enable_seqscan = off SET jit = off AS $$
DECLARE
    v_policy fair_policies;
    v_early_until timestamptz;
    v_o orders;
BEGIN
    SELECT * INTO v_policy FROM fair_policies WHERE fair_id = p_fair;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    SELECT f.starts_at + v_policy.early_minutes * interval '1 minute' INTO v_early_until
    FROM fairs f WHERE f.id = p_fair;
    FOR v_o IN
        WITH dealer AS (
            SELECT t.dealer_id, t.amount AS dealer_total, x.percent_bp, x.amount_off
            FROM fair_dealer_totals t
            LEFT JOIN LATERAL policy_tier_at(p_fair, t.amount) x ON true
            WHERE t.fair_id = p_fair AND t.dealer_id = ANY (p_dealers)
        ), counted AS (
            SELECT o.id, o.status, o.total - o.coupon_discount AS room, o.early_discount,
                   o.tier_discount, o.xmin = pg_current_xact_id()::xid AS ours,
                   CASE WHEN o.created_at < v_early_until
                        THEN o.total * v_policy.early_bp / 10000 ELSE 0 END AS early,
                   CASE WHEN d.percent_bp > 0 THEN o.total * d.percent_bp / 10000
                        WHEN d.amount_off > 0 AND d.dealer_total > 0
                        THEN floor(d.amount_off::numeric
                                   * sum(o.total) OVER w / d.dealer_total)::bigint
                             - floor(d.amount_off::numeric
                                     * (sum(o.total) OVER w - o.total) / d.dealer_total)::bigint
                        ELSE 0 END AS tier
            FROM dealer d JOIN orders o ON o.dealer_id = d.dealer_id AND o.fair_id = p_fair
            WHERE o.status NOT IN ('cancelled', 'rejected')
            WINDOW w AS (PARTITION BY o.dealer_id ORDER BY o.id)
        ), capped AS (
            -- room: what the coupon left of the total; early first, then the tier
            SELECT c.id, c.ours, c.early_discount, c.tier_discount,
                   least(c.early, c.room) AS early,
                   least(c.tier, c.room - least(c.early, c.room)) AS tier
            FROM counted c
            WHERE c.status IN ('accepted', 'reviewed') -- shipped ones keep theirs
        ), stamped AS (
            UPDATE orders o SET early_discount = c.early, tier_discount = c.tier
            FROM capped c
            WHERE o.id = c.id
              AND (c.early_discount, c.tier_discount) IS DISTINCT FROM (c.early, c.tier)
            RETURNING o.id, c.ours
        )
        -- (the rows as they were: what the notification says is not what changed)
        SELECT o.* FROM orders o JOIN stamped s ON s.id = o.id WHERE NOT s.ours ORDER BY o.id
    LOOP
        PERFORM order_status_notify(v_o, 'discount');
    END LOOP;
END
$$;

-- Every dealer with orders at a fair, restamped (the fair's policies changed).
CREATE OR REPLACE FUNCTION policy_restamp_fair(p_fair bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_dealers bigint[];
    v_o orders;
BEGIN
    -- Dealers in id order, as every writer locks them.
    SELECT array_agg(t.dealer_id ORDER BY t.dealer_id) INTO v_dealers
    FROM fair_dealer_totals t WHERE t.fair_id = p_fair;
    IF v_dealers IS NULL THEN
        RETURN;
    END IF;
    PERFORM 1 FROM dealers WHERE id = ANY (v_dealers) ORDER BY id FOR NO KEY UPDATE;
    PERFORM policy_restamp(p_fair, v_dealers);
    -- A fair whose policies were removed: what policy_restamp no longer sees.
    IF NOT EXISTS (SELECT 1 FROM fair_policies WHERE fair_id = p_fair) THEN
        FOR v_o IN
            UPDATE orders o SET early_discount = 0, tier_discount = 0
            WHERE o.fair_id = p_fair AND o.dealer_id = ANY (v_dealers)
              AND o.status IN ('accepted', 'reviewed') -- shipped ones keep theirs
              AND (o.early_discount > 0 OR o.tier_discount > 0)
            RETURNING o.*
        LOOP
            PERFORM order_status_notify(v_o, 'discount');
        END LOOP;
    END IF;
END
$$;

-- The refusal of a new order (p_new) or an amend that would leave a dealer's total at a fair
-- (p_before before it, p_after after) under the fair's minimum: a new order must bring the
-- total to the minimum; an amend may not lower a total to under it (one that does not lower
-- it passes, so a dealer under a minimum raised since can still change sizes). NULL: it may.
-- A cancellation is never refused by it.
CREATE OR REPLACE FUNCTION policy_minimum_refusal(p_fair bigint, p_dealer bigint,
                                                  p_before bigint, p_after bigint,
                                                  p_new boolean)
RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT op_refusal('below_minimum',
               format('the dealer''s total at fair %s would be %s, under the fair''s minimum '
                      'of %s', p_fair, p_after, p.min_total),
               jsonb_build_object('minimum', p.min_total, 'total', p_before,
                                  'would_be', p_after, 'dealer', p_dealer))
    FROM fair_policies p
    WHERE p.fair_id = p_fair AND p.min_total > 0 AND p_after < p.min_total
      AND (p_new OR p_after < p_before)
$$;

-- policy.get {fair}: the fair's policies, and for a dealer where it stands: its total at
-- the fair, its discounts, the tier it reached and the next one with what is missing.
CREATE OR REPLACE FUNCTION policy_get(p_fair bigint, p_dealer bigint) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_total bigint;
    v_mine jsonb;
BEGIN
    PERFORM fair_must_exist(p_fair);
    IF p_dealer IS NOT NULL THEN
        SELECT coalesce((SELECT t.amount FROM fair_dealer_totals t
                         WHERE t.fair_id = p_fair AND t.dealer_id = p_dealer), 0)
        INTO v_total;
        SELECT jsonb_build_object(
            'dealer', p_dealer, 'total', v_total,
            'early_discount', coalesce(sum(o.early_discount), 0),
            'tier_discount', coalesce(sum(o.tier_discount), 0),
            'discount', coalesce(sum(o.early_discount + o.tier_discount), 0),
            'tier', (SELECT jsonb_strip_nulls(jsonb_build_object('from', x.from_total,
                         'percent_bp', nullif(x.percent_bp, 0), 'amount_off', nullif(x.amount_off, 0)))
                     FROM policy_tier_at(p_fair, v_total) x WHERE x.from_total IS NOT NULL),
            'next', (SELECT jsonb_strip_nulls(jsonb_build_object('from', t.from_total,
                         'percent_bp', nullif(t.percent_bp, 0), 'amount_off', nullif(t.amount_off, 0),
                         'more', t.from_total - v_total))
                     FROM fair_discount_tiers t
                     WHERE t.fair_id = p_fair AND t.from_total > v_total
                     ORDER BY t.from_total LIMIT 1),
            'below_minimum', coalesce((SELECT p.min_total - v_total FROM fair_policies p
                                       WHERE p.fair_id = p_fair AND p.min_total > v_total), 0))
        INTO v_mine
        FROM orders o
        WHERE o.fair_id = p_fair AND o.dealer_id = p_dealer
          AND o.status NOT IN ('cancelled', 'rejected');
    END IF;
    RETURN jsonb_build_object('policy', policy_json(p_fair), 'mine', v_mine);
END
$$;

-- policy.set {fair, policy} (manager, admin): replaces the fair's policies, or removes them
-- (policy null). policy: {min_total?, early?: {minutes, percent_bp}, tiers?: [{from,
-- percent_bp} or {from, amount_off}]}. Every dealer's orders at the fair are restamped at
-- once, the change is audited, and the fair's room is told (event `policy`).
CREATE OR REPLACE FUNCTION policy_set(p_actor bigint, p_fair bigint, p_policy jsonb)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v_old jsonb;
    v_new jsonb;
    v_tier jsonb;
BEGIN
    PERFORM fair_must_exist(p_fair);
    v_old := policy_json(p_fair);
    IF p_policy IS NOT NULL AND jsonb_typeof(p_policy) = 'null' THEN
        p_policy := NULL;
    END IF;
    IF p_policy IS NOT NULL THEN
        IF jsonb_typeof(p_policy) <> 'object' THEN
            RAISE EXCEPTION 'policy must be an object or null' USING ERRCODE = '22023';
        END IF;
        IF p_policy ? 'early' AND jsonb_typeof(p_policy->'early') NOT IN ('object', 'null') THEN
            RAISE EXCEPTION 'early must be {minutes, percent_bp} or null' USING ERRCODE = '22023';
        END IF;
        IF jsonb_typeof(coalesce(p_policy->'tiers', '[]')) <> 'array'
           OR jsonb_array_length(coalesce(p_policy->'tiers', '[]')) > 20 THEN
            RAISE EXCEPTION 'tiers must be an array of at most 20 tiers' USING ERRCODE = '22023';
        END IF;
        FOR v_tier IN SELECT t FROM jsonb_array_elements(coalesce(p_policy->'tiers', '[]')) t LOOP
            IF jsonb_typeof(v_tier) <> 'object' OR jsonb_typeof(v_tier->'from') <> 'number'
               OR (v_tier ? 'percent_bp') = (v_tier ? 'amount_off') THEN
                RAISE EXCEPTION 'a tier is {from, percent_bp} or {from, amount_off}: %', v_tier
                    USING ERRCODE = '22023';
            END IF;
        END LOOP;
    END IF;
    DELETE FROM fair_policies WHERE fair_id = p_fair;
    IF p_policy IS NOT NULL THEN
        INSERT INTO fair_policies (fair_id, min_total, early_minutes, early_bp, updated_at,
                                   updated_by)
        VALUES (p_fair, coalesce((p_policy->>'min_total')::bigint, 0),
                coalesce((p_policy->'early'->>'minutes')::integer, 0),
                coalesce((p_policy->'early'->>'percent_bp')::integer, 0),
                clock_timestamp(), p_actor);
        INSERT INTO fair_discount_tiers (fair_id, from_total, percent_bp, amount_off)
        SELECT p_fair, (t->>'from')::bigint, coalesce((t->>'percent_bp')::integer, 0),
               coalesce((t->>'amount_off')::bigint, 0)
        FROM jsonb_array_elements(coalesce(p_policy->'tiers', '[]')) t;
    END IF;
    PERFORM policy_restamp_fair(p_fair);
    v_new := policy_json(p_fair);
    PERFORM audit_write(p_actor, 'policy.set', p_fair, 'fair:' || p_fair, v_old, v_new);
    PERFORM event_emit(p_fair, 'policy', jsonb_build_object('policy', v_new));
    RETURN jsonb_build_object('policy', v_new);
END
$$;
