-- The printable confirmation of an order.

-- The printable confirmation (GET /orders/<id>/print): for the order's dealer and the
-- staff (a rep of other regions excepted). NULL when the order does not exist; a refusal
-- when the user may not see it. The time placed is on the fair's clock (placed_local),
-- labelled by fair.zone ("Asia/Shanghai (UTC+8)", its offset at that moment, as the pages'
-- zoneLabel writes it); each line has its share of the order's discount and its colour's
-- English name (color_en, NULL when the brand gave none).
CREATE OR REPLACE FUNCTION order_print_json(p_user bigint, p_order bigint) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_o orders;
    v_user users;
    v_dealer dealers;
    v_fair fairs;
    v_full jsonb;
    v_off interval;
    v_abs interval;
BEGIN
    SELECT * INTO v_o FROM orders WHERE id = p_order;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    SELECT * INTO v_user FROM users WHERE id = p_user;
    SELECT * INTO v_dealer FROM dealers WHERE id = v_o.dealer_id;
    IF (v_user.role = 'dealer' AND v_user.dealer_id IS DISTINCT FROM v_o.dealer_id)
       OR rep_outside_regions(v_user, v_dealer) THEN
        RETURN op_refusal('forbidden', 'this order is not yours');
    END IF;
    SELECT * INTO v_fair FROM fairs WHERE id = v_o.fair_id;
    v_full := order_full_json(v_o);
    v_off := (v_o.created_at AT TIME ZONE v_fair.timezone) - (v_o.created_at AT TIME ZONE 'UTC');
    v_abs := CASE WHEN v_off < interval '0' THEN -v_off ELSE v_off END;
    RETURN v_full || jsonb_build_object(
        'placed_local', to_char(v_o.created_at AT TIME ZONE v_fair.timezone, 'YYYY-MM-DD HH24:MI'),
        'dealer', jsonb_build_object('id', v_dealer.id, 'code', v_dealer.code,
                                     'name', v_dealer.name, 'region', v_dealer.region),
        'fair', jsonb_build_object('id', v_fair.id, 'name', v_fair.name, 'name_en', v_fair.name_en,
                                   'season', v_fair.season,
                                   'currency', v_fair.currency, 'timezone', v_fair.timezone,
                                   'zone', v_fair.timezone || ' (UTC'
                                       || CASE WHEN v_off < interval '0' THEN '-' ELSE '+' END
                                       || extract(hour FROM v_abs)::int
                                       || CASE WHEN extract(minute FROM v_abs) > 0
                                               THEN ':' || lpad(extract(minute FROM v_abs)::int::text, 2, '0')
                                               ELSE '' END || ')'),
        'products', (SELECT coalesce(jsonb_agg(jsonb_build_object(
                'product', p.id, 'style', p.style, 'name', p.name, 'name_en', p.name_en,
                'lines', (SELECT jsonb_agg(jsonb_build_object('size', v.size, 'color', v.color,
                                                              'color_en', (SELECT t.name_en FROM term_names t
                                                                           WHERE t.kind = 'color'
                                                                             AND t.name = v.color),
                                                              'qty', l.qty, 'price', l.price,
                                                              'discount', coalesce((
                        SELECT (e->>'discount')::bigint FROM jsonb_array_elements(v_full->'lines') e
                        WHERE (e->>'variant')::bigint = l.variant_id), 0))
                                           ORDER BY v.color, v.sort, v.id)
                          FROM order_lines l JOIN variants v ON v.id = l.variant_id
                          WHERE l.order_id = v_o.id AND v.product_id = p.id)) ORDER BY p.style), '[]')
            FROM products p WHERE p.id IN (SELECT v.product_id FROM order_lines l
                                           JOIN variants v ON v.id = l.variant_id
                                           WHERE l.order_id = v_o.id)));
END
$$;
