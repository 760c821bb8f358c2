-- 043: the outbox's claim takes the channels this process sends (mail only with an SMTP relay
-- configured, webhooks always): outbox_claim gained p_channels, so its first form goes
-- (sql/functions/messages/outbox.sql makes the new one).
DROP FUNCTION IF EXISTS outbox_claim(text, integer, integer);
