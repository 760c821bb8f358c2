// The manager's settings and log in Chromium against the real server and PostgreSQL: a region
// target and a dealer's target set from the page (in the database, and the dealer's live room
// shows its new target), a must-order style ticked (the dealer's room lists it as missing at
// once), the audit log showing who changed which price when, filtered by action and text, the
// chart pictures served, axe clean, and no such page for a dealer or a rep.
// Screenshots go to build/test-artifacts/manage-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import AxeBuilder from '@axe-core/playwright';
import { browserSuite, logInOnPage, openAs, screenshot, createUser, makeFair } from './browser.mjs';
import { connect, httpGet, login, sql } from '../integration/harness.mjs';

const suite = browserSuite();

test('a manager sets targets and must-order styles and reads the audit log', { timeout: 180_000 }, async () => {
  const { db, server, browser } = suite;
  const fx = await makeFair(db.url, { name: '指标订货会', products: 3 });
  await createUser(db.url, { login: 'chief', name: '王经理', role: 'manager', password: 'chief-pass-123' });
  await createUser(db.url, { login: 'seller', name: '陈志明', role: 'rep', password: 'seller-pass-123' });
  await createUser(db.url, { login: 'store', name: '钱店长', password: 'store-pass-1', tier: 'A' });
  const [[dealerId, region]] = await sql(db.url, `SELECT d.id, d.region FROM dealers d JOIN users u ON u.dealer_id = d.id WHERE u.login = 'store'`);

  // the dealer watches its room
  const dealerContext = await browser.newContext({ viewport: { width: 1280, height: 850 } });
  const dealerPage = await dealerContext.newPage();
  await logInOnPage(dealerPage, server.url, 'store', 'store-pass-1');
  await dealerPage.locator(`.fair[data-fair="${fx.fair}"] .fair-name`).click({ timeout: 20_000 });
  await dealerPage.locator('#attainment').waitFor({ timeout: 20_000 });
  assert.equal(await dealerPage.locator('.fairnav a[href$="/manage"]').count(), 0);

  const { context, page, problems } = await openAs(browser, server, 'chief', 'chief-pass-123', { fair: fx.fair, viewport: { width: 1400, height: 1000 } });
  await page.click('.fairnav a[href$="/manage"]');
  await page.locator('#manage-view').waitFor({ timeout: 10_000 });

  // Targets: the region's, then the dealer's; a bad amount is refused in words.
  await page.fill('#target-name', region);
  await page.fill('#target-amount', '1,200,000');
  await page.click('#target-form button[type=submit]');
  await page.locator('#target-result').filter({ hasText: `${region} 的指标已设为 ¥1,200,000.00` }).waitFor({ timeout: 10_000 });
  await page.selectOption('#target-who', 'dealer');
  await page.fill('#target-name', dealerId);
  await page.fill('#target-amount', '50000.5');
  await page.fill('#target-units', '120');
  await page.click('#target-form button[type=submit]');
  await page.locator('#target-result').filter({ hasText: '¥50,000.50' }).waitFor({ timeout: 10_000 });
  const targets = await sql(db.url, `SELECT coalesce(dealer_id::text, region), amount, coalesce(units::text, '') FROM targets
    WHERE fair_id = ${fx.fair} ORDER BY dealer_id NULLS FIRST`);
  assert.deepEqual(targets, [[region, '120000000', ''], [dealerId, '5000050', '120']]);
  await dealerPage.locator('#attainment').filter({ hasText: '¥50,000.50' }).waitFor({ timeout: 10_000 });
  await page.fill('#target-amount', '12.345');
  await page.click('#target-form button[type=submit]');
  await page.locator('#target-result').filter({ hasText: '请输入金额' }).waitFor({ timeout: 5_000 });

  // A must-order style: ticked on the page, in the database, missing on the dealer's room.
  const coat2 = fx.products[1];
  const box = page.locator(`.must-list li[data-product="${coat2.id}"] input[type=checkbox]`);
  await box.check();
  await dealerPage.locator('#attainment .missing').filter({ hasText: '测试外套2' }).waitFor({ timeout: 10_000 });
  const [[must]] = await sql(db.url, `SELECT must_order FROM fair_items WHERE fair_id = ${fx.fair} AND product_id = ${coat2.id}`);
  assert.equal(must, 't');
  await screenshot(dealerPage, 'manage-dealer-sees');

  // A rep reprices; the audit log says who changed which price when, old and new.
  const rep = await connect(server, { cookie: (await login(server, 'seller', 'seller-pass-123')).cookie });
  await rep.next('hello', 10_000);
  assert.equal((await rep.request('price.set', { fair: fx.fair, product: coat2.id, price: 66600 })).ok, true);
  await page.click('#manage-view button:text-is("刷新")');
  await page.selectOption('#audit-action', 'price.set');
  const row = page.locator('#audit-table tbody tr').first();
  await row.filter({ hasText: '陈志明' }).waitFor({ timeout: 10_000 });
  assert.match(await row.textContent(), new RegExp(`product:${coat2.id}.*66600`));
  assert.equal(await page.locator('#audit-table tbody tr').count(), 1);
  await page.selectOption('#audit-action', '');
  await page.fill('#audit-text', '王经理');
  await page.locator('#audit-table tbody tr').nth(2).waitFor({ timeout: 5_000 }); // two targets and a must-order
  assert.ok((await page.locator('#audit-table tbody tr').allTextContents()).every((t) => t.includes('王经理')));
  await screenshot(page, 'manage');

  // The chart pictures the page links to are PNGs.
  const chartHref = await page.locator('.links a[href*="chart.png"]').first().getAttribute('href');
  const managerCookie = (await context.cookies()).find((c) => c.name === 'fair_session');
  const png = await httpGet(`${server.url}${chartHref}`, { headers: { cookie: `fair_session=${managerCookie.value}` } });
  assert.equal(png.status, 200);
  assert.match(png.headers['content-type'], /^image\/png/);

  const axe = await new AxeBuilder({ page }).analyze();
  for (const v of axe.violations) console.log(`axe manage: ${v.impact} ${v.id} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  assert.deepEqual(axe.violations.filter((v) => ['serious', 'critical'].includes(v.impact)).map((v) => v.id), []);

  // A rep has no such page.
  const { context: repContext, page: repPage } = await openAs(browser, server, 'seller', 'seller-pass-123', { fair: fx.fair, route: '/manage' });
  await repPage.locator('#room-view').waitFor({ timeout: 10_000 });
  assert.equal(await repPage.locator('#manage-view').count(), 0);

  assert.deepEqual(problems, [], 'no errors in the page');
  await rep.close();
  await repContext.close();
  await dealerContext.close();
  await context.close();
});
