// A rep and dealers on two server processes see each other's changes live, through the real
// ops (issue: the live fair room, "Done when"): spotlight, tier and all-tier prices, flash,
// launch, withdraw, stock and pause reach the joined dealers, each only its own, and nothing
// reaches another fair. Read your writes across processes. Prints the push latency from a
// rep's op to the last of a few hundred dealers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  createDatabase, startServer, connect, sql, waitFor, makeFair, mintDealers, sleep,
} from './harness.mjs';

let db;
let a;
let b;
let fx;
let other;
let rep;
let dealers;

before(async () => {
  db = await createDatabase();
  a = await startServer({ databaseUrl: db.url, user: { login: 'rep-e2e', role: 'rep' } });
  b = await startServer({ databaseUrl: db.url, user: { login: 'admin-e2e', role: 'admin' } });
  fx = await makeFair(db.url, { name: '兩進程直播', products: 3 });
  other = await makeFair(db.url, { name: '別的場次', products: 1 });
  dealers = await mintDealers(db.url, 300);
  rep = await connect(a);
  await rep.next('hello');
  assert.equal((await rep.request('join', { fair: fx.fair })).ok, true);
});

after(async () => {
  try {
    await rep?.close();
    await Promise.all([a?.stop(), b?.stop()]);
  } finally {
    if (db) await db.drop();
  }
});

async function dealerOn(server, d, fair = fx.fair) {
  const c = await connect(server, { cookie: d.cookie });
  await c.next('hello');
  const r = await c.request('join', { fair });
  assert.equal(r.ok, true);
  return { c, join: r };
}

test('a rep and three dealers on two processes see each other\'s changes live', { timeout: 120_000 }, async () => {
  const [dA, dB, dC, dX] = [dealers[0], dealers[1], dealers[2], dealers[3]]; // tiers A, B, C, A
  const A = await dealerOn(a, dA);
  const B = await dealerOn(b, dB);
  const C = await dealerOn(b, dC);
  const X = await dealerOn(a, dX, other.fair);
  const admin = await connect(b);
  await admin.next('hello');
  assert.equal((await admin.request('join', { fair: fx.fair })).ok, true);
  const [p1, p2, p3] = fx.products.map((p) => p.id);

  const ok = async (client, op, args) => {
    const r = await client.request(op, args);
    assert.equal(r.ok, true, `${op}: ${JSON.stringify(r)}`);
    return r;
  };
  const next = (d, ev, pred = () => true) => d.c.next((m) => m.ev === ev && pred(m), 10_000);

  // spotlight: everyone in the fair
  await ok(rep, 'spotlight.set', { fair: fx.fair, product: p2, note: '今日主推' });
  for (const d of [A, B, C]) {
    const m = await next(d, 'spotlight');
    assert.equal(m.product, p2);
    assert.equal(m.note, '今日主推');
  }

  // a tier's price: only that tier (and the staff's own event)
  await ok(rep, 'price.set', { fair: fx.fair, product: p3, price: 77700, tier: 'B' });
  assert.deepEqual(await next(B, 'price', (m) => m.product === p3).then((m) => [m.price, m.was]), [77700, 90003]);
  const staffPrice = await rep.next((m) => m.ev === 'price' && m.product === p3, 10_000);
  assert.equal(staffPrice.tier, 'B');

  // read your writes: a join on the other process right after the ack
  const fresh = await dealerOn(b, dealers[4]); // tier B
  assert.equal(fresh.join.items.find((i) => i.product === p3).price, 77700);
  await fresh.c.close();

  // all tiers: each dealer gets its own was (tier A had its own price for p1)
  await ok(rep, 'price.set', { fair: fx.fair, product: p1, price: 88800 });
  assert.deepEqual(await next(A, 'price', (m) => m.product === p1).then((m) => [m.price, m.was]), [88800, 80001]);
  assert.deepEqual(await next(B, 'price', (m) => m.product === p1).then((m) => [m.price, m.was]), [88800, 90001]);
  assert.deepEqual(await next(C, 'price', (m) => m.product === p1).then((m) => [m.price, m.was]), [88800, 90001]);

  // flash, withdraw, launch
  const starts = new Date(Date.now() - 1000).toISOString();
  const ends = new Date(Date.now() + 3600_000).toISOString();
  await ok(rep, 'flash.set', { fair: fx.fair, product: p2, price: 50000, starts_at: starts, ends_at: ends });
  for (const d of [A, B, C]) assert.equal((await next(d, 'flash')).price, 50000);
  await ok(rep, 'item.withdraw', { fair: fx.fair, product: p3 });
  for (const d of [A, B, C]) assert.equal((await next(d, 'item.withdrawn')).product, p3);
  await ok(rep, 'item.launch', { fair: fx.fair, product: p3 });
  const launched = await Promise.all([A, B, C].map((d) => next(d, 'item.new')));
  assert.deepEqual(launched.map((m) => m.item.product), [p3, p3, p3]);
  assert.equal(launched[1].item.price, 77700, 'tier B sees its own price in item.new');
  assert.equal(launched[0].item.price, 90003, 'tier A the item price');

  // stock (admin) and pause (admin), from the other process
  const variant = fx.products[0].variants[0];
  await ok(admin, 'admin.stock.add', { fair: fx.fair, variant, qty: 25 });
  for (const d of [A, B, C]) assert.equal((await next(d, 'stock', (m) => variant in m.v)).v[variant], 125);
  await ok(admin, 'admin.fair.update', { fair: fx.fair, status: 'paused' });
  for (const d of [A, B, C]) assert.equal((await next(d, 'fair.state')).status, 'paused');
  await ok(admin, 'admin.fair.update', { fair: fx.fair, status: 'live' });
  for (const d of [A, B, C]) assert.equal((await next(d, 'fair.state', (m) => m.status === 'live')).status, 'live');

  // seqs grow in order for every dealer; the other fair heard nothing
  for (const d of [A, B, C]) {
    const seqs = d.c.pushes.filter((p) => 'seq' in p).map((p) => p.seq);
    for (let i = 1; i < seqs.length; i++) assert.ok(seqs[i] > seqs[i - 1]);
  }
  // A marker in X's fair, committed after everything above, reaches X's process after it.
  const [[marker]] = await sql(db.url, `SELECT event_emit(${other.fair}, 'spotlight', '{"note": "marker"}'::jsonb,
    NULL, NULL, false)`);
  await X.c.next((m) => m.fair === other.fair && m.seq === Number(marker), 10_000);
  // (The inbox's unread count is the user's, not a fair's: the item launched above is news
  // for every dealer the first fair is for, X's dealer too.)
  const fairPushes = X.c.pushes.filter((p) => p.ev !== 'hello' && p.ev !== 'inbox');
  assert.deepEqual(fairPushes.filter((p) => p.fair !== other.fair), [], 'another fair hears nothing');
  assert.deepEqual(fairPushes.map((p) => p.seq), [Number(marker)]);
  for (const d of [A, B, C, X]) await d.c.close();
  await admin.close();
});

test('push latency from a rep\'s op to the last of 300 dealers on two processes', { timeout: 180_000 }, async () => {
  const clients = [];
  for (let i = 0; i < dealers.length; i += 25) {
    clients.push(...await Promise.all(dealers.slice(i, i + 25).map((d, j) => dealerOn((i + j) % 2 ? b : a, d))));
  }
  const rounds = 10;
  const lastArrivals = [];
  const all = [];
  for (let round = 0; round < rounds; round++) {
    const note = `round ${round}`;
    const arrivals = clients.map(({ c }) => c.next((m) => m.ev === 'spotlight' && m.note === note, 20_000)
      .then(() => process.hrtime.bigint()));
    const t0 = process.hrtime.bigint();
    const reply = await rep.request('spotlight.set', { fair: fx.fair, product: fx.products[0].id, note });
    assert.equal(reply.ok, true);
    const times = (await Promise.all(arrivals)).map((t) => Number(t - t0) / 1e6).sort((x, y) => x - y);
    lastArrivals.push(times.at(-1));
    all.push(...times);
    await sleep(100);
  }
  all.sort((x, y) => x - y);
  lastArrivals.sort((x, y) => x - y);
  const q = (arr, p) => arr[Math.min(arr.length - 1, Math.floor(p * arr.length))].toFixed(1);
  console.log(`spotlight.set → 300 dealers (150 per process), ${rounds} rounds: ` +
    `per delivery median ${q(all, 0.5)} ms, p99 ${q(all, 0.99)} ms; ` +
    `last dealer per round median ${q(lastArrivals, 0.5)} ms, max ${lastArrivals.at(-1).toFixed(1)} ms`);
  assert.equal(all.length, 300 * rounds, 'every dealer got every round');
  await Promise.all(clients.map(({ c }) => c.close()));
});
