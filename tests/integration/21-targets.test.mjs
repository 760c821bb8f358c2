// Targets (訂貨指標) and must-order styles (必訂款): a manager sets them, each dealer's
// sessions on every process are told its attainment as it changes (and nobody else's), the
// dashboard ranks dealers and regions, the furthest behind first.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createDatabase, startServer, connect, sql, waitFor, makeFair, mintDealers, session } from './harness.mjs';

let db;
let a;
let b;
let fx;
let d1;
let d2;

before(async () => {
  db = await createDatabase();
  a = await startServer({ databaseUrl: db.url, user: { login: 'mgr-t', role: 'manager' } });
  b = await startServer({ databaseUrl: db.url, user: false });
  fx = await makeFair(db.url, { name: '指標測試會', products: 3 });
  [d1, d2] = await mintDealers(db.url, 2, { prefix: `tgt${process.pid}x` });
});

after(async () => {
  try {
    await Promise.all([a?.stop(), b?.stop()]);
  } finally {
    if (db) await db.drop();
  }
});


const attainments = (c, dealer) => c.pushes.filter((p) => p.ev === 'attainment' && p.dealer === dealer);

test('attainment reaches the dealer alone as targets, must-order styles and its orders change', { timeout: 60_000 }, async () => {
  const manager = await session(a, a.cookie);
  const mine = [await session(a, d1.cookie), await session(b, d1.cookie)];
  const other = await session(b, d2.cookie);
  const [p1, p2] = fx.products;

  const target = await manager.request('target.set', { fair: fx.fair, dealer: d1.dealerId, amount: 1_000_000, units: 20 });
  assert.equal(target.ok, true, JSON.stringify(target));
  const region = await manager.request('target.set', { fair: fx.fair, region: '華東', amount: 5_000_000 });
  assert.equal(region.ok, true);
  const must = await manager.request('mustorder.set', { fair: fx.fair, product: p2.id, required: true });
  assert.deepEqual([must.product, must.required], [p2.id, true]);

  for (const s of mine) {
    await waitFor(() => attainments(s, d1.dealerId).at(-1)?.missing?.length === 1,
      { timeoutMs: 10_000, what: 'the attainment with the must-order style missing' });
    const last = attainments(s, d1.dealerId).at(-1);
    assert.deepEqual(last.target, { amount: 1_000_000, units: 20 });
    assert.deepEqual(last.ordered, { amount: 0, units: 0 });
    assert.equal(last.ratio, 0);
    assert.equal(last.missing[0].product, p2.id);
    assert.equal(last.fair, fx.fair);
  }

  // An order moves the ratio; the must-order style ordered leaves `missing` empty.
  const first = await mine[0].request('order.place', { fair: fx.fair, key: 't-1', lines: [{ variant: p1.variants[0], qty: 2 }] });
  assert.equal(first.ok, true, JSON.stringify(first));
  for (const s of mine) {
    await waitFor(() => attainments(s, d1.dealerId).at(-1)?.ordered?.amount === first.order.total,
      { timeoutMs: 10_000, what: 'the attainment after the first order' });
    assert.equal(attainments(s, d1.dealerId).at(-1).ratio, Number((first.order.total / 1_000_000).toFixed(4)));
  }
  const second = await mine[1].request('order.place', { fair: fx.fair, key: 't-2', lines: [{ variant: p2.variants[0], qty: 1 }] });
  assert.equal(second.ok, true);
  for (const s of mine) {
    await waitFor(() => attainments(s, d1.dealerId).at(-1)?.missing?.length === 0,
      { timeoutMs: 10_000, what: 'nothing missing once the must-order style is ordered' });
  }
  const asked = await mine[0].request('attainment', { fair: fx.fair });
  assert.equal(asked.attainment.ordered.amount, first.order.total + second.order.total);

  // A marker: d2 orders, after all of d1's changes; its own attainment reaches d2's session
  // after anything of d1's that might have been misrouted there.
  const marker = await other.request('order.place', { fair: fx.fair, key: 't-marker', lines: [{ variant: p1.variants[1], qty: 1 }] });
  assert.equal(marker.ok, true, JSON.stringify(marker));
  await waitFor(() => attainments(other, d2.dealerId).at(-1)?.ordered?.amount === marker.order.total,
    { timeoutMs: 10_000, what: 'd2\'s own attainment after its order' });
  assert.deepEqual(attainments(other, d1.dealerId), [], 'another dealer hears nothing of it');
  assert.ok(attainments(other, d2.dealerId).length >= 1, 'but gets its own (no target, the style missing)');
  assert.equal(attainments(other, d2.dealerId).at(-1).target, null);

  // The ranking boards: dealers and regions against their targets.
  const watch = await manager.request('dashboard.watch', { fair: fx.fair });
  const behind = watch.rankings.dealers_behind.find((r) => r.dealer === d1.dealerId);
  assert.equal(behind.ordered, first.order.total + second.order.total);
  const east = watch.rankings.regions.find((r) => r.region === '華東');
  // both dealers are in 華東: d1's two orders and d2's marker
  assert.deepEqual([east.target, east.ordered], [5_000_000, first.order.total + second.order.total + marker.order.total]);

  const audit = await manager.request('audit.list', { fair: fx.fair, limit: 10 });
  assert.ok(audit.entries.some((e) => e.action === 'target.set'), JSON.stringify(audit).slice(0, 300));
  assert.ok(audit.entries.some((e) => e.action === 'mustorder.set'));
  await Promise.all([manager, ...mine, other].map((c) => c.close()));
});

test('targets are for managers and admins, and checked', async () => {
  const dealer = await session(a, d2.cookie);
  assert.equal((await dealer.request('target.set', { fair: fx.fair, dealer: d2.dealerId, amount: 1 })).error?.code, 'forbidden');
  const manager = await session(b, a.cookie);
  assert.equal((await manager.request('target.set', { fair: fx.fair, dealer: d2.dealerId, region: '華東', amount: 1 })).error?.code, 'bad_request');
  assert.equal((await manager.request('target.set', { fair: fx.fair, amount: 1 })).error?.code, 'bad_request');
  assert.equal((await manager.request('target.set', { fair: fx.fair, dealer: 987654, amount: 1 })).error?.code, 'not_found');
  assert.equal((await manager.request('mustorder.set', { fair: fx.fair, product: 987654, required: true })).error?.code, 'not_found');
  assert.equal((await manager.request('target.set', { fair: fx.fair, dealer: d2.dealerId, amount: -1 })).error?.code, 'bad_request');
  await Promise.all([dealer.close(), manager.close()]);
});
