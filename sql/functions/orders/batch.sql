-- order.place: the orders that arrived while the previous batch was in flight, placed in
-- one call (order/order_intake.c; DESIGN.md, Orders: the hot path).

-- Inserts the orders a batch accepted as plain among its orders p_from .. p_to (those with
-- an id in p_ids), with their lines and the discounts the fair's policies give them
-- (p_early, p_tier; NULL: none yet, stamped later by policy_restamp); ids were taken in
-- batch order when they were accepted.
-- Returns, for each of p_from .. p_to, the text of the order as clients see it and its
-- created_at (NULL for those it did not insert).
CREATE OR REPLACE FUNCTION order_batch_insert(p_batch jsonb, p_from integer, p_to integer,
                                              p_ids bigint[], p_totals bigint[],
                                              p_ship_to jsonb[], p_first integer[],
                                              p_last integer[], p_variants bigint[],
                                              p_qty integer[], p_prices bigint[],
                                              p_early bigint[], p_tier bigint[],
                                              OUT made text[], OUT made_at timestamptz[])
LANGUAGE plpgsql AS $$
BEGIN
    made := '{}';
    made_at := '{}';
    IF p_from > p_to THEN
        RETURN;
    END IF;
    WITH ins AS (
        INSERT INTO orders (id, fair_id, dealer_id, key, total, ship_to, note, placed_by,
                            request, created_at, updated_at, early_discount, tier_discount)
        SELECT p_ids[i], (e->>'fair')::bigint, (e->>'dealer')::bigint, e->>'key', p_totals[i],
               p_ship_to[i], coalesce(e->>'note', ''), (e->>'actor')::bigint,
               order_request_json((e->>'fair')::bigint, false,
                   (SELECT jsonb_agg(jsonb_build_array(p_variants[j], p_qty[j])
                                     ORDER BY p_variants[j])
                    FROM generate_series(p_first[i], p_last[i]) j)),
               clock_timestamp(), clock_timestamp(), coalesce(p_early[i], 0),
               coalesce(p_tier[i], 0)
        FROM generate_series(p_from, p_to) i, LATERAL (SELECT p_batch->(i - 1) AS e) b
        WHERE p_ids[i] IS NOT NULL
        ORDER BY i
        RETURNING *
    ), ins_lines AS (
        INSERT INTO order_lines (order_id, variant_id, qty, price)
        SELECT p_ids[i], p_variants[j], p_qty[j], p_prices[j]
        FROM generate_series(p_from, p_to) i, generate_series(p_first[i], p_last[i]) j
        WHERE p_ids[i] IS NOT NULL
        RETURNING *
    ), lines AS (
        -- each line's variant by one probe: the generic plan guessed a million lines and
        -- hashed the whole variants table, every variant of every season, for every batch
        -- (9 of a one-order batch's 12 ms with 40 seasons' 41,000 variants)
        SELECT l.order_id,
               json_agg(order_line_json_text(ROW(l.*)::order_lines, v.v)
                        ORDER BY (v.v).product_id, (v.v).sort, (v.v).id) AS lines
        FROM ins_lines l
        CROSS JOIN LATERAL (SELECT v FROM variants v WHERE v.id = l.variant_id OFFSET 0) v
        GROUP BY l.order_id
    )
    SELECT array_agg(CASE WHEN o.id IS NOT NULL
                          THEN order_json_text_with(ROW(o.*)::orders,
                                                    coalesce(l.lines, '[]'))::text END
                     ORDER BY x.i),
           array_agg(o.created_at ORDER BY x.i)
    INTO made, made_at
    FROM generate_series(p_from, p_to) x(i)
    LEFT JOIN ins o ON o.id = p_ids[x.i]
    LEFT JOIN lines l ON l.order_id = o.id;
END
$$;

-- The batch's stages after its decisions, once for the whole batch (account): what the new
-- orders took from stock (the items' item_sales rows are locked only now, still after the
-- stock rows: two batches for different variants of one item decide side by side and wait
-- for each other only here, at their end), their first history entries, the dashboard's
-- totals (totals_add: their rows come after every other lock of the batch) and last the
-- stock notification, so that its `at` is as close to the commit as it can be (024).
--
-- p_fair[i] .. p_note[i] describe order i of the batch; p_id[i] is set for the plain
-- orders the batch inserted (p_at their created_at, p_first .. p_last their lines in
-- p_product, p_qty and p_price); p_other are the orders order_decide made (p_other_n
-- their places in the batch); p_slot_fair,
-- p_slot_variant and p_taken what the new orders took of each (fair, variant).
CREATE OR REPLACE FUNCTION order_batch_account(p_fair bigint[], p_dealer bigint[], p_actor bigint[],
                                               p_id bigint[], p_at timestamptz[],
                                               p_units bigint[], p_total bigint[], p_note text[],
                                               p_first integer[], p_last integer[],
                                               p_product bigint[], p_qty integer[],
                                               p_price bigint[], p_other bigint[],
                                               p_other_n integer[],
                                               p_slot_fair bigint[], p_slot_variant bigint[],
                                               p_taken integer[])
RETURNS void LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan SET jit = off AS $$
DECLARE
    v_fair record;
BEGIN
    -- Stock, in one statement (one run of the item_sales trigger). The CHECK (sold <=
    -- allocation) still guards the sum.
    PERFORM 1 FROM item_sales
    WHERE (fair_id, product_id) IN
          (SELECT s.fair_id, s.product_id
           FROM unnest(p_slot_fair, p_slot_variant, p_taken) AS k(fair, variant, taken)
           JOIN stock s ON s.fair_id = k.fair AND s.variant_id = k.variant
           WHERE k.taken > 0)
    ORDER BY fair_id, product_id FOR NO KEY UPDATE;
    UPDATE stock s SET sold = s.sold + t.units
    FROM unnest(p_slot_fair, p_slot_variant, p_taken) AS t(fair, variant, units)
    WHERE s.fair_id = t.fair AND s.variant_id = t.variant AND t.units > 0;

    -- History: each new order's first entry, in the batch's order.
    INSERT INTO order_history (order_id, status, at, actor, note)
    SELECT h.id, 'accepted', h.at, h.actor, h.note
    FROM (SELECT i AS n, p_id[i] AS id, p_at[i] AS at, p_actor[i] AS actor, p_note[i] AS note
          FROM generate_subscripts(p_id, 1) i WHERE p_id[i] IS NOT NULL
          UNION ALL
          SELECT x.n, o.id, o.created_at, o.placed_by,
                 CASE WHEN u.role <> 'dealer'
                      THEN format('placed by %s (%s) for the dealer', u.name, u.role) END
          FROM unnest(p_other, p_other_n) AS x(id, n)
          JOIN orders o ON o.id = x.id JOIN users u ON u.id = o.placed_by) h
    ORDER BY h.n;

    -- The dashboard's totals, per fair.
    FOR v_fair IN
        WITH made AS (
            SELECT p_fair[i] AS fair, p_dealer[i] AS dealer, p_at[i] AS at, p_units[i] AS units,
                   p_total[i] AS amount
            FROM generate_subscripts(p_id, 1) i WHERE p_id[i] IS NOT NULL
            UNION ALL
            SELECT o.fair_id, o.dealer_id, o.created_at,
                   (SELECT sum(l.qty) FROM order_lines l WHERE l.order_id = o.id), o.total
            FROM orders o WHERE o.id = ANY (p_other)
        ), made_lines AS (
            SELECT p_fair[i] AS fair, p_product[j] AS product, p_qty[j]::bigint AS units,
                   p_qty[j]::bigint * p_price[j] AS amount
            FROM generate_subscripts(p_id, 1) i, generate_series(p_first[i], p_last[i]) j
            WHERE p_id[i] IS NOT NULL
            UNION ALL
            SELECT o.fair_id, v.product_id, l.qty, l.qty::bigint * l.price
            FROM orders o JOIN order_lines l ON l.order_id = o.id
            JOIN variants v ON v.id = l.variant_id
            WHERE o.id = ANY (p_other)
        )
        SELECT m.fair AS id, m.dealers, m.ats, m.units, m.amounts,
               p.products, p.units AS product_units, p.amounts AS product_amounts
        FROM (SELECT fair, array_agg(dealer) AS dealers, array_agg(at) AS ats,
                     array_agg(units) AS units, array_agg(amount) AS amounts
              FROM made GROUP BY fair) m
        JOIN (SELECT fair, array_agg(product) AS products, array_agg(units) AS units,
                     array_agg(amount) AS amounts
              FROM made_lines GROUP BY fair) p ON p.fair = m.fair
        ORDER BY m.fair
    LOOP
        PERFORM totals_add(v_fair.id, v_fair.dealers, v_fair.ats,
                           array_fill(1, ARRAY[cardinality(v_fair.dealers)]), v_fair.units,
                           v_fair.amounts, v_fair.products, v_fair.product_units,
                           v_fair.product_amounts);
    END LOOP;

    -- The stock notification, last: its `at` is the commit time clients are told (024).
    FOR v_fair IN
        SELECT k.fair AS id, array_agg(k.variant ORDER BY k.variant) AS variants
        FROM unnest(p_slot_fair, p_slot_variant, p_taken) AS k(fair, variant, taken)
        WHERE k.taken > 0
        GROUP BY k.fair
        ORDER BY k.fair
    LOOP
        PERFORM stock_notify(v_fair.id, v_fair.variants);
    END LOOP;
END
$$;

-- One batch: p_batch is a JSON array of orders (see order_decide); the result is a row per
-- order, in the same order, with its decision's kind (made, duplicate or refused) and text,
-- which the server passes on: it wraps the text of an order's decision into its reply as it
-- is, and parses only the refusals, whose code it maps (022). One transaction and one WAL flush for all of them
-- (group commit). No order raises (a raise would fail the whole batch, and an exception
-- block per order is a subtransaction each): each is decided against rows the batch has
-- already locked in the one global order, dealer rows by id, then stock rows by id, so
-- limits that span orders (per-dealer item limit, credit) are read under the dealer lock
-- and two batches can never both spend the same credit. First come, first served inside a
-- batch.
--
-- The stages, in order:
--   1. parse: the orders and their lines into arrays, once (no table is read);
--   2. lock: the dealers' rows, then the stock rows, then the coupons applied, each by id,
--      reading them as locked;
--   3. read: per line its item and price now, per order whether it is plain (below) and
--      what deciding it needs; the dealers' open credit and what they ordered of limited
--      products. Every lookup is by key (`= ANY (array)` or one probe per row), whatever
--      the statistics say: a join planned from the batch's estimated size scanned every
--      stock row of every fair (the generic plan guesses 10,000 lines);
--   4. decide: one pass over the orders in arrival order, over arrays;
--   5. write: the plain orders accepted and their lines, in one statement
--      (order_batch_insert), which also makes their replies;
--   6. account and notify: order_batch_account (whose totals_add also restamps the
--      discounts of the dealers' orders at a fair with policies, 039);
--   7. at a fair with policies, the replies of the new orders whose discounts the restamp
--      changed made again from the rows, so that they show them.
--
-- A plain order (its dealer exists and its actor may order for it, its key is new to the
-- database and to the batch, its fair is live, its lines are all offered, not withdrawn and
-- not in packs, it meets every moq, its address is the dealer's, it is not partial and
-- applies no coupon) is
-- decided here from what the batch read once, with arithmetic over arrays: stock, then
-- limits, then credit (the kept dealer_credit), with order_lines_fit's messages (017), then
-- the fair's minimum total per dealer (039).
-- Every other order is decided by order_decide, after the plain orders accepted before it
-- are inserted, so it sees them.
-- Every statement is planned once per connection (generic plans), instead of a custom plan
-- per order (a third of the time per order). No JIT: generic plans over arrays are
-- estimated at a thousand rows per generate_series, and an insert crossed jit_above_cost,
-- 52 ms compiling a statement that runs in 10 (021).
-- Why each version changed, measured: the headers of sql/008, 014, 017, 021, 024, 035, 036
-- and docs/BENCHMARKS.md (issue 26).
CREATE OR REPLACE FUNCTION order_place_batch_rows(p_batch jsonb)
RETURNS TABLE (kind text, decision text) LANGUAGE plpgsql
SET plan_cache_mode = force_generic_plan SET jit = off AS $$
DECLARE
    v_now       timestamptz;  -- the decisions' time: after the locks, which may wait
    v_n         integer := jsonb_array_length(p_batch);
    v_decisions jsonb[] := array_fill(NULL::jsonb, ARRAY[v_n]);
    v_decision  jsonb;
    v_order     jsonb;
    -- Per order, by position in the batch.
    o_dealer    bigint[];
    o_actor     bigint[];
    o_fair      bigint[];
    o_key       text[];
    o_partial   boolean[];
    o_ship_req  bigint[];    -- the address it asks for (NULL: the dealer's default)
    o_coupon    text[];      -- the coupon it applies (NULL: none; decided by order_decide)
    o_plain     boolean[];   -- decided here; else by order_decide
    o_dslot     integer[];   -- the dealer's slot in d_*
    o_total     bigint[];
    o_ship_to   jsonb[];
    o_first     integer[];   -- its lines are l_*[o_first .. o_last]
    o_last      integer[];
    o_kfirst    integer[];   -- its limited products are k_*[o_kfirst .. o_klast]
    o_klast     integer[];
    o_id        bigint[];    -- the order made here, once accepted
    o_units     bigint[];    -- the units of its lines
    o_note      text[];      -- its first history entry's note (placed by a rep)
    o_made      text[];      -- the text of the order as clients see it, once inserted
    o_at        timestamptz[]; -- and its created_at
    v_other     bigint[] := '{}'; -- orders made by order_decide (not plain)
    v_other_n   integer[] := '{}'; -- and their places in the batch
    -- Per dealer of the batch, by id.
    d_id        bigint[];
    d_row       dealers[];   -- its row (id NULL: no such dealer)
    v_open      bigint[];    -- the total of its open orders
    -- Per (fair, variant) the batch names, by fair then variant: its stock slot.
    s_fair      bigint[];
    s_variant   bigint[];
    s_product   bigint[];    -- the stock row's product (NULL: not offered at that fair)
    s_item      fair_items[]; -- that product's item at the fair
    v_left      integer[];   -- remaining stock when the batch locked it
    v_taken     integer[];   -- units the batch's new orders took
    x_fair      bigint[];    -- the stock rows locked, by fair and variant
    x_variant   bigint[];
    v_slot      jsonb;       -- {"<fair>:<variant>": slot}, once an order needs order_decide
    -- Per fair of the batch, by id.
    f_id        bigint[];
    f_live      boolean[];   -- whether it is live now
    f_min       bigint[];    -- the least total per dealer its policies ask (0: none)
    f_policy    boolean[];   -- whether it has policies (039)
    f_early_until timestamptz[]; -- orders placed before take f_early_bp off
    f_early_bp  integer[];
    -- Per (dealer, fair) of the batch, once a fair of the batch has policies.
    v_gslot     jsonb;       -- {"<dealer>:<fair>": slot in v_gross}
    v_gross     bigint[];    -- the dealer's total at the fair, with the batch's orders so far
    g_fair      bigint[];    -- the slot's fair
    o_gslot     integer[];   -- per order, its slot in v_gross
    o_early     bigint[];    -- the discounts its policies give a plain order, as inserted
    o_tier      bigint[];
    -- Per line of the batch, by order then variant.
    l_variant   bigint[];
    l_qty       integer[];
    l_price     bigint[];
    l_slot      integer[];   -- the line's stock slot
    l_order     integer[];   -- and, to sum them per order and product:
    l_product   bigint[];
    l_plain     boolean[];   -- offered, on sale, not in packs
    l_moq       integer[];
    l_limit     integer[];
    -- Per product with a dealer limit in an order, by order then product.
    k_order     integer[];
    k_product   bigint[];
    k_key       text[];      -- "<dealer>:<fair>:<product>"
    k_slot      integer[];   -- the (dealer, fair, product) in v_ordered
    k_qty       integer[];
    k_limit     integer[];
    -- What the decisions change. Arrays updated by element stay in place in plpgsql; a
    -- jsonb map or `array || x` would be copied whole for every order.
    v_kslot     jsonb;       -- {"<dealer>:<fair>:<product>": slot in v_ordered}
    v_ordered   bigint[];    -- units of a limited product a dealer has ordered at the fair
    v_flushed   integer := 0; -- plain orders up to here are inserted
    v_short     jsonb;
    v_held      jsonb;
    v_line      record;
    v_s         integer;
    v_d         integer;
    v_refused   boolean;
    v_refusal   jsonb;
BEGIN
    -- 1. Parse. Slots: the distinct dealers by id and the distinct (fair, variant) pairs by
    -- fair and variant, numbered by dense_rank as each order and line is read (a join of
    -- two arrays would be planned as a nested loop over both).
    SELECT array_agg(x.dealer ORDER BY x.n), array_agg(x.actor ORDER BY x.n),
           array_agg(x.fair ORDER BY x.n), array_agg(x.key ORDER BY x.n),
           array_agg(coalesce(x.partial, false) ORDER BY x.n), array_agg(x.ship_to ORDER BY x.n),
           array_agg(x.dslot ORDER BY x.n), array_agg(upper(x.coupon) ORDER BY x.n)
    INTO o_dealer, o_actor, o_fair, o_key, o_partial, o_ship_req, o_dslot, o_coupon
    FROM (SELECT r.*, dense_rank() OVER (ORDER BY r.dealer)::integer AS dslot
          FROM ROWS FROM (jsonb_to_recordset(p_batch)
                          AS (dealer bigint, actor bigint, fair bigint, key text,
                              partial boolean, ship_to bigint, coupon text))
               WITH ORDINALITY AS r(dealer, actor, fair, key, partial, ship_to, coupon, n)) x;
    SELECT array_agg(x.n ORDER BY x.n, x.variant), array_agg(x.variant ORDER BY x.n, x.variant),
           array_agg(x.qty ORDER BY x.n, x.variant), array_agg(x.slot ORDER BY x.n, x.variant)
    INTO l_order, l_variant, l_qty, l_slot
    FROM (SELECT b.n::integer AS n, l.variant, l.qty,
                 dense_rank() OVER (ORDER BY o_fair[b.n], l.variant)::integer AS slot
          FROM jsonb_array_elements(p_batch) WITH ORDINALITY AS b(e, n)
          CROSS JOIN jsonb_to_recordset(b.e->'lines') AS l(variant bigint, qty integer)) x;
    SELECT array_agg(DISTINCT d) INTO d_id FROM unnest(o_dealer) d;
    SELECT array_agg(k.fair ORDER BY k.fair, k.variant), array_agg(k.variant ORDER BY k.fair, k.variant)
    INTO s_fair, s_variant
    FROM (SELECT DISTINCT o_fair[l.n] AS fair, l.variant
          FROM unnest(l_order, l_variant) AS l(n, variant)) k;
    SELECT array_agg(DISTINCT f) INTO f_id FROM unnest(s_fair) f;

    -- 2. Lock, in the one global order: dealers by id, then stock rows by id (those of a
    -- variant also offered at another fair of the batch too: harmless, still in order).
    -- A row read as it is locked is its newest version, whatever the statement's snapshot.
    SELECT array_agg(x.d ORDER BY (x.d).id) INTO d_row
    FROM (SELECT d FROM dealers d WHERE d.id = ANY (d_id) ORDER BY d.id FOR NO KEY UPDATE) x;
    SELECT array_agg(x.fair_id ORDER BY x.fair_id, x.variant_id),
           array_agg(x.variant_id ORDER BY x.fair_id, x.variant_id),
           array_agg(x.product_id ORDER BY x.fair_id, x.variant_id),
           array_agg(x.left_now ORDER BY x.fair_id, x.variant_id)
    INTO x_fair, x_variant, s_product, v_left
    FROM (SELECT s.fair_id, s.variant_id, s.product_id, s.allocation - s.sold AS left_now
          FROM stock s WHERE s.fair_id = ANY (f_id) AND s.variant_id = ANY (s_variant)
          ORDER BY s.id FOR NO KEY UPDATE) x;
    -- Then the coupons the orders apply, by id (042): order_decide counts their uses.
    IF EXISTS (SELECT 1 FROM unnest(o_coupon) c WHERE c IS NOT NULL) THEN
        PERFORM 1 FROM coupons c
        WHERE (c.fair_id, c.code) IN (SELECT o_fair[n], o_coupon[n]
                                      FROM generate_series(1, v_n) n
                                      WHERE o_coupon[n] IS NOT NULL)
        ORDER BY c.id FOR NO KEY UPDATE;
    END IF;
    v_now := clock_timestamp();

    -- 3. Read, after the locks: each statement's snapshot sees what the batches before this
    -- one committed for these dealers and variants (open credit, orders, keys).
    -- LATERAL ... OFFSET 0 is one index probe a row, whatever the planner estimates.
    -- The locked rows are the slots, in their order, unless a dealer or a (fair, variant)
    -- has none (or another fair's row of a variant was locked too): then each slot's own.
    IF cardinality(d_row) IS DISTINCT FROM cardinality(d_id) THEN
        SELECT array_agg(x.d ORDER BY k.n) INTO d_row
        FROM unnest(d_id) WITH ORDINALITY AS k(id, n)
        LEFT JOIN LATERAL (SELECT d FROM dealers d WHERE d.id = k.id OFFSET 0) x ON true;
    END IF;
    IF x_fair IS DISTINCT FROM s_fair OR x_variant IS DISTINCT FROM s_variant THEN
        SELECT array_agg(x.product_id ORDER BY k.n), array_agg(x.left_now ORDER BY k.n)
        INTO s_product, v_left
        FROM unnest(s_fair, s_variant) WITH ORDINALITY AS k(fair, variant, n)
        LEFT JOIN LATERAL (
            SELECT s.product_id, s.allocation - s.sold AS left_now FROM stock s
            WHERE s.fair_id = k.fair AND s.variant_id = k.variant OFFSET 0) x ON true;
    END IF;
    SELECT array_agg(coalesce(c.open_total, 0) ORDER BY k.n) INTO v_open
    FROM unnest(d_id) WITH ORDINALITY AS k(id, n)
    LEFT JOIN LATERAL (SELECT c.open_total FROM dealer_credit c WHERE c.dealer_id = k.id
                       OFFSET 0) c ON true;
    SELECT array_agg(x.i ORDER BY k.n) INTO s_item
    FROM unnest(s_fair, s_product) WITH ORDINALITY AS k(fair, product, n)
    LEFT JOIN LATERAL (SELECT i FROM fair_items i
                       WHERE i.fair_id = k.fair AND i.product_id = k.product OFFSET 0) x ON true;
    SELECT array_agg(fair_live_refusal(f, v_now) IS NULL ORDER BY f.id) INTO f_live
    FROM fairs f WHERE f.id = ANY (f_id);
    IF cardinality(f_live) IS DISTINCT FROM cardinality(f_id) THEN
        SELECT array_agg(coalesce(fair_live_refusal(x.f, v_now) IS NULL, false) ORDER BY k.n)
        INTO f_live
        FROM unnest(f_id) WITH ORDINALITY AS k(id, n)
        LEFT JOIN LATERAL (SELECT f FROM fairs f WHERE f.id = k.id OFFSET 0) x ON true;
    END IF;
    -- The fairs' policies (039): the minimum total and the discounts need each dealer's
    -- total at each fair.
    SELECT array_agg(coalesce(p.min_total, 0) ORDER BY k.n), array_agg(p.fair_id IS NOT NULL ORDER BY k.n),
           array_agg(p.early_until ORDER BY k.n), array_agg(coalesce(p.early_bp, 0) ORDER BY k.n)
    INTO f_min, f_policy, f_early_until, f_early_bp
    FROM unnest(f_id) WITH ORDINALITY AS k(id, n)
    LEFT JOIN LATERAL (SELECT p.fair_id, p.min_total, p.early_bp,
                              f.starts_at + p.early_minutes * interval '1 minute' AS early_until
                       FROM fair_policies p JOIN fairs f ON f.id = p.fair_id
                       WHERE p.fair_id = k.id OFFSET 0) p ON true;
    IF true = ANY (f_policy) THEN
        SELECT jsonb_object_agg(y.k, y.slot), array_agg(y.total ORDER BY y.slot),
               array_agg(y.fair ORDER BY y.slot)
        INTO v_gslot, v_gross, g_fair
        FROM (SELECT x.k, x.fair, row_number() OVER (ORDER BY x.k) AS slot,
                     coalesce((SELECT t.amount FROM fair_dealer_totals t
                               WHERE t.fair_id = x.fair AND t.dealer_id = x.dealer), 0) AS total
              FROM (SELECT DISTINCT o_dealer[n] || ':' || o_fair[n] AS k, o_dealer[n] AS dealer,
                                    o_fair[n] AS fair
                    FROM generate_series(1, v_n) n) x) y;
        SELECT array_agg((v_gslot->>(o_dealer[n] || ':' || o_fair[n]))::integer ORDER BY n)
        INTO o_gslot FROM generate_series(1, v_n) n;
    END IF;
    v_taken := array_fill(0, ARRAY[cardinality(s_fair)]);

    -- Every line: its product, whether a plain order may have it, and the dealer's price
    -- now (its tier's price: one probe a line).
    SELECT array_agg(x.product ORDER BY x.j), array_agg(x.plain ORDER BY x.j),
           array_agg(x.moq ORDER BY x.j), array_agg(x.dealer_limit ORDER BY x.j),
           array_agg(x.price ORDER BY x.j)
    INTO l_product, l_plain, l_moq, l_limit, l_price
    FROM (SELECT l.j, s_product[l.slot] AS product, (s_item[l.slot]).moq,
                 (s_item[l.slot]).dealer_limit,
                 coalesce(s_product[l.slot] IS NOT NULL AND NOT (s_item[l.slot]).withdrawn
                          AND (s_item[l.slot]).pack IS NULL, false) AS plain,
                 item_price_at(s_item[l.slot], tp.price, v_now) AS price
          FROM unnest(l_order, l_slot) WITH ORDINALITY AS l(n, slot, j)
          LEFT JOIN LATERAL (
              SELECT tp.price FROM fair_item_prices tp
              WHERE tp.fair_id = o_fair[l.n] AND tp.product_id = s_product[l.slot]
                AND tp.tier = (d_row[o_dslot[l.n]]).tier
              OFFSET 0) tp ON true) x;

    -- Dealer limits: per order, each limited product with the units it asks for; a slot per
    -- (dealer, fair, product) with the units the dealer has ordered there so far.
    SELECT array_agg(x.n ORDER BY x.n, x.product), array_agg(x.product ORDER BY x.n, x.product),
           array_agg(x.qty ORDER BY x.n, x.product), array_agg(x.lim ORDER BY x.n, x.product),
           array_agg(x.k ORDER BY x.n, x.product)
    INTO k_order, k_product, k_qty, k_limit, k_key
    FROM (SELECT l.n, l.product, sum(l.qty)::integer AS qty, min(l.lim) AS lim,
                 concat_ws(':', o_dealer[l.n], o_fair[l.n], l.product) AS k
          FROM unnest(l_order, l_product, l_qty, l_limit) AS l(n, product, qty, lim)
          WHERE l.lim IS NOT NULL
          GROUP BY l.n, l.product) x;
    SELECT jsonb_object_agg(y.k, y.slot), array_agg(y.ordered ORDER BY y.slot)
    INTO v_kslot, v_ordered
    FROM (SELECT x.k, row_number() OVER (ORDER BY x.k) AS slot,
                 (SELECT coalesce(sum(ol.qty), 0) FROM orders o
                  JOIN order_lines ol ON ol.order_id = o.id
                  JOIN variants v ON v.id = ol.variant_id
                  WHERE o.dealer_id = split_part(x.k, ':', 1)::bigint
                    AND o.fair_id = split_part(x.k, ':', 2)::bigint
                    AND v.product_id = split_part(x.k, ':', 3)::bigint
                    AND o.status NOT IN ('cancelled', 'rejected')) AS ordered
          FROM (SELECT DISTINCT k FROM unnest(k_key) AS k) x) y;
    SELECT array_agg((v_kslot->>k)::integer ORDER BY n) INTO k_slot
    FROM unnest(k_key) WITH ORDINALITY AS u(k, n);

    -- Every order: whether it is plain, and what deciding it needs.
    SELECT array_agg(x.plain ORDER BY x.n), array_agg(x.total ORDER BY x.n),
           array_agg(x.ship_to ORDER BY x.n),
           array_agg(coalesce(x.first, 1) ORDER BY x.n), array_agg(coalesce(x.last, 0) ORDER BY x.n),
           array_agg(coalesce(x.kfirst, 1) ORDER BY x.n), array_agg(coalesce(x.klast, 0) ORDER BY x.n),
           array_agg(x.units ORDER BY x.n), array_agg(x.note ORDER BY x.n)
    INTO o_plain, o_total, o_ship_to, o_first, o_last, o_kfirst, o_klast, o_units, o_note
    FROM (SELECT b.n, lo.total, st.ship_to, lo.first, lo.last, ko.kfirst, ko.klast, lo.units,
                 CASE WHEN (u.u).role <> 'dealer'
                      THEN format('placed by %s (%s) for the dealer', (u.u).name, (u.u).role)
                 END AS note,
                 coalesce((d_row[o_dslot[b.n]]).id IS NOT NULL
                          AND order_actor_refusal(u.u, d_row[o_dslot[b.n]]) IS NULL
                          AND NOT o_partial[b.n] AND ex.id IS NULL AND o_coupon[b.n] IS NULL
                          AND row_number() OVER (PARTITION BY o_dealer[b.n], o_key[b.n]
                                                 ORDER BY b.n) = 1
                          AND f_live[array_position(f_id, o_fair[b.n])]
                          AND lo.plain
                          AND (o_ship_req[b.n] IS NULL OR st.ship_to IS NOT NULL),
                          false) AS plain
          FROM generate_series(1, v_n) AS b(n)
          LEFT JOIN LATERAL (SELECT u FROM users u WHERE u.id = o_actor[b.n] OFFSET 0) u ON true
          LEFT JOIN LATERAL (
              SELECT ex.id FROM orders ex
              WHERE ex.dealer_id = o_dealer[b.n] AND ex.key = o_key[b.n]
              OFFSET 0) ex ON true
          LEFT JOIN LATERAL (
              SELECT order_address_json(a) AS ship_to FROM dealer_addresses a
              WHERE a.dealer_id = o_dealer[b.n]
                AND (a.id = o_ship_req[b.n] OR (o_ship_req[b.n] IS NULL AND a.is_default))
              OFFSET 0) st ON true
          LEFT JOIN (SELECT p.n, bool_and(p.plain AND p.qty >= p.moq) AS plain,
                            sum(p.total) AS total, sum(p.qty) AS units,
                            min(p.first) AS first, max(p.last) AS last
                     FROM (SELECT l.n, l.product, bool_and(l.plain) AS plain, sum(l.qty) AS qty,
                                  min(l.moq) AS moq, sum(l.qty::bigint * l.price) AS total,
                                  min(l.j) AS first, max(l.j) AS last
                           FROM unnest(l_order, l_product, l_plain, l_qty, l_moq, l_price)
                                WITH ORDINALITY AS l(n, product, plain, qty, moq, price, j)
                           GROUP BY l.n, l.product) p
                     GROUP BY p.n) lo ON lo.n = b.n
          LEFT JOIN (SELECT k.n, min(k.j)::integer AS kfirst, max(k.j)::integer AS klast
                     FROM unnest(k_order) WITH ORDINALITY AS k(n, j)
                     GROUP BY k.n) ko ON ko.n = b.n) x;
    o_id := array_fill(NULL::bigint, ARRAY[v_n]);
    o_made := '{}';
    o_at := '{}';

    -- 4. Decide, first come first served.
    FOR v_i IN 1 .. v_n LOOP
        v_d := o_dslot[v_i];
        -- What its lines lack once the orders before it in the batch took theirs (a partial
        -- order takes what is there instead).
        v_short := NULL;
        IF NOT o_partial[v_i] THEN
            FOR v_j IN o_first[v_i] .. o_last[v_i] LOOP
                v_s := l_slot[v_j];
                IF l_qty[v_j] > v_left[v_s] - v_taken[v_s] THEN
                    v_short := coalesce(v_short, '{}') || jsonb_build_object(
                        l_variant[v_j]::text, greatest(v_left[v_s] - v_taken[v_s], 0));
                END IF;
            END LOOP;
        END IF;

        IF NOT o_plain[v_i] THEN
            -- By order_decide, as before 017, after the plain orders before it are in.
            v_order := p_batch->(v_i - 1);
            SELECT o_made || m.made, o_at || m.made_at INTO o_made, o_at
            FROM order_batch_insert(p_batch, v_flushed + 1, v_i - 1, o_id, o_total, o_ship_to,
                                    o_first, o_last, l_variant, l_qty, l_price, NULL, NULL) m;
            v_flushed := v_i - 1;
            -- Sold out by the orders before it (at 10:00:00, most of a batch for the hero
            -- variant): refused without the rest of the checks, like the server's fast
            -- refusal, unless its key is taken (a retry gets its order or its conflict).
            IF v_short IS NOT NULL AND NOT EXISTS (
                    SELECT 1 FROM orders WHERE dealer_id = o_dealer[v_i]
                                           AND key = o_key[v_i]) THEN
                v_decisions[v_i] := order_stock_refusal(v_short);
                CONTINUE;
            END IF;
            SELECT jsonb_object_agg(l_variant[j], -v_taken[l_slot[j]]) INTO v_held
            FROM generate_series(o_first[v_i], o_last[v_i]) j;
            IF o_gslot IS NOT NULL THEN
                v_order := v_order || jsonb_build_object('dealer_total', v_gross[o_gslot[v_i]]);
            END IF;
            v_decision := order_decide(v_order || jsonb_build_object('held', v_held));
            IF v_slot IS NULL THEN
                SELECT jsonb_object_agg(k.fair || ':' || k.variant, k.n) INTO v_slot
                FROM unnest(s_fair, s_variant) WITH ORDINALITY AS k(fair, variant, n);
            END IF;
            v_decisions[v_i] := v_decision;
            IF v_decision->>'duplicate' = 'false' THEN
                v_other := v_other || (v_decision->'order'->>'id')::bigint;
                v_other_n := v_other_n || v_i;
                v_open[v_d] := v_open[v_d] + (v_decision->'order'->>'total')::bigint;
                IF o_gslot IS NOT NULL THEN
                    v_gross[o_gslot[v_i]] := v_gross[o_gslot[v_i]]
                                             + (v_decision->'order'->>'total')::bigint;
                END IF;
                FOR v_line IN
                    SELECT (v_slot->>(o_fair[v_i] || ':' || (l->>'variant')))::integer AS slot,
                           (v_kslot->>concat_ws(':', o_dealer[v_i], o_fair[v_i],
                                                l->>'product'))::integer AS kslot,
                           (l->>'qty')::integer AS qty
                    FROM jsonb_array_elements(v_decision->'order'->'lines') l
                LOOP
                    v_taken[v_line.slot] := v_taken[v_line.slot] + v_line.qty;
                    IF v_line.kslot IS NOT NULL THEN
                        v_ordered[v_line.kslot] := v_ordered[v_line.kslot] + v_line.qty;
                    END IF;
                END LOOP;
            END IF;
            CONTINUE;
        END IF;

        -- A plain order: stock, then dealer limits, then credit (as order_lines_fit).
        IF v_short IS NOT NULL THEN
            v_decisions[v_i] := order_stock_refusal(v_short);
            CONTINUE;
        END IF;
        v_refused := false;
        FOR v_k IN o_kfirst[v_i] .. o_klast[v_i] LOOP
            IF v_ordered[k_slot[v_k]] + k_qty[v_k] > k_limit[v_k] THEN
                v_decisions[v_i] := order_limit_refusal(k_product[v_k], k_limit[v_k],
                    o_dealer[v_i], v_ordered[k_slot[v_k]], k_qty[v_k]);
                v_refused := true;
                EXIT;
            END IF;
        END LOOP;
        CONTINUE WHEN v_refused;
        IF v_open[v_d] + o_total[v_i] > (d_row[v_d]).credit_limit THEN
            v_decisions[v_i] := order_credit_refusal(o_total[v_i], o_dealer[v_i],
                                                     (d_row[v_d]).credit_limit - v_open[v_d]);
            CONTINUE;
        END IF;
        IF o_gslot IS NOT NULL THEN
            IF v_gross[o_gslot[v_i]] + o_total[v_i] < f_min[array_position(f_id, o_fair[v_i])] THEN
                v_decisions[v_i] := policy_minimum_refusal(o_fair[v_i], o_dealer[v_i],
                    v_gross[o_gslot[v_i]], v_gross[o_gslot[v_i]] + o_total[v_i], true);
                CONTINUE;
            END IF;
            v_gross[o_gslot[v_i]] := v_gross[o_gslot[v_i]] + o_total[v_i];
        END IF;
        FOR v_j IN o_first[v_i] .. o_last[v_i] LOOP
            v_taken[l_slot[v_j]] := v_taken[l_slot[v_j]] + l_qty[v_j];
        END LOOP;
        FOR v_k IN o_kfirst[v_i] .. o_klast[v_i] LOOP
            v_ordered[k_slot[v_k]] := v_ordered[k_slot[v_k]] + k_qty[v_k];
        END LOOP;
        v_open[v_d] := v_open[v_d] + o_total[v_i];
        o_id[v_i] := nextval('orders_id_seq');
    END LOOP;

    -- The discounts the fairs' policies give the plain orders about to be written, so that
    -- they are written and answered with them: an early bird's by the decisions' time, a
    -- percentage tier's by the total its dealer reaches with the whole batch. (An amount tier
    -- is shared among all the dealer's orders, and the plain orders written before an
    -- order_decide went in without: policy_restamp stamps those, and step 7 answers them.)
    IF o_gslot IS NOT NULL THEN
        SELECT array_agg(x.early ORDER BY x.n), array_agg(least(x.tier, o_total[x.n] - x.early) ORDER BY x.n)
        INTO o_early, o_tier
        FROM (SELECT b.n,
                     CASE WHEN b.n > v_flushed AND o_id[b.n] IS NOT NULL
                               AND v_now < f_early_until[f.i]
                          THEN o_total[b.n] * f_early_bp[f.i] / 10000 ELSE 0 END AS early,
                     CASE WHEN b.n > v_flushed AND o_id[b.n] IS NOT NULL
                          THEN coalesce(o_total[b.n] * t.percent_bp / 10000, 0) ELSE 0 END AS tier
              FROM generate_series(1, v_n) AS b(n)
              CROSS JOIN LATERAL (SELECT array_position(f_id, o_fair[b.n]) AS i) f
              LEFT JOIN LATERAL policy_tier_at(o_fair[b.n], v_gross[o_gslot[b.n]]) t ON true) x;
    END IF;

    -- 5. Write the plain orders accepted after the last order_decide (their replies' text).
    SELECT o_made || m.made, o_at || m.made_at INTO o_made, o_at
    FROM order_batch_insert(p_batch, v_flushed + 1, v_n, o_id, o_total, o_ship_to,
                            o_first, o_last, l_variant, l_qty, l_price, o_early, o_tier) m;
    -- 6. Account and notify.
    PERFORM order_batch_account(o_fair, o_dealer, o_actor, o_id, o_at, o_units, o_total, o_note,
                                o_first, o_last, l_product, l_qty, l_price, v_other,
                                v_other_n, s_fair, s_variant, v_taken);
    -- 7. Where a fair has policies, totals_add restamped its orders' discounts: the replies
    -- of the new orders whose discounts it changed are made again from the rows.
    IF o_gslot IS NOT NULL THEN
        SELECT array_agg(coalesce(r.made, o_made[n]) ORDER BY n) INTO o_made
        FROM generate_series(1, v_n) n
        LEFT JOIN LATERAL (SELECT order_json(o)::text AS made FROM orders o
                           WHERE o.id = o_id[n]
                             AND (o.early_discount, o.tier_discount)
                                 IS DISTINCT FROM (coalesce(o_early[n], 0), coalesce(o_tier[n], 0))
                           OFFSET 0) r ON true;
        FOR v_k IN 1 .. coalesce(cardinality(v_other), 0) LOOP
            SELECT v_decisions[v_other_n[v_k]] || jsonb_build_object('order', order_json(o))
            INTO v_decision FROM orders o
            WHERE o.id = v_other[v_k] AND o.early_discount + o.tier_discount > 0;
            IF FOUND THEN
                v_decisions[v_other_n[v_k]] := v_decision;
            END IF;
        END LOOP;
    END IF;
    RETURN QUERY
        SELECT CASE WHEN d.made IS NOT NULL THEN 'made'
                    WHEN d.decision ? 'refused' THEN 'refused'
                    WHEN d.decision->>'duplicate' = 'true' THEN 'duplicate'
                    ELSE 'made' END,
               coalesce('{"order": ' || d.made || ', "duplicate": false}', d.decision::text)
        FROM unnest(v_decisions, o_made) WITH ORDINALITY AS d(decision, made, n)
        ORDER BY d.n;
END
$$;

-- order_place_batch_rows as one JSON array of the decisions (fairctl's demo history, tests).
CREATE OR REPLACE FUNCTION order_place_batch(p_batch jsonb) RETURNS jsonb LANGUAGE sql AS $$
    SELECT jsonb_agg(r.decision::jsonb ORDER BY r.n)
    FROM order_place_batch_rows(p_batch) WITH ORDINALITY AS r(kind, decision, n)
$$;

-- A batch's decisions as one row each, with their kind (made, duplicate, refused, or
-- unmade: null, from order_resolve), for the server to pass on: it wraps the text of an
-- order's decision into its reply as it is, and parses only the refusals, whose code it
-- maps (022: parsing the whole array and serialising every order again was 30% of the
-- server's time while 2,000 dealers kept ordering). No rows: order_resolve does not know
-- the outcome yet.
CREATE OR REPLACE FUNCTION order_decision_rows(p_decisions jsonb)
RETURNS TABLE (kind text, decision text) LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN jsonb_typeof(d) = 'null' THEN 'unmade'
                WHEN d ? 'refused' THEN 'refused'
                WHEN d->>'duplicate' = 'true' THEN 'duplicate'
                ELSE 'made' END,
           d::text
    FROM jsonb_array_elements(p_decisions) WITH ORDINALITY AS x(d, n)
    ORDER BY x.n
$$;
