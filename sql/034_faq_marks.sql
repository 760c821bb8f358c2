-- 034: the reps choose which answered questions are the fair's FAQ (常見問題), and an order
-- placed on a dealer's behalf says so to the dealer.
--
-- A mark is on the question (`chat_messages.faq`); only a question answered in public may
-- carry it, so marking never shows a dealer anything it could not already read. `faq` keeps
-- listing every public answer about a product (PROTOCOL.md) and now says which are marked;
-- without a product it lists the fair's marked questions, general ones included.

ALTER TABLE chat_messages ADD COLUMN faq boolean NOT NULL DEFAULT false;

CREATE OR REPLACE FUNCTION chat_json(m chat_messages) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object('id', m.id, 'product', m.product_id,
        'author', jsonb_build_object('id', u.id, 'name', u.name, 'role', u.role,
                                     'dealer', u.dealer_id),
        'text', m.text, 'reply_to', m.reply_to, 'status', m.status,
        'claimed_by', m.claimed_by, 'private', m.private, 'at', rfc3339(m.created_at),
        'faq', m.faq)
    FROM users u WHERE u.id = m.author_id
$$;

-- chat.faq {fair, id, faq} -> {message}: marks (or unmarks) a question answered in public
-- as FAQ; the question goes as `chat` to everyone (it is public). Audited. Marking it as it
-- already is answers the message and changes nothing.
CREATE FUNCTION chat_faq_mark(p_actor bigint, p_fair bigint, p_id bigint, p_faq boolean)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v_m chat_messages;
BEGIN
    PERFORM showcase_fair(p_fair);
    v_m := chat_message_lock(p_fair, p_id);
    IF v_m.reply_to IS NOT NULL THEN
        RAISE EXCEPTION 'message % is an answer: mark its question', p_id
            USING ERRCODE = '22023';
    END IF;
    IF v_m.faq = p_faq THEN
        RETURN jsonb_build_object('message', chat_json(v_m));
    END IF;
    IF p_faq AND (v_m.hidden OR v_m.private OR NOT EXISTS (
            SELECT 1 FROM chat_messages a
            WHERE a.reply_to = v_m.id AND NOT a.hidden AND NOT a.private)) THEN
        RAISE EXCEPTION 'question % has no public answer to show as FAQ', p_id
            USING ERRCODE = '23505';
    END IF;
    UPDATE chat_messages SET faq = p_faq WHERE id = p_id RETURNING * INTO v_m;
    PERFORM audit_write(p_actor, 'chat.faq', p_fair, 'chat:' || p_id,
                        jsonb_build_object('faq', NOT p_faq), jsonb_build_object('faq', p_faq));
    PERFORM chat_emit(v_m);
    RETURN jsonb_build_object('message', chat_json(v_m));
END
$$;

-- faq {fair, product?} -> {items: [{id, product, question, answer, at, faq}]}: with a
-- product, its public answers as before (oldest first, at most 500), each saying whether
-- its question is marked; without, the fair's marked questions, general ones included.
CREATE OR REPLACE FUNCTION chat_faq(p_fair bigint, p_product bigint) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM fairs WHERE id = p_fair) THEN
        RAISE EXCEPTION 'fair % not found', p_fair USING ERRCODE = 'P0002';
    END IF;
    IF p_product IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM fair_items WHERE fair_id = p_fair AND product_id = p_product) THEN
        RAISE EXCEPTION 'product % is not an item of fair %', p_product, p_fair
            USING ERRCODE = 'P0002';
    END IF;
    RETURN jsonb_build_object('items',
        (SELECT coalesce(jsonb_agg(jsonb_build_object(
                    'id', f.q_id, 'product', f.product_id, 'question', f.q_text,
                    'answer', f.a_text, 'at', rfc3339(f.at), 'faq', f.faq)
                ORDER BY f.at, f.id), '[]')
         FROM (SELECT a.id, q.id AS q_id, q.product_id, q.text AS q_text, a.text AS a_text,
                      a.created_at AS at, q.faq
               FROM chat_messages a JOIN chat_messages q ON q.id = a.reply_to
               WHERE a.fair_id = p_fair
                 AND (q.product_id = p_product OR (p_product IS NULL AND q.faq))
                 AND NOT a.private AND NOT q.private AND NOT a.hidden AND NOT q.hidden
               ORDER BY a.created_at, a.id LIMIT 500) f));
END
$$;

CREATE INDEX chat_messages_faq ON chat_messages (fair_id) WHERE faq;

-- An order with its history, as before, and who placed it: `placed_by_name`, and
-- `on_behalf` when a rep or an admin placed it for the dealer.
CREATE OR REPLACE FUNCTION order_full_json(o orders) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN order_json(o) || jsonb_build_object(
        'priority', o.priority, 'warehouse', o.warehouse, 'hold_reason', o.hold_reason,
        'carrier', o.carrier, 'tracking', o.tracking, 'updated_at', rfc3339(o.updated_at),
        'placed_by_name', (SELECT u.name FROM users u WHERE u.id = o.placed_by),
        'on_behalf', coalesce((SELECT u.role <> 'dealer' FROM users u WHERE u.id = o.placed_by),
                              false),
        'history', (SELECT coalesce(jsonb_agg(jsonb_build_object(
                'status', h.status, 'at', rfc3339(h.at), 'by', u.name, 'note', h.note,
                'carrier', h.carrier, 'tracking', h.tracking) ORDER BY h.id), '[]')
            FROM order_history h LEFT JOIN users u ON u.id = h.actor
            WHERE h.order_id = o.id));
END
$$;
