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
--
-- (Its functions, views and triggers are now defined once each in sql/functions/: see
-- README.md there.)

-- The rate limit counts a user's recent messages in every fair.
CREATE INDEX chat_messages_author ON chat_messages (author_id, created_at);
-- The FAQ and the "already answered" check read the answers of a question.
CREATE INDEX chat_messages_reply ON chat_messages (reply_to) WHERE reply_to IS NOT NULL;
