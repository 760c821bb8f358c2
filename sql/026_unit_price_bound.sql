-- 026: a unit price is at most 10^11 minor units (¥1,000,000,000.00), everywhere.
--
-- Prices of up to 10^15 were accepted by the ops, and an order of 12,000 units at such a price
-- overflowed bigint inside the batch: `internal` for the order, and its whole batch was then
-- retried order by order, slowing everyone in it. The server now refuses a larger price where
-- it enters (MONEY_UNIT_PRICE_MAX in server/base/money.h, the same bound as `fairctl import`), and
-- these constraints hold every other writer to it: 200 lines of 100,000 units at this price
-- stay far inside bigint. NOT VALID: rows already there are not checked (a database that
-- has such a price keeps running), every row written from now on is.
ALTER TABLE products ADD CONSTRAINT products_base_price_bound
    CHECK (base_price <= 100000000000) NOT VALID;
ALTER TABLE fair_items ADD CONSTRAINT fair_items_price_bound
    CHECK (price <= 100000000000 AND (flash_price IS NULL OR flash_price <= 100000000000)) NOT VALID;
ALTER TABLE fair_item_prices ADD CONSTRAINT fair_item_prices_price_bound
    CHECK (price <= 100000000000) NOT VALID;
