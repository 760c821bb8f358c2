// The order tables' keys, checked once per statement since sql/035 (issue 26), hold what their
// foreign keys held: an order, a line or a history entry naming a fair, dealer, user, order or
// variant that is not there is refused with 23503 and nothing is written; a fair, dealer,
// variant or user still named cannot be deleted; keys never change; deleting an order takes
// its lines and history; and a delete racing an insert waits for it and then fails, as with a
// foreign key (the insert locks the parents FOR KEY SHARE).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createDatabase, fairctl, makeFair, mintDealers, openPsql, sleep, sql } from './harness.mjs';

let db;
let fx;
let dealer;
let user;

before(async () => {
  db = await createDatabase();
  await fairctl(db.url, ['warehouse']); // the migrations
  fx = await makeFair(db.url, { name: '键检查会', products: 2 });
  const [d] = await mintDealers(db.url, 1, { prefix: 'keys' });
  dealer = d.dealerId;
  [[user]] = await sql(db.url, `SELECT id FROM users WHERE dealer_id = ${dealer}`);
});

after(async () => {
  if (db) await db.drop();
});

/** Runs a statement and resolves with the error text psql printed, or null. */
async function refusal(query) {
  try {
    await sql(db.url, query);
    return null;
  } catch (err) {
    return String(err.stderr ?? err.message);
  }
}

const count = async (q) => Number((await sql(db.url, q))[0][0]);
const order = (fields = {}) => {
  const f = { fair: fx.fair, dealer, placed_by: user, key: `k-${Math.random()}`, ...fields };
  return `INSERT INTO orders (fair_id, dealer_id, key, total, placed_by)
    VALUES (${f.fair}, ${f.dealer}, '${f.key}', 0, ${f.placed_by}) RETURNING id`;
};

test('a row naming a missing parent is refused with 23503 and nothing is written', async () => {
  const before = await count('SELECT count(*) FROM orders');
  assert.match(await refusal(order({ fair: 999999 })), /violates its key on fair_id[\s\S]*Key \(fair_id\)=\(999999\)/);
  assert.match(await refusal(order({ dealer: 999999 })), /violates its key on dealer_id/);
  assert.match(await refusal(order({ placed_by: 999999 })), /violates its key on placed_by/);
  // one bad row among good ones refuses the whole statement
  assert.match(await refusal(`INSERT INTO orders (fair_id, dealer_id, key, total)
    VALUES (${fx.fair}, ${dealer}, 'good-1', 0), (999998, ${dealer}, 'bad-1', 0)`), /fair_id/);
  assert.equal(await count('SELECT count(*) FROM orders'), before);

  const [[id]] = await sql(db.url, order());
  assert.match(await refusal(`INSERT INTO order_lines (order_id, variant_id, qty, price) VALUES (${id}, 999999, 1, 1)`),
    /violates its key on variant_id/);
  assert.match(await refusal(`INSERT INTO order_lines (order_id, variant_id, qty, price)
    VALUES (999999, ${fx.products[0].variants[0]}, 1, 1)`), /violates its key on order_id/);
  assert.match(await refusal(`INSERT INTO order_history (order_id, status, actor) VALUES (${id}, 'accepted', 999999)`),
    /violates its key on actor/);
  assert.match(await refusal(`INSERT INTO order_history (order_id, status) VALUES (999999, 'accepted')`),
    /violates its key on order_id/);
  // and the good ones go in
  await sql(db.url, `INSERT INTO order_lines (order_id, variant_id, qty, price) VALUES (${id}, ${fx.products[0].variants[0]}, 1, 1);
    INSERT INTO order_history (order_id, status, actor) VALUES (${id}, 'accepted', ${user})`);
  assert.equal(await count(`SELECT count(*) FROM order_lines WHERE order_id = ${id}`), 1);
});

test('a parent still named cannot be deleted; keys never change; an order takes its lines along', async () => {
  const [[id]] = await sql(db.url, order());
  const variant = fx.products[1].variants[0];
  await sql(db.url, `INSERT INTO order_lines (order_id, variant_id, qty, price) VALUES (${id}, ${variant}, 2, 1);
    INSERT INTO order_history (order_id, status, actor) VALUES (${id}, 'accepted', ${user})`);
  // a dealer with no users, named only by an order (other tables' keys would speak first)
  const [[bare]] = await sql(db.url, `INSERT INTO dealers (code, name, region, tier) VALUES ('keys-bare', '无人经销商', '华东', 'A') RETURNING id`);
  await sql(db.url, `INSERT INTO orders (fair_id, dealer_id, key, total) VALUES (${fx.fair}, ${bare}, 'bare', 0)`);
  assert.match(await refusal(`DELETE FROM dealers WHERE id = ${bare}`), /violates a key of orders[\s\S]*still referenced from orders/);
  assert.equal(await count(`SELECT count(*) FROM dealers WHERE id = ${bare}`), 1);
  assert.match(await refusal(`DELETE FROM fairs WHERE id = ${fx.fair}`), /still referenced/);
  assert.match(await refusal(`DELETE FROM variants WHERE id = ${variant}`), /still referenced/);
  assert.match(await refusal(`DELETE FROM users WHERE id = ${user}`), /still referenced/);
  assert.equal(await count(`SELECT count(*) FROM order_lines WHERE order_id = ${id}`), 1, 'nothing went');
  assert.match(await refusal(`UPDATE orders SET dealer_id = dealer_id + 1 WHERE id = ${id}`), /never change/);
  assert.match(await refusal(`UPDATE order_lines SET variant_id = ${fx.products[0].variants[1]} WHERE order_id = ${id}`), /never change/);
  assert.match(await refusal(`UPDATE dealers SET id = id + 100000 WHERE id = ${dealer}`), /never change/);
  // a dealer nobody names can go
  const [other] = await mintDealers(db.url, 1, { prefix: 'keysfree' });
  await sql(db.url, `DELETE FROM sessions WHERE user_id IN (SELECT id FROM users WHERE dealer_id = ${other.dealerId});
    DELETE FROM users WHERE dealer_id = ${other.dealerId}; DELETE FROM dealers WHERE id = ${other.dealerId}`);
  assert.equal(await count(`SELECT count(*) FROM dealers WHERE id = ${other.dealerId}`), 0);
  // the order itself may go, with its lines and history
  await sql(db.url, `DELETE FROM orders WHERE id = ${id}`);
  assert.equal(await count(`SELECT count(*) FROM order_lines WHERE order_id = ${id}`), 0);
  assert.equal(await count(`SELECT count(*) FROM order_history WHERE order_id = ${id}`), 0);
});

test('a delete racing an insert waits for it, then fails, as with a foreign key', { timeout: 30_000 }, async () => {
  const [racer] = await mintDealers(db.url, 1, { prefix: 'keysrace' });
  await sql(db.url, `DELETE FROM sessions WHERE user_id IN (SELECT id FROM users WHERE dealer_id = ${racer.dealerId});
    DELETE FROM users WHERE dealer_id = ${racer.dealerId}`);
  const inserting = openPsql(db.url);
  const deleting = openPsql(db.url);
  try {
    await inserting.query(`BEGIN; INSERT INTO orders (fair_id, dealer_id, key, total) VALUES (${fx.fair}, ${racer.dealerId}, 'race', 0)`);
    let settled = false;
    const del = deleting.query(`DELETE FROM dealers WHERE id = ${racer.dealerId}`)
      .then(() => 'deleted', () => 'failed').finally(() => { settled = true; });
    await sleep(500);
    assert.equal(settled, false, 'the delete waits for the inserting transaction');
    await inserting.query('COMMIT');
    assert.equal(await del, 'failed');
    assert.equal(await count(`SELECT count(*) FROM dealers WHERE id = ${racer.dealerId}`), 1);
    assert.equal(await count(`SELECT count(*) FROM orders WHERE dealer_id = ${racer.dealerId}`), 1);
  } finally {
    inserting.close();
    deleting.close();
  }
});
