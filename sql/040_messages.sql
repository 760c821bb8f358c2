-- 040: messages (issue 25): an inbox per user (站內信), a durable outbox for email and
-- webhooks, the brand's webhook subscriptions, and what the scheduler has done.
--
-- The inbox is the truth a user reads (`inbox.*` ops, the `inbox` push); email and webhooks
-- are copies queued in the outbox in the same transaction as the change that caused them,
-- so a change that commits always has its mail and calls queued, and a rolled back one none.
-- Each server process runs one sender thread (server/features/outbox.c) that claims due rows
-- with FOR UPDATE SKIP LOCKED, records the attempt (state `sending`, attempts + 1) and
-- commits before it sends, then records the outcome. A process that dies between the relay's
-- or receiver's acceptance and that record leaves the row `sending`; after `outbox_lease_s`
-- any process claims it again and sends it once more (at least once: PROTOCOL.md, "Messages").

-- Where a user's mail goes and in which language; the token of its unsubscribe links.
ALTER TABLE users
    ADD COLUMN email text CHECK (email IS NULL OR (length(email) <= 254
                                 AND email ~ '^[^@[:space:][:cntrl:]<>,;"()]+@[^@[:space:][:cntrl:]<>,;"()]+$')),
    ADD COLUMN lang text NOT NULL DEFAULT 'zh-Hans' CHECK (lang IN ('zh-Hans', 'zh-Hant', 'en')),
    ADD COLUMN mail_token uuid NOT NULL DEFAULT gen_random_uuid();

-- One user's messages. `kind` decides the words (the pages' and the mail templates'), `params`
-- fills them in; nothing here is markup. `dedup`: one message per user and key (a fair's
-- reminder is sent once even when two processes' schedulers run together).
CREATE TABLE inbox_messages (
    id         bigserial PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users ON DELETE CASCADE,
    kind       text NOT NULL CHECK (kind IN ('product.launched', 'promotion', 'coupon',
                                             'fair.reminder', 'order.status', 'chat.answer')),
    fair_id    bigint REFERENCES fairs ON DELETE CASCADE,
    params     jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(params) = 'object'),
    dedup      text CHECK (length(dedup) <= 200),
    created_at timestamptz NOT NULL DEFAULT now(),
    read_at    timestamptz,
    UNIQUE (user_id, dedup)
);
CREATE INDEX inbox_messages_user ON inbox_messages (user_id, id DESC);
CREATE INDEX inbox_messages_unread ON inbox_messages (user_id) WHERE read_at IS NULL;

-- A user's choice per kind: no row, or email = true, sends the mail.
CREATE TABLE message_prefs (
    user_id bigint NOT NULL REFERENCES users ON DELETE CASCADE,
    kind    text NOT NULL CHECK (kind IN ('product.launched', 'promotion', 'coupon',
                                          'fair.reminder', 'order.status', 'chat.answer')),
    email   boolean NOT NULL,
    PRIMARY KEY (user_id, kind)
);

-- The brand's systems, called on the events they subscribed to (all fairs, or one).
CREATE TABLE webhook_subscriptions (
    id         bigserial PRIMARY KEY,
    url        text NOT NULL CHECK (url ~ '^https?://[^[:space:][:cntrl:]]+$' AND length(url) <= 2000),
    events     text[] NOT NULL CHECK (cardinality(events) > 0 AND events <@ ARRAY['order.accepted',
                   'order.amended', 'order.cancelled', 'order.shipped', 'fair.closed']),
    secret     text NOT NULL CHECK (length(secret) BETWEEN 16 AND 200),
    fair_id    bigint REFERENCES fairs ON DELETE CASCADE,
    active     boolean NOT NULL DEFAULT true,
    created_by bigint REFERENCES users,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- What is to be sent: one row per recipient (a mail) or per subscription and event (a call).
CREATE TABLE outbox (
    id              bigserial PRIMARY KEY,
    channel         text NOT NULL CHECK (channel IN ('email', 'webhook')),
    user_id         bigint REFERENCES users ON DELETE CASCADE,
    subscription_id bigint REFERENCES webhook_subscriptions ON DELETE CASCADE,
    recipient       text NOT NULL,            -- the address or URL when it was queued
    kind            text NOT NULL,            -- the message's kind, or the webhook's event
    lang            text NOT NULL DEFAULT 'zh-Hans',
    payload         jsonb NOT NULL,           -- the params, or the webhook's body
    state           text NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'sending', 'sent', 'dead')),
    attempts        integer NOT NULL DEFAULT 0,
    next_at         timestamptz NOT NULL DEFAULT now(),
    claimed_at      timestamptz,
    claimed_by      text,
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz,
    CHECK ((channel = 'email') = (user_id IS NOT NULL)),
    CHECK ((channel = 'webhook') = (subscription_id IS NOT NULL))
);
CREATE INDEX outbox_due ON outbox (next_at) WHERE state = 'pending';
CREATE INDEX outbox_sending ON outbox (claimed_at) WHERE state = 'sending';

-- The durable scheduler's record: what was done for a fair (reminders a day and an hour
-- before it opens, the totals at its close), once across every process and restart.
CREATE TABLE message_schedule (
    fair_id bigint NOT NULL REFERENCES fairs ON DELETE CASCADE,
    what    text NOT NULL CHECK (what IN ('remind.day', 'remind.hour', 'closed')),
    done_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (fair_id, what)
);

-- Fairs that were already open or closed when this version came: nothing is owed to them.
INSERT INTO message_schedule (fair_id, what)
SELECT f.id, w.what FROM fairs f,
       (VALUES ('remind.day'), ('remind.hour')) w(what)
WHERE f.starts_at <= now() + interval '1 hour'
UNION ALL
SELECT f.id, 'closed' FROM fairs f
WHERE f.status_override = 'closed' OR f.ends_at <= now();
