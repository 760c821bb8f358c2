-- 044: points (積分, issue 25): earned on delivered orders at a rate per dealer tier, kept in
-- a ledger with an expiry per earning, spent oldest first, and redeemed into a coupon for a
-- fair. Rules: PROTOCOL.md, "Points".

-- The rate per tier: points per 100 of the currency's major unit paid (payable), and how
-- long points earned stay valid. A tier without a row earns none.
CREATE TABLE point_rates (
    tier          text PRIMARY KEY CHECK (tier ~ '^[A-Z]$'),
    per_100       integer NOT NULL CHECK (per_100 BETWEEN 0 AND 10000),
    validity_days integer NOT NULL DEFAULT 365 CHECK (validity_days BETWEEN 1 AND 3650),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    updated_by    bigint REFERENCES users
);

-- What a point is worth when redeemed, in the currency's minor unit (one row).
CREATE TABLE point_settings (
    one         boolean PRIMARY KEY DEFAULT true CHECK (one),
    point_value integer NOT NULL DEFAULT 100 CHECK (point_value BETWEEN 1 AND 100000)
);
INSERT INTO point_settings DEFAULT VALUES;

-- A dealer's ledger: earned (+, with its expiry and what of it is not yet spent), redeemed
-- (-, with the coupon made), expired (-, what an earning left unspent at its expiry),
-- adjusted (by an admin). The balance is the sum of points.
CREATE TABLE point_ledger (
    id         bigserial PRIMARY KEY,
    dealer_id  bigint NOT NULL REFERENCES dealers,
    kind       text NOT NULL CHECK (kind IN ('earned', 'redeemed', 'expired', 'adjusted')),
    points     integer NOT NULL CHECK (points <> 0),
    remaining  integer CHECK (remaining >= 0),        -- earned and adjusted (+): not yet spent
    expires_at timestamptz,                            -- earned: when what remains expires
    order_id   bigint REFERENCES orders,               -- earned: the delivered order
    coupon_id  bigint REFERENCES coupons,              -- redeemed: the coupon made
    note       text NOT NULL DEFAULT '' CHECK (length(note) <= 200),
    at         timestamptz NOT NULL DEFAULT now(),
    CHECK ((kind = 'earned') = (order_id IS NOT NULL)),
    CHECK (remaining IS NULL OR points > 0)
);
CREATE INDEX point_ledger_dealer ON point_ledger (dealer_id, at);
CREATE UNIQUE INDEX point_ledger_earned_once ON point_ledger (order_id) WHERE kind = 'earned';
CREATE INDEX point_ledger_lots ON point_ledger (dealer_id, expires_at) WHERE remaining > 0;
CREATE INDEX point_ledger_expiring ON point_ledger (expires_at) WHERE remaining > 0;
