-- catalog.items (PROTOCOL.md, Catalog).

-- The ids of one of catalog.items' lists: whole numbers from 1, each once (22023 naming
-- p_what otherwise).
CREATE OR REPLACE FUNCTION catalog_ids(p_ids jsonb, p_what text) RETURNS bigint[]
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM jsonb_array_elements(coalesce(p_ids, '[]')) e
               WHERE jsonb_typeof(e) <> 'number' OR e::text !~ '^[1-9][0-9]{0,17}$') THEN
        RAISE EXCEPTION '%: ids (whole numbers from 1)', p_what USING ERRCODE = '22023';
    END IF;
    RETURN ARRAY(SELECT DISTINCT e::text::bigint FROM jsonb_array_elements(coalesce(p_ids, '[]')) e);
END
$$;

-- catalog.items: items of a fair by product id or by variant id, as catalog.search shows them
-- (the caller's price, the stock now), for pages that hold ids and not items: a product opened
-- from a link, the order sheet's lines (variants), the lines of my orders. Withdrawn items are
-- included (marked withdrawn): a draft or an order may name one.
CREATE OR REPLACE FUNCTION catalog_items(p_fair bigint, p_tier text, p_products jsonb,
                                         p_variants jsonb)
RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_products bigint[] := catalog_ids(p_products, 'products');
    v_variants bigint[] := catalog_ids(p_variants, 'variants');
BEGIN
    PERFORM fair_must_exist(p_fair);
    IF cardinality(v_products) + cardinality(v_variants) = 0 THEN
        RAISE EXCEPTION 'products or variants: at least one id' USING ERRCODE = '22023';
    END IF;
    RETURN jsonb_build_object('items', items_json(p_fair, ARRAY(
        SELECT unnest(v_products)
        UNION SELECT v.product_id FROM variants v WHERE v.id = ANY (v_variants)), p_tier));
END
$$;
