-- 020: a batch's rows for the dashboard's totals, read order by order through the keys.
--
-- totals_order_rows read `orders WHERE id = ANY (p_orders)`. In one spread run PostgreSQL
-- kept a plan made while the table was nearly empty, a sequential scan that compares every
-- row with the whole array: 180 ms a batch instead of 12 once the fair had 100,000 orders,
-- and the run's throughput fell by a third (pg_stat_statements, docs/BENCHMARKS.md). Driving
-- the reads from the array, one key lookup per order, leaves the planner nothing to get wrong
-- as the tables grow. Same rows as before.

CREATE OR REPLACE FUNCTION totals_order_rows(p_orders bigint[], p_sign integer,
                                             OUT orders jsonb, OUT products jsonb)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    SELECT coalesce(jsonb_agg(jsonb_build_object('dealer', o.dealer_id,
               'minute', date_trunc('minute', o.created_at), 'orders', p_sign,
               'units', p_sign * u.units, 'amount', p_sign * o.total)), '[]')
    INTO orders
    FROM (SELECT DISTINCT unnest(p_orders) AS id) x
    CROSS JOIN LATERAL (SELECT * FROM orders o WHERE o.id = x.id) o
    CROSS JOIN LATERAL (SELECT coalesce(sum(l.qty), 0) AS units FROM order_lines l
                        WHERE l.order_id = x.id) u;
    SELECT coalesce(jsonb_agg(jsonb_build_object('product', v.product_id,
               'units', p_sign * l.qty, 'amount', p_sign * l.qty * l.price)), '[]')
    INTO products
    FROM (SELECT DISTINCT unnest(p_orders) AS id) x
    CROSS JOIN LATERAL (SELECT * FROM order_lines l WHERE l.order_id = x.id) l
    JOIN variants v ON v.id = l.variant_id;
END
$$;
