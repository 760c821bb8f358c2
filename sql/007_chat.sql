-- 007: structured live Q&A (PROTOCOL.md, Q&A): dealers ask, reps claim and answer publicly
-- or privately, reps and admins hide messages, and the public answers stay as each
-- product's FAQ after the fair.
--
-- One function per op, in the style of 005: it checks what only the database can check,
-- changes the rows, writes audit_log (hide) and emits its `chat` / `chat.hidden` events in
-- the caller's one transaction, and returns the members of the ok reply. Refusals raise
-- 23505 (conflict), P0002 (not_found) or 22023 (bad_request), or are returned as
-- op_refusal() (fair_not_live, rate_limited, forbidden) before anything has changed.
--
-- Who sees a message (chat_visible, 004): the staff every message that is not hidden; a
-- dealer its own dealer's questions and their answers (private ones included), and public
-- answers with their questions. A question answered privately becomes private itself.
-- Events follow the same audiences: a question, a private answer and its question are
-- emitted for the asker's dealer (event_emit p_dealer: that dealer's sessions and the
-- staff), a claim to the staff only, a public answer and its question to everyone.
--
-- Locks, in this order: the author's rate-limit lock (an advisory lock per user, taken
-- only by the ops that store a message), the fair row (FOR SHARE, as 005), the message
-- row (FOR UPDATE), then the fair's seq counter (event_emit).

-- The rate limit counts a user's recent messages in every fair.
CREATE INDEX chat_messages_author ON chat_messages (author_id, created_at);
-- The FAQ and the "already answered" check read the answers of a question.
CREATE INDEX chat_messages_reply ON chat_messages (reply_to) WHERE reply_to IS NOT NULL;

-- The rate limit: at most 5 messages (questions and answers) in 10 seconds per user,
-- counted from chat_messages, so every server process shares it. The advisory lock
-- (held to the end of the transaction) serialises one user's messages, so two
-- processes cannot both let a sixth one through. NULL when the message may go,
-- otherwise the refusal. A refused message stores nothing, so it does not count.
CREATE FUNCTION chat_rate_check(p_actor bigint) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v_n integer;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('chat.rate:' || p_actor, 0));
    -- a statement after the lock sees every message committed before it was granted
    SELECT count(*) INTO v_n FROM chat_messages
    WHERE author_id = p_actor AND created_at > clock_timestamp() - interval '10 seconds';
    IF v_n >= 5 THEN
        RETURN op_refusal('rate_limited', 'at most 5 messages in 10 seconds: wait a moment');
    END IF;
    RETURN NULL;
END
$$;

-- Text is kept exactly as sent (plain text, never markup); it must say something.
CREATE FUNCTION chat_check_text(p_text text) RETURNS void LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    IF p_text IS NULL OR length(p_text) NOT BETWEEN 1 AND 2000 THEN
        RAISE EXCEPTION 'text must have 1 to 2000 characters' USING ERRCODE = '22023';
    END IF;
    IF btrim(p_text, E' \t\r\n\u3000') = '' THEN
        RAISE EXCEPTION 'text must not be only white space' USING ERRCODE = '22023';
    END IF;
END
$$;

-- A message of the fair, locked for a change; P0002 when it is not one.
CREATE FUNCTION chat_message_lock(p_fair bigint, p_id bigint) RETURNS chat_messages
LANGUAGE plpgsql AS $$
DECLARE
    v chat_messages;
BEGIN
    SELECT * INTO v FROM chat_messages WHERE id = p_id AND fair_id = p_fair FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'message % not found at fair %', p_id, p_fair USING ERRCODE = 'P0002';
    END IF;
    RETURN v;
END
$$;

-- Emits a message as a `chat` event to those who may see it: staff_only for a claim, the
-- asker's dealer (and the staff) for a question not yet answered in public and for private
-- answers, everyone for public answers and their questions.
CREATE FUNCTION chat_emit(m chat_messages, p_staff_only boolean DEFAULT false)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF p_staff_only THEN
        PERFORM event_emit(m.fair_id, 'chat', chat_json(m), p_staff_only => true);
    ELSIF chat_visible(m, false, NULL) IS TRUE THEN
        PERFORM event_emit(m.fair_id, 'chat', chat_json(m));
    ELSE
        PERFORM event_emit(m.fair_id, 'chat', chat_json(m), p_dealer => m.dealer_id);
    END IF;
END
$$;

-- chat.ask {fair, text, product?} -> {message}. Dealers, while the fair is live or paused.
CREATE FUNCTION chat_ask(p_actor bigint, p_fair bigint, p_text text, p_product bigint)
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
CREATE FUNCTION chat_claim(p_actor bigint, p_fair bigint, p_id bigint)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v_m chat_messages;
BEGIN
    PERFORM showcase_fair(p_fair);
    v_m := chat_message_lock(p_fair, p_id);
    IF v_m.reply_to IS NOT NULL THEN
        RAISE EXCEPTION 'message % is an answer: only questions are claimed', p_id
            USING ERRCODE = '22023';
    END IF;
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
CREATE FUNCTION chat_answer(p_actor bigint, p_fair bigint, p_reply_to bigint, p_text text,
                            p_private boolean)
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
    RETURN jsonb_build_object('message', chat_json(v_a));
END
$$;

-- chat.hide {fair, id} -> {id}. Reps and admins, in any state of the fair. The message
-- vanishes from history, joins, resumes (fair_resume below) and the FAQ; `chat.hidden
-- {id}` goes to everyone who could see it (everyone for a public message, else the
-- asker's dealer and the staff). Hiding a hidden message again changes nothing.
CREATE FUNCTION chat_hide(p_actor bigint, p_fair bigint, p_id bigint)
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
CREATE FUNCTION chat_history(p_fair bigint, p_staff boolean, p_dealer bigint,
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

-- faq {fair, product} -> {items: [{question, answer, at}]}: the public answers about a
-- product at the fair, oldest first, at most 500; neither side hidden, never private.
-- Kept after the fair.
CREATE FUNCTION chat_faq(p_fair bigint, p_product bigint) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM fairs WHERE id = p_fair) THEN
        RAISE EXCEPTION 'fair % not found', p_fair USING ERRCODE = 'P0002';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM fair_items WHERE fair_id = p_fair AND product_id = p_product) THEN
        RAISE EXCEPTION 'product % is not an item of fair %', p_product, p_fair
            USING ERRCODE = 'P0002';
    END IF;
    RETURN jsonb_build_object('items',
        (SELECT coalesce(jsonb_agg(jsonb_build_object(
                    'question', f.q_text, 'answer', f.a_text, 'at', rfc3339(f.at))
                ORDER BY f.at, f.id), '[]')
         FROM (SELECT a.id, q.text AS q_text, a.text AS a_text, a.created_at AS at
               FROM chat_messages a JOIN chat_messages q ON q.id = a.reply_to
               WHERE a.fair_id = p_fair AND q.product_id = p_product
                 AND NOT a.private AND NOT q.private AND NOT a.hidden AND NOT q.hidden
               ORDER BY a.created_at, a.id LIMIT 500) f));
END
$$;

-- A `chat` event of a message hidden since: resumes must not replay it (the clients that
-- had it got chat.hidden; the others must never see it).
CREATE FUNCTION chat_event_hidden(e events) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT e.kind = 'chat' AND EXISTS (
        SELECT 1 FROM chat_messages m
        WHERE m.id = (e.payload ->> 'id')::bigint AND m.hidden)
$$;

-- fair_resume (004) as it was, but without the `chat` events of hidden messages.
CREATE OR REPLACE FUNCTION fair_resume(p_fair bigint, p_since bigint, p_staff boolean,
                                       p_tier text, p_dealer bigint, p_max integer)
RETURNS jsonb LANGUAGE sql STABLE AS $$
    WITH now_seq AS (SELECT seq FROM fair_seq WHERE fair_id = p_fair),
         missed AS (SELECT e.seq, e.payload FROM events e
                    WHERE e.fair_id = p_fair AND e.seq > p_since
                      AND event_visible(e, p_staff, p_tier, p_dealer)
                      AND NOT chat_event_hidden(e)
                    ORDER BY e.seq LIMIT p_max + 1)
    SELECT CASE WHEN p_since > (SELECT seq FROM now_seq)
                  OR (SELECT count(*) FROM missed) > p_max THEN NULL
           ELSE jsonb_build_object(
               'resumed', true,
               'seq', (SELECT seq FROM now_seq),
               'missed', (SELECT coalesce(jsonb_agg(payload ORDER BY seq), '[]') FROM missed),
               'stock', fair_stock_json(p_fair)) END
$$;
