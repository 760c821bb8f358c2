// The inbox in Chromium (issue 25): a message sent while the dealer was away shows in the
// header's badge at login; one sent while the page is open raises the badge live (timed);
// the page lists them in words (a coupon, an order's status); marking one read and then all
// lowers the badge here and in the dealer's second window; the mail settings save; axe finds
// nothing serious. Each message's time is in its fair's zone (Europe/Paris beside
// Asia/Shanghai), a message of no fair in the browser's, each labelled with its zone when they
// differ, once in the heading when they do not. Screenshots at laptop and phone size:
// build/test-artifacts/inbox-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import AxeBuilder from '@axe-core/playwright';
import { chooseLang, browserSuite, openAs, screenshot, createUser, makeFair } from './browser.mjs';
import { sql, waitFor } from '../integration/harness.mjs';

const suite = browserSuite();

test('the badge counts what came while away and what comes live; reading lowers it everywhere', { timeout: 180_000 }, async () => {
  const { db, server, browser } = suite;
  const fx = await makeFair(db.url, { name: '站内信页面会', products: 1 });
  const shop = await createUser(db.url, { login: 'inbox-shop', name: '林店长', password: 'inbox-pass-1' });

  // Away: a coupon.
  await sql(db.url, `SELECT message_send(${shop.id}, 'coupon', '{"fair_name": "站内信页面会", "name": "开幕券",
    "code": "OPEN200", "amount_off": 20000, "threshold": 200000, "currency": "CNY"}'::jsonb, ${fx.fair})`);

  const { context, page, problems } = await openAs(browser, server, 'inbox-shop', 'inbox-pass-1', { viewport: { width: 1280, height: 800 } });
  await page.locator('#inbox-badge').filter({ hasText: '1' }).waitFor({ timeout: 20_000 });
  assert.equal(await page.locator('#inbox-link').getAttribute('aria-label'), '站内信，1 条未读');

  // Live: an order's status, while the page is open.
  const t0 = Date.now();
  await sql(db.url, `SELECT message_send(${shop.id}, 'order.status', '{"fair_name": "站内信页面会", "order": 77,
    "status": "shipped", "carrier": "顺丰速运", "tracking": "SF1234567890"}'::jsonb, ${fx.fair})`);
  await page.locator('#inbox-badge').filter({ hasText: '2' }).waitFor({ timeout: 10_000 });
  const live = Date.now() - t0;
  console.log(`# message_send -> badge 2 painted: ${live} ms`);
  assert.ok(live < 3000, `the badge follows within 3 s (${live} ms)`);

  // A second window of the same dealer.
  const second = await openAs(browser, server, 'inbox-shop', 'inbox-pass-1', { viewport: { width: 390, height: 844 }, isMobile: true });
  await second.page.locator('#inbox-badge').filter({ hasText: '2' }).waitFor({ timeout: 20_000 });

  // The page: newest first, in words.
  await page.click('#inbox-link');
  await page.locator('#inbox-list .message').nth(1).waitFor({ timeout: 10_000 });
  const texts = await page.locator('#inbox-list .message-text').allTextContents();
  assert.deepEqual(texts, [
    '订单 77：已发货 顺丰速运 运单号 SF1234567890',
    '站内信页面会 送您一张优惠券「开幕券」（满 ¥2,000.00 减 ¥200.00），券码 OPEN200',
  ]);
  assert.equal(await page.locator('#inbox-list .message.unread').count(), 2);
  assert.equal(await page.locator('#inbox-list .unread-mark').count(), 2, 'unread is said in words, not by colour only');
  await screenshot(page, 'inbox-laptop');

  const axe = await new AxeBuilder({ page }).analyze();
  for (const v of axe.violations) console.log(`axe inbox: ${v.impact} ${v.id} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  assert.deepEqual(axe.violations.filter((v) => ['serious', 'critical'].includes(v.impact)).map((v) => v.id), []);

  // One read: both windows' badges say 1.
  await page.locator('#inbox-list .message').first().locator('.mark-read').click();
  await page.locator('#inbox-badge').filter({ hasText: '1' }).waitFor({ timeout: 10_000 });
  await second.page.locator('#inbox-badge').filter({ hasText: '1' }).waitFor({ timeout: 10_000 });
  assert.equal(await page.locator('#inbox-list .message.unread').count(), 1);

  // The phone's window shows the page too, then all are read from it.
  await second.page.goto(`${server.url}/#/inbox`);
  await second.page.locator('#inbox-read-all').click({ timeout: 10_000 });
  await second.page.locator('#inbox-count').filter({ hasText: '0 条未读' }).waitFor({ timeout: 10_000 });
  await page.locator('#inbox-badge').waitFor({ state: 'detached', timeout: 10_000 });
  await page.locator('#inbox-list .message.unread').first().waitFor({ state: 'detached', timeout: 10_000 });
  const [[unread]] = await sql(db.url, `SELECT count(*) FROM inbox_messages WHERE user_id = ${shop.id} AND read_at IS NULL`);
  assert.equal(unread, '0');
  await screenshot(second.page, 'inbox-phone');

  // Mail settings: an address, and coupons not mailed.
  await page.fill('#mail-address', 'lin@example.com');
  await page.click('#mail-prefs button[type=submit]');
  await page.locator('#mail-prefs-note').filter({ hasText: '已保存' }).waitFor({ timeout: 10_000 });
  await page.locator('#mail-prefs input[data-kind="coupon"]').uncheck();
  await waitFor(async () => (await sql(db.url, `SELECT email FROM message_prefs WHERE user_id = ${shop.id} AND kind = 'coupon'`))[0]?.[0] === 'f',
    { what: 'coupons not mailed', timeoutMs: 10_000 });
  assert.equal((await sql(db.url, `SELECT email FROM users WHERE id = ${shop.id}`))[0][0], 'lin@example.com');

  // English.
  await chooseLang(page, 'en');
  await page.locator('#inbox-title').filter({ hasText: 'Inbox' }).waitFor({ timeout: 5_000 });
  assert.equal(await page.locator('#inbox-list .message-text').first().textContent(), 'Order 77: Shipped 顺丰速运, tracking SF1234567890');

  assert.deepEqual(problems, []);
  assert.deepEqual(second.problems, []);
  await second.context.close();
  await context.close();
});

test('each message\'s time is in its fair\'s zone, a message of no fair in the browser\'s, each labelled', { timeout: 120_000 }, async () => {
  const { db, server, browser } = suite;
  const shanghai = await makeFair(db.url, { name: '上海订货会', products: 1 });
  const paris = await makeFair(db.url, { name: '巴黎订货会', products: 1 });
  await sql(db.url, `UPDATE fairs SET timezone = 'Europe/Paris' WHERE id = ${paris.fair}`);
  const shop = await createUser(db.url, { login: 'zone-shop', name: '周店长', password: 'zone-pass-1' });
  await sql(db.url, `SELECT message_send(${shop.id}, 'promotion', '{"fair_name": "上海订货会", "title": "上海新品"}'::jsonb, ${shanghai.fair});
    SELECT message_send(${shop.id}, 'promotion', '{"fair_name": "巴黎订货会", "title": "巴黎新品"}'::jsonb, ${paris.fair});
    SELECT message_send(${shop.id}, 'promotion', '{"title": "品牌通知"}'::jsonb)`);
  const at = new Map((await sql(db.url, `SELECT params->>'title', rfc3339(created_at) FROM inbox_messages WHERE user_id = ${shop.id}`)));
  // the browser in New York: neither fair's zone
  const { context, page, problems } = await openAs(browser, server, 'zone-shop', 'zone-pass-1',
    { viewport: { width: 375, height: 800 }, isMobile: true, timezoneId: 'America/New_York' });
  await page.locator('#inbox-link').click({ timeout: 20_000 });
  await page.locator('#inbox-list .message').nth(2).waitFor({ timeout: 10_000 });
  const inZone = (iso, timeZone) => new Intl.DateTimeFormat('zh-CN', { timeZone, hourCycle: 'h23', year: 'numeric',
    month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).format(new Date(iso));
  const offset = (iso, timeZone) => new Intl.DateTimeFormat('en', { timeZone, timeZoneName: 'shortOffset' })
    .formatToParts(new Date(iso)).find((p) => p.type === 'timeZoneName').value.replace('GMT', 'UTC');
  const want = [['品牌通知', 'America/New_York'], ['巴黎新品', 'Europe/Paris'], ['上海新品', 'Asia/Shanghai']];
  const rows = page.locator('#inbox-list .message');
  for (const [i, [title, zone]] of want.entries()) {
    const row = rows.nth(i);
    assert.match(await row.locator('.message-text').textContent(), new RegExp(title));
    assert.equal(await row.locator('time').textContent(), inZone(at.get(title), zone), `${title}: the time in ${zone}`);
    assert.equal(await row.locator('.message-zone').textContent(), `${zone} (${offset(at.get(title), zone)})`, `${title}: labelled`);
  }
  assert.equal(await page.locator('#inbox-zone').count(), 0, 'several zones: no single zone in the heading');
  await screenshot(page, 'inbox-zones-phone');
  const axe = await new AxeBuilder({ page }).include('#inbox-list').analyze();
  for (const v of axe.violations) console.log(`axe inbox zones: ${v.impact} ${v.id} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  assert.deepEqual(axe.violations.map((v) => v.id), []);

  // one zone left on the page: said once in the heading, not on every time
  await sql(db.url, `DELETE FROM inbox_messages WHERE user_id = ${shop.id} AND fair_id IS DISTINCT FROM ${paris.fair}`);
  await page.reload();
  await page.locator('#inbox-list .message').first().waitFor({ timeout: 20_000 });
  await page.locator('#inbox-zone').filter({ hasText: 'Europe/Paris' }).waitFor({ timeout: 10_000 });
  assert.equal(await page.locator('#inbox-list .message-zone').count(), 0);
  assert.deepEqual(problems, []);
  await context.close();
});

test('an admin adds a webhook, sees its secret once, and removes it', { timeout: 120_000 }, async () => {
  const { db, server, browser } = suite;
  await createUser(db.url, { login: 'hook-boss', name: '系统管理员', role: 'admin', password: 'hook-pass-12' });
  const { context, page, problems } = await openAs(browser, server, 'hook-boss', 'hook-pass-12', { viewport: { width: 1280, height: 800 } });
  await page.click('#webhooks-link', { timeout: 20_000 });
  await page.locator('#webhooks-none').waitFor({ timeout: 10_000 });
  await page.fill('#webhook-url', 'https://erp.example.com/fair-hook');
  await page.locator('#webhook-form input[data-event="order.amended"]').uncheck();
  assert.ok(await page.locator('#webhook-form input[data-event="order.repriced"]').isChecked(), 'a repriced order is offered too');
  await page.click('#webhook-form button[type=submit]');
  await page.locator('#webhook-secret code').waitFor({ timeout: 10_000 });
  const secret = await page.locator('#webhook-secret code').textContent();
  assert.match(secret, /^[0-9a-f]{64}$/);
  const [[stored, events]] = await sql(db.url, `SELECT secret, array_to_string(events, ',') FROM webhook_subscriptions`);
  assert.equal(stored, secret, 'the secret shown is the one the calls are signed with');
  assert.equal(events, 'fair.closed,order.accepted,order.cancelled,order.repriced,order.shipped');
  const row = page.locator('#webhook-list tbody tr').first();
  assert.equal(await row.locator('td.url').textContent(), 'https://erp.example.com/fair-hook');
  assert.match(await row.textContent(), /待发 0 · 已发 0 · 失败 0/);
  await screenshot(page, 'webhooks-admin');

  // a refusal in words
  await page.fill('#webhook-url', 'https://erp.example.com/x');
  await page.fill('#webhook-secret-in', 'short');
  await page.click('#webhook-form button[type=submit]');
  await page.locator('#webhook-note').waitFor({ timeout: 10_000 });

  page.once('dialog', (d) => d.accept());
  await row.locator('button').click();
  await page.locator('#webhook-note').filter({ hasText: '已停用' }).waitFor({ timeout: 10_000 });
  assert.equal((await sql(db.url, `SELECT active FROM webhook_subscriptions`))[0][0], 'f');
  await page.locator('#webhook-list tr.inactive').waitFor({ timeout: 10_000 });

  // a dealer has no such link, and the route shows it nothing
  const shop = await createUser(db.url, { login: 'hook-shop', password: 'hook-pass-13' });
  const dealer = await openAs(browser, server, shop.login, 'hook-pass-13', { viewport: { width: 390, height: 844 } });
  await dealer.page.locator('#inbox-link').waitFor({ timeout: 20_000 });
  assert.equal(await dealer.page.locator('#webhooks-link').count(), 0);
  assert.deepEqual(problems, []);
  await dealer.context.close();
  await context.close();
});
