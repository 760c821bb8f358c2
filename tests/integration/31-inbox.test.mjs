// The inbox (站內信, issue 25; PROTOCOL.md "Messages"), on two server processes: a message
// sent while its dealer is offline is there at the next login (inbox.unread, inbox.list);
// one sent while it is online is pushed as `inbox {unread}` to each of its sessions on both
// processes; reading is per user and the user's other sessions hear the new count; the
// sources: message_send (what coupons call), a product launched, an answer to the dealer's
// question, an order's status, the fair reminders of the durable scheduler (once across
// both processes, the day's and the hour's); prefs; refusals.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  createDatabase, startServer, connect, sql, makeFair, mintDealers, waitFor,
} from './harness.mjs';

let db;
let a;
let b;
let fx;
let dealers;

const env = { FAIR_MESSAGES_TICK_S: '1' };

before(async () => {
  db = await createDatabase();
  a = await startServer({ databaseUrl: db.url, env, user: { login: 'inbox-admin', role: 'admin' } });
  b = await startServer({ databaseUrl: db.url, env, user: { login: 'inbox-rep', role: 'rep' } });
  fx = await makeFair(db.url, { name: '站內信測試會', products: 2 });
  dealers = await mintDealers(db.url, 4, { prefix: 'inboxd' });
});

after(async () => {
  try {
    await Promise.all([a?.stop(), b?.stop()]);
  } finally {
    if (db) await db.drop();
  }
});

async function session(server, cookie) {
  const c = await connect(server, { cookie });
  await c.next('hello', 10_000);
  return c;
}

async function ok(client, op, args = {}) {
  const r = await client.request(op, args);
  assert.equal(r.ok, true, `${op}: ${JSON.stringify(r)}`);
  return r;
}

const userOf = async (login) => Number((await sql(db.url, `SELECT id FROM users WHERE login = '${login}'`))[0][0]);
const inboxPush = (c, unread) => c.next((m) => m.ev === 'inbox' && m.unread === unread, 10_000);

test('offline: a message sent while the dealer is away is there at its next login', async () => {
  const d = dealers[0];
  const user = await userOf(d.login);
  const [[made]] = await sql(db.url, `SELECT message_send(${user}, 'coupon',
    '{"title": "滿 ¥20,000 減 ¥1,000", "code": "SPRING1000"}'::jsonb, ${fx.fair})`);
  assert.equal(made, '1');

  const c = await session(a, d.cookie);
  assert.equal((await ok(c, 'inbox.unread')).unread, 1);
  const list = await ok(c, 'inbox.list');
  assert.equal(list.unread, 1);
  assert.equal(list.messages.length, 1);
  const [m] = list.messages;
  assert.equal(m.kind, 'coupon');
  assert.equal(m.fair, fx.fair);
  assert.equal(m.read, false);
  assert.deepEqual(m.params, { title: '滿 ¥20,000 減 ¥1,000', code: 'SPRING1000' });
  assert.match(m.at, /^\d{4}-\d\d-\d\dT/);
  await c.close();
});

test('live: each session of the user, on both processes, is pushed the new count; reading is per user', async () => {
  const d = dealers[1];
  const other = dealers[2];
  const user = await userOf(d.login);
  const otherUser = await userOf(other.login);
  const s1 = await session(a, d.cookie);
  const s2 = await session(b, d.cookie);
  const o = await session(b, other.cookie);
  assert.equal((await ok(s1, 'inbox.unread')).unread, 0);

  const t0 = Date.now();
  await sql(db.url, `SELECT message_send(${user}, 'promotion', '{"title": "早鳥 95 折"}'::jsonb);
    SELECT message_send(${otherUser}, 'promotion', '{"title": "早鳥 95 折"}'::jsonb)`);
  await Promise.all([inboxPush(s1, 1), inboxPush(s2, 1), inboxPush(o, 1)]);
  console.log(`# message_send -> inbox push on both processes: ${Date.now() - t0} ms`);

  await sql(db.url, `SELECT message_send(${user}, 'promotion', '{"title": "第二則"}'::jsonb)`);
  await Promise.all([inboxPush(s1, 2), inboxPush(s2, 2)]);

  const list = await ok(s1, 'inbox.list', { limit: 1 });
  assert.equal(list.messages.length, 1);
  assert.equal(list.messages[0].params.title, '第二則', 'newest first');
  const older = await ok(s1, 'inbox.list', { before: list.messages[0].id });
  assert.equal(older.messages.length, 1);
  assert.equal(older.messages[0].params.title, '早鳥 95 折');

  const r = await ok(s1, 'inbox.read', { ids: [list.messages[0].id, 999999999] });
  assert.equal(r.read, 1, 'another user\'s or an unknown id is ignored');
  assert.equal(r.unread, 1);
  await inboxPush(s2, 1); // the user's other session hears it
  const unreadOnly = await ok(s2, 'inbox.list', { unread: true });
  assert.deepEqual(unreadOnly.messages.map((m) => m.params.title), ['早鳥 95 折']);
  assert.equal((await ok(s2, 'inbox.read', { all: true })).unread, 0);
  await inboxPush(s1, 0);
  assert.equal((await ok(o, 'inbox.unread')).unread, 1, 'the other dealer\'s read state is its own');

  // Someone else's message cannot be read by id.
  const theirs = (await ok(o, 'inbox.list')).messages[0].id;
  assert.equal((await ok(s1, 'inbox.read', { ids: [theirs] })).read, 0);
  assert.equal((await ok(o, 'inbox.unread')).unread, 1);
  for (const c of [s1, s2, o]) await c.close();
});

test('sources: a launched product, an answer to the dealer\'s question, an order\'s status', { timeout: 60_000 }, async () => {
  const d = dealers[3];
  const user = await userOf(d.login);
  const c = await session(b, d.cookie);
  const staff = await session(a, a.cookie);
  const base = (await ok(c, 'inbox.unread')).unread;

  // A product launched: every dealer's users get it.
  const product = fx.products[1].id;
  await sql(db.url, `UPDATE fair_items SET withdrawn = true WHERE fair_id = ${fx.fair} AND product_id = ${product};
    UPDATE fairs SET name_en = 'Inbox test fair' WHERE id = ${fx.fair}`);
  await ok(staff, 'item.launch', { fair: fx.fair, product });
  await inboxPush(c, base + 1);
  const launched = (await ok(c, 'inbox.list', { limit: 1 })).messages[0];
  assert.equal(launched.kind, 'product.launched');
  assert.equal(launched.params.product, product);
  assert.equal(launched.params.name, '測試外套2');
  assert.equal(launched.params.fair_name, '站內信測試會');
  assert.equal(launched.params.fair_name_en, 'Inbox test fair', 'for pages and mail in English');
  const everyone = Number((await sql(db.url, `SELECT count(DISTINCT user_id) FROM inbox_messages
    WHERE kind = 'product.launched' AND params->>'product' = '${product}'`))[0][0]);
  assert.equal(everyone, dealers.length, 'each dealer user, none of the staff');

  // An answer to its question.
  const j = await c.request('join', { fair: fx.fair }, 20_000);
  assert.equal(j.ok, true);
  const staffJoin = await staff.request('join', { fair: fx.fair }, 20_000);
  assert.equal(staffJoin.ok, true);
  const q = await ok(c, 'chat.ask', { fair: fx.fair, text: '這款有大碼嗎？' });
  await ok(staff, 'chat.answer', { fair: fx.fair, reply_to: q.message.id, text: '有，到 3XL。', private: true });
  await inboxPush(c, base + 2);
  const answered = (await ok(c, 'inbox.list', { limit: 1 })).messages[0];
  assert.equal(answered.kind, 'chat.answer');
  assert.equal(answered.params.question, '這款有大碼嗎？');
  assert.equal(answered.params.answer, '有，到 3XL。');

  // An order's status: cancelled.
  const variant = fx.products[0].variants[0];
  const placed = await ok(c, 'order.place', { fair: fx.fair, key: `inbox-${process.pid}`, lines: [{ variant, qty: 2 }] });
  await ok(c, 'order.cancel', { order: placed.order.id });
  await inboxPush(c, base + 3);
  const status = (await ok(c, 'inbox.list', { limit: 1 })).messages[0];
  assert.equal(status.kind, 'order.status');
  assert.equal(status.params.order, placed.order.id);
  assert.equal(status.params.status, 'cancelled');
  assert.equal(Number((await sql(db.url, `SELECT count(*) FROM inbox_messages WHERE user_id = ${user}
    AND kind = 'order.status'`))[0][0]), 1, 'the placing itself is no status change');
  await c.close();
  await staff.close();
});

test('fair reminders: a day and an hour before it opens, once across both processes', { timeout: 60_000 }, async () => {
  const soon = await makeFair(db.url, { name: '明日開幕會', startsIn: '20 hours', endsIn: '3 days', products: 1 });
  const d = dealers[0];
  const user = await userOf(d.login);
  const c = await session(a, d.cookie);
  const count = async (what) => Number((await sql(db.url, `SELECT count(*) FROM inbox_messages
    WHERE kind = 'fair.reminder' AND fair_id = ${soon.fair} ${what}`))[0][0]);

  // Both processes tick every second: the day's reminder is made once per user.
  await waitFor(async () => (await count('')) === dealers.length, { what: 'the day\'s reminders', timeoutMs: 15_000 });
  const m = (await ok(c, 'inbox.list', { limit: 1 })).messages[0];
  assert.equal(m.kind, 'fair.reminder');
  assert.equal(m.params.when, 'day');
  assert.equal(m.params.fair_name, '明日開幕會');
  assert.equal(m.fair, soon.fair);

  // Forty minutes before it opens: the hour's.
  await sql(db.url, `UPDATE fairs SET starts_at = now() + interval '40 minutes' WHERE id = ${soon.fair}`);
  await waitFor(async () => (await count(`AND params->>'when' = 'hour'`)) === dealers.length,
    { what: 'the hour\'s reminders', timeoutMs: 15_000 });
  await new Promise((r) => setTimeout(r, 2500)); // more ticks on both processes
  assert.equal(await count(''), 2 * dealers.length, 'each reminder once per user');
  assert.equal(Number((await sql(db.url, `SELECT count(*) FROM inbox_messages WHERE user_id = ${user}
    AND fair_id = ${soon.fair}`))[0][0]), 2);

  // A fair made half an hour before it opens gets the hour's only; one already open none.
  const late = await makeFair(db.url, { name: '臨時會', startsIn: '30 minutes', products: 1 });
  await waitFor(async () => Number((await sql(db.url, `SELECT count(*) FROM inbox_messages
    WHERE fair_id = ${late.fair}`))[0][0]) === dealers.length, { what: 'the late fair\'s reminder', timeoutMs: 15_000 });
  assert.deepEqual((await sql(db.url, `SELECT DISTINCT params->>'when' FROM inbox_messages WHERE fair_id = ${late.fair}`)).flat(), ['hour']);
  assert.equal(Number((await sql(db.url, `SELECT count(*) FROM inbox_messages WHERE kind = 'fair.reminder'
    AND fair_id = ${fx.fair}`))[0][0]), 0, 'the open fair gets none');
  await c.close();
});

test('prefs: address, language and mail per kind; refusals', async () => {
  const d = dealers[2];
  const c = await session(a, d.cookie);
  const p = await ok(c, 'inbox.prefs');
  assert.equal(p.email, null);
  assert.equal(p.lang, 'zh-Hans');
  assert.equal(p.kinds['order.status'], true);
  const set = await ok(c, 'inbox.prefs.set', { email: 'shop@example.com', lang: 'en', kinds: { 'product.launched': false } });
  assert.equal(set.email, 'shop@example.com');
  assert.equal(set.lang, 'en');
  assert.equal(set.kinds['product.launched'], false);
  assert.equal(set.kinds.coupon, true);

  for (const [args, why] of [
    [{ email: 'not an address' }, 'an address'],
    [{ email: 'a@b.c\r\nBcc: x@y.z' }, 'no header injection'],
    [{ lang: 'fr' }, 'a language served'],
    [{ kinds: { nonsense: false } }, 'a kind that exists'],
    [{ kinds: { coupon: 'no' } }, 'true or false'],
  ]) {
    const r = await c.request('inbox.prefs.set', args);
    assert.equal(r.ok, false, why);
    assert.equal(r.error.code, 'bad_request', `${why}: ${JSON.stringify(r)}`);
  }
  const r = await c.request('inbox.read', {});
  assert.equal(r.ok, false);
  assert.equal(r.error.code, 'bad_request');
  assert.equal((await ok(c, 'inbox.prefs.set', { email: '' })).email, null, 'an empty address removes it');
  await c.close();
});
