-- Setting targets and must-order styles (manager, admin): each change announces the fair
-- (NOTIFY fair_targets), whose dealers get their attainment pushed again.

-- target.set {fair, dealer? | region?, amount, units?} (manager, admin).
CREATE OR REPLACE FUNCTION target_set(p_actor bigint, p_fair bigint, p_dealer bigint, p_region text,
                                      p_amount bigint, p_units integer) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v targets;
    v_old jsonb;
BEGIN
    PERFORM fair_must_exist(p_fair);
    IF (p_dealer IS NULL) = (p_region IS NULL) THEN
        RAISE EXCEPTION 'give either a dealer or a region' USING ERRCODE = '22023';
    END IF;
    IF p_dealer IS NOT NULL AND NOT EXISTS (SELECT 1 FROM dealers WHERE id = p_dealer) THEN
        RAISE EXCEPTION 'dealer % not found', p_dealer USING ERRCODE = 'P0002';
    END IF;
    SELECT to_jsonb(t) INTO v_old FROM targets t
    WHERE t.fair_id = p_fair AND (t.dealer_id = p_dealer OR t.region = p_region);
    DELETE FROM targets WHERE fair_id = p_fair AND (dealer_id = p_dealer OR region = p_region);
    INSERT INTO targets (fair_id, dealer_id, region, amount, units)
    VALUES (p_fair, p_dealer, p_region, p_amount, p_units) RETURNING * INTO v;
    PERFORM audit_write(p_actor, 'target.set', p_fair,
        coalesce('dealer:' || p_dealer, 'region:' || p_region), v_old,
        jsonb_build_object('amount', p_amount, 'units', p_units));
    PERFORM pg_notify('fair_targets', p_fair::text);
    PERFORM pg_notify('fair_totals', p_fair::text);
    RETURN jsonb_build_object('target', jsonb_build_object('fair', p_fair, 'dealer', v.dealer_id,
        'region', v.region, 'amount', v.amount, 'units', v.units));
END
$$;

-- mustorder.set {fair, product, required} (manager, admin).
CREATE OR REPLACE FUNCTION mustorder_set(p_actor bigint, p_fair bigint, p_product bigint,
                                         p_required boolean) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_item fair_items;
BEGIN
    PERFORM fair_must_exist(p_fair);
    SELECT * INTO v_item FROM fair_items WHERE fair_id = p_fair AND product_id = p_product
    FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'product % is not an item of fair %', p_product, p_fair
            USING ERRCODE = 'P0002';
    END IF;
    UPDATE fair_items SET must_order = p_required
    WHERE fair_id = p_fair AND product_id = p_product;
    PERFORM audit_write(p_actor, 'mustorder.set', p_fair, 'product:' || p_product,
        jsonb_build_object('required', v_item.must_order),
        jsonb_build_object('required', p_required));
    PERFORM pg_notify('fair_targets', p_fair::text);
    PERFORM pg_notify('fair_totals', p_fair::text);
    RETURN jsonb_build_object('fair', p_fair, 'product', p_product, 'required', p_required);
END
$$;
