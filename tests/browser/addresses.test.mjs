// Ship-to addresses in Chromium against the real server and PostgreSQL: a dealer without one
// is told so on its sheet, keeps its addresses on its own page (two added, the second made the
// default, one changed), comes back to the sheet with the default chosen, picks the other and
// the order ships there (its copy in the database); an administrator sees and removes one on
// the accounts page; axe clean, nothing scrolls sideways on a phone.
// Screenshots: build/test-artifacts/addresses-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserSuite, openAs, screenshot, createUser, makeFair, axeClean, noSideScroll } from './browser.mjs';
import { sql } from '../integration/harness.mjs';

const suite = browserSuite();

test('a dealer keeps its ship-to addresses and picks one on the sheet; an admin keeps them too', { timeout: 180_000 }, async () => {
  const { db, server, browser } = suite;
  const fx = await makeFair(db.url);
  const shop = await createUser(db.url, { login: 'shop', name: '钱店长', password: 'shop-pass-1' });
  await createUser(db.url, { login: 'boss', name: '赵管理', role: 'admin', password: 'boss-pass-123' });
  const [v] = fx.products[0].variants;
  await sql(db.url, `INSERT INTO drafts (dealer_id, fair_id, lines) VALUES (${shop.dealerId}, ${fx.fair}, '[{"variant": ${v}, "qty": 2}]')`);

  const { context, page, problems } = await openAs(browser, server, 'shop', 'shop-pass-1',
    { fair: fx.fair, route: '/sheet', viewport: { width: 390, height: 844 }, isMobile: true });
  page.on('dialog', (d) => void d.accept());
  await page.locator('#ship-to').filter({ hasText: '还没有收货地址' }).waitFor({ timeout: 20_000 });
  await page.click('#ship-to-manage');
  await page.locator('#addresses-none').waitFor({ timeout: 10_000 });

  const add = async (label, recipient, phone, address, makeDefault) => {
    await page.click('#address-add');
    const form = page.locator('.address-form');
    await form.locator('.address-label').fill(label);
    await form.locator('.address-recipient').fill(recipient);
    await form.locator('.address-phone').fill(phone);
    await form.locator('.address-text').fill(address);
    if (makeDefault) await form.locator('.address-default').check();
    await form.locator('button[type=submit]').click();
    await page.locator('.address-list li').filter({ hasText: address }).waitFor({ timeout: 10_000 });
  };
  await add('总店', '钱店长', '021-1234', '上海市黄浦区南京东路 1 号', false);
  await add('仓库', '王仓管', '021-5555', '上海市闵行区 2 号', true);
  const rows = await sql(db.url, `SELECT label, is_default FROM dealer_addresses WHERE dealer_id = ${shop.dealerId} ORDER BY id`);
  assert.deepEqual(rows, [['总店', 'f'], ['仓库', 't']]);
  // the default is listed first
  assert.match(await page.locator('.address-list li').first().textContent(), /仓库.*默认/);
  // a change
  const store = page.locator('.address-list li').filter({ hasText: '总店' });
  await store.locator('button[data-action=edit]').click();
  await page.locator('.address-list .address-form .address-phone').fill('021-9999');
  await page.locator('.address-list .address-form button[type=submit]').click();
  await page.locator('.address-list li').filter({ hasText: '021-9999' }).waitFor({ timeout: 10_000 });
  await axeClean(page, '.addresses-page', 'ship-to addresses');
  await noSideScroll(page, 'addresses on a phone');
  await screenshot(page, 'addresses-dealer');

  // back on the sheet the default is chosen; the dealer picks the store instead
  await page.goto(`${server.url}/#/fair/${fx.fair}/sheet`);
  const select = page.locator('#ship-to-select');
  await select.waitFor({ timeout: 10_000 });
  const [[warehouseId], [storeId]] = await sql(db.url, `SELECT id FROM dealer_addresses WHERE dealer_id = ${shop.dealerId} ORDER BY is_default DESC, id`);
  assert.equal(await select.inputValue(), warehouseId);
  await select.selectOption(storeId);
  await noSideScroll(page, 'sheet with its ship-to on a phone');
  await page.click('#submit-order');
  await page.locator('#order-accepted').waitFor({ timeout: 15_000 });
  const [[shipTo]] = await sql(db.url, `SELECT ship_to->>'phone' FROM orders WHERE dealer_id = ${shop.dealerId}`);
  assert.equal(shipTo, '021-9999');
  assert.deepEqual(problems, [], 'no errors in the page');
  await context.close();

  // an administrator sees them on the dealer's row and removes the store's
  const boss = await openAs(browser, server, 'boss', 'boss-pass-123', { viewport: { width: 1280, height: 900 } });
  boss.page.on('dialog', (d) => void d.accept());
  await boss.page.click('#accounts-link');
  await boss.page.click('#accounts-tab-dealers');
  await boss.page.fill('#dealers-q', 'shop');
  const row = boss.page.locator(`tr[data-dealer="${shop.dealerId}"]`);
  await row.locator('button[data-action=edit]').click();
  const book = boss.page.locator(`tr[data-edit-dealer="${shop.dealerId}"] .address-book`);
  await book.locator('li').filter({ hasText: '总店' }).locator('button[data-action=remove]').click();
  await book.locator('#address-note').filter({ hasText: '地址已删除' }).waitFor({ timeout: 10_000 });
  assert.deepEqual(await sql(db.url, `SELECT label FROM dealer_addresses WHERE dealer_id = ${shop.dealerId}`), [['仓库']]);
  const [[orderKept]] = await sql(db.url, `SELECT ship_to->>'recipient' FROM orders WHERE dealer_id = ${shop.dealerId}`);
  assert.equal(orderKept, '钱店长', 'the order keeps its copy');
  const [[audits]] = await sql(db.url, `SELECT count(*) FROM audit_log WHERE target = 'dealer:${shop.dealerId}' AND action LIKE 'address.%'`);
  assert.equal(audits, '4');
  await screenshot(boss.page, 'addresses-admin');
  assert.deepEqual(boss.problems, [], 'no errors in the admin\'s page');
  await boss.context.close();
});
