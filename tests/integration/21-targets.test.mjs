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

test('attainment carries the dealer\'s credit: limit, open orders at every fair, available', { timeout: 60_000 }, async () => {
  const [d3, d4] = await mintDealers(db.url, 2, { prefix: `crd${process.pid}x`, tiers: ['B'] });
  await sql(db.url, `UPDATE dealers SET credit_limit = 1000000 WHERE id = ${d3.dealerId};
    UPDATE dealers SET credit_limit = 0 WHERE id = ${d4.dealerId}`);
  const elsewhere = await makeFair(db.url, { name: '另一場訂貨會', products: 1 });
  const mine = [await session(a, d3.cookie), await session(b, d3.cookie)];
  // This fair's pushes only: the order at the other fair has its own attainment push, which
  // may arrive after this fair's (each fair is throttled on its own) with the credit as it
  // was before the order here.
  const atThisFair = (c) => attainments(c, d3.dealerId).filter((p) => p.fair === fx.fair);
  const credits = (c) => atThisFair(c).map((p) => p.credit);

  // An open order at another fair counts against the credit here.
  const away = await mine[0].request('order.place', { fair: elsewhere.fair, key: 'c-away',
    lines: [{ variant: elsewhere.products[0].variants[0], qty: 2 }] });
  assert.equal(away.ok, true, JSON.stringify(away));
  const asked = await mine[0].request('attainment', { fair: fx.fair });
  assert.equal(asked.ok, true, JSON.stringify(asked));
  assert.deepEqual(asked.attainment.credit, { limit: 1_000_000, open: away.order.total, available: 1_000_000 - away.order.total });
  assert.deepEqual(asked.attainment.ordered, { amount: 0, units: 0 }, 'the other fair is not ordered here');

  // An order here: the push to every session of the dealer carries the credit after it.
  const [p1, , p3] = fx.products;
  const here = await mine[1].request('order.place', { fair: fx.fair, key: 'c-here',
    lines: [{ variant: p3.variants[0], qty: 3 }, { variant: p3.variants[1], qty: 1 }] });
  assert.equal(here.ok, true, JSON.stringify(here));
  let open = away.order.total + here.order.total;
  for (const s of mine) {
    await waitFor(() => credits(s).at(-1)?.open === open, { timeoutMs: 10_000, what: 'the credit pushed after the order' });
    assert.deepEqual(credits(s).at(-1), { limit: 1_000_000, open, available: 1_000_000 - open });
    assert.equal(atThisFair(s).at(-1).ordered.amount, here.order.total);
  }

  // More than is available: refused, and the refusal's figure is the one shown.
  const over = await mine[0].request('order.place', { fair: fx.fair, key: 'c-over',
    lines: [{ variant: p1.variants[0], qty: 20 }] });
  assert.equal(over.error?.code, 'credit_exceeded', JSON.stringify(over));
  assert.equal(over.error.available_credit, 1_000_000 - open);

  // An amend moves the open total by the difference; its push says so.
  const amended = await mine[0].request('order.amend', { order: here.order.id, lines: [{ variant: p3.variants[0], qty: 1 }] });
  assert.equal(amended.ok, true, JSON.stringify(amended));
  open = away.order.total + amended.order.total;
  for (const s of mine) {
    await waitFor(() => credits(s).at(-1)?.open === open, { timeoutMs: 10_000, what: 'the credit pushed after the amend' });
    assert.equal(credits(s).at(-1).available, 1_000_000 - open);
  }

  // A delivered order is no longer open; a limit below the open total leaves nothing
  // available, never less than 0.
  await sql(db.url, `UPDATE orders SET status = 'delivered' WHERE id = ${away.order.id}`);
  assert.deepEqual((await mine[0].request('attainment', { fair: fx.fair })).attainment.credit,
    { limit: 1_000_000, open: amended.order.total, available: 1_000_000 - amended.order.total });
  await sql(db.url, `UPDATE dealers SET credit_limit = 1000 WHERE id = ${d3.dealerId}`);
  assert.deepEqual((await mine[1].request('attainment', { fair: fx.fair })).attainment.credit,
    { limit: 1000, open: amended.order.total, available: 0 });

  // A limit of 0 is no credit, not "no limit": nothing is available and an order is refused.
  const none = await session(b, d4.cookie);
  assert.deepEqual((await none.request('attainment', { fair: fx.fair })).attainment.credit,
    { limit: 0, open: 0, available: 0 });
  const refused = await none.request('order.place', { fair: fx.fair, key: 'c-none', lines: [{ variant: p1.variants[0], qty: 1 }] });
  assert.equal(refused.error?.code, 'credit_exceeded', JSON.stringify(refused));
  assert.equal(refused.error.available_credit, 0);
  await Promise.all([...mine, none].map((c) => c.close()));
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
