-- 012: the brand manager's live dashboard (PROTOCOL.md, Brand manager dashboard).
--
-- Totals are kept incrementally by the transactions that change orders (a batch of new
-- orders, an amend, a cancel, a rejection), never re-aggregated from the orders when one
-- changes. They live in tables, so every server process and every restart sees the same
-- numbers, and dashboard_check() proves they equal an aggregate over the orders.
--
-- Counted orders are those neither cancelled nor rejected. (No CHECK (>= 0) on the totals:
-- an upsert checks the row it proposes, and a taking-back delta proposes negative numbers.) Each writer applies its deltas
-- once, at the end of its transaction, in one lock order after everything else it holds:
-- product rows, then dealer rows, then minute rows (each by key), then the fair's row. Two
-- writers can therefore never wait for each other in a cycle.
--
-- (Its functions, views and triggers are now defined once each in sql/functions/: see
-- README.md there.)

CREATE TABLE fair_totals (
    fair_id    bigint PRIMARY KEY REFERENCES fairs ON DELETE CASCADE,
    orders     integer NOT NULL DEFAULT 0,
    units      bigint NOT NULL DEFAULT 0,
    amount     bigint NOT NULL DEFAULT 0,
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE fair_dealer_totals (
    fair_id   bigint NOT NULL REFERENCES fairs ON DELETE CASCADE,
    dealer_id bigint NOT NULL REFERENCES dealers,
    orders    integer NOT NULL DEFAULT 0,
    units     bigint NOT NULL DEFAULT 0,
    amount    bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (fair_id, dealer_id)
);

CREATE TABLE fair_product_totals (
    fair_id    bigint NOT NULL REFERENCES fairs ON DELETE CASCADE,
    product_id bigint NOT NULL REFERENCES products,
    units      bigint NOT NULL DEFAULT 0,
    amount     bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (fair_id, product_id)
);

-- By the minute the orders were placed (a cancellation takes its order back out of the
-- minute it was placed in).
CREATE TABLE fair_minute_totals (
    fair_id bigint NOT NULL REFERENCES fairs ON DELETE CASCADE,
    minute  timestamptz NOT NULL,
    orders  integer NOT NULL DEFAULT 0,
    amount  bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (fair_id, minute)
);

-- Orders already there when this migration runs are counted once, here.
INSERT INTO fair_product_totals (fair_id, product_id, units, amount)
SELECT o.fair_id, v.product_id, sum(l.qty), sum(l.qty::bigint * l.price)
FROM orders o JOIN order_lines l ON l.order_id = o.id JOIN variants v ON v.id = l.variant_id
WHERE o.status NOT IN ('cancelled', 'rejected') GROUP BY 1, 2;
INSERT INTO fair_dealer_totals (fair_id, dealer_id, orders, units, amount)
SELECT o.fair_id, o.dealer_id, count(*),
       sum((SELECT coalesce(sum(l.qty), 0) FROM order_lines l WHERE l.order_id = o.id)),
       sum(o.total)
FROM orders o WHERE o.status NOT IN ('cancelled', 'rejected') GROUP BY 1, 2;
INSERT INTO fair_minute_totals (fair_id, minute, orders, amount)
SELECT fair_id, date_trunc('minute', created_at), count(*), sum(total)
FROM orders WHERE status NOT IN ('cancelled', 'rejected') GROUP BY 1, 2;
INSERT INTO fair_totals (fair_id, orders, units, amount)
SELECT fair_id, sum(orders), sum(units), sum(amount) FROM fair_dealer_totals GROUP BY 1;
