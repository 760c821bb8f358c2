// The rep's Dealers view in Chromium against the real server and PostgreSQL: who is in the fair
// now (a dealer's page opens and closes), each dealer's order against its target and the
// must-order styles it misses, sorted furthest behind first, filtered to those online; a
// dealer's row opens the order on its behalf; a rep limited to a region sees that region only.
// Screenshots go to build/test-artifacts/dealers-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserSuite, logInOnPage, openAs, screenshot, createUser, makeFair } from './browser.mjs';
import { connect, login, sql } from '../integration/harness.mjs';

const suite = browserSuite();

test('a rep sees who is online and who is behind, and orders for one of them', { timeout: 180_000 }, async () => {
  const { db, server, browser } = suite;
  const fx = await makeFair(db.url, { name: '经销商订货会', products: 2 });
  await createUser(db.url, { login: 'caller', name: '陈志明', role: 'rep', password: 'caller-pass-123' });
  await createUser(db.url, { login: 'southrep', name: '南区销售', role: 'rep', password: 'south-pass-123' });
  await sql(db.url, `UPDATE users SET regions = ARRAY['华南'] WHERE login = 'southrep'`);
  const ahead = await createUser(db.url, { login: 'ahead', name: '领先店', password: 'ahead-pass-1', tier: 'A' });
  const behind = await createUser(db.url, { login: 'behind', name: '落后店', password: 'behind-pass-1', tier: 'B' });
  const south = await createUser(db.url, { login: 'southshop', name: '南方店', password: 'south-pass-1', tier: 'C', region: '华南' });
  const [coat1, coat2] = fx.products;
  await sql(db.url, `INSERT INTO targets (fair_id, dealer_id, amount) VALUES (${fx.fair}, ${ahead.dealerId}, 100000), (${fx.fair}, ${behind.dealerId}, 10000000);
    UPDATE fair_items SET must_order = true WHERE fair_id = ${fx.fair} AND product_id = ${coat2.id}`);
  const shopper = await connect(server, { cookie: (await login(server, 'ahead', 'ahead-pass-1')).cookie });
  await shopper.next('hello', 10_000);
  assert.equal((await shopper.request('order.place', { fair: fx.fair, key: 'a1', lines: [{ variant: coat1.variants[0], qty: 2 }] })).ok, true);
  await shopper.close();

  // 'behind' has its page open in the fair
  const shopContext = await browser.newContext({ viewport: { width: 1280, height: 850 } });
  const shopPage = await shopContext.newPage();
  await logInOnPage(shopPage, server.url, 'behind', 'behind-pass-1');
  await shopPage.locator(`.fair[data-fair="${fx.fair}"] .fair-name`).click({ timeout: 20_000 });
  await shopPage.locator('#room-view').waitFor({ timeout: 20_000 });

  const { context, page, problems } = await openAs(browser, server, 'caller', 'caller-pass-123', { fair: fx.fair, viewport: { width: 1400, height: 950 } });
  await page.click('.fairnav a[href$="/dealers"]');
  const row = (id) => page.locator(`#dealers-table tr[data-dealer="${id}"]`);
  await row(behind.dealerId).locator('.tag.online').waitFor({ timeout: 15_000 });
  const order = await page.locator('#dealers-table tbody tr').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-dealer'))));
  assert.deepEqual(order.slice(0, 2), [behind.dealerId, ahead.dealerId], 'furthest behind first; no target last');
  assert.match(await row(behind.dealerId).textContent(), /0%/);
  assert.match(await row(ahead.dealerId).locator('td').nth(5).textContent(), /测试外套2/, 'the must-order style it misses');
  assert.match(await row(ahead.dealerId).textContent(), /160%/, '2 × ¥800.01 against ¥1,000');
  await screenshot(page, 'dealers');

  // online only; the page closes and the dealer is offline within a few seconds
  await page.check('#dealers-online');
  await page.locator('#dealers-table tbody tr').nth(1).waitFor({ state: 'detached', timeout: 10_000 });
  assert.deepEqual(await page.locator('#dealers-table tbody tr').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-dealer')))), [behind.dealerId]);
  const closed = Date.now();
  await shopContext.close();
  await row(behind.dealerId).waitFor({ state: 'detached', timeout: 20_000 });
  console.log(`a dealer's closed page left the online list after ${Date.now() - closed} ms (refreshed every 5 s)`);
  await page.uncheck('#dealers-online');

  // a row opens the order on its behalf, with its name
  await row(ahead.dealerId).locator('a.button').click();
  await page.locator('#behalf-view h1').filter({ hasText: '领先店' }).waitFor({ timeout: 10_000 });

  // a rep limited to 华南 sees the southern dealer only
  const { context: southContext, page: southPage } = await openAs(browser, server, 'southrep', 'south-pass-123', { fair: fx.fair, route: '/dealers' });
  await southPage.locator(`#dealers-table tr[data-dealer="${south.dealerId}"]`).waitFor({ timeout: 15_000 });
  assert.equal(await southPage.locator('#dealers-table tbody tr').count(), 1);
  await southContext.close();

  assert.deepEqual(problems, [], 'no errors in the page');
  await context.close();
});
