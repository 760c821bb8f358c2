-- 029: the dealer's credit in its attainment (the `attainment` reply and push).
--
-- The order sheet shows what the dealer may still order before the credit check refuses it
-- (credit_exceeded, order_lines_fit and order_place_batch): {limit, open, available}, in
-- minor units. `open` is the total of the dealer's open orders (accepted, reviewed, shipped,
-- in transit) at every fair, as dealer_credit keeps it (021) and the checks read it;
-- `available` is limit - open, never below 0. An order is refused when open + its total
-- exceeds the limit, so a limit of 0 is no credit at all: every order with a positive total
-- is refused (0 does not mean "no limit").
--
-- Two primary-key probes per dealer (dealers, dealer_credit) beside the joins of 019, so the
-- pushes read for many dealers at once cost about what they did.

CREATE OR REPLACE FUNCTION attainment_rows(p_fair bigint, p_dealers bigint[])
RETURNS TABLE (n bigint, dealer bigint, attainment jsonb) LANGUAGE sql STABLE AS $$
    WITH must AS MATERIALIZED (
        SELECT i.product_id, i.sort, p.style, p.name
        FROM fair_items i JOIN products p ON p.id = i.product_id
        WHERE i.fair_id = p_fair AND i.must_order AND NOT i.withdrawn
    ), ordered AS MATERIALIZED (
        -- the must-order products each of these dealers has ordered (not cancelled or
        -- rejected), read from the lines of those products' variants: nothing to read when
        -- the fair has no must-order item
        SELECT o.dealer_id, array_agg(DISTINCT v.product_id) AS products
        FROM must mu
        JOIN variants v ON v.product_id = mu.product_id
        JOIN order_lines l ON l.variant_id = v.id
        JOIN orders o ON o.id = l.order_id
        WHERE o.fair_id = p_fair AND o.dealer_id = ANY (p_dealers)
          AND o.status NOT IN ('cancelled', 'rejected')
        GROUP BY o.dealer_id
    )
    SELECT d.n, d.id, jsonb_build_object(
        'dealer', d.id,
        'target', CASE WHEN t.id IS NULL THEN NULL
                       ELSE jsonb_build_object('amount', t.amount, 'units', t.units) END,
        'ordered', jsonb_build_object('amount', coalesce(s.amount, 0),
                                      'units', coalesce(s.units, 0)),
        'ratio', CASE WHEN t.amount > 0
                      THEN round(coalesce(s.amount, 0)::numeric / t.amount, 4) END,
        'missing', coalesce(m.missing, '[]'),
        'credit', jsonb_build_object(
            'limit', coalesce(dl.credit_limit, 0),
            'open', coalesce(c.open_total, 0),
            'available', greatest(coalesce(dl.credit_limit, 0) - coalesce(c.open_total, 0), 0)))
    FROM unnest(p_dealers) WITH ORDINALITY AS d(id, n)
    LEFT JOIN targets t ON t.fair_id = p_fair AND t.dealer_id = d.id
    LEFT JOIN fair_dealer_totals s ON s.fair_id = p_fair AND s.dealer_id = d.id
    LEFT JOIN dealers dl ON dl.id = d.id
    LEFT JOIN dealer_credit c ON c.dealer_id = d.id
    LEFT JOIN ordered od ON od.dealer_id = d.id
    LEFT JOIN LATERAL (
        SELECT jsonb_agg(jsonb_build_object('product', mu.product_id, 'style', mu.style,
                                            'name', mu.name) ORDER BY mu.sort, mu.product_id)
               AS missing
        FROM must mu
        WHERE od.products IS NULL OR NOT mu.product_id = ANY (od.products)
    ) m ON true
$$;
