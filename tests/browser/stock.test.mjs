// An administrator's allocation panel (库存与配额) on the settings page, in Chromium against the
// real server and PostgreSQL: units added to one colour and size and taken back from another,
// seen at once on a dealer's open product page; a take-back over what is unsold refused with how
// many can go (that variant unchanged, the others done); a bad number refused in words with
// nothing sent; the database and the audit log hold each change; axe clean; a manager has no
// such panel. Screenshot: build/test-artifacts/stock-panel.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserSuite, openAs, screenshot, createUser, makeFair, axeClean, figure } from './browser.mjs';
import { sql } from '../integration/harness.mjs';

const suite = browserSuite();

test('an administrator adds and takes back allocation from the settings page; the dealer\'s page follows', { timeout: 180_000 }, async () => {
  const { db, server, browser } = suite;
  const fx = await makeFair(db.url, { products: 2 });
  const [product] = fx.products;
  const [v1, v2, v3] = product.variants;
  await createUser(db.url, { login: 'boss', name: '赵管理', role: 'admin', password: 'boss-pass-123' });
  await createUser(db.url, { login: 'chief', name: '王经理', role: 'manager', password: 'chief-pass-123' });
  await createUser(db.url, { login: 'shop', name: '钱店长', password: 'shop-pass-1' });
  const allocation = async () => Object.fromEntries((await sql(db.url,
    `SELECT variant_id, allocation FROM stock WHERE fair_id = ${fx.fair} AND product_id = ${product.id}`)).map(([v, a]) => [Number(v), Number(a)]));

  // the dealer has the product open
  const shop = await openAs(browser, server, 'shop', 'shop-pass-1', { fair: fx.fair, route: `/product/${product.id}` });
  const cell = (v) => shop.page.locator(`.matrix input[data-variant="${v}"]`);
  await cell(v1).waitFor({ timeout: 20_000 });
  assert.equal(await cell(v1).getAttribute('max'), '100');

  const { context, page, problems } = await openAs(browser, server, 'boss', 'boss-pass-123',
    { fair: fx.fair, route: '/manage', viewport: { width: 1400, height: 1000 } });
  const panel = page.locator('#stock-panel');
  await panel.waitFor({ timeout: 10_000 });
  await page.fill('#stock-search', '测试外套1');
  await panel.locator(`li[data-product="${product.id}"] button`).click();
  const row = (v) => page.locator(`#stock-table tr[data-variant="${v}"]`);
  await row(v1).locator('.stock-left').filter({ hasText: '100' }).waitFor({ timeout: 10_000 });

  // a bad number is refused in words, nothing sent
  await row(v1).locator('.stock-change').fill('1.5');
  await page.click('#stock-apply');
  await page.locator('#stock-problem').filter({ hasText: '不为 0 的整数' }).waitFor({ timeout: 5_000 });
  assert.deepEqual(Object.values(await allocation()), [100, 100, 100, 100]);

  // +20 to one, -30 from another, -150 from a third (more than is unsold): two done, one refused
  await row(v1).locator('.stock-change').fill('+20');
  await row(v2).locator('.stock-change').fill('-30');
  await row(v3).locator('.stock-change').fill('-150');
  const started = Date.now();
  await page.click('#stock-apply');
  await row(v3).locator('.stock-outcome .error').filter({ hasText: '最多只能收回 100 件' }).waitFor({ timeout: 10_000 });
  await row(v1).locator('.stock-outcome').filter({ hasText: '配额 120，已售 0，现余 120' }).waitFor();
  await row(v2).locator('.stock-outcome').filter({ hasText: '现余 70' }).waitFor();
  const after = await allocation();
  assert.deepEqual([after[v1], after[v2], after[v3]], [120, 70, 100]);
  // the refused change stays typed to correct; the done ones are cleared
  assert.equal(await row(v3).locator('.stock-change').inputValue(), '-150');
  assert.equal(await row(v1).locator('.stock-change').inputValue(), '');
  // the dealer's open page follows (a stock push)
  await shop.page.waitForFunction(([a, b]) => document.querySelector(`.matrix input[data-variant="${a}"]`)?.getAttribute('max') === '120'
    && document.querySelector(`.matrix input[data-variant="${b}"]`)?.getAttribute('max') === '70', [v1, v2], { timeout: 10_000 });
  figure(`allocation changes seen on the dealer's page ${Date.now() - started} ms after the click`);
  await row(v1).locator('.stock-left').filter({ hasText: '120' }).waitFor({ timeout: 5_000 });
  const [[audits]] = await sql(db.url, `SELECT count(*) FROM audit_log WHERE action = 'stock.add' AND fair_id = ${fx.fair}`);
  assert.equal(audits, '2');
  await screenshot(page, 'stock-panel');
  await axeClean(page, '#stock-panel', 'allocation panel');
  assert.deepEqual(problems, [], 'no errors in the page');
  assert.deepEqual(shop.problems, [], 'no errors in the dealer\'s page');
  await context.close();
  await shop.context.close();

  // A manager has the settings page but not this panel.
  const chief = await openAs(browser, server, 'chief', 'chief-pass-123', { fair: fx.fair, route: '/manage' });
  await chief.page.locator('#manage-view').waitFor({ timeout: 10_000 });
  assert.equal(await chief.page.locator('#stock-panel').count(), 0);
  await chief.context.close();
});
