// The brand manager's live dashboard (PROTOCOL.md "Brand manager dashboard"): managers on two
// processes watch a burst; both settle on exactly the numbers an aggregate over the orders
// gives, pushed at most 4 times a second and never while nothing changes; a cancellation
// moves them back; a restart shows the same numbers; dealers may not watch.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createDatabase, startServer, connect, sql, waitFor, makeFair, mintDealers, createUser, login, session } from './harness.mjs';

let db;
let a;
let b;
let fx;
let dealers;
let managerCookie;

before(async () => {
  db = await createDatabase();
  a = await startServer({ databaseUrl: db.url, user: { login: 'mgr-a', role: 'manager' } });
  b = await startServer({ databaseUrl: db.url, user: { login: 'rep-b', role: 'rep' } });
  managerCookie = a.cookie;
  fx = await makeFair(db.url, { name: '看板測試會', products: 4 });
  await sql(db.url, `UPDATE stock SET allocation = 100000 WHERE fair_id = ${fx.fair}`);
  dealers = await mintDealers(db.url, 120, { prefix: `dash${process.pid}x` });
  await sql(db.url, `UPDATE dealers SET region = '華南' WHERE code LIKE 'dash${process.pid}x%' AND id % 3 = 0`);
});

after(async () => {
  try {
    await Promise.all([a?.stop(), b?.stop()]);
  } finally {
    if (db) await db.drop();
  }
});


/** The aggregate over the fair's counted orders, as the dashboard names it. */
async function counted() {
  const [[orders, amount, dealersOrdering]] = await sql(db.url, `SELECT count(*), coalesce(sum(total), 0),
      count(DISTINCT dealer_id) FROM orders WHERE fair_id = ${fx.fair} AND status NOT IN ('cancelled', 'rejected')`);
  const [[units]] = await sql(db.url, `SELECT coalesce(sum(l.qty), 0) FROM orders o JOIN order_lines l ON l.order_id = o.id
      WHERE o.fair_id = ${fx.fair} AND o.status NOT IN ('cancelled', 'rejected')`);
  return { orders: Number(orders), units: Number(units), amount: Number(amount), dealers: Number(dealersOrdering) };
}

const lastTotals = (c) => c.pushes.filter((p) => p.ev === 'totals' && p.fair === fx.fair).at(-1)?.totals;
const same = (x, y) => !!x && ['orders', 'units', 'amount', 'dealers'].every((k) => x[k] === y[k]);

test('two watchers settle on the exact totals of a burst, pushed at most 4 times a second', { timeout: 180_000 }, async () => {
  const watchA = await session(a, managerCookie);
  const watchB = await session(b, b.cookie);
  const snapA = await watchA.request('dashboard.watch', { fair: fx.fair });
  assert.equal(snapA.ok, true, JSON.stringify(snapA));
  assert.deepEqual(snapA.totals, { orders: 0, units: 0, amount: 0, dealers: 0 });
  for (const key of ['by_product', 'by_region', 'by_tier', 'top_dealers', 'per_minute']) assert.ok(Array.isArray(snapA[key]), key);
  assert.equal(typeof snapA.online, 'number');
  assert.equal((await watchB.request('dashboard.watch', { fair: fx.fair })).ok, true);

  // The burst: 120 dealers on two processes, 4 orders each, while the managers watch.
  const variants = fx.products.flatMap((p) => p.variants);
  const clients = await Promise.all(dealers.map((d, i) => session(i % 2 ? a : b, d.cookie)));
  const started = Date.now();
  const replies = await Promise.all(clients.map(async (c, i) => {
    const out = [];
    for (let j = 0; j < 4; j++) {
      out.push(await c.request('order.place', { fair: fx.fair, key: `dash-${i}-${j}`,
        lines: [{ variant: variants[(i + j) % variants.length], qty: 1 + (j % 3) }] }, 60_000));
    }
    return out;
  }));
  const burstMs = Date.now() - started;
  assert.ok(replies.flat().every((r) => r.ok), 'every order accepted');

  const want = await counted();
  for (const w of [watchA, watchB]) {
    await waitFor(() => same(lastTotals(w), want),
      { timeoutMs: 15_000, what: `totals to settle on ${JSON.stringify(want)}` });
  }
  const settled = Date.now() - started;
  const [[differences]] = await sql(db.url, `SELECT count(*) FROM dashboard_check(${fx.fair})`);
  assert.equal(Number(differences), 0, 'the kept totals equal the aggregate, row by row');

  // At most 4 pushes a second: over the whole burst, no more pushes than 250 ms slots.
  const pushTimes = [];
  for (const w of [watchA, watchB]) pushTimes.push(w.pushes.filter((p) => p.ev === 'totals').length);
  console.log(`burst of ${want.orders} orders from 120 dealers on 2 processes in ${burstMs} ms; ` +
    `totals settled ${settled} ms after its start; totals pushes: a ${pushTimes[0]}, b ${pushTimes[1]}`);
  const maxPushes = Math.ceil(settled / 250) + 2;
  for (const n of pushTimes) assert.ok(n <= maxPushes, `${n} pushes in ${settled} ms is at most 4 a second`);

  const snap = await watchA.request('dashboard.watch', { fair: fx.fair });
  const [[region, regionAmount]] = await sql(db.url, `SELECT d.region, sum(o.total) FROM orders o JOIN dealers d ON d.id = o.dealer_id
    WHERE o.fair_id = ${fx.fair} GROUP BY d.region ORDER BY 2 DESC LIMIT 1`);
  assert.deepEqual([snap.by_region[0].region, snap.by_region[0].amount], [region, Number(regionAmount)]);
  const [[topDealer, topAmount]] = await sql(db.url, `SELECT dealer_id, sum(total) FROM orders WHERE fair_id = ${fx.fair}
    GROUP BY dealer_id ORDER BY 2 DESC, 1 LIMIT 1`);
  assert.deepEqual([snap.top_dealers[0].dealer, snap.top_dealers[0].amount], [Number(topDealer), Number(topAmount)]);
  assert.equal(snap.by_product.reduce((s, p) => s + p.units, 0), want.units);
  assert.equal(snap.per_minute.reduce((s, m) => s + m.orders, 0), want.orders);
  assert.equal(snap.by_tier.reduce((s, t) => s + t.amount, 0), want.amount);
  assert.ok(snap.by_product.every((p) => p.sell_through >= 0 && p.sell_through <= 1));

  // Quiet: no push while nothing changes.
  const quietFrom = watchA.pushes.length;
  await new Promise((resolve) => setTimeout(resolve, 1500));
  assert.equal(watchA.pushes.filter((p, i) => i >= quietFrom && p.ev === 'totals').length, 0);

  // A cancellation moves them back.
  const cancelled = await clients[0].request('order.cancel', { order: replies[0][0].order.id });
  assert.equal(cancelled.ok, true);
  const afterCancel = await counted();
  assert.equal(afterCancel.orders, want.orders - 1);
  for (const w of [watchA, watchB]) {
    await waitFor(() => same(lastTotals(w), afterCancel),
      { timeoutMs: 10_000, what: 'totals after the cancellation' });
  }
  await Promise.all([...clients, watchA, watchB].map((c) => c.close()));
});

test('after a restart the dashboard shows the same numbers; dealers may not watch', async () => {
  // Orders of its own, so the numbers are not zeros whether or not the test before ran.
  const buyers = await Promise.all(dealers.slice(-3).map((d) => session(b, d.cookie)));
  for (const [i, c] of buyers.entries()) {
    const r = await c.request('order.place', { fair: fx.fair, key: `restart-${i}`,
      lines: [{ variant: fx.products[i].variants[0], qty: 2 + i }] });
    assert.equal(r.ok, true, JSON.stringify(r));
  }
  await Promise.all(buyers.map((c) => c.close()));
  const before = await counted();
  assert.ok(before.orders >= 3 && before.amount > 0);
  await a.stop();
  a = await startServer({ databaseUrl: db.url, user: { login: 'mgr-a', role: 'manager' } });
  const w = await session(a, a.cookie);
  const snap = await w.request('dashboard.watch', { fair: fx.fair });
  assert.deepEqual(snap.totals, before);
  const dealer = await session(a, dealers[5].cookie);
  assert.equal((await dealer.request('dashboard.watch', { fair: fx.fair })).error?.code, 'forbidden');
  assert.equal((await w.request('dashboard.watch', { fair: 987654 })).error?.code, 'not_found');
  await Promise.all([w.close(), dealer.close()]);
});
