// A dealer's pages in English, in Chromium against the real server and PostgreSQL: products by
// their English names (the Chinese one where a product has none) in the catalog's cards, the
// live room's spotlight, the product page, the order sheet and My orders, colours and
// categories by the brand's English names (catalog.terms; as they are where it gave none),
// and a refusal of the sheet in English words. The words of English and Traditional Chinese are chunks a reader in
// Simplified Chinese never downloads; a reader who chose English opens in it from the first
// paint. Screenshots go to build/test-artifacts/english-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chooseLang, browserSuite, openAs, screenshot, createUser, makeFair } from './browser.mjs';
import { SOURCE_DIR, connect, sql } from '../integration/harness.mjs';

// The chunks holding the other languages' words (i18n-en.ts, i18n-zh-Hant.ts), by their content.
const ASSETS = path.join(SOURCE_DIR, 'web', 'public', 'assets');
// (esbuild writes what is not ASCII as \uXXXX escapes)
const ascii = (text) => [...text].map((c) => (c.charCodeAt(0) > 127
  ? `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}` : c)).join('');
const wordsChunk = (appName) => fs.readdirSync(ASSETS).filter((f) => /^chunk-\w+\.js$/.test(f))
  .find((f) => fs.readFileSync(path.join(ASSETS, f), 'utf8').includes(`app_name:"${ascii(appName)}"`));
const scriptsLoaded = (page) => page.evaluate(() => performance.getEntriesByType('resource')
  .map((e) => new URL(e.name).pathname).filter((p) => p.endsWith('.js')));

const suite = browserSuite();

test('a dealer in English sees the products by their English names on every page', { timeout: 180_000 }, async () => {
  const { db, server, browser } = suite;
  const fx = await makeFair(db.url, { name: '英文订货会', products: 3 });
  const [first, second, third] = fx.products;
  // the third has no English name: its Chinese one stands in
  await sql(db.url, `UPDATE fairs SET name_en = 'English fair' WHERE id = ${fx.fair};
    UPDATE products SET name_en = '' WHERE id = ${third.id};
    UPDATE fair_items SET moq = 3 WHERE fair_id = ${fx.fair} AND product_id = ${third.id}`);
  const [[thirdName]] = await sql(db.url, `SELECT name FROM products WHERE id = ${third.id}`);
  await createUser(db.url, { login: 'reader', name: '王店长', password: 'reader-pass-1', tier: 'B' });
  const rep = await connect(server, { cookie: server.cookie });
  await rep.next('hello', 10_000);
  const spot = await rep.request('spotlight.set', { fair: fx.fair, product: first.id, note: 'New this season' });
  assert.equal(spot.ok, true, JSON.stringify(spot));
  // 白色 has no English name: it is shown as it is
  const terms = await rep.request('admin.terms.set', { colors: { 黑色: 'Black' }, categories: { 外套: 'Outerwear' } });
  assert.equal(terms.ok, true, JSON.stringify(terms));

  const { context, page, problems } = await openAs(browser, server, 'reader', 'reader-pass-1',
    { fair: fx.fair, viewport: { width: 1280, height: 850 } });
  await page.locator('#room-view').waitFor({ timeout: 20_000 });
  // A reader in Chinese never downloads the other languages' words.
  const english = wordsChunk('Online trade fair');
  const traditional = wordsChunk('網絡訂貨會');
  assert.ok(english && traditional && english !== traditional, `${english} ${traditional}`);
  const before = await scriptsLoaded(page);
  assert.ok(!before.some((p) => p.endsWith(english) || p.endsWith(traditional)), before.join(' '));
  await chooseLang(page, 'en');
  await page.locator('#spot-name').filter({ hasText: /^Test coat 1$/ }).waitFor({ timeout: 10_000 });
  assert.ok((await scriptsLoaded(page)).some((p) => p.endsWith(english)), 'the English words, once chosen');
  await screenshot(page, 'english-room');
  // The choice is remembered: the next visit opens in English from its first paint.
  await page.reload();
  await page.locator('#spot-name').waitFor({ timeout: 20_000 });
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en-GB');
  assert.equal(await page.locator('.fairnav a[href$="/catalog"]').textContent(), 'Products');
  assert.equal(await page.locator('.fairnav .fairname').textContent(), 'English fair', 'the fair by its English name');

  await page.goto(`${server.url}/#/fair/${fx.fair}/catalog`);
  const card = (p) => page.locator(`.pcard[data-product="${p.id}"] .pname`).first(); // also among the recommendations
  await card(second).filter({ hasText: /^Test coat 2$/ }).waitFor({ timeout: 10_000 });
  assert.equal(await card(third).textContent(), thirdName, 'no English name: the Chinese one');
  await screenshot(page, 'english-catalog');

  await page.goto(`${server.url}/#/fair/${fx.fair}/product/${second.id}`);
  await page.locator('.details .muted').first().filter({ hasText: 'Outerwear' }).waitFor({ timeout: 10_000 });
  assert.deepEqual(await page.locator('.matrix tbody th[scope=row]').allTextContents(), ['Black', '白色']);
  await page.getByLabel('Black M quantity').fill('2');
  await page.locator('#product-units').filter({ hasText: /^2$/ }).waitFor({ timeout: 5_000 });
  await page.goto(`${server.url}/#/fair/${fx.fair}/product/${third.id}`);
  await page.getByLabel('白色 M quantity').fill('1');
  await page.locator('.matrix [role=alert]').filter({ hasText: `${thirdName}: at least 3 units` }).waitFor({ timeout: 5_000 });
  await page.click('#to-sheet');
  await page.locator('#save-state[data-state=saved]').waitFor({ timeout: 15_000 });
  const heading = (p) => page.locator(`.sheet-product[data-product="${p.id}"] h2 a`);
  assert.equal(await heading(second).textContent(), 'Test coat 2');
  assert.equal(await heading(third).textContent(), thirdName);
  await page.click('#submit-order');
  await page.locator('#order-checked')
    .filter({ hasText: `${thirdName}: the minimum order is 3 units; this order has 1` }).waitFor({ timeout: 5_000 });
  await screenshot(page, 'english-sheet');
  await page.locator(`.sheet-product[data-product="${third.id}"] button.link`).click();
  await page.click('#submit-order');
  await page.locator('#order-accepted').waitFor({ timeout: 15_000 });

  await page.goto(`${server.url}/#/fair/${fx.fair}/orders`);
  const line = page.locator('.order-lines tr').first().locator('td').first();
  await line.filter({ hasText: /^Test coat 2$/ }).waitFor({ timeout: 10_000 });
  const colour = page.locator('.order-lines tr').first().locator('td').nth(1);
  assert.equal(await colour.textContent(), 'Black');
  await screenshot(page, 'english-orders');
  // and back in Chinese, the Chinese names
  await chooseLang(page, 'zh-Hans');
  await line.filter({ hasText: /外套2$/ }).waitFor({ timeout: 5_000 });
  assert.equal(await colour.textContent(), '黑色');
  assert.equal(await page.locator('.fairnav .fairname').textContent(), '英文订货会');

  assert.deepEqual(problems, [], 'no errors in the page');
  await rep.close();
  await context.close();
});
