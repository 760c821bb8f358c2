// The processing queue in Chromium against the real server and PostgreSQL, after the fair:
// held orders with the automatic review's reason, an order's discount and payable, a priority raised, one approved, one
// rejected with a note, one shipped with carrier and tracking, in transit and delivered; a
// second rep's page follows each step live (order.status), the dealer's My orders shows the
// shipment, and the database has every step. While the fair is live the queue says it waits;
// a rep limited to another region sees none of these orders.
// Screenshots go to build/test-artifacts/processing-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserSuite, openAs, screenshot, createUser, makeFair } from './browser.mjs';
import { connect, fairctl, login, sql } from '../integration/harness.mjs';

const suite = browserSuite();

test('reps process the orders after the fair, live on each other\'s pages, and the dealer follows', { timeout: 180_000 }, async () => {
  const { db, server, browser } = suite;
  const fx = await makeFair(db.url, { name: '处理订货会', products: 2 });
  await createUser(db.url, { login: 'clerk', name: '陈志明', role: 'rep', password: 'clerk-pass-123' });
  await createUser(db.url, { login: 'clerk2', name: '林美玲', role: 'rep', password: 'clerk2-pass-123' });
  const shops = [];
  for (const [login, name] of [['shop1', '徐汇店'], ['shop2', '静安店'], ['shop3', '浦东店']]) {
    const u = await createUser(db.url, { login, name, password: `${login}-pass-1`, tier: 'A' });
    shops.push(u);
  }
  await fairctl(db.url, ['warehouse', '华东', '上海仓']);
  const dealerIds = (await sql(db.url, `SELECT dealer_id FROM users WHERE login IN ('shop1', 'shop2', 'shop3') ORDER BY login`)).map((r) => r[0]);
  // shop3 has no address: the automatic review holds its order
  await sql(db.url, `UPDATE dealers SET region = '华东' WHERE id IN (${dealerIds.join(',')});
    DELETE FROM dealer_addresses WHERE dealer_id = ${dealerIds[2]};
    INSERT INTO dealer_addresses (dealer_id, recipient, phone, address, is_default)
      SELECT id, '收货人', '021-1234', '上海市南京路 1 号', true FROM dealers WHERE id IN (${dealerIds[0]}, ${dealerIds[1]})
      ON CONFLICT DO NOTHING`);
  // a volume discount of 3% from ¥3,000: shop3's order (4 × ¥800.01) has one, the others none
  const { id: boss } = await createUser(db.url, { login: 'boss', role: 'admin' });
  await sql(db.url, `SELECT policy_set(${boss}, ${fx.fair}, '{"tiers": [{"from": 300000, "percent_bp": 300}]}'::jsonb)`);
  const [v1, v2] = fx.products[0].variants;
  const ids = [];
  for (const [i, login] of ['shop1', 'shop2', 'shop3'].entries()) {
    const s = await login_(login);
    const r = await s.request('order.place', { fair: fx.fair, key: `k${i}`, lines: [{ variant: i % 2 ? v2 : v1, qty: 2 + i }] });
    assert.equal(r.ok, true, JSON.stringify(r));
    ids.push(r.order.id);
    await s.close();
  }
  async function login_(who) {
    const c = await connect(server, { cookie: (await login(server, who, `${who}-pass-1`)).cookie });
    await c.next('hello', 10_000);
    return c;
  }

  const { context: repContext, page: repPage, problems: problems } = await openAs(browser, server, 'clerk', 'clerk-pass-123', { fair: fx.fair, route: '/queue', viewport: { width: 1400, height: 1000 } });
  await repPage.locator('#queue-waits').filter({ hasText: '订货会结束后' }).waitFor({ timeout: 10_000 });
  assert.equal(await repPage.locator('.queued .approve').count(), 0, 'nothing to act on while the fair is live');

  // An admin closes the fair; the page hears it (fair.state) and the queue shows the review.
  const admin = await connect(server, { cookie: server.cookie });
  await admin.next('hello', 10_000);
  const closed = await admin.request('admin.fair.update', { fair: fx.fair, status: 'closed' });
  assert.equal(closed.ok, true, JSON.stringify(closed));
  await admin.close();
  await repPage.locator('#queue-waits').waitFor({ state: 'detached', timeout: 10_000 });
  await repPage.reload();
  const row = (id) => repPage.locator(`.queued[data-order="${id}"]`);
  await row(ids[2]).locator('.hold').waitFor({ timeout: 15_000 });
  assert.equal(await row(ids[0]).locator('.order-status').textContent(), '已审核');
  assert.match(await row(ids[2]).locator('.hold').textContent(), /待人工审核/);
  // the discount and what is left to pay, as the dealer sees them in My orders
  const [[discount, payable]] = await sql(db.url, `SELECT early_discount + tier_discount + coupon_discount,
    total - early_discount - tier_discount - coupon_discount FROM orders WHERE id = ${ids[2]}`);
  assert.equal(discount, '9600');
  assert.equal(await row(ids[2]).locator('.order-discount .discount').textContent(), '−¥96.00');
  assert.equal(await row(ids[2]).locator('.order-discount .payable').textContent(), `¥${(Number(payable) / 100).toLocaleString('en-US', { minimumFractionDigits: 2 })}`);
  assert.equal(await row(ids[0]).locator('.order-discount').count(), 0, 'no discount, no line');

  const { context: other, page: otherPage } = await openAs(browser, server, 'clerk2', 'clerk2-pass-123', { fair: fx.fair, route: '/queue', viewport: { width: 1280, height: 900 } });
  await otherPage.locator(`.queued[data-order="${ids[0]}"]`).waitFor({ timeout: 15_000 });

  // Priority, approve the held order, reject another with a note.
  await row(ids[1]).locator('.prio-select').selectOption('urgent');
  await repPage.locator('.queue-orders > li').first().filter({ hasText: `${ids[1]}` }).waitFor({ timeout: 10_000 });
  await otherPage.locator(`.queued[data-order="${ids[1]}"] .tag.prio`).filter({ hasText: '加急' }).waitFor({ timeout: 15_000 }); // read every 10 s
  await row(ids[2]).locator('.review-note').fill('地址已电话确认');
  await row(ids[2]).locator('.approve').click();
  await row(ids[2]).locator('.order-status').filter({ hasText: '已审核' }).waitFor({ timeout: 10_000 });
  repPage.once('dialog', (d) => d.accept());
  await row(ids[1]).locator('.review-note').fill('重复下单');
  await row(ids[1]).locator('.reject').click();
  await row(ids[1]).waitFor({ state: 'detached', timeout: 10_000 });
  await otherPage.locator(`.queued[data-order="${ids[1]}"]`).waitFor({ state: 'detached', timeout: 10_000 });

  // Ship, in transit, delivered; the other rep's page follows.
  await row(ids[0]).locator('.carrier').fill('顺丰速运');
  await row(ids[0]).locator('.tracking-no').fill('SF1234567890');
  await row(ids[0]).locator('form.ship button[type=submit]').click();
  await row(ids[0]).locator('.order-status').filter({ hasText: '已发货' }).waitFor({ timeout: 10_000 });
  await otherPage.locator(`.queued[data-order="${ids[0]}"] .order-status`).filter({ hasText: '已发货' }).waitFor({ timeout: 10_000 });
  await screenshot(repPage, 'processing-queue');
  await row(ids[0]).locator('.advance').click();
  await row(ids[0]).locator('.order-status').filter({ hasText: '运输中' }).waitFor({ timeout: 10_000 });
  await row(ids[0]).locator('.advance').click();
  await row(ids[0]).waitFor({ state: 'detached', timeout: 10_000 }); // delivered: finished

  const steps = await sql(db.url, `SELECT id, status, carrier, tracking FROM orders WHERE id IN (${ids.join(',')}) ORDER BY id`);
  assert.deepEqual(steps, [ // psql prints NULL as ''
    [String(ids[0]), 'delivered', '顺丰速运', 'SF1234567890'],
    [String(ids[1]), 'rejected', '', ''],
    [String(ids[2]), 'reviewed', '', ''],
  ]);

  // The dealer sees the shipment and its tracking in My orders.
  const { context: shopContext, page: shopPage } = await openAs(browser, server, 'shop1', 'shop1-pass-1', { fair: fx.fair, route: '/orders', viewport: { width: 390, height: 844 }, isMobile: true });
  await shopPage.locator(`.order[data-order="${ids[0]}"] .order-status`).filter({ hasText: '已签收' }).waitFor({ timeout: 10_000 });
  assert.match(await shopPage.locator(`.order[data-order="${ids[0]}"]`).textContent(), /SF1234567890/);
  await screenshot(shopPage, 'processing-dealer-delivered');

  await repPage.selectOption('#queue-status', 'delivered');
  await row(ids[0]).waitFor({ timeout: 10_000 });

  // A rep limited to another region sees none of these orders.
  await createUser(db.url, { login: 'south', name: '南区销售', role: 'rep', password: 'south-pass-123' });
  await sql(db.url, `UPDATE users SET regions = ARRAY['华南'] WHERE login = 'south'`);
  const { context: southContext, page: southPage } = await openAs(browser, server, 'south', 'south-pass-123', { fair: fx.fair, route: '/queue', viewport: { width: 1280, height: 900 } });
  await southPage.locator('#processing-view p.muted').filter({ hasText: '没有订单' }).waitFor({ timeout: 10_000 });
  await southPage.selectOption('#queue-status', 'delivered');
  await southPage.locator('#processing-view p.muted').filter({ hasText: '没有订单' }).waitFor({ timeout: 10_000 });
  assert.equal(await southPage.locator('.queued').count(), 0);
  await southContext.close();
  assert.deepEqual(problems, [], 'no errors in the page');
  await shopContext.close();
  await other.close();
  await repContext.close();
});
