// Webhooks (issue 25; PROTOCOL.md "Webhooks"): an admin subscribes a receiver's URL to events;
// each call is a JSON POST signed with HMAC-SHA256 over "<t>.<body>" (X-Fair-Signature
// t=…,v1=…), which the receiver here verifies with the secret it was given; answers of 500
// are retried from the outbox with the same X-Fair-Delivery until a 2xx; the events: an
// order accepted, amended, cancelled, shipped, and the fair's totals at its close (from the
// durable scheduler), each to the subscriptions that asked for it; unsubscribing stops the
// calls; fairctl webhook add/list/remove; refusals.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import http from 'node:http';
import {
  createDatabase, startServer, connect, sql, makeFair, mintDealers, waitFor, sleep, fairctl, httpGet,
} from './harness.mjs';

let db;
let server;
let fx;
let dealers;
let receiver;
let receiverUrl;
const calls = []; // {path, headers, body, json, valid, status}
const failFirst = new Map(); // delivery id -> 500s still to answer
let failEvent = null; // the event whose first two calls are answered 500
const secrets = new Map(); // path -> secret

function verify(secret, header, body) {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!m) return false;
  const expected = crypto.createHmac('sha256', secret).update(`${m[1]}.`).update(body).digest();
  const given = Buffer.from(m[2], 'hex');
  return Math.abs(Date.now() / 1000 - Number(m[1])) < 300 && crypto.timingSafeEqual(expected, given);
}

before(async () => {
  receiver = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const path = req.url;
      const valid = secrets.has(path) && verify(secrets.get(path), req.headers['x-fair-signature'], body);
      let json = null;
      try { json = JSON.parse(body.toString('utf8')); } catch { /* recorded as null */ }
      const id = req.headers['x-fair-delivery'];
      let status = valid ? 200 : 401;
      if (valid && failEvent && json?.event === failEvent) {
        if (!failFirst.has(id)) failFirst.set(id, 2);
        if (failFirst.get(id) > 0) {
          failFirst.set(id, failFirst.get(id) - 1);
          status = 500;
        }
      }
      calls.push({ path, method: req.method, headers: req.headers, body: body.toString('utf8'), json, valid, status, at: Date.now() });
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(status === 200 ? 'ok' : 'no');
    });
  });
  await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${receiver.address().port}`;
  db = await createDatabase();
  server = await startServer({
    databaseUrl: db.url,
    env: { FAIR_OUTBOX_RETRY_BASE_MS: '200', FAIR_MESSAGES_TICK_S: '1' },
    user: { login: 'hook-admin', role: 'admin' },
  });
  fx = await makeFair(db.url, { name: '回呼測試會', products: 2 });
  dealers = await mintDealers(db.url, 2, { prefix: 'hookd' });
});

after(async () => {
  try {
    await server?.stop();
  } finally {
    if (db) await db.drop();
    await new Promise((resolve) => receiver.close(resolve));
  }
});

async function session(cookie) {
  const c = await connect(server, { cookie });
  await c.next('hello', 10_000);
  return c;
}

async function ok(client, op, args = {}) {
  const r = await client.request(op, args);
  assert.equal(r.ok, true, `${op}: ${JSON.stringify(r)}`);
  return r;
}

const callsOf = (event, path = '/all') => calls.filter((c) => c.path === path && c.json?.event === event);
const delivered = (event, path = '/all') => callsOf(event, path).filter((c) => c.status === 200);

let admin;

test('subscribe: the secret is shown once; refusals', async () => {
  admin = await session(server.cookie);
  const all = await ok(admin, 'webhook.subscribe', {
    url: `${receiverUrl}/all`,
    events: ['order.accepted', 'order.amended', 'order.cancelled', 'order.shipped', 'order.repriced', 'fair.closed'],
  });
  assert.match(all.secret, /^[0-9a-f]{64}$/);
  assert.equal(all.webhook.active, true);
  secrets.set('/all', all.secret);
  const closed = await ok(admin, 'webhook.subscribe', {
    url: `${receiverUrl}/closed`, events: ['fair.closed'], secret: 'a-secret-of-the-brand-erp', fair: fx.fair,
  });
  assert.equal(closed.secret, 'a-secret-of-the-brand-erp');
  secrets.set('/closed', closed.secret);

  for (const [args, why] of [
    [{ url: 'ftp://example.com/x', events: ['order.accepted'] }, 'http or https only'],
    [{ url: `${receiverUrl}/x`, events: ['order.lost'] }, 'a known event'],
    [{ url: `${receiverUrl}/x`, events: ['order.accepted'], secret: 'short-secret-123'.slice(0, 10) }, 'a secret of 16 or more'],
    [{ url: `${receiverUrl}/x y`, events: ['order.accepted'] }, 'no spaces in the URL'],
  ]) {
    const r = await admin.request('webhook.subscribe', args);
    assert.equal(r.ok, false, why);
    assert.equal(r.error.code, 'bad_request', `${why}: ${JSON.stringify(r)}`);
  }
  const dealer = await session(dealers[0].cookie);
  const r = await dealer.request('webhook.list');
  assert.equal(r.ok, false);
  assert.equal(r.error.code, 'forbidden');
  await dealer.close();
  const list = await ok(admin, 'webhook.list');
  assert.equal(list.webhooks.length, 2);
  assert.ok(!('secret' in list.webhooks[0]), 'the list never shows a secret');
});

test('an order accepted: signed, retried after 500s with the same delivery id, then delivered', { timeout: 60_000 }, async () => {
  failEvent = 'order.accepted';
  const c = await session(dealers[0].cookie);
  const placed = await ok(c, 'order.place', {
    fair: fx.fair, key: `hook-${process.pid}`, lines: [{ variant: fx.products[0].variants[0], qty: 3 }],
  });
  await waitFor(() => delivered('order.accepted').length === 1, { what: 'the accepted order delivered', timeoutMs: 20_000 });
  failEvent = null;
  const tries = callsOf('order.accepted');
  assert.equal(tries.length, 3, 'two 500s, then delivered');
  assert.deepEqual(tries.map((t) => t.status), [500, 500, 200]);
  assert.ok(tries.every((t) => t.valid), 'every call signed with the secret');
  assert.equal(new Set(tries.map((t) => t.headers['x-fair-delivery'])).size, 1, 'one delivery id');
  // each try is signed at its own time (t in seconds: tries within one second share it)
  for (const t of tries) {
    const at = Number(/^t=(\d+),/.exec(t.headers['x-fair-signature'])[1]);
    assert.ok(Math.abs(at * 1000 - t.at) < 2000, `t is the try's time: ${at} at ${t.at}`);
  }
  const gaps = tries.slice(1).map((t, i) => t.at - tries[i].at);
  console.log(`# order.accepted: tries ${tries.map((t) => t.status).join(', ')}, gaps ${gaps.join(', ')} ms`);
  assert.ok(gaps[0] >= 90 && gaps[1] >= 180, `backoff between tries: ${gaps}`);
  const { json, headers } = tries[2];
  assert.equal(headers['content-type'], 'application/json');
  assert.equal(headers['x-fair-event'], 'order.accepted');
  assert.equal(String(json.id), headers['x-fair-delivery']);
  assert.equal(json.event, 'order.accepted');
  assert.equal(json.fair, fx.fair);
  assert.equal(json.data.id, placed.order.id);
  assert.equal(json.data.dealer_code, 'hookd1');
  assert.equal(json.data.status, 'accepted');
  assert.deepEqual(json.data.lines.map((l) => [l.variant, l.qty]), [[fx.products[0].variants[0], 3]]);
  // the receiver answers before the sender records it
  await waitFor(async () => (await sql(db.url, `SELECT state FROM outbox WHERE id = ${json.id}`))[0][0] === 'sent',
    { what: 'recorded sent', timeoutMs: 10_000 });
  const [[attempts]] = await sql(db.url, `SELECT attempts FROM outbox WHERE id = ${json.id}`);
  assert.equal(attempts, '3');
  c.order = placed.order.id;

  // amended, and another order cancelled
  await ok(c, 'order.amend', { order: placed.order.id, lines: [{ variant: fx.products[0].variants[0], qty: 5 }] });
  const other = await ok(c, 'order.place', {
    fair: fx.fair, key: `hook2-${process.pid}`, lines: [{ variant: fx.products[1].variants[1], qty: 1 }],
  });
  await ok(c, 'order.cancel', { order: other.order.id });
  await waitFor(() => delivered('order.amended').length === 1 && delivered('order.cancelled').length === 1,
    { what: 'amended and cancelled', timeoutMs: 15_000 });
  assert.equal(delivered('order.amended')[0].json.data.lines[0].qty, 5);
  assert.equal(delivered('order.cancelled')[0].json.data.id, other.order.id);
  assert.equal(delivered('order.cancelled')[0].json.data.status, 'cancelled');
  assert.equal(delivered('order.accepted').length, 2, 'the second order was accepted too');
  await c.close();
});

test('a tier crossed and crossed back by a cancellation: the other order\'s new discount is called as order.repriced', { timeout: 60_000 }, async () => {
  // a fair of its own, from 200,000 take 5% off
  const fair = await makeFair(db.url, { name: '折扣回呼', products: 2 });
  await ok(admin, 'policy.set', { fair: fair.fair, policy: { tiers: [{ from: 200000, percent_bp: 500 }] } });
  const c = await session(dealers[1].cookie);
  const first = await ok(c, 'order.place', {
    fair: fair.fair, key: `rep1-${process.pid}`, lines: [{ variant: fair.products[0].variants[0], qty: 1 }],
  });
  assert.equal(first.order.discount, 0, 'under the tier');
  // the second crosses it: the first order takes 5% too, and the ERP is told
  const second = await ok(c, 'order.place', {
    fair: fair.fair, key: `rep2-${process.pid}`,
    lines: [{ variant: fair.products[1].variants[0], qty: 1 }, { variant: fair.products[1].variants[1], qty: 1 }],
  });
  assert.ok(second.order.discount > 0);
  const repriced = () => delivered('order.repriced').filter((x) => x.json.data.id === first.order.id);
  await waitFor(() => repriced().length === 1, { what: 'the first order repriced', timeoutMs: 15_000 });
  let call = repriced()[0];
  assert.ok(call.valid, 'signed');
  assert.equal(call.headers['x-fair-event'], 'order.repriced');
  assert.equal(call.json.fair, fair.fair);
  const total = first.order.total;
  assert.deepEqual([call.json.data.total, call.json.data.discount, call.json.data.payable],
    [total, Math.floor(total * 0.05), total - Math.floor(total * 0.05)]);
  assert.deepEqual(call.json.data.discounts, { early: 0, tier: Math.floor(total * 0.05), coupon: 0 });
  assert.equal(call.json.data.status, 'accepted');
  assert.equal(call.json.data.lines.reduce((s, l) => s + l.discount, 0), call.json.data.discount, 'the lines share it');
  // as the dealer's own list shows it
  const mine = (await ok(c, 'orders.mine', { fair: fair.fair })).orders.find((o) => o.id === first.order.id);
  assert.equal(mine.payable, call.json.data.payable);
  assert.deepEqual(mine.lines.map((l) => l.discount), call.json.data.lines.map((l) => l.discount));
  // the order whose request crossed the tier has its own event (order.accepted) and no repricing
  assert.equal(delivered('order.repriced').filter((x) => x.json.data.id === second.order.id).length, 0);

  // cancelled: back under the tier, the discount taken back from the first, the ERP told again
  await ok(c, 'order.cancel', { order: second.order.id });
  await waitFor(() => repriced().length === 2, { what: 'the first order repriced back', timeoutMs: 15_000 });
  call = repriced()[1];
  assert.deepEqual([call.json.data.discount, call.json.data.payable], [0, total]);
  assert.deepEqual(call.json.data.discounts, { early: 0, tier: 0, coupon: 0 });
  assert.ok(call.json.data.lines.every((l) => l.discount === 0));
  assert.notEqual(call.headers['x-fair-delivery'], repriced()[0].headers['x-fair-delivery'], 'a delivery of its own');
  await waitFor(() => delivered('order.cancelled').some((x) => x.json.data.id === second.order.id),
    { what: 'the cancellation', timeoutMs: 15_000 });
  assert.equal(callsOf('order.repriced', '/closed').length, 0, 'not to who did not subscribe to it');
  console.log(`# order.repriced: ${total} -> discount ${repriced()[0].json.data.discount} -> 0, two calls`);
  await c.close();
});

test('the fair\'s totals at its close, to both subscriptions; then an order shipped', { timeout: 60_000 }, async () => {
  await sql(db.url, `UPDATE fairs SET status_override = 'closed' WHERE id = ${fx.fair}`);
  await waitFor(() => delivered('fair.closed').length === 1 && delivered('fair.closed', '/closed').length === 1,
    { what: 'fair.closed to both', timeoutMs: 15_000 });
  const totals = delivered('fair.closed')[0].json.data;
  const [[orders, units, amount]] = await sql(db.url, `SELECT count(DISTINCT o.id), sum(l.qty), (SELECT sum(total) FROM orders
    WHERE fair_id = ${fx.fair} AND status NOT IN ('cancelled', 'rejected'))
    FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE o.fair_id = ${fx.fair} AND o.status NOT IN ('cancelled', 'rejected')`);
  assert.equal(totals.orders, Number(orders));
  assert.equal(totals.units, Number(units));
  assert.equal(totals.amount, Number(amount));
  assert.equal(totals.dealers, 1);
  assert.equal(totals.name, '回呼測試會');
  assert.ok(delivered('fair.closed', '/closed')[0].valid, 'signed with its own secret');
  await sleep(2500); // more ticks: once only
  assert.equal(callsOf('fair.closed').length + callsOf('fair.closed', '/closed').length, 2);
  assert.equal(calls.filter((c) => c.path === '/closed' && c.json?.event !== 'fair.closed').length, 0, 'only what it asked for');

  const order = delivered('order.accepted')[0].json.data.id;
  await ok(admin, 'order.review', { order, decision: 'approve' });
  await ok(admin, 'order.ship', { order, carrier: '順豐速運', tracking: 'SF1234567890' });
  await waitFor(() => delivered('order.shipped').length === 1, { what: 'shipped', timeoutMs: 15_000 });
  const shipped = delivered('order.shipped')[0].json.data;
  assert.equal(shipped.id, order);
  assert.equal(shipped.carrier, '順豐速運');
  assert.equal(shipped.tracking, 'SF1234567890');
  assert.equal(callsOf('order.reviewed').length, 0, 'no event nobody can subscribe to');
});

test('unsubscribing stops the calls; fairctl webhook add, list, remove', { timeout: 60_000 }, async () => {
  await waitFor(async () => Number((await sql(db.url, `SELECT count(*) FROM outbox
    WHERE state IN ('pending', 'sending')`))[0][0]) === 0, { what: 'every call recorded', timeoutMs: 10_000 });
  const list = await ok(admin, 'webhook.list');
  const all = list.webhooks.find((w) => w.url.endsWith('/all'));
  assert.ok(all.sent >= 6, JSON.stringify(all));
  assert.equal(all.pending, 0);
  const gone = await ok(admin, 'webhook.unsubscribe', { id: all.id });
  assert.equal(gone.webhook.active, false);
  const r = await admin.request('webhook.unsubscribe', { id: 999999 });
  assert.equal(r.error?.code, 'not_found');

  const fair2 = await makeFair(db.url, { name: '第二場', products: 1 });
  const { stdout } = await fairctl(db.url, ['webhook', 'add', `${receiverUrl}/ctl`, '--events', 'order.accepted,fair.closed', '--fair', String(fair2.fair)]);
  const [, id] = /webhook (\d+)/.exec(stdout);
  const [, secret] = /secret ([0-9a-f]+)/.exec(stdout);
  secrets.set('/ctl', secret);
  const before = calls.length;
  const c = await session(dealers[1].cookie);
  await ok(c, 'order.place', { fair: fair2.fair, key: `hook3-${process.pid}`, lines: [{ variant: fair2.products[0].variants[0], qty: 1 }] });
  await waitFor(() => delivered('order.accepted', '/ctl').length === 1, { what: 'the fairctl subscription called', timeoutMs: 15_000 });
  assert.ok(delivered('order.accepted', '/ctl')[0].valid);
  await sleep(1000);
  assert.deepEqual(calls.slice(before).map((x) => x.path), ['/ctl'], 'the unsubscribed URL is called no more');
  const listed = (await fairctl(db.url, ['webhook', 'list'])).stdout;
  assert.match(listed, new RegExp(`^${id}\\tactive\\t${receiverUrl}/ctl\\tfair.closed,order.accepted\\tfair ${fair2.fair}\\tpending 0\\tsent 1\\tfailed 0$`, 'm'));
  assert.match(listed, new RegExp(`^${all.id}\\tremoved\\t`, 'm'));
  assert.match((await fairctl(db.url, ['webhook', 'remove', id])).stdout, /removed/);
  await assert.rejects(fairctl(db.url, ['webhook', 'add', 'https://x.example/h', '--events', 'Order;drop']), /exit 2/);
  await c.close();
  await admin.close();
});

test('the sender\'s figures in /metrics; finished rows older than outbox_keep_days are deleted, waiting ones kept', { timeout: 60_000 }, async () => {
  const metric = (text, name) => {
    const m = new RegExp(`^${name.replace(/[{}"]/g, (c) => `\\${c}`)} (\\d+)$`, 'm').exec(text);
    return m ? Number(m[1]) : null;
  };
  const { body: text } = await httpGet(`${server.url}/metrics`);
  const [[sentRows]] = await sql(db.url, `SELECT count(*) FROM outbox WHERE channel = 'webhook' AND state = 'sent'`);
  assert.equal(metric(text, 'fair_outbox_sent_total{channel="webhook"}'), Number(sentRows), 'one process: its sends are the rows sent');
  assert.ok(metric(text, 'fair_outbox_failed_total{channel="webhook"}') >= 2, 'the two 500s');
  assert.equal(metric(text, 'fair_outbox_sent_total{channel="email"}'), 0);
  assert.equal(metric(text, 'fair_outbox_pending'), 0);

  // Rows of 40 days ago: one sent, one given up, one still waiting (due tomorrow); and a
  // sent one of yesterday. A second process keeping 30 days deletes the first two at start.
  const [[sub]] = await sql(db.url, 'SELECT min(id) FROM webhook_subscriptions');
  const [[sentOld], [deadOld], [waitOld], [sentNew]] = await sql(db.url, `INSERT INTO outbox
      (channel, subscription_id, recipient, kind, payload, state, created_at, sent_at, next_at)
    VALUES ('webhook', ${sub}, 'http://old.example/h', 'order.accepted', '{}', 'sent', now() - interval '40 days', now() - interval '40 days', now()),
           ('webhook', ${sub}, 'http://old.example/h', 'order.accepted', '{}', 'dead', now() - interval '40 days', NULL, now()),
           ('webhook', ${sub}, 'http://old.example/h', 'order.accepted', '{}', 'pending', now() - interval '40 days', NULL, now() + interval '1 day'),
           ('webhook', ${sub}, 'http://old.example/h', 'order.accepted', '{}', 'sent', now() - interval '1 day', now() - interval '1 day', now())
    RETURNING id`);
  const second = await startServer({ databaseUrl: db.url, user: false, env: { FAIR_OUTBOX_KEEP_DAYS: '30' } });
  try {
    await waitFor(async () => Number((await sql(db.url, `SELECT count(*) FROM outbox WHERE id IN (${sentOld}, ${deadOld})`))[0][0]) === 0,
      { what: 'the old finished rows deleted', timeoutMs: 15_000 });
    const left = (await sql(db.url, `SELECT id, state FROM outbox WHERE id IN (${waitOld}, ${sentNew}) ORDER BY id`)).map(([id, state]) => [Number(id), state]);
    assert.deepEqual(left, [[Number(waitOld), 'pending'], [Number(sentNew), 'sent']], 'what waits, and what is younger, stays');
    const { body: text2 } = await httpGet(`${second.url}/metrics`);
    assert.equal(metric(text2, 'fair_outbox_pruned_total'), 2);
    assert.equal(metric(text2, 'fair_outbox_pending'), 1);
    assert.match(second.logs().join('\n'), /outbox: deleted 2 rows sent or given up over 30 days ago/);
  } finally {
    await second.stop();
  }
});
