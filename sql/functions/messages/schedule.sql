-- The durable scheduler of messages (messages_tick, run by every server process every
-- messages_tick_s): a fair's reminders a day and an hour before it opens, and its totals to
-- the webhooks at its close. What was done is recorded in message_schedule in the same
-- transaction, so each happens once whatever the number of processes, and a server that was
-- down at the time does it at its next tick. Each tick also writes the expiry of the points
-- past their date (points_expire, 044; balances leave them out before that anyway).

-- One tick. Returns {"reminders": messages made, "closed": fairs announced,
-- "points_expired": points whose expiry was written}.
--
-- Reminders: a fair opening within 24 hours gets `remind.day` while more than an hour is
-- left, `remind.hour` in its last hour (a fair made 30 minutes before it opens gets only
-- the hour's). A fair closed by hand before it opened gets none. Closing: a fair whose
-- status is closed (its end passed, or closed by hand) sends `fair.closed` to the webhooks.
CREATE OR REPLACE FUNCTION messages_tick() RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_f fairs;
    v_what text;
    v_n integer;
    v_reminders integer := 0;
    v_closed integer := 0;
    v_expired integer;
BEGIN
    FOR v_f IN
        SELECT * FROM fairs f
        WHERE f.starts_at > now() AND f.starts_at <= now() + interval '24 hours'
          AND f.status_override IS DISTINCT FROM 'closed'
        ORDER BY f.id
    LOOP
        v_what := CASE WHEN v_f.starts_at <= now() + interval '1 hour'
                       THEN 'remind.hour' ELSE 'remind.day' END;
        INSERT INTO message_schedule (fair_id, what) VALUES (v_f.id, v_what)
        ON CONFLICT DO NOTHING;
        GET DIAGNOSTICS v_n = ROW_COUNT;
        CONTINUE WHEN v_n = 0;
        IF v_what = 'remind.hour' THEN   -- the day's is not owed any more
            INSERT INTO message_schedule (fair_id, what) VALUES (v_f.id, 'remind.day')
            ON CONFLICT DO NOTHING;
        END IF;
        v_reminders := v_reminders + message_send_users(message_fair_dealer_users(v_f.id),
            'fair.reminder', jsonb_build_object('fair', v_f.id, 'fair_name', v_f.name,
                'fair_name_en', v_f.name_en,
                'starts_at', rfc3339(v_f.starts_at), 'timezone', v_f.timezone,
                'when', CASE WHEN v_what = 'remind.hour' THEN 'hour' ELSE 'day' END),
            v_f.id, v_what || ':' || v_f.id);
    END LOOP;

    FOR v_f IN
        SELECT * FROM fairs f
        WHERE (f.status_override = 'closed' OR f.ends_at <= now())
          AND NOT EXISTS (SELECT 1 FROM message_schedule m
                          WHERE m.fair_id = f.id AND m.what = 'closed')
        ORDER BY f.id
    LOOP
        INSERT INTO message_schedule (fair_id, what) VALUES (v_f.id, 'closed')
        ON CONFLICT DO NOTHING;
        GET DIAGNOSTICS v_n = ROW_COUNT;
        CONTINUE WHEN v_n = 0;
        PERFORM webhook_queue('fair.closed', v_f.id, webhook_fair_totals(v_f.id));
        v_closed := v_closed + 1;
    END LOOP;
    v_expired := points_expire(NULL);
    RETURN jsonb_build_object('reminders', v_reminders, 'closed', v_closed,
                              'points_expired', v_expired);
END
$$;
