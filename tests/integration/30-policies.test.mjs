// A fair's ordering policies (issue 25; PROTOCOL.md, "Fair policies"; sql/functions/policies/):
// discounts by a dealer's total at the fair (a percentage, or an amount off shared among its
// orders), the early-bird discount and the minimum total. Orders are placed by the batch
// itself (as the server calls it), amended and cancelled; after every step each order's
// stored discounts equal a recomputation written here in SQL from the rules, and a
// cancellation that drops a dealer under a tier takes the discount back from what remains;
// shipped and delivered orders keep the discounts they were shipped with (a new policy on the
// closed fair, a sibling's rejection) while the open ones follow. Coupons for a tier, a region
// and named dealers reach, list and serve only those dealers.
// Then over the wire: a manager sets a policy, a dealer reads where it stands, its order's
// reply carries the discount, and its other orders' new discounts are pushed to it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  createDatabase, createUser, creditDrift, fairctl, httpGet, login, makeFair, mintDealers, session, sql, startServer, waitFor,
} from './harness.mjs';

let db;

before(async () => {
  db = await createDatabase({ hint: 'policies' });
  await fairctl(db.url, ['warehouse']); // the migrations
});

after(async () => {
  if (db) await db.drop();
});

const userOf = async (dealer) => Number((await sql(db.url, `SELECT id FROM users WHERE dealer_id = ${dealer}`))[0][0]);
const q = (v) => JSON.stringify(v).replace(/'/g, "''");

/** Places one batch as the server does; resolves with each order's decision. */
async function place(orders) {
  const rows = await sql(db.url, `SELECT kind, decision FROM order_place_batch_rows('${q(orders)}'::jsonb)`);
  return rows.map(([kind, decision]) => ({ kind, ...JSON.parse(decision) }));
}

/** Every open order (accepted, reviewed) of the fair whose stored discounts differ from the
 * rules' (none): shares are computed over every counted order, shipped ones too, and a
 * shipped, in-transit or delivered order keeps the discounts it had (checked by the tests). */
async function drift(fair) {
  return sql(db.url, `
    WITH p AS (SELECT p.*, f.starts_at + p.early_minutes * interval '1 minute' AS early_until
               FROM fair_policies p JOIN fairs f ON f.id = p.fair_id WHERE p.fair_id = ${fair}),
    d AS (SELECT o.dealer_id, sum(o.total) AS dealer_total FROM orders o
          WHERE o.fair_id = ${fair} AND o.status NOT IN ('cancelled', 'rejected') GROUP BY 1),
    t AS (SELECT d.*, x.percent_bp, x.amount_off FROM d
          LEFT JOIN LATERAL (SELECT * FROM fair_discount_tiers x
                             WHERE x.fair_id = ${fair} AND x.from_total <= d.dealer_total
                             ORDER BY x.from_total DESC LIMIT 1) x ON true),
    want AS (
      SELECT o.id, o.status, o.total - o.coupon_discount AS room, o.early_discount, o.tier_discount,
             coalesce(CASE WHEN o.created_at < p.early_until THEN o.total * p.early_bp / 10000 END, 0) AS early,
             coalesce(CASE WHEN t.percent_bp > 0 THEN o.total * t.percent_bp / 10000
                           WHEN t.amount_off > 0
                           THEN floor(t.amount_off::numeric * sum(o.total) OVER w / t.dealer_total)
                                - floor(t.amount_off::numeric * (sum(o.total) OVER w - o.total) / t.dealer_total)
                      END, 0) AS tier
      FROM orders o JOIN t ON t.dealer_id = o.dealer_id LEFT JOIN p ON true
      WHERE o.fair_id = ${fair} AND o.status NOT IN ('cancelled', 'rejected')
      WINDOW w AS (PARTITION BY o.dealer_id ORDER BY o.id))
    SELECT id, early_discount, tier_discount, least(early, room), least(tier, room - least(early, room)) FROM want
    WHERE status IN ('accepted', 'reviewed') -- a shipped order keeps what it was shipped with
      AND (early_discount, tier_discount) <> (least(early, room), least(tier, room - least(early, room)))`);
}

const stored = async (ids) => new Map((await sql(db.url, `SELECT id, early_discount, tier_discount FROM orders
  WHERE id IN (${ids.join(',')})`)).map(([id, e, t]) => [Number(id), { early: Number(e), tier: Number(t) }]));

test('tiers by percent follow a dealer\'s total through orders, an amend and a cancel; a minimum refuses what stays under it', async () => {
  const fx = await makeFair(db.url, { name: '政策甲', products: 2 });
  const [dd] = await mintDealers(db.url, 1, { prefix: 'polpct', tiers: ['B'] });
  const me = { dealer: dd.dealerId, actor: await userOf(dd.dealerId) };
  const [p1, p2] = fx.products;
  const F = fx.fair;
  // prices: p1 90001, p2 90002 (tier B: the fair's price)
  const { id: admin } = await createUser(db.url, { login: 'pol-admin', role: 'admin' });
  const [[set]] = await sql(db.url, `SELECT policy_set(${admin}, ${F}, '${q({
    min_total: 150000, tiers: [{ from: 300000, percent_bp: 300 }, { from: 500000, percent_bp: 500 }] })}'::jsonb)`);
  assert.deepEqual(JSON.parse(set).policy.tiers, [{ from: 300000, percent_bp: 300 }, { from: 500000, percent_bp: 500 }]);

  const order = (key, lines, extra = {}) => ({ fair: F, ...me, key, lines, ...extra });
  // 1: one coat, 90,001: under the minimum of 150,000 -> refused, nothing written
  let got = await place([order('p-1', [{ variant: p1.variants[0], qty: 1 }])]);
  assert.equal(got[0].refused.code, 'below_minimum');
  assert.deepEqual([got[0].refused.minimum, got[0].refused.total, got[0].refused.would_be], [150000, 0, 90001]);
  assert.equal(Number((await sql(db.url, `SELECT count(*) FROM orders WHERE fair_id = ${F}`))[0][0]), 0);

  // 2: two coats (180,002) and, in the same batch, a partial order (decided by order_decide)
  // of two more (180,004): 360,006 in all, past the 3% tier: both orders take 3%.
  got = await place([order('p-2', [{ variant: p1.variants[0], qty: 2 }]),
    order('p-3', [{ variant: p2.variants[0], qty: 2 }], { partial: true })]);
  assert.deepEqual(got.map((g) => g.kind), ['made', 'made']);
  const [o2, o3] = got.map((g) => g.order);
  assert.equal(o3.total, 180004);
  assert.equal(o3.discount, Math.floor(180004 * 0.03), 'the order that crossed the tier takes 3%');
  assert.equal(o3.payable, 180004 - Math.floor(180004 * 0.03));
  assert.deepEqual(o3.discounts, { early: 0, tier: Math.floor(180004 * 0.03), coupon: 0 });
  assert.equal(o2.discount, Math.floor(180002 * 0.03), 'the reply of the first shows the tier its batch reached');
  assert.equal(o2.lines.reduce((s, l) => s + l.discount, 0), o2.discount, 'the lines share the order\'s discount');
  assert.deepEqual(await drift(F), []);

  // 3: a third order of 1 coat (90,001) from the same dealer: 450,007, no new tier, and under
  // the minimum on its own, but the dealer's total is what counts
  got = await place([order('p-4', [{ variant: p1.variants[1], qty: 1 }])]);
  assert.equal(got[0].kind, 'made');
  const o4 = got[0].order;
  assert.equal(o4.discount, Math.floor(90001 * 0.03));

  // 4: amend p-4 to three coats: 630,009, past 5%: every order takes 5% now
  const [[amended]] = await sql(db.url, `SELECT order_amend(${me.actor}, ${o4.id}, '${q([{ variant: p1.variants[1], qty: 3 }])}'::jsonb)`);
  assert.equal(JSON.parse(amended).order.discount, Math.floor(270003 * 0.05), 'the amend\'s reply has the new tier');
  let now = await stored([o2.id, o3.id, o4.id]);
  assert.deepEqual(now.get(o2.id), { early: 0, tier: Math.floor(180002 * 0.05) });
  assert.deepEqual(now.get(o3.id), { early: 0, tier: Math.floor(180004 * 0.05) });
  assert.deepEqual(await drift(F), []);

  // 5: cancel p-4: 360,006 remain, back to 3% on what remains
  await sql(db.url, `SELECT order_cancel(${me.actor}, ${o4.id})`);
  now = await stored([o2.id, o3.id]);
  assert.deepEqual([now.get(o2.id).tier, now.get(o3.id).tier], [Math.floor(180002 * 0.03), Math.floor(180004 * 0.03)]);
  // 6: cancel p-3: 180,002 remain, under every tier: no discount left
  await sql(db.url, `SELECT order_cancel(${me.actor}, ${o3.id})`);
  assert.deepEqual((await stored([o2.id])).get(o2.id), { early: 0, tier: 0 }, 'the cancellation took the discount back');
  assert.deepEqual(await drift(F), []);

  // 7: an amend may not lower the total under the minimum (180,002 -> 90,001); one that keeps it may
  const [[lower]] = await sql(db.url, `SELECT order_amend(${me.actor}, ${o2.id}, '${q([{ variant: p1.variants[0], qty: 1 }])}'::jsonb)`);
  assert.equal(JSON.parse(lower).refused.code, 'below_minimum');
  const [[same]] = await sql(db.url, `SELECT order_amend(${me.actor}, ${o2.id}, '${q([{ variant: p1.variants[0], qty: 1 }, { variant: p1.variants[1], qty: 1 }])}'::jsonb)`);
  assert.equal(JSON.parse(same).order.total, 180002);
  // a cancellation is never refused by the minimum
  const [[cancelled]] = await sql(db.url, `SELECT order_cancel(${me.actor}, ${o2.id})`);
  assert.equal(JSON.parse(cancelled).order.status, 'cancelled');
  assert.deepEqual(await creditDrift(db.url), [], 'kept credit still equals the open orders\' totals');

  // the policy removed: nothing more to check, policy_get says so
  await sql(db.url, `SELECT policy_set(${admin}, ${F}, NULL)`);
  const [[gone]] = await sql(db.url, `SELECT policy_get(${F}, ${me.dealer})`);
  assert.equal(JSON.parse(gone).policy, null);
});

test('an amount off a dealer\'s total is shared among its orders to the cent; early birds take theirs', async () => {
  const fx = await makeFair(db.url, { name: '政策乙', products: 3, startsIn: '-10 minutes' });
  const dealers = await mintDealers(db.url, 2, { prefix: 'polamt', tiers: ['B'] });
  const [a, b] = await Promise.all(dealers.map(async (d) => ({ dealer: d.dealerId, actor: await userOf(d.dealerId) })));
  const F = fx.fair;
  const [[admin]] = await sql(db.url, `SELECT id FROM users WHERE login = 'pol-admin'`);
  // 滿減: from 200,000 take 10,000 off; from 400,000 take 30,000 off. Early bird: the first 30
  // minutes take 2% (the fair opened 10 minutes ago).
  await sql(db.url, `SELECT policy_set(${admin}, ${F}, '${q({ early: { minutes: 30, percent_bp: 200 },
    tiers: [{ from: 200000, amount_off: 10000 }, { from: 400000, amount_off: 30000 }] })}'::jsonb)`);
  const order = (who, key, variant, qty) => ({ fair: F, ...who, key, lines: [{ variant, qty }] });
  const [p1, p2, p3] = fx.products;
  const got = await place([order(a, 'a-1', p1.variants[0], 1), order(b, 'b-1', p1.variants[1], 1),
    order(a, 'a-2', p2.variants[0], 1), order(a, 'a-3', p3.variants[0], 3)]);
  assert.deepEqual(got.map((g) => g.kind), ['made', 'made', 'made', 'made']);
  // a: 90,001 + 90,002 + 270,009 = 450,012: 30,000 shared; b: 90,001, no tier
  const ids = got.map((g) => g.order.id);
  const now = await stored(ids);
  const aTier = [ids[0], ids[2], ids[3]].map((id) => now.get(id).tier);
  assert.equal(aTier.reduce((s, x) => s + x, 0), 30000, 'the shares add up to the amount');
  assert.equal(now.get(ids[1]).tier, 0);
  for (const [i, total] of [[0, 90001], [1, 90001], [2, 90002], [3, 270009]]) {
    assert.equal(now.get(ids[i]).early, Math.floor(total * 0.02), `order ${i} was placed early`);
    assert.equal(got[i].order.discount, now.get(ids[i]).early + now.get(ids[i]).tier, `reply ${i} shows its discount`);
  }
  assert.deepEqual(await drift(F), []);
  // the dealer's standing: its total, its discount, the tier it reached, none above it
  const [[mine]] = await sql(db.url, `SELECT policy_get(${F}, ${a.dealer})`);
  const m = JSON.parse(mine).mine;
  assert.equal(m.total, 450012);
  assert.deepEqual(m.tier, { from: 400000, amount_off: 30000 });
  assert.equal(m.next, null, "no tier above it");
  assert.equal(m.tier_discount, 30000);
  const [[bs]] = await sql(db.url, `SELECT policy_get(${F}, ${b.dealer})`);
  assert.deepEqual(JSON.parse(bs).mine.next, { from: 200000, amount_off: 10000, more: 200000 - 90001 });
  // the fair's early window closed long ago for a new policy: orders stamped again lose it
  await sql(db.url, `UPDATE fairs SET starts_at = now() - interval '2 hours' WHERE id = ${F}`);
  await sql(db.url, `SELECT policy_set(${admin}, ${F}, '${q({ early: { minutes: 30, percent_bp: 200 },
    tiers: [{ from: 200000, amount_off: 10000 }] })}'::jsonb)`);
  const after = await stored(ids);
  assert.ok(ids.every((id) => after.get(id).early === 0), 'placed after the window as the fair now says');
  assert.equal([ids[0], ids[2], ids[3]].reduce((s, id) => s + after.get(id).tier, 0), 10000);
  assert.deepEqual(await drift(F), []);
  const [[bad]] = await sql(db.url, `SELECT count(*) FROM audit_log WHERE action = 'policy.set' AND fair_id = ${F}`);
  assert.equal(Number(bad), 2, 'each change audited');
});

test('shipped and delivered orders keep their discounts when the policy changes or a sibling is rejected; open ones follow', async () => {
  const fx = await makeFair(db.url, { name: '政策丙', products: 2 });
  const [dd] = await mintDealers(db.url, 1, { prefix: 'polship', tiers: ['B'] });
  const me = { dealer: dd.dealerId, actor: await userOf(dd.dealerId) };
  const F = fx.fair;
  const [[admin]] = await sql(db.url, `SELECT id FROM users WHERE login = 'pol-admin'`);
  await sql(db.url, `SELECT points_rate_set(${admin}, 'B', 150, 365)`);
  await sql(db.url, `SELECT policy_set(${admin}, ${F}, '${q({ tiers: [{ from: 300000, percent_bp: 300 }, { from: 500000, percent_bp: 500 }] })}'::jsonb)`);
  const [p1, p2] = fx.products;
  const got = await place([
    { fair: F, ...me, key: 's-1', lines: [{ variant: p1.variants[0], qty: 2 }] }, // 180,002: delivered
    { fair: F, ...me, key: 's-2', lines: [{ variant: p2.variants[0], qty: 2 }] }, // 180,004: shipped
    { fair: F, ...me, key: 's-3', lines: [{ variant: p1.variants[1], qty: 1 }] }, // 90,001: reviewed
    { fair: F, ...me, key: 's-4', lines: [{ variant: p2.variants[1], qty: 1 }] }, // 90,002: accepted, then rejected
  ]);
  assert.deepEqual(got.map((g) => g.kind), ['made', 'made', 'made', 'made']);
  const [o1, o2, o3, o4] = got.map((g) => g.order);
  const ids = [o1.id, o2.id, o3.id, o4.id];
  assert.equal(o1.discount, Math.floor(180002 * 0.05), '540,009 in all: 5%');
  // the fair closes; o1 is delivered (its points earned on what it paid), o2 shipped, o3 reviewed
  await sql(db.url, `UPDATE fairs SET status_override = 'closed' WHERE id = ${F}`);
  await sql(db.url, `SELECT order_review(${admin}, ${o1.id}, 'approve', NULL);
    SELECT order_ship(${admin}, ${o1.id}, '顺丰', 'SF${o1.id}');
    SELECT order_advance(${admin}, ${o1.id}, 'in_transit');
    SELECT order_advance(${admin}, ${o1.id}, 'delivered');
    SELECT order_review(${admin}, ${o2.id}, 'approve', NULL);
    SELECT order_ship(${admin}, ${o2.id}, '顺丰', 'SF${o2.id}');
    SELECT order_review(${admin}, ${o3.id}, 'approve', NULL)`);
  const shipped = await stored([o1.id, o2.id]);
  const payable1 = 180002 - shipped.get(o1.id).tier;
  const [[points]] = await sql(db.url, `SELECT points FROM point_ledger WHERE order_id = ${o1.id} AND kind = 'earned'`);
  assert.equal(Number(points), Math.floor(payable1 * 150 / 10000));
  const keep = () => stored([o1.id, o2.id]).then((m) => assert.deepEqual(m, shipped, 'the shipped and delivered orders keep theirs'));

  // 1: a new policy on the closed fair: the open orders follow it, the shipped ones do not
  await sql(db.url, `SELECT policy_set(${admin}, ${F}, '${q({ tiers: [{ from: 300000, percent_bp: 400 }, { from: 500000, percent_bp: 800 }] })}'::jsonb)`);
  await keep();
  let now = await stored(ids);
  assert.deepEqual([now.get(o3.id).tier, now.get(o4.id).tier], [Math.floor(90001 * 0.08), Math.floor(90002 * 0.08)]);
  assert.deepEqual(await drift(F), []);
  // 2: o4 rejected: 450,007 remain (the shipped orders still count): the open o3 drops to 4%
  const [[rej]] = await sql(db.url, `SELECT order_review(${admin}, ${o4.id}, 'reject', 'out of stock')`);
  assert.equal(JSON.parse(rej).order.status, 'rejected', rej);
  await keep();
  assert.equal((await stored([o3.id])).get(o3.id).tier, Math.floor(90001 * 0.04));
  assert.deepEqual(await drift(F), []);
  // 3: the policy removed: the open order loses its discount, the shipped ones keep theirs
  await sql(db.url, `SELECT policy_set(${admin}, ${F}, NULL)`);
  await keep();
  assert.equal((await stored([o3.id])).get(o3.id).tier, 0);
  // what the delivered order shows is still what it paid and earned on
  const [[paid]] = await sql(db.url, `SELECT total - early_discount - tier_discount - coupon_discount FROM orders WHERE id = ${o1.id}`);
  assert.equal(Number(paid), payable1);
});

test('over the wire: a manager sets the policy, a dealer sees its standing, its reply and its other orders\' pushes carry the discount', async () => {
  const server = await startServer({ databaseUrl: db.url });
  try {
    const fx = await makeFair(db.url, { name: '政策丙', products: 2 });
    const F = fx.fair;
    await createUser(db.url, { login: 'pol-manager', role: 'manager', password: 'manager-password-1' });
    const managerCookie = (await login(server, 'pol-manager', 'manager-password-1')).cookie;
    const manager = await session(server, managerCookie);
    const [dd] = await mintDealers(db.url, 1, { prefix: 'polwire', tiers: ['B'] });
    const dealer = await session(server, dd.cookie);

    // refused policies change nothing and say why
    const bad = await manager.request('policy.set', { fair: F, policy: { tiers: [{ from: 1000 }] } });
    assert.equal(bad.error.code, 'bad_request');
    assert.match(bad.error.message, /percent_bp|amount_off/);
    const forbidden = await dealer.request('policy.set', { fair: F, policy: {} });
    assert.equal(forbidden.error.code, 'forbidden');

    const set = await manager.request('policy.set', { fair: F, policy: { min_total: 100000,
      tiers: [{ from: 250000, percent_bp: 500 }] } });
    assert.equal(set.ok, true, JSON.stringify(set));
    assert.equal(set.policy.min_total, 100000);
    const standing = await dealer.request('policy.get', { fair: F });
    assert.deepEqual(standing.mine.next, { from: 250000, percent_bp: 500, more: 250000 });
    assert.equal(standing.mine.below_minimum, 100000);

    const under = await dealer.request('order.place', { fair: F, key: 'w-1', lines: [{ variant: fx.products[0].variants[0], qty: 1 }] });
    assert.equal(under.error.code, 'below_minimum');
    assert.equal(under.error.minimum, 100000);
    const first = await dealer.request('order.place', { fair: F, key: 'w-2', lines: [{ variant: fx.products[0].variants[0], qty: 2 }] });
    assert.equal(first.ok, true);
    assert.equal(first.order.discount, 0);
    assert.equal(first.order.payable, first.order.total);
    const pushesBefore = dealer.pushes.length;
    const second = await dealer.request('order.place', { fair: F, key: 'w-3', lines: [{ variant: fx.products[1].variants[0], qty: 1 }] });
    assert.equal(second.order.discount, Math.floor(second.order.total * 0.05), 'past 250,000: 5%');
    // the first order's discount moved with the dealer's total: pushed to the dealer
    const push = await waitFor(() => dealer.pushes.slice(pushesBefore).find((p) => p.ev === 'order.status' && p.order === first.order.id),
      { what: 'order.status for the first order' });
    assert.equal(push.note, 'discount');
    const mine = await dealer.request('orders.mine', { fair: F });
    const firstNow = mine.orders.find((o) => o.id === first.order.id);
    assert.equal(firstNow.discount, Math.floor(first.order.total * 0.05));
    // the room heard of the policy
    const seen = await manager.request('policy.get', { fair: F, dealer: dd.dealerId });
    assert.equal(seen.mine.tier.percent_bp, 500);

    // A rep ordering on the dealer's behalf reads its standing and its coupons as the dealer
    // would; a rep limited to another region may read neither; a dealer that does not exist
    // is not_found; a dealer's own `dealer` param is not used.
    const made = await manager.request('coupon.create', { fair: F, coupon: { code: 'REP50', amount_off: 5000, issued: 3 } });
    assert.equal(made.ok, true, JSON.stringify(made));
    await createUser(db.url, { login: 'pol-rep', role: 'rep', password: 'rep-password-1' });
    await createUser(db.url, { login: 'pol-south', role: 'rep', password: 'south-password-1' });
    await sql(db.url, `UPDATE users SET regions = ARRAY['華南'] WHERE login = 'pol-south'`);
    const rep = await session(server, (await login(server, 'pol-rep', 'rep-password-1')).cookie);
    const south = await session(server, (await login(server, 'pol-south', 'south-password-1')).cookie);
    const repStanding = await rep.request('policy.get', { fair: F, dealer: dd.dealerId });
    assert.deepEqual(repStanding.mine, seen.mine);
    const repCoupons = await rep.request('coupon.list', { fair: F, dealer: dd.dealerId });
    const dealerCoupons = await dealer.request('coupon.list', { fair: F, dealer: 1 });
    assert.deepEqual(repCoupons.coupons, dealerCoupons.coupons);
    assert.deepEqual(repCoupons.coupons.map((c) => [c.code, c.left]), [['REP50', 1]]);
    const staffCoupons = await rep.request('coupon.list', { fair: F });
    assert.equal(staffCoupons.coupons[0].issued, 3, 'without dealer: every coupon with its counts');
    for (const op of ['policy.get', 'coupon.list']) {
      const far = await south.request(op, { fair: F, dealer: dd.dealerId });
      assert.equal(far.error?.code, 'forbidden', `${op}: ${JSON.stringify(far)}`);
      assert.match(far.error.message, /outside your regions/);
      const none = await rep.request(op, { fair: F, dealer: 999999 });
      assert.equal(none.error?.code, 'not_found', `${op}: ${JSON.stringify(none)}`);
    }
    rep.close();
    south.close();

    // the printable confirmation and the report show the discounts
    const printed = await httpGet(`${server.url}/orders/${second.order.id}/print`, { headers: { cookie: dd.cookie } });
    assert.equal(printed.status, 200);
    assert.match(printed.body, /订货政策折扣/);
    assert.match(printed.body, /<th>折扣 \(CNY\)<\/th><th>应付 \(CNY\)<\/th>/, 'each colour\'s discount and payable');
    // the colours' discounts and payables add up to the order's
    const cents = (t) => Math.round(Number(t.replace(/,/g, '')) * 100);
    let shares = 0;
    let rest = 0;
    for (const [, amount, discount, payable] of printed.body.matchAll(/<td>([\d,.]+)<\/td><td>([\d,.]+)<\/td><td>([\d,.]+)<\/td><\/tr>/g)) {
      assert.equal(cents(amount) - cents(discount), cents(payable));
      shares += cents(discount);
      rest += cents(payable);
    }
    const [[discount, payable]] = await sql(db.url, `SELECT early_discount + tier_discount + coupon_discount,
      total - early_discount - tier_discount - coupon_discount FROM orders WHERE id = ${second.order.id}`);
    assert.ok(Number(discount) > 0);
    assert.equal(shares, Number(discount));
    assert.equal(rest, Number(payable));
    const printedEn = await httpGet(`${server.url}/orders/${second.order.id}/print?lang=en`, { headers: { cookie: dd.cookie } });
    assert.match(printedEn.body, /Volume discount/);
    assert.match(printedEn.body, /Payable<\/th><td>CNY /);
    const report = await httpGet(`${server.url}/api/fairs/${F}/report.csv`, { headers: { cookie: managerCookie } });
    assert.equal(report.status, 200);
    const rows = report.body.trim().split(/\r?\n/).map((r) => r.split(','));
    const col = Object.fromEntries(rows[0].map((name, i) => [name, i]));
    assert.ok('discount' in col && 'payable' in col && 'coupon' in col, rows[0].join(','));
    const byOrder = new Map();
    for (const r of rows.slice(1)) {
      const o = byOrder.get(r[col.order]) ?? { discount: 0, payable: 0 };
      o.discount += Math.round(Number(r[col.discount]) * 100);
      o.payable += Math.round(Number(r[col.payable]) * 100);
      byOrder.set(r[col.order], o);
    }
    for (const o of (await dealer.request('orders.mine', { fair: F })).orders) {
      assert.deepEqual(byOrder.get(String(o.id)), { discount: o.discount, payable: o.payable },
        `order ${o.id}: the report's lines add up to its discount and payable`);
    }
  } finally {
    await server.stop();
  }
});

test('coupons: applied in the batch, retried as the same use, given back by a cancel and an amend under the threshold', async () => {
  const fx = await makeFair(db.url, { name: '券甲', products: 2 });
  const F = fx.fair;
  const dealers = await mintDealers(db.url, 3, { prefix: 'cpn', tiers: ['B'] });
  const [a, b, c] = await Promise.all(dealers.map(async (d) => ({ dealer: d.dealerId, actor: await userOf(d.dealerId) })));
  const [[admin]] = await sql(db.url, `SELECT id FROM users WHERE login = 'pol-admin'`);
  const create = async (coupon) => JSON.parse((await sql(db.url, `SELECT coupon_create(${admin}, ${F}, '${q(coupon)}'::jsonb)`))[0][0]).coupon;
  const off = await create({ code: 'save20k', amount_off: 20000, threshold: 150000, issued: 2 });
  assert.equal(off.code, 'SAVE20K');
  const pct = await create({ code: 'TENPCT', percent_bp: 1000, cap: 15000, issued: 10, per_dealer: 2 });
  // tiers too: the policies' discounts come after the coupon, within what it left
  await sql(db.url, `SELECT policy_set(${admin}, ${F}, '${q({ tiers: [{ from: 100000, percent_bp: 500 }] })}'::jsonb)`);
  const v = fx.products[0].variants;
  const order = (who, key, variant, qty, coupon) => ({ fair: F, ...who, key, lines: [{ variant, qty }], ...(coupon ? { coupon } : {}) });

  let got = await place([
    order(a, 'c-1', v[0], 2, 'save20k'),   // 180,002 >= 150,000: 20,000 off
    order(b, 'c-2', v[1], 1, 'SAVE20K'),   // 90,001 < threshold: refused
    order(b, 'c-3', v[1], 2, 'SAVE20K'),   // the second and last use
    order(c, 'c-4', v[2], 2, 'SAVE20K'),   // used up
    order(c, 'c-5', v[2], 1, 'TENPCT'),    // 10% of 90,001 = 9,000
    order(c, 'c-6', v[3], 2, 'TENPCT'),    // 10% of 180,002 capped at 15,000
    order(c, 'c-7', v[3], 1, 'TENPCT'),    // per_dealer 2: refused
    order(c, 'c-8', v[3], 1, 'NOPE'),      // unknown
  ]);
  const code = (i) => got[i].refused?.reason;
  assert.equal(got[0].kind, 'made');
  assert.equal(got[0].order.coupon, 'SAVE20K');
  assert.equal(got[0].order.discounts.coupon, 20000);
  assert.equal(got[0].order.discounts.tier, Math.floor(180002 * 0.05), 'the tier on the total, within what the coupon left');
  assert.equal(got[0].order.payable, 180002 - 20000 - Math.floor(180002 * 0.05));
  assert.equal(got[1].refused.code, 'coupon_refused');
  assert.equal(code(1), 'threshold');
  assert.equal(got[2].order.discounts.coupon, 20000);
  assert.equal(code(3), 'used_up');
  assert.equal(got[4].order.discounts.coupon, 9000);
  assert.equal(got[5].order.discounts.coupon, 15000);
  assert.equal(code(6), 'per_dealer');
  assert.equal(code(7), 'unknown');
  let [[used]] = await sql(db.url, `SELECT used FROM coupons WHERE id = ${off.id}`);
  assert.equal(Number(used), 2, 'issued twice, used twice, never more');
  assert.deepEqual(await drift(F), []);

  // the retry answers the same order and the same use; another coupon with the key: conflict
  const again = await place([order(a, 'c-1', v[0], 2, 'save20k')]);
  assert.equal(again[0].kind, 'duplicate');
  assert.equal(again[0].order.discounts.coupon, 20000);
  assert.equal(Number((await sql(db.url, `SELECT count(*) FROM coupon_uses WHERE order_id = ${got[0].order.id}`))[0][0]), 1);
  const other = await place([order(a, 'c-1', v[0], 2, 'TENPCT')]);
  assert.equal(other[0].refused.code, 'conflict');

  // a cancellation gives the use back: another dealer can take it
  await sql(db.url, `SELECT order_cancel(${a.actor}, ${got[0].order.id})`);
  [[used]] = await sql(db.url, `SELECT used FROM coupons WHERE id = ${off.id}`);
  assert.equal(Number(used), 1);
  got = await place([order(c, 'c-9', v[2], 2, 'SAVE20K')]);
  assert.equal(got[0].order.discounts.coupon, 20000, 'the use given back was taken again');
  // an amend under the threshold gives it back too; one above recomputes a percentage
  const [[lower]] = await sql(db.url, `SELECT order_amend(${c.actor}, ${got[0].order.id}, '${q([{ variant: v[2], qty: 1 }])}'::jsonb)`);
  const lowered = JSON.parse(lower).order;
  assert.equal(lowered.coupon, null);
  assert.equal(lowered.discounts.coupon, 0);
  [[used]] = await sql(db.url, `SELECT used FROM coupons WHERE id = ${off.id}`);
  assert.equal(Number(used), 1);
  const tenpct = (await sql(db.url, `SELECT id FROM orders WHERE key = 'c-5'`))[0][0];
  const [[raised]] = await sql(db.url, `SELECT order_amend(${c.actor}, ${tenpct}, '${q([{ variant: v[2], qty: 1 }, { variant: v[1], qty: 0 + 1 }])}'::jsonb)`);
  assert.equal(JSON.parse(raised).order.discounts.coupon, 15000, '10% of 180,002, capped');
  assert.deepEqual(await drift(F), []);
  assert.deepEqual(await creditDrift(db.url), []);
  const [[list]] = await sql(db.url, `SELECT coupon_list(${F}, NULL)`);
  const listed = JSON.parse(list).coupons.find((x) => x.code === 'TENPCT');
  assert.equal(listed.used, 2);
  assert.equal(listed.discount_given, 15000 + 15000);
  assert.equal(pct.issued, 10);
});

test('coupons for a tier, a region and named dealers: only those dealers see, use and are told of them', async () => {
  const server = await startServer({ databaseUrl: db.url });
  try {
    const fx = await makeFair(db.url, { name: '券乙', products: 1 });
    const F = fx.fair;
    const v = fx.products[0].variants;
    // d1: A 西北, d2: C 西北, d3: A 華南, d4: C 華南; the fair is for these four only
    const ds = await mintDealers(db.url, 4, { prefix: 'aud', tiers: ['A', 'C'] });
    const ids = ds.map((d) => d.dealerId);
    await sql(db.url, `UPDATE dealers SET region = CASE WHEN id IN (${ids[0]}, ${ids[1]}) THEN '西北' ELSE '華南' END
        WHERE id IN (${ids.join(',')});
      INSERT INTO fair_dealers (fair_id, dealer_id) SELECT ${F}, unnest(ARRAY[${ids.join(',')}]::bigint[])`);
    const dealers = await Promise.all(ds.map((d) => session(server, d.cookie)));
    await createUser(db.url, { login: 'aud-manager', role: 'manager', password: 'manager-password-2' });
    const manager = await session(server, (await login(server, 'aud-manager', 'manager-password-2')).cookie);
    const make = async (coupon) => {
      const r = await manager.request('coupon.create', { fair: F, coupon: { amount_off: 1000, issued: 10, ...coupon } });
      assert.equal(r.ok, true, JSON.stringify(r));
      return r.coupon;
    };
    const audiences = [
      [await make({ code: 'TIER-C', tier: 'C' }), [1, 3]],
      [await make({ code: 'NORTHWEST', region: '西北' }), [0, 1]],
      [await make({ code: 'NAMED', dealers: [ids[0], ids[3]] }), [0, 3]],
      [await make({ code: 'C-NORTHWEST', tier: 'C', region: '西北' }), [1]], // the conditions add up
    ];
    assert.deepEqual(audiences[2][0].dealers, [ids[0], ids[3]], 'the staff see whom it names');

    // coupon.list offers each dealer exactly the coupons it is for
    for (const [i, dealer] of dealers.entries()) {
      const listed = (await dealer.request('coupon.list', { fair: F })).coupons.map((c) => c.code).sort();
      const want = audiences.filter(([, who]) => who.includes(i)).map(([c]) => c.code).sort();
      assert.deepEqual(listed, want, `dealer ${i + 1}'s coupons`);
    }
    // the inbox message of each reached exactly its dealers (made by coupon.create itself)
    const told = await sql(db.url, `SELECT m.params->>'code', array_agg(u.dealer_id ORDER BY u.dealer_id)
      FROM inbox_messages m JOIN users u ON u.id = m.user_id
      WHERE m.kind = 'coupon' AND m.fair_id = ${F} GROUP BY 1 ORDER BY 1`);
    assert.deepEqual(told.map(([code, who]) => [code, who]),
      audiences.map(([c, who]) => [c.code, `{${who.map((i) => ids[i]).join(',')}}`]).sort((a, b) => a[0].localeCompare(b[0])));
    const inbox = await dealers[1].request('inbox.list', {});
    assert.deepEqual(inbox.messages.filter((m) => m.kind === 'coupon' && m.fair === F).map((m) => m.params.code).sort(),
      ['C-NORTHWEST', 'NORTHWEST', 'TIER-C'], 'dealer 2 reads its three in its inbox');

    // a dealer outside: refused not_for_dealer, nothing ordered; one inside: the coupon taken
    for (const [k, [coupon, who]] of audiences.entries()) {
      const outside = [0, 1, 2, 3].find((i) => !who.includes(i));
      const r = await dealers[outside].request('order.place', { fair: F, key: `aud-out-${k}`, coupon: coupon.code,
        lines: [{ variant: v[0], qty: 1 }] });
      assert.equal(r.ok, false, `${coupon.code} for dealer ${outside + 1}`);
      assert.equal(r.error.code, 'coupon_refused');
      assert.equal(r.error.reason, 'not_for_dealer', `${coupon.code}: ${JSON.stringify(r.error)}`);
      const inside = who[0];
      const ok = await dealers[inside].request('order.place', { fair: F, key: `aud-in-${k}`, coupon: coupon.code,
        lines: [{ variant: v[0], qty: 1 }] });
      assert.equal(ok.ok, true, `${coupon.code} for dealer ${inside + 1}: ${JSON.stringify(ok)}`);
      assert.equal(ok.order.coupon, coupon.code);
      assert.equal(ok.order.discounts.coupon, 1000);
    }
    const [[refusedOrders]] = await sql(db.url, `SELECT count(*) FROM orders WHERE fair_id = ${F} AND key LIKE 'aud-out-%'`);
    assert.equal(Number(refusedOrders), 0, 'a refused coupon orders nothing');
    const used = await manager.request('coupon.list', { fair: F });
    assert.deepEqual(used.coupons.map((c) => c.used), [1, 1, 1, 1]);
    for (const c of [...dealers, manager]) await c.close();
  } finally {
    await server.stop();
  }
});

test('two server processes racing for a coupon with one use left: one order wins it, the other is told', { timeout: 120_000 }, async () => {
  const fx = await makeFair(db.url, { name: '券乙', products: 1 });
  const F = fx.fair;
  const rounds = 8;
  const dealers = await mintDealers(db.url, 2 * rounds, { prefix: 'cpnrace', tiers: ['B'] });
  const [[admin]] = await sql(db.url, `SELECT id FROM users WHERE login = 'pol-admin'`);
  for (let r = 0; r < rounds; r++) {
    await sql(db.url, `SELECT coupon_create(${admin}, ${F}, '${q({ code: `LAST${r}`, amount_off: 5000, issued: 1 })}'::jsonb)`);
  }
  const [one, two] = await Promise.all([startServer({ databaseUrl: db.url }), startServer({ databaseUrl: db.url })]);
  try {
    const sessions = await Promise.all(dealers.map((d, i) => session(i % 2 ? two : one, d.cookie)));
    const v = fx.products[0].variants[0];
    let wins = 0;
    for (let r = 0; r < rounds; r++) {
      const [x, y] = await Promise.all([0, 1].map((k) => sessions[2 * r + k].request('order.place',
        { fair: F, key: `race-${r}`, lines: [{ variant: v, qty: 1 }], coupon: `LAST${r}` })));
      const ok = [x, y].filter((m) => m.ok);
      const refused = [x, y].filter((m) => !m.ok);
      assert.equal(ok.length, 1, `round ${r}: one wins (${JSON.stringify([x, y])})`);
      assert.equal(ok[0].order.discounts.coupon, 5000);
      assert.equal(refused[0].error.code, 'coupon_refused');
      assert.equal(refused[0].error.reason, 'used_up');
      wins++;
    }
    const [[used, uses]] = await sql(db.url, `SELECT sum(used), (SELECT count(*) FROM coupon_uses u JOIN coupons c ON c.id = u.coupon_id
      WHERE c.fair_id = ${F}) FROM coupons WHERE fair_id = ${F}`);
    assert.deepEqual([Number(used), Number(uses)], [wins, wins], 'never redeemed more often than issued');
    console.log(`figure: ${rounds} races for a coupon's last use over two processes: ${wins} won once each, ${rounds} told used_up`);
  } finally {
    await Promise.all([one.stop(), two.stop()]);
  }
});

test('points: earned on delivery at the tier\'s rate on what was paid, expiring on their own dates, spent oldest first into a coupon', async () => {
  const fx = await makeFair(db.url, { name: '积分甲', products: 1 });
  const next = await makeFair(db.url, { name: '积分乙', products: 1, startsIn: '1 day', endsIn: '3 days' });
  const F = fx.fair;
  const [dd] = await mintDealers(db.url, 1, { prefix: 'pts', tiers: ['B'] });
  const me = { dealer: dd.dealerId, actor: await userOf(dd.dealerId) };
  const [[admin]] = await sql(db.url, `SELECT id FROM users WHERE login = 'pol-admin'`);
  await sql(db.url, `SELECT points_rate_set(${admin}, 'B', 150, 365)`); // 150 points per ¥100 paid (generous)
  await sql(db.url, `SELECT policy_set(${admin}, ${F}, '${q({ tiers: [{ from: 100000, percent_bp: 1000 }] })}'::jsonb)`);
  const v = fx.products[0].variants;
  const got = await place([{ fair: F, ...me, key: 'p-1', lines: [{ variant: v[0], qty: 3 }] },
    { fair: F, ...me, key: 'p-2', lines: [{ variant: v[1], qty: 1 }] }]);
  const [o1, o2] = got.map((g) => g.order);
  assert.equal(o1.payable, 270003 - 27000);
  // the fair closes; the orders are processed to delivery (the second twice: earned once)
  await sql(db.url, `UPDATE fairs SET status_override = 'closed' WHERE id = ${F}`);
  for (const o of [o1, o2]) {
    await sql(db.url, `SELECT order_review(${admin}, ${o.id}, 'approve', NULL);
      SELECT order_ship(${admin}, ${o.id}, '顺丰', 'SF${o.id}');
      SELECT order_advance(${admin}, ${o.id}, 'in_transit');
      SELECT order_advance(${admin}, ${o.id}, 'delivered')`);
  }
  const [[again]] = await sql(db.url, `SELECT order_advance(${admin}, ${o2.id}, 'delivered')`);
  assert.equal(JSON.parse(again).refused?.code, 'conflict', 'delivered once');
  const earned = [o1, o2].map((o) => Math.floor(o.payable * 150 / 10000));
  let [[mine]] = await sql(db.url, `SELECT points_mine(${me.dealer})`);
  let m = JSON.parse(mine);
  assert.equal(m.balance, earned[0] + earned[1], `earned ${earned} on payable ${o1.payable}, ${o2.payable}`);
  assert.deepEqual(m.history.map((h) => h.kind), ['earned', 'earned']);
  assert.deepEqual(m.rate, { tier: 'B', per_100: 150, validity_days: 365 });

  // the first earning expires: out of the balance at once, an `expired` row once written
  await sql(db.url, `UPDATE point_ledger SET expires_at = now() - interval '1 second' WHERE order_id = ${o1.id}`);
  [[mine]] = await sql(db.url, `SELECT points_mine(${me.dealer})`);
  assert.equal(JSON.parse(mine).balance, earned[1]);
  // more than the balance: refused, nothing spent; a closed fair: refused
  const [[over]] = await sql(db.url, `SELECT points_redeem(${me.dealer}, ${next.fair}, ${earned[1] + 1})`);
  assert.equal(JSON.parse(over).refused.code, 'conflict');
  const [[closed]] = await sql(db.url, `SELECT points_redeem(${me.dealer}, ${F}, 1)`);
  assert.equal(JSON.parse(closed).refused.code, 'fair_not_live');
  // redeemed into a coupon of its own at the next fair, worth points × point_value
  const spend = Math.min(earned[1], 10);
  const [[red]] = await sql(db.url, `SELECT points_redeem(${me.dealer}, ${next.fair}, ${spend})`);
  const r = JSON.parse(red);
  assert.match(r.coupon.code, /^PTS-[0-9A-F]{10}$/);
  assert.equal(r.coupon.amount_off, spend * 100);
  assert.equal(r.balance, earned[1] - spend);
  [[mine]] = await sql(db.url, `SELECT points_mine(${me.dealer})`);
  m = JSON.parse(mine);
  assert.deepEqual(m.history.map((h) => h.kind), ['redeemed', 'expired', 'earned', 'earned']);
  assert.equal(m.history[0].fair, next.fair, 'a redemption says the fair its coupon is for');
  assert.equal(m.history[1].points, -earned[0], 'what the first earning left expired');
  const [[lots]] = await sql(db.url, `SELECT string_agg(remaining::text, ',' ORDER BY id) FROM point_ledger
    WHERE dealer_id = ${me.dealer} AND kind = 'earned'`);
  assert.equal(lots, `0,${earned[1] - spend}`, 'spent from the earning still valid');
  // the coupon is the dealer's alone
  const [[listed]] = await sql(db.url, `SELECT coupon_list(${next.fair}, ${me.dealer})`);
  assert.deepEqual(JSON.parse(listed).coupons.map((c) => c.code), [r.coupon.code]);
  const [other] = await mintDealers(db.url, 1, { prefix: 'ptsother', tiers: ['B'] });
  const [[theirs]] = await sql(db.url, `SELECT coupon_list(${next.fair}, ${other.dealerId})`);
  assert.deepEqual(JSON.parse(theirs).coupons, []);
});
