// Mail from the outbox (issue 25; PROTOCOL.md "Messages"): a real SMTP server (the
// smtp-server package) that requires STARTTLS and AUTH receives one mail per recipient, in
// the user's language, UTF-8 in base64 with an RFC 2047 subject and an unsubscribe link; a
// kind the user unsubscribed from is not mailed (its inbox message still is there); an outage
// of the relay is retried with backoff until it is back, and the mail then arrives once; a
// relay that refuses AUTH or the sender (its configuration) is retried, and the operator
// told what to check; a refusal of the recipient itself (5xx to RCPT TO) is given up after
// one attempt; kill -9 of the server while mails are
// being sent loses none, and doubles at most the one whose acceptance was not yet recorded
// (same Message-ID), sent again after the lease.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import {
  createDatabase, startServer, sql, mintDealers, waitFor, sleep, httpGet,
} from './harness.mjs';

let db;
let server;
let dir;
let cert;
let key;
let port;
let relay;
let received = []; // {raw, from, to, secure, user, headers, subject, body}
let holdData = null; // when set, the next DATA's answer waits for it to resolve
let fault = null; // a misconfigured relay: {auth: code} refuses AUTH, {mail: code} MAIL FROM
let dealers;

const SMTP_USER = 'fairmail';
const SMTP_PASSWORD = 'relay-password-1';

// ---- the relay ----

function decodeWords(value) {
  // whitespace between two encoded words is not part of the text (RFC 2047, 6.2)
  return value.replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?UTF-8\?B\?([^?]*)\?=/gi, (_, b64) => Buffer.from(b64, 'base64').toString('utf8')).trim();
}

function parseMail(raw) {
  const cut = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, cut).replace(/\r\n[ \t]+/g, ' ');
  const headers = {};
  for (const line of head.split('\r\n')) {
    const i = line.indexOf(':');
    headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
  }
  const body = Buffer.from(raw.slice(cut + 4).replace(/\r\n/g, ''), 'base64').toString('utf8');
  return { headers, subject: decodeWords(headers.subject ?? ''), body };
}

function startRelay() {
  relay = new SMTPServer({
    key,
    cert,
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    closeTimeout: 100, // an outage at once, not after the clients have left
    onAuth(auth, session, cb) {
      if (fault?.auth) {
        const e = new Error('5.7.8 Authentication credentials invalid');
        e.responseCode = fault.auth;
        return cb(e);
      }
      if (auth.username === SMTP_USER && auth.password === SMTP_PASSWORD) return cb(null, { user: auth.username });
      return cb(new Error('bad login'));
    },
    onMailFrom(address, session, cb) {
      if (fault?.mail) {
        const e = new Error(fault.mail === 530 ? '5.7.0 Must issue a STARTTLS command first' : '5.7.1 Sender address rejected');
        e.responseCode = fault.mail;
        return cb(e);
      }
      return cb();
    },
    onRcptTo(address, session, cb) {
      if (address.address.startsWith('bounce')) {
        const e = new Error('no such mailbox');
        e.responseCode = 550;
        return cb(e);
      }
      return cb();
    },
    onData(stream, session, cb) {
      const chunks = [];
      stream.on('data', (c) => chunks.push(c));
      stream.on('end', async () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const mail = {
          raw, from: session.envelope.mailFrom.address, to: session.envelope.rcptTo.map((r) => r.address),
          secure: session.secure, user: session.user, ...parseMail(raw),
        };
        received.push(mail);
        if (holdData) {
          const h = holdData;
          holdData = null;
          h.arrived(mail);
          await h.release;
        }
        cb();
      });
    },
  });
  return new Promise((resolve, reject) => {
    relay.once('error', reject);
    relay.listen(port, '127.0.0.1', resolve);
  });
}

const stopRelay = () => new Promise((resolve) => relay.close(resolve));

const mailEnv = () => ({
  FAIR_SMTP_URL: `smtp://127.0.0.1:${port}`,
  FAIR_SMTP_TLS: 'required',
  FAIR_SMTP_CA_FILE: cert.path,
  FAIR_SMTP_USER: SMTP_USER,
  FAIR_SMTP_PASSWORD: SMTP_PASSWORD,
  FAIR_SMTP_FROM: 'fair@example.com',
  FAIR_SMTP_FROM_NAME: '春季訂貨會',
  FAIR_PUBLIC_URL: 'https://fair.example.com',
  FAIR_OUTBOX_RETRY_BASE_MS: '300',
  FAIR_OUTBOX_LEASE_S: '2',
  FAIR_OUTBOX_TIMEOUT_MS: '1500',
});

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fair-mail-'));
  const keyPath = path.join(dir, 'key.pem');
  const certPath = path.join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', certPath,
    '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  key = fs.readFileSync(keyPath);
  cert = { path: certPath };
  cert = Object.assign(fs.readFileSync(certPath), { path: certPath });
  // a free port, kept for the relay's restarts
  const probe = new SMTPServer({ logger: false });
  await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve));
  port = probe.server.address().port;
  await new Promise((resolve) => probe.close(resolve));
  await startRelay();

  db = await createDatabase();
  server = await startServer({ databaseUrl: db.url, env: mailEnv(), user: { login: 'mail-admin', role: 'admin' } });
  dealers = await mintDealers(db.url, 4, { prefix: 'maild' });
});

after(async () => {
  try {
    await server?.stop();
  } finally {
    await stopRelay().catch(() => {});
    if (db) await db.drop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }
});

const userOf = async (login) => Number((await sql(db.url, `SELECT id FROM users WHERE login = '${login}'`))[0][0]);
const one = async (q) => (await sql(db.url, q))[0];
const mailsTo = (address) => received.filter((m) => m.to.includes(address));

test('one mail per recipient, in its language, over STARTTLS with AUTH, encoded and with an unsubscribe link', { timeout: 60_000 }, async () => {
  const d = dealers[0];
  const user = await userOf(d.login);
  // a second login of the same dealer, in English
  await sql(db.url, `UPDATE users SET email = 'shop0@example.com', lang = 'zh-Hant' WHERE id = ${user};
    INSERT INTO users (login, name, role, dealer_id, password_hash, email, lang)
    SELECT 'maild1en', 'Shop clerk', 'dealer', dealer_id, password_hash, 'clerk0@example.com', 'en'
    FROM users WHERE id = ${user}`);
  const t0 = Date.now();
  const [[made]] = await sql(db.url, `SELECT message_send_dealer(${d.dealerId}, 'order.status',
    '{"fair_name": "春季訂貨會", "order": 12, "status": "shipped", "carrier": "順豐速運", "tracking": "SF1234567890"}'::jsonb)`);
  assert.equal(made, '2');
  await waitFor(() => mailsTo('shop0@example.com').length === 1 && mailsTo('clerk0@example.com').length === 1,
    { what: 'both mails', timeoutMs: 15_000 });
  console.log(`# message_send -> both mails at the relay: ${Date.now() - t0} ms`);

  const zh = mailsTo('shop0@example.com')[0];
  assert.deepEqual(zh.to, ['shop0@example.com'], 'one recipient per mail');
  assert.equal(zh.from, 'fair@example.com');
  assert.ok(zh.secure, 'sent after STARTTLS');
  assert.equal(zh.user, SMTP_USER, 'authenticated');
  assert.equal(zh.subject, '訂單 12：已發貨');
  assert.equal(decodeWords(zh.headers.from), '春季訂貨會 <fair@example.com>');
  assert.match(zh.headers['content-type'], /text\/plain; charset=UTF-8/);
  assert.equal(zh.headers['content-transfer-encoding'], 'base64');
  assert.match(zh.headers['message-id'], /^<outbox-\d+\.\d+@example\.com>$/);
  assert.match(zh.body, /您在 春季訂貨會 的訂單 12 已發貨。承運商 順豐速運，運單號 SF1234567890。/);
  const [token] = await one(`SELECT mail_token FROM users WHERE id = ${user}`);
  const link = `https://fair.example.com/api/unsubscribe?u=${user}&k=order.status&t=${token}`;
  assert.ok(zh.body.includes(`退訂：${link}`), zh.body);
  assert.equal(zh.headers['list-unsubscribe'], `<${link.replace('/api/unsubscribe?', '/api/unsubscribe/one-click?')}>`);
  assert.equal(zh.headers['list-unsubscribe-post'], 'List-Unsubscribe=One-Click');
  assert.ok(!/[^\x00-\x7f]/.test(zh.raw), 'the raw mail is 7-bit');

  const en = mailsTo('clerk0@example.com')[0];
  assert.equal(en.subject, 'Order 12: was shipped');
  assert.match(en.body, /^Dear Shop clerk,/);
  assert.match(en.body, /Carrier 順豐速運, tracking number SF1234567890\./);

  // the relay has the data before it answers, and the sender records 'sent' after that
  await waitFor(async () => (await one(`SELECT string_agg(DISTINCT state, ',') FROM outbox
    WHERE channel = 'email' AND recipient IN ('shop0@example.com', 'clerk0@example.com')`))[0] === 'sent',
  { what: 'both recorded sent', timeoutMs: 10_000 });
  const [attempts] = await one(`SELECT max(attempts) FROM outbox
    WHERE channel = 'email' AND recipient IN ('shop0@example.com', 'clerk0@example.com')`);
  assert.equal(attempts, '1');
});

test('a kind the user unsubscribed from is not mailed; the inbox still has it', { timeout: 30_000 }, async () => {
  const d = dealers[1];
  const user = await userOf(d.login);
  await sql(db.url, `UPDATE users SET email = 'shop1@example.com' WHERE id = ${user}`);
  const [[ok]] = await sql(db.url, `SELECT inbox_unsubscribe(${user}, 'coupon', (SELECT mail_token FROM users WHERE id = ${user}))`);
  assert.equal(ok, 't');
  const [[bad]] = await sql(db.url, `SELECT inbox_unsubscribe(${user}, 'promotion', gen_random_uuid())`);
  assert.equal(bad, 'f', 'a wrong token changes nothing');
  await sql(db.url, `SELECT message_send(${user}, 'coupon', '{"title": "¥500 券", "code": "C500"}'::jsonb);
    SELECT message_send(${user}, 'promotion', '{"title": "早鳥", "text": "前 30 分鐘 95 折"}'::jsonb)`);
  await waitFor(() => mailsTo('shop1@example.com').length === 1, { what: 'the promotion', timeoutMs: 15_000 });
  await sleep(1500);
  assert.deepEqual(mailsTo('shop1@example.com').map((m) => m.headers['x-fair-message']), ['promotion']);
  assert.equal(Number((await one(`SELECT count(*) FROM inbox_messages WHERE user_id = ${user}`))[0]), 2);
});

test('the unsubscribe link: a page that asks (GET changes nothing), then one click (POST)', async () => {
  const d = dealers[0];
  const user = await userOf(d.login);
  const mail = mailsTo('shop0@example.com')[0];
  const link = /退訂：(\S+)/.exec(mail.body)[1].replace('https://fair.example.com', server.url);
  const asked = await httpGet(link);
  assert.equal(asked.status, 200);
  assert.match(asked.body, /不再以郵件寄送「訂單狀態」/);
  assert.match(asked.body, /<form method="post" action="\/api\/unsubscribe\/one-click\?u=\d+&amp;k=order.status&amp;t=[0-9a-f-]{36}">/);
  assert.equal((await sql(db.url, `SELECT count(*) FROM message_prefs WHERE user_id = ${user}`))[0][0], '0', 'a GET changes nothing');

  // the mail client's one-click POST (RFC 8058), to the List-Unsubscribe URL
  const oneClick = mail.headers['list-unsubscribe'].slice(1, -1).replace('https://fair.example.com', server.url);
  const done = await httpGet(oneClick, { method: 'POST', body: 'List-Unsubscribe=One-Click',
    headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assert.equal(done.status, 200, done.body);
  assert.match(done.body, /已退訂 \/ Unsubscribed/);
  assert.deepEqual(await sql(db.url, `SELECT kind, email FROM message_prefs WHERE user_id = ${user}`), [['order.status', 'f']]);

  const forged = await httpGet(oneClick.replace(/t=[0-9a-f]/, 't=0').replace(/t=0[0-9a-f]/, 't=00'), { method: 'POST', body: '' });
  assert.equal(forged.status, 404, 'a wrong token');
  assert.equal((await httpGet(`${server.url}/api/unsubscribe?u=1&k=nonsense&t=x`)).status, 404);
  await sql(db.url, `DELETE FROM message_prefs WHERE user_id = ${user}`);
});

test('a relay outage is retried with backoff; the mail arrives once when it is back', { timeout: 60_000 }, async () => {
  const d = dealers[2];
  const user = await userOf(d.login);
  await sql(db.url, `UPDATE users SET email = 'shop2@example.com' WHERE id = ${user}`);
  await stopRelay();
  await sql(db.url, `SELECT message_send(${user}, 'promotion', '{"title": "停機期間"}'::jsonb)`);
  await waitFor(async () => Number((await one(`SELECT attempts FROM outbox WHERE recipient = 'shop2@example.com'`))[0]) >= 3,
    { what: 'three failed attempts', timeoutMs: 20_000 });
  const [state, lastError, wait] = await one(`SELECT state, last_error, extract(epoch FROM next_at - now())
    FROM outbox WHERE recipient = 'shop2@example.com'`);
  assert.ok(['pending', 'sending'].includes(state), state);
  assert.match(lastError, /smtp: /);
  console.log(`# during the outage: ${lastError}; next attempt in ${Number(wait).toFixed(2)} s`);
  await startRelay();
  await waitFor(() => mailsTo('shop2@example.com').length === 1, { what: 'the mail after the outage', timeoutMs: 20_000 });
  await sleep(1000);
  assert.equal(mailsTo('shop2@example.com').length, 1);
  const [state2, attempts] = await one(`SELECT state, attempts FROM outbox WHERE recipient = 'shop2@example.com'`);
  assert.equal(state2, 'sent');
  console.log(`# delivered at attempt ${attempts}`);
});

test('a misconfigured relay (535 to AUTH, 550 and 530 to MAIL FROM) is retried, not given up; the mail arrives once when it is fixed', { timeout: 60_000 }, async () => {
  const [d] = await mintDealers(db.url, 1, { prefix: 'mailr' });
  const user = await userOf(d.login);
  const address = 'relay-fault@example.com';
  await sql(db.url, `UPDATE users SET email = '${address}' WHERE id = ${user}`);
  const attempts = async () => Number((await one(`SELECT attempts FROM outbox WHERE recipient = '${address}'`))[0] ?? 0);
  const logFrom = server.logs().length;
  const faults = [[{ auth: 535 }, /535 to AUTH/], [{ mail: 550 }, /550 to MAIL FROM/], [{ mail: 530 }, /530 to MAIL FROM/]];
  // the relay restarted with a new configuration: the sender's kept session is gone
  await stopRelay();
  fault = faults[0][0];
  await startRelay();
  await sql(db.url, `SELECT message_send(${user}, 'promotion', '{"title": "中繼設定錯誤"}'::jsonb)`);
  let seen = 0;
  try {
  for (const [f, error] of faults) {
    fault = f;
    await waitFor(async () => {
      const [, e] = await one(`SELECT state, last_error FROM outbox WHERE recipient = '${address}'`);
      // the first fault twice: the same refusal again is retried again, and told once
      return error.test(e ?? '') && (f !== faults[0][0] || (await attempts()) >= 2);
    }, { what: `an attempt refused with ${error}`, timeoutMs: 20_000 });
    seen = await attempts();
    const [state, lastError] = await one(`SELECT state, last_error FROM outbox WHERE recipient = '${address}'`);
    assert.ok(['pending', 'sending'].includes(state), `${state}: ${lastError}`);
    console.log(`# ${JSON.stringify(f)}: ${state} after ${seen} attempts, ${lastError}`);
  }
  } finally {
    fault = null; // the tests after this one need a working relay
  }
  assert.equal(mailsTo(address).length, 0);
  // the operator is told what to check, once per kind of failure, not once per mail
  const told = server.logs().slice(logFrom).filter((l) => /the SMTP relay .* answered/.test(l));
  assert.ok(told.some((l) => /535 to AUTH: authentication failed: check smtp_user and smtp_password/.test(l)), told.join('\n'));
  assert.ok(told.some((l) => /550 to MAIL FROM: the relay refused the sender: check smtp_from/.test(l)), told.join('\n'));
  assert.ok(told.some((l) => /530 to MAIL FROM: the relay wants STARTTLS or AUTH first/.test(l)), told.join('\n'));
  assert.equal(told.length, 3, `told once per kind of failure:\n${told.join('\n')}`);
  fault = null;
  await waitFor(() => mailsTo(address).length === 1, { what: 'the mail once the relay is fixed', timeoutMs: 20_000 });
  await sleep(1000);
  assert.equal(mailsTo(address).length, 1);
  const [state, n] = await one(`SELECT state, attempts FROM outbox WHERE recipient = '${address}'`);
  assert.equal(state, 'sent');
  assert.ok(server.logs().slice(logFrom).some((l) => /the SMTP relay accepts mail again/.test(l)));
  console.log(`# delivered at attempt ${n}, after ${seen} refused`);
});

test('a permanent refusal (550 to RCPT TO) is given up at once', { timeout: 30_000 }, async () => {
  const d = dealers[3];
  const user = await userOf(d.login);
  await sql(db.url, `UPDATE users SET email = 'bounce3@example.com' WHERE id = ${user}`);
  await sql(db.url, `SELECT message_send(${user}, 'promotion', '{"title": "退信"}'::jsonb)`);
  await waitFor(async () => (await one(`SELECT state FROM outbox WHERE recipient = 'bounce3@example.com'`))[0] === 'dead',
    { what: 'given up', timeoutMs: 15_000 });
  const [attempts, lastError] = await one(`SELECT attempts, last_error FROM outbox WHERE recipient = 'bounce3@example.com'`);
  assert.equal(attempts, '1');
  assert.match(lastError, /550 to RCPT TO/);
});

test('kill -9 while sending: nothing lost, at most the mail in flight doubled, with the same Message-ID', { timeout: 90_000 }, async () => {
  const n = 12;
  await sql(db.url, `INSERT INTO users (login, name, role, password_hash, email)
    SELECT 'crash' || i, 'Crash ' || i, 'rep', (SELECT password_hash FROM users LIMIT 1), 'crash' || i || '@example.com'
    FROM generate_series(1, ${n}) i`);
  received = [];
  // The relay holds its answer to the 4th mail's data until the server has been killed.
  let release;
  const arrived = new Promise((resolve) => {
    let seen = 0;
    const check = setInterval(() => {
      seen = received.filter((m) => m.to[0].startsWith('crash')).length;
      if (seen >= 3) {
        clearInterval(check);
        holdData = { arrived: resolve, release: new Promise((r) => (release = r)) };
      }
    }, 1);
  });
  await sql(db.url, `SELECT message_send(id, 'promotion', '{"title": "crash"}'::jsonb)
    FROM users WHERE login LIKE 'crash%' ORDER BY id`);
  const held = await arrived;
  server.proc.kill('SIGKILL');
  await server.exited;
  release(); // the relay now accepts the held mail: the dead server never recorded it
  const [inFlight] = await one(`SELECT count(*) FROM outbox WHERE recipient LIKE 'crash%' AND state = 'sending'`);
  console.log(`# killed with ${received.length} mails at the relay, ${inFlight} rows left sending`);
  assert.ok(Number(inFlight) >= 1);

  server = await startServer({ databaseUrl: db.url, env: mailEnv(), user: false });
  await waitFor(async () => Number((await one(`SELECT count(*) FROM outbox WHERE recipient LIKE 'crash%'
    AND state = 'sent'`))[0]) === n, { what: 'every mail sent', timeoutMs: 30_000 });
  const byAddress = new Map();
  for (const m of received) byAddress.set(m.to[0], [...(byAddress.get(m.to[0]) ?? []), m]);
  assert.equal(byAddress.size, n, 'none lost');
  const doubled = [...byAddress.entries()].filter(([, ms]) => ms.length > 1);
  console.log(`# after the restart: ${n} addresses, ${received.length} mails, doubled: ${doubled.map(([a]) => a).join(', ') || 'none'}`);
  assert.ok(doubled.length <= 1, 'at most the mail in flight');
  for (const [address, ms] of doubled) {
    assert.equal(address, held.to[0], 'the doubled one is the held one');
    assert.equal(ms.length, 2);
    assert.equal(ms[0].headers['message-id'], ms[1].headers['message-id'], 'the same Message-ID');
  }
  const [attempts] = await one(`SELECT attempts FROM outbox WHERE recipient = '${held.to[0]}'`);
  assert.equal(attempts, '2', 'its first attempt was recorded before it was sent');
});
