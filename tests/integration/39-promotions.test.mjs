// Promotions (促销通知, issue 25; PROTOCOL.md "message.promote"): a manager writes one to the
// dealers of a tier, a region or named dealers at a fair; a preview says how many it reaches
// and writes nothing; a send writes one inbox message per dealer user in one statement,
// pushed live with the unread count to the dealers it is for (and to no other), mailed
// through the outbox to those with an address, and audited. Refusals change nothing: a
// dealer or a rep may not send, bad input is bad_request, an unknown fair or dealer
// not_found, an audience of nobody bad_request, past 20 an hour rate_limited.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  createDatabase, createUser, login, makeFair, mintDealers, session, sql, startServer, sleep,
} from './harness.mjs';

let db;
let server;
let fx;
let ds; // d1: A 西北, d2: C 西北, d3: A 華南, d4: C 華南 (the fair's four); d5: C, not at the fair
let dealers; // their sessions
let manager;
let managerId;

before(async () => {
  db = await createDatabase({ hint: 'promotions' });
  server = await startServer({ databaseUrl: db.url });
  fx = await makeFair(db.url, { name: '促销测试会', products: 1 });
  ds = [...await mintDealers(db.url, 4, { prefix: 'promo', tiers: ['A', 'C'] }),
    ...await mintDealers(db.url, 1, { prefix: 'promox', tiers: ['C'] })];
  const ids = ds.map((d) => d.dealerId);
  await sql(db.url, `UPDATE dealers SET region = CASE WHEN id IN (${ids[0]}, ${ids[1]}) THEN '西北' ELSE '華南' END
      WHERE id IN (${ids.join(',')});
    INSERT INTO fair_dealers (fair_id, dealer_id) SELECT ${fx.fair}, unnest(ARRAY[${ids.slice(0, 4).join(',')}]::bigint[]);
    UPDATE users SET email = 'shop-' || login || '@example.com' WHERE dealer_id = ${ids[1]}`);
  ({ id: managerId } = await createUser(db.url, { login: 'promo-manager', role: 'manager', password: 'manager-password-3' }));
  manager = await session(server, (await login(server, 'promo-manager', 'manager-password-3')).cookie);
  dealers = await Promise.all(ds.map((d) => session(server, d.cookie)));
});

after(async () => {
  try {
    for (const c of [manager, ...(dealers ?? [])]) await c?.close();
    await server?.stop();
  } finally {
    if (db) await db.drop();
  }
});

const counts = async () => (await sql(db.url, `SELECT (SELECT count(*) FROM inbox_messages WHERE kind = 'promotion'),
  (SELECT count(*) FROM audit_log WHERE action = 'message.promote'), (SELECT count(*) FROM outbox WHERE kind = 'promotion')`))[0].map(Number);
const unread = async (c) => (await c.request('inbox.unread')).unread;

test('a preview counts the dealers reached; a send reaches those dealers live and no other', async () => {
  const promo = { fair: fx.fair, title: '春季新品 9 折', body: '开幕首日全场 9 折，\n欢迎下单。', audience: { tier: 'C' } };
  const preview = await manager.request('message.promote', { ...promo, preview: true });
  assert.equal(preview.ok, true, JSON.stringify(preview));
  assert.deepEqual([preview.dealers, preview.users], [2, 2], 'tier C at the fair: d2 and d4 (d5 is not at it)');
  assert.deepEqual(await counts(), [0, 0, 0], 'a preview writes nothing');

  const before = await Promise.all(dealers.map(unread));
  const pushesFrom = dealers.map((c) => c.pushes.length);
  const t0 = Date.now();
  const sent = await manager.request('message.promote', promo);
  assert.equal(sent.ok, true, JSON.stringify(sent));
  assert.deepEqual([sent.sent, sent.dealers, sent.users], [2, 2, 2]);
  // live, with the unread count, to d2 and d4
  for (const i of [1, 3]) {
    const push = await dealers[i].next((m) => m.ev === 'inbox' && m.unread === before[i] + 1, 10_000);
    assert.ok(push);
  }
  console.log(`# message.promote -> inbox pushed to both dealers: ${Date.now() - t0} ms`);
  const list = await dealers[1].request('inbox.list', { limit: 5 });
  const m = list.messages[0];
  assert.equal(m.kind, 'promotion');
  assert.equal(m.fair, fx.fair);
  assert.equal(m.read, false);
  assert.deepEqual([m.params.title, m.params.text, m.params.fair_name], ['春季新品 9 折', '开幕首日全场 9 折，\n欢迎下单。', '促销测试会']);
  // the others: no push, nothing in their inbox
  await sleep(500);
  for (const i of [0, 2, 4]) {
    assert.equal(dealers[i].pushes.slice(pushesFrom[i]).filter((p) => p.ev === 'inbox').length, 0, `dealer ${i + 1} told nothing`);
    assert.equal(await unread(dealers[i]), before[i]);
  }
  // mailed to the one with an address (the outbox path: no relay here, so it waits)
  const mails = await sql(db.url, `SELECT recipient FROM outbox WHERE kind = 'promotion'`);
  assert.deepEqual(mails.map(([r]) => r), [`shop-${ds[1].login}@example.com`]);
  // audited
  const audit = await manager.request('audit.list', { fair: fx.fair });
  const row = audit.entries.find((e) => e.action === 'message.promote');
  assert.ok(row, JSON.stringify(audit).slice(0, 400));
  assert.deepEqual(await counts(), [2, 1, 1]);

  // a region, and named dealers
  const region = await manager.request('message.promote', { fair: fx.fair, title: '西北专场', body: '西北区经销商专享', audience: { region: '西北' } });
  assert.deepEqual([region.sent, region.dealers], [2, 2]);
  const named = await manager.request('message.promote', { title: '致 d3', body: '您的专属折扣', audience: { dealers: [ds[2].dealerId] } });
  assert.deepEqual([named.sent, named.dealers], [1, 1]);
  const told = await sql(db.url, `SELECT m.params->>'title', array_agg(u.dealer_id ORDER BY u.dealer_id)::text
    FROM inbox_messages m JOIN users u ON u.id = m.user_id WHERE m.kind = 'promotion' GROUP BY 1 ORDER BY min(m.id)`);
  const idsOf = (...i) => `{${i.map((k) => ds[k].dealerId).join(',')}}`;
  assert.deepEqual(told, [['春季新品 9 折', idsOf(1, 3)], ['西北专场', idsOf(0, 1)], ['致 d3', idsOf(2)]]);
  assert.equal((await dealers[2].request('inbox.list', {})).messages[0].params.fair_name, undefined, 'a promotion of no fair');
});

test('refusals change nothing', async () => {
  const base = { fair: fx.fair, title: '标题', body: '正文', audience: { tier: 'C' } };
  const was = await counts();
  const refused = async (client, args, code, why) => {
    const r = await client.request('message.promote', args);
    assert.equal(r.ok, false, why);
    assert.equal(r.error.code, code, `${why}: ${JSON.stringify(r.error)}`);
    return r.error;
  };
  await refused(dealers[0], base, 'forbidden', 'a dealer');
  await createUser(db.url, { login: 'promo-rep', role: 'rep', password: 'rep-password-3' });
  const rep = await session(server, (await login(server, 'promo-rep', 'rep-password-3')).cookie);
  await refused(rep, base, 'forbidden', 'a rep');
  await rep.close();
  for (const [args, why] of [
    [{ ...base, title: '' }, 'an empty title'],
    [{ ...base, title: '   ' }, 'a title of spaces'],
    [{ ...base, title: '长'.repeat(101) }, 'a title of 101 characters'],
    [{ ...base, title: 'a\u0007b' }, 'a control character'],
    [{ ...base, body: '长'.repeat(2001) }, 'a body of 2,001 characters'],
    [{ fair: fx.fair, title: 'x', audience: {} }, 'no body'],
    [{ fair: fx.fair, title: 'x', body: 'y' }, 'no audience'],
    [{ ...base, audience: { colour: 'red' } }, 'an unknown member'],
    [{ ...base, audience: { tier: 'cc' } }, 'a tier that is no letter'],
    [{ ...base, audience: { dealers: [] } }, 'no dealers named'],
    [{ ...base, audience: { dealers: ['x'] } }, 'a dealer that is no id'],
    [{ ...base, audience: { region: '無此區' } }, 'an audience of nobody'],
    [{ ...base, preview: 'yes' }, 'preview not a boolean'],
  ]) await refused(manager, args, 'bad_request', why);
  const e = await refused(manager, { ...base, audience: { colour: 'red' } }, 'bad_request', 'named');
  assert.match(e.message, /colour/);
  await refused(manager, { ...base, fair: 999999 }, 'not_found', 'an unknown fair');
  await refused(manager, { ...base, audience: { dealers: [999999] } }, 'not_found', 'an unknown dealer');
  assert.deepEqual(await counts(), was, 'nothing written');

  // 20 an hour per user: the 21st is refused, nothing written
  await sql(db.url, `INSERT INTO audit_log (actor, action, fair_id, target)
    SELECT ${managerId}, 'message.promote', ${fx.fair}, 'promotion' FROM generate_series(1, 20 - ${was[1]})`);
  const before = await counts();
  await refused(manager, base, 'rate_limited', 'the 21st in an hour');
  assert.deepEqual(await counts(), before, 'nothing written');
  const preview = await manager.request('message.promote', { ...base, preview: true });
  assert.equal(preview.ok, true, 'a preview is not counted');
});
