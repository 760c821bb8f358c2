-- The ERP hand-off: a fair's standing orders (accepted and on through delivery; neither
-- cancelled nor rejected) a line each, in the fields both import layouts take (用友U8+ and
-- 管家婆; the columns are named in server/features/erp_export.c and PROTOCOL.md). Dates are
-- the fair's local ones; money in minor units (the CSV writes yuan). Lines come in the order
-- an order's JSON lists them (product, then variant), the order its discount is shared in.
CREATE OR REPLACE FUNCTION erp_order_lines(p_fair bigint)
RETURNS TABLE (order_id bigint, order_date text, status text, dealer_code text,
               dealer_name text, region text, style text, product_name text, category text,
               size text, color text, qty integer, price bigint, amount bigint,
               order_total bigint, note text, ship_to text, currency text)
LANGUAGE sql STABLE AS $$
    SELECT o.id, to_char(o.created_at AT TIME ZONE f.timezone, 'YYYY-MM-DD'), o.status,
           d.code, d.name, d.region, p.style, p.name, p.category, v.size, v.color, l.qty,
           l.price, l.qty::bigint * l.price, o.total, o.note,
           concat_ws(' ', o.ship_to->>'recipient', o.ship_to->>'phone', o.ship_to->>'address'),
           f.currency
    FROM orders o
    JOIN fairs f ON f.id = o.fair_id
    JOIN dealers d ON d.id = o.dealer_id
    JOIN order_lines l ON l.order_id = o.id
    JOIN variants v ON v.id = l.variant_id
    JOIN products p ON p.id = v.product_id
    WHERE o.fair_id = p_fair AND o.status NOT IN ('cancelled', 'rejected')
    ORDER BY o.id, v.product_id, v.sort, v.id
$$;

-- What the fair's policies and its coupon take off each standing order of p_fair (the order's
-- `discount`), which the export shares among its lines by amount, as order_lines_discounted
-- does.
CREATE OR REPLACE FUNCTION erp_order_discounts(p_fair bigint)
RETURNS TABLE (order_id bigint, discount bigint) LANGUAGE sql STABLE AS $$
    SELECT o.id, order_discount(o)
    FROM orders o
    WHERE o.fair_id = p_fair AND o.status NOT IN ('cancelled', 'rejected')
      AND order_discount(o) > 0
    ORDER BY o.id
$$;
