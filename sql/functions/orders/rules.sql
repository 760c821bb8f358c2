-- Who may order for a dealer, which statuses hold credit, and the refusals an order can
-- get, shared by the batch's plain orders, order_lines_fit and the order's life so that
-- their messages cannot drift.

-- Statuses that still hold credit: the order is neither refused, cancelled nor done with.
CREATE OR REPLACE FUNCTION order_status_open(p_status text)
RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
    SELECT p_status IN ('accepted', 'reviewed', 'shipped', 'in_transit')
$$;

-- A rep given regions serves only the dealers of those regions (no regions: all).
CREATE OR REPLACE FUNCTION rep_outside_regions(u users, d dealers) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT u.role = 'rep' AND u.regions <> '{}' AND NOT d.region = ANY (u.regions)
$$;

-- The dealer a member of the staff names in a read about one dealer (policy.get and
-- coupon.list with `dealer`): NULL when it names none; not_found for no such dealer, and
-- forbidden (42501) for a rep limited to regions naming a dealer outside them, as its orders
-- on that dealer's behalf are.
CREATE OR REPLACE FUNCTION staff_named_dealer(p_actor bigint, p_dealer bigint) RETURNS bigint
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_actor users;
    v_dealer dealers;
BEGIN
    IF p_dealer IS NULL THEN
        RETURN NULL;
    END IF;
    SELECT * INTO v_dealer FROM dealers WHERE id = p_dealer;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'dealer % not found', p_dealer USING ERRCODE = 'P0002';
    END IF;
    SELECT * INTO v_actor FROM users WHERE id = p_actor;
    IF rep_outside_regions(v_actor, v_dealer) THEN
        RAISE EXCEPTION 'dealer % is outside your regions', p_dealer USING ERRCODE = '42501';
    END IF;
    RETURN p_dealer;
END
$$;

-- fair_not_live unless the fair is live at p_at (the database's clock decides).
CREATE OR REPLACE FUNCTION fair_live_refusal(f fairs, p_at timestamptz) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN fair_status(f, p_at) <> 'live' THEN
        op_refusal('fair_not_live', format('fair %s is %s', f.id, fair_status(f, p_at)),
                   jsonb_build_object('status', fair_status(f, p_at))) END
$$;

-- Who may order, amend or cancel for a dealer: its own users, admins, and reps serving its
-- region (a rep without regions serves all). NULL when allowed, else the refusal.
CREATE OR REPLACE FUNCTION order_actor_refusal(p_actor users, p_dealer dealers) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN p_actor.id IS NULL OR p_actor.disabled
                  OR (p_actor.role = 'dealer' AND p_actor.dealer_id IS DISTINCT FROM p_dealer.id)
                  OR rep_outside_regions(p_actor, p_dealer)
                  OR p_actor.role NOT IN ('dealer', 'rep', 'admin')
           THEN op_refusal('forbidden', format('user %s may not order for dealer %s',
                                               p_actor.id, p_dealer.id)) END
$$;

-- order_actor_refusal for an actor's and a dealer's ids.
CREATE OR REPLACE FUNCTION order_actor_refusal_by_id(p_actor bigint, p_dealer bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT order_actor_refusal((SELECT u FROM users u WHERE u.id = p_actor),
                               (SELECT d FROM dealers d WHERE d.id = p_dealer))
$$;

-- The refusals a plain order can get, shared with order_lines_fit so the two cannot drift.
CREATE OR REPLACE FUNCTION order_stock_refusal(p_short jsonb)
RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
    SELECT op_refusal('insufficient_stock',
        'not enough stock for ' || (SELECT string_agg(format('variant %s (%s left)', k,
            p_short->>k), ', ' ORDER BY k::bigint) FROM jsonb_object_keys(p_short) k),
        jsonb_build_object('available', p_short))
$$;

CREATE OR REPLACE FUNCTION order_limit_refusal(p_product bigint, p_limit integer, p_dealer bigint,
                                               p_ordered bigint, p_qty bigint)
RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
    SELECT op_refusal('limit_exceeded',
        format('product %s is limited to %s units per dealer; dealer %s has ordered '
               '%s and asks for %s more', p_product, p_limit, p_dealer, p_ordered, p_qty),
        jsonb_build_object('product', p_product, 'limit', p_limit, 'ordered', p_ordered,
                           'qty', p_qty))
$$;

CREATE OR REPLACE FUNCTION order_credit_refusal(p_total bigint, p_dealer bigint,
                                                p_credit_left bigint)
RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
    SELECT op_refusal('credit_exceeded',
        format('the order comes to %s; dealer %s has %s of credit left', p_total, p_dealer,
               greatest(p_credit_left, 0)),
        jsonb_build_object('available_credit', greatest(p_credit_left, 0), 'total', p_total))
$$;
