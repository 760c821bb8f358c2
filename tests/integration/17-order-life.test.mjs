// The order's life while the fair is live (PROTOCOL.md "Ordering"): drafts that survive
// other devices, logout and restarts; amend up and down by difference; cancel racing
// itself; waitlists served first come first served; order.status to every session of the
// dealer and to no other dealer; orders.mine with history.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createDatabase, startServer, connect, sql, waitFor, makeFair, mintDealers, fairctl, httpGet, session, creditDrift } from './harness.mjs';

let db;
let a;
let b;
let fx;
let dealers;
let next = 0;

before(async () => {
  db = await createDatabase();
  a = await startServer({ databaseUrl: db.url, user: { login: 'rep-a', role: 'rep' } });
  b = await startServer({ databaseUrl: db.url, user: false });
  fx = await makeFair(db.url, { name: '訂單生命', products: 4 });
  dealers = await mintDealers(db.url, 20, { prefix: `life${process.pid}x` });
});

after(async () => {
  try {
    await Promise.all([a?.stop(), b?.stop()]);
  } finally {
    if (db) await db.drop();
  }
});

const take = () => dealers[next++];
let keys = 0;
const key = () => `life-${++keys}`;


const stockOf = async (variant) => {
  const [[allocation, sold]] = await sql(db.url,
    `SELECT allocation, sold FROM stock WHERE fair_id = ${fx.fair} AND variant_id = ${variant}`);
  return allocation - sold;
};

test('a draft comes back on another device, after a restart and after logging in again', async () => {
  const d = take();
  const c1 = await session(a, d.cookie);
  const lines = [{ variant: fx.products[0].variants[0], qty: 3 }, { variant: fx.products[0].variants[1], qty: 0 + 2 }];
  const saved = await c1.request('draft.save', { fair: fx.fair, lines, note: '先存著' });
  assert.equal(saved.ok, true, JSON.stringify(saved));
  const c2 = await session(b, d.cookie);
  const got = await c2.request('draft.get', { fair: fx.fair });
  assert.deepEqual([got.lines, got.note, got.updated_at], [lines, '先存著', saved.updated_at]);
  await c2.close();

  await c1.close();
  await a.stop();
  a = await startServer({ databaseUrl: db.url, user: { login: 'rep-a', role: 'rep' } });
  const after = await session(a, d.cookie);
  assert.deepEqual((await after.request('draft.get', { fair: fx.fair })).lines, lines, 'after a restart');
  await after.close();

  const out = await httpGet(`${a.url}/api/logout`, { method: 'POST', headers: { cookie: d.cookie } });
  assert.equal(out.status, 200);
  const { stdout } = await fairctl(db.url, ['mint-sessions', d.login]);
  const cookie = `fair_session=${stdout.trim().split('\t')[1]}`;
  const again = await session(a, cookie);
  assert.deepEqual((await again.request('draft.get', { fair: fx.fair })).lines, lines, 'after logging in again');
  const cleared = await again.request('draft.save', { fair: fx.fair, lines: [] });
  assert.equal(cleared.ok, true);
  assert.deepEqual((await again.request('draft.get', { fair: fx.fair })).lines, []);
  const bad = await again.request('draft.save', { fair: fx.fair, lines: [{ variant: 1, qty: -1 }] });
  assert.equal(bad.error?.code, 'bad_request');
  const none = await again.request('draft.get', { fair: 987654 });
  assert.equal(none.error?.code, 'not_found');
  d.cookie = cookie;
  await again.close();
});

test('amend takes or returns only the difference, with every check of a new order', async () => {
  const d = take();
  const c = await session(a, d.cookie);
  const watcher = await session(b, dealers[19].cookie);
  assert.equal((await watcher.request('join', { fair: fx.fair })).ok, true);
  const [v1, v2] = fx.products[1].variants;
  await sql(db.url, `UPDATE fair_items SET dealer_limit = 12 WHERE fair_id = ${fx.fair} AND product_id = ${fx.products[1].id}`);
  const placed = await c.request('order.place', { fair: fx.fair, key: key(), lines: [{ variant: v1, qty: 5 }] });
  assert.equal(placed.ok, true);
  const before = await stockOf(v1);

  const up = await c.request('order.amend', { order: placed.order.id, lines: [{ variant: v1, qty: 8 }, { variant: v2, qty: 2 }] });
  assert.equal(up.ok, true, JSON.stringify(up));
  assert.deepEqual(up.order.lines.map((l) => [l.variant, l.qty]), [[v1, 8], [v2, 2]]);
  assert.equal(await stockOf(v1), before - 3, 'only the difference is taken');
  assert.equal(up.order.total, 10 * up.order.lines[0].price);
  assert.equal(up.order.id, placed.order.id);

  const tooMany = await c.request('order.amend', { order: placed.order.id, lines: [{ variant: v1, qty: 13 }] });
  assert.equal(tooMany.error?.code, 'limit_exceeded', 'its own old lines do not count against it, the new ones do');
  const short = await c.request('order.amend', { order: placed.order.id, lines: [{ variant: v1, qty: 8 + before }] });
  assert.equal(short.error?.code, 'insufficient_stock');
  assert.equal(short.error.available[v1], before - 3 + 8, 'what it holds counts as available to it');

  const down = await c.request('order.amend', { order: placed.order.id, lines: [{ variant: v1, qty: 1 }] });
  assert.equal(down.ok, true);
  assert.equal(await stockOf(v1), before + 4);
  assert.equal(await stockOf(v2), 100, 'the dropped line went back');
  await waitFor(() => {
    const last = watcher.pushes.filter((p) => p.ev === 'stock' && v1 in p.v).at(-1);
    return last?.v[v1] === before + 4;
  }, { what: 'a stock push with the returned units' });

  const other = await session(a, take().cookie);
  const foreign = await other.request('order.amend', { order: placed.order.id, lines: [{ variant: v1, qty: 2 }] });
  assert.equal(foreign.error?.code, 'forbidden');
  const missing = await c.request('order.amend', { order: 987654321, lines: [{ variant: v1, qty: 2 }] });
  assert.equal(missing.error?.code, 'not_found');
  await Promise.all([c.close(), watcher.close(), other.close()]);
});

test('two cancels race: the stock returns once; waitlists are served in order and told', async () => {
  const holder = take();
  const [w1, w2, w3] = [take(), take(), take()];
  const variant = fx.products[2].variants[0];
  await sql(db.url, `UPDATE stock SET allocation = 10 WHERE fair_id = ${fx.fair} AND variant_id = ${variant}`);
  const c = await session(a, holder.cookie);
  const placed = await c.request('order.place', { fair: fx.fair, key: key(), lines: [{ variant, qty: 10 }] });
  assert.equal(placed.ok, true);

  // Three dealers wait; w1 and w3 with two sessions each, on both processes.
  const s1 = [await session(a, w1.cookie), await session(b, w1.cookie)];
  const s2 = [await session(b, w2.cookie)];
  const s3 = [await session(a, w3.cookie), await session(b, w3.cookie)];
  const p1 = await s1[0].request('waitlist.join', { fair: fx.fair, variant, qty: 4 });
  const p2 = await s2[0].request('waitlist.join', { fair: fx.fair, variant, qty: 8 });
  const p3 = await s3[0].request('waitlist.join', { fair: fx.fair, variant, qty: 3 });
  assert.deepEqual([p1.position, p2.position, p3.position], [1, 2, 3]);
  const again = await s2[0].request('waitlist.join', { fair: fx.fair, variant, qty: 5 });
  assert.deepEqual([again.position, again.qty], [2, 5], 'joining again keeps the place');
  const bystander = await session(b, take().cookie);

  const other = await session(b, holder.cookie);
  const [r1, r2] = await Promise.all([
    c.request('order.cancel', { order: placed.order.id }),
    other.request('order.cancel', { order: placed.order.id }),
  ]);
  const oks = [r1, r2].filter((r) => r.ok);
  assert.equal(oks.length, 1, JSON.stringify([r1, r2]));
  assert.equal([r1, r2].find((r) => !r.ok).error.code, 'conflict');
  assert.equal(oks[0].order.status, 'cancelled');

  // 10 returned: w1 takes 4, w2 takes 5, w3 (3) no longer fits and keeps waiting.
  const rows = await sql(db.url, `SELECT o.dealer_id, l.qty FROM orders o JOIN order_lines l ON l.order_id = o.id
    WHERE o.key LIKE 'waitlist-%' AND l.variant_id = ${variant} ORDER BY o.id`);
  assert.deepEqual(rows.map(([dealer, qty]) => [Number(dealer), Number(qty)]), [[w1.dealerId, 4], [w2.dealerId, 5]]);
  assert.equal(await stockOf(variant), 1, 'returned once: 10 back, 9 served');
  const [[waiting]] = await sql(db.url, `SELECT string_agg(dealer_id::text, ',') FROM waitlist WHERE variant_id = ${variant}`);
  assert.equal(waiting, String(w3.dealerId));

  for (const s of [...s1, ...s2]) {
    const push = await s.next((m) => m.ev === 'order.status' && m.status === 'accepted', 10_000);
    assert.match(push.note, /waitlist/);
  }
  const holderPush = await other.next((m) => m.ev === 'order.status' && m.order === placed.order.id, 10_000);
  assert.equal(holderPush.status, 'cancelled');
  // Markers: w3 and the bystander each cancel an order of their own, after all of the above;
  // its order.status reaches their sessions after anything misrouted to them would have.
  const markerVariant = fx.products[1].variants[3];
  for (const [owner, sessions] of [[s3[0], s3], [bystander, [bystander]]]) {
    const mine = await owner.request('order.place', { fair: fx.fair, key: key(), lines: [{ variant: markerVariant, qty: 1 }] });
    assert.equal(mine.ok, true, JSON.stringify(mine));
    assert.equal((await owner.request('order.cancel', { order: mine.order.id })).ok, true);
    for (const s of sessions) {
      await s.next((m) => m.ev === 'order.status' && m.order === mine.order.id && m.status === 'cancelled', 10_000);
      assert.deepEqual(s.pushes.filter((p) => p.ev === 'order.status' && p.order !== mine.order.id), [],
        'no other dealer is told');
    }
  }
  const mine = await s1[1].request('orders.mine', { fair: fx.fair });
  assert.equal(mine.orders.length, 1);
  assert.equal(mine.orders[0].history[0].note, 'from the waitlist: stock came back');

  const left = await s3[0].request('waitlist.leave', { fair: fx.fair, variant });
  assert.equal(left.ok, true);
  const gone = await s3[0].request('waitlist.leave', { fair: fx.fair, variant });
  assert.equal(gone.error?.code, 'not_found');
  await Promise.all([c, other, bystander, ...s1, ...s2, ...s3].map((s) => s.close()));
});

test('orders.mine lists the dealer\'s own orders with their history', async () => {
  const d = take();
  const c = await session(a, d.cookie);
  const variant = fx.products[3].variants[0];
  const first = await c.request('order.place', { fair: fx.fair, key: key(), lines: [{ variant, qty: 1 }] });
  const second = await c.request('order.place', { fair: fx.fair, key: key(), lines: [{ variant, qty: 2 }] });
  await c.request('order.cancel', { order: first.order.id });
  const mine = await c.request('orders.mine', {});
  assert.deepEqual(mine.orders.map((o) => [o.id, o.status]), [[second.order.id, 'accepted'], [first.order.id, 'cancelled']]);
  assert.deepEqual(mine.orders[1].history.map((h) => h.status), ['accepted', 'cancelled']);
  const rep = await session(a, a.cookie);
  assert.equal((await rep.request('orders.mine', {})).error?.code, 'forbidden', 'the staff name the dealer');
  // a rep ordering on the dealer's behalf reads the dealer's orders as the dealer does
  const named = await rep.request('orders.mine', { fair: fx.fair, dealer: d.dealerId });
  assert.deepEqual(named.orders.map((o) => [o.id, o.status]), mine.orders.map((o) => [o.id, o.status]));
  assert.equal((await rep.request('orders.mine', { dealer: 987654321 })).error?.code, 'not_found');
  await sql(db.url, `UPDATE users SET regions = '{西北}' WHERE login = 'rep-a'`);
  assert.equal((await rep.request('orders.mine', { fair: fx.fair, dealer: d.dealerId })).error?.code, 'forbidden',
    'a rep limited to other regions');
  await sql(db.url, `UPDATE users SET regions = '{}' WHERE login = 'rep-a'`);
  // a dealer naming another dealer still reads its own
  const other = dealers.at(-1);
  assert.deepEqual((await c.request('orders.mine', { fair: fx.fair, dealer: other.dealerId })).orders.map((o) => o.id),
    mine.orders.map((o) => o.id));
  const byRep = await rep.request('order.cancel', { order: second.order.id });
  assert.equal(byRep.ok, true, 'a rep cancels on behalf of the dealer');
  const third = await c.request('order.place', { fair: fx.fair, key: key(), lines: [{ variant, qty: 1 }] });
  assert.equal(third.ok, true);
  await sql(db.url, `UPDATE fairs SET ends_at = now() - interval '1 second', starts_at = now() - interval '2 hours' WHERE id = ${fx.fair}`);
  const late = await c.request('order.cancel', { order: third.order.id });
  assert.equal(late.error?.code, 'fair_not_live', 'an accepted order stays once the fair is over');
  // The lobby's closed fair with my orders: fairs.list gives a dealer its counted orders there
  const listed = (await c.request('fairs.list', {})).fairs.find((f) => f.id === fx.fair);
  assert.equal(listed.status, 'closed');
  assert.deepEqual(listed.mine, { orders: 1, amount: third.order.total, payable: third.order.total });
  assert.equal((await rep.request('fairs.list', {})).fairs.find((f) => f.id === fx.fair).mine, undefined, 'the staff have none');
  // A cancelled order says so, also after the fair (a retried cancel must not read as "not
  // cancelled").
  const again = await c.request('order.cancel', { order: second.order.id });
  assert.deepEqual([again.error?.code, again.error?.status], ['conflict', 'cancelled']);
  await Promise.all([c.close(), rep.close()]);
});

test('an item sold in packs (配碼) is ordered in whole packs per colour, and says what is wrong', async () => {
  const d = take();
  const c = await session(b, d.cookie);
  const p = fx.products[3];
  const [mBlack, mWhite, lBlack, lWhite] = p.variants; // M 黑色, M 白色, L 黑色, L 白色
  await sql(db.url, `UPDATE fairs SET ends_at = now() + interval '1 day' WHERE id = ${fx.fair}`); // reopened
  await sql(db.url, `UPDATE fair_items SET pack = '{"M": 1, "L": 2}' WHERE fair_id = ${fx.fair} AND product_id = ${p.id}`);
  const cases = [
    [[{ variant: mBlack, qty: 1 }, { variant: lBlack, qty: 1 }], /whole packs/, '黑色'],
    [[{ variant: mBlack, qty: 1 }], /whole packs/, '黑色'],
    [[{ variant: mBlack, qty: 1 }, { variant: lBlack, qty: 2 }, { variant: mWhite, qty: 2 }, { variant: lWhite, qty: 2 }], /whole packs/, '白色'],
  ];
  for (const [lines, why, color] of cases) {
    const r = await c.request('order.place', { fair: fx.fair, key: key(), lines });
    assert.equal(r.error?.code, 'bad_request', JSON.stringify(r));
    assert.match(r.error.message, why);
    assert.equal(r.error.color, color);
    assert.deepEqual(r.error.pack, { M: 1, L: 2 });
    assert.equal(r.error.reason, 'pack', 'a reason the pages can word');
  }
  const ok = await c.request('order.place', { fair: fx.fair, key: key(), lines: [
    { variant: mBlack, qty: 2 }, { variant: lBlack, qty: 4 }, { variant: mWhite, qty: 1 }, { variant: lWhite, qty: 2 }] });
  assert.equal(ok.ok, true, JSON.stringify(ok));
  const amended = await c.request('order.amend', { order: ok.order.id, lines: [{ variant: mBlack, qty: 1 }, { variant: lBlack, qty: 3 }] });
  assert.equal(amended.error?.code, 'bad_request', 'amend keeps the packs too');
  await sql(db.url, `UPDATE fair_items SET pack = NULL WHERE fair_id = ${fx.fair} AND product_id = ${p.id}`);
  await c.close();
});

test('each dealer\'s kept open credit still equals the sum of its open orders after placing, amending, cancelling and filling waitlists', async () => {
  // Its own changes of every kind (whatever the tests before did): place, amend up and down,
  // cancel with a waitlist served from the units returned.
  await sql(db.url, `UPDATE fairs SET ends_at = now() + interval '1 day' WHERE id = ${fx.fair}`);
  const [holder, waiter] = [take(), take()];
  const variant = fx.products[0].variants[3];
  const h = await session(a, holder.cookie);
  const w = await session(b, waiter.cookie);
  const placed = await h.request('order.place', { fair: fx.fair, key: key(), lines: [{ variant, qty: 2 }] });
  assert.equal(placed.ok, true, JSON.stringify(placed));
  assert.equal((await h.request('order.amend', { order: placed.order.id, lines: [{ variant, qty: 5 }] })).ok, true);
  assert.equal((await h.request('order.amend', { order: placed.order.id, lines: [{ variant, qty: 3 }] })).ok, true);
  const [[left]] = await sql(db.url, `SELECT allocation - sold FROM stock WHERE fair_id = ${fx.fair} AND variant_id = ${variant}`);
  await sql(db.url, `UPDATE stock SET allocation = sold WHERE fair_id = ${fx.fair} AND variant_id = ${variant}`);
  assert.equal((await w.request('waitlist.join', { fair: fx.fair, variant, qty: 2 })).ok, true);
  assert.equal((await h.request('order.cancel', { order: placed.order.id })).ok, true);
  await w.next((m) => m.ev === 'order.status' && m.status === 'accepted', 10_000); // served from the waitlist
  await sql(db.url, `UPDATE stock SET allocation = allocation + ${Number(left)} WHERE fair_id = ${fx.fair} AND variant_id = ${variant}`);
  const [[orders]] = await sql(db.url, `SELECT count(*) FROM orders WHERE dealer_id IN (${holder.dealerId}, ${waiter.dealerId})`);
  assert.equal(Number(orders), 2, 'the cancelled order and the one served from the waitlist');
  assert.deepEqual(await creditDrift(db.url), []);
  await Promise.all([h.close(), w.close()]);
});
