-- 039: a fair's ordering policies (訂貨政策, issue 25): discounts by the dealer's total at the
-- fair (a percentage or an amount off, 滿減), an early-bird discount for orders placed in the
-- fair's first minutes, and a minimum total per dealer. Applied by the database in the
-- transaction that changes a dealer's total at the fair (sql/functions/policies/, rules in
-- PROTOCOL.md, "Fair policies").

-- One row per fair that has policies; a fair without one orders as before.
CREATE TABLE fair_policies (
    fair_id       bigint PRIMARY KEY REFERENCES fairs ON DELETE CASCADE,
    -- the least total a dealer's orders at the fair may come to (0: none)
    min_total     bigint NOT NULL DEFAULT 0 CHECK (min_total >= 0),
    -- orders placed before starts_at + early_minutes take early_bp (1/100 of a percent) off
    early_minutes integer NOT NULL DEFAULT 0 CHECK (early_minutes BETWEEN 0 AND 10080),
    early_bp      integer NOT NULL DEFAULT 0 CHECK (early_bp BETWEEN 0 AND 9000),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    updated_by    bigint REFERENCES users
);

-- The tiers of a fair's discount on a dealer's total: from from_total on, percent_bp off
-- every order, or amount_off off the dealer's total (shared among its orders). The highest
-- tier reached applies.
CREATE TABLE fair_discount_tiers (
    fair_id    bigint NOT NULL REFERENCES fair_policies ON DELETE CASCADE,
    from_total bigint NOT NULL CHECK (from_total > 0),
    percent_bp integer NOT NULL DEFAULT 0 CHECK (percent_bp BETWEEN 0 AND 9000),
    amount_off bigint NOT NULL DEFAULT 0 CHECK (amount_off >= 0 AND amount_off < from_total),
    CHECK ((percent_bp > 0) <> (amount_off > 0)),
    PRIMARY KEY (fair_id, from_total)
);

-- Each order's discounts as they stand (its `total` stays the sum of its lines, which credit,
-- limits and the dashboard count): early-bird and tier, never more than the total together.
ALTER TABLE orders
    ADD COLUMN early_discount bigint NOT NULL DEFAULT 0 CHECK (early_discount >= 0),
    ADD COLUMN tier_discount  bigint NOT NULL DEFAULT 0 CHECK (tier_discount >= 0),
    ADD CONSTRAINT orders_discounts_within_total CHECK (early_discount + tier_discount <= total);
