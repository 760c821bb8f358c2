-- Every view, made after every function (a view's query is checked when it is made, and
-- dealer_credit_drift calls order_status_open) and before the triggers.
--
-- CREATE OR REPLACE VIEW can add columns at the end but not change or drop one: a view whose
-- columns change is dropped first by a numbered migration (DROP VIEW IF EXISTS), as a
-- function whose result changes is (README.md beside this file).

-- The dealers whose kept open total (dealer_credit, orders/credit.sql) differs from the sum
-- of their open orders: none, unless something wrote orders past the triggers. For
-- operators, the tests and the benchmark.
CREATE OR REPLACE VIEW dealer_credit_drift AS
SELECT coalesce(s.dealer_id, c.dealer_id) AS dealer_id, coalesce(c.open_total, 0) AS kept,
       coalesce(s.open, 0) AS summed
FROM (SELECT o.dealer_id,
             coalesce(sum(o.total) FILTER (WHERE order_status_open(o.status)), 0) AS open
      FROM orders o GROUP BY o.dealer_id) s
FULL JOIN dealer_credit c ON c.dealer_id = s.dealer_id
WHERE coalesce(c.open_total, 0) <> coalesce(s.open, 0);

-- What the dealers' category and style rows (dashboard/dealer_lines.sql) must hold, counted
-- from the orders (for dashboard_check() and a product's new category; 031's first rows were
-- these queries). Filters on fair_id and dealer_id reach the orders (they are grouping
-- columns).
CREATE OR REPLACE VIEW dealer_category_counted AS
SELECT o.fair_id, p.category, o.dealer_id, count(DISTINCT o.id) AS orders
FROM orders o JOIN order_lines l ON l.order_id = o.id JOIN variants v ON v.id = l.variant_id
JOIN products p ON p.id = v.product_id
WHERE o.status NOT IN ('cancelled', 'rejected')
GROUP BY o.fair_id, p.category, o.dealer_id;

CREATE OR REPLACE VIEW dealer_styles_counted AS
SELECT o.fair_id, v.product_id, o.dealer_id
FROM orders o JOIN order_lines l ON l.order_id = o.id JOIN variants v ON v.id = l.variant_id
WHERE o.status NOT IN ('cancelled', 'rejected')
GROUP BY o.fair_id, v.product_id, o.dealer_id;
