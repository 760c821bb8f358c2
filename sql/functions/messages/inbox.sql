-- The inbox (站內信): sending a message to users (with its mail queued in the outbox, in the
-- same transaction), the `inbox_changed` notification every process turns into an `inbox`
-- push to the user's sessions, and the inbox.* ops. Kinds and their params: PROTOCOL.md,
-- "Messages".

-- Tells every process whose users' unread counts changed: their ids, comma-separated, in
-- chunks well under NOTIFY's 8,000 bytes. Identical notifications in one transaction are
-- sent once.
CREATE OR REPLACE FUNCTION inbox_notify(p_users bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_chunk text;
BEGIN
    FOR v_chunk IN
        SELECT string_agg(u::text, ',')
        FROM (SELECT u, (row_number() OVER () - 1) / 500 AS n
              FROM (SELECT DISTINCT u FROM unnest(p_users) u WHERE u IS NOT NULL) d) c
        GROUP BY n
    LOOP
        PERFORM pg_notify('inbox_changed', v_chunk);
    END LOOP;
END
$$;

-- Sends one message of p_kind with p_params to each of p_users (disabled users too: they
-- read it if enabled again) and queues its mail for those who have an address and did not
-- unsubscribe from the kind. p_dedup: a key sent once per user (NULL: always sent). Returns
-- how many messages were made. The one entry point for every kind: message_send and
-- message_send_dealer call it.
CREATE OR REPLACE FUNCTION message_send_users(p_users bigint[], p_kind text, p_params jsonb,
                                              p_fair bigint DEFAULT NULL,
                                              p_dedup text DEFAULT NULL)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    v_made bigint[];
    v_mailed bigint;
BEGIN
    WITH made AS (
        INSERT INTO inbox_messages (user_id, kind, fair_id, params, dedup)
        SELECT DISTINCT u, p_kind, p_fair, coalesce(p_params, '{}'), p_dedup
        FROM unnest(p_users) u WHERE u IS NOT NULL
        ON CONFLICT (user_id, dedup) DO NOTHING
        RETURNING id, user_id
    ), mailed AS (
        INSERT INTO outbox (channel, user_id, recipient, kind, lang, payload)
        SELECT 'email', m.user_id, us.email, p_kind, us.lang,
               coalesce(p_params, '{}') || jsonb_build_object('message', m.id, 'user_name', us.name)
        FROM made m JOIN users us ON us.id = m.user_id
        WHERE us.email IS NOT NULL AND NOT us.disabled
          AND coalesce((SELECT mp.email FROM message_prefs mp
                        WHERE mp.user_id = m.user_id AND mp.kind = p_kind), true)
        RETURNING id
    )
    SELECT array_agg(user_id), (SELECT count(*) FROM mailed) INTO v_made, v_mailed FROM made;
    IF v_made IS NULL THEN
        RETURN 0;
    END IF;
    PERFORM inbox_notify(v_made);
    IF v_mailed > 0 THEN
        PERFORM pg_notify('outbox', '');  -- wakes the sender threads
    END IF;
    RETURN cardinality(v_made);
END
$$;

-- message_send(user, kind, params): one user's message (coupons issued, promotions, ...).
-- Returns 1, or 0 when p_dedup was already sent to that user.
CREATE OR REPLACE FUNCTION message_send(p_user bigint, p_kind text, p_params jsonb,
                                        p_fair bigint DEFAULT NULL, p_dedup text DEFAULT NULL)
RETURNS integer LANGUAGE sql AS $$
    SELECT message_send_users(ARRAY[p_user], p_kind, p_params, p_fair, p_dedup)
$$;

-- The same to every user of a dealer (a dealer may have several logins).
CREATE OR REPLACE FUNCTION message_send_dealer(p_dealer bigint, p_kind text, p_params jsonb,
                                               p_fair bigint DEFAULT NULL,
                                               p_dedup text DEFAULT NULL)
RETURNS integer LANGUAGE sql AS $$
    SELECT message_send_users(ARRAY(SELECT u.id FROM users u WHERE u.dealer_id = p_dealer),
                              p_kind, p_params, p_fair, p_dedup)
$$;

-- The dealers' users a fair is for: those of fair_dealers, or every dealer's when it lists
-- none (as live/ decides who may watch).
CREATE OR REPLACE FUNCTION message_fair_dealer_users(p_fair bigint) RETURNS bigint[]
LANGUAGE sql STABLE AS $$
    SELECT coalesce(array_agg(u.id ORDER BY u.id), '{}')
    FROM users u
    WHERE u.role = 'dealer'
      AND (NOT EXISTS (SELECT 1 FROM fair_dealers fd WHERE fd.fair_id = p_fair)
           OR u.dealer_id IN (SELECT fd.dealer_id FROM fair_dealers fd WHERE fd.fair_id = p_fair))
$$;

-- A message as inbox.list shows it.
CREATE OR REPLACE FUNCTION inbox_message_json(m inbox_messages) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object('id', m.id, 'kind', m.kind, 'fair', m.fair_id,
        'params', m.params, 'at', rfc3339(m.created_at), 'read', m.read_at IS NOT NULL)
$$;

CREATE OR REPLACE FUNCTION inbox_unread_count(p_user bigint) RETURNS integer
LANGUAGE sql STABLE AS $$
    SELECT count(*)::integer FROM inbox_messages WHERE user_id = p_user AND read_at IS NULL
$$;

-- The unread counts of some users (the push after inbox_changed), zero included.
CREATE OR REPLACE FUNCTION inbox_unread_counts(p_users bigint[])
RETURNS TABLE (user_id bigint, unread integer) LANGUAGE sql STABLE AS $$
    SELECT u, (SELECT count(*)::integer FROM inbox_messages m
               WHERE m.user_id = u AND m.read_at IS NULL)
    FROM unnest(p_users) u
$$;

-- inbox.list {before?, limit?, unread?} -> {messages, unread}: newest first.
CREATE OR REPLACE FUNCTION inbox_list(p_user bigint, p_before bigint, p_limit integer,
                                      p_unread boolean)
RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'messages', coalesce((SELECT jsonb_agg(inbox_message_json(m) ORDER BY m.id DESC)
            FROM (SELECT * FROM inbox_messages m
                  WHERE m.user_id = p_user AND (p_before IS NULL OR m.id < p_before)
                    AND (NOT coalesce(p_unread, false) OR m.read_at IS NULL)
                  ORDER BY m.id DESC LIMIT p_limit) m), '[]'),
        'unread', inbox_unread_count(p_user))
$$;

-- inbox.read {ids?, all?} -> {read, unread}: marks the user's messages read (others' ids are
-- ignored); the user's other sessions hear the new count.
CREATE OR REPLACE FUNCTION inbox_read(p_user bigint, p_ids jsonb, p_all boolean)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v_n integer;
BEGIN
    IF NOT coalesce(p_all, false) AND (p_ids IS NULL OR jsonb_array_length(p_ids) = 0) THEN
        RAISE EXCEPTION 'give ids or all' USING ERRCODE = '22023';
    END IF;
    UPDATE inbox_messages SET read_at = now()
    WHERE user_id = p_user AND read_at IS NULL
      AND (coalesce(p_all, false)
           OR id IN (SELECT (e #>> '{}')::bigint FROM jsonb_array_elements(p_ids) e
                     WHERE jsonb_typeof(e) = 'number'));
    GET DIAGNOSTICS v_n = ROW_COUNT;
    IF v_n > 0 THEN
        PERFORM inbox_notify(ARRAY[p_user]);
    END IF;
    RETURN jsonb_build_object('read', v_n, 'unread', inbox_unread_count(p_user));
END
$$;

-- inbox.prefs {} -> {email, lang, kinds: {kind: mailed?}}
CREATE OR REPLACE FUNCTION inbox_prefs(p_user bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object('email', u.email, 'lang', u.lang,
        'kinds', (SELECT jsonb_object_agg(k, coalesce(
                      (SELECT mp.email FROM message_prefs mp WHERE mp.user_id = u.id AND mp.kind = k),
                      true))
                  FROM unnest(ARRAY['product.launched', 'promotion', 'coupon', 'fair.reminder',
                                    'order.status', 'chat.answer']) k))
    FROM users u WHERE u.id = p_user
$$;

-- inbox.prefs.set {email?, lang?, kinds?} -> the prefs. An empty email string removes the
-- address; kinds maps a kind to whether it is mailed.
CREATE OR REPLACE FUNCTION inbox_prefs_set(p_user bigint, p_email text, p_lang text,
                                           p_kinds jsonb)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v_kind text;
    v_on jsonb;
BEGIN
    IF p_email IS NOT NULL THEN
        UPDATE users SET email = nullif(p_email, ''), updated_at = now() WHERE id = p_user;
    END IF;
    IF p_lang IS NOT NULL THEN
        UPDATE users SET lang = p_lang, updated_at = now() WHERE id = p_user;
    END IF;
    FOR v_kind, v_on IN SELECT * FROM jsonb_each(coalesce(p_kinds, '{}')) LOOP
        IF jsonb_typeof(v_on) <> 'boolean' THEN
            RAISE EXCEPTION 'kinds.%: true or false', v_kind USING ERRCODE = '22023';
        END IF;
        INSERT INTO message_prefs (user_id, kind, email) VALUES (p_user, v_kind, v_on::boolean)
        ON CONFLICT (user_id, kind) DO UPDATE SET email = EXCLUDED.email;
    END LOOP;
    RETURN inbox_prefs(p_user);
END
$$;

-- An unsubscribe link's request: the user's mail token must match. Returns whether it did.
CREATE OR REPLACE FUNCTION inbox_unsubscribe(p_user bigint, p_kind text, p_token uuid)
RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM users WHERE id = p_user AND mail_token = p_token) THEN
        RETURN false;
    END IF;
    INSERT INTO message_prefs (user_id, kind, email) VALUES (p_user, p_kind, false)
    ON CONFLICT (user_id, kind) DO UPDATE SET email = false;
    RETURN true;
END
$$;

-- Sources of messages, called by the functions that make the change.

-- An order's new status, to its dealer's users (order_status_notify, order_life/status.sql),
-- and its webhook event. A discount restamped by the fair's policies (note 'discount',
-- policies/policies.sql) is no status change: no message, but the webhook `order.repriced`
-- (048), so the brand's ERP has the new payable; its data read from the order as it is now
-- (o is the row as policy_restamp found it) and made only when someone subscribed to it.
CREATE OR REPLACE FUNCTION message_order_status(o orders, p_note text) RETURNS void
LANGUAGE sql AS $$
    SELECT webhook_queue('order.repriced', o.fair_id, webhook_order_repriced_json(o.id))
    WHERE p_note = 'discount'
      AND EXISTS (SELECT 1 FROM webhook_subscriptions s
                  WHERE s.active AND 'order.repriced' = ANY (s.events)
                    AND (s.fair_id IS NULL OR s.fair_id = o.fair_id));
    SELECT message_send_dealer(o.dealer_id, 'order.status', jsonb_build_object(
        'fair', o.fair_id, 'fair_name', (SELECT f.name FROM fairs f WHERE f.id = o.fair_id),
        'fair_name_en', (SELECT f.name_en FROM fairs f WHERE f.id = o.fair_id),
        'order', o.id, 'status', o.status, 'note', p_note, 'carrier', o.carrier,
        'tracking', o.tracking, 'total', o.total), o.fair_id)
    WHERE p_note IS DISTINCT FROM 'discount';
    SELECT webhook_queue(CASE WHEN p_note = 'amended' THEN 'order.amended'
                              WHEN o.status = 'cancelled' THEN 'order.cancelled'
                              WHEN o.status = 'shipped' THEN 'order.shipped' END,
                         o.fair_id, webhook_order_json(o))
    WHERE p_note = 'amended' OR o.status IN ('cancelled', 'shipped');
$$;

-- A product launched at a fair, to the users of the dealers the fair is for
-- (showcase_item_launch, showcase/showcase.sql).
CREATE OR REPLACE FUNCTION message_product_launched(p_fair bigint, p_product bigint)
RETURNS void LANGUAGE sql AS $$
    SELECT message_send_users(message_fair_dealer_users(p_fair), 'product.launched',
        jsonb_build_object('fair', p_fair, 'fair_name', f.name, 'fair_name_en', f.name_en, 'product', p.id,
                           'style', p.style, 'name', p.name, 'name_en', p.name_en,
                           'price', fi.price, 'currency', f.currency),
        p_fair)
    FROM fairs f, products p, fair_items fi
    WHERE f.id = p_fair AND p.id = p_product AND fi.fair_id = p_fair AND fi.product_id = p_product
$$;

-- An answer to a dealer's question, to the user who asked (chat_answer, chat/ops.sql).
CREATE OR REPLACE FUNCTION message_chat_answer(q chat_messages, p_answer text)
RETURNS void LANGUAGE sql AS $$
    SELECT message_send(q.author_id, 'chat.answer', jsonb_build_object(
        'fair', q.fair_id, 'fair_name', (SELECT f.name FROM fairs f WHERE f.id = q.fair_id),
        'fair_name_en', (SELECT f.name_en FROM fairs f WHERE f.id = q.fair_id),
        'question_id', q.id, 'question', q.text, 'answer', p_answer), q.fair_id,
        'answer:' || q.id)
    FROM users u WHERE u.id = q.author_id AND u.role = 'dealer'
$$;
