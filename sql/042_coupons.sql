-- 042: coupons (優惠券, issue 25): an amount off from a threshold, or a percentage off with a
-- cap, for every dealer of a fair, a tier, a region or named dealers, each with a count per
-- dealer and a validity window. A dealer applies one to an order (`coupon` on order.place);
-- `used` is counted under the coupon's row lock and can never pass `issued` (CHECK), so no
-- flash crowd and no two processes redeem it more often than issued. A cancelled or rejected
-- order gives its use back (coupon_uses.returned_at). Rules: PROTOCOL.md, "Coupons".
CREATE TABLE coupons (
    id          bigserial PRIMARY KEY,
    fair_id     bigint NOT NULL REFERENCES fairs ON DELETE CASCADE,
    code        text NOT NULL CHECK (code ~ '^[A-Z0-9][A-Z0-9_-]{2,31}$'),
    name        text NOT NULL DEFAULT '' CHECK (length(name) <= 100),
    amount_off  bigint NOT NULL DEFAULT 0 CHECK (amount_off >= 0),
    percent_bp  integer NOT NULL DEFAULT 0 CHECK (percent_bp BETWEEN 0 AND 9000),
    cap         bigint CHECK (cap > 0),                 -- the most a percentage takes off
    threshold   bigint NOT NULL DEFAULT 0 CHECK (threshold >= 0), -- the least order total
    tier        text,                                   -- for one tier's dealers (NULL: any)
    region      text,                                   -- for one region's (NULL: any)
    named       boolean NOT NULL DEFAULT false,         -- for coupon_dealers only
    issued      integer NOT NULL CHECK (issued > 0),
    used        integer NOT NULL DEFAULT 0,
    per_dealer  integer NOT NULL DEFAULT 1 CHECK (per_dealer > 0),
    valid_from  timestamptz NOT NULL,
    valid_until timestamptz NOT NULL,
    created_by  bigint REFERENCES users,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CHECK ((amount_off > 0) <> (percent_bp > 0)),
    CHECK (cap IS NULL OR percent_bp > 0),
    CHECK (used BETWEEN 0 AND issued),
    CHECK (valid_until > valid_from),
    UNIQUE (fair_id, code)
) WITH (fillfactor = 70);

CREATE TABLE coupon_dealers (
    coupon_id bigint NOT NULL REFERENCES coupons ON DELETE CASCADE,
    dealer_id bigint NOT NULL REFERENCES dealers ON DELETE CASCADE,
    PRIMARY KEY (coupon_id, dealer_id)
);

-- One use per order: what it took off, and when the order gave it back.
CREATE TABLE coupon_uses (
    order_id    bigint PRIMARY KEY REFERENCES orders ON DELETE CASCADE,
    coupon_id   bigint NOT NULL REFERENCES coupons ON DELETE CASCADE,
    dealer_id   bigint NOT NULL,
    used_at     timestamptz NOT NULL,
    returned_at timestamptz
);
CREATE INDEX coupon_uses_held ON coupon_uses (coupon_id, dealer_id) WHERE returned_at IS NULL;

-- The order's coupon (its code as applied) and what it takes off; the policies' discounts
-- come after it, within what is left of the total.
ALTER TABLE orders
    ADD COLUMN coupon_id       bigint REFERENCES coupons ON DELETE SET NULL,
    ADD COLUMN coupon_code     text,
    ADD COLUMN coupon_discount bigint NOT NULL DEFAULT 0 CHECK (coupon_discount >= 0),
    DROP CONSTRAINT orders_discounts_within_total,
    ADD CONSTRAINT orders_discounts_within_total
        CHECK (early_discount + tier_discount + coupon_discount <= total);

-- order_lock takes the order's coupon to lock (after the stock rows, before item_sales, as
-- the batch does).
DROP FUNCTION IF EXISTS order_lock(bigint, bigint, bigint[]);
