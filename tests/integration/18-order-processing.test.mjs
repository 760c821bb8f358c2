// After the fair (PROTOCOL.md "Order processing"): the automatic review holds orders over
// credit or without an address and routes the others by region; priorities order the
// queue; review, ship, in transit, delivered, each pushed to every session of the dealer
// and to no other dealer; illegal steps refused; the printable confirmation for the owner
// and staff only.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createDatabase, startServer, connect, sql, makeFair, mintDealers, httpGet, fairctl, session, creditDrift } from './harness.mjs';

let db;
let a;
let b;
let fx;
let d;        // [routed, over credit, no address, key dealer, bystander]
let orders;   // order ids by name

before(async () => {
  db = await createDatabase();
  a = await startServer({ databaseUrl: db.url, user: { login: 'rep-a', role: 'rep' } });
  b = await startServer({ databaseUrl: db.url, user: false });
  fx = await makeFair(db.url, { name: '處理測試會', products: 2 });
  d = await mintDealers(db.url, 5, { prefix: `proc${process.pid}x` });
  // the routing, as an operator sets it
  await fairctl(db.url, ['warehouse', '華東', '杭州倉']);
  await fairctl(db.url, ['warehouse', '華東', '上海倉']);
  await fairctl(db.url, ['warehouse', '華南', '廣州倉']);
  assert.equal((await fairctl(db.url, ['warehouse'])).stdout, '華南\t廣州倉\n華東\t上海倉\n');
  await sql(db.url, `INSERT INTO dealer_addresses (dealer_id, recipient, phone, address, is_default)
      SELECT id, '收貨人 <b>' || id || '</b>', '021-1234', '上海市南京路 ' || id || ' 號', true
      FROM dealers WHERE id IN (${d[0].dealerId}, ${d[1].dealerId}, ${d[3].dealerId}, ${d[4].dealerId});
    UPDATE dealers SET key_dealer = true, region = '華南' WHERE id = ${d[3].dealerId};
    UPDATE dealers SET name = '<script>alert(1)</script>旗艦店' WHERE id = ${d[0].dealerId}`);

  orders = {};
  const [v1, v2, v3] = fx.products[0].variants;
  const place = async (name, dealer, lines) => {
    const c = await connect(a, { cookie: dealer.cookie });
    await c.next('hello', 10_000);
    const r = await c.request('order.place', { fair: fx.fair, key: name, lines });
    assert.equal(r.ok, true, JSON.stringify(r));
    orders[name] = r.order.id;
    await c.close();
  };
  await place('routed', d[0], [{ variant: v1, qty: 2 }, { variant: v2, qty: 3 }, { variant: fx.products[0].variants[3], qty: 1 }]);
  await place('credit', d[1], [{ variant: v1, qty: 5 }]);
  await place('noaddr', d[2], [{ variant: v2, qty: 1 }]);
  await place('key', d[3], [{ variant: v3, qty: 1 }]);
  await place('urgent', d[4], [{ variant: v3, qty: 2 }]);
  await place('reject', d[4], [{ variant: v3, qty: 4 }]);
});

after(async () => {
  try {
    await Promise.all([a?.stop(), b?.stop()]);
  } finally {
    if (db) await db.drop();
  }
});


test('nothing is processed while the fair is live', async () => {
  const rep = await session(a, a.cookie);
  const r = await rep.request('order.review', { order: orders.routed, decision: 'approve' });
  assert.equal(r.error?.code, 'conflict', JSON.stringify(r));
  assert.match(r.error.message, /live/);
  await rep.close();
});

test('the queue: automatic review, routing, priority, then every step pushed to the dealer alone', async () => {
  await sql(db.url, `UPDATE dealers SET credit_limit = 1000 WHERE id = ${d[1].dealerId};
    UPDATE fairs SET status_override = 'closed' WHERE id = ${fx.fair}`);
  const rep = await session(a, a.cookie);
  const mine = [await session(a, d[0].cookie), await session(b, d[0].cookie)];
  const other = await session(b, d[4].cookie);

  const pri = await rep.request('order.priority', { order: orders.urgent, priority: 'urgent' });
  assert.equal(pri.ok, true, JSON.stringify(pri));
  const queue = await rep.request('orders.queue', { fair: fx.fair });
  assert.equal(queue.ok, true, JSON.stringify(queue).slice(0, 300));
  const byId = new Map(queue.orders.map((o) => [o.id, o]));
  assert.ok(byId.has(orders.routed), JSON.stringify(queue).slice(0, 2000));
  assert.equal(byId.get(orders.routed).status, 'reviewed');
  assert.equal(byId.get(orders.routed).warehouse, '上海倉');
  assert.equal(byId.get(orders.key).warehouse, '廣州倉', 'routed by the dealer\'s region');
  assert.equal(byId.get(orders.credit).status, 'accepted');
  assert.match(byId.get(orders.credit).hold_reason, /over credit/);
  assert.equal(byId.get(orders.noaddr).status, 'accepted');
  assert.equal(byId.get(orders.noaddr).hold_reason, 'no ship-to address');
  assert.equal(queue.orders[0].id, orders.urgent, 'urgent first');
  assert.equal(queue.orders[1].id, orders.key, 'then key dealers');
  assert.ok(queue.orders.every((o) => o.dealer_name && o.region), 'with the dealer shown');
  const held = await rep.request('orders.queue', { fair: fx.fair, status: 'accepted' });
  assert.deepEqual(held.orders.map((o) => o.id).sort(), [orders.credit, orders.noaddr].sort());
  assert.equal((await rep.request('orders.queue', { status: 'lost' })).error?.code, 'bad_request');

  for (const s of mine) {
    const push = await s.next((m) => m.ev === 'order.status' && m.order === orders.routed, 10_000);
    assert.equal(push.status, 'reviewed');
    assert.equal(push.fair, fx.fair);
  }

  // Illegal steps.
  const early = await rep.request('order.advance', { order: orders.routed, status: 'delivered' });
  assert.equal(early.error?.code, 'conflict');
  const again = await rep.request('order.review', { order: orders.routed, decision: 'approve' });
  assert.equal(again.error?.code, 'conflict');
  const skip = await rep.request('order.ship', { order: orders.credit, carrier: '順豐', tracking: 'SF1' });
  assert.equal(skip.error?.code, 'conflict', 'a held order is not shipped');

  // The path, one step at a time.
  const shipped = await rep.request('order.ship', { order: orders.routed, carrier: '順豐速運', tracking: 'SF1234567890' });
  assert.equal(shipped.ok, true, JSON.stringify(shipped));
  assert.deepEqual([shipped.order.status, shipped.order.carrier, shipped.order.tracking], ['shipped', '順豐速運', 'SF1234567890']);
  const twice = await rep.request('order.ship', { order: orders.routed, carrier: 'x', tracking: 'y' });
  assert.equal(twice.error?.code, 'conflict');
  for (const status of ['in_transit', 'delivered']) {
    const step = await rep.request('order.advance', { order: orders.routed, status });
    assert.equal(step.order?.status, status, JSON.stringify(step));
  }
  assert.equal((await rep.request('order.advance', { order: orders.routed, status: 'shipped' })).error?.code, 'bad_request');
  const after = await rep.request('order.priority', { order: orders.routed, priority: 'high' });
  assert.equal(after.error?.code, 'conflict', 'a delivered order gets no priority');

  for (const s of mine) {
    const seen = [];
    for (const status of ['shipped', 'in_transit', 'delivered']) {
      const push = await s.next((m) => m.ev === 'order.status' && m.status === status, 10_000);
      seen.push(push.status);
      if (status === 'shipped') assert.deepEqual([push.carrier, push.tracking], ['順豐速運', 'SF1234567890']);
    }
    assert.deepEqual(seen, ['shipped', 'in_transit', 'delivered']);
  }
  const history = (await mine[0].request('orders.mine', { fair: fx.fair })).orders[0].history;
  assert.deepEqual(history.map((h) => h.status), ['accepted', 'reviewed', 'shipped', 'in_transit', 'delivered']);
  assert.equal(history[2].tracking, 'SF1234567890');
  assert.equal(history[2].by, 'rep-a');

  // A person approves the held order and rejects another, whose units go back.
  const approved = await rep.request('order.review', { order: orders.credit, decision: 'approve', note: '已電話確認' });
  assert.equal(approved.order?.status, 'reviewed', JSON.stringify(approved));
  assert.equal(approved.order.hold_reason, null);
  const v3 = fx.products[0].variants[2];
  const [[soldBefore]] = await sql(db.url, `SELECT sold FROM stock WHERE fair_id = ${fx.fair} AND variant_id = ${v3}`);
  const rejected = await rep.request('order.review', { order: orders.reject, decision: 'reject', note: '重複下單' });
  assert.equal(rejected.order?.status, 'rejected', JSON.stringify(rejected));
  const [[soldAfter]] = await sql(db.url, `SELECT sold FROM stock WHERE fair_id = ${fx.fair} AND variant_id = ${v3}`);
  assert.equal(Number(soldBefore) - Number(soldAfter), 4);

  // The rejection, the last change above, is the marker: its push reaches the other dealer's
  // session after anything of the earlier changes misrouted there.
  await other.next((m) => m.ev === 'order.status' && m.order === orders.reject && m.status === 'rejected', 10_000);
  const foreign = other.pushes.filter((p) => p.ev === 'order.status' && p.order !== orders.reject && p.order !== orders.urgent);
  assert.deepEqual(foreign, [], 'another dealer hears nothing of these orders');
  const [[audits]] = await sql(db.url, `SELECT count(*) FROM audit_log WHERE target = 'order:${orders.routed}'`);
  assert.equal(Number(audits), 4, 'review, ship and two steps are audited');
  await Promise.all([rep, ...mine, other].map((s) => s.close()));
});

test('dealers cannot use the processing ops', async () => {
  const c = await session(b, d[2].cookie);
  assert.equal((await c.request('orders.queue', {})).error?.code, 'forbidden');
  assert.equal((await c.request('order.review', { order: orders.noaddr, decision: 'approve' })).error?.code, 'forbidden');
  await c.close();
});

test('the printable confirmation: in the reader\'s language, for the dealer and staff, escaped, by style, colour and size', async () => {
  const url = `${a.url}/orders/${orders.routed}/print`;
  const owner = await httpGet(url, { headers: { cookie: d[0].cookie } });
  assert.equal(owner.status, 200, owner.body);
  assert.match(owner.headers['content-type'], /text\/html/);
  assert.match(owner.headers['content-security-policy'] ?? '', /default-src/, 'the CSP holds');
  const html = owner.body;
  assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;旗艦店'), 'the dealer name is escaped');
  assert.ok(!/<script|<style|style=/.test(html), 'no markup from data, no inline script or style');
  assert.ok(html.includes('收貨人 &lt;b&gt;'), 'the address is escaped');
  const [p0] = fx.products;
  const [[style, nameEn]] = await sql(db.url, `SELECT style, name_en FROM products WHERE id = ${p0.id}`);
  assert.ok(html.includes(style), 'the style code');
  assert.match(html, /<th>M<\/th><th>L<\/th>/, 'sizes across');
  assert.match(html, /黑色/);
  const [[total, status, placed, zone]] = await sql(db.url, `
    SELECT o.total, o.status, to_char(o.created_at AT TIME ZONE f.timezone, 'YYYY-MM-DD HH24:MI'), f.timezone
    FROM orders o JOIN fairs f ON f.id = o.fair_id WHERE o.id = ${orders.routed}`);
  const money = (Number(total) / 100).toLocaleString('en-US', { minimumFractionDigits: 2 });
  const words = {
    'zh-Hans': { lang: 'zh-Hans', total: `合计：6 件，CNY ${money}`, status: '状态', placed: '下单时间', price: '金额 (CNY)' },
    'zh-Hant': { lang: 'zh-Hant', total: `合計：6 件，CNY ${money}`, status: '狀態', placed: '下單時間', price: '金額 (CNY)' },
    en: { lang: 'en', total: `Total: 6 units, CNY ${money}`, status: 'Status', placed: 'Placed', price: 'Amount (CNY)' },
  };
  const statusWords = {
    'zh-Hans': { shipped: '已发货', in_transit: '运输中', delivered: '已签收', reviewed: '已审核', accepted: '已接单' },
    'zh-Hant': { shipped: '已出貨', in_transit: '運送中', delivered: '已簽收', reviewed: '已審核', accepted: '已接單' },
    en: { shipped: 'Shipped', in_transit: 'In transit', delivered: 'Delivered', reviewed: 'Reviewed', accepted: 'Accepted' },
  };
  // Simplified by default, Traditional and English on request (lang=, as the pages pass it)
  for (const [lang, w] of Object.entries(words)) {
    const page = lang === 'zh-Hans' ? owner : await httpGet(`${url}?lang=${lang}`, { headers: { cookie: d[0].cookie } });
    assert.equal(page.status, 200);
    assert.ok(page.body.includes(`<html lang="${w.lang}">`), lang);
    assert.ok(page.body.includes(w.total), `${lang}: the units and the total ${money}`);
    assert.ok(page.body.includes(`${w.status}</td><td>${statusWords[lang][status]}</td>`), `${lang}: the status ${status} in words`);
    assert.ok(!page.body.includes(`<td>${status}</td>`), `${lang}: not the raw status`);
    assert.ok(page.body.includes(`${w.placed}</td><td>${placed} ${zone} (UTC+8)</td>`), 
      `${page.body.slice(page.body.indexOf(w.placed), page.body.indexOf(w.placed) + 80)} ${placed} ${zone} ${lang}: the time on the fair's clock, labelled with its zone`);
    assert.ok(page.body.includes(`<th>${w.price}</th>`), `${lang}: amounts in the fair's currency`);
  }
  const english = await httpGet(`${url}?lang=en`, { headers: { cookie: d[0].cookie } });
  if (nameEn) assert.ok(english.body.includes(nameEn), 'the English name in English');
  assert.ok(!/[件訂單]/.test(english.body.replace(/<td>[^<]*<\/td>|<h2 class="product">[^<]*<\/h2>/g, '')), 'no Chinese labels in English');
  assert.equal((await httpGet(`${a.url}/orders/987654321/print?lang=en`, { headers: { cookie: d[0].cookie } })).body
    .includes('No such order.'), true, 'a refusal in the reader\'s language too');

  const staff = await httpGet(url, { headers: { cookie: a.cookie } });
  assert.equal(staff.status, 200);
  // Another dealer's order looks like an unknown one: ids cannot be probed for.
  const stranger = await httpGet(url, { headers: { cookie: d[4].cookie } });
  const unknown = await httpGet(`${a.url}/orders/987654321/print`, { headers: { cookie: d[4].cookie } });
  assert.equal(stranger.status, 404);
  assert.equal(stranger.body, unknown.body, 'the same answer as for an order that does not exist');
  assert.ok(!stranger.body.includes('旗艦店'), 'nothing of the order leaks');
  assert.equal((await httpGet(url)).status, 401);
  assert.equal((await httpGet(`${a.url}/orders/987654321/print`, { headers: { cookie: d[0].cookie } })).status, 404);
  assert.equal((await httpGet(`${a.url}/orders/abc/print`, { headers: { cookie: d[0].cookie } })).status, 404);
});

test('each dealer\'s kept open credit still equals the sum of its open orders after review, rejection, shipping and delivery', async () => {
  const [[orders]] = await sql(db.url, 'SELECT count(*) FROM orders');
  assert.ok(Number(orders) > 0);
  assert.deepEqual(await creditDrift(db.url), []);
});
