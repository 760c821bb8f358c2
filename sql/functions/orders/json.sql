-- An order as clients see it, and the pieces of an order that the batch computes for many
-- orders in one statement.

-- An order as clients see it, given its lines as JSON: order_json reads one order's lines,
-- a batch reads those of all its new orders in one query. Made as json, the one definition
-- of the shape: the batch sends its new orders' text as it is (jsonb_build_object took
-- twice json_build_object's time, 6 ms for a 500-order batch, and the text was then made
-- again from the jsonb).
CREATE OR REPLACE FUNCTION order_line_json_text(l order_lines, v variants) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('variant', l.variant_id, 'product', v.product_id, 'size', v.size,
                             'color', v.color, 'qty', l.qty, 'price', l.price, 'discount', 0)
$$;

-- An order's lines (as order_line_json_text makes them, in their order) with its discount
-- p_discount shared among them by amount: each line takes floor(discount × running amount /
-- total) less what the lines before it took, so the shares add up to the discount exactly.
CREATE OR REPLACE FUNCTION order_lines_discounted(p_lines json, p_discount bigint, p_total bigint)
RETURNS json LANGUAGE sql IMMUTABLE AS $$
    SELECT json_agg((x.l::jsonb || jsonb_build_object('discount',
               floor(p_discount::numeric * x.running / p_total)::bigint
               - floor(p_discount::numeric * (x.running - x.amount) / p_total)::bigint))::json
           ORDER BY x.n)
    FROM (SELECT e.l, e.n, a.amount, sum(a.amount) OVER (ORDER BY e.n) AS running
          FROM json_array_elements(p_lines) WITH ORDINALITY AS e(l, n),
               LATERAL (SELECT (e.l->>'qty')::numeric * (e.l->>'price')::numeric AS amount) a) x
$$;

-- What the fair's policies and its coupon take off an order now (its early bird, tier and
-- coupon discounts); what it pays is its total less this (PROTOCOL.md, Fair policies). The
-- one definition every reading of an order's discount or payable uses (inlined by the
-- planner: one expression).
CREATE OR REPLACE FUNCTION order_discount(o orders) RETURNS bigint LANGUAGE sql IMMUTABLE AS $$
    SELECT o.early_discount + o.tier_discount + o.coupon_discount
$$;

-- total is the sum of the lines; discount what the fair's policies and its coupon take off it
-- now (discounts: early, tier, coupon), payable what remains (PROTOCOL.md, Fair policies).
CREATE OR REPLACE FUNCTION order_json_text_with(o orders, p_lines json)
RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', o.id, 'key', o.key, 'fair', o.fair_id, 'dealer', o.dealer_id,
        'status', o.status,
        'lines', CASE WHEN order_discount(o) = 0 OR o.total = 0 THEN p_lines
                      ELSE order_lines_discounted(p_lines, order_discount(o), o.total) END,
        'total', o.total, 'discount', order_discount(o),
        'discounts', json_build_object('early', o.early_discount, 'tier', o.tier_discount,
                                       'coupon', o.coupon_discount),
        'coupon', o.coupon_code,
        'payable', o.total - order_discount(o),
        'ship_to', o.ship_to, 'note', o.note, 'placed_by', o.placed_by,
        'created_at', rfc3339(o.created_at))
$$;

-- The same as jsonb, for the statements that go on to work on it.
CREATE OR REPLACE FUNCTION order_line_json(l order_lines, v variants) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT order_line_json_text(l, v)::jsonb
$$;

CREATE OR REPLACE FUNCTION order_json_with(o orders, p_lines jsonb)
RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT order_json_text_with(o, p_lines::json)::jsonb
$$;

-- An order as clients see it (PROTOCOL.md, Ordering).
CREATE OR REPLACE FUNCTION order_json(o orders) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN order_json_with(o,
        (SELECT coalesce(jsonb_agg(order_line_json(l, v) ORDER BY v.product_id, v.sort, v.id),
                         '[]')
         FROM order_lines l JOIN variants v ON v.id = l.variant_id
         WHERE l.order_id = o.id));
END
$$;

-- The pieces of an order that the batch computes for many orders in one statement, as
-- inlinable SQL shared with the per-order functions: a plpgsql call per row runs a
-- statement of its own each time (order_request, order_ship_to and item_tier_price were a
-- fifth of a batch).
CREATE OR REPLACE FUNCTION order_request_json(p_fair bigint, p_partial boolean, p_lines jsonb)
RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object('fair', p_fair, 'partial', p_partial, 'lines', p_lines)
$$;

-- The request part of an order that a retry must repeat: fair, lines, partial and the
-- coupon, when it names one (042; in capitals, as coupons are matched).
CREATE OR REPLACE FUNCTION order_request(p jsonb) RETURNS jsonb LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    RETURN order_request_json((p->>'fair')::bigint, coalesce((p->>'partial')::boolean, false),
        (SELECT jsonb_agg(jsonb_build_array(l.variant, l.qty) ORDER BY l.variant)
         FROM jsonb_to_recordset(p->'lines') AS l(variant bigint, qty integer)))
        || CASE WHEN p->>'coupon' IS NOT NULL
                THEN jsonb_build_object('coupon', upper(p->>'coupon')) ELSE '{}' END;
END
$$;

-- A dealer's address as an order keeps it (ship_to).
CREATE OR REPLACE FUNCTION order_address_json(a dealer_addresses)
RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object('id', a.id, 'label', a.label, 'recipient', a.recipient,
                              'phone', a.phone, 'address', a.address)
$$;

-- A copy of one of the dealer's addresses for an order: p_address, or its default (NULL
-- when it has none). NULL too when p_address is not the dealer's: is_theirs is false.
CREATE OR REPLACE FUNCTION order_ship_to(p_dealer bigint, p_address bigint, OUT ship_to jsonb,
                                         OUT is_theirs boolean)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    SELECT order_address_json(a) INTO ship_to FROM dealer_addresses a
    WHERE a.dealer_id = p_dealer AND (a.id = p_address OR (p_address IS NULL AND a.is_default));
    is_theirs := p_address IS NULL OR ship_to IS NOT NULL;
END
$$;
