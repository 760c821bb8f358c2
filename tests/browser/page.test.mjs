// The page the server serves, in Debian's Chromium driven by playwright-core (which never
// downloads a browser of its own): a dealer logs in, is asked for a password of its own,
// sees the fairs from its hello, and logs out, with no errors in the page; an order's printable
// confirmation renders for its dealer, in its language, and not for another. Leaves screenshots in
// build/test-artifacts/ (or $FAIR_ARTIFACT_DIR): page.png, print.png, print-hant.png, print-en.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { axeClean, browserSuite, screenshot, watchProblems, createUser, makeFair } from './browser.mjs';
import {
  sql, login, connect,
} from '../integration/harness.mjs';

const suite = browserSuite();

test('a dealer logs in, sets its own password, sees the fairs live, and logs out', { timeout: 120_000 }, async () => {
  const { db, server, browser } = suite;
  await createUser(db.url, { login: 'shopper', name: '陈店长', role: 'dealer', password: 'temporary-123',
    mustChange: true, region: '华东', tier: 'B' });
  await sql(db.url, `INSERT INTO fairs (name, season, starts_at, ends_at) VALUES
    ('2027 春夏新品订货会', '2027SS', now() - interval '1 hour', now() + interval '2 days')`);

  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const problems = watchProblems(page);

  const response = await page.goto(`${server.url}/`, { waitUntil: 'load' });
  assert.equal(response?.status(), 200);
  await page.locator('#login-view').waitFor({ state: 'visible', timeout: 20_000 });

  await page.fill('#login', 'shopper');
  await page.fill('#password', 'not the password');
  await page.click('#login-view button[type=submit]');
  await page.locator('#login-view [role=alert]').filter({ hasText: '账号或密码错误' }).waitFor({ timeout: 20_000 });

  await page.fill('#login', 'shopper');
  await page.fill('#password', 'temporary-123');
  await page.click('#login-view button[type=submit]');
  await page.locator('#password-view').waitFor({ state: 'visible', timeout: 20_000 });
  await page.fill('#old-password', 'temporary-123');
  await page.fill('#new-password', 'my own password 2027');
  await page.click('#password-view button[type=submit]');

  await page.locator('.conn[data-state=live]').waitFor({ timeout: 20_000 });
  const fair = page.locator('.fair').filter({ hasText: '2027 春夏新品订货会' });
  await fair.waitFor({ timeout: 20_000 });
  assert.equal(await fair.locator('.fair-status').textContent(), '进行中');
  assert.match(await fair.textContent(), /时区：Asia\/Shanghai \(UTC\+8\)/);
  assert.equal(await page.locator('#who').textContent(), '陈店长 商行');

  await screenshot(page, 'page');

  // The session survives a reload; logging out ends it.
  await page.reload({ waitUntil: 'load' });
  await page.locator('.conn[data-state=live]').waitFor({ timeout: 20_000 });
  await page.click('#logout');
  await page.locator('#login-view').waitFor({ state: 'visible', timeout: 20_000 });
  const [[open]] = await sql(db.url, `SELECT count(*) FROM sessions s JOIN users u ON u.id = s.user_id
                                      WHERE u.login = 'shopper' AND s.revoked_at IS NULL`);
  assert.equal(open, '0', 'no session of the dealer is left open');

  assert.deepEqual(problems, [], 'no errors in the page');
  await context.close();
});

test('an order\'s printable confirmation renders for its dealer, and for no other dealer', { timeout: 120_000 }, async () => {
  const { db, server, browser } = suite;
  const fx = await makeFair(db.url, { name: '打印测试会' });
  const owner = await createUser(db.url, { login: 'printer', name: '林店长', password: 'print-pass-1', tier: 'A' });
  const other = await createUser(db.url, { login: 'stranger', name: '路人', password: 'print-pass-2' });
  await sql(db.url, `INSERT INTO dealer_addresses (dealer_id, recipient, phone, address, is_default)
    VALUES (${owner.dealerId}, '林店长', '0571-8888', '杭州市延安路 1 号', true)`);
  const mine = await login(server, 'printer', 'print-pass-1');
  const theirs = await login(server, 'stranger', 'print-pass-2');
  const ws = await connect(server, { cookie: mine.cookie });
  await ws.next('hello', 10_000);
  const [v1, v2, v3] = fx.products[0].variants;
  const placed = await ws.request('order.place', { fair: fx.fair, key: 'print-1', lines: [
    { variant: v1, qty: 2 }, { variant: v2, qty: 1 }, { variant: v3, qty: 3 }] });
  assert.equal(placed.ok, true, JSON.stringify(placed));
  await ws.close();

  const cookieFor = (value) => [{ name: 'fair_session', value: value.split('=')[1], url: server.url }];
  const context = await browser.newContext({ viewport: { width: 900, height: 700 } });
  await context.addCookies(cookieFor(mine.cookie));
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  const [[zone]] = await sql(db.url, `SELECT timezone FROM fairs WHERE id = ${fx.fair}`);
  const [[placedLocal]] = await sql(db.url, `SELECT to_char(o.created_at AT TIME ZONE f.timezone, 'YYYY-MM-DD HH24:MI')
    FROM orders o JOIN fairs f ON f.id = o.fair_id WHERE o.id = ${placed.order.id}`);
  // Simplified by default; Traditional and English as the pages' switch asks (lang=)
  const langs = [
    { lang: '', title: `订单确认 ${placed.order.id}`, status: '状态已接单', placed: '下单时间',
      header: ['颜色', 'M', 'L', '件数', '单价 (CNY)', '金额 (CNY)'], total: /合计：6 件，CNY 4,800\.06/, shot: 'print' },
    { lang: '?lang=zh-Hant', title: `訂單確認 ${placed.order.id}`, status: '狀態已接單', placed: '下單時間',
      header: ['顏色', 'M', 'L', '件數', '單價 (CNY)', '金額 (CNY)'], total: /合計：6 件，CNY 4,800\.06/, shot: 'print-hant' },
    { lang: '?lang=en', title: `Order confirmation ${placed.order.id}`, status: 'StatusAccepted', placed: 'Placed',
      header: ['Colour', 'M', 'L', 'Units', 'Price (CNY)', 'Amount (CNY)'], total: /Total: 6 units, CNY 4,800\.06/, shot: 'print-en' },
  ];
  for (const l of langs) {
    const response = await page.goto(`${server.url}/orders/${placed.order.id}/print${l.lang}`, { waitUntil: 'load' });
    assert.equal(response?.status(), 200);
    assert.equal(await page.title(), l.title);
    const meta = await page.locator('table.meta').first().textContent();
    assert.match(meta, /林店长 商行/);
    assert.match(meta, /杭州市延安路 1 号/);
    assert.ok(meta.includes(l.status), `${l.shot}: the status in words: ${meta}`);
    assert.ok(meta.includes(`${l.placed}${placedLocal} ${zone} (UTC+8)`), `${l.shot}: the fair's clock and zone: ${meta}`);
    const header = await page.locator('h2.product + table tr').first().locator('th').allTextContents();
    assert.deepEqual(header, l.header);
    const rows = await page.locator('h2.product + table tr').evaluateAll((trs) =>
      trs.slice(1).map((tr) => [...tr.children].map((td) => td.textContent)));
    // 黑色: M 2, L 3; 白色: M 1 (tier A pays 800.01)
    assert.deepEqual(rows.map((r) => r.slice(0, 4)), [['白色', '1', '', '1'], ['黑色', '2', '3', '5']]);
    assert.deepEqual(rows.map((r) => r.slice(4)), [['800.01', '800.01'], ['800.01', '4,000.05']]);
    assert.match(await page.locator('h2.total').textContent(), l.total);
    const border = await page.locator('h2.product + table td').first().evaluate((td) => getComputedStyle(td).borderTopStyle);
    assert.equal(border, 'solid', 'the stylesheet applies');
    await screenshot(page, l.shot);
    await axeClean(page, null, `the printable confirmation (${l.shot})`);
  }
  assert.match(await page.locator('h2.product').first().textContent(), /Test coat/, 'the English name in English');
  assert.deepEqual(problems, []);
  await context.close();

  const stranger = await browser.newContext();
  await stranger.addCookies(cookieFor(theirs.cookie));
  const spy = await stranger.newPage();
  const refused = await spy.goto(`${server.url}/orders/${placed.order.id}/print`, { waitUntil: 'load' });
  assert.equal(refused?.status(), 404, "another dealer's order is answered as an unknown one");
  assert.doesNotMatch(await spy.content(), /林店长/);
  await stranger.close();
});
