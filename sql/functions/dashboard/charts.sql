-- What the chart and share-card pictures show (features/chart_http.c draws them).

-- What a chart of a fair shows (GET /api/fairs/<id>/chart.png): {fair (its name), kind:
-- bars|line, rows: [[label, value]]}, amounts in the currency's major unit (the chart's title
-- and unit are the reader's language's: features/chart_http.c). NULL for an unknown fair.
-- Metrics: units_by_product and sell_through (the p_limit best items), amount_per_minute
-- (every minute from the first order to the last, in the fair's time zone), by_region.
CREATE OR REPLACE FUNCTION chart_data(p_fair bigint, p_metric text, p_limit integer) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_fair fairs;
    v_rows jsonb;
BEGIN
    SELECT * INTO v_fair FROM fairs WHERE id = p_fair;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    IF p_metric = 'units_by_product' THEN
        SELECT coalesce(jsonb_agg(jsonb_build_array(x.label, x.v) ORDER BY x.v DESC, x.label), '[]')
        INTO v_rows
        FROM (SELECT p.style || ' ' || p.name AS label, t.units AS v
              FROM fair_product_totals t JOIN products p ON p.id = t.product_id
              WHERE t.fair_id = p_fair AND t.units > 0
              ORDER BY t.units DESC, p.style LIMIT p_limit) x;
        RETURN jsonb_build_object('fair', v_fair.name, 'fair_en', v_fair.name_en,
            'kind', 'bars', 'rows', v_rows);
    ELSIF p_metric = 'sell_through' THEN
        SELECT coalesce(jsonb_agg(jsonb_build_array(x.label, x.v) ORDER BY x.v DESC, x.label), '[]')
        INTO v_rows
        FROM (SELECT p.style || ' ' || p.name AS label,
                     round(100.0 * sum(s.sold) / nullif(sum(s.allocation), 0), 1) AS v
              FROM stock s JOIN products p ON p.id = s.product_id
              WHERE s.fair_id = p_fair
              GROUP BY p.style, p.name HAVING sum(s.allocation) > 0
              ORDER BY 2 DESC, 1 LIMIT p_limit) x;
        RETURN jsonb_build_object('fair', v_fair.name, 'fair_en', v_fair.name_en,
            'kind', 'bars', 'rows', v_rows);
    ELSIF p_metric = 'by_region' THEN
        SELECT coalesce(jsonb_agg(jsonb_build_array(x.region, x.v) ORDER BY x.v DESC, x.region), '[]')
        INTO v_rows
        FROM (SELECT d.region, round(sum(t.amount) / 100.0, 2) AS v
              FROM fair_dealer_totals t JOIN dealers d ON d.id = t.dealer_id
              WHERE t.fair_id = p_fair GROUP BY d.region HAVING sum(t.amount) > 0
              ORDER BY 2 DESC LIMIT p_limit) x;
        RETURN jsonb_build_object('fair', v_fair.name, 'fair_en', v_fair.name_en,
            'kind', 'bars', 'rows', v_rows);
    ELSIF p_metric = 'amount_per_minute' THEN
        SELECT coalesce(jsonb_agg(jsonb_build_array(
                   to_char(g.minute AT TIME ZONE v_fair.timezone, 'HH24:MI'),
                   round(coalesce(m.amount, 0) / 100.0, 2)) ORDER BY g.minute), '[]')
        INTO v_rows
        FROM (SELECT generate_series(min(minute), max(minute), interval '1 minute') AS minute
              FROM fair_minute_totals WHERE fair_id = p_fair) g
        LEFT JOIN fair_minute_totals m ON m.fair_id = p_fair AND m.minute = g.minute;
        RETURN jsonb_build_object('fair', v_fair.name, 'fair_en', v_fair.name_en,
            'kind', 'line', 'rows', v_rows);
    END IF;
    RAISE EXCEPTION 'unknown metric %', p_metric USING ERRCODE = '22023';
END
$$;

-- A dealer's order summary for its share card (GET /api/fairs/<id>/share.png): the fair, the
-- dealer, its counted orders' totals and its five biggest styles ([label, units, English
-- label], the English name falling back to the Chinese). NULL when the fair or the dealer
-- does not exist.
CREATE OR REPLACE FUNCTION share_data(p_fair bigint, p_dealer bigint) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_fair fairs;
    v_dealer dealers;
BEGIN
    SELECT * INTO v_fair FROM fairs WHERE id = p_fair;
    SELECT * INTO v_dealer FROM dealers WHERE id = p_dealer;
    IF v_fair.id IS NULL OR v_dealer.id IS NULL THEN
        RETURN NULL;
    END IF;
    RETURN (SELECT jsonb_build_object(
        'fair', v_fair.name, 'fair_en', v_fair.name_en, 'season', v_fair.season,
        'currency', v_fair.currency,
        'dealer', v_dealer.name,
        'orders', coalesce(t.orders, 0), 'units', coalesce(t.units, 0),
        'amount', coalesce(t.amount, 0),
        'styles', (SELECT coalesce(jsonb_agg(jsonb_build_array(x.label, x.units, x.label_en)
                                             ORDER BY x.units DESC, x.label), '[]')
                   FROM (SELECT p.style || ' ' || p.name AS label, sum(l.qty) AS units,
                                p.style || ' ' || coalesce(nullif(p.name_en, ''), p.name) AS label_en
                         FROM orders o JOIN order_lines l ON l.order_id = o.id
                         JOIN variants v ON v.id = l.variant_id
                         JOIN products p ON p.id = v.product_id
                         WHERE o.fair_id = p_fair AND o.dealer_id = p_dealer
                           AND o.status NOT IN ('cancelled', 'rejected')
                         GROUP BY p.id ORDER BY 2 DESC, 1 LIMIT 5) x))
    FROM (SELECT p_fair AS fair_id) f
    LEFT JOIN fair_dealer_totals t ON t.fair_id = f.fair_id AND t.dealer_id = p_dealer);
END
$$;

-- share_data for p_actor, who may see the dealer (027): the dealer's own users, managers,
-- admins, and reps whose regions are unlimited or include the dealer's. For anyone else
-- NULL, as if the dealer did not exist (404, as for an unknown dealer).
CREATE OR REPLACE FUNCTION share_data_for(p_actor bigint, p_fair bigint, p_dealer bigint)
RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT share_data(p_fair, p_dealer)
    FROM users u, dealers d
    WHERE u.id = p_actor AND d.id = p_dealer AND NOT u.disabled
      AND (u.role IN ('manager', 'admin')
           OR (u.role = 'rep' AND (u.regions = '{}' OR d.region = ANY (u.regions)))
           OR (u.role = 'dealer' AND u.dealer_id = d.id))
$$;
