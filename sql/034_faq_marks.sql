-- 034: the reps choose which answered questions are the fair's FAQ (常見問題), and an order
-- placed on a dealer's behalf says so to the dealer.
--
-- A mark is on the question (`chat_messages.faq`); only a question answered in public may
-- carry it, so marking never shows a dealer anything it could not already read. `faq` keeps
-- listing every public answer about a product (PROTOCOL.md) and now says which are marked;
-- without a product it lists the fair's marked questions, general ones included.
--
-- (Its functions, views and triggers are now defined once each in sql/functions/: see
-- README.md there.)

ALTER TABLE chat_messages ADD COLUMN faq boolean NOT NULL DEFAULT false;

CREATE INDEX chat_messages_faq ON chat_messages (fair_id) WHERE faq;
