-- The Q&A ops: dealers ask, reps claim and answer publicly or privately, reps and admins
-- hide messages. One function per op, in the style of showcase/showcase.sql: it checks what
-- only the database can check, changes the rows, writes audit_log (hide) and emits its
-- `chat` / `chat.hidden` events in the caller's one transaction, and returns the members of
-- the ok reply. Refusals raise 23505 (conflict), P0002 (not_found) or 22023 (bad_request),
-- or are returned as op_refusal() (fair_not_live, rate_limited, forbidden) before anything
-- has changed.
--
-- Locks, in this order: the author's rate-limit lock (an advisory lock per user, taken
-- only by the ops that store a message), the fair row (FOR SHARE, as the showcase), the
-- message row (FOR UPDATE), then the fair's seq counter (event_emit).

-- chat.ask {fair, text, product?} -> {message}. Dealers, while the fair is live or paused.
CREATE OR REPLACE FUNCTION chat_ask(p_actor bigint, p_fair bigint, p_text text, p_product bigint)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v_fair fairs;
    v_dealer bigint;
    v_refusal jsonb;
    v_m chat_messages;
BEGIN
    PERFORM chat_check_text(p_text);
    SELECT dealer_id INTO v_dealer FROM users WHERE id = p_actor AND role = 'dealer';
    IF v_dealer IS NULL THEN
        RETURN op_refusal('forbidden', 'only dealers ask questions');
    END IF;
    v_refusal := chat_rate_check(p_actor);
    v_fair := showcase_fair(p_fair);
    IF p_product IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM fair_items WHERE fair_id = p_fair AND product_id = p_product) THEN
        RAISE EXCEPTION 'product % is not an item of fair %', p_product, p_fair
            USING ERRCODE = 'P0002';
    END IF;
    IF fair_status(v_fair) NOT IN ('live', 'paused') THEN
        RETURN op_refusal('fair_not_live',
                          format('fair %s is %s: questions are asked while it is live',
                                 p_fair, fair_status(v_fair)));
    END IF;
    IF v_refusal IS NOT NULL THEN
        RETURN v_refusal;
    END IF;
    INSERT INTO chat_messages (fair_id, product_id, author_id, dealer_id, text)
    VALUES (p_fair, p_product, p_actor, v_dealer, p_text) RETURNING * INTO v_m;
    PERFORM chat_emit(v_m);
    RETURN jsonb_build_object('message', chat_json(v_m));
END
$$;

-- chat.claim {fair, id} -> {message}. Reps and admins; the question, updated, goes to the
-- staff only. Claiming one's own claim again changes nothing (no event); a question
-- claimed by someone else, answered or hidden: conflict.
CREATE OR REPLACE FUNCTION chat_claim(p_actor bigint, p_fair bigint, p_id bigint)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v_m chat_messages;
BEGIN
    PERFORM showcase_fair(p_fair);
    v_m := chat_question_lock(p_fair, p_id, 'only questions are claimed');
    IF v_m.hidden THEN
        RAISE EXCEPTION 'question % is hidden', p_id USING ERRCODE = '23505';
    END IF;
    IF v_m.status = 'answered' THEN
        RAISE EXCEPTION 'question % is already answered', p_id USING ERRCODE = '23505';
    END IF;
    IF v_m.status = 'claimed' THEN
        IF v_m.claimed_by = p_actor THEN
            RETURN jsonb_build_object('message', chat_json(v_m));
        END IF;
        RAISE EXCEPTION 'question % is already claimed by %', p_id,
            (SELECT name FROM users WHERE id = v_m.claimed_by) USING ERRCODE = '23505';
    END IF;
    UPDATE chat_messages SET status = 'claimed', claimed_by = p_actor
    WHERE id = p_id RETURNING * INTO v_m;
    PERFORM chat_emit(v_m, p_staff_only => true);
    RETURN jsonb_build_object('message', chat_json(v_m));
END
$$;

-- chat.answer {fair, reply_to, text, private?} -> {message}. Reps and admins, in any state
-- of the fair (answers after the fair still land in the FAQ). The question becomes
-- answered (claimed_by: who answered) and, for a private answer, private; then the
-- question and the answer go out as `chat`: to everyone, or for a private answer to the
-- asker's dealer and the staff. One answer per question: a question with an answer that
-- is not hidden is conflict; a hidden question is conflict; an answer is bad_request.
CREATE OR REPLACE FUNCTION chat_answer(p_actor bigint, p_fair bigint, p_reply_to bigint,
                                       p_text text, p_private boolean)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v_refusal jsonb;
    v_q chat_messages;
    v_a chat_messages;
    v_private boolean := coalesce(p_private, false);
BEGIN
    PERFORM chat_check_text(p_text);
    v_refusal := chat_rate_check(p_actor);
    PERFORM showcase_fair(p_fair);
    v_q := chat_message_lock(p_fair, p_reply_to);
    IF v_q.reply_to IS NOT NULL THEN
        RAISE EXCEPTION 'message % is an answer: answer its question %', p_reply_to,
            v_q.reply_to USING ERRCODE = '22023';
    END IF;
    IF v_q.hidden THEN
        RAISE EXCEPTION 'question % is hidden', p_reply_to USING ERRCODE = '23505';
    END IF;
    IF EXISTS (SELECT 1 FROM chat_messages a WHERE a.reply_to = p_reply_to AND NOT a.hidden) THEN
        RAISE EXCEPTION 'question % is already answered', p_reply_to USING ERRCODE = '23505';
    END IF;
    IF v_refusal IS NOT NULL THEN
        RETURN v_refusal;
    END IF;
    INSERT INTO chat_messages (fair_id, product_id, author_id, dealer_id, text, reply_to,
                               status, private)
    VALUES (p_fair, v_q.product_id, p_actor, v_q.dealer_id, p_text, p_reply_to,
            'answered', v_private)
    RETURNING * INTO v_a;
    UPDATE chat_messages SET status = 'answered', claimed_by = p_actor, private = v_private
    WHERE id = p_reply_to RETURNING * INTO v_q;
    PERFORM chat_emit(v_q);
    PERFORM chat_emit(v_a);
    PERFORM message_chat_answer(v_q, p_text);   -- the asker's inbox (messages/inbox.sql)
    RETURN jsonb_build_object('message', chat_json(v_a));
END
$$;

-- chat.hide {fair, id} -> {id}. Reps and admins, in any state of the fair. The message
-- vanishes from history, joins, resumes (fair_resume, live/snapshot.sql) and the FAQ;
-- `chat.hidden {id}` goes to everyone who could see it (everyone for a public message, else
-- the asker's dealer and the staff). Hiding a hidden message again changes nothing.
CREATE OR REPLACE FUNCTION chat_hide(p_actor bigint, p_fair bigint, p_id bigint)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v_m chat_messages;
    v_public boolean;
BEGIN
    PERFORM showcase_fair(p_fair);
    v_m := chat_message_lock(p_fair, p_id);
    IF v_m.hidden THEN
        RETURN jsonb_build_object('id', p_id);
    END IF;
    v_public := chat_visible(v_m, false, NULL) IS TRUE;
    UPDATE chat_messages SET hidden = true, hidden_by = p_actor WHERE id = p_id;
    PERFORM audit_write(p_actor, 'chat.hide', p_fair, 'chat:' || p_id, chat_json(v_m),
                        jsonb_build_object('hidden', true));
    PERFORM event_emit(p_fair, 'chat.hidden', jsonb_build_object('id', p_id),
                       p_dealer => CASE WHEN v_public THEN NULL ELSE v_m.dealer_id END);
    RETURN jsonb_build_object('id', p_id);
END
$$;

-- chat.history {fair, before?, limit?} -> {messages}: the messages the caller may see,
-- newest first, ids below before.
CREATE OR REPLACE FUNCTION chat_history(p_fair bigint, p_staff boolean, p_dealer bigint,
                                        p_before bigint, p_limit integer)
RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM fairs WHERE id = p_fair) THEN
        RAISE EXCEPTION 'fair % not found', p_fair USING ERRCODE = 'P0002';
    END IF;
    RETURN jsonb_build_object('messages',
        (SELECT coalesce(jsonb_agg(chat_json(m) ORDER BY m.id DESC), '[]')
         FROM (SELECT * FROM chat_messages m
               WHERE m.fair_id = p_fair AND (p_before IS NULL OR m.id < p_before)
                 AND chat_visible(m, p_staff, p_dealer)
               ORDER BY m.id DESC LIMIT p_limit) m));
END
$$;
