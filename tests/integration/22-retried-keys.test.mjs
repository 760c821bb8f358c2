// The same key always gets the same answer (PROTOCOL.md, order.place, Idempotency): a dealer
// whose answer was lost retries the same order.place, and gets its stored order even when the
// variant has sold out since, whichever process the retry reaches, after a restart, while the
// original is still in a batch in the database, when the queue is full and when the fair is
// no longer live. Retried cancels and amends answer what is stored too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  createDatabase, startServer, sql, waitFor, makeFair, mintDealers, openPsql, httpGet, session, taker,
} from './harness.mjs';

let db;
let a;
let b;
let fx;       // 3 products of 4 variants, 100 units each
let dealers;

before(async () => {
  db = await createDatabase();
  a = await startServer({ databaseUrl: db.url, user: { login: 'admin-a', role: 'admin' } });
  b = await startServer({ databaseUrl: db.url, user: { login: 'admin-b', role: 'admin' } });
  fx = await makeFair(db.url, { name: '重試測試會', products: 3 });
  dealers = await mintDealers(db.url, 1000);
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

async function metrics(server) {
  const { body } = await httpGet(`${server.url}/metrics`);
  const value = (name) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(body)?.[1]);
  return {
    batches: value('fair_order_batches_total'), fast: value('fair_orders_fast_refused_total'),
    lookups: value('fair_order_key_lookups_total'), queries: value('fair_order_key_lookup_queries_total'),
    stored: value('fair_order_key_lookups_stored_total'), duplicates: value('fair_orders_duplicate_total'),
    batched: value('fair_order_batch_orders_total'),
  };
}

const delta = (after, before) => Object.fromEntries(Object.keys(after).map((k) => [k, after[k] - before[k]]));

const stockOf = async (fair, variant) => {
  const [[allocation, sold]] = await sql(db.url,
    `SELECT allocation, sold FROM stock WHERE fair_id = ${fair} AND variant_id = ${variant}`);
  return { allocation: Number(allocation), sold: Number(sold) };
};

/**
 * A client joined to `fair` on `server`; heard(variant, left) waits for a `stock` push saying
 * `left`. A push goes out after the process put the value in the stock cache it refuses
 * orders from, so once it is seen, the cache knows.
 */
async function watch(server, fair) {
  const w = await session(server, server.cookie);
  const joined = await w.request('join', { fair });
  assert.equal(joined.ok, true, JSON.stringify(joined));
  return {
    heard: (variant, left) => waitFor(
      () => w.pushes.filter((p) => p.ev === 'stock' && variant in p.v).at(-1)?.v[variant] === left,
      { timeoutMs: 10_000, what: `a stock push of ${left} left of variant ${variant}` }),
    close: () => w.close(),
  };
}

/** Sets what remains of a variant straight in the database, and notifies it as writers do. */
const setRemaining = (fair, variant, left) => sql(db.url,
  `UPDATE stock SET allocation = sold + ${left} WHERE fair_id = ${fair} AND variant_id = ${variant};
   SELECT stock_notify(${fair}, ARRAY[${variant}::bigint])`);

/**
 * 300 dealers race for the 100 units of `variant`, each on its own connection to
 * first[i % n] with its own key; then every one of them sends the same order.place again
 * (same key, same lines) on a new connection to retry[i % n]. Resolves with both rounds.
 */
async function raceThenRetry(first, retry, variant, { restart = false } = {}) {
  const watchers = restart ? [] : await Promise.all(retry.map((s) => watch(s, fx.fair)));
  const crowd = takeDealers(300);
  const keys = crowd.map(() => newKey('race'));
  const order = (i) => ({ fair: fx.fair, key: keys[i], lines: [{ variant, qty: 1 }] });
  const clients = await Promise.all(crowd.map((d, i) => session(first[i % first.length], d.cookie)));
  const firstReplies = await Promise.all(clients.map((c, i) => c.request('order.place', order(i), 60_000)));
  await Promise.all(clients.map((c) => c.close()));

  const accepted = firstReplies.filter((r) => r.ok);
  assert.equal(accepted.length, 100, 'exactly the allocation is sold');
  assert.ok(firstReplies.every((r) => r.ok || r.error.code === 'insufficient_stock'), 'the others are refused for stock');

  if (restart) {
    await a.stop();
    a = await startServer({ databaseUrl: db.url, user: { login: 'admin-a2', role: 'admin' } });
    retry = retry.map(() => a);
  }
  for (const w of watchers) {
    await w.heard(variant, 0);
    await w.close();
  }
  const again = await Promise.all(crowd.map((d, i) => session(retry[i % retry.length], d.cookie)));
  const before = await Promise.all(retry.map(metrics));
  const started = Date.now();
  const retried = await Promise.all(again.map((c, i) => c.request('order.place', order(i), 60_000)));
  const took = Date.now() - started;
  const after = await Promise.all(retry.map(metrics));
  await Promise.all(again.map((c) => c.close()));

  retried.forEach((r, i) => {
    const was = firstReplies[i];
    if (was.ok) {
      assert.equal(r.ok, true, `a stored key gets its order, not ${JSON.stringify(r.error)}`);
      assert.equal(r.duplicate, true);
      assert.equal(r.order.id, was.order.id);
      assert.equal(r.order.total, was.order.total);
    } else {
      assert.equal(r.error?.code, 'insufficient_stock', JSON.stringify(r));
      assert.deepEqual(r.error.available, { [variant]: 0 });
    }
  });
  assert.deepEqual(await stockOf(fx.fair, variant), { allocation: 100, sold: 100 });
  const [[rows]] = await sql(db.url, `SELECT count(*) FROM orders o JOIN order_lines l ON l.order_id = o.id
    WHERE l.variant_id = ${variant}`);
  assert.equal(Number(rows), 100, 'the retries stored nothing');
  const moved = after.map((m, i) => delta(m, before[i]));
  console.log(`retries of 300 keys (100 stored) on ${retry.length} process(es) answered in ${took} ms: ` +
    moved.map((m) => `${m.duplicates} duplicates, ${m.fast} refused from the cache after ${m.lookups} ` +
      `keys looked up in ${m.queries} queries (${m.stored} stored), ${m.batched} orders in ${m.batches} batches`).join('; '));
  return { firstReplies, retried, moved };
}

test('300 retries after a sell-out on one process: each stored key gets its order', { timeout: 180_000 }, async () => {
  const variant = fx.products[0].variants[0];
  const { moved: [m] } = await raceThenRetry([a], [a], variant);
  // The fast refusal keeps its purpose: the unstored keys are refused after a key lookup, not
  // in batches; only the stored keys reach the database's batches, which answer them.
  assert.equal(m.fast, 200, 'the 200 unstored keys are refused from the stock the process heard of');
  assert.equal(m.stored, 100);
  assert.equal(m.duplicates, 100);
  assert.equal(m.batched, 100, 'only the stored keys went to a batch');
  assert.ok(m.queries < 300, `keys are looked up many at a time (${m.queries} queries for ${m.lookups})`);
});

test('300 retries after a sell-out on the other process: each stored key gets its order', { timeout: 180_000 }, async () => {
  const variant = fx.products[0].variants[1];
  await raceThenRetry([a, b], [b, a], variant);
});

test('300 retries after a server restart: each stored key gets its order', { timeout: 180_000 }, async () => {
  const variant = fx.products[0].variants[2];
  await raceThenRetry([a], [a], variant, { restart: true });
  // And once the new process has heard the variant is sold out, from its cache.
  const w = await watch(a, fx.fair);
  await setRemaining(fx.fair, variant, 0);
  await w.heard(variant, 0);
  await w.close();
  const [d] = takeDealers(1);
  const c = await session(a, d.cookie);
  const key = newKey('after');
  const no = await c.request('order.place', { fair: fx.fair, key, lines: [{ variant, qty: 1 }] });
  assert.equal(no.error?.code, 'insufficient_stock');
  await c.close();
});

/**
 * The original order of `d` for `variant` is held in a batch in the database (a psql session
 * holds the dealer's row), the process hears the variant sold out meanwhile, the retry arrives
 * on `retryOn`, then the stock comes back and the batch goes on: the original is accepted, and
 * the retry must not have been refused.
 */
async function retryWhileInFlight(placeOn, retryOn) {
  const variant = fx.products[1].variants[0];
  const [d] = takeDealers(1);
  const key = newKey('flight');
  const order = { fair: fx.fair, key, lines: [{ variant, qty: 2 }] };
  const watchers = await Promise.all([...new Set([placeOn, retryOn])].map((s) => watch(s, fx.fair)));
  const allHeard = (left) => Promise.all(watchers.map((w) => w.heard(variant, left)));
  await setRemaining(fx.fair, variant, 5);
  await allHeard(5);
  const hold = openPsql(db.url);
  await hold.query(`BEGIN; SELECT 1 FROM dealers WHERE id = ${d.dealerId} FOR UPDATE`);
  try {
    const c1 = await session(placeOn, d.cookie);
    const original = c1.request('order.place', order, 30_000);
    await waitFor(async () => (await sql(db.url, `SELECT count(*) FROM pg_stat_activity
      WHERE wait_event_type = 'Lock' AND query LIKE '%order_place_batch%'`))[0][0] === '1',
    { what: 'the batch to wait for the dealer row' });

    await setRemaining(fx.fair, variant, 0);
    await allHeard(0);
    const c2 = await session(retryOn, d.cookie);
    const retry = c2.request('order.place', order, 30_000);
    const early = await Promise.race([retry, new Promise((r) => setTimeout(() => r(null), 300))]);
    assert.equal(early, null, `the retry is not answered while the original is undecided: ${JSON.stringify(early)}`);

    await setRemaining(fx.fair, variant, 5);
    await allHeard(5);
    await hold.query('COMMIT');
    const [first, second] = await Promise.all([original, retry]);
    assert.equal(first.ok, true, JSON.stringify(first));
    assert.equal(first.duplicate, false);
    assert.equal(second.ok, true, `the retry gets the stored order: ${JSON.stringify(second)}`);
    assert.equal(second.duplicate, true);
    assert.equal(second.order.id, first.order.id);
    const [[n]] = await sql(db.url, `SELECT count(*) FROM orders WHERE dealer_id = ${d.dealerId}`);
    assert.equal(Number(n), 1);
    await Promise.all([c1.close(), c2.close(), ...watchers.map((w) => w.close())]);
  } finally {
    await hold.query('ROLLBACK').catch(() => {});
    hold.close();
  }
}

test('a retry while the original is in a batch in the database, on the same process', { timeout: 60_000 }, async () => {
  await retryWhileInFlight(a, a);
});

test('a retry while the original is in a batch in the database, on the other process', { timeout: 60_000 }, async () => {
  await retryWhileInFlight(a, b);
});

test('a full queue answers a stored key with its order, and a new one unavailable', { timeout: 60_000 }, async () => {
  const small = await startServer({ databaseUrl: db.url, env: { FAIR_ORDERS_QUEUE_MAX: '1' }, user: false });
  const [x, y, z] = takeDealers(3);
  const variant = fx.products[2].variants[0];
  const lines = [{ variant, qty: 1 }];
  const cy = await session(small, y.cookie);
  const stored = await cy.request('order.place', { fair: fx.fair, key: 'y-1', lines });
  assert.equal(stored.ok, true, JSON.stringify(stored));

  const hold = openPsql(db.url);
  await hold.query(`BEGIN; SELECT 1 FROM dealers WHERE id = ${x.dealerId} FOR UPDATE`);
  try {
    const cx = await session(small, x.cookie);
    const inFlight = cx.request('order.place', { fair: fx.fair, key: 'x-1', lines: [{ variant: fx.products[2].variants[1], qty: 1 }] }, 30_000);
    await waitFor(async () => (await sql(db.url, `SELECT count(*) FROM pg_stat_activity
      WHERE wait_event_type = 'Lock' AND query LIKE '%order_place_batch%'`))[0][0] === '1',
    { what: 'the batch to wait for the dealer row' });
    // The same dealer's next order waits behind it, and fills the queue of one.
    const queued = cx.request('order.place', { fair: fx.fair, key: 'x-2', lines: [{ variant: fx.products[2].variants[2], qty: 1 }] }, 30_000);
    await waitFor(async () => /^fair_orders_queued 1$/m.test((await httpGet(`${small.url}/metrics`)).body),
      { what: 'the second order to wait in the queue' });

    const retried = await cy.request('order.place', { fair: fx.fair, key: 'y-1', lines });
    assert.equal(retried.ok, true, `a stored key is answered from what is stored: ${JSON.stringify(retried)}`);
    assert.equal(retried.duplicate, true);
    assert.equal(retried.order.id, stored.order.id);
    const cz = await session(small, z.cookie);
    const fresh = await cz.request('order.place', { fair: fx.fair, key: 'z-1', lines });
    assert.equal(fresh.error?.code, 'unavailable', JSON.stringify(fresh));
    assert.match(fresh.error.message, /same key/);

    await hold.query('COMMIT');
    const [r1, r2] = await Promise.all([inFlight, queued]);
    assert.equal(r1.ok, true, JSON.stringify(r1));
    assert.equal(r2.ok, true, JSON.stringify(r2));
    const again = await cz.request('order.place', { fair: fx.fair, key: 'z-1', lines });
    assert.equal(again.ok, true, 'the refused key can be used once the queue has room');
    await Promise.all([cx.close(), cy.close(), cz.close()]);
  } finally {
    await hold.query('ROLLBACK').catch(() => {});
    hold.close();
    await small.stop();
  }
});

test('a stored key is answered after the fair ended, sold out or not', async () => {
  const fair2 = await makeFair(db.url, { name: '收場測試會', products: 1 });
  const [d] = takeDealers(1);
  const [v1, v2] = fair2.products[0].variants;
  const c = await session(a, d.cookie);
  const watcher = await watch(a, fair2.fair);
  const all = await c.request('order.place', { fair: fair2.fair, key: 'all', lines: [{ variant: v1, qty: 100 }] });
  const some = await c.request('order.place', { fair: fair2.fair, key: 'some', lines: [{ variant: v2, qty: 3 }] });
  assert.equal(all.ok && some.ok, true);
  await watcher.heard(v1, 0);
  await watcher.close();
  await sql(db.url, `UPDATE fairs SET status_override = 'closed' WHERE id = ${fair2.fair}`);

  for (const [key, lines, was] of [['all', [{ variant: v1, qty: 100 }], all], ['some', [{ variant: v2, qty: 3 }], some]]) {
    const r = await c.request('order.place', { fair: fair2.fair, key, lines });
    assert.equal(r.ok, true, `${key}: ${JSON.stringify(r)}`);
    assert.equal(r.duplicate, true);
    assert.equal(r.order.id, was.order.id);
  }
  const other = await c.request('order.place', { fair: fair2.fair, key: 'all', lines: [{ variant: v1, qty: 1 }] });
  assert.equal(other.error?.code, 'conflict', 'the key holds another order, whatever the stock');
  assert.equal(other.error.order, all.order.id);
  const fresh = await c.request('order.place', { fair: fair2.fair, key: 'new', lines: [{ variant: v2, qty: 1 }] });
  assert.equal(fresh.error?.code, 'fair_not_live');
  await c.close();
});

test('a retried amend or cancel answers what is stored, also after the fair', async () => {
  const fair3 = await makeFair(db.url, { name: '改單測試會', products: 1 });
  const [d] = takeDealers(1);
  const [v1, v2] = fair3.products[0].variants;
  const c = await session(a, d.cookie);
  const placed = await c.request('order.place', { fair: fair3.fair, key: 'o1', lines: [{ variant: v1, qty: 2 }] });
  const other = await c.request('order.place', { fair: fair3.fair, key: 'o2', lines: [{ variant: v2, qty: 1 }] });
  assert.equal(placed.ok && other.ok, true);

  const amend = { order: placed.order.id, lines: [{ variant: v1, qty: 5 }, { variant: v2, qty: 1 }] };
  const first = await c.request('order.amend', amend);
  assert.equal(first.ok, true, JSON.stringify(first));
  // The price changes between the two: the retry must not reprice the order.
  await sql(db.url, `UPDATE fair_items SET price = price + 1000 WHERE fair_id = ${fair3.fair}`);
  const second = await c.request('order.amend', amend);
  assert.equal(second.ok, true, JSON.stringify(second));
  assert.equal(second.order.total, first.order.total);
  assert.deepEqual(second.order.lines, first.order.lines);
  assert.equal(second.order.history.filter((h) => h.note === 'amended').length, 1, 'amended once');
  assert.deepEqual(await stockOf(fair3.fair, v1), { allocation: 100, sold: 5 });

  const cancelled = await c.request('order.cancel', { order: other.order.id });
  assert.equal(cancelled.ok, true);
  const again = await c.request('order.cancel', { order: other.order.id });
  assert.equal(again.error?.code, 'conflict');
  assert.equal(again.error.status, 'cancelled');
  assert.deepEqual(await stockOf(fair3.fair, v2), { allocation: 100, sold: 1 }, 'the stock returned once');

  await sql(db.url, `UPDATE fairs SET status_override = 'closed' WHERE id = ${fair3.fair}`);
  const late = await c.request('order.cancel', { order: other.order.id });
  assert.equal(late.error?.code, 'conflict', `after the fair too: ${JSON.stringify(late)}`);
  assert.equal(late.error.status, 'cancelled');
  const lateAmend = await c.request('order.amend', amend);
  assert.equal(lateAmend.ok, true, `a retried amend after the fair gets the order: ${JSON.stringify(lateAmend)}`);
  assert.equal(lateAmend.order.total, first.order.total);
  const change = await c.request('order.amend', { order: placed.order.id, lines: [{ variant: v1, qty: 1 }] });
  assert.equal(change.error?.code, 'fair_not_live', 'a real change still needs a live fair');
  await c.close();
});
