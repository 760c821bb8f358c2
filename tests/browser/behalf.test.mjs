// A rep orders on a dealer's behalf in Chromium against the real server and PostgreSQL: the
// dealer's tier price in the lines, the matrix the dealer uses, the order placed for the dealer
// (the database says who placed it) and found on the dealer's own My orders and print page,
// which say who placed it; a rep limited to another region is refused in words and nothing
// is stored. The fair's policies as the dealer would see them: where it stands (the next
// tier), the coupon it may use applied by the rep, the estimate, the order's discount; a rep of
// another region is not shown that dealer's standing either.
// Screenshots go to build/test-artifacts/behalf-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserSuite, logInOnPage, openAs, screenshot, watchProblems, createUser, makeFair } from './browser.mjs';
import { sql } from '../integration/harness.mjs';

const suite = browserSuite();

test('a rep orders for a dealer with the dealer\'s matrix; a rep of another region cannot', { timeout: 180_000 }, async () => {
  const { db, server, browser } = suite;
  const fx = await makeFair(db.url, { name: '代客订货会', products: 2 });
  const rep = await createUser(db.url, { login: 'helper', name: '陈志明', role: 'rep', password: 'helper-pass-123' });
  await createUser(db.url, { login: 'faraway', name: '远方销售', role: 'rep', password: 'faraway-pass-123' });
  await sql(db.url, `UPDATE users SET regions = ARRAY['华南'] WHERE login = 'faraway'`);
  const shop = await createUser(db.url, { login: 'client', name: '冯店长', password: 'client-pass-1', tier: 'A' });
  const coat1 = fx.products[0]; // makeFair gives product 1 a tier A price of ¥800.01
  const { id: admin } = await createUser(db.url, { login: 'boss', role: 'admin' });
  const q = (v) => JSON.stringify(v).replace(/'/g, "''");
  await sql(db.url, `SELECT policy_set(${admin}, ${fx.fair}, '${q({ tiers: [{ from: 300000, percent_bp: 300 }, { from: 1000000, percent_bp: 500 }] })}'::jsonb);
    SELECT coupon_create(${admin}, ${fx.fair}, '${q({ code: 'HELP100', name: '代客券', amount_off: 10000, issued: 5 })}'::jsonb);
    UPDATE fair_items SET dealer_limit = 8 WHERE fair_id = ${fx.fair} AND product_id = ${coat1.id};
    INSERT INTO dealer_addresses (dealer_id, label, recipient, address, is_default) VALUES
      (${shop.dealerId}, '总店', '冯店长', '杭州市上城区 1 号', true), (${shop.dealerId}, '仓库', '冯仓管', '杭州市余杭区 9 号', false)`);

  const context = await browser.newContext({ viewport: { width: 1400, height: 950 } });
  const page = await context.newPage();
  const problems = watchProblems(page);
  await logInOnPage(page, server.url, 'helper', 'helper-pass-123');
  await page.locator(`.fair[data-fair="${fx.fair}"]`).waitFor({ timeout: 20_000 });
  await page.evaluate((d) => sessionStorage.setItem(`fair.behalf.${d.dealer}`, JSON.stringify(d)),
    { dealer: shop.dealerId, name: '冯店长 商行', region: '华东', tier: 'A' });
  await page.goto(`${server.url}/#/fair/${fx.fair}/behalf/${shop.dealerId}`);
  await page.locator('#behalf-view h1').filter({ hasText: '代客下单：冯店长 商行' }).waitFor({ timeout: 15_000 });
  await page.fill('#behalf-search', '外套1');
  await page.locator('.pick-list li').nth(1).waitFor({ state: 'detached', timeout: 10_000 });
  await page.locator(`.pick-list li[data-product="${coat1.id}"] button`).click();
  await page.getByLabel('黑色 M 数量').fill('3');
  await page.getByLabel('白色 L 数量').fill('2');
  await page.locator('#behalf-units').filter({ hasText: /^5$/ }).waitFor({ timeout: 5_000 });
  assert.equal(await page.locator('#behalf-amount').textContent(), '¥4,000.05', "5 × the tier A price");
  // the dealer's standing: nothing ordered yet, ¥3,000 to the first tier; its coupon applied
  assert.equal(await page.locator('#policy-next').textContent(), '再订 ¥3,000.00 享 3% 折扣');
  await page.selectOption('#coupon', 'HELP100');
  await page.locator('#coupon-terms').filter({ hasText: '减 ¥100.00' }).waitFor({ timeout: 5_000 });
  // ¥100 off, then 3% of ¥4,000.05 (¥120.00): the order crosses the tier
  assert.equal(await page.locator('#sheet-discount').textContent(), '−¥220.00');
  assert.match(await page.locator('#sheet-reaches').textContent(), /3%/);
  // the dealer's default address is chosen; the rep ships this one to its warehouse
  const [[warehouse]] = await sql(db.url, `SELECT id FROM dealer_addresses WHERE dealer_id = ${shop.dealerId} AND label = '仓库'`);
  await page.locator('#ship-to-select').waitFor({ timeout: 10_000 });
  assert.match(await page.locator('#ship-to-select option:checked').textContent(), /总店/);
  assert.equal(await page.locator('#ship-to-manage').count(), 0, 'the dealer keeps its own addresses');
  await page.selectOption('#ship-to-select', warehouse);
  await screenshot(page, 'behalf-matrix');
  await page.click('#behalf-submit');
  const accepted = page.locator('#behalf-accepted');
  await accepted.waitFor({ timeout: 15_000 });
  const orderId = Number(await accepted.getAttribute('data-order'));
  const [[dealerId, placedBy, total, code, discount]] = await sql(db.url, `SELECT o.dealer_id, o.placed_by, o.total, c.code,
      o.early_discount + o.tier_discount + o.coupon_discount
    FROM orders o LEFT JOIN coupons c ON c.id = o.coupon_id WHERE o.id = ${orderId}`);
  assert.deepEqual([Number(dealerId), Number(placedBy), total, code, discount], [shop.dealerId, rep.id, '400005', 'HELP100', '22000']);
  const [[shipTo]] = await sql(db.url, `SELECT ship_to->>'recipient' FROM orders WHERE id = ${orderId}`);
  assert.equal(shipTo, '冯仓管');
  assert.match(await page.locator('#behalf-discount').textContent(), /−¥220\.00/);
  assert.equal(await page.locator('#behalf-units').textContent(), '0', 'what was ordered leaves the form');
  assert.equal(await page.getByLabel('黑色 M 数量').inputValue(), '', 'and the matrix');
  // the dealer's standing read again: the tier reached, ¥5,999.95 to the next
  await page.locator('#policy-next').filter({ hasText: '再订 ¥5,999.95 享 5% 折扣' }).waitFor({ timeout: 10_000 });
  assert.match(await page.locator('#policy-tier').textContent(), /3%/);
  // one use per dealer, now taken: the dealer has no coupon left, so no picker
  await page.locator('#coupon').waitFor({ state: 'detached', timeout: 10_000 });
  // the dealer's 5 units count against its limit of 8 (orders.mine {dealer}): 4 more are refused
  await page.getByLabel('黑色 M 数量').fill('4');
  await page.locator('.matrix [role=alert]').filter({ hasText: '每店限购 8 件：已订 5 件，最多还能订 3 件' }).waitFor({ timeout: 10_000 });
  await page.getByLabel('黑色 M 数量').fill('');
  await screenshot(page, 'behalf-accepted');
  await page.setViewportSize({ width: 375, height: 812 });
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  console.log(`figure: on-behalf page with the policies at 375 px: page ${wide} px wide in a 375 px viewport`);
  assert.ok(wide <= 375, `no sideways scrolling at 375 px (${wide})`);
  await page.locator('#policy').scrollIntoViewIfNeeded();
  await screenshot(page, 'behalf-phone');
  await page.setViewportSize({ width: 1400, height: 950 });

  // the dealer finds it in its own orders
  const { context: shopContext, page: shopPage } = await openAs(browser, server, 'client', 'client-pass-1', { fair: fx.fair, route: '/orders', viewport: { width: 390, height: 844 }, isMobile: true });
  const shopOrder = shopPage.locator(`.order[data-order="${orderId}"]`);
  await shopOrder.waitFor({ timeout: 15_000 });
  assert.equal(await shopOrder.locator('.behalf-note').textContent(), '由 陈志明 代下单', 'the dealer sees who placed it');
  await screenshot(shopPage, 'behalf-dealer-orders');
  const print = await shopPage.request.get(`${server.url}/orders/${orderId}/print`);
  assert.match(await print.text(), /代下单<\/td><td>陈志明/);
  await shopContext.close();

  // a rep of another region: refused in words, nothing stored
  const { context: farContext, page: farPage } = await openAs(browser, server, 'faraway', 'faraway-pass-123', { fair: fx.fair, route: `/behalf/${shop.dealerId}`, viewport: { width: 1400, height: 950 } });
  await farPage.locator(`.pick-list li[data-product="${coat1.id}"] button`).click({ timeout: 15_000 });
  await farPage.getByLabel('黑色 M 数量').fill('1');
  await farPage.click('#behalf-submit');
  await farPage.locator('#behalf-refused').waitFor({ timeout: 15_000 });
  assert.match(await farPage.locator('#behalf-refused').textContent(), /不在您负责的区域/);
  // its reads of that dealer's standing were refused (forbidden) long before: none shown
  assert.equal(await farPage.locator('#policy').count(), 0, 'no standing of a dealer outside its regions');
  assert.equal(await farPage.locator('#coupon').count(), 0);
  const [[count]] = await sql(db.url, `SELECT count(*) FROM orders WHERE fair_id = ${fx.fair}`);
  assert.equal(count, '1');
  await farContext.close();

  assert.deepEqual(problems, [], 'no errors in the page');
  await context.close();
});
