-- 002: dealers, users, sessions, login throttling, the server's secrets.
--
-- (Its functions, views and triggers are now defined once each in sql/functions/: see
-- README.md there.)

-- Keys the server processes share (the session cookie MAC key); made on first start.
CREATE TABLE server_secrets (
    name       text PRIMARY KEY,
    secret     bytea NOT NULL CHECK (length(secret) >= 32),
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE dealers (
    id           bigserial PRIMARY KEY,
    code         text NOT NULL UNIQUE CHECK (code ~ '^[A-Za-z0-9_-]{1,32}$'),
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    region       text NOT NULL CHECK (length(region) BETWEEN 1 AND 64),
    tier         text NOT NULL CHECK (tier ~ '^[A-Z]$'),
    credit_limit bigint NOT NULL DEFAULT 0 CHECK (credit_limit >= 0), -- minor units
    key_dealer   boolean NOT NULL DEFAULT false,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX dealers_region ON dealers (region);

CREATE TABLE dealer_addresses (
    id         bigserial PRIMARY KEY,
    dealer_id  bigint NOT NULL REFERENCES dealers ON DELETE CASCADE,
    label      text NOT NULL DEFAULT '' CHECK (length(label) <= 100),
    recipient  text NOT NULL CHECK (length(recipient) BETWEEN 1 AND 100),
    phone      text NOT NULL DEFAULT '' CHECK (length(phone) <= 40),
    address    text NOT NULL CHECK (length(address) BETWEEN 1 AND 500),
    is_default boolean NOT NULL DEFAULT false
);
CREATE INDEX dealer_addresses_dealer ON dealer_addresses (dealer_id);
CREATE UNIQUE INDEX dealer_addresses_one_default ON dealer_addresses (dealer_id) WHERE is_default;

CREATE TABLE users (
    id                   bigserial PRIMARY KEY,
    login                text NOT NULL UNIQUE CHECK (login ~ '^[a-z0-9][a-z0-9_.@-]{0,63}$'),
    name                 text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    role                 text NOT NULL CHECK (role IN ('dealer', 'rep', 'manager', 'admin')),
    dealer_id            bigint REFERENCES dealers,
    regions              text[] NOT NULL DEFAULT '{}', -- reps: the regions served; empty = all
    -- "pbkdf2-sha256$<iterations>$<salt base64>$<hash base64>": parameters kept with the hash
    password_hash        text NOT NULL CHECK (password_hash LIKE 'pbkdf2-sha256$%'),
    must_change_password boolean NOT NULL DEFAULT false,
    disabled             boolean NOT NULL DEFAULT false,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    CHECK ((role = 'dealer') = (dealer_id IS NOT NULL))
);
CREATE INDEX users_dealer ON users (dealer_id) WHERE dealer_id IS NOT NULL;

-- Only a hash of the random session id is stored: a leaked table opens no session.
CREATE TABLE sessions (
    id_hash      bytea PRIMARY KEY CHECK (length(id_hash) = 32),
    user_id      bigint NOT NULL REFERENCES users ON DELETE CASCADE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    revoked_at   timestamptz,
    address      text NOT NULL DEFAULT '',
    user_agent   text NOT NULL DEFAULT '' CHECK (length(user_agent) <= 300),
    CHECK (expires_at > created_at)
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Failed logins, counted here so every server process shares the count.
CREATE TABLE login_failures (
    kind         text NOT NULL CHECK (kind IN ('login', 'address')),
    key          text NOT NULL,
    window_start timestamptz NOT NULL DEFAULT now(),
    failures     integer NOT NULL DEFAULT 0 CHECK (failures >= 0),
    PRIMARY KEY (kind, key)
);
