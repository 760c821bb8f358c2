// Credit and amends in Chromium against the real server and PostgreSQL: a dealer with a credit
// limit and an open order sees its credit (limit, open orders, what is left) on the sheet, is
// warned before placing a sheet over it and told the refusal in words; in My orders it changes
// an order in place (a quantity changed, a line removed), sees the new total, sends it, and the
// database holds the amended lines; an amend over stock says what the order can have per cell
// and takes it; an amend over the credit is warned and refused in words. Screenshots at laptop
// and phone size go to build/test-artifacts/orders-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseLang, browserSuite, logInOnPage, screenshot, watchProblems, createUser, makeFair } from './browser.mjs';
import { connect, login, openPsql, sql, waitFor } from '../integration/harness.mjs';

const suite = browserSuite();

const LIMIT = 1_000_000; // ¥10,000.00
const yuan = (fen) => `¥${(fen / 100).toLocaleString('en-US', { minimumFractionDigits: 2 })}`;

test('a dealer sees its credit on the sheet and amends an order from My orders', { timeout: 180_000 }, async () => {
  const { db, server, browser } = suite;
  const fx = await makeFair(db.url, { name: '额度订货会', products: 3 });
  // tier B pays each item's own price: 90001, 90002, 90003
  const buyer = await createUser(db.url, { login: 'credit-buyer', name: '周店长', password: 'buyer-pass-1', tier: 'B' });
  await sql(db.url, `UPDATE dealers SET credit_limit = ${LIMIT} WHERE id = ${buyer.dealerId}`);
  const [coat1, coat2, coat3] = fx.products;
  const [c1BlackM, c1WhiteM] = coat1.variants; // makeFair's order: M黑, M白, L黑, L白
  const [c3BlackM, c3WhiteM] = coat3.variants;

  // An order placed over the protocol: open 360005 of the credit.
  const ws = await connect(server, { cookie: (await login(server, 'credit-buyer', 'buyer-pass-1')).cookie });
  await ws.next('hello', 10_000);
  const placed = await ws.request('order.place', { fair: fx.fair, key: 'credit-first', lines: [
    { variant: c1BlackM, qty: 2 }, { variant: c1WhiteM, qty: 1 }, { variant: coat2.variants[0], qty: 1 }] });
  assert.equal(placed.ok, true, JSON.stringify(placed));
  const first = placed.order;
  assert.equal(first.total, 3 * 90001 + 90002);
  let open = first.total;
  // the sheet holds 8 of coat 3 (720024): more than the 639995 left
  const saved = await ws.request('draft.save', { fair: fx.fair, lines: [{ variant: c3BlackM, qty: 5 }, { variant: c3WhiteM, qty: 3 }] });
  assert.equal(saved.ok, true, JSON.stringify(saved));

  const context = await browser.newContext({ viewport: { width: 1280, height: 850 } });
  const page = await context.newPage();
  const problems = watchProblems(page);
  await logInOnPage(page, server.url, 'credit-buyer', 'buyer-pass-1');
  await page.locator(`.fair[data-fair="${fx.fair}"]`).waitFor({ timeout: 20_000 });
  await page.goto(`${server.url}/#/fair/${fx.fair}/sheet`);

  // The credit on the sheet, and the warning before submit.
  await page.locator('#sheet-amount').filter({ hasText: yuan(8 * 90003) }).waitFor({ timeout: 15_000 });
  await page.locator('#sheet-credit').filter({ hasText: yuan(LIMIT - open) }).waitFor({ timeout: 10_000 });
  assert.equal(await page.locator('#credit-limit').textContent(), `信用额度 ${yuan(LIMIT)}`);
  assert.equal(await page.locator('#credit-open').textContent(), `未完成订单 ${yuan(open)}`);
  assert.equal(await page.locator('#credit-available').textContent(), `可用额度 ${yuan(LIMIT - open)}`);
  assert.equal(await page.locator('#credit-warning').textContent(),
    `本单 ${yuan(8 * 90003)} 超过可用额度 ${yuan(LIMIT - open)}：提交会被拒绝`);
  assert.equal(await page.locator('#submit-order').getAttribute('aria-describedby'), 'credit-warning');
  await screenshot(page, 'orders-sheet-over-credit');

  // Placed anyway: refused, in words with the figures.
  await page.click('#submit-order');
  await page.locator('#order-refused').waitFor({ timeout: 15_000 });
  assert.equal(await page.locator('#order-refused').textContent(),
    `超过可用额度：订单 ${yuan(8 * 90003)}，可用 ${yuan(LIMIT - open)}`);
  await screenshot(page, 'orders-sheet-refused');

  // A line removed: under the credit, no warning; placed; the credit left follows (push).
  await page.click(`tr[data-variant="${c3WhiteM}"] button`);
  await page.locator('#sheet-amount').filter({ hasText: yuan(5 * 90003) }).waitFor({ timeout: 5_000 });
  assert.equal(await page.locator('#credit-warning').count(), 0);
  await page.locator('#save-state[data-state=saved]').waitFor({ timeout: 10_000 });
  await page.click('#submit-order');
  await page.locator('#order-accepted').waitFor({ timeout: 15_000 });
  open += 5 * 90003;
  await page.locator('#credit-available').filter({ hasText: yuan(LIMIT - open) }).waitFor({ timeout: 10_000 });
  await screenshot(page, 'orders-sheet-placed');

  // My orders: the first order changed in place.
  await page.click('.fairnav a[href$="/orders"]');
  const card = page.locator(`.order[data-order="${first.id}"]`);
  await card.locator(`#amend-${first.id}`).click({ timeout: 10_000 });
  const form = page.locator(`#amend-form-${first.id}`);
  const blackM = form.getByLabel('测试外套1 黑色 M 数量');
  await blackM.waitFor({ timeout: 5_000 });
  // focus moves in an effect after the paint: wait for it, as a person's next key would
  await page.waitForFunction(() => document.activeElement?.getAttribute('aria-label') === '测试外套1 黑色 M 数量',
    null, { timeout: 5_000 }); // the first quantity has the focus
  assert.equal(await form.locator('button[type=submit]').isDisabled(), true, 'nothing changed yet');
  await blackM.fill('4');
  await form.getByRole('button', { name: '删除 测试外套2 黑色 M' }).click();
  assert.equal(await form.locator(`tr[data-variant="${coat2.variants[0]}"]`).getAttribute('data-removed'), 'true');
  await form.locator(`#amend-total-${first.id}`).filter({ hasText: yuan(5 * 90001) }).waitFor({ timeout: 5_000 });
  await screenshot(page, 'orders-amend-editing');
  await form.locator('button[type=submit]').click();
  const amended = page.locator(`#amended-${first.id}`);
  await amended.waitFor({ timeout: 15_000 });
  assert.equal(await amended.textContent(), `订单 ${first.id} 已修改 · ${yuan(5 * 90001)}`);
  await page.waitForFunction((id) => document.activeElement?.id === id, `amended-${first.id}`, { timeout: 5_000 });
  assert.equal(await card.locator('.order-total').textContent(), yuan(5 * 90001));
  const lines = async (order) => (await sql(db.url, `SELECT variant_id, qty FROM order_lines WHERE order_id = ${order}
    ORDER BY variant_id`)).map(([v, q]) => [Number(v), Number(q)]);
  assert.deepEqual(await lines(first.id), [[c1BlackM, 4], [c1WhiteM, 1]].sort((a, b) => a[0] - b[0]));
  const [[total, history]] = await sql(db.url, `SELECT o.total, (SELECT count(*) FROM order_history h
    WHERE h.order_id = o.id AND h.note = 'amended') FROM orders o WHERE o.id = ${first.id}`);
  assert.deepEqual([Number(total), Number(history)], [5 * 90001, 1]);
  open += 5 * 90001 - first.total;
  await screenshot(page, 'orders-amended');

  // Over stock: one white M left beside the order's own, so the order can have 2.
  await sql(db.url, `UPDATE stock SET sold = allocation - 1 WHERE fair_id = ${fx.fair} AND variant_id = ${c1WhiteM}`);
  await card.locator(`#amend-${first.id}`).click();
  await form.getByLabel('测试外套1 黑色 M 数量').fill('2');
  await form.getByLabel('测试外套1 白色 M 数量').fill('3');
  await form.locator('button[type=submit]').click();
  const short = page.locator(`#amend-short-${first.id}`);
  await short.waitFor({ timeout: 15_000 });
  assert.equal(await short.locator(`li[data-variant="${c1WhiteM}"]`).textContent(), '测试外套1 白色 M: 2 件');
  assert.match(await short.textContent(), /库存不足，本单以下尺码最多可订/);
  await screenshot(page, 'orders-amend-short');
  await short.getByRole('button', { name: '改成可订数量' }).click();
  assert.equal(await form.getByLabel('测试外套1 白色 M 数量').inputValue(), '2');
  await form.locator(`#amend-total-${first.id}`).filter({ hasText: yuan(4 * 90001) }).waitFor({ timeout: 5_000 });
  await form.locator('button[type=submit]').click();
  await amended.filter({ hasText: yuan(4 * 90001) }).waitFor({ timeout: 15_000 });
  assert.deepEqual(await lines(first.id), [[c1BlackM, 2], [c1WhiteM, 2]].sort((a, b) => a[0] - b[0]));
  open += 4 * 90001 - 5 * 90001;

  // A lost answer: the amend waits for the dealer's row, held here, and its database
  // connection is cut, so the server cannot know whether it committed (in_doubt). The page
  // says it sends the same change again, and it is done once the row is free.
  const holder = openPsql(db.url);
  await holder.query(`BEGIN; SELECT 1 FROM dealers WHERE id = ${buyer.dealerId} FOR UPDATE`);
  await card.locator(`#amend-${first.id}`).click();
  await form.getByLabel('测试外套1 黑色 M 数量').fill('3');
  await form.locator('button[type=submit]').click();
  const amending = `FROM pg_stat_activity WHERE query LIKE 'SELECT order_amend(%' AND pid <> pg_backend_pid()`;
  await waitFor(async () => (await sql(db.url, `SELECT count(*) ${amending} AND wait_event_type = 'Lock'`))[0][0] === '1',
    { timeoutMs: 10_000, what: 'the amend waiting for the dealer\'s row' });
  await sql(db.url, `SELECT pg_terminate_backend(pid) ${amending}`);
  await form.locator('.result.retrying').filter({ hasText: '答复丢失，正在重新发送同样的修改' }).waitFor({ timeout: 10_000 });
  await screenshot(page, 'orders-amend-retrying');
  await holder.query('COMMIT');
  holder.close();
  await amended.filter({ hasText: yuan(5 * 90001) }).waitFor({ timeout: 30_000 });
  assert.deepEqual(await lines(first.id), [[c1BlackM, 3], [c1WhiteM, 2]].sort((a, b) => a[0] - b[0]));
  const [[amends]] = await sql(db.url, `SELECT count(*) FROM order_history WHERE order_id = ${first.id} AND note = 'amended'`);
  assert.equal(amends, '3', 'amended once more, not twice');
  open += 5 * 90001 - 4 * 90001;

  // Over the credit: warned before sending, refused in words; Escape leaves it as it was.
  await card.locator(`#amend-${first.id}`).click();
  await form.getByLabel('测试外套1 黑色 M 数量').fill('5');
  await form.getByLabel('测试外套1 白色 M 数量').fill('2');
  const increase = 7 * 90001 - 5 * 90001;
  assert.ok(increase > LIMIT - open, 'the change is over the credit left');
  assert.equal(await form.locator(`#amend-over-${first.id}`).textContent(),
    `修改后多出 ${yuan(increase)}，超过可用额度 ${yuan(LIMIT - open)}：提交会被拒绝`);
  await form.locator('button[type=submit]').click();
  const refused = page.locator(`#amend-refused-${first.id}`);
  await refused.waitFor({ timeout: 15_000 });
  // the server counts the order's own total as available to it; the page words what the change adds
  assert.equal(await refused.textContent(), `超过可用额度：修改后多出 ${yuan(increase)}，可用额度 ${yuan(LIMIT - open)}`);
  await screenshot(page, 'orders-amend-over-credit');
  await form.getByLabel('测试外套1 黑色 M 数量').press('Escape');
  await form.waitFor({ state: 'detached', timeout: 5_000 });
  await page.waitForFunction((id) => document.activeElement?.id === id, `amend-${first.id}`, { timeout: 5_000 }); // back on its button
  assert.deepEqual(await lines(first.id), [[c1BlackM, 3], [c1WhiteM, 2]].sort((a, b) => a[0] - b[0]));

  // English words for the same form.
  await chooseLang(page, 'en');
  await card.locator(`#amend-${first.id}`).filter({ hasText: 'Change order' }).click();
  await form.getByLabel('Test coat 1 白色 M quantity').waitFor({ timeout: 5_000 });
  await screenshot(page, 'orders-amend-en');
  await chooseLang(page, 'zh-Hans');
  assert.deepEqual(problems, [], 'no errors in the page');
  await context.close();

  // A phone: the sheet with its credit and the warning, the amend form; nothing scrolls sideways.
  await ws.request('draft.save', { fair: fx.fair, lines: [{ variant: c3WhiteM, qty: 3 }] });
  const phone = await browser.newContext({ viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
  const small = await phone.newPage();
  const smallProblems = watchProblems(small);
  await logInOnPage(small, server.url, 'credit-buyer', 'buyer-pass-1');
  await small.locator(`.fair[data-fair="${fx.fair}"]`).waitFor({ timeout: 20_000 });
  await small.goto(`${server.url}/#/fair/${fx.fair}/sheet`);
  await small.locator('#sheet-credit').filter({ hasText: yuan(LIMIT - open) }).waitFor({ timeout: 15_000 });
  assert.ok(3 * 90003 > LIMIT - open);
  await small.locator('#credit-warning').waitFor({ timeout: 5_000 });
  const wide = () => small.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(await wide() <= 375, `sheet: ${await wide()} px wide at 375`);
  await screenshot(small, 'orders-phone-sheet');
  await small.goto(`${server.url}/#/fair/${fx.fair}/orders`);
  await small.locator(`#amend-${first.id}`).click({ timeout: 15_000 });
  await small.locator(`#amend-form-${first.id}`).getByLabel('测试外套1 黑色 M 数量').fill('3');
  await small.evaluate(() => window.scrollTo(0, 0)); // the sticky bar would sit mid-page in a full-page shot
  assert.ok(await wide() <= 375, `orders: ${await wide()} px wide at 375`);
  await screenshot(small, 'orders-phone-amend');
  assert.deepEqual(smallProblems, [], 'no errors in the phone page');
  await phone.close();
  await ws.close();
});
