-- 008: order intake (DESIGN.md, Orders: the hot path).
--
-- The server sends every order that arrived while the previous batch was in flight as one
-- call of order_place_batch: one transaction, one WAL flush for all of them (group commit).
-- Each order is decided without raising (a raise would fail the whole batch, and an
-- exception block per order is a subtransaction each), against rows the batch has already
-- locked in the one global order: dealer rows by id, then stock rows by id. Limits that
-- span orders (per-dealer item limit, credit) are read under the dealer lock, so two
-- batches can never both spend the same credit. First come, first served inside a batch.
--
-- (Its functions, views and triggers are now defined once each in sql/functions/: see
-- README.md there.)

-- What an order asked for, normalised: a retry with the same key must ask for the same.
ALTER TABLE orders ADD COLUMN request jsonb;
UPDATE orders o SET request = jsonb_build_object('fair', o.fair_id, 'partial', false,
    'lines', (SELECT jsonb_agg(jsonb_build_array(l.variant_id, l.qty) ORDER BY l.variant_id)
              FROM order_lines l WHERE l.order_id = o.id));

-- One line of an order being decided.
CREATE TYPE order_line_eval AS (
    variant      bigint,
    qty          integer,   -- asked for
    stock_id     bigint,    -- NULL: not offered at this fair
    available    integer,
    product      bigint,
    size         text,
    color        text,
    moq          integer,
    dealer_limit integer,
    pack         jsonb,
    withdrawn    boolean,
    price        bigint,    -- the dealer's price now (tier or flash)
    take         integer    -- what the order gets
);

-- Units sold per item (the catalog's hot sort): one row per fair item, made with the item,
-- kept by a trigger on stock.
CREATE TABLE item_sales (
    fair_id    bigint NOT NULL,
    product_id bigint NOT NULL,
    sold       integer NOT NULL DEFAULT 0 CHECK (sold >= 0),
    PRIMARY KEY (fair_id, product_id),
    FOREIGN KEY (fair_id, product_id) REFERENCES fair_items ON DELETE CASCADE
);

INSERT INTO item_sales (fair_id, product_id, sold)
SELECT i.fair_id, i.product_id,
       coalesce((SELECT sum(s.sold) FROM stock s
                 WHERE s.fair_id = i.fair_id AND s.product_id = i.product_id), 0)
FROM fair_items i;
