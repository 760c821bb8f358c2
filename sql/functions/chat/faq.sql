-- The FAQ: public answers stay as each product's FAQ after the fair (007), and the reps
-- mark which answered questions are the fair's FAQ (常見問題, 034). A mark is on the
-- question (`chat_messages.faq`); only a question answered in public may carry it, so
-- marking never shows a dealer anything it could not already read.

-- faq {fair, product?} -> {items: [{id, product, question, answer, at, faq}]}: with a
-- product, its public answers (neither side hidden, never private), oldest first, at most
-- 500, each saying whether its question is marked; without, the fair's marked questions,
-- general ones included. Kept after the fair.
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

-- chat.faq {fair, id, faq} -> {message}: marks (or unmarks) a question answered in public
-- as FAQ; the question goes as `chat` to everyone (it is public). Audited. Marking it as it
-- already is answers the message and changes nothing.
CREATE OR REPLACE FUNCTION chat_faq_mark(p_actor bigint, p_fair bigint, p_id bigint, p_faq boolean)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v_m chat_messages;
BEGIN
    PERFORM showcase_fair(p_fair);
    v_m := chat_question_lock(p_fair, p_id, 'mark its question');
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
