-- 047: the outbox is kept for outbox_keep_days, not for ever. Every order accepted makes a
-- webhook row per subscription and every message a mail per recipient, so a brand's outbox
-- grew by the season with rows nothing reads after they were sent. outbox_prune
-- (sql/functions/messages/outbox.sql) deletes sent and dead rows older than that, run by the
-- senders; these indexes find them, and the webhooks page's counts per subscription,
-- without reading the whole table.
CREATE INDEX outbox_finished ON outbox (created_at) WHERE state IN ('sent', 'dead');
CREATE INDEX outbox_subscription ON outbox (subscription_id, state) WHERE subscription_id IS NOT NULL;
