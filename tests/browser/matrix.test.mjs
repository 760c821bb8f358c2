// The product page's matrix in Chromium against the real server and PostgreSQL, for the cases
// the dealer's main path does not meet: a pack product (配码) ordered as a number of packs per
// colour and placed with the pack's sizes; a flash price with its countdown that returns to the
// dealer's tier price when the window closes; a cell sold out by another dealer while the page
// is open, which then says so and takes nothing; the same page in English; the moq and the
// per-dealer limit (counting the dealer's earlier orders) refused in words before sending, and a
// moq the server refuses worded too; at 375 px a matrix of four sizes fits, its headings and
// colours on one line.
// Screenshots go to build/test-artifacts/matrix-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseLang, browserSuite, logInOnPage, screenshot, watchProblems, createUser, makeFair } from './browser.mjs';
import { connect, login, sql } from '../integration/harness.mjs';

const suite = browserSuite();

test('packs, a flash window and a cell sold out live, on the product page', { timeout: 180_000 }, async () => {
  const { db, server, browser } = suite;
  const fx = await makeFair(db.url, { name: '配码订货会', products: 3 });
  const [packed, flashed, contested] = fx.products;
  // 1 M and 2 L to a pack, per colour
  await sql(db.url, `UPDATE fair_items SET pack = '{"M": 1, "L": 2}' WHERE fair_id = ${fx.fair} AND product_id = ${packed.id}`);
  await createUser(db.url, { login: 'packer', name: '冯店长', password: 'packer-pass-1', tier: 'B' });
  await createUser(db.url, { login: 'rival', name: '韩店长', password: 'rival-pass-1', tier: 'B' });
  const admin = await connect(server, { cookie: server.cookie });
  await admin.next('hello', 10_000);

  const context = await browser.newContext({ viewport: { width: 1280, height: 850 } });
  const page = await context.newPage();
  const problems = watchProblems(page);
  await logInOnPage(page, server.url, 'packer', 'packer-pass-1');
  await page.locator(`.fair[data-fair="${fx.fair}"] .fair-name`).click({ timeout: 20_000 });
  await page.locator('#room-view').waitFor({ timeout: 20_000 });

  // Packs: 3 packs of black are 3 M and 6 L; more packs than the stock holds are refused.
  await page.goto(`${server.url}/#/fair/${fx.fair}/product/${packed.id}`);
  const blackPacks = page.getByLabel('黑色 手数');
  await blackPacks.fill('3');
  await page.locator('#product-units').filter({ hasText: /^9$/ }).waitFor({ timeout: 5_000 });
  await page.getByLabel('白色 手数').fill('51'); // 100 L make 50 packs
  assert.equal(await page.getByLabel('白色 手数').getAttribute('aria-invalid'), 'true');
  await page.locator('.matrix [role=alert]').filter({ hasText: '剩 50 手' }).waitFor({ timeout: 5_000 });
  await page.getByLabel('白色 手数').fill('1');
  await page.locator('#product-units').filter({ hasText: /^12$/ }).waitFor({ timeout: 5_000 });
  await screenshot(page, 'matrix-packs');
  await page.click('#to-sheet');
  await page.locator('#save-state[data-state=saved]').waitFor({ timeout: 15_000 });
  await page.click('#submit-order');
  const accepted = page.locator('#order-accepted');
  await accepted.waitFor({ timeout: 15_000 });
  const lines = await sql(db.url, `SELECT v.color, v.size, l.qty FROM order_lines l JOIN variants v ON v.id = l.variant_id
    WHERE l.order_id = ${Number(await accepted.getAttribute('data-order'))} ORDER BY v.color, v.size`);
  assert.deepEqual(lines.map((r) => r.join(' ')).sort(), ['白色 L 2', '白色 M 1', '黑色 L 6', '黑色 M 3'].sort());

  // A flash window opened by a rep: the flash price and its countdown, then the tier price back.
  await page.goto(`${server.url}/#/fair/${fx.fair}/product/${flashed.id}`);
  await page.locator('#product-view').waitFor({ timeout: 10_000 });
  const tierPrice = await page.locator('.price-line strong').textContent();
  const [[dbNow]] = await sql(db.url, 'SELECT now()');
  const starts = new Date(Date.parse(dbNow.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00')) - 1000);
  const flash = await admin.request('flash.set', {
    fair: fx.fair, product: flashed.id, price: 55500,
    starts_at: starts.toISOString(), ends_at: new Date(starts.getTime() + 9000).toISOString(),
  });
  assert.equal(flash.ok, true, JSON.stringify(flash));
  await page.locator('.price-line strong.flash').filter({ hasText: '¥555.00' }).waitFor({ timeout: 5_000 });
  const countdown = await page.locator('.price-line [role=timer]').textContent();
  assert.match(countdown, /限时价 0?0:0\d/, `the countdown: ${countdown}`);
  await screenshot(page, 'matrix-flash');
  await page.locator('.price-line strong.flash').waitFor({ state: 'detached', timeout: 20_000 });
  assert.equal(await page.locator('.price-line strong').textContent(), tierPrice, 'the tier price once the window closed');

  // Another dealer takes all of black L while the page is open: the cell says sold out.
  await page.goto(`${server.url}/#/fair/${fx.fair}/product/${contested.id}`);
  const cell = page.getByLabel('黑色 L 数量');
  await cell.waitFor({ timeout: 10_000 });
  assert.equal(await cell.isDisabled(), false);
  const rivalSession = await login(server, 'rival', 'rival-pass-1');
  const rival = await connect(server, { cookie: rivalSession.cookie });
  await rival.next('hello', 10_000);
  const blackL = contested.variants[2]; // makeFair: M黑, M白, L黑, L白
  const took = await rival.request('order.place', { fair: fx.fair, key: 'rival-1', lines: [{ variant: blackL, qty: 100 }] });
  assert.equal(took.ok, true, JSON.stringify(took));
  await page.locator('.matrix td.soldout .left.out').filter({ hasText: '已售罄' }).waitFor({ timeout: 10_000 });
  assert.equal(await cell.isDisabled(), true, 'a sold-out cell takes nothing');
  await screenshot(page, 'matrix-sold-out');

  // The same page in English.
  await chooseLang(page, 'en');
  await page.locator('.matrix td.soldout .left.out').filter({ hasText: 'Sold out' }).waitFor({ timeout: 5_000 });
  assert.equal(await page.locator('#product-view h1').textContent(), 'Test coat 3');
  await page.goto(`${server.url}/#/fair/${fx.fair}/product/${packed.id}`);
  await page.getByLabel('黑色 packs').waitFor({ timeout: 10_000 });
  await screenshot(page, 'matrix-packs-en');
  await chooseLang(page, 'zh-Hans');

  assert.deepEqual(problems, [], 'no errors in the page');
  await rival.close();
  await admin.close();
  await context.close();
});

test('the moq and the per-dealer limit, counting earlier orders, refused in words', { timeout: 180_000 }, async () => {
  const { db, server, browser } = suite;
  const fx = await makeFair(db.url, { name: '限购订货会', products: 3 });
  const [minimum, limited, changed] = fx.products;
  await sql(db.url, `UPDATE fair_items SET moq = 3 WHERE fair_id = ${fx.fair} AND product_id = ${minimum.id};
    UPDATE fair_items SET dealer_limit = 10 WHERE fair_id = ${fx.fair} AND product_id = ${limited.id}`);
  const names = Object.fromEntries(await sql(db.url, `SELECT id, name FROM products WHERE id IN (${minimum.id}, ${limited.id}, ${changed.id})`));
  await createUser(db.url, { login: 'limiter', name: '郑店长', password: 'limiter-pass-1', tier: 'B' });
  // an earlier order of 6 units of the limited product
  const earlier = await connect(server, { cookie: (await login(server, 'limiter', 'limiter-pass-1')).cookie });
  await earlier.next('hello', 10_000);
  const first = await earlier.request('order.place', { fair: fx.fair, key: 'limit-1', lines: [{ variant: limited.variants[0], qty: 6 }] });
  assert.equal(first.ok, true, JSON.stringify(first));
  await earlier.close();
  const orders = async () => Number((await sql(db.url, `SELECT count(*) FROM orders WHERE fair_id = ${fx.fair}`))[0][0]);

  const context = await browser.newContext({ viewport: { width: 1280, height: 850 } });
  const page = await context.newPage();
  const problems = watchProblems(page);
  await logInOnPage(page, server.url, 'limiter', 'limiter-pass-1');
  await page.locator(`.fair[data-fair="${fx.fair}"] .fair-name`).click({ timeout: 20_000 });
  await page.locator('#room-view').waitFor({ timeout: 20_000 });

  // The limit of 10 with 6 ordered: 5 more is refused in the matrix (the sheet keeps nothing), 4 fits.
  await page.goto(`${server.url}/#/fair/${fx.fair}/product/${limited.id}`);
  await page.locator('#product-limit').filter({ hasText: '每店限购 10 件 · 已订 6 件' }).waitFor({ timeout: 10_000 });
  const cell = page.getByLabel('白色 M 数量');
  await cell.fill('5');
  await page.locator('.matrix [role=alert]')
    .filter({ hasText: `${names[limited.id]} 每店限购 10 件：已订 6 件，最多还能订 4 件` }).waitFor({ timeout: 5_000 });
  assert.equal(await cell.getAttribute('aria-invalid'), 'true');
  assert.equal(await page.locator('#product-units').textContent(), '0', 'nothing over the limit goes into the sheet');
  await screenshot(page, 'matrix-limit');
  await cell.fill('4');
  await page.locator('#product-units').filter({ hasText: /^4$/ }).waitFor({ timeout: 5_000 });
  assert.equal(await page.locator('.matrix [role=alert] p').count(), 0);

  // The moq of 3: one unit is warned in the matrix and refused by the sheet before sending.
  await page.goto(`${server.url}/#/fair/${fx.fair}/product/${minimum.id}`);
  await page.getByLabel('黑色 M 数量').fill('1');
  await page.locator('.matrix [role=alert]').filter({ hasText: `${names[minimum.id]} 至少要订 3 件` }).waitFor({ timeout: 5_000 });
  await page.click('#to-sheet');
  await page.locator('#save-state[data-state=saved]').waitFor({ timeout: 15_000 });
  const before = await orders();
  await page.click('#submit-order');
  await page.locator('#order-checked').filter({ hasText: `${names[minimum.id]} 起订 3 件，这次只订了 1 件` }).waitFor({ timeout: 5_000 });
  await screenshot(page, 'matrix-moq-refused');
  assert.equal(await orders(), before, 'nothing was sent');
  await page.locator(`.sheet-product[data-product="${minimum.id}"] button.link`).click();
  await page.locator('#order-checked').waitFor({ state: 'detached', timeout: 5_000 });

  // A moq raised after the page read the product: the server refuses, in words.
  await page.goto(`${server.url}/#/fair/${fx.fair}/product/${changed.id}`);
  await page.getByLabel('黑色 M 数量').waitFor({ timeout: 10_000 });
  await sql(db.url, `UPDATE fair_items SET moq = 5 WHERE fair_id = ${fx.fair} AND product_id = ${changed.id}`);
  await page.getByLabel('黑色 M 数量').fill('2');
  await page.locator('#product-units').filter({ hasText: /^2$/ }).waitFor({ timeout: 5_000 });
  await page.click('#to-sheet');
  await page.locator('#save-state[data-state=saved]').waitFor({ timeout: 15_000 });
  await page.click('#submit-order');
  const refused = page.locator('#order-refused');
  await refused.waitFor({ timeout: 15_000 });
  assert.equal(await refused.textContent(), `${names[changed.id]} 起订 5 件，这次只订了 2 件`);
  assert.doesNotMatch(await refused.textContent(), /[a-z]{3}/, 'no English message inside the Chinese');
  await page.locator(`.sheet-product[data-product="${changed.id}"] button.link`).click();

  // What is left is placed; the product page then counts 10 ordered and takes no more.
  await page.click('#submit-order');
  await page.locator('#order-accepted').waitFor({ timeout: 15_000 });
  await page.goto(`${server.url}/#/fair/${fx.fair}/product/${limited.id}`);
  await page.locator('#product-limit').filter({ hasText: '已订 10 件' }).waitFor({ timeout: 10_000 });
  await page.getByLabel('黑色 L 数量').fill('1');
  await page.locator('.matrix [role=alert]').filter({ hasText: '最多还能订 0 件' }).waitFor({ timeout: 5_000 });

  // The same refusal in English.
  await chooseLang(page, 'en');
  await page.locator('.matrix [role=alert]').filter({ hasText: 'Test coat 2: at most 10 units per dealer; you have ordered 10, so at most 0 more' })
    .waitFor({ timeout: 5_000 });
  await chooseLang(page, 'zh-Hans');
  assert.deepEqual(problems, [], 'no errors in the page');
  await context.close();
});

test('on a 375 px phone the matrix of four sizes fits, its headings and colours on one line', { timeout: 120_000 }, async () => {
  const { db, server, browser } = suite;
  const fx = await makeFair(db.url, { name: '手机订货会', products: 1 });
  const [p] = fx.products;
  // four sizes and three colours, as apparel has them
  await sql(db.url, `WITH v AS (INSERT INTO variants (product_id, size, color, sort)
      SELECT ${p.id}, s, c, CASE s WHEN 'S' THEN 0 ELSE 10 END FROM unnest(ARRAY['S','XL']) s, unnest(ARRAY['黑色','白色']) c
      UNION ALL SELECT ${p.id}, s, '驼色', CASE s WHEN 'S' THEN 0 WHEN 'M' THEN 1 WHEN 'L' THEN 3 ELSE 10 END
        FROM unnest(ARRAY['S','M','L','XL']) s
      RETURNING id)
    INSERT INTO stock (fair_id, product_id, variant_id, allocation) SELECT ${fx.fair}, ${p.id}, id, 2929 FROM v`);
  await createUser(db.url, { login: 'phoner', name: '钱店长', password: 'phoner-pass-1', tier: 'B' });
  const phone = await browser.newContext({ viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
  const page = await phone.newPage();
  const problems = watchProblems(page);
  await logInOnPage(page, server.url, 'phoner', 'phoner-pass-1');
  await page.locator(`.fair[data-fair="${fx.fair}"]`).waitFor({ timeout: 20_000 });
  await page.goto(`${server.url}/#/fair/${fx.fair}/product/${p.id}`);
  await page.locator('.matrix tbody tr').nth(2).waitFor({ timeout: 10_000 });
  await page.getByLabel('驼色 M 数量').fill('12');
  await page.locator('#product-units').filter({ hasText: /^12$/ }).waitFor({ timeout: 5_000 });
  await page.locator('.matrix').scrollIntoViewIfNeeded();
  // every heading (颜色, the sizes, 合计) and colour on one line: one line box each
  const lines = await page.locator('.matrix th').evaluateAll((ths) => ths.map((th) => {
    const r = document.createRange();
    r.selectNodeContents(th);
    return [th.textContent, new Set([...r.getClientRects()].map((b) => Math.round(b.top))).size];
  }));
  for (const [text, n] of lines) assert.equal(n, 1, `${text} wraps onto ${n} lines at 375 px`);
  const fit = await page.locator('.matrix .scroll-x').evaluate((el) => [el.scrollWidth, el.clientWidth]);
  assert.ok(fit[0] <= fit[1], `four sizes fit without scrolling the grid: ${fit}`);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 375, `the page is ${width} px wide at 375`);
  await screenshot(page, 'matrix-phone');
  assert.deepEqual(problems, [], 'no errors in the page');
  await phone.close();
});
