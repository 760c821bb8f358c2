-- 031: the dashboard's figures by category and its must-order compliance (issue 23).
--
-- dashboard.watch and its `totals` pushes gain
--   by_category: [{category, orders, units, amount, dealers}], the categories with counted
--     orders, the largest amount first; and
--   must_order: {styles, dealers, complete, by_style: [{product, style, name,
--     dealers_ordered}]}, the fair's must-order styles and how many of the dealers who
--     ordered at the fair ordered them (PROTOCOL.md, dashboard.watch).
-- Counted orders are those neither cancelled nor rejected, as in every dashboard figure.
--
-- The pushes go out up to 4 times a second per fair, so both are read from kept rows, as
-- by_region and by_tier are (012), never from the orders:
--   * units and amount by category: fair_product_totals (012) by the products' category now;
--   * fair_dealer_category_orders: per fair, category and dealer, how many of the dealer's
--     counted orders have a line of the category (an order counts once in each category it
--     has lines of): a category's orders, and its dealers (those with orders > 0);
--   * fair_dealer_styles: per fair, the (style, dealer) pairs with a counted order with a
--     line of the style. A dealer has "ordered" a style exactly when attainment (019, 029)
--     leaves it out of `missing`, which asks whether such an order exists: the must-order
--     figures and `missing` cannot disagree.
-- Neither can be summed from the totals of 012 (an order with two styles of one category is
-- one order of it), and the batch's totals_add (021) gets its lines without their orders. So
-- statement triggers keep them, as dealer_credit is kept (021): every writer, present and
-- future, keeps them, and order_place_batch is not copied once more.
--   * order_lines INSERT, UPDATE, DELETE (a batch's new orders, order_decide, an amend, a
--     waitlist's order): the changed lines of the orders that count now.
--   * orders UPDATE of the status across counted and not (a cancellation, a rejection):
--     every line of those orders, taken out or put back.
--   * products UPDATE of the category (fairctl import of a style again): the category rows
--     of the dealers who ordered it, counted again from their orders (rare).
-- Per order and category, the number of its lines there now is read from order_lines (an
-- index-only probe per order), and before the statement it was that less the lines the
-- statement added plus those it removed; the order counts in the category when that number
-- is above 0. (One statement that both removes and adds lines of one order through two
-- data-modifying CTEs would break this rule; no writer does, and dashboard_check() would
-- show it.) A style pair is added when an order gains a line of the style (a no-op when it
-- is there) and, when an order loses its last line of it, removed unless another counted
-- order of the dealer still has one (read from the dealer's orders: cancellations, amends
-- and rejections only). Orders are never deleted.
--
-- Cost: a batch writes one category row per new order and category (updated in place:
-- half-full pages, as dealer_credit's) and probes one style pair per new order and style
-- (inserting it the first time). Measured on a copy of the demo (20 batches of 490
-- one-style orders, pg_stat_user_functions): the triggers take ~15 ms a batch, about what
-- totals_add takes (~13 ms), some 12% of order_place_batch. The dashboard reads the fair's
-- category rows (dealers x categories) and the must-order styles' pairs by key: 0.3 + 0.4
-- ms on the demo fair, 0.9 + 1.1 ms on one of 20,000 orders from 500 dealers.
--
-- Locks: the rows are per fair and dealer. Every writer of a live fair's orders holds the
-- dealer's row before it writes lines or a status (batches, cancel, amend, waitlists), so
-- two never meet on these rows; a rejection (a closed fair, which no live writer touches)
-- writes them after that fair's fair_totals row, which two rejections take in turn. Rows
-- are written in key order. dashboard_check() now also compares these rows with the orders.
--
-- (Its functions, views and triggers are now defined once each in sql/functions/: see
-- README.md there.)

CREATE TABLE fair_dealer_category_orders (
    fair_id   bigint NOT NULL REFERENCES fairs ON DELETE CASCADE,
    category  text NOT NULL,
    dealer_id bigint NOT NULL,   -- the dealer of those orders (they keep it)
    orders    integer NOT NULL DEFAULT 0,
    PRIMARY KEY (fair_id, category, dealer_id)
) WITH (fillfactor = 50);

CREATE TABLE fair_dealer_styles (
    fair_id    bigint NOT NULL REFERENCES fairs ON DELETE CASCADE,
    product_id bigint NOT NULL,   -- a product with order lines (they keep it)
    dealer_id  bigint NOT NULL,
    PRIMARY KEY (fair_id, product_id, dealer_id)
);

-- Orders already there when this migration runs are counted once, here: the queries of the
-- views dealer_category_counted and dealer_styles_counted (sql/functions/views.sql),
-- written out, as a numbered migration reads no view of sql/functions/.
INSERT INTO fair_dealer_category_orders (fair_id, category, dealer_id, orders)
SELECT o.fair_id, p.category, o.dealer_id, count(DISTINCT o.id) AS orders
FROM orders o JOIN order_lines l ON l.order_id = o.id JOIN variants v ON v.id = l.variant_id
JOIN products p ON p.id = v.product_id
WHERE o.status NOT IN ('cancelled', 'rejected')
GROUP BY o.fair_id, p.category, o.dealer_id;
INSERT INTO fair_dealer_styles (fair_id, product_id, dealer_id)
SELECT o.fair_id, v.product_id, o.dealer_id
FROM orders o JOIN order_lines l ON l.order_id = o.id JOIN variants v ON v.id = l.variant_id
WHERE o.status NOT IN ('cancelled', 'rejected')
GROUP BY o.fair_id, v.product_id, o.dealer_id;
