// An administrator sets up a fair from the pages, in Chromium against the real server and
// PostgreSQL: a new fair made in the lobby on its own zone's clock (bad times refused in words,
// nothing made), then on its settings page a new product made with its sizes and colours and put
// on sale with a fair price, a tier's price, an allocation per cell (one cell left out) and a
// limit, which a tier-A dealer's open catalog shows at once at its tier's price; an existing
// product prepared for a later launch (no dealer sees it); the first one renamed, which the
// dealer's catalog shows at once; refusals in words; the database and
// the audit log hold it; axe clean. Screenshots: build/test-artifacts/fair-setup-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserSuite, openAs, screenshot, createUser, axeClean, figure } from './browser.mjs';
import { sql } from '../integration/harness.mjs';

const suite = browserSuite();

/** The wall time in zone `timeZone` `ms` from now, as a datetime-local field takes it. */
function zoned(ms, timeZone) {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit',
    day: '2-digit', hour: '2-digit', minute: '2-digit' }).formatToParts(new Date(Date.now() + ms));
  const get = (type) => parts.find((p) => p.type === type).value;
  return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}`;
}

test('an administrator makes a fair in the lobby and puts products on it from its settings page', { timeout: 240_000 }, async () => {
  const { db, server, browser } = suite;
  await createUser(db.url, { login: 'boss', name: '赵管理', role: 'admin', password: 'boss-pass-123' });
  await createUser(db.url, { login: 'shop', name: '钱店长', password: 'shop-pass-1', tier: 'A' });
  const [[existing]] = await sql(db.url, `INSERT INTO products (style, name, category, base_price) VALUES ('AW27-002', '针织开衫', '针织', 59900) RETURNING id;
    INSERT INTO variants (product_id, size, color, sort) SELECT currval('products_id_seq'), s, '灰色', o FROM unnest(ARRAY['M', 'L']) WITH ORDINALITY AS x(s, o);`);
  const one = async (query) => (await sql(db.url, query))[0];

  const { context, page, problems } = await openAs(browser, server, 'boss', 'boss-pass-123', { viewport: { width: 1400, height: 1000 } });
  await page.click('#fair-new');
  await page.fill('#fair-new-name', '2027 秋冬订货会');
  await page.fill('#fair-new-name-en', '2027 Autumn/Winter Fair');
  await page.fill('#fair-new-season', '2027AW');
  await page.fill('#fair-new-zone', 'Asia/Shanghai');
  const starts = zoned(-3_600_000, 'Asia/Shanghai');
  const ends = zoned(2 * 86_400_000, 'Asia/Shanghai');
  // closing before opening: refused in words, nothing made
  await page.fill('#fair-new-starts', ends);
  await page.fill('#fair-new-ends', starts);
  await page.click('#fair-new-save');
  await page.locator('#fair-new-problem').filter({ hasText: '结束时间须晚于开幕时间' }).waitFor({ timeout: 5_000 });
  assert.equal((await one('SELECT count(*) FROM fairs'))[0], '0');
  await page.fill('#fair-new-zone', 'Mars/Olympus');
  await page.click('#fair-new-save');
  await page.locator('#fair-new-problem').filter({ hasText: 'Mars/Olympus' }).waitFor({ timeout: 5_000 });
  await page.fill('#fair-new-zone', 'Asia/Shanghai');
  await page.fill('#fair-new-starts', starts);
  await page.fill('#fair-new-ends', ends);
  await axeClean(page, '.fair-new', 'new fair form');
  await page.click('#fair-new-save');
  // made: its settings page opens
  await page.waitForURL(/#\/fair\/\d+\/manage$/, { timeout: 10_000 });
  const fair = Number(/#\/fair\/(\d+)\//.exec(page.url())[1]);
  const [name, nameEn, season, currency, zone, opens, closes, status] = await one(`SELECT name, name_en, season, currency, timezone,
    to_char(starts_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD"T"HH24:MI'), to_char(ends_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD"T"HH24:MI'),
    fair_status(f) FROM fairs f WHERE id = ${fair}`);
  assert.deepEqual([name, nameEn, season, currency, zone, opens, closes, status],
    ['2027 秋冬订货会', '2027 Autumn/Winter Fair', '2027AW', 'CNY', 'Asia/Shanghai', starts, ends, 'live']);
  const panel = page.locator('#items-panel');
  await panel.waitFor({ timeout: 10_000 });

  // the dealer joins the new fair's catalog: nothing on sale yet
  const shop = await openAs(browser, server, 'shop', 'shop-pass-1', { fair, route: '/catalog' });
  await shop.page.locator('.fairnav').waitFor({ timeout: 20_000 });

  // A new product, every size in every colour.
  await page.click('#items-new');
  await page.fill('#new-product-style', 'AW27-001');
  await page.fill('#new-product-name', '羊毛大衣');
  await page.fill('#new-product-category', '外套');
  await page.fill('#new-product-price', '1299');
  await page.fill('#new-product-sizes', 'S, M, L');
  await page.fill('#new-product-colors', '黑色、驼色');
  await page.click('#new-product-save');
  const form = page.locator('#put-on-fair');
  await form.waitFor({ timeout: 10_000 });
  assert.equal(await form.locator('.alloc-grid input[data-variant]').count(), 6);
  assert.equal(await page.inputValue('#item-price'), '1299');
  const variants = (await sql(db.url, `SELECT v.id, v.size, v.color FROM variants v JOIN products p ON p.id = v.product_id
    WHERE p.style = 'AW27-001' ORDER BY v.sort`));
  assert.deepEqual(variants.map(([, s, c]) => `${c}${s}`), ['黑色S', '黑色M', '黑色L', '驼色S', '驼色M', '驼色L']);

  // a tier price it cannot read is refused in words, nothing sent
  await page.fill('#item-tiers', 'A=八百');
  await page.fill('#item-every', '50');
  await page.click('#item-fill');
  await page.click('#item-add');
  await page.locator('#item-problem').filter({ hasText: 'A=八百' }).waitFor({ timeout: 5_000 });
  assert.equal((await one(`SELECT count(*) FROM fair_items WHERE fair_id = ${fair}`))[0], '0');

  // on sale: ¥999, tier A ¥899, 50 a cell but camel L, 10 a dealer at most
  await page.fill('#item-price', '999');
  await page.fill('#item-tiers', 'A=899');
  const camelL = variants.find(([, s, c]) => s === 'L' && c === '驼色')[0];
  await form.locator(`input[data-variant="${camelL}"]`).fill('');
  await page.locator('#item-total').filter({ hasText: '共 250 件' }).waitFor();
  await page.fill('#item-limit', '10');
  await screenshot(page, 'fair-setup-item');
  await axeClean(page, '#items-panel', 'products at the fair');
  const started = Date.now();
  await page.click('#item-add');
  await page.locator('#item-result').filter({ hasText: '羊毛大衣 已上场开卖' }).waitFor({ timeout: 10_000 });
  const [price, limit, withdrawn] = await one(`SELECT i.price, i.dealer_limit, i.withdrawn FROM fair_items i JOIN products p ON p.id = i.product_id
    WHERE i.fair_id = ${fair} AND p.style = 'AW27-001'`);
  assert.deepEqual([price, limit, withdrawn], ['99900', '10', 'f']);
  const stock = await sql(db.url, `SELECT variant_id, allocation FROM stock WHERE fair_id = ${fair} ORDER BY variant_id`);
  assert.equal(stock.length, 5, 'camel L is not sold here');
  assert.ok(stock.every(([v, a]) => a === '50' && v !== camelL));
  assert.deepEqual(await one(`SELECT tier, price FROM fair_item_prices WHERE fair_id = ${fair}`), ['A', '89900']);
  // the tier-A dealer's open catalog shows it at once at its tier's price
  const card = shop.page.locator('#grid .pcard').filter({ hasText: '羊毛大衣' });
  await card.waitFor({ timeout: 10_000 });
  figure(`a product put on the fair reached a dealer's open catalog ${Date.now() - started} ms after the click`);
  await card.filter({ hasText: '899' }).waitFor({ timeout: 5_000 });

  // An existing product, prepared for a later launch: no dealer sees it.
  await page.fill('#items-search', 'AW27');
  await panel.locator(`li[data-product="${existing}"] button`).click();
  await page.fill('#item-every', '20');
  await page.click('#item-fill');
  await page.check('#item-launch-later');
  await page.click('#item-add');
  await page.locator('#item-result').filter({ hasText: '针织开衫 已备好' }).waitFor({ timeout: 10_000 });
  assert.deepEqual(await one(`SELECT withdrawn FROM fair_items WHERE fair_id = ${fair} AND product_id = ${existing}`), ['t']);
  // both are now marked as at this fair: picked again, only their details can be changed
  await panel.locator(`li[data-product="${existing}"] button`).filter({ hasText: '已在本场' }).waitFor({ timeout: 10_000 });
  const [[coat]] = await sql(db.url, `SELECT id FROM products WHERE style = 'AW27-001'`);
  await panel.locator(`li[data-product="${coat}"] button`).click();
  await page.locator('#edit-product').waitFor({ timeout: 5_000 });
  assert.equal(await page.locator('#put-on-fair').count(), 0);
  await page.fill('#edit-product-name', '羊毛双排扣大衣');
  await page.fill('#edit-product-name-en', 'Double-breasted wool coat');
  const renamed = Date.now();
  await page.click('#edit-product-save');
  await page.locator('#item-result').filter({ hasText: '羊毛双排扣大衣 的资料已保存' }).waitFor({ timeout: 10_000 });
  await shop.page.locator('#grid .pcard').filter({ hasText: '羊毛双排扣大衣' }).waitFor({ timeout: 10_000 });
  figure(`a product's new name reached a dealer's open catalog ${Date.now() - renamed} ms after the click`);
  assert.deepEqual(await one(`SELECT name, name_en FROM products WHERE id = ${coat}`), ['羊毛双排扣大衣', 'Double-breasted wool coat']);
  await shop.page.waitForTimeout(500);
  assert.equal(await shop.page.locator('#grid .pcard').filter({ hasText: '针织开衫' }).count(), 0);
  const [[audits]] = await sql(db.url, `SELECT count(*) FROM audit_log WHERE fair_id = ${fair} AND action = 'item.add'`);
  assert.equal(audits, '2');
  assert.equal((await one(`SELECT count(*) FROM audit_log WHERE action = 'product.update' AND target = 'product:${coat}'`))[0], '1');
  await screenshot(page, 'fair-setup-done');
  assert.deepEqual(problems, [], 'no errors in the page');
  assert.deepEqual(shop.problems, [], 'no errors in the dealer\'s page');
  await context.close();
  await shop.context.close();
});
