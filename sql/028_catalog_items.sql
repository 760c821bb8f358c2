-- catalog.items: items of a fair by product id, as catalog.search shows them (the caller's
-- price, the stock now), for pages that hold ids and not items: a product opened from a link,
-- the order sheet's lines, the lines of my orders. Withdrawn items are included (marked
-- withdrawn): a draft or an order may name one.
CREATE FUNCTION catalog_items(p_fair bigint, p_tier text, p_products jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_ids bigint[];
BEGIN
    PERFORM fair_must_exist(p_fair);
    IF EXISTS (SELECT 1 FROM jsonb_array_elements(p_products) e
               WHERE jsonb_typeof(e) <> 'number' OR e::text !~ '^[1-9][0-9]{0,17}$') THEN
        RAISE EXCEPTION 'products: product ids (whole numbers from 1)' USING ERRCODE = '22023';
    END IF;
    SELECT array_agg(DISTINCT e::text::bigint) INTO v_ids FROM jsonb_array_elements(p_products) e;
    RETURN jsonb_build_object('items', items_json(p_fair, coalesce(v_ids, '{}'), p_tier));
END
$$;
