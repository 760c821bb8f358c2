// The live showcase and the fair's administration over the socket (PROTOCOL.md "Live
// showcase", "Administration"): every op changes its rows, writes the audit log and records
// its history events (seq one by one, each addressed to its audience) in one transaction;
// role is checked first, then arguments, then state, and every refusal changes nothing.
// Product pictures are uploaded over HTTP. Pushes are not tested here: the events table is
// what the fan-out reads (11-live-room).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  createDatabase, startServer, connect, createUser, login, sql, httpGet, openPsql, waitFor, SOURCE_DIR, RFC3339_MS,
  mintDealers, fairctl,
} from './harness.mjs';

let db;
let server;
let admin; // the default test user is an admin
let rep;
let dealer;
let manager;
let users;
let mediaRoot;
const STYLE = `SC${process.pid}`; // styles of this run
let styleCounter = 0;

before(async () => {
  db = await createDatabase();
  mediaRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'fair-media-10-'));
  server = await startServer({ databaseUrl: db.url, env: { FAIR_MEDIA_ROOT: mediaRoot } });
  admin = await connect(server);
  await admin.next('hello');
  // Dealers of tiers A and B: price events go to those two tiers.
  const made = {
    rep: await createUser(db.url, { login: 'rep-10', name: '王業務', role: 'rep', password: 'rep password 10' }),
    manager: await createUser(db.url, { login: 'manager-10', name: '趙經理', role: 'manager', password: 'manager password 10' }),
    dealerA: await createUser(db.url, { login: 'dealer-10a', role: 'dealer', tier: 'A', password: 'dealer password 10' }),
    dealerB: await createUser(db.url, { login: 'dealer-10b', role: 'dealer', tier: 'B', password: 'dealer password 10' }),
  };
  users = made;
  const open = async (u) => {
    const s = await login(server, u.login, u.password);
    assert.equal(s.status, 200, s.body);
    const c = await connect(server, { cookie: s.cookie });
    await c.next('hello');
    c.cookie = s.cookie;
    return c;
  };
  rep = await open(made.rep);
  manager = await open(made.manager);
  dealer = await open(made.dealerA);
});

after(async () => {
  try {
    for (const c of [admin, rep, manager, dealer]) await c?.close();
    if (server) await server.stop();
  } finally {
    if (db) await db.drop();
    if (mediaRoot) fs.rmSync(mediaRoot, { recursive: true, force: true });
  }
});

// ---- helpers ----

const q = (v) => (v === null || v === undefined ? 'NULL' : `'${String(v).replace(/'/g, "''")}'`);

/** One JSON value from a query returning one jsonb column (psql's output joined back). */
async function json(query) {
  const rows = await sql(db.url, query);
  return JSON.parse(rows.map((r) => r.join('|')).join('\n'));
}

const one = async (query) => (await sql(db.url, query))[0]?.[0];

const seqOf = async (fair) => Number(await one(`SELECT seq FROM fair_seq WHERE fair_id = ${fair}`));

/** The events of a fair after seq `after`, in seq order: {seq, kind, payload, tier, staff_only}. */
const eventsAfter = (fair, after) =>
  json(`SELECT coalesce(jsonb_agg(jsonb_build_object('seq', seq, 'kind', kind, 'payload', payload,
          'tier', tier, 'dealer', dealer_id, 'staff_only', staff_only) ORDER BY seq), '[]')
        FROM events WHERE fair_id = ${fair} AND seq > ${after}`);

/** The audit entries of an action (and target), oldest first. */
const auditsOf = (action, target) =>
  json(`SELECT coalesce(jsonb_agg(jsonb_build_object('id', id, 'actor', actor, 'fair', fair_id,
          'target', target, 'old', old, 'new', new) ORDER BY id), '[]')
        FROM audit_log WHERE action = ${q(action)} ${target ? `AND target = ${q(target)}` : ''}`);

const auditCount = async () => Number(await one('SELECT count(*) FROM audit_log'));

/** Checks that events are seq+1, seq+2, ... and every payload carries its ev, fair and seq. */
function assertSeqs(events, fair, from) {
  events.forEach((e, i) => {
    assert.equal(e.seq, from + 1 + i, `event ${i} seq`);
    assert.equal(e.payload.seq, e.seq);
    assert.equal(e.payload.ev, e.kind);
    assert.equal(e.payload.fair, fair);
  });
}

/**
 * A fair straight in the database (live unless told: starts an hour ago) with products of
 * 2 sizes × 2 colours, allocation 100 each, price 90001 and tier A's own price 80001;
 * `withdrawn` items are not on sale. Resolves with {fair, products: [{id, style, variants}]}.
 */
async function makeFair({ startsIn = '-1 hour', endsIn = '2 days', status = null, products = 1, withdrawn = false } = {}) {
  const fair = Number(await one(`INSERT INTO fairs (name, season, starts_at, ends_at, status_override)
    VALUES ('測試訂貨會', '2027SS', now() + interval ${q(startsIn)}, now() + interval ${q(endsIn)}, ${q(status)})
    RETURNING id`));
  const made = [];
  for (let i = 0; i < products; i++) {
    const style = `${STYLE}-${++styleCounter}`;
    const product = Number(await one(`INSERT INTO products (style, name, name_en, category, base_price)
      VALUES (${q(style)}, '測試外套', 'Test coat', '外套', 129900) RETURNING id`));
    const variants = (await sql(db.url, `INSERT INTO variants (product_id, size, color, sort)
      SELECT ${product}, s, c, row_number() OVER () FROM unnest(ARRAY['M','L']) s, unnest(ARRAY['黑色','白色']) c
      RETURNING id`)).map(([id]) => Number(id)).sort((a, b) => a - b);
    await sql(db.url, `INSERT INTO fair_items (fair_id, product_id, price, withdrawn) VALUES (${fair}, ${product}, 90001, ${withdrawn});
      INSERT INTO fair_item_prices VALUES (${fair}, ${product}, 'A', 80001);
      INSERT INTO stock (fair_id, product_id, variant_id, allocation)
        SELECT ${fair}, ${product}, v, 100 FROM unnest(ARRAY[${variants.join(',')}]::bigint[]) v`);
    made.push({ id: product, style, variants });
  }
  return { fair, products: made };
}

/** A product with variants and no fair. Resolves with {id, style, variants}. */
async function makeProduct({ sizes = ['S', 'M'], colors = ['黑色'] } = {}) {
  const style = `${STYLE}-${++styleCounter}`;
  const id = Number(await one(`INSERT INTO products (style, name, category, base_price)
    VALUES (${q(style)}, '測試褲', '褲', 39900) RETURNING id`));
  const variants = (await sql(db.url, `INSERT INTO variants (product_id, size, color)
    SELECT ${id}, s, c FROM unnest(ARRAY[${sizes.map(q).join(',')}]) s, unnest(ARRAY[${colors.map(q).join(',')}]) c
    RETURNING id`)).map(([v]) => Number(v)).sort((a, b) => a - b);
  return { id, style, variants };
}

const ISO = (ms) => new Date(ms).toISOString();

/** A snapshot of everything a refused op must leave alone. */
async function stateOf(fair) {
  return json(`SELECT jsonb_build_object(
    'seq', (SELECT seq FROM fair_seq WHERE fair_id = ${fair}),
    'audit', (SELECT count(*) FROM audit_log),
    'items', (SELECT jsonb_agg(to_jsonb(i) ORDER BY product_id) FROM fair_items i WHERE fair_id = ${fair}),
    'prices', (SELECT jsonb_agg(to_jsonb(p) ORDER BY product_id, tier) FROM fair_item_prices p WHERE fair_id = ${fair}),
    'stock', (SELECT jsonb_agg(to_jsonb(s) ORDER BY id) FROM stock s WHERE fair_id = ${fair}),
    'spotlight', (SELECT to_jsonb(s) FROM fair_spotlight s WHERE fair_id = ${fair}),
    'fair', (SELECT to_jsonb(f) FROM fairs f WHERE id = ${fair}),
    'products', (SELECT count(*) FROM products), 'fairs', (SELECT count(*) FROM fairs))`);
}

/** Sends each [op, args, code] with `client` and checks the code, then that nothing changed. */
async function assertRefusals(client, fair, cases) {
  const before = await stateOf(fair);
  for (const [op, args, code] of cases) {
    const r = await client.request(op, args);
    assert.equal(r.ok, false, `${op} ${JSON.stringify(args)} -> ${JSON.stringify(r)}`);
    assert.equal(r.error.code, code, `${op} ${JSON.stringify(args)} -> ${JSON.stringify(r)}`);
    assert.ok(r.error.message.length > 0);
  }
  assert.deepEqual(await stateOf(fair), before, 'a refusal changed something');
}

// ---- the live showcase ----

test('spotlight.set: upserts the spotlight, one spotlight event to everyone, audited', async () => {
  const { fair, products: [p1, p2] } = await makeFair({ products: 2 });
  const seq0 = await seqOf(fair);

  const r = await rep.request('spotlight.set', { fair, product: p1.id, note: '今季主打：防潑水風衣' });
  assert.equal(r.ok, true, JSON.stringify(r));
  assert.equal(r.spotlight.product, p1.id);
  assert.equal(r.spotlight.note, '今季主打：防潑水風衣');
  assert.equal(r.spotlight.by, '王業務');
  assert.match(r.spotlight.at, RFC3339_MS);
  const [[product, note, by]] = await sql(db.url, `SELECT product_id, note, by_user FROM fair_spotlight WHERE fair_id = ${fair}`);
  assert.deepEqual([Number(product), note, Number(by)], [p1.id, '今季主打：防潑水風衣', users.rep.id]);

  // an admin may too, without a note; it replaces the spotlight
  const r2 = await admin.request('spotlight.set', { fair, product: p2.id });
  assert.equal(r2.ok, true, JSON.stringify(r2));
  assert.equal(r2.spotlight.note, '');
  assert.equal(Number(await one(`SELECT count(*) FROM fair_spotlight WHERE fair_id = ${fair}`)), 1);

  const events = await eventsAfter(fair, seq0);
  assert.equal(events.length, 2);
  assertSeqs(events, fair, seq0);
  for (const e of events) {
    assert.equal(e.kind, 'spotlight');
    assert.equal(e.tier, null);
    assert.equal(e.staff_only, false);
  }
  assert.deepEqual(events[0].payload, { ...r.spotlight, ev: 'spotlight', fair, seq: seq0 + 1 });
  assert.equal(events[1].payload.product, p2.id);

  const audits = await auditsOf('spotlight.set', `product:${p1.id}`);
  assert.equal(audits.length, 1);
  assert.equal(audits[0].actor, users.rep.id);
  assert.equal(audits[0].fair, fair);
  assert.equal(audits[0].old, null);
  assert.deepEqual(audits[0].new, r.spotlight);
  const [second] = await auditsOf('spotlight.set', `product:${p2.id}`);
  assert.deepEqual(second.old, r.spotlight);
});

test('price.set: per-tier events only where the price changed, one staff event, audited', async () => {
  const { fair, products: [p] } = await makeFair();
  const item = `fair_id = ${fair} AND product_id = ${p.id}`;
  let seq0 = await seqOf(fair);

  // every tier: the item's price, and tier A's own price is removed
  const r = await rep.request('price.set', { fair, product: p.id, price: 95000 });
  assert.equal(r.ok, true, JSON.stringify(r));
  assert.deepEqual({ ...r, re: undefined, ok: undefined }, { re: undefined, ok: undefined, product: p.id, price: 95000, tier: null });
  assert.equal(Number(await one(`SELECT price FROM fair_items WHERE ${item}`)), 95000);
  assert.equal(Number(await one(`SELECT count(*) FROM fair_item_prices WHERE ${item}`)), 0);
  let events = await eventsAfter(fair, seq0);
  assertSeqs(events, fair, seq0);
  assert.deepEqual(events.map((e) => [e.kind, e.tier, e.staff_only]),
    [['price', 'A', false], ['price', 'B', false], ['price', null, true]]);
  const pick = ({ product, price, was, tier, tier_prices }) => ({ product, price, was, tier, tier_prices });
  assert.deepEqual(pick(events[0].payload), { product: p.id, price: 95000, was: 80001, tier: undefined, tier_prices: undefined });
  assert.deepEqual(pick(events[1].payload), { product: p.id, price: 95000, was: 90001, tier: undefined, tier_prices: undefined });
  assert.deepEqual(pick(events[2].payload), { product: p.id, price: 95000, was: 90001, tier: null, tier_prices: {} });
  for (const e of events) assert.match(e.payload.at, RFC3339_MS);

  // one tier: only that tier's dealers hear of it
  seq0 = await seqOf(fair);
  const rb = await admin.request('price.set', { fair, product: p.id, price: 93000, tier: 'B' });
  assert.equal(rb.ok, true, JSON.stringify(rb));
  assert.equal(rb.tier, 'B');
  assert.equal(Number(await one(`SELECT price FROM fair_item_prices WHERE ${item} AND tier = 'B'`)), 93000);
  assert.equal(Number(await one(`SELECT price FROM fair_items WHERE ${item}`)), 95000);
  events = await eventsAfter(fair, seq0);
  assertSeqs(events, fair, seq0);
  assert.deepEqual(events.map((e) => [e.tier, e.staff_only]), [['B', false], [null, true]]);
  assert.deepEqual(pick(events[0].payload), { product: p.id, price: 93000, was: 95000, tier: undefined, tier_prices: undefined });
  assert.equal(events[0].payload.fair_price, 95000, 'tier B hears the fair\'s price beside its own');
  assert.deepEqual(pick(events[1].payload), { product: p.id, price: 93000, was: 95000, tier: 'B', tier_prices: { B: 93000 } });
  // a B dealer reads its price and the fair's; an A dealer, whose price is the fair's, only its own
  const b = await login(server, users.dealerB.login, users.dealerB.password);
  const dealerB = await connect(server, { cookie: b.cookie });
  await dealerB.next('hello');
  const [asB] = (await dealerB.request('catalog.items', { fair, products: [p.id] })).items;
  assert.deepEqual([asB.price, asB.fair_price], [93000, 95000]);
  await dealerB.close();
  const [asA] = (await dealer.request('catalog.items', { fair, products: [p.id] })).items;
  assert.deepEqual([asA.price, asA.fair_price], [95000, undefined]);

  // a tier's price that does not change: no event for that tier, the staff still hear of it
  seq0 = await seqOf(fair);
  assert.equal((await rep.request('price.set', { fair, product: p.id, price: 95000, tier: 'A' })).ok, true);
  events = await eventsAfter(fair, seq0);
  assert.deepEqual(events.map((e) => [e.tier, e.staff_only]), [[null, true]]);
  assert.deepEqual(events[0].payload.tier_prices, { A: 95000, B: 93000 });

  // back to one price for all: tier B changes, A does not
  seq0 = await seqOf(fair);
  assert.equal((await rep.request('price.set', { fair, product: p.id, price: 95000 })).ok, true);
  events = await eventsAfter(fair, seq0);
  assert.deepEqual(events.map((e) => [e.tier, e.payload.was, e.payload.price]), [['B', 93000, 95000], [null, 95000, 95000]]);
  assert.equal(events[0].payload.fair_price, undefined, 'one price again: no fair_price');

  const audits = await auditsOf('price.set', `product:${p.id}`);
  assert.equal(audits.length, 4);
  assert.deepEqual(audits[0].old, { price: 90001, tier_prices: { A: 80001 } });
  assert.deepEqual(audits[0].new, { price: 95000, tier_prices: {}, tier: null });
  assert.equal(audits[0].actor, users.rep.id);
  assert.equal(audits[1].actor, server.user.id);
  assert.deepEqual(audits[1].new, { price: 95000, tier_prices: { B: 93000 }, tier: 'B' });
});

test('flash.set: a time-boxed price for every tier, a flash event, audited', async () => {
  const { fair, products: [p] } = await makeFair();
  const seq0 = await seqOf(fair);
  const dbNow = Number(await one(`SELECT (extract(epoch FROM now()) * 1000)::bigint`));
  const starts = ISO(dbNow - 60_000);
  const ends = ISO(dbNow + 3_600_000);

  const r = await rep.request('flash.set', { fair, product: p.id, price: 59900, starts_at: starts, ends_at: ends });
  assert.equal(r.ok, true, JSON.stringify(r));
  assert.deepEqual(r.flash, { product: p.id, price: 59900, starts_at: starts, ends_at: ends });
  const [[price, s, e]] = await sql(db.url, `SELECT flash_price, rfc3339(flash_starts_at), rfc3339(flash_ends_at)
    FROM fair_items WHERE fair_id = ${fair} AND product_id = ${p.id}`);
  assert.deepEqual([Number(price), s, e], [59900, starts, ends]);
  // the flash price is what every tier pays while it lasts
  const now = await sql(db.url, `SELECT item_price_now(i, 'A'), item_price_now(i, 'B'), item_price_now(i, NULL)
    FROM fair_items i WHERE fair_id = ${fair} AND product_id = ${p.id}`);
  assert.deepEqual(now[0].map(Number), [59900, 59900, 59900]);

  const events = await eventsAfter(fair, seq0);
  assert.equal(events.length, 1);
  assertSeqs(events, fair, seq0);
  assert.equal(events[0].kind, 'flash');
  assert.equal(events[0].tier, null);
  assert.equal(events[0].staff_only, false);
  assert.deepEqual(events[0].payload, { ...r.flash, ev: 'flash', fair, seq: seq0 + 1 });
  const [audit] = await auditsOf('flash.set', `product:${p.id}`);
  assert.equal(audit.actor, users.rep.id);
  assert.deepEqual(audit.new, r.flash);

  await assertRefusals(rep, fair, [
    ['flash.set', { fair, product: p.id, price: 100, starts_at: ends, ends_at: starts }, 'bad_request'],
    ['flash.set', { fair, product: p.id, price: 100, starts_at: ends, ends_at: ends }, 'bad_request'],
    ['flash.set', { fair, product: p.id, price: 100, starts_at: ISO(dbNow - 7_200_000), ends_at: ISO(dbNow - 3_600_000) }, 'bad_request'],
    ['flash.set', { fair, product: p.id, price: 100, starts_at: 'tomorrow', ends_at: ends }, 'bad_request'],
    ['flash.set', { fair, product: p.id, price: -1, starts_at: starts, ends_at: ends }, 'bad_request'],
    ['flash.set', { fair, product: p.id, price: 1000000000000000, starts_at: starts, ends_at: ends }, 'bad_request'],
    ['flash.set', { fair, product: p.id, price: 100, starts_at: starts }, 'bad_request'],
  ]);
});

test('item.launch and item.withdraw: item.new per tier and for the staff, item.withdrawn, conflicts', async () => {
  const { fair, products: [p] } = await makeFair({ withdrawn: true });
  const item = `fair_id = ${fair} AND product_id = ${p.id}`;
  await sql(db.url, `UPDATE fair_items SET launched_at = now() - interval '1 day' WHERE ${item}`);
  let seq0 = await seqOf(fair);

  const r = await rep.request('item.launch', { fair, product: p.id });
  assert.equal(r.ok, true, JSON.stringify(r));
  assert.equal(r.item.product, p.id);
  assert.equal(r.item.withdrawn, false);
  assert.deepEqual(r.item.tier_prices, { A: 80001 });
  const [[withdrawn, recent]] = await sql(db.url, `SELECT withdrawn, launched_at > now() - interval '1 minute' FROM fair_items WHERE ${item}`);
  assert.deepEqual([withdrawn, recent], ['f', 't']);
  let events = await eventsAfter(fair, seq0);
  assertSeqs(events, fair, seq0);
  assert.deepEqual(events.map((e) => [e.kind, e.tier, e.staff_only]),
    [['item.new', 'A', false], ['item.new', 'B', false], ['item.new', null, true]]);
  assert.equal(events[0].payload.item.price, 80001); // tier A's own price
  assert.equal(events[0].payload.item.tier_prices, undefined); // a dealer never sees the others'
  assert.equal(events[1].payload.item.price, 90001);
  assert.deepEqual(events[2].payload.item.tier_prices, { A: 80001 });
  assert.deepEqual(events[2].payload.item.variants.map((v) => v.id), p.variants);
  assert.equal(events[2].payload.item.variants[0].remaining, 100);

  assert.equal((await rep.request('item.launch', { fair, product: p.id })).error?.code, 'conflict');

  seq0 = await seqOf(fair);
  const w = await admin.request('item.withdraw', { fair, product: p.id });
  assert.equal(w.ok, true, JSON.stringify(w));
  assert.equal(w.item.withdrawn, true);
  assert.equal(await one(`SELECT withdrawn FROM fair_items WHERE ${item}`), 't');
  events = await eventsAfter(fair, seq0);
  assert.equal(events.length, 1);
  assertSeqs(events, fair, seq0);
  assert.deepEqual([events[0].kind, events[0].tier, events[0].staff_only], ['item.withdrawn', null, false]);
  assert.deepEqual(events[0].payload, { product: p.id, ev: 'item.withdrawn', fair, seq: seq0 + 1 });
  assert.equal((await admin.request('item.withdraw', { fair, product: p.id })).error?.code, 'conflict');

  assert.equal((await auditsOf('item.launch', `product:${p.id}`))[0].actor, users.rep.id);
  assert.equal((await auditsOf('item.withdraw', `product:${p.id}`))[0].actor, server.user.id);
  // nothing changed by the refused second launch and withdraw
  assert.equal(await seqOf(fair), seq0 + 1);
});

test('showcase refusals: role first, then arguments, then state; nothing changes', async () => {
  const { fair, products: [p] } = await makeFair();
  const other = await makeProduct();
  const closed = await makeFair({ status: 'closed' });
  const ended = await makeFair({ startsIn: '-2 days', endsIn: '-1 hour' });
  const scheduled = await makeFair({ startsIn: '1 day', endsIn: '3 days' });
  const paused = await makeFair({ status: 'paused' });
  const times = { starts_at: ISO(Date.now()), ends_at: ISO(Date.now() + 3_600_000) };

  // a dealer (and a manager) may do none of them, whatever the arguments
  for (const client of [dealer, manager]) {
    await assertRefusals(client, fair, [
      ['spotlight.set', { fair, product: p.id }, 'forbidden'],
      ['spotlight.set', { nonsense: true }, 'forbidden'],
      ['price.set', { fair, product: p.id, price: 1 }, 'forbidden'],
      ['price.set', { fair, product: p.id, price: -5, tier: 'xyz' }, 'forbidden'],
      ['flash.set', { fair, product: p.id, price: 1, ...times }, 'forbidden'],
      ['item.launch', { fair, product: p.id }, 'forbidden'],
      ['item.withdraw', { fair, product: p.id }, 'forbidden'],
    ]);
  }
  await assertRefusals(rep, fair, [
    ['spotlight.set', { fair, product: p.id, note: 'x'.repeat(501) }, 'bad_request'],
    ['spotlight.set', { fair, product: p.id, extra: 1 }, 'bad_request'],
    ['spotlight.set', { fair }, 'bad_request'],
    ['price.set', { fair, product: p.id, price: -1 }, 'bad_request'],
    // a unit price whose order total could overflow: at most 10^11 (¥1,000,000,000.00)
    ['price.set', { fair, product: p.id, price: 100000000001 }, 'bad_request'],
    ['price.set', { fair, product: p.id, price: 1000000000000000 }, 'bad_request'],
    ['price.set', { fair, product: p.id, price: 1.5 }, 'bad_request'],
    ['price.set', { fair, product: p.id, price: '100' }, 'bad_request'],
    ['price.set', { fair, product: p.id, price: 100, tier: 'a' }, 'bad_request'],
    ['price.set', { fair, product: p.id, price: 100, tier: 'AB' }, 'bad_request'],
    ['price.set', { fair, product: p.id, price: 100, tier: '' }, 'bad_request'],
    ['item.launch', { fair: 0, product: p.id }, 'bad_request'],
    // state: unknown fair, a product that is not an item of the fair, no such product
    ['spotlight.set', { fair: 999999, product: p.id }, 'not_found'],
    ['spotlight.set', { fair, product: other.id }, 'not_found'],
    ['price.set', { fair, product: 999999, price: 1 }, 'not_found'],
    ['flash.set', { fair: 999999, product: p.id, price: 1, ...times }, 'not_found'],
    ['item.launch', { fair, product: other.id }, 'not_found'],
    ['item.withdraw', { fair: 999999, product: p.id }, 'not_found'],
  ]);
  // closed fairs, by hand or by their times, cannot be changed
  for (const c of [closed, ended]) {
    const cp = c.products[0].id;
    await assertRefusals(rep, c.fair, [
      ['spotlight.set', { fair: c.fair, product: cp }, 'fair_not_live'],
      ['price.set', { fair: c.fair, product: cp, price: 1 }, 'fair_not_live'],
      ['price.set', { fair: c.fair, product: cp, price: 1, tier: 'A' }, 'fair_not_live'],
      ['flash.set', { fair: c.fair, product: cp, price: 1, ...times }, 'fair_not_live'],
      ['item.launch', { fair: c.fair, product: cp }, 'fair_not_live'],
      ['item.withdraw', { fair: c.fair, product: cp }, 'fair_not_live'],
    ]);
  }
  // scheduled and paused fairs may be prepared and changed
  for (const c of [scheduled, paused]) {
    const r = await rep.request('spotlight.set', { fair: c.fair, product: c.products[0].id });
    assert.equal(r.ok, true, JSON.stringify(r));
    assert.equal((await rep.request('price.set', { fair: c.fair, product: c.products[0].id, price: 1 })).ok, true);
  }
});

// ---- administration ----

test('admin.product.create: the product and its variants, audited; style taken is a conflict', async () => {
  const style = `${STYLE}-P${++styleCounter}`;
  const args = {
    style, name: '羊毛大衣', name_en: 'Wool coat', category: '外套', description: '雙面羊毛',
    base_price: 259900, variants: [{ size: 'M', color: '駝色' }, { size: 'L', color: '駝色' }, { size: 'M', color: '黑色' }],
  };
  const r = await admin.request('admin.product.create', args);
  assert.equal(r.ok, true, JSON.stringify(r));
  assert.equal(typeof r.product.id, 'number');
  assert.deepEqual({ ...r.product, id: 0 }, {
    id: 0, style, name: '羊毛大衣', name_en: 'Wool coat', category: '外套', description: '雙面羊毛',
    description_en: '', base_price: 259900, images: null,
  });
  assert.deepEqual(r.variants.map(({ size, color }) => ({ size, color })), args.variants);
  const rows = await sql(db.url, `SELECT id, size, color FROM variants WHERE product_id = ${r.product.id} ORDER BY sort`);
  assert.deepEqual(rows.map(([id, size, color]) => ({ id: Number(id), size, color })), r.variants);
  const [audit] = await auditsOf('product.create', `product:${r.product.id}`);
  assert.equal(audit.actor, server.user.id);
  assert.deepEqual(audit.new, { product: r.product, variants: r.variants });

  const products = Number(await one('SELECT count(*) FROM products'));
  const audits = await auditCount();
  for (const client of [dealer, rep]) {
    assert.equal((await client.request('admin.product.create', args)).error?.code, 'forbidden');
  }
  const bad = [
    [{ ...args }, 'conflict'],
    [{ ...args, style: 'bad style!' }, 'bad_request'],
    [{ ...args, style: `${style}x`, variants: [] }, 'bad_request'],
    [{ ...args, style: `${style}x`, variants: [{ size: 'M' }] }, 'bad_request'],
    [{ ...args, style: `${style}x`, variants: [{ size: 'M', color: '黑色', extra: 1 }] }, 'bad_request'],
    [{ ...args, style: `${style}x`, variants: ['M/黑色'] }, 'bad_request'],
    [{ ...args, style: `${style}x`, variants: [{ size: 'M', color: '黑色' }, { size: 'M', color: '黑色' }] }, 'bad_request'],
    [{ ...args, style: `${style}x`, variants: [{ size: 'x'.repeat(17), color: '黑色' }] }, 'bad_request'],
    [{ ...args, style: `${style}x`, base_price: -1 }, 'bad_request'],
    [{ ...args, style: `${style}x`, name: '' }, 'bad_request'],
    [{ ...args, style: `${style}x`, category: undefined }, 'bad_request'],
  ];
  for (const [a, code] of bad) {
    const res = await admin.request('admin.product.create', a);
    assert.equal(res.error?.code, code, `${JSON.stringify(a)} -> ${JSON.stringify(res)}`);
  }
  assert.equal(Number(await one('SELECT count(*) FROM products')), products);
  assert.equal(await auditCount(), audits);
});

test('admin.fair.create: status follows the times; currency, zone and times are checked', async () => {
  const dbNow = Number(await one(`SELECT (extract(epoch FROM now()) * 1000)::bigint`));
  const live = await admin.request('admin.fair.create', {
    name: '2027 秋冬網絡訂貨會', season: '2027AW', currency: 'CNY', timezone: 'Asia/Shanghai',
    starts_at: ISO(dbNow - 60_000), ends_at: ISO(dbNow + 86_400_000), name_en: ' 2027 Autumn/Winter Fair ',
  });
  assert.equal(live.ok, true, JSON.stringify(live));
  assert.deepEqual({ ...live.fair, id: 0 }, {
    id: 0, name: '2027 秋冬網絡訂貨會', name_en: '2027 Autumn/Winter Fair', season: '2027AW', status: 'live', starts_at: ISO(dbNow - 60_000),
    ends_at: ISO(dbNow + 86_400_000), timezone: 'Asia/Shanghai', currency: 'CNY',
  });
  assert.equal(await seqOf(live.fair.id), 0); // its event counter exists
  const [audit] = await auditsOf('fair.create', `fair:${live.fair.id}`);
  assert.deepEqual([audit.actor, audit.fair], [server.user.id, live.fair.id]);
  assert.deepEqual(audit.new, live.fair);

  const later = await admin.request('admin.fair.create', {
    name: '2028 春夏', season: '', currency: 'USD', timezone: 'Europe/Paris',
    starts_at: '2030-01-10T09:00:00+08:00', ends_at: '2030-01-12T18:00:00+08:00',
  });
  assert.equal(later.ok, true, JSON.stringify(later));
  assert.equal(later.fair.status, 'scheduled');
  assert.equal(later.fair.starts_at, '2030-01-10T01:00:00.000Z');
  assert.equal(later.fair.name_en, '', 'no English name: none');
  // every process's fair list carries the English name too
  await waitFor(async () => (await admin.request('fairs.list', {})).fairs
    ?.find((f) => f.id === live.fair.id)?.name_en === '2027 Autumn/Winter Fair', { what: 'fairs.list with name_en' });

  const fairs = Number(await one('SELECT count(*) FROM fairs'));
  const audits = await auditCount();
  const good = { name: 'F', season: 'S', currency: 'CNY', timezone: 'Asia/Shanghai', starts_at: ISO(dbNow), ends_at: ISO(dbNow + 1000) };
  for (const client of [dealer, rep, manager]) {
    assert.equal((await client.request('admin.fair.create', good)).error?.code, 'forbidden');
  }
  for (const [a, code] of [
    [{ ...good, currency: 'cny' }, 'bad_request'],
    [{ ...good, currency: 'CNYX' }, 'bad_request'],
    [{ ...good, currency: 'C1Y' }, 'bad_request'],
    [{ ...good, timezone: 'Mars/Olympus_Mons' }, 'bad_request'],
    [{ ...good, timezone: 'asia/shanghai' }, 'bad_request'],
    [{ ...good, ends_at: good.starts_at }, 'bad_request'],
    [{ ...good, ends_at: ISO(dbNow - 1000) }, 'bad_request'],
    [{ ...good, starts_at: '2027-13-01T00:00:00Z' }, 'bad_request'],
    [{ ...good, name: undefined }, 'bad_request'],
    [{ ...good, name_en: 'Two\nlines' }, 'bad_request'],
    [{ ...good, name_en: 'x'.repeat(201) }, 'bad_request'],
    [{ ...good, name_en: 7 }, 'bad_request'],
  ]) {
    const res = await admin.request('admin.fair.create', a);
    assert.equal(res.error?.code, code, `${JSON.stringify(a)} -> ${JSON.stringify(res)}`);
  }
  assert.equal(Number(await one('SELECT count(*) FROM fairs')), fairs);
  assert.equal(await auditCount(), audits);
});

test('admin.fair.update: pause, resume, move times, close for good', async () => {
  const { fair } = await makeFair();
  const statusOf = async () => one(`SELECT coalesce(status_override, '') || '/' || fair_status(f) FROM fairs f WHERE id = ${fair}`);

  const paused = await admin.request('admin.fair.update', { fair, status: 'paused' });
  assert.equal(paused.ok, true, JSON.stringify(paused));
  assert.equal(paused.fair.status, 'paused');
  assert.equal(await statusOf(), 'paused/paused');

  const resumed = await admin.request('admin.fair.update', { fair, status: 'live' });
  assert.equal(resumed.fair.status, 'live');
  assert.equal(await statusOf(), '/live');

  const ends = '2031-06-30T16:00:00.000Z';
  const moved = await admin.request('admin.fair.update', { fair, name: '延長的訂貨會', ends_at: ends });
  assert.equal(moved.ok, true, JSON.stringify(moved));
  assert.deepEqual([moved.fair.name, moved.fair.ends_at, moved.fair.status], ['延長的訂貨會', ends, 'live']);
  assert.equal(await one(`SELECT rfc3339(ends_at) FROM fairs WHERE id = ${fair}`), ends);

  const named = await admin.request('admin.fair.update', { fair, name_en: 'Extended fair' });
  assert.deepEqual([named.fair.name, named.fair.name_en], ['延長的訂貨會', 'Extended fair']);
  const unnamed = await admin.request('admin.fair.update', { fair, name_en: '' });
  assert.equal(unnamed.fair.name_en, '');

  const audits = (await auditsOf('fair.update', `fair:${fair}`)).slice(0, 3);
  assert.equal(audits.length, 3);
  assert.equal(audits[0].old.status, 'live');
  assert.equal(audits[0].new.status, 'paused');
  assert.equal(audits[2].old.name, '測試訂貨會');
  assert.deepEqual(audits[2].new, moved.fair);

  for (const client of [dealer, rep, manager]) {
    await assertRefusals(client, fair, [['admin.fair.update', { fair, status: 'closed' }, 'forbidden']]);
  }
  await assertRefusals(admin, fair, [
    ['admin.fair.update', { fair }, 'bad_request'],
    ['admin.fair.update', { fair, status: 'open' }, 'bad_request'],
    ['admin.fair.update', { fair, status: 'scheduled' }, 'bad_request'],
    ['admin.fair.update', { fair, starts_at: '2031-07-01T00:00:00Z' }, 'bad_request'], // after its end
    ['admin.fair.update', { fair, starts_at: '2031-07-01T00:00:00Z', ends_at: '2031-06-01T00:00:00Z' }, 'bad_request'],
    ['admin.fair.update', { fair, name: '' }, 'bad_request'],
    ['admin.fair.update', { fair: 999999, status: 'paused' }, 'not_found'],
  ]);

  const closed = await admin.request('admin.fair.update', { fair, status: 'closed' });
  assert.equal(closed.fair.status, 'closed');
  assert.equal(await statusOf(), 'closed/closed');
  await assertRefusals(admin, fair, [
    ['admin.fair.update', { fair, status: 'live' }, 'conflict'],
    ['admin.fair.update', { fair, status: 'paused' }, 'conflict'],
    ['admin.fair.update', { fair, ends_at: '2032-01-01T00:00:00Z' }, 'conflict'],
    ['admin.fair.update', { fair, name: 'again' }, 'conflict'],
  ]);
});

test('admin.item.add: on sale at once with item.new, or prepared for a later item.launch', async () => {
  const { fair } = await makeFair({ products: 0 });
  const p = await makeProduct({ sizes: ['S', 'M', 'L'], colors: ['黑色'] });
  let seq0 = await seqOf(fair);
  const allocation = Object.fromEntries(p.variants.map((v, i) => [String(v), 10 * (i + 1)]));

  const r = await admin.request('admin.item.add', {
    fair, product: p.id, price: 39900, tier_prices: { A: 35900 }, allocation, limit: 12, moq: 2,
    pack: { S: 1, M: 2, L: 1 }, must_order: true,
  });
  assert.equal(r.ok, true, JSON.stringify(r));
  assert.equal(r.item.product, p.id);
  assert.equal(r.item.price, 39900);
  assert.deepEqual(r.item.tier_prices, { A: 35900 });
  assert.deepEqual([r.item.limit, r.item.moq, r.item.must_order, r.item.withdrawn], [12, 2, true, false]);
  assert.deepEqual(r.item.pack, { S: 1, M: 2, L: 1 });
  assert.deepEqual(r.item.variants.map((v) => [v.id, v.remaining]), p.variants.map((v, i) => [v, 10 * (i + 1)]));
  const stock = await sql(db.url, `SELECT variant_id, allocation, sold FROM stock WHERE fair_id = ${fair} ORDER BY variant_id`);
  assert.deepEqual(stock.map((row) => row.map(Number)), p.variants.map((v, i) => [v, 10 * (i + 1), 0]));
  let events = await eventsAfter(fair, seq0);
  assertSeqs(events, fair, seq0);
  assert.deepEqual(events.map((e) => [e.kind, e.tier, e.staff_only, e.payload.item.price]),
    [['item.new', 'A', false, 35900], ['item.new', 'B', false, 39900], ['item.new', null, true, 39900]]);
  const [audit] = await auditsOf('item.add', `product:${p.id}`);
  assert.deepEqual([audit.actor, audit.fair], [server.user.id, fair]);
  assert.deepEqual(audit.new, r.item);

  // launch: false prepares it, not on sale, no event; item.launch puts it on sale later
  const q2 = await makeProduct();
  seq0 = await seqOf(fair);
  const prepared = await admin.request('admin.item.add', { fair, product: q2.id, price: 1000, allocation: { [q2.variants[0]]: 5 }, launch: false });
  assert.equal(prepared.ok, true, JSON.stringify(prepared));
  assert.equal(prepared.item.withdrawn, true);
  assert.deepEqual(prepared.item.variants.map((v) => v.id), [q2.variants[0]]); // only what has an allocation
  assert.equal(await seqOf(fair), seq0);
  const launched = await rep.request('item.launch', { fair, product: q2.id });
  assert.equal(launched.ok, true, JSON.stringify(launched));
  events = await eventsAfter(fair, seq0);
  assert.deepEqual(events.map((e) => [e.kind, e.tier]), [['item.new', 'A'], ['item.new', 'B'], ['item.new', null]]);

  const q3 = await makeProduct({ sizes: ['S'], colors: ['白色'] });
  const closed = await makeFair({ status: 'closed', products: 0 });
  for (const client of [dealer, rep]) {
    await assertRefusals(client, fair, [['admin.item.add', { fair, product: q3.id, price: 1, allocation: { [q3.variants[0]]: 1 } }, 'forbidden']]);
  }
  const okArgs = { fair, product: q3.id, price: 1, allocation: { [q3.variants[0]]: 1 } };
  await assertRefusals(admin, fair, [
    ['admin.item.add', { ...okArgs, allocation: {} }, 'bad_request'],
    ['admin.item.add', { ...okArgs, allocation: { [p.variants[0]]: 1 } }, 'bad_request'], // another product's variant
    ['admin.item.add', { ...okArgs, allocation: { abc: 1 } }, 'bad_request'],
    ['admin.item.add', { ...okArgs, allocation: { [q3.variants[0]]: -1 } }, 'bad_request'],
    ['admin.item.add', { ...okArgs, allocation: { [q3.variants[0]]: 1.5 } }, 'bad_request'],
    ['admin.item.add', { ...okArgs, tier_prices: { a: 1 } }, 'bad_request'],
    ['admin.item.add', { ...okArgs, tier_prices: { A: -1 } }, 'bad_request'],
    ['admin.item.add', { ...okArgs, pack: { XL: 1 } }, 'bad_request'], // not a size of the product
    ['admin.item.add', { ...okArgs, pack: { S: 0 } }, 'bad_request'],
    ['admin.item.add', { ...okArgs, moq: 0 }, 'bad_request'],
    ['admin.item.add', { ...okArgs, price: -1 }, 'bad_request'],
    ['admin.item.add', { ...okArgs, fair: 999999 }, 'not_found'],
    ['admin.item.add', { ...okArgs, product: 999999 }, 'not_found'],
    ['admin.item.add', { ...okArgs, fair: closed.fair }, 'fair_not_live'],
    ['admin.item.add', { fair, product: p.id, price: 1, allocation: { [p.variants[0]]: 1 } }, 'conflict'],
  ]);
  const named = await admin.request('admin.item.add', { ...okArgs, allocation: { [p.variants[1]]: 1 } });
  assert.match(named.error.message, new RegExp(`variant ${p.variants[1]}\\b`));
});

test('admin.product.update: names, descriptions and list price; live fairs selling it hear item.updated', async () => {
  const live = await makeFair();
  const [p] = live.products;
  // the same product prepared (withdrawn) at another fair, and on sale at a closed one: no events there
  const prepared = await makeFair({ products: 0 });
  await sql(db.url, `INSERT INTO fair_items (fair_id, product_id, price, withdrawn) VALUES (${prepared.fair}, ${p.id}, 1, true)`);
  const closed = await makeFair({ status: 'closed', products: 0 });
  await sql(db.url, `INSERT INTO fair_items (fair_id, product_id, price) VALUES (${closed.fair}, ${p.id}, 1)`);
  const seqs = { live: await seqOf(live.fair), prepared: await seqOf(prepared.fair), closed: await seqOf(closed.fair) };

  const r = await admin.request('admin.product.update', { product: p.id, name: '測試大衣', description: '羊毛', base_price: 139900 });
  assert.equal(r.ok, true, JSON.stringify(r));
  assert.deepEqual([r.product.name, r.product.name_en, r.product.description, r.product.base_price, r.product.category],
    ['測試大衣', 'Test coat', '羊毛', 139900, '外套']);
  assert.equal(r.variants.length, 4);
  const events = await eventsAfter(live.fair, seqs.live);
  assertSeqs(events, live.fair, seqs.live);
  assert.deepEqual(events.map((e) => [e.kind, e.tier, e.staff_only, e.payload.item.name, e.payload.item.price]),
    [['item.updated', 'A', false, '測試大衣', 80001], ['item.updated', 'B', false, '測試大衣', 90001],
      ['item.updated', null, true, '測試大衣', 90001]]);
  assert.equal(await seqOf(prepared.fair), seqs.prepared, 'a prepared item hears nothing');
  assert.equal(await seqOf(closed.fair), seqs.closed, 'a closed fair hears nothing');
  // the copy a search reads follows
  assert.equal(await one(`SELECT product_name FROM fair_items WHERE fair_id = ${live.fair} AND product_id = ${p.id}`), '測試大衣');
  const [audit] = await auditsOf('product.update', `product:${p.id}`);
  assert.deepEqual([audit.old.product.name, audit.new.product.name, audit.actor, audit.fair], ['測試外套', '測試大衣', server.user.id, null]);

  // the same again: nothing written, no event
  const before = await seqOf(live.fair);
  assert.equal((await admin.request('admin.product.update', { product: p.id, name: '測試大衣' })).ok, true);
  assert.equal(await seqOf(live.fair), before);
  assert.equal((await auditsOf('product.update', `product:${p.id}`)).length, 1);

  const own = await connect(server);
  await own.next('hello');
  for (const [args, code] of [
    [{ product: p.id }, 'bad_request'], [{ product: p.id, name: '' }, 'bad_request'],
    [{ product: p.id, base_price: -1 }, 'bad_request'], [{ product: p.id, category: '褲' }, 'bad_request'],
    [{ product: 999999, name: 'x' }, 'not_found'],
  ]) {
    const res = await own.request('admin.product.update', args);
    assert.equal(res.error?.code, code, `${JSON.stringify(args)} -> ${JSON.stringify(res)}`);
  }
  await own.close();
  for (const client of [dealer, rep, manager]) {
    assert.equal((await client.request('admin.product.update', { product: p.id, name: 'x' })).error?.code, 'forbidden');
  }
  assert.equal(await one(`SELECT name || '/' || base_price FROM products WHERE id = ${p.id}`), '測試大衣/139900');
});

test('admin.products.list: the products to put on a fair, found by a word, each saying whether it is offered there', async () => {
  const { fair } = await makeFair({ products: 0 });
  const a = await makeProduct({ sizes: ['S', 'M'], colors: ['黑色'] });
  const b = await makeProduct({ sizes: ['L'], colors: ['白色', '黑色'] });
  const added = await admin.request('admin.item.add', { fair, product: a.id, price: 100, allocation: { [a.variants[0]]: 1 } });
  assert.equal(added.ok, true, JSON.stringify(added));

  const r = await admin.request('admin.products.list', { q: STYLE, fair, limit: 100 });
  assert.equal(r.ok, true, JSON.stringify(r));
  const mine = r.products.filter((p) => [a.id, b.id].includes(p.id));
  assert.deepEqual(mine.map((p) => [p.style, p.offered, p.variants.length]), [[a.style, true, 2], [b.style, false, 2]]);
  assert.deepEqual(Object.keys(mine[1].variants[0]).sort(), ['color', 'id', 'size']);
  assert.equal(mine[1].name, '測試褲');
  assert.deepEqual(r.products.map((p) => p.style), [...r.products.map((p) => p.style)].sort(), 'in style order');
  // by the exact style; without a fair no offered; pages
  const one = await admin.request('admin.products.list', { q: b.style });
  assert.deepEqual(one.products.map((p) => [p.id, 'offered' in p]), [[b.id, false]]);
  const all = await admin.request('admin.products.list', { limit: 100 });
  const page = await admin.request('admin.products.list', { limit: 1, offset: 1 });
  assert.equal(page.total, all.total);
  assert.deepEqual(page.products.map((p) => p.id), [all.products[1].id]);

  // refusals on a connection of their own: a socket sending many bad messages is closed
  const own = await connect(server);
  await own.next('hello');
  assert.equal((await own.request('admin.products.list', { fair: 999999 })).error?.code, 'not_found');
  for (const args of [{ q: '' }, { limit: 0 }, { limit: 101 }, { offset: -1 }]) {
    assert.equal((await own.request('admin.products.list', args)).error?.code, 'bad_request', JSON.stringify(args));
  }
  await own.close();
  for (const client of [dealer, rep, manager]) {
    assert.equal((await client.request('admin.products.list', {})).error?.code, 'forbidden');
  }
});

test('admin.stock.add: more allocation, or unsold allocation withdrawn, never below what is sold', async () => {
  const { fair, products: [p] } = await makeFair();
  const v = p.variants[0];
  const row = `fair_id = ${fair} AND variant_id = ${v}`;

  const more = await admin.request('admin.stock.add', { fair, variant: v, qty: 25 });
  assert.equal(more.ok, true, JSON.stringify(more));
  assert.deepEqual({ ...more, re: undefined, ok: undefined },
    { re: undefined, ok: undefined, variant: v, allocation: 125, sold: 0, remaining: 125 });
  assert.equal(Number(await one(`SELECT allocation FROM stock WHERE ${row}`)), 125);

  await sql(db.url, `UPDATE stock SET sold = 100 WHERE ${row}`);
  const less = await admin.request('admin.stock.add', { fair, variant: v, qty: -20 });
  assert.equal(less.ok, true, JSON.stringify(less));
  assert.deepEqual([less.allocation, less.sold, less.remaining], [105, 100, 5]);

  const audits = await auditsOf('stock.add', `variant:${v}`);
  assert.equal(audits.length, 2);
  assert.deepEqual(audits[0].old, { allocation: 100, sold: 0 });
  assert.deepEqual(audits[0].new, { allocation: 125, sold: 0, qty: 25 });
  assert.deepEqual([audits[1].actor, audits[1].fair], [server.user.id, fair]);

  // stock changes are announced in the same transaction (the coalesced stock pushes)
  const seqBefore = await seqOf(fair);
  const tooMuch = await admin.request('admin.stock.add', { fair, variant: v, qty: -6 });
  assert.equal(tooMuch.error?.code, 'insufficient_stock', JSON.stringify(tooMuch));
  assert.deepEqual(tooMuch.error.available, { [v]: 5 });
  assert.equal(await seqOf(fair), seqBefore); // stock is state, not history

  const closed = await makeFair({ status: 'closed' });
  for (const client of [dealer, rep]) {
    await assertRefusals(client, fair, [['admin.stock.add', { fair, variant: v, qty: 1 }, 'forbidden']]);
  }
  await assertRefusals(admin, fair, [
    ['admin.stock.add', { fair, variant: v, qty: -6 }, 'insufficient_stock'],
    ['admin.stock.add', { fair, variant: v, qty: -1000 }, 'insufficient_stock'],
    ['admin.stock.add', { fair, variant: v, qty: 0 }, 'bad_request'],
    ['admin.stock.add', { fair, variant: v, qty: 1.5 }, 'bad_request'],
    ['admin.stock.add', { fair, variant: v }, 'bad_request'],
    ['admin.stock.add', { fair, variant: 999999, qty: 1 }, 'not_found'],
    ['admin.stock.add', { fair: 999999, variant: v, qty: 1 }, 'not_found'],
    ['admin.stock.add', { fair: closed.fair, variant: closed.products[0].variants[0], qty: 1 }, 'fair_not_live'],
  ]);
});

test('admin.stock.add announces the new remaining stock (fair_stock) when it commits', async () => {
  const { fair, products: [p] } = await makeFair();
  const v = p.variants[1];
  // A psql session that listens before the op (its LISTEN has returned); psql prints the
  // notifications it received after each later command.
  const psql = openPsql(db.url);
  try {
    await psql.query('LISTEN fair_stock');
    assert.equal((await admin.request('admin.stock.add', { fair, variant: v, qty: 7 })).ok, true);
    let printed = '';
    const want = new RegExp(`"fair_stock" with payload "${fair}:.*\\b${v}=107\\b`);
    await waitFor(async () => want.test(printed += await psql.query('SELECT 1')),
      { timeoutMs: 10_000, what: 'the fair_stock notification' });
  } finally {
    psql.close();
  }
});

test('audit.list: admins and managers, newest first, by fair, after an id, limited', async () => {
  const { fair, products: [p] } = await makeFair();
  for (const note of ['一', '二', '三']) {
    assert.equal((await rep.request('spotlight.set', { fair, product: p.id, note })).ok, true);
  }
  const all = await manager.request('audit.list', { fair });
  assert.equal(all.ok, true, JSON.stringify(all));
  assert.equal(all.entries.length, 3);
  assert.deepEqual(all.entries.map((e) => e.new.note), ['三', '二', '一']);
  const e = all.entries[0];
  assert.match(e.at, RFC3339_MS);
  assert.deepEqual(e.actor, { id: users.rep.id, name: '王業務' });
  assert.deepEqual([e.action, e.target, e.fair], ['spotlight.set', `product:${p.id}`, fair]);
  assert.equal(e.old.note, '二');
  assert.ok(all.entries[0].id > all.entries[1].id);

  const limited = await admin.request('audit.list', { fair, limit: 2 });
  assert.deepEqual(limited.entries.map((x) => x.id), all.entries.slice(0, 2).map((x) => x.id));
  const since = await admin.request('audit.list', { fair, since: all.entries[2].id });
  assert.deepEqual(since.entries.map((x) => x.id), all.entries.slice(0, 2).map((x) => x.id));
  // paging forward from an id gives the entries right after it, newest of them first
  const next = await admin.request('audit.list', { fair, since: all.entries[2].id, limit: 1 });
  assert.deepEqual(next.entries.map((x) => x.id), [all.entries[1].id]);
  const everything = await admin.request('audit.list', {}); // every fair, and entries of none
  assert.equal(everything.entries.length, Math.min(100, await auditCount()));
  assert.ok(everything.entries.every((x, i, list) => i === 0 || list[i - 1].id > x.id));
  assert.ok(everything.entries.some((x) => x.fair !== fair));

  for (const client of [dealer, rep]) {
    assert.equal((await client.request('audit.list', { fair })).error?.code, 'forbidden');
  }
  for (const [args, code] of [
    [{ limit: 0 }, 'bad_request'], [{ limit: 501 }, 'bad_request'], [{ since: -1 }, 'bad_request'],
    [{ fair: 'x' }, 'bad_request'], [{ fair: 999999 }, 'not_found'],
  ]) {
    assert.equal((await admin.request('audit.list', args)).error?.code, code, JSON.stringify(args));
  }
});

// ---- product pictures over HTTP ----

const PNG = fs.readFileSync(path.join(SOURCE_DIR, 'tests/fixtures/import-good/images/TEST-001.png'));

const upload = (target, body, { cookie, contentType = 'image/png' } = {}) =>
  httpGet(`${server.url}${target}`, {
    method: 'POST', body, timeoutMs: 60_000,
    headers: { 'content-type': contentType, ...(cookie ? { cookie } : {}) },
  });

test('POST /api/admin/products/<id>/image: an admin stores a picture in three sizes', async () => {
  const p = await makeProduct({ colors: ['黑色', 'Light Grey'] });
  const r = await upload(`/api/admin/products/${p.id}/image`, PNG, { cookie: server.cookie });
  assert.equal(r.status, 200, r.body);
  const body = JSON.parse(r.body);
  assert.equal(body.product, p.id);
  assert.deepEqual(Object.keys(body.images).sort(), ['card', 'full', 'thumb']);
  const key = await one(`SELECT image FROM products WHERE id = ${p.id}`);
  assert.match(key, new RegExp(`^p/${p.style.toLowerCase()}/main-[0-9a-f]{8}$`));
  assert.equal(body.images.thumb, `/media/${key}-thumb.jpg`);
  for (const url of Object.values(body.images)) {
    const got = await httpGet(`${server.url}${url}`);
    assert.equal(got.status, 200, url);
    assert.equal(got.headers['content-type'], 'image/jpeg');
    assert.deepEqual([...got.raw.subarray(0, 3)], [0xff, 0xd8, 0xff]); // a JPEG, re-encoded
    // a new picture gets a new key: browsers keep this one for good
    assert.equal(got.headers['cache-control'], 'public, max-age=31536000, immutable', url);
  }
  // a picture of a key without a version (imported before keys had one) is asked for each time
  fs.mkdirSync(path.join(mediaRoot, 'p', 'old-1'), { recursive: true });
  fs.copyFileSync(path.join(mediaRoot, `${key}-thumb.jpg`), path.join(mediaRoot, 'p', 'old-1', 'main-thumb.jpg'));
  assert.equal((await httpGet(`${server.url}/media/p/old-1/main-thumb.jpg`)).headers['cache-control'], 'no-store');
  assert.equal((await auditsOf('product.image', `product:${p.id}`))[0].actor, server.user.id);

  // one colour's picture (a Chinese name, percent-encoded): that colour's variants
  const c = await upload(`/api/admin/products/${p.id}/image?color=${encodeURIComponent('黑色')}`,
    fs.readFileSync(path.join(SOURCE_DIR, 'tests/fixtures/import-good/images/TEST-002-黑色.jpg')), { cookie: server.cookie, contentType: 'image/jpeg' });
  assert.equal(c.status, 200, c.body);
  const cb = JSON.parse(c.body);
  assert.equal(cb.color, '黑色');
  const colourKeys = await sql(db.url, `SELECT DISTINCT color, coalesce(image, '') FROM variants WHERE product_id = ${p.id} ORDER BY 1`);
  assert.deepEqual(colourKeys.map(([color, image]) => [color, image.replace(/-[0-9a-f]{8}$/, '')]),
    [['Light Grey', ''], ['黑色', `p/${p.style.toLowerCase()}/black`]]);
  assert.equal((await httpGet(`${server.url}${cb.images.card}`)).status, 200);
  assert.equal(await one(`SELECT image FROM products WHERE id = ${p.id}`), key); // the product keeps its own
});

test('picture uploads are refused: no session 401, not an admin 403, not an image 415', async () => {
  const p = await makeProduct();
  const target = `/api/admin/products/${p.id}/image`;
  const dealerCookie = dealer.cookie;
  const cases = [
    [() => upload(target, PNG), 401],
    [() => upload(target, PNG, { cookie: 'fair_session=v1.forged.1.x' }), 401],
    [() => upload(target, PNG, { cookie: dealerCookie }), 403],
    [() => upload(target, PNG, { cookie: rep.cookie }), 403],
    [() => upload(target, Buffer.from('just some text, not a picture\n'), { cookie: server.cookie, contentType: 'text/plain' }), 415],
    [() => upload(target, Buffer.alloc(0), { cookie: server.cookie }), 400],
    [() => upload(target, PNG.subarray(0, 20), { cookie: server.cookie }), 400], // a header cut short
    [() => upload('/api/admin/products/999999/image', PNG, { cookie: server.cookie }), 404],
    [() => upload(`/api/admin/products/${p.id}/picture`, PNG, { cookie: server.cookie }), 404],
    [() => upload(`${target}?color=${encodeURIComponent('紫色')}`, PNG, { cookie: server.cookie }), 400],
    [() => upload(target, Buffer.alloc(10 * 1024 * 1024 + 1, 0x89), { cookie: server.cookie }), 413],
  ];
  for (const [send, status] of cases) {
    const r = await send();
    assert.equal(r.status, status, `${status}: ${r.body}`);
    const body = JSON.parse(r.body);
    assert.equal(typeof body.error.code, 'string');
    assert.ok(body.error.message.length > 0, r.body);
  }
  const text = await upload(target, Buffer.from('just some text\n'), { cookie: server.cookie, contentType: 'text/plain' });
  assert.match(JSON.parse(text.body).error.message, /not a JPEG, PNG or WebP/);
  assert.equal(await one(`SELECT image FROM products WHERE id = ${p.id}`), '');
  assert.equal((await auditsOf('product.image', `product:${p.id}`)).length, 0);
  // GET is not an upload
  const get = await httpGet(`${server.url}${target}`, { headers: { cookie: server.cookie } });
  assert.equal(get.status, 405);
});

// ---- uploads by non-admins: refused before the body (issue 27, item 3) ----

const SANITIZED = process.env.FAIR_SANITIZED === '1';
const MiB = 1024 * 1024;

/** The server's VmRSS and VmHWM in KiB. */
function serverMemory() {
  const status = fs.readFileSync(`/proc/${server.proc.pid}/status`, 'utf8');
  return { rss: Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)[1]), hwm: Number(/^VmHWM:\s+(\d+) kB$/m.exec(status)[1]) };
}

/**
 * POST `target` over a raw socket: the headers with Content-Length `size` and `cookie`, then
 * (unless `headersOnly`) the body as fast as the server takes it. Resolves once an answer is
 * complete or the connection is over, with {status (0: none), body, sent (body bytes the
 * socket took), ms, closed (the server closed the connection), error}.
 */
function rawUpload(target, cookie, size, { headersOnly = false, timeoutMs = 120_000, content = null, settleMs = 6000 } = {}) {
  return new Promise((resolve) => {
    const started = Date.now();
    const sock = net.connect(server.port, '127.0.0.1');
    const chunk = content ?? Buffer.alloc(64 * 1024, 0x89);
    let sent = 0;
    let received = Buffer.alloc(0);
    let done = false;
    let closed = false;
    let error = null;
    const answer = () => {
      const text = received.toString('utf8');
      const end = text.indexOf('\r\n\r\n');
      if (end < 0) return null;
      const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(text.slice(0, end))?.[1] ?? NaN);
      const body = text.slice(end + 4);
      if (!(Buffer.byteLength(body) >= length)) return null;
      return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), body, headers: text.slice(0, end) };
    };
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      clearTimeout(settle);
      sock.destroy();
      const a = answer();
      resolve({ status: a?.status ?? 0, body: a?.body ?? '', headers: a?.headers ?? '', sent, ms: Date.now() - started, closed, error });
    };
    const timer = setTimeout(() => { error = 'no answer'; finish(); }, timeoutMs);
    // a client that stops sending its body once it has the answer (as curl does)
    const pump = () => {
      while (!done && sent < size && !answer()) {
        const n = Math.min(chunk.length, size - sent);
        sent += n;
        if (!sock.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
          sock.once('drain', pump);
          return;
        }
      }
    };
    sock.on('connect', () => {
      sock.setNoDelay(true);
      const head = Buffer.from(`POST ${target} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nContent-Type: image/png\r\n` +
        `Content-Length: ${size}\r\n${cookie ? `Cookie: ${cookie}\r\n` : ''}\r\n`);
      if (content) { // one write: the body arrives with the headers
        sent = content.length;
        sock.write(Buffer.concat([head, content]));
        return;
      }
      sock.write(head);
      if (!headersOnly) pump();
    });
    let settle = null;
    sock.on('data', (d) => {
      received = Buffer.concat([received, d]);
      // a whole answer: give the server 6 s to close the connection, as it should after a
      // refusal (it lingers 2 s for a client that sends nothing more; a connection kept
      // alive is seen as not closed)
      if (!settle && answer()) settle = setTimeout(finish, settleMs);
    });
    sock.on('error', (e) => { error = e.code; finish(); });
    sock.on('end', () => { closed = true; });
    sock.on('close', () => { closed = true; finish(); });
  });
}

/** The same with `content` as the whole body, written with the headers. */
const rawUploadOf = (target, cookie, content) => rawUpload(target, cookie, content.length, { content, timeoutMs: 60_000, settleMs: 0 });

test('an upload by a non-admin or an ended session is refused before its body is read, and closed', async () => {
  const p = await makeProduct();
  const target = `/api/admin/products/${p.id}/image`;
  // sessions this process has not seen yet (PostgreSQL is asked while reading waits)
  const [fresh] = await mintDealers(db.url, 1, { prefix: `up${process.pid}h` });
  const gone = await createUser(db.url, { login: `gone${process.pid}`, role: 'admin', password: 'gone password 10' });
  const goneSession = await login(server, gone.login, gone.password);
  assert.equal(goneSession.status, 200, goneSession.body);
  const out = await httpGet(`${server.url}/api/logout`, { method: 'POST', headers: { cookie: goneSession.cookie } });
  assert.equal(out.status, 200, out.body);
  for (const [cookie, status, what] of [
    [dealer.cookie, 403, 'a dealer seen before'], [rep.cookie, 403, 'a rep'], [fresh.cookie, 403, 'a dealer not seen yet'],
    [goneSession.cookie, 401, 'a logged-out admin (its cookie still well signed)'],
    ['fair_session=v1.forged.1.x', 401, 'a forged cookie'], [null, 401, 'no cookie'],
  ]) {
    // only the headers: the answer must come without a single body byte
    const r = await rawUpload(target, cookie, 10 * MiB, { headersOnly: true, timeoutMs: 15_000 });
    assert.equal(r.status, status, `${what}: ${r.error ?? ''} ${r.headers} ${r.body}`);
    assert.equal(JSON.parse(r.body).error.code, status === 401 ? 'unauthorized' : 'forbidden', what);
    assert.ok(r.closed, `${what}: the connection is closed after the refusal (the body is never read)`);
    console.log(`# ${what}: ${r.status} after ${r.ms} ms, no body byte sent`);
  }
});

test('an admin whose session this process has not seen yet still uploads', async () => {
  const p = await makeProduct();
  const boss = await createUser(db.url, { login: `boss${process.pid}`, role: 'admin', password: 'boss password 10' });
  const mint = async () => `fair_session=${(await fairctl(db.url, ['mint-sessions', boss.login], { mediaRoot })).stdout.trim().split('\t')[1]}`;
  const r = await upload(`/api/admin/products/${p.id}/image`, PNG, { cookie: await mint() });
  assert.equal(r.status, 200, r.body);
  assert.equal((await auditsOf('product.image', `product:${p.id}`))[0].actor, boss.id);
  // again with another new session, the headers and the body sent at once (part of the body
  // arrives with the headers, while the session is being looked up)
  const raw = await rawUploadOf(`/api/admin/products/${p.id}/image`, await mint(), PNG);
  assert.equal(raw.status, 200, `${raw.error ?? ''} ${raw.body}`);
  assert.equal((await auditsOf('product.image', `product:${p.id}`)).length, 2);
});

test('40 non-admins each sending 10 MiB at once: server memory rises by less than 20 MB', { timeout: 300_000 }, async () => {
  const p = await makeProduct();
  const target = `/api/admin/products/${p.id}/image`;
  const minted = await mintDealers(db.url, 14, { prefix: `up${process.pid}m` });
  const ended = [];
  for (let i = 0; i < 13; i++) {
    const u = await createUser(db.url, { login: `ended${process.pid}-${i}`, role: 'admin', password: 'ended password 10' });
    const s = await login(server, u.login, u.password);
    assert.equal((await httpGet(`${server.url}/api/logout`, { method: 'POST', headers: { cookie: s.cookie } })).status, 200);
    ended.push(s.cookie);
  }
  const cookies = [...minted.map((m) => m.cookie), ...ended, ...Array.from({ length: 13 }, (_, i) => (i % 2 ? rep.cookie : dealer.cookie))];
  assert.equal(cookies.length, 40);
  // the peak from here on: VmHWM reset (clear_refs 5), else sampled
  let resetHwm = true;
  try { fs.writeFileSync(`/proc/${server.proc.pid}/clear_refs`, '5'); } catch { resetHwm = false; }
  const before = serverMemory();
  let peak = before.rss;
  const sampler = setInterval(() => { peak = Math.max(peak, serverMemory().rss); }, 20);
  const started = Date.now();
  const results = await Promise.all(cookies.map((c) => rawUpload(target, c, 10 * MiB)));
  clearInterval(sampler);
  const after = serverMemory();
  if (resetHwm) peak = Math.max(peak, after.hwm);
  const rise = (peak - before.rss) / 1024;
  const statuses = {};
  for (const r of results) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
  const sent = results.reduce((s, r) => s + r.sent, 0) / MiB;
  console.log(`# 40 x 10 MiB uploads by non-admins in ${Date.now() - started} ms: statuses ${JSON.stringify(statuses)}; ` +
    `server VmRSS ${(before.rss / 1024).toFixed(1)} MB before, peak ${(peak / 1024).toFixed(1)} MB ` +
    `(${resetHwm ? 'VmHWM after a reset' : 'sampled'}), +${rise.toFixed(1)} MB; ${(after.rss / 1024).toFixed(1)} MB after; ` +
    `${sent.toFixed(1)} MiB of body taken by the sockets (kernel buffers included)`);
  for (const [i, r] of results.entries()) {
    assert.ok(r.status === 401 || r.status === 403, `upload ${i}: ${r.status} ${r.error ?? ''} ${r.body}`);
  }
  if (SANITIZED) console.log('# (ASan build: memory printed, not asserted)');
  else assert.ok(rise < 20, `server memory rose by ${rise.toFixed(1)} MB (limit 20)`);
  // the server still serves an admin's upload afterwards
  const ok = await upload(target, PNG, { cookie: server.cookie });
  assert.equal(ok.status, 200, ok.body);
});
