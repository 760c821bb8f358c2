// A dealer's ship-to addresses (PROTOCOL.md "Ship-to addresses") over the socket: the dealer
// keeps its own (added, changed, made the default, removed, the default passing on), an order
// ships to the one named or the default and keeps its copy when the address changes later; a
// rep keeps those of its regions' dealers only, a manager reads them; every refusal changes
// nothing; each change is audited.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createDatabase, startServer, connect, createUser, login, sql, makeFair } from './harness.mjs';

let db;
let server;
let admin;

before(async () => {
  db = await createDatabase();
  server = await startServer({ databaseUrl: db.url });
  admin = await connect(server);
  await admin.next('hello');
});

after(async () => {
  try {
    await admin?.close();
    if (server) await server.stop();
  } finally {
    if (db) await db.drop();
  }
});

async function as(user) {
  const c = await connect(server, { cookie: (await login(server, user.login, user.password)).cookie });
  await c.next('hello');
  return c;
}

test('a dealer keeps its ship-to addresses; an order ships to the chosen one and keeps its copy', async () => {
  const shop = await createUser(db.url, { login: 'addr-shop', password: 'addr-shop pass 1', region: '華東' });
  const c = await as(shop);
  const empty = await c.request('addresses.list', {});
  assert.deepEqual([empty.ok, empty.dealer, empty.addresses], [true, shop.dealerId, []]);

  // the first is the default; a second made the default takes it over
  const a1 = await c.request('address.save', { label: '總店', recipient: '陳店長', phone: '021-1234', address: '上海市黃浦區南京東路 1 號' });
  assert.equal(a1.ok, true, JSON.stringify(a1));
  assert.deepEqual(a1.addresses.map((a) => [a.label, a.default]), [['總店', true]]);
  const a2 = await c.request('address.save', { label: '倉庫', recipient: '王倉管', address: '上海市閔行區 2 號', default: true });
  assert.deepEqual(a2.addresses.map((a) => [a.label, a.default]), [['倉庫', true], ['總店', false]]);
  const [warehouse, store] = a2.addresses;
  assert.equal(warehouse.phone, '');

  // an order ships to its default unless it names another
  const fx = await makeFair(db.url);
  const v = fx.products[0].variants[0];
  const o1 = await c.request('order.place', { fair: fx.fair, key: 'ship-1', lines: [{ variant: v, qty: 1 }] });
  assert.equal(o1.ok, true, JSON.stringify(o1));
  assert.equal(o1.order.ship_to.id, warehouse.id);
  const o2 = await c.request('order.place', { fair: fx.fair, key: 'ship-2', lines: [{ variant: v, qty: 1 }], ship_to: store.id, note: '請週五前發貨' });
  assert.deepEqual([o2.order.ship_to.recipient, o2.order.note], ['陳店長', '請週五前發貨']);

  // a change: only what is given; the order keeps the address as it was
  const changed = await c.request('address.save', { id: store.id, phone: '021-9999' });
  assert.deepEqual(changed.addresses.find((a) => a.id === store.id).phone, '021-9999');
  assert.equal(changed.addresses.find((a) => a.id === store.id).recipient, '陳店長');
  const [[kept]] = await sql(db.url, `SELECT ship_to->>'phone' FROM orders WHERE id = ${o2.order.id}`);
  assert.equal(kept, '021-1234');

  // removing the default passes it to the oldest left
  const removed = await c.request('address.remove', { id: warehouse.id });
  assert.deepEqual(removed.addresses.map((a) => [a.id, a.default]), [[store.id, true]]);
  const audits = await sql(db.url, `SELECT action FROM audit_log WHERE target = 'dealer:${shop.dealerId}' ORDER BY id`);
  assert.deepEqual(audits.map(([a]) => a), ['address.save', 'address.save', 'address.save', 'address.remove']);
  await c.close();
});

test('the staff: a rep of the region keeps them, one of another region cannot, a manager reads; refusals change nothing', async () => {
  const shop = await createUser(db.url, { login: 'addr-shop2', password: 'addr-shop2 pass 1', region: '華南' });
  const other = await createUser(db.url, { login: 'addr-shop3', password: 'addr-shop3 pass 1', region: '華北' });
  const repSouth = await createUser(db.url, { login: 'addr-rep-s', role: 'rep', password: 'addr-rep-s pass 1' });
  const repNorth = await createUser(db.url, { login: 'addr-rep-n', role: 'rep', password: 'addr-rep-n pass 1' });
  await sql(db.url, `UPDATE users SET regions = '{華南}' WHERE id = ${repSouth.id}; UPDATE users SET regions = '{華北}' WHERE id = ${repNorth.id}`);
  const manager = await createUser(db.url, { login: 'addr-mgr', role: 'manager', password: 'addr-mgr pass 1' });
  const south = await as(repSouth);
  const north = await as(repNorth);
  const mgr = await as(manager);
  const dealer = await as(other);

  const made = await south.request('address.save', { dealer: shop.dealerId, recipient: '李經理', address: '廣州市天河路 3 號' });
  assert.equal(made.ok, true, JSON.stringify(made));
  assert.equal((await admin.request('addresses.list', { dealer: shop.dealerId })).addresses.length, 1);
  assert.equal((await mgr.request('addresses.list', { dealer: shop.dealerId })).addresses[0].recipient, '李經理');
  const id = made.addresses[0].id;

  const count = async () => Number((await sql(db.url, 'SELECT count(*) FROM dealer_addresses'))[0][0]);
  const before = await count();
  const [[auditsBefore]] = await sql(db.url, 'SELECT count(*) FROM audit_log');
  for (const [client, op, args, code] of [
    [north, 'address.save', { dealer: shop.dealerId, recipient: 'x', address: 'y' }, 'forbidden'],
    [north, 'addresses.list', { dealer: shop.dealerId }, 'forbidden'],
    [south, 'addresses.list', {}, 'forbidden'],
    [mgr, 'address.save', { dealer: shop.dealerId, recipient: 'x', address: 'y' }, 'forbidden'],
    [dealer, 'address.remove', { id }, 'not_found'], // another dealer's address
    [dealer, 'addresses.list', { dealer: shop.dealerId }, 'forbidden'],
    [south, 'address.save', { dealer: shop.dealerId, recipient: 'x' }, 'bad_request'], // no address
    [south, 'address.save', { dealer: shop.dealerId, id, recipient: '' }, 'bad_request'],
    [south, 'address.save', { dealer: shop.dealerId, recipient: 'x', address: 'y'.repeat(501) }, 'bad_request'],
    [south, 'address.save', { dealer: shop.dealerId, id: 999999, phone: '1' }, 'not_found'],
    [admin, 'address.save', { dealer: 999999, recipient: 'x', address: 'y' }, 'not_found'],
  ]) {
    const r = await client.request(op, args);
    assert.equal(r.error?.code, code, `${op} ${JSON.stringify(args)} -> ${JSON.stringify(r)}`);
  }
  // at most 20
  for (let i = 0; i < 19; i++) {
    assert.equal((await admin.request('address.save', { dealer: shop.dealerId, recipient: `r${i}`, address: `a${i}` })).ok, true);
  }
  const full = await admin.request('address.save', { dealer: shop.dealerId, recipient: 'r', address: 'a' });
  assert.equal(full.error?.code, 'bad_request');
  assert.match(full.error.message, /at most 20/);
  assert.equal(await count(), before + 19);
  const [[auditsAfter]] = await sql(db.url, 'SELECT count(*) FROM audit_log');
  assert.equal(Number(auditsAfter), Number(auditsBefore) + 19);
  for (const c of [south, north, mgr, dealer]) await c.close();
});
