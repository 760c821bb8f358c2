-- 048: the webhook event `order.repriced` (PROTOCOL.md "Webhooks"). A discount restamped by the
-- fair's policies (a tier crossed back by a cancellation, a new policy) changed an order's
-- payable with no call, so the brand's ERP kept a stale one. The subscriptions' list of known
-- events grows by it; the others stay as they were.
ALTER TABLE webhook_subscriptions
    DROP CONSTRAINT webhook_subscriptions_events_check,
    ADD CONSTRAINT webhook_subscriptions_events_check
        CHECK (cardinality(events) > 0 AND events <@ ARRAY['order.accepted', 'order.amended',
               'order.cancelled', 'order.shipped', 'fair.closed', 'order.repriced']);
