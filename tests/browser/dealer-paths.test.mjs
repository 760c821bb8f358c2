// What dealers do that the other browser tests leave out (issue 22), each as a person would:
//   - the order sheet's short-stock answer: "join the waitlist" (the database has it) and
//     "change quantities" (the sheet takes what is left, and then places it);
//   - a typed draft survives a reload; an order cancelled in My orders changes its status and
//     gives its stock back;
//   - the lobby: an upcoming fair with a countdown that ticks, a closed one with my orders, every
//     time in the fair's zone while the browser is in another (playwright timezoneId);
//   - the live room when the fair is paused, live again, and closed;
//   - the catalog: categories, a sort, the badges (must-order, low stock, sold out) and the stock
//     left on a card moving live;
//   - a phone (375 px) from the login to the accepted order: search, product, matrix, submit.
// Ids and data attributes, not words, find things (the words are the translators'); the
// fixtures' texts are Simplified Chinese. Screenshots: build/test-artifacts/paths-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserSuite, createUser, logInOnPage, makeFair, screenshot, watchProblems } from './browser.mjs';
import { connect, login, sleep, sql, waitFor } from '../integration/harness.mjs';

const suite = browserSuite();
const LAPTOP = { viewport: { width: 1280, height: 850 } };
const cell = (variant) => `.matrix td.cell input[data-variant="${variant}"]`;

let admin = null;
/** The admin's socket (a loopback connection without a session is the console's). */
async function adminSocket() {
  if (!admin) {
    admin = await connect(suite.server);
    await admin.next('hello', 10_000);
  }
  return admin;
}

async function dealer(name) {
  await createUser(suite.db.url, { login: name, name: '王店长', password: 'dealer-pass-1', tier: 'B' });
  return { login: name, password: 'dealer-pass-1' };
}

async function open(who, options = LAPTOP) {
  const context = await suite.browser.newContext(options);
  const page = await context.newPage();
  const problems = watchProblems(page);
  await logInOnPage(page, suite.server.url, who.login, who.password);
  await page.locator('#fairs-view').waitFor({ timeout: 20_000 });
  return { context, page, problems };
}

const stockOf = async (fair, variant) => {
  const [[sold, allocation]] = await sql(suite.db.url,
    `SELECT sold, allocation FROM stock WHERE fair_id = ${fair} AND variant_id = ${variant}`);
  return { sold: Number(sold), allocation: Number(allocation) };
};

test('the sheet: a draft survives a reload; short stock: join the waitlist, change quantities; cancel in My orders', { timeout: 180_000 }, async () => {
  const { db, server } = suite;
  const fx = await makeFair(db.url, { name: '候补订货会', products: 2 });
  const who = await dealer('pathsheet');
  const [coat] = fx.products;
  const [v1, v2] = coat.variants;
  const { context, page, problems } = await open(who);

  // a typed draft: saved to the server, there again after a reload
  await page.goto(`${server.url}/#/fair/${fx.fair}/product/${coat.id}`);
  await page.locator(cell(v1)).fill('6');
  await page.locator(cell(v2)).fill('2');
  await page.locator('#to-sheet').click();
  await page.locator('#sheet-units').filter({ hasText: /^8$/ }).waitFor({ timeout: 10_000 });
  await page.locator('#save-state[data-state=saved]').waitFor({ timeout: 10_000 });
  await page.reload({ waitUntil: 'load' });
  await page.locator('#sheet-units').filter({ hasText: /^8$/ }).waitFor({ timeout: 15_000 });
  const [[draft]] = await sql(db.url, `SELECT d.lines::text FROM drafts d JOIN users u ON u.dealer_id = d.dealer_id
    WHERE u.login = '${who.login}' AND d.fair_id = ${fx.fair}`);
  assert.deepEqual(JSON.parse(draft).map((l) => [l.variant, l.qty]).sort((a, b) => a[0] - b[0]),
    [[v1, 6], [v2, 2]].sort((a, b) => a[0] - b[0]), 'the draft is the server\'s');
  await screenshot(page, 'paths-sheet-reloaded');

  // short stock: 4 left of v1 where 6 are wanted
  await sql(db.url, `UPDATE stock SET sold = allocation - 4 WHERE fair_id = ${fx.fair} AND variant_id = ${v1}`);
  await page.locator('#submit-order').click();
  await page.locator('#order-short').waitFor({ timeout: 15_000 });
  await screenshot(page, 'paths-sheet-short');
  await page.locator('#join-waitlist').click();
  await page.locator('#order-short [role=status]').waitFor({ timeout: 10_000 });
  const waiting = await sql(db.url, `SELECT w.variant_id, w.qty FROM waitlist w JOIN users u ON u.dealer_id = w.dealer_id
    WHERE u.login = '${who.login}' AND w.fair_id = ${fx.fair}`);
  assert.deepEqual(waiting.map(([v, q]) => [Number(v), Number(q)]), [[v1, 2]], 'the 2 units short are on the waitlist');
  await screenshot(page, 'paths-sheet-waitlisted');

  // change quantities: the sheet now holds what is left, and places it
  await page.locator('#change-qty').click();
  await page.locator('#order-short').waitFor({ state: 'detached', timeout: 5_000 });
  await page.locator('#sheet-units').filter({ hasText: /^6$/ }).waitFor({ timeout: 5_000 });
  await page.locator('#save-state[data-state=saved]').waitFor({ timeout: 10_000 });
  await page.locator('#submit-order').click();
  const accepted = page.locator('#order-accepted');
  await accepted.waitFor({ timeout: 15_000 });
  const orderId = Number(await accepted.getAttribute('data-order'));
  const lines = await sql(db.url, `SELECT variant_id, qty FROM order_lines WHERE order_id = ${orderId} ORDER BY variant_id`);
  assert.deepEqual(lines.map(([v, q]) => [Number(v), Number(q)]).sort((a, b) => a[0] - b[0]),
    [[v1, 4], [v2, 2]].sort((a, b) => a[0] - b[0]), 'the order has what was left of v1 and all of v2');
  const before = await stockOf(fx.fair, v2);

  // cancel it in My orders: the status changes, the stock comes back
  await page.click('.fairnav a[href$="/orders"]');
  const order = page.locator(`.order[data-order="${orderId}"]`);
  await order.locator('.order-status.accepted').waitFor({ timeout: 10_000 });
  page.once('dialog', (d) => d.accept());
  await order.locator('button.danger').click();
  await order.locator('.order-status.cancelled').waitFor({ timeout: 10_000 });
  await screenshot(page, 'paths-orders-cancelled');
  const [[status]] = await sql(db.url, `SELECT status FROM orders WHERE id = ${orderId}`);
  assert.equal(status, 'cancelled');
  assert.equal((await stockOf(fx.fair, v2)).sold, before.sold - 2, 'the cancelled units are back in stock');
  assert.equal(await order.locator('button.danger').count(), 0, 'a cancelled order offers no cancel');
  assert.deepEqual(problems, [], 'no errors in the page');
  await context.close();
});

test('the lobby and the room in the fair\'s time zone: upcoming with a countdown, closed with my orders, paused and closed live', { timeout: 180_000 }, async () => {
  const { db, server } = suite;
  const who = await dealer('pathlobby');
  // upcoming: opens 2027-05-01 10:00 in Shanghai (02:00 UTC; 19:00 the day before in Los Angeles)
  const upcoming = await makeFair(db.url, { name: '夏季预告订货会', products: 1 });
  await sql(db.url, `UPDATE fairs SET starts_at = '2027-05-01 10:00+08', ends_at = '2027-05-03 18:00+08',
    timezone = 'Asia/Shanghai' WHERE id = ${upcoming.fair}`);
  // live now; an order of mine, then paused, resumed and closed by the admin
  const live = await makeFair(db.url, { name: '秋季现场订货会', products: 1 });
  const session = await login(server, who.login, who.password);
  const sock = await connect(server, { cookie: session.cookie });
  await sock.next('hello', 10_000);
  const placed = await sock.request('order.place', { fair: live.fair, key: 'paths-lobby-1',
    lines: [{ variant: live.products[0].variants[0], qty: 3 }] });
  assert.equal(placed.ok, true, JSON.stringify(placed));
  await sock.close();

  const { context, page, problems } = await open(who, { ...LAPTOP, timezoneId: 'America/Los_Angeles' });
  assert.equal(await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone), 'America/Los_Angeles');
  const up = page.locator(`.fair.fair-scheduled[data-fair="${upcoming.fair}"]`);
  await up.waitFor({ timeout: 10_000 });
  const starts = await up.locator('time').first().textContent();
  assert.match(starts, /10:00/, `the opening in the fair's zone (${starts})`);
  assert.doesNotMatch(starts, /19:00|02:00/, 'not in the browser\'s zone nor in UTC');
  assert.ok((await up.locator('.zone').textContent()).length > 0, 'labelled with its zone');
  const countdown = up.locator('.countdown');
  const first = await countdown.textContent();
  await waitFor(async () => (await countdown.textContent()) !== first, { timeoutMs: 5_000, what: 'the countdown ticking' });
  assert.equal(await up.locator('a.button.primary').count(), 1, 'an upcoming fair can be entered');
  await screenshot(page, 'paths-lobby-upcoming');

  // the live room: paused, live again, closed; the state is there at once, in words and class
  const adminWs = await adminSocket();
  await page.goto(`${server.url}/#/fair/${live.fair}`);
  await page.locator('#fair-state.live').waitFor({ timeout: 15_000 });
  const setStatus = async (status) => {
    const r = await adminWs.request('admin.fair.update', { fair: live.fair, status });
    assert.equal(r.ok, true, JSON.stringify(r));
  };
  await setStatus('paused');
  await page.locator('#fair-state.paused').waitFor({ timeout: 10_000 });
  await screenshot(page, 'paths-room-paused');
  await setStatus('live');
  await page.locator('#fair-state.live').waitFor({ timeout: 10_000 });
  await setStatus('closed');
  await page.locator('#fair-state.closed').waitFor({ timeout: 10_000 });
  await screenshot(page, 'paths-room-closed');

  // the lobby: the closed fair with my order, no way in but my orders
  await page.goto(`${server.url}/#/`);
  const closed = page.locator(`.fair.fair-closed[data-fair="${live.fair}"]`);
  await closed.waitFor({ timeout: 10_000 });
  assert.equal(await closed.locator('.mine').getAttribute('data-orders'), '1', 'my one order is counted');
  assert.equal(await closed.locator('a.button.primary').count(), 0, 'a closed fair is not entered');
  await closed.locator(`a[href$="#/fair/${live.fair}/orders"]`).click();
  await page.locator(`.order[data-order="${placed.order.id}"]`).waitFor({ timeout: 10_000 });
  // the order's time: in the fair's zone (Shanghai), not the browser's
  const [[madeAt]] = await sql(db.url, `SELECT to_char(created_at AT TIME ZONE 'Asia/Shanghai', 'HH24:MI') FROM orders WHERE id = ${placed.order.id}`);
  const shown = await page.locator(`.order[data-order="${placed.order.id}"]`).textContent();
  assert.ok(shown.includes(madeAt), `the order's time ${madeAt} (Shanghai) is shown: ${shown.slice(0, 200)}`);
  await screenshot(page, 'paths-lobby-closed-orders');
  assert.deepEqual(problems, [], 'no errors in the page');
  await context.close();
});

test('the catalog: categories, a sort, the badges and the stock on a card moving live', { timeout: 180_000 }, async () => {
  const { db, server } = suite;
  const fx = await makeFair(db.url, { name: '目录订货会', products: 4 });
  const [p1, p2, p3, p4] = fx.products;
  const who = await dealer('pathcatalog');
  // two categories; p2 must be ordered; p3 has 10 left in all; p4 is sold out
  await sql(db.url, `UPDATE products SET category = '裤装' WHERE id IN (${p3.id}, ${p4.id});
    UPDATE fair_items SET product_category = '裤装' WHERE fair_id = ${fx.fair} AND product_id IN (${p3.id}, ${p4.id});
    UPDATE fair_items SET must_order = true WHERE fair_id = ${fx.fair} AND product_id = ${p2.id};
    UPDATE stock SET sold = allocation WHERE fair_id = ${fx.fair} AND product_id IN (${p3.id}, ${p4.id});
    UPDATE stock SET sold = allocation - 10 WHERE fair_id = ${fx.fair} AND variant_id = ${p3.variants[0]}`);
  const { context, page, problems } = await open(who);
  await page.goto(`${server.url}/#/fair/${fx.fair}/catalog`);
  await page.locator('#grid .pcard').nth(3).waitFor({ timeout: 15_000 });
  const ids = () => page.locator('#grid .pcard').evaluateAll((els) => els.map((e) => Number(e.dataset.product)));

  // categories: both, with their counts; choosing one shows its products only
  const options = await page.locator('select[name=category] option').evaluateAll((els) => els.map((e) => e.value));
  assert.deepEqual(options.filter(Boolean).sort(), ['外套', '裤装'].sort());
  await page.selectOption('select[name=category]', '裤装');
  await waitFor(async () => (await ids()).length === 2, { timeoutMs: 10_000, what: 'the category\'s 2 products' });
  assert.deepEqual((await ids()).sort((a, b) => a - b), [p3.id, p4.id].sort((a, b) => a - b));
  await screenshot(page, 'paths-catalog-category');
  await page.selectOption('select[name=category]', '');
  await waitFor(async () => (await ids()).length === 4, { timeoutMs: 10_000, what: 'all 4 products again' });

  // a sort: by price, dearest first (makeFair's prices rise with the product)
  await page.selectOption('select[name=sort]', 'price_desc');
  await waitFor(async () => (await ids())[0] === p4.id, { timeoutMs: 10_000, what: 'the dearest first' });
  assert.deepEqual(await ids(), [p4.id, p3.id, p2.id, p1.id]);
  await page.selectOption('select[name=sort]', 'price_asc');
  await waitFor(async () => (await ids())[0] === p1.id, { timeoutMs: 10_000, what: 'the cheapest first' });
  assert.deepEqual(await ids(), [p1.id, p2.id, p3.id, p4.id]);

  // the badges, each a word and not only a colour
  const card = (p) => page.locator(`#grid .pcard[data-product="${p.id}"]`);
  assert.equal(await card(p2).locator('.tag.must').count(), 1, 'must-order');
  assert.equal(await card(p3).locator('.tag.low').count(), 1, 'low stock');
  assert.equal(await card(p4).locator('.tag.out').count(), 1, 'sold out');
  assert.ok(await card(p4).evaluate((e) => e.classList.contains('soldout')));
  assert.ok((await card(p4).locator('.tag.out').textContent()).trim().length > 0, 'sold out says so');
  assert.equal(await card(p1).locator('.tag').count(), 0, 'no badge on a plain product');
  await screenshot(page, 'paths-catalog-badges');

  // the stock left on a card moves live: 10 → 15 by the admin, and the low-stock badge stays
  const leftOf = () => card(p3).locator('.pleft').textContent();
  assert.match(await leftOf(), /10/);
  const added = await (await adminSocket()).request('admin.stock.add', { fair: fx.fair, variant: p3.variants[0], qty: 5 });
  assert.equal(added.ok, true, JSON.stringify(added));
  await waitFor(async () => /15/.test(await leftOf()), { timeoutMs: 10_000, what: 'the card showing 15 left' });
  // and the sold-out card comes back when stock is added to it
  const back = await (await adminSocket()).request('admin.stock.add', { fair: fx.fair, variant: p4.variants[0], qty: 30 });
  assert.equal(back.ok, true, JSON.stringify(back));
  await card(p4).locator('.tag.out').waitFor({ state: 'detached', timeout: 10_000 });
  assert.match(await card(p4).locator('.pleft').textContent(), /30/);
  await screenshot(page, 'paths-catalog-live-stock');
  assert.deepEqual(problems, [], 'no errors in the page');
  await context.close();
});

test('a phone at 375 px: search, open the product, fill its matrix, submit, see it accepted', { timeout: 180_000 }, async () => {
  const { db, server } = suite;
  const fx = await makeFair(db.url, { name: '手机订货会', products: 3 });
  await sql(db.url, `UPDATE products SET name = '真丝衬衫' WHERE id = ${fx.products[1].id};
    UPDATE fair_items SET product_name = '真丝衬衫' WHERE fair_id = ${fx.fair} AND product_id = ${fx.products[1].id}`);
  const target = fx.products[1];
  const who = await dealer('pathphone');
  const { context, page, problems } = await open(who, { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
  const wide = async (name) => {
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 375, `${name}: ${width} px wide at 375`);
    await screenshot(page, `paths-phone-${name}`);
  };
  await page.locator(`.fair[data-fair="${fx.fair}"] a.fair-name`).tap();
  await page.locator('#room-view').waitFor({ timeout: 15_000 });
  await page.locator('.fairnav a[href$="/catalog"]').tap();
  await page.locator('input[type=search]').fill('真丝');
  await waitFor(async () => (await page.locator('#grid .pcard').count()) === 1, { timeoutMs: 10_000, what: 'one result' });
  await wide('search');
  await page.locator(`#grid .pcard[data-product="${target.id}"] a`).tap();
  await page.locator('#product-view').waitFor({ timeout: 10_000 });
  const [m1, m2, l1, l2] = target.variants;
  for (const [v, n] of [[m1, 2], [m2, 1], [l1, 3], [l2, 4]]) await page.locator(cell(v)).fill(String(n));
  await page.locator('#product-units').filter({ hasText: /^10$/ }).waitFor({ timeout: 5_000 });
  await wide('matrix');
  await page.locator('#to-sheet').tap();
  await page.locator('#sheet-units').filter({ hasText: /^10$/ }).waitFor({ timeout: 10_000 });
  await page.locator('#save-state[data-state=saved]').waitFor({ timeout: 10_000 });
  await wide('sheet');
  await page.locator('#submit-order').tap();
  const accepted = page.locator('#order-accepted');
  await accepted.waitFor({ timeout: 15_000 });
  await accepted.scrollIntoViewIfNeeded();
  const inView = await accepted.evaluate((e) => { const r = e.getBoundingClientRect(); return r.top < innerHeight && r.bottom > 0; });
  assert.ok(inView, 'the answer is on screen');
  await wide('accepted');
  const orderId = Number(await accepted.getAttribute('data-order'));
  const [[status, units]] = await sql(db.url, `SELECT o.status, sum(l.qty) FROM orders o JOIN order_lines l ON l.order_id = o.id
    WHERE o.id = ${orderId} GROUP BY o.id`);
  assert.deepEqual([status, Number(units)], ['accepted', 10]);
  assert.deepEqual(problems, [], 'no errors in the page');
  await context.close();
  await admin?.close();
  admin = null;
  await sleep(0);
});
