// The order batch itself (order_place_batch_rows, sql/functions/orders/batch.sql; issue 26),
// called as the server calls it with one batch that mixes every kind of order: plain orders
// at two fairs offering the same variant, a dealer and a variant that do not exist, a key
// sent twice, a rep outside its region, a closed fair, credit and per-dealer limits, a
// partial order and the order it leaves short. Each gets the decision PROTOCOL.md gives it,
// first come first served, and what the batch wrote agrees with its answers: stock, history,
// kept credit and the dashboard's totals.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createDatabase, creditDrift, fairctl, makeFair, mintDealers, passwordHash, sql } from './harness.mjs';

let db;
let fairA;
let fairB;
let fairC;
let dealers;
let rep;

before(async () => {
  db = await createDatabase({ hint: 'batch' });
  await fairctl(db.url, ['warehouse']); // the migrations
  fairA = await makeFair(db.url, { name: '批次甲', products: 3 });
  fairB = await makeFair(db.url, { name: '批次乙', products: 1 });
  fairC = await makeFair(db.url, { name: '批次丙', products: 1, startsIn: '-3 days', endsIn: '-1 day' });
  // fair B offers fair A's first product too: one variant, two fairs' stock rows
  const shared = fairA.products[0];
  await sql(db.url, `INSERT INTO fair_items (fair_id, product_id, price) VALUES (${fairB.fair}, ${shared.id}, 70000);
    INSERT INTO stock (fair_id, product_id, variant_id, allocation)
      SELECT ${fairB.fair}, ${shared.id}, v, 100 FROM unnest(ARRAY[${shared.variants.join(',')}]::bigint[]) v;
    UPDATE fair_items SET dealer_limit = 3 WHERE fair_id = ${fairA.fair} AND product_id = ${fairA.products[1].id}`);
  dealers = await mintDealers(db.url, 6, { prefix: 'batchmix', tiers: ['A'] });
  await sql(db.url, `UPDATE dealers SET credit_limit = 1000 WHERE id = ${dealers[4].dealerId}`);
  [[rep]] = await sql(db.url, `INSERT INTO users (login, name, role, regions, password_hash)
    VALUES ('batchmix-rep', '华南代表', 'rep', '{华南}', '${passwordHash('unused-password-1')}') RETURNING id`);
});

after(async () => {
  if (db) await db.drop();
});

const userOf = async (dealer) => Number((await sql(db.url, `SELECT id FROM users WHERE dealer_id = ${dealer}`))[0][0]);

test('one batch of every kind of order: each decided as PROTOCOL.md says, and the writes agree', async () => {
  const [d1, d2, d3, d4, d5, d6] = await Promise.all(dealers.map(async (d) => ({ dealer: d.dealerId, actor: await userOf(d.dealerId) })));
  const [p1, p2, p3] = fairA.products;
  const A = fairA.fair;
  const order = (who, fair, key, lines, extra = {}) => ({ fair, dealer: who.dealer, actor: who.actor, key, lines, ...extra });
  const batch = [
    order(d1, A, 'm-1', [{ variant: p1.variants[0], qty: 2 }]),                       // 0 made, tier A price
    order(d2, fairB.fair, 'm-2', [{ variant: p1.variants[0], qty: 1 }]),             // 1 made at fair B
    { fair: A, dealer: 999999, actor: d1.actor, key: 'm-3', lines: [{ variant: p1.variants[1], qty: 1 }] }, // 2
    order(d3, A, 'm-4', [{ variant: 999999, qty: 1 }]),                               // 3 not offered
    order(d3, A, 'm-5', [{ variant: p1.variants[1], qty: 1 }]),                       // 4 made
    order(d3, A, 'm-5', [{ variant: p1.variants[1], qty: 1 }]),                       // 5 the same key again
    { ...order(d4, A, 'm-6', [{ variant: p1.variants[2], qty: 1 }]), actor: rep },   // 6 rep outside its region
    order(d4, fairC.fair, 'm-7', [{ variant: fairC.products[0].variants[0], qty: 1 }]), // 7 closed fair
    order(d5, A, 'm-8', [{ variant: p1.variants[2], qty: 1 }]),                       // 8 over its credit
    order(d6, A, 'm-9', [{ variant: p2.variants[0], qty: 2 }]),                       // 9 made (limit 3)
    order(d6, A, 'm-10', [{ variant: p2.variants[1], qty: 2 }]),                      // 10 over the limit
    order(d1, A, 'm-11', [{ variant: p3.variants[0], qty: 150 }], { partial: true }), // 11 takes the 100 left
    order(d2, A, 'm-12', [{ variant: p3.variants[0], qty: 1 }]),                      // 12 nothing left
  ];
  const text = JSON.stringify(batch).replace(/'/g, "''");
  const rows = await sql(db.url, `SELECT kind, decision FROM order_place_batch_rows('${text}'::jsonb)`);
  assert.equal(rows.length, batch.length, 'a row per order');
  const got = rows.map(([kind, decision]) => ({ kind, ...JSON.parse(decision) }));
  const code = (i) => got[i].refused?.code;

  assert.equal(got[0].kind, 'made');
  assert.equal(got[0].order.total, 2 * 80001, 'tier A price of the first product');
  assert.deepEqual(got[0].order.lines.map((l) => [l.variant, l.qty, l.price]), [[p1.variants[0], 2, 80001]]);
  assert.equal(got[1].kind, 'made');
  assert.equal(got[1].order.fair, fairB.fair);
  assert.equal(got[1].order.total, 70000, "fair B's own price");
  assert.equal(code(2), 'not_found', 'an unknown dealer');
  assert.equal(code(3), 'bad_request', 'a variant the fair does not offer');
  assert.equal(got[4].kind, 'made');
  assert.equal(got[5].kind, 'duplicate', 'the same key and lines again: the order made');
  assert.equal(got[5].order.id, got[4].order.id);
  assert.equal(code(6), 'forbidden', 'a rep outside its regions');
  assert.equal(code(7), 'fair_not_live');
  assert.equal(code(8), 'credit_exceeded');
  assert.equal(got[8].refused.available_credit, 1000);
  assert.equal(got[9].kind, 'made');
  assert.equal(code(10), 'limit_exceeded');
  assert.equal(got[10].refused.ordered, 2);
  assert.equal(got[11].kind, 'made');
  assert.deepEqual(got[11].order.lines.map((l) => l.qty), [100], 'a partial order takes what is left');
  assert.equal(code(12), 'insufficient_stock');
  assert.deepEqual(got[12].refused.available, { [p3.variants[0]]: 0 });

  // What was written agrees with the answers.
  const made = got.filter((g) => g.kind === 'made').map((g) => g.order.id);
  const [[orders, lines, history]] = await sql(db.url, `SELECT (SELECT count(*) FROM orders),
    (SELECT count(*) FROM order_lines), (SELECT count(*) FROM order_history)`);
  assert.deepEqual([Number(orders), Number(lines), Number(history)], [made.length, made.length, made.length]);
  const sold = new Map((await sql(db.url, `SELECT fair_id || ':' || variant_id, sold FROM stock WHERE sold > 0`))
    .map(([k, v]) => [k, Number(v)]));
  assert.deepEqual(Object.fromEntries(sold), {
    [`${A}:${p1.variants[0]}`]: 2, [`${fairB.fair}:${p1.variants[0]}`]: 1, [`${A}:${p1.variants[1]}`]: 1,
    [`${A}:${p2.variants[0]}`]: 2, [`${A}:${p3.variants[0]}`]: 100,
  });
  assert.deepEqual(await creditDrift(db.url), [], 'kept credit equals the open orders');
  const [[amountA, ordersA]] = await sql(db.url, `SELECT amount, orders FROM fair_totals WHERE fair_id = ${A}`);
  const [[summedA, countA]] = await sql(db.url, `SELECT sum(total), count(*) FROM orders WHERE fair_id = ${A}`);
  assert.deepEqual([amountA, ordersA], [summedA, countA], "fair A's kept totals equal its orders");
  const [[drift]] = await sql(db.url, `SELECT count(*) FROM (SELECT * FROM dealer_category_counted
    EXCEPT SELECT fair_id, category, dealer_id, orders FROM fair_dealer_category_orders) x`);
  assert.equal(Number(drift), 0, 'the dealers\' category rows equal their orders');
});

test('order_place_batch gives the same decisions as one JSON array', async () => {
  const who = { dealer: dealers[5].dealerId, actor: await userOf(dealers[5].dealerId) };
  const variant = fairA.products[2].variants[1];
  const batch = [{ fair: fairA.fair, ...who, key: 'arr-1', lines: [{ variant, qty: 1 }] },
    { fair: fairA.fair, ...who, key: 'arr-1', lines: [{ variant, qty: 2 }] }];
  const [[array]] = await sql(db.url, `SELECT order_place_batch('${JSON.stringify(batch)}'::jsonb)`);
  const decisions = JSON.parse(array);
  assert.equal(decisions.length, 2);
  assert.equal(decisions[0].duplicate, false);
  assert.equal(decisions[0].order.key, 'arr-1');
  assert.equal(decisions[1].refused.code, 'conflict', 'the same key with other lines');
});
