// Order intake (PROTOCOL.md "Ordering", DESIGN.md "Orders: the hot path"): a flash crowd on
// one variant on one and on two processes, all-or-nothing and partial orders, moq, limit
// and credit (also from three sessions of one dealer at once), the fair's times, tier and
// flash prices, orders on behalf of a dealer, idempotency, and batching seen in /metrics; a
// variant sold out before the process started refused from the fair's stock, read once (and
// again after a gap in the stock notifications).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  createDatabase, startServer, connect, sql, waitFor, makeFair, mintDealers, createUser, login,
  openPsql, httpGet, session, taker,
} from './harness.mjs';

let db;
let a;
let b;
let fx;       // the fair under test: 3 products of 4 variants, 100 units each
let dealers;  // minted dealer sessions, tiers A, B, C in turn

before(async () => {
  db = await createDatabase();
  a = await startServer({ databaseUrl: db.url, user: { login: 'rep-a', role: 'rep' } });
  b = await startServer({ databaseUrl: db.url, user: { login: 'admin-b', role: 'admin' } });
  fx = await makeFair(db.url, { name: '訂單測試會', products: 6 });
  dealers = await mintDealers(db.url, 700);
  takeDealers = taker(dealers);
});

after(async () => {
  try {
    await Promise.all([a?.stop(), b?.stop()]);
  } finally {
    if (db) await db.drop();
  }
});

/** Fresh dealers nobody has ordered for yet. */
let takeDealers;

let keySeq = 0;
const newKey = (tag = 'k') => `${tag}-${process.pid}-${++keySeq}`;

const place = (client, args, timeoutMs = 60_000) =>
  client.request('order.place', { fair: fx.fair, key: newKey(), ...args }, timeoutMs);

const stockOf = async (variant) => {
  const [[allocation, sold]] = await sql(db.url,
    `SELECT allocation, sold FROM stock WHERE fair_id = ${fx.fair} AND variant_id = ${variant}`);
  return { allocation: Number(allocation), sold: Number(sold) };
};

async function metrics(server) {
  const { body } = await httpGet(`${server.url}/metrics`);
  const value = (name) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(body)?.[1]);
  return { batches: value('fair_order_batches_total'), orders: value('fair_order_batch_orders_total'),
    max: value('fair_order_batch_max'), fastRefused: value('fair_orders_fast_refused_total'),
    stockReads: value('fair_stock_reads_total'), stockReadsKept: value('fair_stock_reads_kept_total') };
}

/** 300 dealers, one connection each, order 1 unit of a 100-unit variant at the same moment. */
async function flashCrowd(servers, variant) {
  const crowd = takeDealers(300);
  const clients = await Promise.all(crowd.map((d, i) => session(servers[i % servers.length], d.cookie)));
  const watcher = await session(servers[0], servers[0].cookie);
  assert.equal((await watcher.request('join', { fair: fx.fair })).ok, true);
  const before = await Promise.all(servers.map(metrics));

  const started = Date.now();
  const replies = await Promise.all(clients.map((c) => place(c, { lines: [{ variant, qty: 1 }] })));
  const took = Date.now() - started;
  const after = await Promise.all(servers.map(metrics));

  const accepted = replies.filter((r) => r.ok);
  const refused = replies.filter((r) => !r.ok);
  const batches = after.reduce((s, m, i) => s + m.batches - before[i].batches, 0);
  const batched = after.reduce((s, m, i) => s + m.orders - before[i].orders, 0);
  console.log(`flash crowd on ${servers.length} process(es): 300 dealers answered in ${took} ms; ` +
    `${accepted.length} accepted, ${refused.length} refused; ${batches} batches for ${batched} orders ` +
    `(mean ${(batched / batches).toFixed(1)}, largest ${Math.max(...after.map((m) => m.max))})`);

  assert.equal(accepted.length, 100, 'exactly the allocation is sold');
  for (const r of refused) {
    assert.equal(r.error.code, 'insufficient_stock', JSON.stringify(r));
    assert.deepEqual(r.error.available, { [variant]: 0 });
  }
  for (const r of accepted) {
    assert.equal(r.order.status, 'accepted');
    assert.equal(r.duplicate, false);
    assert.deepEqual(r.order.lines.map((l) => [l.variant, l.qty]), [[variant, 1]]);
  }
  assert.equal(new Set(accepted.map((r) => r.order.id)).size, 100, 'a hundred different orders');
  assert.deepEqual(await stockOf(variant), { allocation: 100, sold: 100 });
  const [[rows, units]] = await sql(db.url, `SELECT count(DISTINCT o.id), sum(l.qty) FROM orders o
    JOIN order_lines l ON l.order_id = o.id WHERE l.variant_id = ${variant}`);
  assert.deepEqual([Number(rows), Number(units)], [100, 100], 'the database holds exactly the accepted orders');
  assert.ok(batched / batches > 1.5, `orders were batched (mean batch ${(batched / batches).toFixed(1)})`);

  await waitFor(() => {
    const last = watcher.pushes.filter((p) => p.ev === 'stock' && variant in p.v).at(-1);
    return last?.v[variant] === 0;
  }, { timeoutMs: 10_000, what: 'the last stock push to say 0 left' });
  await Promise.all([...clients, watcher].map((c) => c.close()));
}

test('300 dealers on one process race for 100 units: exactly 100 orders', { timeout: 180_000 }, async () => {
  await flashCrowd([a], fx.products[0].variants[0]);
});

test('300 dealers on two processes race for 100 units: exactly 100 orders', { timeout: 180_000 }, async () => {
  await flashCrowd([a, b], fx.products[0].variants[1]);
});

test('an order is all or nothing, or with partial takes what is there', async () => {
  const [d] = takeDealers(1);
  const c = await session(a, d.cookie);
  const [v1, v2] = fx.products[1].variants;
  await sql(db.url, `UPDATE stock SET allocation = 5 WHERE fair_id = ${fx.fair} AND variant_id = ${v2}`);

  const refused = await place(c, { lines: [{ variant: v1, qty: 3 }, { variant: v2, qty: 8 }] });
  assert.equal(refused.ok, false);
  assert.equal(refused.error.code, 'insufficient_stock');
  assert.deepEqual(refused.error.available, { [v2]: 5 }, 'the short line and what is left of it');
  assert.deepEqual(await stockOf(v1), { allocation: 100, sold: 0 }, 'nothing taken of the other line');

  const partial = await place(c, { lines: [{ variant: v1, qty: 3 }, { variant: v2, qty: 8 }], partial: true });
  assert.equal(partial.ok, true, JSON.stringify(partial));
  assert.deepEqual(partial.order.lines.map((l) => [l.variant, l.qty]), [[v1, 3], [v2, 5]]);
  assert.deepEqual(partial.partial, [
    { variant: v1, requested: 3, accepted: 3 }, { variant: v2, requested: 8, accepted: 5 },
  ].sort((x, y) => x.variant - y.variant));
  assert.deepEqual(await stockOf(v2), { allocation: 5, sold: 5 });

  const nothing = await place(c, { lines: [{ variant: v2, qty: 1 }], partial: true });
  assert.equal(nothing.error?.code, 'insufficient_stock', 'partial with nothing left is refused');
  await c.close();
});

test('bad lines are refused before anything is decided', async () => {
  const [d] = takeDealers(1);
  const c = await session(a, d.cookie);
  const v = fx.products[2].variants[0];
  const other = await makeFair(db.url, { name: '別的會', products: 1 });
  const cases = [
    [{ lines: [] }, /lines/],
    [{ lines: [{ variant: v, qty: 0 }] }, /qty/],
    [{ lines: [{ variant: v, qty: 1.5 }] }, /qty/],
    [{ lines: [{ variant: v, qty: 1 }, { variant: v, qty: 2 }] }, /already/],
    [{ lines: [{ variant: v, qty: 1, colour: 'x' }] }, /exactly/],
    [{ lines: [{ variant: 987654321, qty: 1 }] }, /not offered/],
    [{ lines: [{ variant: other.products[0].variants[0], qty: 1 }] }, /not offered/],
    [{ lines: [{ variant: v, qty: 1 }], key: '' }, /key/],
    [{ lines: [{ variant: v, qty: 1 }], key: 'x'.repeat(65) }, /key/],
    [{ lines: [{ variant: v, qty: 1 }], ship_to: 987654321 }, /address/],
  ];
  for (const [args, why] of cases) {
    const r = await place(c, args);
    assert.equal(r.error?.code, 'bad_request', `${JSON.stringify(args)} → ${JSON.stringify(r)}`);
    assert.match(r.error.message, why);
  }
  assert.deepEqual(await stockOf(v), { allocation: 100, sold: 0 });
  await c.close();
});

test('moq, the per-dealer limit and credit are enforced, also across three sessions at once', async () => {
  const [p] = fx.products.slice(3, 4);
  const [v1, v2, v3] = p.variants;
  await sql(db.url, `UPDATE fair_items SET moq = 3, dealer_limit = 10 WHERE fair_id = ${fx.fair} AND product_id = ${p.id}`);
  const [d1, d2] = takeDealers(2);

  const c1 = await session(a, d1.cookie);
  const moq = await place(c1, { lines: [{ variant: v1, qty: 1 }, { variant: v2, qty: 1 }] });
  assert.equal(moq.error?.code, 'bad_request');
  assert.equal(moq.error.moq, 3);
  assert.equal(moq.error.reason, 'moq', 'a reason the pages can word');
  assert.equal(moq.error.product, p.id);
  assert.equal(moq.error.qty, 2, 'the units the order has');
  const ok = await place(c1, { lines: [{ variant: v1, qty: 2 }, { variant: v2, qty: 1 }] });
  assert.equal(ok.ok, true, 'the moq counts the product over its sizes and colours');

  // Three sessions of one dealer, 4 units each, at once, against a limit of 10 (3 taken).
  const three = await Promise.all([a, b, a].map((s) => session(s, d1.cookie)));
  const racing = await Promise.all(three.map((c) => place(c, { lines: [{ variant: v3, qty: 4 }] })));
  const won = racing.filter((r) => r.ok);
  assert.equal(won.length, 1, `3 + 4 fits, 3 + 8 does not: ${JSON.stringify(racing.map((r) => r.error?.code ?? 'ok'))}`);
  for (const r of racing.filter((x) => !x.ok)) {
    assert.equal(r.error.code, 'limit_exceeded');
    assert.equal(r.error.limit, 10);
    assert.equal(r.error.ordered, 7);
    assert.equal(r.error.qty, 4, 'what this order asks for');
  }

  // Credit: three sessions at once, each order worth 40% of the dealer's credit.
  const price = Number((await sql(db.url, `SELECT item_price_now(i, '${d2.tier}') FROM fair_items i
    WHERE fair_id = ${fx.fair} AND product_id = ${fx.products[4].id}`))[0][0]);
  await sql(db.url, `UPDATE dealers SET credit_limit = ${price * 10} WHERE id = ${d2.dealerId}`);
  const sessions = await Promise.all([a, b, b].map((s) => session(s, d2.cookie)));
  const credit = await Promise.all(sessions.map((c) =>
    place(c, { lines: [{ variant: fx.products[4].variants[0], qty: 4 }] })));
  assert.equal(credit.filter((r) => r.ok).length, 2, JSON.stringify(credit.map((r) => r.error?.code ?? 'ok')));
  const over = credit.find((r) => !r.ok);
  assert.equal(over.error.code, 'credit_exceeded');
  assert.equal(over.error.available_credit, price * 2);
  const [[open]] = await sql(db.url, `SELECT sum(total) FROM orders WHERE dealer_id = ${d2.dealerId}`);
  assert.equal(Number(open), price * 8, 'open orders stay within the credit limit');
  await Promise.all([c1, ...three, ...sessions].map((c) => c.close()));
});

test('orders count only while the fair is live by the database clock', async () => {
  const [d] = takeDealers(1);
  const c = await session(a, d.cookie);
  const early = await makeFair(db.url, { name: '未開始', startsIn: '1 hour', products: 1 });
  const r1 = await c.request('order.place', { fair: early.fair, key: newKey(),
    lines: [{ variant: early.products[0].variants[0], qty: 1 }] });
  assert.equal(r1.error?.code, 'fair_not_live');

  // Queued while live, decided after the end: held behind the dealer's row lock until the
  // fair has ended, then refused.
  const ending = await makeFair(db.url, { name: '快結束', products: 1 });
  const variant = ending.products[0].variants[0];
  const psql = openPsql(db.url);
  let r2;
  try {
    const t0 = Date.now();
    await psql.query(`BEGIN; SELECT 1 FROM dealers WHERE id = ${d.dealerId} FOR UPDATE;
      UPDATE fairs SET ends_at = now() + interval '2 seconds' WHERE id = ${ending.fair}`);
    const pending = c.request('order.place', { fair: ending.fair, key: newKey(), lines: [{ variant, qty: 1 }] }, 30_000);
    await waitFor(async () => (await sql(db.url, `SELECT count(*) FROM pg_stat_activity
        WHERE datname = current_database() AND query LIKE '%order_place_batch%'
        AND wait_event_type = 'Lock'`))[0][0] === '1',
    { timeoutMs: 20_000, what: 'the batch to wait for the lock' });
    const queuedAfter = Date.now() - t0;
    // Released once the database's own clock has passed the end the locking transaction set
    // (its now() + 2 s, committed with the lock's release), however slow the machine.
    const endsAt = (await psql.query(`SELECT (now() + interval '2 seconds')::text`)).trim().split('\n').at(-1);
    await waitFor(async () => (await sql(db.url, `SELECT clock_timestamp() > '${endsAt}'::timestamptz`))[0][0] === 't',
      { timeoutMs: 20_000, what: 'the fair to end by the database clock' });
    await psql.query('COMMIT');
    r2 = await pending;
    console.log(`an order waiting since ${queuedAfter} ms (the fair ended 2000 ms after the lock) answered ${r2.error?.code ?? 'ok'}`);
  } finally {
    psql.close();
  }
  assert.equal(r2.error?.code, 'fair_not_live', JSON.stringify(r2));
  const r3 = await c.request('order.place', { fair: ending.fair, key: newKey(), lines: [{ variant, qty: 1 }] });
  assert.equal(r3.error?.code, 'fair_not_live');
  const [[count]] = await sql(db.url, `SELECT count(*) FROM orders WHERE fair_id IN (${early.fair}, ${ending.fair})`);
  assert.equal(Number(count), 0);
  await c.close();
});

test('each dealer pays its tier price, or the flash price while it runs', async () => {
  const p = fx.products[0]; // tier A has its own price (80001), others the item's (90001)
  const three = takeDealers(3); // tiers A, B, C in turn: one of each
  const A = three.find((d) => d.tier === 'A');
  const B = three.find((d) => d.tier === 'B');
  const ca = await session(a, A.cookie);
  const cb = await session(b, B.cookie);
  const variant = p.variants[2];
  const ra = await place(ca, { lines: [{ variant, qty: 2 }] });
  const rb = await place(cb, { lines: [{ variant, qty: 1 }] });
  assert.deepEqual([ra.order.lines[0].price, ra.order.total], [80001, 160002]);
  assert.deepEqual([rb.order.lines[0].price, rb.order.total], [90001, 90001]);
  await sql(db.url, `UPDATE fair_items SET flash_price = 70000, flash_starts_at = now() - interval '1 minute',
    flash_ends_at = now() + interval '1 hour' WHERE fair_id = ${fx.fair} AND product_id = ${p.id}`);
  const fa = await place(ca, { lines: [{ variant, qty: 1 }] });
  const fb = await place(cb, { lines: [{ variant, qty: 1 }] });
  assert.equal(fa.order.lines[0].price, 70000);
  assert.equal(fb.order.lines[0].price, 70000);
  await sql(db.url, `UPDATE fair_items SET flash_price = NULL, flash_starts_at = NULL, flash_ends_at = NULL
    WHERE fair_id = ${fx.fair} AND product_id = ${p.id}`);
  const [[stored]] = await sql(db.url, `SELECT price FROM order_lines WHERE order_id = ${ra.order.id}`);
  assert.equal(Number(stored), 80001, 'the price is recorded on the order');
  await Promise.all([ca.close(), cb.close()]);
});

test('reps and admins order on behalf of a dealer; nobody orders for a dealer not theirs', async () => {
  const [d, e] = takeDealers(2);
  const variant = fx.products[5].variants[0];
  const rep = await session(a, a.cookie);
  const noDealer = await place(rep, { lines: [{ variant, qty: 1 }] });
  assert.equal(noDealer.error?.code, 'bad_request');
  const forD = await place(rep, { dealer: d.dealerId, lines: [{ variant, qty: 1 }], note: '電話下單' });
  assert.equal(forD.ok, true, JSON.stringify(forD));
  assert.equal(forD.order.dealer, d.dealerId);
  assert.equal(forD.order.note, '電話下單');
  const [[placedBy, note]] = await sql(db.url, `SELECT o.placed_by, h.note FROM orders o
    JOIN order_history h ON h.order_id = o.id WHERE o.id = ${forD.order.id}`);
  assert.equal(Number(placedBy), a.user.id);
  assert.match(note, /placed by/);

  const dealer = await session(b, d.cookie);
  const other = await place(dealer, { dealer: e.dealerId, lines: [{ variant, qty: 1 }] });
  assert.equal(other.error?.code, 'forbidden');
  const own = await place(dealer, { dealer: d.dealerId, lines: [{ variant, qty: 1 }] });
  assert.equal(own.ok, true, 'naming its own dealer is fine');

  const manager = await createUser(db.url, { login: `mgr${process.pid}`, role: 'manager' });
  const ms = await login(a, manager.login, manager.password);
  const mc = await session(a, ms.cookie);
  const byManager = await place(mc, { dealer: d.dealerId, lines: [{ variant, qty: 1 }] });
  assert.equal(byManager.error?.code, 'forbidden');

  const narrow = await createUser(db.url, { login: `rep${process.pid}`, role: 'rep' });
  await sql(db.url, `UPDATE users SET regions = '{華南}' WHERE login = '${narrow.login}'`);
  const ns = await login(a, narrow.login, narrow.password);
  const nc = await session(a, ns.cookie);
  const outside = await place(nc, { dealer: d.dealerId, lines: [{ variant, qty: 1 }] });
  assert.equal(outside.error?.code, 'forbidden', 'a rep of 華南 does not order for a dealer of 華東');
  await Promise.all([rep, dealer, mc, nc].map((c) => c.close()));
});

test('a key orders once: retries, racing sessions and conflicts', async () => {
  const [d] = takeDealers(1);
  const [v1, v2] = fx.products[5].variants.slice(1);
  const c = await session(a, d.cookie);
  const keys = Array.from({ length: 10 }, () => newKey('idem'));
  const first = await Promise.all(keys.map((key) => c.request('order.place',
    { fair: fx.fair, key, lines: [{ variant: v1, qty: 1 }, { variant: v2, qty: 2 }] })));
  assert.ok(first.every((r) => r.ok && r.duplicate === false));

  // After a reconnect, on the other process, lines in another order: the same orders.
  await c.close();
  const again = await session(b, d.cookie);
  const retried = await Promise.all(keys.map((key) => again.request('order.place',
    { fair: fx.fair, key, lines: [{ variant: v2, qty: 2 }, { variant: v1, qty: 1 }] })));
  assert.deepEqual(retried.map((r) => r.order.id), first.map((r) => r.order.id));
  assert.ok(retried.every((r) => r.duplicate === true));
  assert.deepEqual(retried.map((r) => r.order.total), first.map((r) => r.order.total));
  const [[count]] = await sql(db.url, `SELECT count(*) FROM orders WHERE dealer_id = ${d.dealerId}`);
  assert.equal(Number(count), 10, 'no new rows');
  assert.deepEqual(await stockOf(v1), { allocation: 100, sold: 10 });

  // Three sessions, one new key, at once: one order.
  const key = newKey('race');
  const three = await Promise.all([a, b, a].map((s) => session(s, d.cookie)));
  const raced = await Promise.all(three.map((s) => s.request('order.place',
    { fair: fx.fair, key, lines: [{ variant: v1, qty: 1 }] })));
  assert.ok(raced.every((r) => r.ok), JSON.stringify(raced));
  assert.equal(new Set(raced.map((r) => r.order.id)).size, 1);
  assert.equal(raced.filter((r) => !r.duplicate).length, 1);

  const conflict = await again.request('order.place', { fair: fx.fair, key, lines: [{ variant: v1, qty: 2 }] });
  assert.equal(conflict.error?.code, 'conflict');
  assert.equal(conflict.error.order, raced[0].order.id);
  assert.deepEqual(await stockOf(v1), { allocation: 100, sold: 11 }, 'the conflict changed nothing');

  // A refused order stores nothing: its key can be used again.
  const spare = newKey('spare');
  const no = await again.request('order.place', { fair: fx.fair, key: spare, lines: [{ variant: v1, qty: 1000 }] });
  assert.equal(no.error?.code, 'insufficient_stock');
  const yes = await again.request('order.place', { fair: fx.fair, key: spare, lines: [{ variant: v1, qty: 1 }] });
  assert.equal(yes.ok, true);
  assert.equal(yes.duplicate, false);
  await Promise.all([again, ...three].map((s) => s.close()));
});

test('a known sold-out variant is refused without a round trip, never accepted', async () => {
  const [d] = takeDealers(1);
  const variant = fx.products[4].variants[3];
  const c = await session(a, d.cookie);
  // Sold out, and heard so by process a (a stock push goes out after the cache has it).
  const watcher = await session(a, a.cookie);
  assert.equal((await watcher.request('join', { fair: fx.fair })).ok, true);
  await sql(db.url, `UPDATE stock SET allocation = sold WHERE fair_id = ${fx.fair} AND variant_id = ${variant};
    SELECT stock_notify(${fx.fair}, ARRAY[${variant}::bigint])`);
  await watcher.next((m) => m.ev === 'stock' && m.v[variant] === 0, 10_000);
  await watcher.close();
  const before = await httpGet(`${a.url}/metrics`);
  const r = await place(c, { lines: [{ variant, qty: 1 }] });
  const after = await httpGet(`${a.url}/metrics`);
  const fast = (body) => Number(/^fair_orders_fast_refused_total (\d+)$/m.exec(body)[1]);
  assert.equal(r.error?.code, 'insufficient_stock');
  assert.deepEqual(r.error.available, { [variant]: 0 });
  assert.equal(fast(after.body) - fast(before.body), 1, 'answered from the stock this process heard of');
  await sql(db.url, `UPDATE stock SET allocation = allocation + 1 WHERE fair_id = ${fx.fair} AND variant_id = ${variant};
    SELECT stock_notify(${fx.fair}, ARRAY[${variant}::bigint])`);
  const ok = await waitFor(async () => {
    const reply = await place(c, { lines: [{ variant, qty: 1 }] });
    return reply.ok ? reply : false;
  }, { timeoutMs: 10_000, what: 'the returned unit to be sold' });
  assert.equal(ok.order.lines[0].qty, 1);
  await c.close();
});

test('a variant sold out before the process started is refused at once once the fair is read', async () => {
  // Sold out while no process listened (as before a restart, or at 0 from the start).
  const [soldOut, none, plenty] = [fx.products[5].variants[0], fx.products[5].variants[1], fx.products[5].variants[2]];
  await sql(db.url, `UPDATE stock SET allocation = sold WHERE fair_id = ${fx.fair} AND variant_id IN (${soldOut}, ${none})`);
  const fresh = await startServer({ databaseUrl: db.url, user: false });
  try {
    const ds = takeDealers(4);
    const clients = await Promise.all(ds.map((d) => session(fresh, d.cookie)));
    // The fair's first order: answered as ever (by a batch, or by the cache once the read is in).
    const first = await place(clients[0], { lines: [{ variant: soldOut, qty: 1 }] });
    assert.equal(first.error?.code, 'insufficient_stock');
    await waitFor(async () => (await metrics(fresh)).stockReadsKept === 1,
      { timeoutMs: 10_000, what: 'the fair\'s stock read into the cache' });
    const before = await metrics(fresh);
    for (const [c, variant] of [[clients[1], soldOut], [clients[2], none]]) {
      const r = await place(c, { lines: [{ variant, qty: 1 }] });
      assert.equal(r.error?.code, 'insufficient_stock', `variant ${variant}`);
      assert.deepEqual(r.error.available, { [variant]: 0 });
    }
    const after = await metrics(fresh);
    assert.equal(after.fastRefused, before.fastRefused + 2, 'both refused from the stock read');
    assert.equal(after.batches, before.batches, 'no batch was sent for them');
    // Stock the read knew of is not refused; the fair is read once.
    const ok = await place(clients[3], { lines: [{ variant: plenty, qty: 1 }] });
    assert.equal(ok.ok, true, JSON.stringify(ok.error));
    assert.equal((await metrics(fresh)).stockReads, 1, 'the fair is read once');
    // An order naming a fair that is not one: its stock is read (nothing found) and nothing kept.
    const bogus = await clients[3].request('order.place', { fair: 987654321, key: newKey(), lines: [{ variant: plenty, qty: 1 }] });
    assert.equal(bogus.ok, false);
    await waitFor(async () => (await metrics(fresh)).stockReads === 2, { timeoutMs: 10_000, what: 'the read of no fair' });
    assert.equal((await metrics(fresh)).stockReadsKept, 1, 'nothing kept for a fair that is not one');
    // A unit given back is heard and sold as before.
    await sql(db.url, `UPDATE stock SET allocation = allocation + 1 WHERE fair_id = ${fx.fair} AND variant_id = ${soldOut};
      SELECT stock_notify(${fx.fair}, ARRAY[${soldOut}::bigint])`);
    const sold = await waitFor(async () => {
      const reply = await place(clients[1], { lines: [{ variant: soldOut, qty: 1 }] });
      return reply.ok ? reply : false;
    }, { timeoutMs: 10_000, what: 'the returned unit to be sold' });
    assert.equal(sold.order.lines[0].variant, soldOut);
    // A gap in what the processes heard (their LISTEN connections lost): the cache is forgotten,
    // and the fair's next order reads its stock again, so sold out is refused at once again.
    await sql(db.url, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
      WHERE application_name = 'fairserver-listen' AND datname = current_database()`);
    await waitFor(async () => {
      const r = await place(clients[2], { lines: [{ variant: none, qty: 1 }] });
      assert.equal(r.error?.code, 'insufficient_stock');
      return (await metrics(fresh)).stockReadsKept === 2;
    }, { timeoutMs: 20_000, what: 'the stock read again after the gap' });
    const beforeAgain = await metrics(fresh);
    const again = await place(clients[1], { lines: [{ variant: soldOut, qty: 1 }] });
    assert.equal(again.error?.code, 'insufficient_stock');
    const afterAgain = await metrics(fresh);
    assert.equal(afterAgain.fastRefused, beforeAgain.fastRefused + 1, 'refused from the stock read again');
    assert.equal(afterAgain.batches, beforeAgain.batches);
    await Promise.all(clients.map((c) => c.close()));
  } finally {
    await fresh.stop();
  }
});
