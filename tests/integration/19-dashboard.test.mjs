// The brand manager's live dashboard (PROTOCOL.md "Brand manager dashboard"): managers on two
// processes watch a burst; both settle on exactly the numbers an aggregate over the orders
// gives, pushed at most 4 times a second and never while nothing changes; a cancellation
// moves them back; a restart shows the same numbers; dealers may not watch. by_category equals
// an aggregate over the order lines, and must_order what each dealer's `attainment` says, in
// the snapshot and in every push; a rejection leaves them as it leaves the other groups.
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
  // Three categories: the first two products are coats, then trousers, then accessories.
  await sql(db.url, `UPDATE products SET category = CASE id WHEN ${fx.products[2].id} THEN '褲子'
      WHEN ${fx.products[3].id} THEN '配件' ELSE '外套' END
    WHERE id IN (${fx.products.map((p) => p.id).join(',')})`);
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
const lastPush = (c) => c.pushes.filter((p) => p.ev === 'totals' && p.fair === fx.fair).at(-1);
const same = (x, y) => !!x && ['orders', 'units', 'amount', 'dealers'].every((k) => x[k] === y[k]);
const equal = (x, y) => { try { assert.deepEqual(x, y); return true; } catch { return false; } };

/** by_category as an aggregate over the counted orders' lines: the largest amount first. */
async function countedByCategory() {
  const rows = await sql(db.url, `SELECT p.category, count(DISTINCT o.id), sum(l.qty), sum(l.qty::bigint * l.price),
      count(DISTINCT o.dealer_id)
    FROM orders o JOIN order_lines l ON l.order_id = o.id JOIN variants v ON v.id = l.variant_id
    JOIN products p ON p.id = v.product_id
    WHERE o.fair_id = ${fx.fair} AND o.status NOT IN ('cancelled', 'rejected')
    GROUP BY p.category ORDER BY 4 DESC, 1`);
  return rows.map(([category, orders, units, amount, dealersOrdering]) => ({ category, orders: Number(orders),
    units: Number(units), amount: Number(amount), dealers: Number(dealersOrdering) }));
}

test('two watchers settle on the exact totals of a burst, pushed at most 4 times a second', { timeout: 180_000 }, async () => {
  const watchA = await session(a, managerCookie);
  const watchB = await session(b, b.cookie);
  const snapA = await watchA.request('dashboard.watch', { fair: fx.fair });
  assert.equal(snapA.ok, true, JSON.stringify(snapA));
  assert.deepEqual(snapA.totals, { orders: 0, units: 0, amount: 0, dealers: 0 });
  for (const key of ['by_product', 'by_region', 'by_tier', 'top_dealers', 'per_minute', 'by_category']) assert.ok(Array.isArray(snapA[key]), key);
  assert.deepEqual(snapA.by_category, []);
  assert.deepEqual(snapA.must_order, { styles: 0, dealers: 0, complete: 0, by_style: [] });
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

  // by_category: an aggregate over the lines (an order counts once in each category it has
  // lines of), in the snapshot and in the last push of both watchers.
  const categories = await countedByCategory();
  assert.equal(categories.length, 3, JSON.stringify(categories));
  assert.deepEqual(snap.by_category, categories);
  assert.equal(snap.by_category.reduce((s, c) => s + c.amount, 0), want.amount);
  assert.equal(snap.by_category.reduce((s, c) => s + c.units, 0), want.units);
  for (const w of [watchA, watchB]) {
    assert.deepEqual(lastPush(w).by_category, categories, 'the push carries by_category');
    assert.deepEqual(lastPush(w).must_order, { styles: 0, dealers: want.dealers, complete: want.dealers, by_style: [] },
      'the push carries must_order: no must-order style, so every dealer is complete');
  }

  // Quiet: no push while nothing changes.
  const quietFrom = watchA.pushes.length;
  await new Promise((resolve) => setTimeout(resolve, 1500));
  assert.equal(watchA.pushes.filter((p, i) => i >= quietFrom && p.ev === 'totals').length, 0);

  // A cancellation moves them back, by_category as the other groups: its order leaves its
  // category's orders, units and amount.
  const cancelledOrder = replies[0][0].order;
  const cancelled = await clients[0].request('order.cancel', { order: cancelledOrder.id });
  assert.equal(cancelled.ok, true);
  const afterCancel = await counted();
  assert.equal(afterCancel.orders, want.orders - 1);
  const categoriesAfterCancel = await countedByCategory();
  for (const w of [watchA, watchB]) {
    await waitFor(() => same(lastTotals(w), afterCancel) && equal(lastPush(w).by_category, categoriesAfterCancel),
      { timeoutMs: 10_000, what: 'totals and by_category after the cancellation' });
  }
  const coats = (list) => list.find((c) => c.category === '外套');
  assert.deepEqual([coats(categoriesAfterCancel).orders, coats(categoriesAfterCancel).amount],
    [coats(categories).orders - 1, coats(categories).amount - cancelledOrder.total],
    'the cancelled coat order left its category');
  const [[region0, regionOrders]] = await sql(db.url, `SELECT d.region, count(*) FROM orders o JOIN dealers d ON d.id = o.dealer_id
    WHERE o.fair_id = ${fx.fair} AND o.status NOT IN ('cancelled', 'rejected')
      AND d.region = (SELECT region FROM dealers WHERE id = ${dealers[0].dealerId}) GROUP BY d.region`);
  const pushed = lastPush(watchA);
  assert.equal(pushed.by_region.find((r) => r.region === region0).orders, Number(regionOrders), 'by_region counts it alike');
  assert.equal(pushed.by_category.reduce((s, c) => s + c.amount, 0), afterCancel.amount);
  const [[differences2]] = await sql(db.url, `SELECT count(*) FROM dashboard_check(${fx.fair})`);
  assert.equal(Number(differences2), 0, 'the kept rows (also per dealer and category, per dealer and style) equal the aggregate');
  await Promise.all([...clients, watchA, watchB].map((c) => c.close()));
});

/**
 * must_order as each ordering dealer's own `attainment` gives it: `missing` lists the
 * must-order styles the dealer has not ordered, so a dealer with nothing missing is complete
 * and a style is ordered by the dealers that do not miss it.
 */
async function mustOrderFromAttainment(sessionsByDealer) {
  const ordering = (await sql(db.url, `SELECT DISTINCT dealer_id FROM orders
    WHERE fair_id = ${fx.fair} AND status NOT IN ('cancelled', 'rejected') ORDER BY 1`)).map(([id]) => Number(id));
  const missing = [];
  for (const id of ordering) {
    const r = await sessionsByDealer.get(id).request('attainment', { fair: fx.fair });
    assert.equal(r.ok, true, JSON.stringify(r));
    missing.push(r.attainment.missing.map((m) => m.product));
  }
  const styles = (await sql(db.url, `SELECT p.id, p.style, p.name, p.name_en FROM fair_items i JOIN products p ON p.id = i.product_id
    WHERE i.fair_id = ${fx.fair} AND i.must_order AND NOT i.withdrawn ORDER BY i.sort, i.product_id`))
    .map(([id, style, name, nameEn]) => ({ product: Number(id), style, name, name_en: nameEn }));
  return {
    styles: styles.length,
    dealers: ordering.length,
    complete: missing.filter((m) => m.length === 0).length,
    by_style: styles.map((s) => ({ ...s, dealers_ordered: missing.filter((m) => !m.includes(s.product)).length })),
  };
}

test('must_order equals what every dealer\'s attainment says, after orders and as must-order styles change', { timeout: 120_000 }, async () => {
  const manager = await session(a, managerCookie);
  assert.equal((await manager.request('dashboard.watch', { fair: fx.fair })).ok, true);
  const sessionsByDealer = new Map();
  for (const [i, d] of dealers.entries()) sessionsByDealer.set(d.dealerId, await session(i % 2 ? a : b, d.cookie));
  const [p1, p2, p3] = fx.products;

  // Two must-order styles some dealers ordered both of (4 neighbouring variants each), then
  // another pair nobody ordered both of.
  for (const change of [[[p1, true], [p2, true]], [[p2, false], [p3, true]]]) {
    for (const [p, required] of change) {
      const r = await manager.request('mustorder.set', { fair: fx.fair, product: p.id, required });
      assert.equal(r.ok, true, JSON.stringify(r));
    }
    const want = await mustOrderFromAttainment(sessionsByDealer);
    assert.equal(want.styles, 2);
    assert.ok(want.dealers > 0 && want.by_style.every((s) => s.dealers_ordered > 0), JSON.stringify(want));
    await waitFor(() => equal(lastPush(manager)?.must_order, want),
      { timeoutMs: 10_000, what: `a totals push with must_order ${JSON.stringify(want)}` });
    const snap = await manager.request('dashboard.watch', { fair: fx.fair });
    assert.deepEqual(snap.must_order, want);
    assert.equal(snap.must_order.dealers, snap.totals.dealers);
  }
  const complete = lastPush(manager).must_order.complete;
  assert.equal(complete, 0, 'nobody ordered both the first and the third style');

  // An order of the missing style completes its dealer, in the next push.
  const buyer = dealers.find((d, i) => i % 16 >= 1 && i % 16 <= 3); // ordered the first and second styles
  const placed = await sessionsByDealer.get(buyer.dealerId).request('order.place', { fair: fx.fair, key: 'must-1',
    lines: [{ variant: p3.variants[0], qty: 1 }] });
  assert.equal(placed.ok, true, JSON.stringify(placed));
  const want = await mustOrderFromAttainment(sessionsByDealer);
  assert.equal(want.complete, 1);
  await waitFor(() => equal(lastPush(manager)?.must_order, want), { timeoutMs: 10_000, what: 'must_order after the order' });
  await Promise.all([manager, ...sessionsByDealer.values()].map((c) => c.close()));
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

test('a rejection after the fair leaves by_category and must_order as it leaves the other groups', { timeout: 120_000 }, async () => {
  const w = await session(a, a.cookie);
  assert.equal((await w.request('dashboard.watch', { fair: fx.fair })).ok, true);
  const sessionsByDealer = new Map();
  for (const [i, d] of dealers.entries()) sessionsByDealer.set(d.dealerId, await session(i % 2 ? a : b, d.cookie));
  await sql(db.url, `UPDATE fairs SET status_override = 'closed' WHERE id = ${fx.fair}`);
  // The order that completed its dealer (the first and third styles are must-order).
  const [[orderId, total, category]] = await sql(db.url, `SELECT o.id, o.total, p.category FROM orders o
    JOIN order_lines l ON l.order_id = o.id JOIN variants v ON v.id = l.variant_id JOIN products p ON p.id = v.product_id
    WHERE o.fair_id = ${fx.fair} AND o.status = 'accepted' AND o.key = 'must-1'`);
  const beforeCategories = await countedByCategory();
  const beforeMust = await mustOrderFromAttainment(sessionsByDealer);
  const rep = await session(b, b.cookie);
  const rejected = await rep.request('order.review', { order: Number(orderId), decision: 'reject', note: '測試' });
  assert.equal(rejected.ok, true, JSON.stringify(rejected));

  const want = await counted();
  const categories = await countedByCategory();
  const of = (list) => list.find((c) => c.category === category);
  assert.deepEqual([of(categories).orders, of(categories).amount],
    [of(beforeCategories).orders - 1, of(beforeCategories).amount - Number(total)], 'the rejected order left its category');
  const must = await mustOrderFromAttainment(sessionsByDealer);
  assert.equal(must.complete, beforeMust.complete - 1, 'the rejected order no longer completes its dealer');
  await waitFor(() => same(lastTotals(w), want) && equal(lastPush(w).by_category, categories)
      && equal(lastPush(w).must_order, must),
    { timeoutMs: 10_000, what: 'totals, by_category and must_order after the rejection' });
  const [[differences]] = await sql(db.url, `SELECT count(*) FROM dashboard_check(${fx.fair})`);
  assert.equal(Number(differences), 0);
  await Promise.all([w, rep, ...sessionsByDealer.values()].map((c) => c.close()));
});

test('dashboard.discounts: what the policies and coupons gave, over the counted orders, for managers and admins', async () => {
  const w = await session(a, a.cookie);
  const got = await w.request('dashboard.discounts', { fair: fx.fair });
  assert.equal(got.ok, true, JSON.stringify(got));
  const [[orders, discounted, amount, early, tier, coupon]] = await sql(db.url, `SELECT count(*),
      count(*) FILTER (WHERE early_discount + tier_discount + coupon_discount > 0), coalesce(sum(total), 0),
      coalesce(sum(early_discount), 0), coalesce(sum(tier_discount), 0), coalesce(sum(coupon_discount), 0)
    FROM orders WHERE fair_id = ${fx.fair} AND status NOT IN ('cancelled', 'rejected')`);
  const discount = Number(early) + Number(tier) + Number(coupon);
  assert.deepEqual(
    [got.fair, got.orders, got.discounted, got.amount, got.early, got.tier, got.coupon, got.discount, got.payable],
    [fx.fair, Number(orders), Number(discounted), Number(amount), Number(early), Number(tier), Number(coupon), discount,
      Number(amount) - discount]);
  assert.ok(Number(orders) > 0);
  assert.deepEqual(got.coupons, []);
  // a rep watches the totals but not the discounts; a dealer neither; an unknown fair
  const rep = await session(b, b.cookie);
  const dealer = await session(a, dealers[7].cookie);
  assert.equal((await rep.request('dashboard.discounts', { fair: fx.fair })).error?.code, 'forbidden');
  assert.equal((await dealer.request('dashboard.discounts', { fair: fx.fair })).error?.code, 'forbidden');
  assert.equal((await w.request('dashboard.discounts', { fair: 987654 })).error?.code, 'not_found');
  assert.equal((await w.request('dashboard.discounts', {})).error?.code, 'bad_request');
  await Promise.all([w.close(), rep.close(), dealer.close()]);
});
