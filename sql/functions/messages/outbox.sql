-- The outbox's sender side (server/features/outbox.c, one thread per process, a blocking
-- connection of its own): claim due rows, record what became of each. Rows are queued by
-- message_send_users (inbox.sql) and webhook_queue (webhooks.sql).
--
-- At least once, never silently lost: a claim commits the attempt (state `sending`,
-- attempts + 1, who and when) before anything is sent. A row left `sending` by a process
-- that died is claimed again once its lease (p_lease_s) has passed, and sent again: the
-- mail or call in flight at a crash may arrive twice, each with the same Message-ID or
-- X-Fair-Delivery, never zero times.

-- Claims up to p_limit rows of p_channels for p_who: pending rows that are due, oldest due
-- first, and rows whose claim has outlived p_lease_s. Rows another process is claiming are
-- skipped, not waited for (SKIP LOCKED), so several processes share the work. Each row
-- comes with what its sending needs: a webhook's secret, a mail's unsubscribe token.
CREATE OR REPLACE FUNCTION outbox_claim(p_who text, p_limit integer, p_lease_s integer,
                                        p_channels text[])
RETURNS TABLE (id bigint, channel text, recipient text, kind text, lang text,
               payload text, attempts integer, secret text, user_id bigint, mail_token text,
               created_ms bigint)
LANGUAGE sql AS $$
    WITH due AS (
        SELECT o.id FROM outbox o WHERE o.state = 'pending' AND o.next_at <= now()
          AND o.channel = ANY (p_channels)
        ORDER BY o.next_at LIMIT p_limit FOR UPDATE SKIP LOCKED
    ), stale AS (
        SELECT o.id FROM outbox o
        WHERE o.state = 'sending' AND o.claimed_at < now() - make_interval(secs => p_lease_s)
          AND o.channel = ANY (p_channels)
        ORDER BY o.claimed_at LIMIT p_limit FOR UPDATE SKIP LOCKED
    ), picked AS (
        SELECT due.id FROM due UNION SELECT stale.id FROM stale
    ), claimed AS (
        UPDATE outbox o SET state = 'sending', attempts = o.attempts + 1,
                            claimed_at = clock_timestamp(), claimed_by = p_who
        FROM picked WHERE o.id = picked.id
        RETURNING o.*
    )
    SELECT c.id, c.channel, c.recipient, c.kind, c.lang, c.payload::text, c.attempts,
           s.secret, c.user_id, u.mail_token::text,
           (extract(epoch FROM c.created_at) * 1000)::bigint
    FROM claimed c
    LEFT JOIN webhook_subscriptions s ON s.id = c.subscription_id
    LEFT JOIN users u ON u.id = c.user_id
    ORDER BY c.id
$$;

-- What became of a claimed row: sent (p_retry_ms NULL and no error), tried again after
-- p_retry_ms, or given up (p_retry_ms < 0: a permanent refusal, or p_max_attempts reached).
-- Only the claim of p_who is settled: a row whose lease passed and that another process
-- claimed since is left to it. Returns the row's new state, or NULL when it was not ours.
CREATE OR REPLACE FUNCTION outbox_done(p_id bigint, p_who text, p_error text,
                                       p_retry_ms integer, p_max_attempts integer)
RETURNS text LANGUAGE sql AS $$
    UPDATE outbox o SET
        state = CASE WHEN p_error IS NULL THEN 'sent'
                     WHEN p_retry_ms < 0 OR o.attempts >= p_max_attempts THEN 'dead'
                     ELSE 'pending' END,
        sent_at = CASE WHEN p_error IS NULL THEN clock_timestamp() END,
        next_at = CASE WHEN p_error IS NOT NULL AND p_retry_ms >= 0
                       THEN clock_timestamp() + make_interval(secs => p_retry_ms / 1000.0)
                       ELSE o.next_at END,
        last_error = coalesce(left(p_error, 500), o.last_error),
        claimed_at = NULL, claimed_by = NULL
    WHERE o.id = p_id AND o.state = 'sending' AND o.claimed_by = p_who
    RETURNING o.state
$$;

-- Forgets sent and dead rows created more than p_keep_days ago (047), at most p_limit of
-- them (a sender calls it again until it deletes fewer), oldest first; rows another process
-- is deleting are skipped. Pending and sending rows are never touched, however old. Returns
-- how many it deleted, and how many rows wait to be sent (pending), for the metrics.
CREATE OR REPLACE FUNCTION outbox_prune(p_keep_days integer, p_limit integer,
                                        OUT deleted integer, OUT pending bigint)
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM outbox o WHERE o.id IN (
        SELECT x.id FROM outbox x
        WHERE x.state IN ('sent', 'dead')
          AND x.created_at < now() - make_interval(days => p_keep_days)
        ORDER BY x.created_at LIMIT p_limit FOR UPDATE SKIP LOCKED);
    GET DIAGNOSTICS deleted = ROW_COUNT;
    SELECT count(*) INTO pending FROM outbox WHERE state = 'pending';
END
$$;
