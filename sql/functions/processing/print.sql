-- The printable confirmation of an order.

-- The printable confirmation (GET /orders/<id>/print): for the order's dealer and the
-- staff (a rep of other regions excepted). NULL when the order does not exist; a refusal
-- when the user may not see it.
CREATE OR REPLACE FUNCTION order_print_json(p_user bigint, p_order bigint) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_o orders;
    v_user users;
    v_dealer dealers;
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
    RETURN order_full_json(v_o) || jsonb_build_object(
        'dealer', jsonb_build_object('id', v_dealer.id, 'code', v_dealer.code,
                                     'name', v_dealer.name, 'region', v_dealer.region),
        'fair', (SELECT jsonb_build_object('id', f.id, 'name', f.name, 'season', f.season,
                                           'currency', f.currency)
                 FROM fairs f WHERE f.id = v_o.fair_id),
        'products', (SELECT coalesce(jsonb_agg(jsonb_build_object(
                'product', p.id, 'style', p.style, 'name', p.name,
                'lines', (SELECT jsonb_agg(jsonb_build_object('size', v.size, 'color', v.color,
                                                              'qty', l.qty, 'price', l.price)
                                           ORDER BY v.color, v.sort, v.id)
                          FROM order_lines l JOIN variants v ON v.id = l.variant_id
                          WHERE l.order_id = v_o.id AND v.product_id = p.id)) ORDER BY p.style), '[]')
            FROM products p WHERE p.id IN (SELECT v.product_id FROM order_lines l
                                           JOIN variants v ON v.id = l.variant_id
                                           WHERE l.order_id = v_o.id)));
END
$$;
