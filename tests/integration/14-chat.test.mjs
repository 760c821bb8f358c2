// Structured live Q&A (issue 5, PROTOCOL.md "Q&A"), on two server processes: a dealer's
// question reaches the staff and its own dealer's sessions only; a claim only the staff; a
// public answer every joined dealer with its question; a private answer only the asker's
// dealer (two users of it on two processes) and the staff, never another dealer (pushes,
// chat.history, join, resume, faq); hiding removes a message from everything and pushes
// chat.hidden; the rate limit is counted in PostgreSQL across processes; text is plain text;
// the FAQ outlives the fair; role, argument and state refusals.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  createDatabase, startServer, connect, sql, makeFair, mintDealers, sleep, fairctl, passwordHash,
} from './harness.mjs';

let db;
let a;
let b;
let fx;
let dealers; // minted dealer sessions, each its own dealer
let x2;      // a second user of dealers[0]'s dealer

before(async () => {
  db = await createDatabase();
  a = await startServer({ databaseUrl: db.url, user: { login: 'rep-chat-a', name: '陳志明', role: 'rep' } });
  b = await startServer({ databaseUrl: db.url, user: { login: 'rep-chat-b', name: '林美玲', role: 'rep' } });
  fx = await makeFair(db.url, { name: '問答測試會', products: 3 });
  dealers = await mintDealers(db.url, 8, { prefix: 'chatd' });
  await sql(db.url, `INSERT INTO users (login, name, role, dealer_id, password_hash)
    VALUES ('chatd1b', '店員 1b', 'dealer', ${dealers[0].dealerId}, '${passwordHash('unused-password-1')}')`);
  const { stdout } = await fairctl(db.url, ['mint-sessions', 'chatd1b']);
  x2 = { login: 'chatd1b', cookie: `fair_session=${stdout.trim().split('\t')[1]}`, dealerId: dealers[0].dealerId };
});

after(async () => {
  try {
    await Promise.all([a?.stop(), b?.stop()]);
  } finally {
    if (db) await db.drop();
  }
});

async function joined(server, cookie = server.cookie, fair = fx.fair) {
  const c = await connect(server, { cookie });
  await c.next('hello', 10_000);
  const r = await c.request('join', { fair }, 20_000);
  assert.equal(r.ok, true, JSON.stringify(r).slice(0, 300));
  c.join = r;
  return c;
}

async function ok(client, op, args) {
  const r = await client.request(op, args);
  assert.equal(r.ok, true, `${op}: ${JSON.stringify(r)}`);
  return r;
}

async function refused(client, op, args, code) {
  const r = await client.request(op, args);
  assert.equal(r.ok, false, `${op} should be refused: ${JSON.stringify(r)}`);
  assert.equal(r.error.code, code, `${op}: ${JSON.stringify(r)}`);
  return r;
}

const chatPush = (c, id, pred = () => true) =>
  c.next((m) => m.ev === 'chat' && m.id === id && pred(m), 10_000);
const chatIds = (c) => c.pushes.filter((p) => p.ev === 'chat').map((p) => p.id);
const count = async (query) => Number((await sql(db.url, query))[0][0]);
// Moves a user's messages out of the rate limit's 10-second window.
const forget = (login) => sql(db.url, `UPDATE chat_messages SET created_at = created_at - interval '11 seconds'
  WHERE author_id = (SELECT id FROM users WHERE login = '${login}')`);

// A spotlight after the events under test: pushes come in seq order, so once it has arrived
// everything before it that a client was going to get has arrived too.
async function barrier(rep, clients, note) {
  await ok(rep, 'spotlight.set', { fair: fx.fair, product: fx.products[0].id, note });
  for (const c of clients) await c.next((m) => m.ev === 'spotlight' && m.note === note, 10_000);
}

test('a question reaches the staff and its dealer; a claim only the staff; a public answer every dealer', { timeout: 60_000 }, async () => {
  const repA = await joined(a);
  const repB = await joined(b);
  const X = await joined(a, dealers[0].cookie);
  const X2 = await joined(b, x2.cookie);
  const Y = await joined(a, dealers[1].cookie);
  const W = await joined(b, dealers[3].cookie);
  const p1 = fx.products[0].id;

  const text = '這件外套有<script>alert("x")</script>加大碼嗎？ & <b>M</b> 😀\n第二行';
  const asked = await ok(X, 'chat.ask', { fair: fx.fair, text, product: p1 });
  const q = asked.message;
  assert.equal(q.text, text, 'stored and returned byte-identical, as plain text');
  assert.equal(q.status, 'open');
  assert.equal(q.product, p1);
  assert.equal(q.private, false);
  assert.equal(q.reply_to, null);
  assert.equal(q.claimed_by, null);
  assert.deepEqual(q.author, { id: q.author.id, name: '店長 1', role: 'dealer', dealer: dealers[0].dealerId });
  assert.match(q.at, /Z$/);

  for (const c of [repA, repB, X2]) {
    const m = await chatPush(c, q.id);
    assert.equal(m.text, text);
    assert.equal(m.fair, fx.fair);
    assert.equal(typeof m.seq, 'number');
  }
  await chatPush(X, q.id);

  // a claim: the other rep sees it, no dealer does
  const claimed = await ok(repA, 'chat.claim', { fair: fx.fair, id: q.id });
  assert.equal(claimed.message.status, 'claimed');
  assert.equal(claimed.message.claimed_by, a.user.id);
  const seen = await chatPush(repB, q.id, (m) => m.status === 'claimed');
  assert.equal(seen.claimed_by, a.user.id);
  // the same rep again: nothing changes; another rep: conflict
  assert.equal((await ok(repA, 'chat.claim', { fair: fx.fair, id: q.id })).message.status, 'claimed');
  await refused(repB, 'chat.claim', { fair: fx.fair, id: q.id }, 'conflict');

  await barrier(repA, [X, X2, Y, W], 'after claim');
  for (const c of [X, X2]) {
    assert.ok(!c.pushes.some((p) => p.ev === 'chat' && p.status === 'claimed'), 'dealers hear no claim');
  }
  for (const c of [Y, W]) assert.deepEqual(chatIds(c), [], 'another dealer never hears an open question');
  assert.deepEqual((await ok(Y, 'chat.history', { fair: fx.fair })).messages, []);

  // the public answer (by the other rep, on the other process): everyone gets question + answer
  const answered = await ok(repB, 'chat.answer', { fair: fx.fair, reply_to: q.id, text: '有的，XL 也有。' });
  const ans = answered.message;
  assert.equal(ans.reply_to, q.id);
  assert.equal(ans.private, false);
  assert.equal(ans.product, p1);
  assert.equal(ans.author.role, 'rep');
  for (const c of [X, X2, Y, W, repA, repB]) {
    const mq = await chatPush(c, q.id, (m) => m.status === 'answered');
    const ma = await chatPush(c, ans.id);
    assert.ok(mq.seq < ma.seq, 'the question comes before its answer');
    assert.equal(mq.text, text);
    assert.equal(ma.text, '有的，XL 也有。');
  }
  await refused(repA, 'chat.answer', { fair: fx.fair, reply_to: q.id, text: '再答一次' }, 'conflict');
  await refused(repA, 'chat.claim', { fair: fx.fair, id: q.id }, 'conflict');
  await refused(repA, 'chat.answer', { fair: fx.fair, reply_to: ans.id, text: '答覆答覆' }, 'bad_request');

  // everyone reads it back: history (newest first), join, faq
  const hist = (await ok(Y, 'chat.history', { fair: fx.fair })).messages;
  assert.deepEqual(hist.map((m) => m.id), [ans.id, q.id]);
  assert.equal(hist[1].text, text);
  const fresh = await joined(b, dealers[1].cookie);
  assert.deepEqual(fresh.join.chat.map((m) => m.id), [q.id, ans.id]);
  const faq = await ok(W, 'faq', { fair: fx.fair, product: p1 });
  assert.deepEqual(faq.items.map(({ question, answer }) => ({ question, answer })), [{ question: text, answer: '有的，XL 也有。' }]);
  assert.match(faq.items[0].at, /Z$/);
  assert.deepEqual((await ok(W, 'chat.history', { fair: fx.fair, before: ans.id, limit: 1 })).messages.map((m) => m.id), [q.id]);

  for (const c of [repA, repB, X, X2, Y, W, fresh]) await c.close();
});

test('a private answer reaches only the asker\'s dealer and the staff', { timeout: 60_000 }, async () => {
  const repA = await joined(a);
  const repB = await joined(b);
  const X = await joined(a, dealers[0].cookie);
  const X2 = await joined(b, x2.cookie);
  const Y = await joined(a, dealers[1].cookie);
  const W = await joined(b, dealers[3].cookie);
  const since = Y.join.seq;
  const p2 = fx.products[1].id;

  const q = (await ok(X2, 'chat.ask', { fair: fx.fair, text: '我們的信用額度可以提高嗎？', product: p2 })).message;
  assert.equal(q.author.dealer, dealers[0].dealerId);
  const ans = (await ok(repA, 'chat.answer', { fair: fx.fair, reply_to: q.id, text: '私下回覆：可以。', private: true })).message;
  assert.equal(ans.private, true);
  for (const c of [X, X2, repA, repB]) {
    const mq = await chatPush(c, q.id, (m) => m.status === 'answered');
    assert.equal(mq.private, true, 'a question answered privately is private');
    assert.equal((await chatPush(c, ans.id)).text, '私下回覆：可以。');
  }
  await barrier(repB, [X, X2, Y, W], 'after private');
  for (const c of [Y, W]) {
    assert.ok(!chatIds(c).includes(q.id) && !chatIds(c).includes(ans.id), 'not in another dealer\'s pushes');
  }

  // not in another dealer's history, join, resume or faq
  const hidden = (ids) => !ids.includes(q.id) && !ids.includes(ans.id);
  assert.ok(hidden((await ok(Y, 'chat.history', { fair: fx.fair })).messages.map((m) => m.id)));
  const Yb = await joined(b, dealers[1].cookie);
  assert.ok(hidden(Yb.join.chat.map((m) => m.id)));
  const resumed = await ok(Yb, 'join', { fair: fx.fair, since });
  assert.equal(resumed.resumed, true);
  assert.ok(hidden(resumed.missed.filter((e) => e.ev === 'chat').map((e) => e.id)));
  assert.ok(resumed.missed.some((e) => e.ev === 'spotlight' && e.note === 'after private'), 'the resume itself works');
  assert.deepEqual((await ok(Y, 'faq', { fair: fx.fair, product: p2 })).items, []);
  assert.deepEqual((await ok(X, 'faq', { fair: fx.fair, product: p2 })).items, [], 'private answers never in the faq');

  // the asker's dealer (both users) and the staff do see it everywhere
  for (const c of [X, X2, repB]) {
    const ids = (await ok(c, 'chat.history', { fair: fx.fair })).messages.map((m) => m.id);
    assert.ok(ids.includes(q.id) && ids.includes(ans.id));
  }
  const Xr = await connect(b, { cookie: dealers[0].cookie });
  await Xr.next('hello');
  const xres = await ok(Xr, 'join', { fair: fx.fair, since });
  assert.deepEqual(xres.missed.filter((e) => e.ev === 'chat' && e.status !== 'claimed').map((e) => e.id), [q.id, q.id, ans.id]);

  for (const c of [repA, repB, X, X2, Y, W, Yb, Xr]) await c.close();
});

test('hide removes a message from history, join, resume and faq and pushes chat.hidden', { timeout: 60_000 }, async () => {
  const repA = await joined(a);
  const repB = await joined(b);
  const V = await joined(a, dealers[4].cookie);
  const Y = await joined(b, dealers[1].cookie);
  const since = Y.join.seq;
  const p3 = fx.products[2].id;

  const q = (await ok(V, 'chat.ask', { fair: fx.fair, text: '髒話問題', product: p3 })).message;
  const q2 = (await ok(V, 'chat.ask', { fair: fx.fair, text: '正常問題', product: p3 })).message;
  const ans = (await ok(repA, 'chat.answer', { fair: fx.fair, reply_to: q.id, text: '不當回覆' })).message;
  const ans2 = (await ok(repA, 'chat.answer', { fair: fx.fair, reply_to: q2.id, text: '正常回覆' })).message;
  for (const c of [V, Y, repB]) await chatPush(c, ans2.id);
  assert.equal((await ok(Y, 'faq', { fair: fx.fair, product: p3 })).items.length, 2);

  assert.equal((await ok(repB, 'chat.hide', { fair: fx.fair, id: ans.id })).id, ans.id);
  await ok(repB, 'chat.hide', { fair: fx.fair, id: q.id });
  for (const c of [V, Y, repA, repB]) {
    await c.next((m) => m.ev === 'chat.hidden' && m.id === ans.id, 10_000);
    await c.next((m) => m.ev === 'chat.hidden' && m.id === q.id, 10_000);
  }
  const gone = (ids) => !ids.includes(q.id) && !ids.includes(ans.id);
  for (const c of [V, Y, repA]) {
    const ids = (await ok(c, 'chat.history', { fair: fx.fair })).messages.map((m) => m.id);
    assert.ok(gone(ids), `history of ${c === repA ? 'the rep' : 'a dealer'}`);
    assert.ok(ids.includes(q2.id) && ids.includes(ans2.id));
  }
  const Yb = await joined(a, dealers[1].cookie);
  assert.ok(gone(Yb.join.chat.map((m) => m.id)));
  const resumed = await ok(Yb, 'join', { fair: fx.fair, since });
  assert.ok(gone(resumed.missed.filter((e) => e.ev === 'chat').map((e) => e.id)), 'a resume does not replay hidden messages');
  assert.ok(resumed.missed.some((e) => e.ev === 'chat' && e.id === ans2.id));
  assert.deepEqual(resumed.missed.filter((e) => e.ev === 'chat.hidden').map((e) => e.id), [ans.id, q.id]);
  const faq = await ok(Y, 'faq', { fair: fx.fair, product: p3 });
  assert.deepEqual(faq.items.map((i) => i.answer), ['正常回覆']);
  // audited; hiding again changes nothing; a hidden question cannot be claimed or answered
  assert.equal(await count(`SELECT count(*) FROM audit_log WHERE action = 'chat.hide' AND target IN ('chat:${q.id}', 'chat:${ans.id}')`), 2);
  const seqBefore = await count(`SELECT seq FROM fair_seq WHERE fair_id = ${fx.fair}`);
  assert.equal((await ok(repA, 'chat.hide', { fair: fx.fair, id: q.id })).id, q.id);
  assert.equal(await count(`SELECT seq FROM fair_seq WHERE fair_id = ${fx.fair}`), seqBefore);
  await refused(repA, 'chat.claim', { fair: fx.fair, id: q.id }, 'conflict');
  await refused(repA, 'chat.answer', { fair: fx.fair, reply_to: q.id, text: '再答' }, 'conflict');
  for (const c of [repA, repB, V, Y, Yb]) await c.close();
});

test('rate limit: the sixth message in 10 s is refused and stores nothing, across processes', { timeout: 60_000 }, async () => {
  const Za = await joined(a, dealers[2].cookie);
  const Zb = await joined(b, dealers[2].cookie);
  const author = `(SELECT id FROM users WHERE login = '${dealers[2].login}')`;
  for (let i = 0; i < 3; i++) await ok(Za, 'chat.ask', { fair: fx.fair, text: `問題 ${i}` });
  for (let i = 3; i < 5; i++) await ok(Zb, 'chat.ask', { fair: fx.fair, text: `問題 ${i}` });
  const r = await refused(Za, 'chat.ask', { fair: fx.fair, text: '第六個' }, 'rate_limited');
  assert.match(r.error.message, /5 messages in 10 seconds/);
  await refused(Zb, 'chat.ask', { fair: fx.fair, text: '第六個' }, 'rate_limited');
  assert.equal(await count(`SELECT count(*) FROM chat_messages WHERE author_id = ${author}`), 5);

  // at once from both processes: still only 5 in the window
  await sql(db.url, `UPDATE chat_messages SET created_at = created_at - interval '11 seconds' WHERE author_id = ${author}`);
  const burst = await Promise.all(Array.from({ length: 8 }, (_, i) =>
    (i % 2 ? Zb : Za).request('chat.ask', { fair: fx.fair, text: `並發 ${i}` })));
  assert.equal(burst.filter((m) => m.ok).length, 5);
  assert.ok(burst.filter((m) => !m.ok).every((m) => m.error.code === 'rate_limited'));
  assert.equal(await count(`SELECT count(*) FROM chat_messages WHERE author_id = ${author} AND created_at > now() - interval '10 seconds'`), 5);

  // a rep's answers count too
  const repA = await joined(a);
  await forget('rep-chat-a');
  const qs = (await ok(repA, 'chat.history', { fair: fx.fair, limit: 10 })).messages
    .filter((m) => m.author.dealer === dealers[2].dealerId).map((m) => m.id);
  const answers = [];
  for (const id of qs.slice(0, 6)) answers.push(await repA.request('chat.answer', { fair: fx.fair, reply_to: id, text: '回覆' }));
  assert.deepEqual(answers.map((m) => m.ok || m.error.code), [true, true, true, true, true, 'rate_limited']);
  for (const c of [Za, Zb, repA]) await c.close();
});

test('arguments, roles and plain text', { timeout: 60_000 }, async () => {
  const rep = await joined(a);
  const D = await joined(b, dealers[6].cookie);
  const p1 = fx.products[0].id;

  // roles first: a dealer cannot claim, answer or hide; a rep cannot ask
  await refused(D, 'chat.claim', { fair: fx.fair, id: 1 }, 'forbidden');
  await refused(D, 'chat.answer', { fair: fx.fair, reply_to: 1, text: 'x' }, 'forbidden');
  await refused(D, 'chat.hide', { fair: fx.fair, id: 1 }, 'forbidden');
  await refused(rep, 'chat.ask', { fair: fx.fair, text: '代問' }, 'forbidden');
  await refused(D, 'chat.hide', { fair: fx.fair }, 'forbidden'); // role before arguments

  // arguments
  await refused(D, 'chat.ask', { fair: fx.fair, text: '字'.repeat(2001) }, 'bad_request');
  await refused(D, 'chat.ask', { fair: fx.fair, text: '' }, 'bad_request');
  await refused(D, 'chat.ask', { fair: fx.fair, text: ' \n\t　' }, 'bad_request');
  await refused(D, 'chat.ask', { fair: fx.fair }, 'bad_request');
  await refused(D, 'chat.ask', { fair: fx.fair, text: 'x', product: 'p' }, 'bad_request');
  await refused(D, 'chat.history', { fair: fx.fair, limit: 101 }, 'bad_request');
  await refused(D, 'chat.history', { fair: fx.fair, limit: 0 }, 'bad_request');
  await refused(rep, 'chat.answer', { fair: fx.fair, reply_to: 1, text: 'x', private: 'yes' }, 'bad_request');
  await refused(D, 'faq', { fair: fx.fair, product: 'p' }, 'bad_request');

  // state
  await refused(D, 'chat.ask', { fair: 999999, text: '在嗎' }, 'not_found');
  await refused(D, 'chat.ask', { fair: fx.fair, text: '在嗎', product: 999999 }, 'not_found');
  await refused(D, 'chat.history', { fair: 999999 }, 'not_found');
  await refused(D, 'faq', { fair: fx.fair, product: 999999 }, 'not_found');
  await refused(rep, 'chat.claim', { fair: fx.fair, id: 999999 }, 'not_found');
  await refused(rep, 'chat.hide', { fair: fx.fair, id: 999999 }, 'not_found');
  assert.equal(await count(`SELECT count(*) FROM chat_messages WHERE author_id = (SELECT id FROM users WHERE login = '${dealers[6].login}')`), 0);

  // 2000 characters (of 4 UTF-8 bytes each) are fine and come back byte-identical
  const long = '𠀀'.repeat(1999) + '<';
  const m = (await ok(D, 'chat.ask', { fair: fx.fair, text: long, product: p1 })).message;
  assert.equal(m.text, long);
  assert.equal((await chatPush(rep, m.id)).text, long);
  const raw = (await sql(db.url, `SELECT encode(convert_to(text, 'UTF8'), 'hex') FROM chat_messages WHERE id = ${m.id}`))[0][0];
  assert.equal(raw, Buffer.from(long, 'utf8').toString('hex'));
  // a message of another fair is not_found in this one
  const other = await makeFair(db.url, { name: '別場', products: 1 });
  await refused(rep, 'chat.claim', { fair: other.fair, id: m.id }, 'not_found');
  await rep.close();
  await D.close();
});

test('the FAQ outlives the fair; asking in a closed fair is fair_not_live, answering still works', { timeout: 60_000 }, async () => {
  const fy = await makeFair(db.url, { name: '已結束的場次', products: 1 });
  const p = fy.products[0].id;
  const rep = await joined(a, a.cookie, fy.fair);
  await forget('rep-chat-a');
  const U = await joined(b, dealers[5].cookie, fy.fair);
  const q1 = (await ok(U, 'chat.ask', { fair: fy.fair, text: '可以水洗嗎？', product: p })).message;
  const q2 = (await ok(U, 'chat.ask', { fair: fy.fair, text: '會縮水嗎？', product: p })).message;
  await ok(rep, 'chat.answer', { fair: fy.fair, reply_to: q1.id, text: '可以，30 度以下。' });

  await sql(db.url, `UPDATE fairs SET starts_at = now() - interval '2 days', ends_at = now() - interval '1 second' WHERE id = ${fy.fair}`);
  await refused(U, 'chat.ask', { fair: fy.fair, text: '還在嗎？', product: p }, 'fair_not_live');
  await ok(rep, 'chat.answer', { fair: fy.fair, reply_to: q2.id, text: '不會。' });
  const faq = await ok(U, 'faq', { fair: fy.fair, product: p });
  assert.deepEqual(faq.items.map(({ question, answer }) => [question, answer]),
    [['可以水洗嗎？', '可以，30 度以下。'], ['會縮水嗎？', '不會。']]);
  const later = await connect(a, { cookie: dealers[7].cookie });
  await later.next('hello');
  assert.equal((await ok(later, 'faq', { fair: fy.fair, product: p })).items.length, 2, 'any dealer reads it');
  await sleep(10);
  for (const c of [rep, U, later]) await c.close();
});

test('a rep marks answered questions as the fair\'s FAQ: everyone sees the mark, faq {fair} lists them', { timeout: 60_000 }, async () => {
  const [u, v] = await mintDealers(db.url, 2, { prefix: 'chatfaq' });
  await forget('rep-chat-b');
  const rep = await joined(b);
  const other = await joined(a, a.cookie);
  const U = await joined(a, u.cookie);
  const V = await joined(b, v.cookie);
  const p2 = fx.products[1].id;
  const general = (await ok(U, 'chat.ask', { fair: fx.fair, text: '什麼時候發貨？' })).message;
  assert.equal(general.faq, false, 'a message says whether it is marked');
  const aboutP2 = (await ok(U, 'chat.ask', { fair: fx.fair, text: '有大碼嗎？', product: p2 })).message;
  const secret = (await ok(U, 'chat.ask', { fair: fx.fair, text: '我的信用額度？' })).message;
  const open = (await ok(U, 'chat.ask', { fair: fx.fair, text: '還沒人答', product: p2 })).message;
  const generalAnswer = (await ok(rep, 'chat.answer', { fair: fx.fair, reply_to: general.id, text: '展會結束後 7 天內。' })).message;
  await ok(rep, 'chat.answer', { fair: fx.fair, reply_to: aboutP2.id, text: '有，到 3XL。' });
  await ok(rep, 'chat.answer', { fair: fx.fair, reply_to: secret.id, text: '20 萬。', private: true });

  // refused: a dealer; no mark; an answer; unanswered, privately answered; unknown
  await refused(U, 'chat.faq', { fair: fx.fair, id: general.id, faq: true }, 'forbidden');
  await refused(rep, 'chat.faq', { fair: fx.fair, id: general.id }, 'bad_request');
  await refused(rep, 'chat.faq', { fair: fx.fair, id: general.id, faq: 'yes' }, 'bad_request');
  await refused(rep, 'chat.faq', { fair: fx.fair, id: generalAnswer.id, faq: true }, 'bad_request');
  await refused(rep, 'chat.faq', { fair: fx.fair, id: open.id, faq: true }, 'conflict');
  await refused(rep, 'chat.faq', { fair: fx.fair, id: secret.id, faq: true }, 'conflict');
  await refused(rep, 'chat.faq', { fair: fx.fair, id: 999999, faq: true }, 'not_found');
  assert.equal(await count(`SELECT count(*) FROM chat_messages WHERE fair_id = ${fx.fair} AND faq`), 0, 'refusals change nothing');

  // marked: every joined session (both processes, staff and dealers) gets the question again with faq true
  const marked = (await ok(rep, 'chat.faq', { fair: fx.fair, id: general.id, faq: true })).message;
  assert.deepEqual([marked.id, marked.faq, marked.status], [general.id, true, 'answered']);
  for (const c of [other, U, V]) assert.equal((await chatPush(c, general.id, (m) => m.faq === true)).text, '什麼時候發貨？');
  await ok(rep, 'chat.faq', { fair: fx.fair, id: aboutP2.id, faq: true });
  await chatPush(V, aboutP2.id, (m) => m.faq === true);
  // marking again changes nothing: no event, no audit row
  const seqBefore = await count(`SELECT seq FROM fair_seq WHERE fair_id = ${fx.fair}`);
  assert.equal((await ok(rep, 'chat.faq', { fair: fx.fair, id: general.id, faq: true })).message.faq, true);
  assert.equal(await count(`SELECT seq FROM fair_seq WHERE fair_id = ${fx.fair}`), seqBefore);
  assert.equal(await count(`SELECT count(*) FROM audit_log WHERE action = 'chat.faq' AND target = 'chat:${general.id}'`), 1);

  // faq {fair}: the marked ones, general included; faq {fair, product}: all public answers, marks shown
  const fairFaq = (await ok(V, 'faq', { fair: fx.fair })).items;
  assert.deepEqual(fairFaq.map(({ id, product, question, answer, faq }) => ({ id, product, question, answer, faq })), [
    { id: general.id, product: null, question: '什麼時候發貨？', answer: '展會結束後 7 天內。', faq: true },
    { id: aboutP2.id, product: p2, question: '有大碼嗎？', answer: '有，到 3XL。', faq: true }]);
  const productFaq = (await ok(V, 'faq', { fair: fx.fair, product: p2 })).items;
  assert.ok(productFaq.some((i) => i.id === aboutP2.id && i.faq === true));
  assert.ok(!productFaq.some((i) => i.id === open.id), 'an open question is in no FAQ');
  // a joining dealer sees the mark in its snapshot
  const fresh = await joined(a, v.cookie);
  assert.equal(fresh.join.chat.find((m) => m.id === general.id).faq, true);

  // unmarked: gone from faq {fair}; hiding the answer of a marked one takes it out too
  assert.equal((await ok(rep, 'chat.faq', { fair: fx.fair, id: general.id, faq: false })).message.faq, false);
  await chatPush(U, general.id, (m) => m.faq === false);
  const answerOfP2 = (await ok(V, 'faq', { fair: fx.fair, product: p2 })).items.find((i) => i.id === aboutP2.id);
  assert.deepEqual((await ok(V, 'faq', { fair: fx.fair })).items.map((i) => i.id), [aboutP2.id]);
  const [[p2AnswerId]] = await sql(db.url, `SELECT id FROM chat_messages WHERE reply_to = ${aboutP2.id}`);
  await ok(rep, 'chat.hide', { fair: fx.fair, id: Number(p2AnswerId) });
  assert.deepEqual((await ok(V, 'faq', { fair: fx.fair })).items, [], `hidden: ${JSON.stringify(answerOfP2)}`);
  for (const c of [rep, other, U, V, fresh]) await c.close();
});
