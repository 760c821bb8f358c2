-- A key orders once and always gets the same answer: the keys already stored, looked up
-- before the server refuses an order from the stock it heard of (025), and the outcome of
-- a batch whose connection was lost (008).

-- The positions (from 1) of the (dealer, key) pairs that are stored: one row each, in order.
-- The server sends an order so found to a batch, which answers it with its stored order or
-- its conflict; every other one is refused from the stock it heard of, or told to retry.
--
-- "Stored" is certain: a batch deciding one of these dealers' orders, on any process, holds
-- the dealer's row FOR NO KEY UPDATE until it commits; FOR SHARE waits for it, and the next
-- statement's snapshot sees what it stored. The row locks are all this transaction writes,
-- and losing them in a crash loses nothing, so its commit does not wait for a flush. One
-- index probe a key: a flash crowd's thousands of refusals cost a few milliseconds.
CREATE OR REPLACE FUNCTION order_keys_stored(p_dealers bigint[], p_keys text[])
RETURNS SETOF integer LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('synchronous_commit', 'off', true);
    PERFORM 1 FROM dealers WHERE id = ANY (p_dealers) ORDER BY id FOR SHARE;
    RETURN QUERY
        SELECT k.n::integer
        FROM unnest(p_dealers, p_keys) WITH ORDINALITY AS k(dealer, key, n)
        WHERE EXISTS (SELECT 1 FROM orders o WHERE o.dealer_id = k.dealer AND o.key = k.key)
        ORDER BY k.n;
END
$$;

-- After the connection that carried a batch was lost: did its orders commit? The old
-- backend may still be running the batch, so first make sure it is gone
-- (pg_terminate_backend waits for it), then look the keys up; a lookup alone could run
-- before the old transaction commits. p_pid is that backend, p_sent_ms when the batch
-- was sent (a backend with that pid started later is another one, left alone).
-- Returns NULL when the old backend could not be stopped, else an array in the order of
-- p_batch: the decision for an order that committed (with duplicate true when it was
-- there before the batch), a conflict when the key holds other lines, or null: the order
-- was not made.
CREATE OR REPLACE FUNCTION order_resolve(p_pid integer, p_sent_ms bigint, p_batch jsonb)
RETURNS jsonb LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_stat_activity
               WHERE pid = p_pid AND backend_start < epoch_ms_time(p_sent_ms)) THEN
        IF NOT pg_terminate_backend(p_pid, 3000) THEN
            PERFORM pg_stat_clear_snapshot();
            IF EXISTS (SELECT 1 FROM pg_stat_activity
                       WHERE pid = p_pid AND backend_start < epoch_ms_time(p_sent_ms)) THEN
                RETURN NULL;
            END IF;
        END IF;
    END IF;
    RETURN (SELECT jsonb_agg(CASE
                WHEN o.id IS NULL THEN 'null'::jsonb
                WHEN o.request IS DISTINCT FROM order_request(b.e) THEN
                    op_refusal('conflict',
                        format('key %s was already used by dealer %s for order %s with '
                               'other lines', o.key, o.dealer_id, o.id),
                        jsonb_build_object('order', o.id))
                ELSE jsonb_build_object('order', order_json(o), 'duplicate',
                                        o.created_at < epoch_ms_time(p_sent_ms)) END
                ORDER BY b.n)
            FROM jsonb_array_elements(p_batch) WITH ORDINALITY AS b(e, n)
            LEFT JOIN orders o ON o.dealer_id = (b.e->>'dealer')::bigint
                              AND o.key = b.e->>'key');
END
$$;
