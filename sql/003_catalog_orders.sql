-- 003: the domain: products and variants, fair items and allocations, orders and their
-- history, drafts, waitlists, Q&A, events with per-fair seq counters, targets, routing,
-- audit. Constraints make bad states impossible; the code relies on them.
--
-- (Its functions, views and triggers are now defined once each in sql/functions/: see
-- README.md there.)

CREATE TABLE products (
    id             bigserial PRIMARY KEY,
    style          text NOT NULL UNIQUE CHECK (style ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$'),
    name           text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    name_en        text NOT NULL DEFAULT '' CHECK (length(name_en) <= 200),
    category       text NOT NULL CHECK (length(category) BETWEEN 1 AND 64),
    description    text NOT NULL DEFAULT '' CHECK (length(description) <= 4000),
    description_en text NOT NULL DEFAULT '' CHECK (length(description_en) <= 4000),
    base_price     bigint NOT NULL CHECK (base_price >= 0),       -- minor units
    image          text CHECK (image ~ '^[a-z0-9/_-]{1,120}$'),   -- media key; NULL: none yet
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX products_category ON products (category);

CREATE TABLE variants (
    id         bigserial PRIMARY KEY,
    product_id bigint NOT NULL REFERENCES products ON DELETE CASCADE,
    size       text NOT NULL CHECK (length(size) BETWEEN 1 AND 16),
    color      text NOT NULL CHECK (length(color) BETWEEN 1 AND 32),
    sort       integer NOT NULL DEFAULT 0,
    image      text CHECK (image ~ '^[a-z0-9/_-]{1,120}$'),       -- this colour's picture
    UNIQUE (product_id, size, color),
    UNIQUE (id, product_id)   -- lets stock rows prove their variant is the item's
);

-- A product offered at a fair.
CREATE TABLE fair_items (
    fair_id          bigint NOT NULL REFERENCES fairs ON DELETE CASCADE,
    product_id       bigint NOT NULL REFERENCES products,
    price            bigint NOT NULL CHECK (price >= 0),   -- for tiers without their own
    moq              integer NOT NULL DEFAULT 1 CHECK (moq >= 1),
    dealer_limit     integer CHECK (dealer_limit >= 1),    -- units per dealer; NULL: none
    pack             jsonb CHECK (pack IS NULL OR jsonb_typeof(pack) = 'object'),
    must_order       boolean NOT NULL DEFAULT false,
    flash_price      bigint CHECK (flash_price >= 0),
    flash_starts_at  timestamptz,
    flash_ends_at    timestamptz,
    withdrawn        boolean NOT NULL DEFAULT false,
    launched_at      timestamptz NOT NULL DEFAULT now(),
    sort             integer NOT NULL DEFAULT 0,
    PRIMARY KEY (fair_id, product_id),
    CHECK ((flash_price IS NULL) = (flash_starts_at IS NULL)
           AND (flash_price IS NULL) = (flash_ends_at IS NULL)),
    CHECK (flash_ends_at > flash_starts_at)
);
CREATE INDEX fair_items_product ON fair_items (product_id);

-- The price of one dealer tier where it differs from the item's price.
CREATE TABLE fair_item_prices (
    fair_id    bigint NOT NULL,
    product_id bigint NOT NULL,
    tier       text NOT NULL CHECK (tier ~ '^[A-Z]$'),
    price      bigint NOT NULL CHECK (price >= 0),
    PRIMARY KEY (fair_id, product_id, tier),
    FOREIGN KEY (fair_id, product_id) REFERENCES fair_items ON DELETE CASCADE
);

-- The fair allocation of one variant. Rows are locked by id, in id order, by every writer.
CREATE TABLE stock (
    id         bigserial PRIMARY KEY,
    fair_id    bigint NOT NULL,
    product_id bigint NOT NULL,
    variant_id bigint NOT NULL,
    allocation integer NOT NULL CHECK (allocation >= 0),
    sold       integer NOT NULL DEFAULT 0 CHECK (sold >= 0),
    UNIQUE (fair_id, variant_id),
    FOREIGN KEY (fair_id, product_id) REFERENCES fair_items ON DELETE CASCADE,
    FOREIGN KEY (variant_id, product_id) REFERENCES variants (id, product_id),
    CHECK (sold <= allocation)   -- no oversell, whatever the code does
);

-- Which warehouse ships to which region (order routing).
CREATE TABLE region_warehouses (
    region    text PRIMARY KEY CHECK (length(region) BETWEEN 1 AND 64),
    warehouse text NOT NULL CHECK (length(warehouse) BETWEEN 1 AND 64)
);

CREATE TABLE orders (
    id           bigserial PRIMARY KEY,
    fair_id      bigint NOT NULL REFERENCES fairs,
    dealer_id    bigint NOT NULL REFERENCES dealers,
    key          text NOT NULL CHECK (length(key) BETWEEN 1 AND 64),
    status       text NOT NULL DEFAULT 'accepted' CHECK (status IN
                 ('accepted', 'reviewed', 'shipped', 'in_transit', 'delivered', 'rejected', 'cancelled')),
    priority     text NOT NULL DEFAULT 'normal' CHECK (priority IN ('normal', 'high', 'urgent')),
    ship_to      jsonb,                       -- a copy of the address at the time of ordering
    note         text NOT NULL DEFAULT '' CHECK (length(note) <= 1000),
    total        bigint NOT NULL CHECK (total >= 0),
    placed_by    bigint REFERENCES users,     -- the dealer's user, or a rep on its behalf
    warehouse    text,
    hold_reason  text,                        -- why the automatic review held it back
    carrier      text,
    tracking     text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (dealer_id, key)                   -- the idempotency key
);
CREATE INDEX orders_fair ON orders (fair_id, created_at);
CREATE INDEX orders_dealer ON orders (dealer_id, fair_id);
CREATE INDEX orders_queue ON orders (status, priority, created_at);

CREATE TABLE order_lines (
    order_id   bigint NOT NULL REFERENCES orders ON DELETE CASCADE,
    variant_id bigint NOT NULL REFERENCES variants,
    qty        integer NOT NULL CHECK (qty > 0),
    price      bigint NOT NULL CHECK (price >= 0),   -- unit price at commit
    PRIMARY KEY (order_id, variant_id)
);
CREATE INDEX order_lines_variant ON order_lines (variant_id);

CREATE TABLE order_history (
    id       bigserial PRIMARY KEY,
    order_id bigint NOT NULL REFERENCES orders ON DELETE CASCADE,
    status   text NOT NULL,
    at       timestamptz NOT NULL DEFAULT now(),
    actor    bigint REFERENCES users,
    note     text,
    carrier  text,
    tracking text
);
CREATE INDEX order_history_order ON order_history (order_id, id);

CREATE TABLE drafts (
    dealer_id  bigint NOT NULL REFERENCES dealers,
    fair_id    bigint NOT NULL REFERENCES fairs ON DELETE CASCADE,
    lines      jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(lines) = 'array'),
    note       text NOT NULL DEFAULT '' CHECK (length(note) <= 1000),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (dealer_id, fair_id)
);

CREATE TABLE waitlist (
    id         bigserial PRIMARY KEY,               -- first come, first served
    fair_id    bigint NOT NULL REFERENCES fairs ON DELETE CASCADE,
    variant_id bigint NOT NULL REFERENCES variants,
    dealer_id  bigint NOT NULL REFERENCES dealers,
    qty        integer NOT NULL CHECK (qty > 0),
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (fair_id, variant_id, dealer_id)
);

-- Per-fair event counter: updated in the transaction that records an event, so seq order
-- is commit order across processes.
CREATE TABLE fair_seq (
    fair_id bigint PRIMARY KEY REFERENCES fairs ON DELETE CASCADE,
    seq     bigint NOT NULL DEFAULT 0 CHECK (seq >= 0)
);

-- History events (spotlight, price, item.new, ...), kept for resume. The audience columns
-- say who may see one: everyone, one tier, one dealer's sessions (with the staff), or staff.
CREATE TABLE events (
    fair_id    bigint NOT NULL REFERENCES fairs ON DELETE CASCADE,
    seq        bigint NOT NULL CHECK (seq > 0),
    kind       text NOT NULL,
    payload    jsonb NOT NULL,
    tier       text,
    dealer_id  bigint REFERENCES dealers,
    staff_only boolean NOT NULL DEFAULT false,
    at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (fair_id, seq)
);

CREATE TABLE fair_spotlight (
    fair_id    bigint PRIMARY KEY REFERENCES fairs ON DELETE CASCADE,
    product_id bigint NOT NULL REFERENCES products,
    note       text NOT NULL DEFAULT '' CHECK (length(note) <= 500),
    by_user    bigint REFERENCES users,
    at         timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE chat_messages (
    id         bigserial PRIMARY KEY,
    fair_id    bigint NOT NULL REFERENCES fairs ON DELETE CASCADE,
    product_id bigint REFERENCES products,
    author_id  bigint NOT NULL REFERENCES users,
    dealer_id  bigint REFERENCES dealers,        -- the asking dealer (questions and answers)
    text       text NOT NULL CHECK (length(text) BETWEEN 1 AND 2000),
    reply_to   bigint REFERENCES chat_messages,
    status     text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'claimed', 'answered')),
    claimed_by bigint REFERENCES users,
    private    boolean NOT NULL DEFAULT false,
    hidden     boolean NOT NULL DEFAULT false,
    hidden_by  bigint REFERENCES users,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX chat_messages_fair ON chat_messages (fair_id, id);
CREATE INDEX chat_messages_product ON chat_messages (product_id) WHERE product_id IS NOT NULL;

-- Order targets (訂貨指標), per dealer or per region.
CREATE TABLE targets (
    id        bigserial PRIMARY KEY,
    fair_id   bigint NOT NULL REFERENCES fairs ON DELETE CASCADE,
    dealer_id bigint REFERENCES dealers,
    region    text,
    amount    bigint NOT NULL CHECK (amount >= 0),
    units     integer CHECK (units >= 0),
    CHECK ((dealer_id IS NULL) <> (region IS NULL)),
    UNIQUE (fair_id, dealer_id),
    UNIQUE (fair_id, region)
);

CREATE TABLE audit_log (
    id      bigserial PRIMARY KEY,
    at      timestamptz NOT NULL DEFAULT now(),
    actor   bigint REFERENCES users,
    action  text NOT NULL,
    fair_id bigint REFERENCES fairs ON DELETE SET NULL,
    target  text NOT NULL DEFAULT '',
    old     jsonb,
    new     jsonb
);
CREATE INDEX audit_log_fair ON audit_log (fair_id, id);

INSERT INTO fair_seq (fair_id) SELECT id FROM fairs ON CONFLICT DO NOTHING;
