-- Webhooks for the brand's systems: the subscriptions (admin ops, fairctl), the calls
-- queued in the outbox in the transaction of the event, and the order as a call carries it.
-- The sender signs each call (X-Fair-Signature, PROTOCOL.md "Webhooks").

-- Orders as webhooks carry them (`data` of the order events, PROTOCOL.md "Webhooks"), in one
-- statement for many: the trigger below makes the calls of a whole batch at once. Nested
-- loops only: guessing 60 lines an order, the planner hashed all 1,000 variants of the
-- bench's fair once per order (0.47 ms an order) where an index lookup per line does.
CREATE OR REPLACE FUNCTION webhook_orders_json(p_ids bigint[])
RETURNS TABLE (order_id bigint, fair_id bigint, data jsonb) LANGUAGE sql STABLE
SET enable_hashjoin = off SET enable_mergejoin = off AS $$
    SELECT o.id, o.fair_id, jsonb_build_object(
        'id', o.id, 'fair', o.fair_id, 'dealer', o.dealer_id, 'dealer_code', d.code,
        'dealer_name', d.name, 'key', o.key, 'status', o.status, 'total', o.total,
        'discount', order_discount(o), 'payable', o.total - order_discount(o),
        'coupon', o.coupon_code, 'note', o.note, 'ship_to', o.ship_to, 'carrier', o.carrier,
        'tracking', o.tracking, 'created_at', rfc3339(o.created_at),
        'updated_at', rfc3339(o.updated_at), 'lines', coalesce(l.lines, '[]'))
    FROM orders o
    JOIN dealers d ON d.id = o.dealer_id
    LEFT JOIN LATERAL (
        SELECT jsonb_agg(jsonb_build_object('variant', ol.variant_id, 'product', v.product_id,
                   'style', p.style, 'name', p.name, 'size', v.size, 'color', v.color,
                   'qty', ol.qty, 'price', ol.price) ORDER BY v.product_id, v.sort, v.id) AS lines
        FROM order_lines ol JOIN variants v ON v.id = ol.variant_id
        JOIN products p ON p.id = v.product_id
        WHERE ol.order_id = o.id) l ON true
    WHERE o.id = ANY (p_ids)
$$;

-- One order as a webhook carries it.
CREATE OR REPLACE FUNCTION webhook_order_json(o orders) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT w.data FROM webhook_orders_json(ARRAY[o.id]) w
$$;

-- An order as `order.repriced` carries it: as the other order events, with its discounts
-- (`discounts`: early, tier, coupon) and each line's share of `discount` (`lines[].discount`,
-- shared by amount as the order's lines show it, order_lines_discounted).
CREATE OR REPLACE FUNCTION webhook_order_repriced_json(p_order bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT w.data || jsonb_build_object(
        'discounts', jsonb_build_object('early', o.early_discount, 'tier', o.tier_discount,
                                        'coupon', o.coupon_discount),
        'lines', CASE WHEN o.total > 0 THEN order_lines_discounted((w.data->'lines')::json,
                          order_discount(o), o.total)::jsonb
                      ELSE w.data->'lines' END)
    FROM webhook_orders_json(ARRAY[p_order]) w JOIN orders o ON o.id = w.order_id
$$;

-- Queues p_event for every active subscription to it (for every fair, or p_fair's), one
-- outbox row each. Its body: {"id", "event", "fair", "at", "data"}; `id` is the delivery's,
-- the same on every retry. Returns how many calls were queued.
CREATE OR REPLACE FUNCTION webhook_queue(p_event text, p_fair bigint, p_data jsonb)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    v_n integer;
BEGIN
    INSERT INTO outbox (id, channel, subscription_id, recipient, kind, payload)
    SELECT n.id, 'webhook', n.sid, n.url, p_event,
           jsonb_build_object('id', n.id, 'event', p_event, 'fair', p_fair, 'at', rfc3339(now()),
                              'data', p_data)
    FROM (SELECT nextval('outbox_id_seq') AS id, s.id AS sid, s.url
          FROM webhook_subscriptions s
          WHERE s.active AND p_event = ANY (s.events)
            AND (s.fair_id IS NULL OR s.fair_id = p_fair)) n;
    GET DIAGNOSTICS v_n = ROW_COUNT;
    IF v_n > 0 THEN
        PERFORM pg_notify('outbox', '');
    END IF;
    RETURN v_n;
END
$$;

-- Trigger (order_history, after insert, per statement): `order.accepted` for each new
-- order's first history entry, once its lines are written (the batch, a single order and
-- the waitlist write the history last). One query per statement when nobody subscribed;
-- otherwise one insert for the whole statement's orders (a batch of 500 orders: measured in
-- the messages' commit, hot-500 0.139 -> 0.67 ms per order when made order by order).
CREATE OR REPLACE FUNCTION webhook_orders_accepted() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    v_n integer;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM webhook_subscriptions s
                   WHERE s.active AND 'order.accepted' = ANY (s.events)) THEN
        RETURN NULL;
    END IF;
    INSERT INTO outbox (id, channel, subscription_id, recipient, kind, payload)
    SELECT x.id, 'webhook', x.sid, x.url, 'order.accepted',
           jsonb_build_object('id', x.id, 'event', 'order.accepted', 'fair', x.fair_id,
                              'at', rfc3339(now()), 'data', x.data)
    FROM (SELECT nextval('outbox_id_seq') AS id, s.id AS sid, s.url, w.fair_id, w.data
          FROM webhook_orders_json(ARRAY(
                   SELECT n.order_id FROM new_history n
                   WHERE n.status = 'accepted'
                     AND NOT EXISTS (SELECT 1 FROM order_history h
                                     WHERE h.order_id = n.order_id AND h.id < n.id))) w
          JOIN webhook_subscriptions s
            ON s.active AND 'order.accepted' = ANY (s.events)
           AND (s.fair_id IS NULL OR s.fair_id = w.fair_id)
          ORDER BY w.order_id, s.id) x;
    GET DIAGNOSTICS v_n = ROW_COUNT;
    IF v_n > 0 THEN
        PERFORM pg_notify('outbox', '');
    END IF;
    RETURN NULL;
END
$$;

-- A fair's totals at its close (the `fair.closed` event, messages_tick): standing orders
-- (neither cancelled nor rejected), their units and amount, the dealers who ordered.
CREATE OR REPLACE FUNCTION webhook_fair_totals(p_fair bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object('fair', f.id, 'name', f.name, 'name_en', f.name_en, 'season', f.season,
        'currency', f.currency, 'starts_at', rfc3339(f.starts_at), 'ends_at', rfc3339(f.ends_at),
        'orders', (SELECT count(*) FROM orders o WHERE o.fair_id = f.id
                   AND o.status NOT IN ('cancelled', 'rejected')),
        'dealers', (SELECT count(DISTINCT o.dealer_id) FROM orders o WHERE o.fair_id = f.id
                    AND o.status NOT IN ('cancelled', 'rejected')),
        'units', (SELECT coalesce(sum(l.qty), 0) FROM orders o JOIN order_lines l ON l.order_id = o.id
                  WHERE o.fair_id = f.id AND o.status NOT IN ('cancelled', 'rejected')),
        'amount', (SELECT coalesce(sum(o.total), 0) FROM orders o WHERE o.fair_id = f.id
                   AND o.status NOT IN ('cancelled', 'rejected')))
    FROM fairs f WHERE f.id = p_fair
$$;

CREATE OR REPLACE FUNCTION webhook_json(s webhook_subscriptions) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object('id', s.id, 'url', s.url, 'events', to_jsonb(s.events),
        'fair', s.fair_id, 'active', s.active, 'created_at', rfc3339(s.created_at),
        'pending', (SELECT count(*) FROM outbox o WHERE o.subscription_id = s.id
                    AND o.state IN ('pending', 'sending')),
        'sent', (SELECT count(*) FROM outbox o WHERE o.subscription_id = s.id AND o.state = 'sent'),
        'failed', (SELECT count(*) FROM outbox o WHERE o.subscription_id = s.id AND o.state = 'dead'),
        'last_error', (SELECT o.last_error FROM outbox o WHERE o.subscription_id = s.id
                       AND o.last_error IS NOT NULL ORDER BY o.id DESC LIMIT 1))
$$;

-- webhook.subscribe {url, events, secret?, fair?} -> {webhook, secret}: the secret is shown
-- here only (a random one unless given).
CREATE OR REPLACE FUNCTION webhook_subscribe(p_actor bigint, p_url text, p_events jsonb,
                                             p_secret text, p_fair bigint)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v_s webhook_subscriptions;
    v_events text[];
BEGIN
    SELECT array_agg(DISTINCT e) INTO v_events FROM jsonb_array_elements_text(p_events) e;
    IF p_fair IS NOT NULL THEN
        PERFORM fair_must_exist(p_fair);
    END IF;
    INSERT INTO webhook_subscriptions (url, events, secret, fair_id, created_by)
    VALUES (p_url, v_events,
            coalesce(p_secret, replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '')),
            p_fair, p_actor)
    RETURNING * INTO v_s;
    PERFORM audit_write(p_actor, 'webhook.subscribe', p_fair, 'webhook:' || v_s.id, NULL,
                        jsonb_build_object('url', v_s.url, 'events', to_jsonb(v_s.events)));
    RETURN jsonb_build_object('webhook', webhook_json(v_s), 'secret', v_s.secret);
END
$$;

-- webhook.unsubscribe {id} -> {webhook}: no new calls; calls still queued are dropped
-- (state dead, "unsubscribed").
CREATE OR REPLACE FUNCTION webhook_unsubscribe(p_actor bigint, p_id bigint)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v_s webhook_subscriptions;
BEGIN
    UPDATE webhook_subscriptions SET active = false WHERE id = p_id RETURNING * INTO v_s;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'webhook % not found', p_id USING ERRCODE = 'P0002';
    END IF;
    UPDATE outbox SET state = 'dead', last_error = 'unsubscribed'
    WHERE subscription_id = p_id AND state = 'pending';
    PERFORM audit_write(p_actor, 'webhook.unsubscribe', v_s.fair_id, 'webhook:' || p_id,
                        jsonb_build_object('active', true), jsonb_build_object('active', false));
    RETURN jsonb_build_object('webhook', webhook_json(v_s));
END
$$;

-- webhook.list {} -> {webhooks}: every subscription, newest first, with its calls' counts.
CREATE OR REPLACE FUNCTION webhook_list() RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object('webhooks',
        coalesce(jsonb_agg(webhook_json(s) ORDER BY s.id DESC), '[]'))
    FROM webhook_subscriptions s
$$;
