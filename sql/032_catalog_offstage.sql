-- 032: the items of a fair that are not on sale, for the staff (issue 23: the rep console lists
-- them to launch). catalog.search {withdrawn: true} calls this instead of catalog_search:
-- the items prepared with launch: false or withdrawn, matching q as catalog.search matches it,
-- in the fair's own order, as the staff see items (tier_prices).
CREATE FUNCTION catalog_offstage(p_fair bigint, p_q text, p_offset integer, p_limit integer)
RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_pattern text := CASE WHEN p_q IS NULL THEN NULL ELSE like_pattern(lower(p_q)) END;
    v_total bigint;
    v_ids bigint[];
BEGIN
    PERFORM fair_must_exist(p_fair);
    SELECT count(*), (array_agg(i.product_id ORDER BY i.sort, i.product_id))[p_offset + 1 : p_offset + p_limit]
    INTO v_total, v_ids
    FROM fair_items i
    WHERE i.fair_id = p_fair AND i.withdrawn
      AND (v_pattern IS NULL OR i.product_search LIKE v_pattern);
    RETURN jsonb_build_object('total', v_total,
                              'items', items_json(p_fair, coalesce(v_ids, '{}'), NULL));
END
$$;
