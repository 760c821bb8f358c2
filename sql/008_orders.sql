-- 008: order intake (DESIGN.md, Orders: the hot path).
--
-- The server sends every order that arrived while the previous batch was in flight as one
-- call of order_place_batch: one transaction, one WAL flush for all of them (group commit).
-- Each order is decided without raising (a raise would fail the whole batch, and an
-- exception block per order is a subtransaction each), against rows the batch has already
-- locked in the one global order: dealer rows by id, then stock rows by id. Limits that
-- span orders (per-dealer item limit, credit) are read under the dealer lock, so two
-- batches can never both spend the same credit. First come, first served inside a batch.

-- SQL-language functions that cannot be inlined are parsed and planned again at every
-- call; the hot path calls these once per order or item, so they become inlinable (rfc3339:
-- to_char is only STABLE, and an IMMUTABLE wrapper of it is never inlined) or plpgsql,
-- whose plans are kept.
CREATE OR REPLACE FUNCTION rfc3339(t timestamptz) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
$$;

CREATE OR REPLACE FUNCTION item_tier_price(i fair_items, p_tier text) RETURNS bigint
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN coalesce((SELECT price FROM fair_item_prices p
                     WHERE p.fair_id = i.fair_id AND p.product_id = i.product_id
                       AND p.tier = p_tier), i.price);
END
$$;

-- What an order asked for, normalised: a retry with the same key must ask for the same.
ALTER TABLE orders ADD COLUMN request jsonb;
UPDATE orders o SET request = jsonb_build_object('fair', o.fair_id, 'partial', false,
    'lines', (SELECT jsonb_agg(jsonb_build_array(l.variant_id, l.qty) ORDER BY l.variant_id)
              FROM order_lines l WHERE l.order_id = o.id));

-- Statuses that still hold credit: the order is neither refused, cancelled nor done with.
CREATE FUNCTION order_status_open(p_status text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
    SELECT p_status IN ('accepted', 'reviewed', 'shipped', 'in_transit')
$$;

-- An order as clients see it (PROTOCOL.md, Ordering).
CREATE FUNCTION order_json(o orders) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN jsonb_build_object(
        'id', o.id, 'key', o.key, 'fair', o.fair_id, 'dealer', o.dealer_id,
        'status', o.status,
        'lines', (SELECT coalesce(jsonb_agg(jsonb_build_object(
                      'variant', l.variant_id, 'product', v.product_id, 'size', v.size,
                      'color', v.color, 'qty', l.qty, 'price', l.price)
                      ORDER BY v.product_id, v.sort, v.id), '[]')
                  FROM order_lines l JOIN variants v ON v.id = l.variant_id
                  WHERE l.order_id = o.id),
        'total', o.total, 'ship_to', o.ship_to, 'note', o.note, 'placed_by', o.placed_by,
        'created_at', rfc3339(o.created_at));
END
$$;

-- The request part of an order that a retry must repeat: fair, lines and partial.
CREATE FUNCTION order_request(p jsonb) RETURNS jsonb LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    RETURN jsonb_build_object(
        'fair', (p->>'fair')::bigint,
        'partial', coalesce((p->>'partial')::boolean, false),
        'lines', (SELECT jsonb_agg(jsonb_build_array(l.variant, l.qty) ORDER BY l.variant)
                  FROM jsonb_to_recordset(p->'lines') AS l(variant bigint, qty integer)));
END
$$;

-- One line of an order being decided.
CREATE TYPE order_line_eval AS (
    variant      bigint,
    qty          integer,   -- asked for
    stock_id     bigint,    -- NULL: not offered at this fair
    available    integer,
    product      bigint,
    size         text,
    color        text,
    moq          integer,
    dealer_limit integer,
    pack         jsonb,
    withdrawn    boolean,
    price        bigint,    -- the dealer's price now (tier or flash)
    take         integer    -- what the order gets
);

-- How much of each line a partial order takes: what is there, in whole packs per colour
-- where the item has a pack, and nothing of a product whose total would fall below its moq.
CREATE FUNCTION order_partial_take(p_lines order_line_eval[]) RETURNS order_line_eval[]
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    RETURN (WITH t AS (
        SELECT l.*, CASE WHEN l.pack IS NULL THEN least(l.qty, greatest(l.available, 0))
                    ELSE (l.pack->>l.size)::int * least(l.qty / (l.pack->>l.size)::int,
                         min(greatest(l.available, 0) / (l.pack->>l.size)::int)
                             OVER (PARTITION BY l.product, l.color)) END AS can
        FROM unnest(p_lines) l),
    m AS (
        SELECT t.*, CASE WHEN sum(t.can) OVER (PARTITION BY t.product) < t.moq THEN 0
                         ELSE t.can END AS got
        FROM t)
    SELECT array_agg(ROW(m.variant, m.qty, m.stock_id, m.available, m.product, m.size,
                         m.color, m.moq, m.dealer_limit, m.pack, m.withdrawn, m.price,
                         m.got)::order_line_eval ORDER BY m.variant)
    FROM m);
END
$$;

-- The lines of an order read against a fair: each with its stock row, the item's rules and
-- the price now for p_tier; or the first bad_request about them (a variant not offered, an
-- item withdrawn, not whole packs, below the moq). p_held: {"<variant>": units} an order
-- being amended already holds, counted as available to it.
CREATE FUNCTION order_lines_read(p_fair bigint, p_tier text, p_lines jsonb, p_held jsonb,
                                 OUT lines order_line_eval[], OUT refusal jsonb)
LANGUAGE plpgsql AS $$
DECLARE
    v_row record;
BEGIN
    -- LATERAL: one index probe per line, whatever the planner thinks of the fair's size.
    SELECT array_agg(ROW(l.variant, l.qty, x.id,
                         x.available + coalesce((p_held->>l.variant::text)::integer, 0),
                         x.product_id, x.size, x.color, x.moq, x.dealer_limit, x.pack,
                         x.withdrawn, x.price, l.qty)::order_line_eval ORDER BY l.variant)
    INTO lines
    FROM jsonb_to_recordset(p_lines) AS l(variant bigint, qty integer)
    LEFT JOIN LATERAL (
        SELECT s.id, s.allocation - s.sold AS available, s.product_id, v.size, v.color,
               i.moq, i.dealer_limit, i.pack, i.withdrawn,
               item_price_now(i, p_tier, clock_timestamp()) AS price
        FROM stock s
        JOIN variants v ON v.id = s.variant_id
        JOIN fair_items i ON i.fair_id = s.fair_id AND i.product_id = s.product_id
        WHERE s.fair_id = p_fair AND s.variant_id = l.variant) x ON true;

    SELECT l.variant INTO v_row FROM unnest(lines) l WHERE l.stock_id IS NULL LIMIT 1;
    IF FOUND THEN
        refusal := op_refusal('bad_request',
            format('variant %s is not offered at fair %s', v_row.variant, p_fair),
            jsonb_build_object('variant', v_row.variant));
        RETURN;
    END IF;
    SELECT l.product INTO v_row FROM unnest(lines) l WHERE l.withdrawn LIMIT 1;
    IF FOUND THEN
        refusal := op_refusal('bad_request',
            format('product %s is no longer on sale at fair %s', v_row.product, p_fair),
            jsonb_build_object('product', v_row.product));
        RETURN;
    END IF;
    -- Packs (配碼): per colour, every size of the pack, all in the same number of packs.
    SELECT l.product, l.color, l.pack INTO v_row FROM unnest(lines) l
    WHERE l.pack IS NOT NULL
    GROUP BY l.product, l.color, l.pack
    HAVING count(*) <> (SELECT count(*) FROM jsonb_object_keys(l.pack))
        OR NOT bool_and(coalesce(l.pack ? l.size AND l.qty % (l.pack->>l.size)::int = 0,
                                 false))
        OR count(DISTINCT l.qty / (l.pack->>l.size)::int) <> 1
    ORDER BY l.product, l.color LIMIT 1;
    IF FOUND THEN
        refusal := op_refusal('bad_request',
            format('product %s is ordered in whole packs: colour %s needs the sizes %s in '
                   'that ratio', v_row.product, v_row.color, v_row.pack::text),
            jsonb_build_object('product', v_row.product, 'color', v_row.color,
                               'pack', v_row.pack));
        RETURN;
    END IF;
    SELECT l.product, min(l.moq) AS moq, sum(l.qty) AS qty INTO v_row FROM unnest(lines) l
    GROUP BY l.product HAVING sum(l.qty) < min(l.moq) ORDER BY l.product LIMIT 1;
    IF FOUND THEN
        refusal := op_refusal('bad_request',
            format('product %s has a minimum order of %s units; the order has %s',
                   v_row.product, v_row.moq, v_row.qty),
            jsonb_build_object('product', v_row.product, 'moq', v_row.moq));
    END IF;
END
$$;

-- Whether a dealer may have these lines, counting its other orders (p_except: the order
-- being amended, whose own lines and total do not count): stock, all or nothing or with
-- p_partial what is there (lines' take reduced), then the per-dealer limit of each item at
-- this fair, then credit over the dealer's open orders of every fair. refusal is NULL when
-- it may; total is the value of what it takes.
CREATE FUNCTION order_lines_fit(p_dealer dealers, p_fair bigint, INOUT lines order_line_eval[],
                                p_partial boolean, p_except bigint,
                                OUT total bigint, OUT refusal jsonb)
LANGUAGE plpgsql AS $$
DECLARE
    v_short jsonb;
    v_row   record;
    v_open  bigint;
BEGIN
    SELECT jsonb_object_agg(l.variant::text, greatest(l.available, 0)) INTO v_short
    FROM unnest(lines) l WHERE l.qty > l.available;
    IF v_short IS NOT NULL THEN
        IF p_partial THEN
            lines := order_partial_take(lines);
        END IF;
        IF NOT p_partial OR NOT EXISTS (SELECT 1 FROM unnest(lines) l WHERE l.take > 0) THEN
            refusal := op_refusal('insufficient_stock',
                'not enough stock for ' || (SELECT string_agg(format('variant %s (%s left)',
                    k, v_short->>k), ', ' ORDER BY k::bigint) FROM jsonb_object_keys(v_short) k),
                jsonb_build_object('available', v_short));
            RETURN;
        END IF;
    END IF;

    FOR v_row IN
        SELECT l.product, min(l.dealer_limit) AS lim, sum(l.take) AS qty,
               (SELECT coalesce(sum(ol.qty), 0) FROM orders o
                JOIN order_lines ol ON ol.order_id = o.id
                JOIN variants v ON v.id = ol.variant_id
                WHERE o.dealer_id = p_dealer.id AND o.fair_id = p_fair
                  AND v.product_id = l.product AND o.id IS DISTINCT FROM p_except
                  AND o.status NOT IN ('cancelled', 'rejected')) AS before
        FROM unnest(lines) l
        WHERE l.dealer_limit IS NOT NULL
        GROUP BY l.product HAVING sum(l.take) > 0
        ORDER BY l.product
    LOOP
        IF v_row.before + v_row.qty > v_row.lim THEN
            refusal := op_refusal('limit_exceeded',
                format('product %s is limited to %s units per dealer; dealer %s has ordered '
                       '%s and asks for %s more', v_row.product, v_row.lim, p_dealer.id,
                       v_row.before, v_row.qty),
                jsonb_build_object('product', v_row.product, 'limit', v_row.lim,
                                   'ordered', v_row.before));
            RETURN;
        END IF;
    END LOOP;

    SELECT coalesce(sum(l.take::bigint * l.price), 0) INTO total FROM unnest(lines) l;
    SELECT coalesce(sum(o.total), 0) INTO v_open FROM orders o
    WHERE o.dealer_id = p_dealer.id AND order_status_open(o.status)
      AND o.id IS DISTINCT FROM p_except;
    IF v_open + total > p_dealer.credit_limit THEN
        refusal := op_refusal('credit_exceeded',
            format('the order comes to %s; dealer %s has %s of credit left', total,
                   p_dealer.id, greatest(p_dealer.credit_limit - v_open, 0)),
            jsonb_build_object('available_credit', greatest(p_dealer.credit_limit - v_open, 0),
                               'total', total));
    END IF;
END
$$;

-- A rep given regions serves only the dealers of those regions (no regions: all).
CREATE FUNCTION rep_outside_regions(u users, d dealers) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT u.role = 'rep' AND u.regions <> '{}' AND NOT d.region = ANY (u.regions)
$$;

-- fair_not_live unless the fair is live at p_at (the database's clock decides).
CREATE FUNCTION fair_live_refusal(f fairs, p_at timestamptz) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN fair_status(f, p_at) <> 'live' THEN
        op_refusal('fair_not_live', format('fair %s is %s', f.id, fair_status(f, p_at)),
                   jsonb_build_object('status', fair_status(f, p_at))) END
$$;

-- Who may order, amend or cancel for a dealer: its own users, admins, and reps serving its
-- region (a rep without regions serves all). NULL when allowed, else the refusal.
CREATE FUNCTION order_actor_refusal(p_actor users, p_dealer dealers) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN p_actor.id IS NULL OR p_actor.disabled
                  OR (p_actor.role = 'dealer' AND p_actor.dealer_id IS DISTINCT FROM p_dealer.id)
                  OR rep_outside_regions(p_actor, p_dealer)
                  OR p_actor.role NOT IN ('dealer', 'rep', 'admin')
           THEN op_refusal('forbidden', format('user %s may not order for dealer %s',
                                               p_actor.id, p_dealer.id)) END
$$;

-- A copy of one of the dealer's addresses for an order: p_address, or its default (NULL
-- when it has none). NULL too when p_address is not the dealer's: is_theirs is false.
CREATE FUNCTION order_ship_to(p_dealer bigint, p_address bigint, OUT ship_to jsonb,
                              OUT is_theirs boolean)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    SELECT jsonb_build_object('id', a.id, 'label', a.label, 'recipient', a.recipient,
                              'phone', a.phone, 'address', a.address)
    INTO ship_to FROM dealer_addresses a
    WHERE a.dealer_id = p_dealer AND (a.id = p_address OR (p_address IS NULL AND a.is_default));
    is_theirs := p_address IS NULL OR ship_to IS NOT NULL;
END
$$;

-- Decides one order of a batch whose dealer and stock rows are already locked. Returns
-- {"order", "duplicate"[, "partial"]} or op_refusal(...); never raises for a refusal, and
-- changes nothing unless it accepts. p: {fair, dealer, actor, key, lines: [{variant, qty}],
-- partial?, ship_to?, note?} as checked by the server (sizes, types, no repeated variant).
CREATE FUNCTION order_decide(p jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v_fair_id   bigint := (p->>'fair')::bigint;
    v_dealer_id bigint := (p->>'dealer')::bigint;
    v_actor_id  bigint := (p->>'actor')::bigint;
    v_key       text := p->>'key';
    v_partial   boolean := coalesce((p->>'partial')::boolean, false);
    v_request   jsonb := order_request(p);
    v_order     orders;
    v_fair      fairs;
    v_dealer    dealers;
    v_actor     users;
    v_lines     order_line_eval[];
    v_refusal   jsonb;
    v_ship_to   jsonb;
    v_found     boolean;
    v_total     bigint;
BEGIN
    SELECT * INTO v_actor FROM users WHERE id = v_actor_id;
    SELECT * INTO v_dealer FROM dealers WHERE id = v_dealer_id;
    IF v_dealer.id IS NULL THEN
        RETURN op_refusal('not_found', format('dealer %s does not exist', v_dealer_id));
    END IF;
    v_refusal := order_actor_refusal(v_actor, v_dealer);
    IF v_refusal IS NOT NULL THEN
        RETURN v_refusal;
    END IF;

    -- The same key again: the same order, or a conflict when it asks for something else.
    SELECT * INTO v_order FROM orders WHERE dealer_id = v_dealer_id AND key = v_key;
    IF FOUND THEN
        IF v_order.request IS DISTINCT FROM v_request THEN
            RETURN op_refusal('conflict',
                format('key %s was already used by dealer %s for order %s with other lines',
                       v_key, v_dealer_id, v_order.id),
                jsonb_build_object('order', v_order.id));
        END IF;
        RETURN jsonb_build_object('order', order_json(v_order), 'duplicate', true);
    END IF;

    SELECT * INTO v_fair FROM fairs WHERE id = v_fair_id;
    IF NOT FOUND THEN
        RETURN op_refusal('not_found', format('fair %s does not exist', v_fair_id));
    END IF;
    -- The decision's own time, microseconds before the batch commits.
    v_refusal := fair_live_refusal(v_fair, clock_timestamp());
    IF v_refusal IS NOT NULL THEN
        RETURN v_refusal;
    END IF;

    SELECT * INTO v_lines, v_refusal
    FROM order_lines_read(v_fair_id, v_dealer.tier, p->'lines', NULL);
    IF v_refusal IS NOT NULL THEN
        RETURN v_refusal;
    END IF;
    SELECT * INTO v_ship_to, v_found FROM order_ship_to(v_dealer_id, (p->>'ship_to')::bigint);
    IF NOT v_found THEN
        RETURN op_refusal('bad_request',
            format('address %s is not an address of dealer %s', p->>'ship_to', v_dealer_id));
    END IF;
    SELECT * INTO v_lines, v_total, v_refusal
    FROM order_lines_fit(v_dealer, v_fair_id, v_lines, v_partial, NULL);
    IF v_refusal IS NOT NULL THEN
        RETURN v_refusal;
    END IF;

    INSERT INTO orders (fair_id, dealer_id, key, total, ship_to, note, placed_by, request,
                        created_at, updated_at)
    VALUES (v_fair_id, v_dealer_id, v_key, v_total, v_ship_to, coalesce(p->>'note', ''),
            v_actor_id, v_request, clock_timestamp(), clock_timestamp())
    RETURNING * INTO v_order;
    INSERT INTO order_lines (order_id, variant_id, qty, price)
    SELECT v_order.id, l.variant, l.take, l.price FROM unnest(v_lines) l WHERE l.take > 0;
    UPDATE stock s SET sold = s.sold + l.take
    FROM unnest(v_lines) l WHERE s.id = l.stock_id AND l.take > 0;
    INSERT INTO order_history (order_id, status, at, actor, note)
    VALUES (v_order.id, 'accepted', v_order.created_at, v_actor_id,
            CASE WHEN v_actor.role <> 'dealer'
                 THEN format('placed by %s (%s) for the dealer', v_actor.name, v_actor.role) END);

    RETURN jsonb_build_object('order', order_json(v_order), 'duplicate', false)
        || CASE WHEN v_partial THEN jsonb_build_object('partial',
               (SELECT jsonb_agg(jsonb_build_object('variant', l.variant, 'requested', l.qty,
                                                    'accepted', l.take) ORDER BY l.variant)
                FROM unnest(v_lines) l))
           ELSE '{}' END;
END
$$;

-- Units sold per item (the catalog's hot sort): one row per fair item, made with the item,
-- kept by a trigger on stock.
CREATE TABLE item_sales (
    fair_id    bigint NOT NULL,
    product_id bigint NOT NULL,
    sold       integer NOT NULL DEFAULT 0 CHECK (sold >= 0),
    PRIMARY KEY (fair_id, product_id),
    FOREIGN KEY (fair_id, product_id) REFERENCES fair_items ON DELETE CASCADE
);

INSERT INTO item_sales (fair_id, product_id, sold)
SELECT i.fair_id, i.product_id,
       coalesce((SELECT sum(s.sold) FROM stock s
                 WHERE s.fair_id = i.fair_id AND s.product_id = i.product_id), 0)
FROM fair_items i;

CREATE FUNCTION item_sales_create() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO item_sales (fair_id, product_id) VALUES (NEW.fair_id, NEW.product_id);
    RETURN NULL;
END
$$;

CREATE TRIGGER fair_items_sales AFTER INSERT ON fair_items
    FOR EACH ROW EXECUTE FUNCTION item_sales_create();

-- Locks the item_sales rows of some variants' items, in key order. Every writer of
-- stock.sold calls it right after locking those stock rows (DESIGN.md's one lock order:
-- dealers, stock, then these), so the trigger below only updates rows its transaction
-- already holds and two writers can never wait for each other's items.
CREATE FUNCTION item_sales_lock(p_fair bigint, p_variants bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM item_sales
    WHERE fair_id = p_fair AND product_id IN (SELECT product_id FROM stock
                                              WHERE fair_id = p_fair
                                                AND variant_id = ANY (p_variants))
    ORDER BY fair_id, product_id FOR NO KEY UPDATE;
END
$$;

CREATE FUNCTION item_sales_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE item_sales s SET sold = s.sold + d.delta
    FROM (SELECT n.fair_id, n.product_id, sum(n.sold - o.sold) AS delta
          FROM new_rows n JOIN old_rows o ON o.id = n.id
          WHERE n.sold <> o.sold
          GROUP BY n.fair_id, n.product_id) d
    WHERE s.fair_id = d.fair_id AND s.product_id = d.product_id;
    RETURN NULL;
END
$$;

CREATE TRIGGER stock_item_sales AFTER UPDATE ON stock
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION item_sales_follow();

-- One batch: p_batch is a JSON array of orders (see order_decide); the result is the array
-- of their decisions, in the same order. Locks dealer rows, then stock rows, each by id,
-- then the items' item_sales rows, before deciding anything; announces the new stock once
-- per fair.
-- Every statement of the batch is an index lookup by key: generic plans, planned once per
-- connection, instead of a custom plan per order (a third of the time per order).
CREATE FUNCTION order_place_batch(p_batch jsonb) RETURNS jsonb LANGUAGE plpgsql
SET plan_cache_mode = force_generic_plan AS $$
DECLARE
    v_decisions jsonb[] := '{}';
    v_decision  jsonb;
    v_order     jsonb;
    v_fair      record;
    v_rows      record;
BEGIN
    PERFORM 1 FROM dealers
    WHERE id IN (SELECT (e->>'dealer')::bigint FROM jsonb_array_elements(p_batch) e)
    ORDER BY id FOR NO KEY UPDATE;
    PERFORM 1 FROM stock
    WHERE (fair_id, variant_id) IN
          (SELECT (e->>'fair')::bigint, (l->>'variant')::bigint
           FROM jsonb_array_elements(p_batch) e, jsonb_array_elements(e->'lines') l)
    ORDER BY id FOR NO KEY UPDATE;
    PERFORM 1 FROM item_sales
    WHERE (fair_id, product_id) IN
          (SELECT s.fair_id, s.product_id FROM stock s
           WHERE (s.fair_id, s.variant_id) IN
                 (SELECT (e->>'fair')::bigint, (l->>'variant')::bigint
                  FROM jsonb_array_elements(p_batch) e, jsonb_array_elements(e->'lines') l))
    ORDER BY fair_id, product_id FOR NO KEY UPDATE;

    FOR v_order IN SELECT e FROM jsonb_array_elements(p_batch) WITH ORDINALITY AS b(e, n)
                   ORDER BY n LOOP
        v_decision := order_decide(v_order);
        v_decisions := v_decisions || v_decision;
    END LOOP;

    FOR v_fair IN
        SELECT (b.e->>'fair')::bigint AS id,
               array_agg(DISTINCT (l->>'variant')::bigint) AS variants
        FROM unnest(v_decisions) WITH ORDINALITY AS d(decision, n)
        JOIN jsonb_array_elements(p_batch) WITH ORDINALITY AS b(e, n) ON b.n = d.n
        CROSS JOIN jsonb_array_elements(b.e->'lines') l
        WHERE d.decision->>'duplicate' = 'false'
        GROUP BY 1
    LOOP
        PERFORM stock_notify(v_fair.id, v_fair.variants);
    END LOOP;
    -- The dashboard's totals (012_dashboard.sql), last: their rows come after every other
    -- lock of the batch.
    FOR v_fair IN
        SELECT (d.decision->'order'->>'fair')::bigint AS id,
               array_agg((d.decision->'order'->>'id')::bigint) AS orders
        FROM unnest(v_decisions) AS d(decision)
        WHERE d.decision->>'duplicate' = 'false'
        GROUP BY 1 ORDER BY 1
    LOOP
        SELECT * INTO v_rows FROM totals_order_rows(v_fair.orders, 1);
        PERFORM totals_apply(v_fair.id, v_rows.orders, v_rows.products);
    END LOOP;
    RETURN to_jsonb(v_decisions);
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
CREATE FUNCTION order_resolve(p_pid integer, p_sent_ms bigint, p_batch jsonb)
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
