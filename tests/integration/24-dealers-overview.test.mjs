// dealers.overview (PROTOCOL.md): the rep console's list of every dealer of the brand at a
// fair. Online is known across processes (each writes its joined dealers with its presence
// counts every 2 s); what a dealer ordered, its target, ratio and missing styles are the
// very figures its own `attainment` shows; sorting, paging and filters; a rep limited to
// regions sees only those regions' dealers; the checks of role and arguments. Also times
// presence_refresh with 10,000 dealers joined on one process.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { createDatabase, startServer, sql, waitFor, makeFair, mintDealers, createUser, login, session, openPsql } from './harness.mjs';

let db;
let a;
let b;
let fx;
let other;
let dealers; // 8: the first 4 in 華東, the last 4 in 華南
let staff;   // the manager's connection on a

before(async () => {
  db = await createDatabase();
  a = await startServer({ databaseUrl: db.url, user: { login: 'mgr-ov', role: 'manager' } });
  b = await startServer({ databaseUrl: db.url, user: false });
  fx = await makeFair(db.url, { name: '經銷商總覽測試會', products: 3 });
  other = await makeFair(db.url, { name: '另一場', products: 1 });
  dealers = await mintDealers(db.url, 8, { prefix: `ov${process.pid}x` });
  await sql(db.url, `UPDATE dealers SET region = '華南', key_dealer = true
    WHERE id IN (${dealers.slice(4).map((d) => d.dealerId).join(',')})`);
  staff = await session(a, a.cookie);
});

after(async () => {
  try {
    staff?.close();
    await Promise.all([a?.stop(), b?.stop()]);
  } finally {
    if (db) await db.drop();
  }
});

async function overview(c, args = {}) {
  const reply = await c.request('dealers.overview', { fair: fx.fair, ...args });
  assert.equal(reply.ok, true, JSON.stringify(reply));
  return reply;
}

const byId = (reply) => new Map(reply.dealers.map((d) => [d.dealer, d]));

async function joined(server, cookie, fair = fx.fair) {
  const c = await session(server, cookie);
  const reply = await c.request('join', { fair });
  assert.equal(reply.ok, true, JSON.stringify(reply).slice(0, 300));
  return c;
}

/** Waits until the overview shows exactly `ids` online; resolves with the ms it took. */
async function onlineBecomes(ids, what) {
  const started = Date.now();
  const want = [...ids].sort((x, y) => x - y).join(',');
  await waitFor(async () => {
    const r = await overview(staff, { online: true, sort: 'name' });
    return r.dealers.map((d) => d.dealer).sort((x, y) => x - y).join(',') === want && r.total === ids.length;
  }, { timeoutMs: 20_000, intervalMs: 100, what });
  return Date.now() - started;
}

test('dealers joined on either process are online; one leaving is offline within a few seconds', { timeout: 120_000 }, async () => {
  const [d1, d2, d3, d4, d5] = dealers;
  const all = await overview(staff, { limit: 200 });
  assert.equal(all.total, dealers.length, 'every dealer of the brand, ordered or not');
  assert.ok(all.dealers.every((d) => d.online === false), 'nobody is joined yet');

  const onA = [await joined(a, d1.cookie), await joined(a, d2.cookie)];
  const onB = await joined(b, d3.cookie);
  const tabB = await joined(b, d1.cookie); // d1 again, on the other process
  const elsewhere = await joined(b, d4.cookie, other.fair); // another fair's room
  const firstMs = await onlineBecomes([d1.dealerId, d2.dealerId, d3.dealerId], 'd1, d2 (a) and d3 (b) online');
  console.log(`# joined dealers shown online after ${firstMs} ms`);

  const now = byId(await overview(staff, { limit: 200 }));
  assert.deepEqual(dealers.filter((d) => now.get(d.dealerId).online).map((d) => d.dealerId),
    [d1.dealerId, d2.dealerId, d3.dealerId], 'd4, joined to another fair, is not online here');
  const offline = await overview(staff, { online: false, limit: 200 });
  assert.equal(offline.total, dealers.length - 3);
  assert.ok(offline.dealers.every((d) => d.online === false));

  // d3 leaves b: offline at the next refresh of b.
  await onB.close();
  const leftMs = await onlineBecomes([d1.dealerId, d2.dealerId], 'd3 offline after leaving');
  console.log(`# a dealer that left shown offline after ${leftMs} ms`);
  assert.ok(leftMs < 6_000, `offline within a few seconds (${leftMs} ms)`);

  // One of d1's two tabs goes: d1 is still joined on a.
  await tabB.close();
  await new Promise((r) => setTimeout(r, 4_500));
  assert.equal(byId(await overview(staff)).get(d1.dealerId).online, true, 'still joined on a');
  // leave {fair} counts as leaving too
  assert.equal((await onA[1].request('leave', { fair: fx.fair })).ok, true);
  await onlineBecomes([d1.dealerId], 'd2 offline after leave');

  // A process that dies: its dealers expire as its counts do (ignored 10 s after its last
  // refresh).
  const c = await startServer({ databaseUrl: db.url, user: false });
  const onC = await joined(c, d5.cookie);
  await onlineBecomes([d1.dealerId, d5.dealerId], 'd5 online on a third process');
  c.proc.kill('SIGKILL');
  await c.exited;
  const diedMs = await onlineBecomes([d1.dealerId], 'd5 offline after its process died');
  console.log(`# a dealer of a killed process shown offline after ${diedMs} ms`);
  assert.ok(diedMs >= 7_000, `not before the rows are 10 s old (${diedMs} ms)`);
  await onC.closed;
  for (const x of [...onA, elsewhere]) await x.close();
});

test('ordered, target, ratio and missing are the dealer\'s own attainment', { timeout: 60_000 }, async () => {
  const [d1, d2, d3, , , d6] = dealers;
  const [p1, p2, p3] = fx.products;
  assert.equal((await staff.request('target.set', { fair: fx.fair, dealer: d1.dealerId, amount: 1_000_000, units: 30 })).ok, true);
  assert.equal((await staff.request('target.set', { fair: fx.fair, dealer: d2.dealerId, amount: 50_000_000 })).ok, true);
  assert.equal((await staff.request('target.set', { fair: fx.fair, dealer: d6.dealerId, amount: 700_000 })).ok, true);
  assert.equal((await staff.request('mustorder.set', { fair: fx.fair, product: p2.id, required: true })).ok, true);
  assert.equal((await staff.request('mustorder.set', { fair: fx.fair, product: p3.id, required: true })).ok, true);

  const sessions = new Map();
  for (const d of dealers) sessions.set(d.dealerId, await session(d === d2 ? b : a, d.cookie));
  const place = async (d, key, lines) => {
    const r = await sessions.get(d.dealerId).request('order.place', { fair: fx.fair, key, lines });
    assert.equal(r.ok, true, JSON.stringify(r));
    return r.order;
  };
  await place(d1, 'ov-1', [{ variant: p1.variants[0], qty: 2 }]);
  await place(d1, 'ov-2', [{ variant: p2.variants[1], qty: 1 }]);
  await place(d2, 'ov-3', [{ variant: p3.variants[0], qty: 5 }]);
  const cancelled = await place(d2, 'ov-4', [{ variant: p2.variants[0], qty: 1 }]);
  assert.equal((await sessions.get(d2.dealerId).request('order.cancel', { order: cancelled.id })).ok, true);
  await place(d3, 'ov-5', [{ variant: p1.variants[1], qty: 1 }, { variant: p2.variants[1], qty: 3 }]);
  await place(d6, 'ov-6', [{ variant: p1.variants[2], qty: 9 }]);

  const shown = byId(await overview(staff, { limit: 200 }));
  const [[code, name, region, tier, key]] = await sql(db.url,
    `SELECT code, name, region, tier, key_dealer FROM dealers WHERE id = ${d6.dealerId}`);
  assert.deepEqual(
    ['code', 'name', 'region', 'tier', 'key_dealer'].map((k) => shown.get(d6.dealerId)[k]),
    [code, name, region, tier, key === 't']);
  for (const d of dealers) {
    const mine = (await sessions.get(d.dealerId).request('attainment', { fair: fx.fair })).attainment;
    const row = shown.get(d.dealerId);
    const [[orders]] = await sql(db.url, `SELECT count(*) FROM orders WHERE fair_id = ${fx.fair}
      AND dealer_id = ${d.dealerId} AND status NOT IN ('cancelled', 'rejected')`);
    assert.deepEqual(row.ordered, { ...mine.ordered, orders: Number(orders) }, `ordered of ${d.login}`);
    assert.deepEqual(row.target, mine.target, `target of ${d.login}`);
    assert.equal(row.ratio, mine.ratio, `ratio of ${d.login}`);
    assert.deepEqual(row.missing, mine.missing, `missing of ${d.login}`);
  }
  const d2row = shown.get(d2.dealerId);
  assert.equal(d2row.ordered.orders, 1, 'the cancelled order is not counted');
  assert.deepEqual(d2row.missing.map((m) => m.product), [p2.id], 'a cancelled order does not order a style');
  assert.equal(shown.get(d1.dealerId).missing.length, 1);
  assert.equal(shown.get(dealers[7].dealerId).ratio, null, 'no target, no ratio');
  assert.deepEqual(shown.get(dealers[7].dealerId).ordered, { amount: 0, units: 0, orders: 0 });
  for (const s of sessions.values()) await s.close();
});

test('sorting, paging and filters', { timeout: 60_000 }, async () => {
  const all = await overview(staff, { limit: 200 });
  assert.equal(all.total, dealers.length);

  // behind (the default): lowest ratio first, then the least ordered; no target last
  const ratios = all.dealers.map((d) => d.ratio);
  const withTarget = ratios.filter((r) => r !== null);
  assert.ok(withTarget.length >= 3);
  assert.deepEqual(ratios.slice(0, withTarget.length), withTarget, 'dealers without a target come last');
  for (let i = 1; i < withTarget.length; i++) assert.ok(withTarget[i - 1] <= withTarget[i], `behind: ${ratios}`);
  const noTarget = all.dealers.slice(withTarget.length).map((d) => d.ordered.amount);
  for (let i = 1; i < noTarget.length; i++) assert.ok(noTarget[i - 1] <= noTarget[i], `then by amount: ${noTarget}`);
  assert.deepEqual((await overview(staff, { sort: 'behind', limit: 200 })).dealers, all.dealers);

  const amounts = (await overview(staff, { sort: 'amount', limit: 200 })).dealers.map((d) => d.ordered.amount);
  assert.ok(amounts[0] > 0);
  for (let i = 1; i < amounts.length; i++) assert.ok(amounts[i - 1] >= amounts[i], `amount: ${amounts}`);
  const names = (await overview(staff, { sort: 'name', limit: 200 })).dealers.map((d) => d.name);
  assert.deepEqual(names, [...names].sort(), 'name order');

  // pages of 3 make up the whole list; the total stays
  for (const sort of ['behind', 'amount', 'name']) {
    const whole = (await overview(staff, { sort, limit: 200 })).dealers.map((d) => d.dealer);
    const paged = [];
    for (let offset = 0; offset < whole.length + 3; offset += 3) {
      const page = await overview(staff, { sort, limit: 3, offset });
      assert.equal(page.total, dealers.length);
      assert.ok(page.dealers.length <= 3);
      paged.push(...page.dealers.map((d) => d.dealer));
    }
    assert.deepEqual(paged, whole, `pages of ${sort}`);
  }
  const defaults = await overview(staff);
  assert.equal(defaults.dealers.length, dealers.length, 'the default page (50) holds them all');
  const beyond = await overview(staff, { offset: 100 });
  assert.deepEqual([beyond.total, beyond.dealers], [dealers.length, []]);

  const south = await overview(staff, { region: '華南', limit: 200 });
  assert.equal(south.total, 4);
  assert.ok(south.dealers.every((d) => d.region === '華南' && d.key_dealer === true));
  assert.deepEqual((await overview(staff, { region: '無此區' })).dealers, []);
});

test('a rep limited to regions sees only its regions\' dealers', { timeout: 60_000 }, async () => {
  const south = await createUser(db.url, { login: 'rep-south', role: 'rep' });
  await sql(db.url, `UPDATE users SET regions = '{華南,西北}' WHERE id = ${south.id}`);
  const anyRep = await createUser(db.url, { login: 'rep-all', role: 'rep' });
  const admin = await createUser(db.url, { login: 'adm-ov', role: 'admin' });
  const clients = [];
  for (const [u, server] of [[south, b], [anyRep, a], [admin, b]]) {
    const l = await login(server, u.login, u.password);
    assert.equal(l.status, 200, l.body);
    clients.push(await session(server, l.cookie));
  }
  const [limited, unlimited, adminC] = clients;
  const mine = await overview(limited, { limit: 200 });
  assert.equal(mine.total, 4);
  assert.deepEqual(mine.dealers.map((d) => d.region), ['華南', '華南', '華南', '華南']);
  const east = await overview(limited, { region: '華東' });
  assert.deepEqual([east.total, east.dealers], [0, []], 'another region is left out, not refused');
  assert.equal((await overview(limited, { sort: 'amount', limit: 2, offset: 2 })).total, 4);
  assert.equal((await overview(unlimited, { limit: 200 })).total, dealers.length, 'a rep without regions sees all');
  assert.equal((await overview(adminC, { limit: 200 })).total, dealers.length);
  for (const c of clients) await c.close();
});

test('a dealer is forbidden; bad arguments are bad_request; an unknown fair is not_found', async () => {
  const dealer = await session(b, dealers[0].cookie);
  const refused = await dealer.request('dealers.overview', { fair: fx.fair });
  assert.equal(refused.error?.code, 'forbidden', JSON.stringify(refused));
  const bad = [
    {}, { fair: 'x' }, { fair: 0 }, { fair: fx.fair, limit: 0 }, { fair: fx.fair, limit: 201 },
    { fair: fx.fair, limit: 2.5 }, { fair: fx.fair, offset: -1 }, { fair: fx.fair, sort: 'ratio' },
    { fair: fx.fair, online: 'yes' }, { fair: fx.fair, region: '' }, { fair: fx.fair, region: 'x'.repeat(65) },
    { fair: fx.fair, dealer: 1 },
  ];
  for (const args of bad) {
    const r = await staff.request('dealers.overview', args);
    assert.equal(r.error?.code, 'bad_request', `${JSON.stringify(args)}: ${JSON.stringify(r)}`);
  }
  const unknown = await staff.request('dealers.overview', { fair: 987654 });
  assert.equal(unknown.error?.code, 'not_found', JSON.stringify(unknown));
  await dealer.close();
});

test('presence_refresh with 10,000 dealers joined on one process: one statement, milliseconds', { timeout: 120_000 }, async () => {
  // A process of its own ('bench') on a fair of its own, called as the server calls it.
  const fair = (await makeFair(db.url, { name: '計時', products: 1 })).fair;
  const psql = openPsql(db.url);
  const refresh = async (ids) => {
    const started = performance.now();
    await psql.query(`SELECT count(*) FROM presence_refresh('bench', '{${fair}}', '{${ids.length}}',
      '{${ids.map(() => fair).join(',')}}', '{${ids.join(',')}}')`);
    return performance.now() - started;
  };
  const ids = Array.from({ length: 10_000 }, (_, i) => 1_000_000 + i);
  const first = await refresh(ids);
  const steady = [];
  for (let i = 0; i < 5; i++) steady.push(await refresh(ids));
  const churned = [...ids.slice(100), ...Array.from({ length: 100 }, (_, i) => 2_000_000 + i)];
  const churn = await refresh(churned);
  const [[rows]] = await sql(db.url, `SELECT count(*) FROM presence_dealers WHERE process = 'bench'`);
  assert.equal(Number(rows), 10_000);
  const [[gone]] = await sql(db.url, `SELECT count(*) FROM presence_dealers WHERE process = 'bench' AND dealer_id < 1000100`);
  assert.equal(Number(gone), 0, 'those who left are removed');
  const empty = await refresh([]);
  psql.close();
  const median = [...steady].sort((x, y) => x - y)[2];
  console.log(`# presence_refresh, 10,000 dealers: first ${first.toFixed(1)} ms, unchanged ${steady.map((t) => t.toFixed(1)).join(' / ')} ms, `
    + `100 left and 100 joined ${churn.toFixed(1)} ms, all left ${empty.toFixed(1)} ms (psql round trip included)`);
  assert.ok(median < 1_000, `an unchanged refresh takes ${median.toFixed(1)} ms`);
  assert.ok(churn < 1_000, `a refresh with changes takes ${churn.toFixed(1)} ms`);
});
