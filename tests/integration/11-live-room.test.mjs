// The live fair room (PROTOCOL.md "Fair channel", DESIGN.md "Fan-out"): join snapshots priced
// for each tier, pushes to exactly their audience, resume of exactly the missed events (also
// across a restart), seq in commit order across two processes, a client that stops reading,
// fair.state on schedule and by hand, presence. Events are emitted here straight through
// event_emit() (the showcase ops that emit them have their own tests).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  createDatabase, startServer, connect, sql, waitFor, within, makeFair, mintDealers, sleep, httpGet,
  withoutNewConnections,
} from './harness.mjs';

let db;
let a;
let b;
let fx;        // the fair under test
let other;     // another fair
let dealers;   // minted dealer sessions, tiers A, B, C in turn

before(async () => {
  db = await createDatabase();
  a = await startServer({ databaseUrl: db.url, user: { login: 'rep-a', role: 'rep' } });
  b = await startServer({ databaseUrl: db.url, user: { login: 'rep-b', role: 'rep' } });
  fx = await makeFair(db.url, { name: '直播測試會' });
  other = await makeFair(db.url, { name: '另一場' });
  dealers = await mintDealers(db.url, 12);
});

after(async () => {
  try {
    await Promise.all([a?.stop(), b?.stop()]);
  } finally {
    if (db) await db.drop();
  }
});

const emit = (fair, kind, payload, { tier = null, dealer = null, staff = false } = {}) =>
  sql(db.url, `SELECT event_emit(${fair}, '${kind}', '${JSON.stringify(payload)}'::jsonb,
                ${tier ? `'${tier}'` : 'NULL'}, ${dealer ?? 'NULL'}, ${staff})`).then(([[seq]]) => Number(seq));

async function joined(server, cookie, fair = fx.fair) {
  const client = await connect(server, { cookie });
  await client.next('hello', 10_000);
  const reply = await client.request('join', { fair }, 20_000);
  assert.equal(reply.ok, true, JSON.stringify(reply).slice(0, 300));
  return { client, reply };
}

const pushes = (client, ev) => client.pushes.filter((p) => p.ev === ev);

test('join answers one snapshot priced for the caller', async () => {
  const A = dealers.find((d) => d.tier === 'A');
  const B = dealers.find((d) => d.tier === 'B');
  const { client: ca, reply: ra } = await joined(a, A.cookie);
  const { client: cb, reply: rb } = await joined(b, B.cookie);
  const { client: cr, reply: rr } = await joined(a, a.cookie);
  for (const r of [ra, rb, rr]) {
    assert.equal(r.fair.id, fx.fair);
    assert.equal(r.fair.status, 'live');
    assert.equal(r.total, 3);
    assert.equal(r.items.length, 3);
    assert.equal(r.spotlight, null);
    assert.deepEqual(r.chat, []);
    assert.equal(typeof r.seq, 'number');
    assert.equal(Object.keys(r.stock).length, 12, 'every variant');
    for (const v of fx.products.flatMap((p) => p.variants)) assert.equal(r.stock[v], 100);
    for (const key of ['product', 'style', 'name', 'name_en', 'category', 'description', 'description_en',
      'images', 'price', 'base_price', 'moq', 'limit', 'pack', 'sold', 'variants', 'flash', 'must_order']) {
      assert.ok(key in r.items[0], `item has ${key}`);
    }
  }
  assert.equal(ra.items[0].price, 80001, 'tier A has its own price');
  assert.equal(rb.items[0].price, 90001, 'tier B pays the item price');
  assert.equal(rr.items[0].price, 90001, 'staff see the item price');
  assert.deepEqual(rr.items[0].tier_prices, { A: 80001 }, 'and every tier price');
  assert.equal('tier_prices' in ra.items[0], false, 'dealers do not see other tiers');

  assert.equal((await ca.request('join', { fair: 999999 })).error?.code, 'not_found');
  assert.equal((await ca.request('join', { fair: 'x' })).error?.code, 'bad_request');
  assert.equal((await ca.request('join', { fair: fx.fair, since: -1 })).error?.code, 'bad_request');
  for (const c of [ca, cb, cr]) await c.close();
});

test('pushes reach exactly their audience, in seq order, on both processes', async () => {
  const [A1, B1, C1, A2] = [dealers[0], dealers[1], dealers[2], dealers[3]];
  const members = {
    A1: (await joined(a, A1.cookie)).client,
    B1: (await joined(b, B1.cookie)).client,
    C1: (await joined(a, C1.cookie)).client,
    A2: (await joined(b, A2.cookie)).client,
    repA: (await joined(a, a.cookie)).client,
    repB: (await joined(b, b.cookie)).client,
    elsewhere: (await joined(a, dealers[4].cookie, other.fair)).client,
  };
  const t0 = Date.now();
  const all = await emit(fx.fair, 'spotlight', { product: fx.products[0].id, note: '新品', by: 'rep', at: '' });
  const tierA = await emit(fx.fair, 'price', { product: fx.products[1].id, price: 1 }, { tier: 'A' });
  const staff = await emit(fx.fair, 'price', { product: fx.products[1].id, price: 1, tier: 'A' }, { staff: true });
  const mine = await emit(fx.fair, 'chat', { id: 1, text: '私訊' }, { dealer: B1.dealerId });
  const last = await emit(fx.fair, 'item.withdrawn', { product: fx.products[2].id });
  const expect = {
    A1: [all, tierA, last], A2: [all, tierA, last], B1: [all, mine, last], C1: [all, last],
    repA: [all, staff, mine, last], repB: [all, staff, mine, last], elsewhere: [],
  };
  await waitFor(() => Object.entries(expect).every(([k, seqs]) =>
    members[k].pushes.filter((p) => 'seq' in p).length >= seqs.length), { timeoutMs: 10_000, what: 'all pushes' });
  console.log(`5 events reached 7 clients on 2 processes in ${Date.now() - t0} ms`);
  // Nothing else of this fair may come: a marker in the other fair, committed after them all,
  // reaches a process after them (notifications come in commit order), so once 'elsewhere'
  // has it, a misrouted push of fx.fair would have arrived before it.
  const marker = await emit(other.fair, 'spotlight', { product: other.products[0].id, note: 'marker' });
  await members.elsewhere.next((m) => m.fair === other.fair && m.seq === marker, 10_000);
  for (const [k, seqs] of Object.entries(expect)) {
    assert.deepEqual(members[k].pushes.filter((p) => 'seq' in p && p.fair === fx.fair).map((p) => p.seq), seqs, k);
  }
  const got = members.A1.pushes.find((p) => p.seq === all);
  assert.equal(got.ev, 'spotlight');
  assert.equal(got.fair, fx.fair);
  assert.equal(got.note, '新品');

  // leave: no more pushes
  assert.equal((await members.A1.request('leave', { fair: fx.fair })).ok, true);
  const after = await emit(fx.fair, 'spotlight', { product: fx.products[0].id, note: 'again' });
  await waitFor(() => members.A2.pushes.some((p) => p.seq === after), { what: 'the next push' });
  // A1 joins the other fair and waits for a marker there, committed after `after` and pushed
  // by the same process: had `after` been sent to A1, it would have come first.
  assert.equal((await members.A1.request('join', { fair: other.fair })).ok, true);
  const marker2 = await emit(other.fair, 'spotlight', { product: other.products[0].id, note: 'marker 2' });
  await members.A1.next((m) => m.fair === other.fair && m.seq === marker2, 10_000);
  assert.equal(members.A1.pushes.some((p) => p.fair === fx.fair && p.seq === after), false, 'left: nothing more');
  for (const c of Object.values(members)) await c.close();
});

test('resume replays exactly the missed visible events, from the ring or after a restart', async () => {
  const B = dealers[4]; // tier B
  const { client, reply } = await joined(a, B.cookie);
  const since = reply.seq;
  await client.close();
  const seqs = [];
  for (let i = 0; i < 6; i++) {
    seqs.push({ seq: await emit(fx.fair, 'spotlight', { product: fx.products[0].id, note: `n${i}` }), visible: true });
    seqs.push({ seq: await emit(fx.fair, 'price', { product: fx.products[0].id, price: i }, { tier: 'A' }), visible: false });
  }
  await sql(db.url, `UPDATE stock SET sold = 7 WHERE variant_id = ${fx.products[0].variants[0]}`);
  const resumeOn = async (server) => {
    const c = await connect(server, { cookie: B.cookie });
    await c.next('hello');
    const r = await c.request('join', { fair: fx.fair, since });
    await c.close();
    return r;
  };
  for (const server of [a, b]) {
    const r = await resumeOn(server);
    assert.equal(r.ok, true);
    assert.equal(r.resumed, true);
    assert.deepEqual(r.missed.map((e) => e.seq), seqs.filter((s) => s.visible).map((s) => s.seq));
    assert.deepEqual(r.missed.map((e) => e.note), ['n0', 'n1', 'n2', 'n3', 'n4', 'n5']);
    assert.equal(r.seq, seqs.at(-1).seq);
    assert.equal(r.stock[fx.products[0].variants[0]], 93);
    assert.equal('items' in r, false, 'a resume is not a snapshot');
  }
  // a cold start: the new process has no ring, the events table has them
  const c = await startServer({ databaseUrl: db.url, user: false });
  try {
    const r = await resumeOn(c);
    assert.equal(r.resumed, true);
    assert.equal(r.missed.length, 6);
  } finally {
    await c.stop();
  }
  // too far back: a full snapshot, never a partial list
  await sql(db.url, `SELECT event_emit(${fx.fair}, 'spotlight', '{"note": "bulk"}') FROM generate_series(1, 1001)`);
  const r = await resumeOn(a);
  assert.equal(r.ok, true);
  assert.equal(r.resumed, undefined);
  assert.ok(Array.isArray(r.items), 'a full snapshot');
  // a since from the future (another database, a reset): a full snapshot too
  const future = await resumeOn(b).then(() => null);
  void future;
});

test('seq follows commit order across processes with several writers at once', { timeout: 120_000 }, async () => {
  const onA = (await joined(a, dealers[6].cookie)).client;
  const onB = (await joined(b, dealers[7].cookie)).client;
  const start = onA.pushes.length;
  const writers = Array.from({ length: 4 }, (_, w) =>
    sql(db.url, `SELECT event_emit(${fx.fair}, 'spotlight', jsonb_build_object('writer', ${w}, 'i', i))
                 FROM generate_series(1, 50) i`));
  await Promise.all(writers);
  await waitFor(() => onA.pushes.length - start >= 200 && onB.pushes.length - start >= 200,
    { timeoutMs: 20_000, what: '200 pushes on each process' });
  const seqA = onA.pushes.slice(start).map((p) => p.seq);
  const seqB = onB.pushes.slice(start).map((p) => p.seq);
  assert.deepEqual(seqA, seqB, 'both processes deliver the same sequence');
  for (let i = 1; i < seqA.length; i++) assert.ok(seqA[i] > seqA[i - 1], 'strictly increasing');
  await onA.close();
  await onB.close();
});

test('a client that stops reading stays bounded; the others get everything', { timeout: 240_000 }, async () => {
  const slow = (await joined(a, dealers[8].cookie)).client;
  const fast = (await joined(a, dealers[9].cookie)).client;
  const rss = () => Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${a.proc.pid}/status`, 'utf8'))[1]);
  slow.ws._socket.pause();
  const before = rss();
  const start = fast.pushes.length;
  // Far more than the ring (4096 events) and the kernel's socket buffers (a few MiB) hold,
  // in transactions of 100 as busy reps would make them.
  const total = 20_000;
  const note = 'x'.repeat(1000);
  for (let i = 0; i < total / 100; i++) {
    await sql(db.url, `SELECT event_emit(${fx.fair}, 'spotlight', jsonb_build_object('note', '${note}', 'i', i))
                       FROM generate_series(1, 100) i`);
  }
  await waitFor(() => fast.pushes.length - start >= total, { timeoutMs: 120_000, what: 'the reading client to get all' });
  const grown = rss() - before;
  console.log(`${total} events of 1 KB: the reading client got all; server RSS grew ${grown} KiB with one client not reading`);
  const seqs = fast.pushes.slice(start).map((p) => p.seq);
  for (let i = 1; i < seqs.length; i++) assert.ok(seqs[i] > seqs[i - 1]);
  if (process.env.FAIR_SANITIZED !== '1') assert.ok(grown < 24 * 1024, `RSS grew ${grown} KiB`);
  // the slow one fell off the ring: told to resume once it reads again
  slow.ws._socket.resume();
  try {
    const closed = await within(slow.closed, 20_000, 'the slow client to be closed');
    assert.equal(closed.code, 4409);
  } finally {
    slow.terminate();
    await fast.close();
  }
});

test('fair.state is pushed when a fair opens and closes on schedule, and when paused, extended or renamed by hand', { timeout: 60_000 }, async () => {
  // Scheduled far ahead, joined, then brought forward: the join sees it scheduled however
  // slow the machine, and the opening and closing still come from the clock alone.
  const soon = await makeFair(db.url, { name: '定時開場', startsIn: '1 hour', endsIn: '2 hours', products: 1 });
  const { client, reply } = await joined(b, dealers[10].cookie, soon.fair);
  assert.equal(reply.fair.status, 'scheduled');
  await sql(db.url, `UPDATE fairs SET starts_at = now() + interval '1 second', ends_at = now() + interval '3 seconds'
    WHERE id = ${soon.fair}`);
  const live = await client.next((m) => m.ev === 'fair.state' && m.status === 'live', 10_000);
  const closed = await client.next((m) => m.ev === 'fair.state' && m.status === 'closed', 10_000);
  assert.equal(live.fair, soon.fair);
  assert.ok(Date.parse(closed.ends_at) <= Date.now() + 100);
  await client.close();

  const { client: c2, reply: reply2 } = await joined(a, dealers[11].cookie);
  await sql(db.url, `UPDATE fairs SET status_override = 'paused' WHERE id = ${fx.fair}`);
  assert.equal((await c2.next('fair.state', 10_000)).status, 'paused');
  await sql(db.url, `UPDATE fairs SET status_override = NULL WHERE id = ${fx.fair}`);
  assert.equal((await c2.next('fair.state', 10_000)).status, 'live');
  // extended: same status, new end
  await sql(db.url, `UPDATE fairs SET ends_at = ends_at + interval '1 day' WHERE id = ${fx.fair}`);
  const extended = await c2.next('fair.state', 10_000);
  assert.equal(extended.status, 'live');
  assert.equal(Date.parse(extended.ends_at) - Date.parse(reply2.fair.ends_at), 86_400_000);
  // renamed: same status and times, the new names
  const [[name]] = await sql(db.url, `UPDATE fairs SET name_en = 'Renamed fair' WHERE id = ${fx.fair} RETURNING name`);
  const renamed = await c2.next('fair.state', 10_000);
  assert.deepEqual([renamed.status, renamed.ends_at, renamed.name, renamed.name_en],
    ['live', extended.ends_at, name, 'Renamed fair']);
  await c2.close();
});

test('staff see how many dealers are online, counted across processes', { timeout: 60_000 }, async () => {
  const rep = (await joined(a, a.cookie)).client;
  const on = [];
  on.push((await joined(a, dealers[0].cookie)).client);
  on.push((await joined(b, dealers[1].cookie)).client);
  on.push((await joined(b, dealers[2].cookie)).client);
  // dealers joined elsewhere in this file have all left by now
  await rep.next((m) => m.ev === 'presence' && m.online === 3, 15_000);
  // a second tab of a dealer already online is not another dealer
  const tab = (await joined(a, dealers[0].cookie)).client;
  await sleep(4500);
  assert.equal(rep.pushes.filter((p) => p.ev === 'presence').at(-1).online, 3);
  await tab.close();
  await on.pop().close();
  await rep.next((m) => m.ev === 'presence' && m.online === 2, 15_000);
  const dealerView = on[0];
  await sleep(2500);
  assert.equal(dealerView.pushes.some((p) => p.ev === 'presence'), false, 'presence is for staff');
  for (const c of [rep, ...on]) await c.close();
});

test('events and stock changed while LISTEN was away are delivered after it reconnects', { timeout: 60_000 }, async () => {
  const { client } = await joined(a, dealers[0].cookie);
  const variant = fx.products[1].variants[1];
  await withoutNewConnections(db.url, db.name, async (inside) => {
    await inside.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                        WHERE application_name = 'fairserver-listen' AND datname = current_database()`);
    await sleep(800);
    await inside.query(`SELECT event_emit(${fx.fair}, 'spotlight', '{"note": "while away"}')`);
    await inside.query(`UPDATE stock SET sold = sold + 11 WHERE variant_id = ${variant};
                        SELECT stock_notify(${fx.fair}, ARRAY[${variant}]::bigint[])`);
  });
  const missed = await client.next((m) => m.ev === 'spotlight' && m.note === 'while away', 20_000);
  assert.equal(missed.fair, fx.fair);
  const stock = await client.next((m) => m.ev === 'stock' && variant in m.v, 20_000);
  assert.equal(stock.v[variant], 100 - 11);
  await client.close();
});

test('joins arriving together are read together: none is refused, the shared part is read once per tier', async () => {
  // One database connection and no waiting queue: read one by one, most of these joins
  // would be refused `unavailable` (the pool takes 32 at a time).
  const c = await startServer({ databaseUrl: db.url, user: false,
    env: { FAIR_DB_POOL_SIZE: '1', FAIR_DB_QUEUE_MAX: '0' } });
  try {
    const crowd = await mintDealers(db.url, 90, { prefix: `crowd${process.pid}x` });
    const clients = await Promise.all(crowd.map(async (d) => {
      const client = await connect(c, { cookie: d.cookie });
      await client.next('hello', 10_000);
      return client;
    }));
    const metrics = async () => {
      const body = (await httpGet(`${c.url}/metrics`)).body;
      const value = (name) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(body)?.[1]);
      return { read: value('fair_joins_read_total'), kept: value('fair_joins_kept_total') };
    };
    const before = await metrics();
    const t0 = Date.now();
    const replies = await Promise.all(clients.map((client) => client.request('join', { fair: fx.fair }, 20_000)));
    console.log(`${clients.length} joins sent together answered in ${Date.now() - t0} ms`);
    const refused = replies.filter((r) => !r.ok);
    assert.equal(refused.length, 0, `refused: ${JSON.stringify(refused[0])}`);
    const after = await metrics();
    assert.equal(after.read + after.kept - before.read - before.kept, crowd.length, 'every join counted once');
    assert.ok(after.read - before.read <= 3, `whole reads: ${after.read - before.read} (tiers A, B, C)`);
    // The members of a tier got the same snapshot, priced for that tier.
    const strip = ({ chat, re, ...rest }) => rest;
    for (const tier of ['A', 'B', 'C']) {
      const mine = replies.filter((_, i) => crowd[i].tier === tier);
      for (const r of mine.slice(1)) assert.deepEqual(strip(r), strip(mine[0]), `tier ${tier}`);
    }
    assert.notDeepEqual(strip(replies[0]).items, strip(replies[1]).items, 'tiers A and B see their own prices');
    for (const client of clients) await client.close();
  } finally {
    await c.stop();
  }
});

test('joins of one tier share the snapshot part read for the first; an event, a stock change or a second renews it', async () => {
  // Kept per process, fair and tier: one server, dealers of tier B (the item price).
  const B = dealers.filter((d) => d.tier === 'B');
  const counters = async () => {
    const body = (await httpGet(`${a.url}/metrics`)).body;
    const value = (name) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(body)?.[1]);
    return { read: value('fair_joins_read_total'), kept: value('fair_joins_kept_total') };
  };
  const product = fx.products[0];
  const variant = product.variants[0];
  const before = await counters();
  const first = await joined(a, B[0].cookie);
  const second = await joined(a, B[1].cookie);
  const mid = await counters();
  assert.equal(mid.read - before.read, 1, 'the first join reads the whole snapshot');
  assert.equal(mid.kept - before.kept, 1, 'the second is built from the kept part');
  const strip = ({ chat, re, ...rest }) => rest;
  assert.deepEqual(strip(second.reply), strip(first.reply), 'the same snapshot but the chat');

  // Each member still gets its own chat: B[0]'s question is not B[1]'s.
  const asked = await first.client.request('chat.ask', { fair: fx.fair, text: '這款有貨嗎？' });
  assert.equal(asked.ok, true, JSON.stringify(asked));
  const own = await joined(a, B[0].cookie);
  const others = await joined(a, B[2].cookie);
  assert.ok(own.reply.chat.some((m) => m.text === '這款有貨嗎？'), 'the asker sees its question');
  assert.ok(!others.reply.chat.some((m) => m.text === '這款有貨嗎？'), 'another dealer does not');
  assert.ok(own.reply.seq > first.reply.seq, 'the question was an event: the kept part was renewed');

  // A stock change renews it: the next join sees the new remaining stock.
  await sql(db.url, `UPDATE stock SET allocation = allocation - 7 WHERE fair_id = ${fx.fair} AND variant_id = ${variant};
    SELECT stock_notify(${fx.fair}, ARRAY[${variant}]::bigint[])`);
  const expected = Number((await sql(db.url, `SELECT allocation - sold FROM stock
    WHERE fair_id = ${fx.fair} AND variant_id = ${variant}`))[0][0]);
  await waitFor(async () => {
    const j = await joined(a, B[3].cookie);
    const seen = j.reply.stock[variant];
    await j.client.close();
    return seen === expected;
  }, { timeoutMs: 10_000, what: `a join to see ${expected} left of variant ${variant}` });

  // And the clock: after a second, the part is read again.
  await sleep(1100);
  const c1 = await counters();
  const late = await joined(a, B[1].cookie);
  const c2 = await counters();
  assert.equal(c2.read - c1.read, 1, 'read again after a second');
  assert.equal(late.reply.stock[variant], expected);
  for (const c of [first, second, own, others, late]) await c.client.close();
});
