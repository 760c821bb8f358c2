-- Q&A messages (PROTOCOL.md, Q&A): as clients see them, who may see which, and how they go
-- out as `chat` events.
--
-- Who sees a message: the staff every message that is not hidden; a dealer its own
-- dealer's questions and their answers (private ones included), and public answers with
-- their questions. A question answered privately becomes private itself. Events follow the
-- same audiences: a question, a private answer and its question are emitted for the asker's
-- dealer (event_emit p_dealer: that dealer's sessions and the staff), a claim to the staff
-- only, a public answer and its question to everyone.

-- A Q&A message as clients see it (PROTOCOL.md, Q&A), with its FAQ mark (034).
CREATE OR REPLACE FUNCTION chat_json(m chat_messages) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object('id', m.id, 'product', m.product_id,
        'author', jsonb_build_object('id', u.id, 'name', u.name, 'role', u.role,
                                     'dealer', u.dealer_id),
        'text', m.text, 'reply_to', m.reply_to, 'status', m.status,
        'claimed_by', m.claimed_by, 'private', m.private, 'at', rfc3339(m.created_at),
        'faq', m.faq)
    FROM users u WHERE u.id = m.author_id
$$;

-- Who may see a Q&A message: staff all but hidden ones; a dealer its own dealer's
-- questions and the answers to them, and public answers with their questions.
CREATE OR REPLACE FUNCTION chat_visible(m chat_messages, p_staff boolean, p_dealer bigint)
RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT NOT m.hidden AND (p_staff OR m.dealer_id = p_dealer
        OR (NOT m.private AND (m.reply_to IS NOT NULL OR m.status = 'answered')))
$$;

-- A `chat` event of a message hidden since: resumes must not replay it (the clients that
-- had it got chat.hidden; the others must never see it).
CREATE OR REPLACE FUNCTION chat_event_hidden(e events) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT e.kind = 'chat' AND EXISTS (
        SELECT 1 FROM chat_messages m
        WHERE m.id = (e.payload ->> 'id')::bigint AND m.hidden)
$$;

-- The rate limit: at most 5 messages (questions and answers) in 10 seconds per user,
-- counted from chat_messages, so every server process shares it. The advisory lock
-- (held to the end of the transaction) serialises one user's messages, so two
-- processes cannot both let a sixth one through. NULL when the message may go,
-- otherwise the refusal. A refused message stores nothing, so it does not count.
CREATE OR REPLACE FUNCTION chat_rate_check(p_actor bigint) RETURNS jsonb LANGUAGE plpgsql AS $$
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
CREATE OR REPLACE FUNCTION chat_check_text(p_text text)
RETURNS void LANGUAGE plpgsql IMMUTABLE AS $$
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
CREATE OR REPLACE FUNCTION chat_message_lock(p_fair bigint, p_id bigint) RETURNS chat_messages
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

-- A question of the fair, locked for a change; P0002 when it is no message of the fair,
-- 22023 (bad_request) when it is an answer, saying what to do instead (p_instead).
CREATE OR REPLACE FUNCTION chat_question_lock(p_fair bigint, p_id bigint, p_instead text)
RETURNS chat_messages LANGUAGE plpgsql AS $$
DECLARE
    v chat_messages := chat_message_lock(p_fair, p_id);
BEGIN
    IF v.reply_to IS NOT NULL THEN
        RAISE EXCEPTION 'message % is an answer: %', p_id, p_instead USING ERRCODE = '22023';
    END IF;
    RETURN v;
END
$$;

-- Emits a message as a `chat` event to those who may see it: staff_only for a claim, the
-- asker's dealer (and the staff) for a question not yet answered in public and for private
-- answers, everyone for public answers and their questions.
CREATE OR REPLACE FUNCTION chat_emit(m chat_messages, p_staff_only boolean DEFAULT false)
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
