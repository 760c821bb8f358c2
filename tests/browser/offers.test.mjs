// The fair's policies and coupons (issue 25) in Chromium against the real server and
// PostgreSQL. A dealer on a 375 px phone sees on its sheet where it stands ("再订 ¥2,000.00 享
// 3% 折扣", the early bird with its end in the fair's zone, the minimum still missing), is
// refused under the minimum in words, picks coupons (one ended meanwhile, one over its
// threshold: each refusal in words), places the order with a coupon and sees the estimated
// discount equal the reply's real one; the sheet follows a policy changed by a manager (the
// `policy` event), My orders shows discount, coupon and payable per order and per line, in the
// three languages. A manager sets tiers and an early bird and creates a coupon in the page;
// the database holds them and the dealer's coupon list has it. axe on the new parts at 375 px
// and 1280 px. A manager sets a dealer tier's points rate in a row of its own, read back in
// words ("每付 ¥100.00 得 2 分，约返 2%"), the database holding it; a bad number is refused in words
// before sending, a server's refusal in its words, a new tier letter added. Screenshots:
// build/test-artifacts/offers-*.png. Figures: lines `figure: ...`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseLang, axeClean, browserSuite, figure, noSideScroll, shotOf, openAs, screenshot, createUser, makeFair } from './browser.mjs';
import { connect, login, sql } from '../integration/harness.mjs';

const suite = browserSuite();
const yuan = (fen) => `¥${(fen / 100).toLocaleString('en-US', { minimumFractionDigits: 2 })}`;
const PHONE = { width: 375, height: 800 };
const LAPTOP = { width: 1280, height: 900 };

async function manager(server, db) {
  await createUser(db.url, { login: 'offers-chief', name: '王经理', role: 'manager', password: 'chief-pass-123' });
  const ws = await connect(server, { cookie: (await login(server, 'offers-chief', 'chief-pass-123')).cookie });
  await ws.next('hello', 10_000);
  return ws;
}

async function ok(ws, op, args) {
  const r = await ws.request(op, args);
  assert.equal(r.ok, true, `${op}: ${JSON.stringify(r)}`);
  return r;
}

test('a dealer sees where it stands, picks a coupon and gets the discount it was shown', { timeout: 240_000 }, async () => {
  const { db, server, browser } = suite;
  const fx = await makeFair(db.url, { name: '政策订货会', products: 3 });
  const buyer = await createUser(db.url, { login: 'offers-buyer', name: '林店长', password: 'buyer-pass-1', tier: 'B' });
  const [, coat2] = fx.products; // tier B pays 90002 for coat 2
  const chief = await manager(server, db);
  // ¥1,000 minimum; 2% early bird for the fair's first two hours (it began an hour ago);
  // 3% from ¥2,000, 5% from ¥5,000
  await ok(chief, 'policy.set', { fair: fx.fair, policy: { min_total: 100000, early: { minutes: 120, percent_bp: 200 },
    tiers: [{ from: 200000, percent_bp: 300 }, { from: 500000, percent_bp: 500 }] } });
  await ok(chief, 'coupon.create', { fair: fx.fair, coupon: { code: 'SAVE50', name: '满减券', amount_off: 5000, threshold: 200000, issued: 5 } });
  await ok(chief, 'coupon.create', { fair: fx.fair, coupon: { code: 'BIG100', name: '大单券', amount_off: 10000, threshold: 1000000, issued: 5 } });
  const ending = await ok(chief, 'coupon.create', { fair: fx.fair, coupon: { code: 'ENDME', name: '限时券', percent_bp: 1000, cap: 3000, issued: 5 } });
  const [[startsAt]] = await sql(db.url, `SELECT to_char((starts_at + interval '120 minutes') AT TIME ZONE 'Asia/Shanghai', 'YYYY/MM/DD HH24:MI') FROM fairs WHERE id = ${fx.fair}`);

  const { context, page, problems } = await openAs(browser, server, 'offers-buyer', 'buyer-pass-1',
    { fair: fx.fair, route: `/product/${coat2.id}`, viewport: PHONE });
  await page.getByLabel('黑色 M 数量').fill('1');
  await page.click('.fairnav a[href$="/sheet"]');

  // Where it stands: nothing ordered yet.
  const next = page.locator('#policy-next');
  await next.waitFor({ timeout: 15_000 });
  assert.equal(await next.textContent(), `再订 ${yuan(200000)} 享 3% 折扣`);
  assert.equal(await page.locator('.tier-list li').allTextContents().then((a) => a.join(' | ')),
    `满 ${yuan(200000)} 享 3% 折扣 | 满 ${yuan(500000)} 享 5% 折扣`);
  const early = await page.locator('#policy-early').textContent();
  assert.equal(early, `早鸟 2% 折扣：${startsAt} Asia/Shanghai (UTC+8) 前下单`);
  assert.match(await page.locator('#policy-min').textContent(), new RegExp(`每店起订金额 ${yuan(100000).replace('.', '\\.')} · 还差`));
  assert.equal(await page.locator('#minimum-warning').textContent(), `还差 ${yuan(100000)} 达到起订金额`);
  // the estimate: the early bird only (2% of 90002)
  assert.equal(await page.locator('#sheet-discount').textContent(), `−${yuan(1800)}`);
  assert.equal(await page.locator('#sheet-payable').textContent(), yuan(90002 - 1800));
  await screenshot(page, 'offers-sheet-375');
  await noSideScroll(page, 'sheet at 375 px');
  await axeClean(page, '#sheet-view', 'sheet with policies at 375 px');

  // Under the minimum: refused, in words with the figures.
  await page.locator('#save-state[data-state=saved]').waitFor({ timeout: 10_000 });
  await page.click('#submit-order');
  await page.locator('#order-refused').waitFor({ timeout: 15_000 });
  assert.equal(await page.locator('#order-refused').textContent(),
    `未达到每店起订金额 ${yuan(100000)}：本场已订 ${yuan(0)}，加上本单 ${yuan(90002)}，还差 ${yuan(100000 - 90002)}`);
  await screenshot(page, 'offers-below-minimum-375');

  // Three of coat 2 (270006): the minimum and the 3% tier reached by this order.
  await page.goto(`${server.url}/#/fair/${fx.fair}/product/${coat2.id}`);
  await page.getByLabel('黑色 M 数量').fill('3');
  await page.click('.fairnav a[href$="/sheet"]');
  const amount = 3 * 90002;
  await page.locator('#sheet-amount').filter({ hasText: yuan(amount) }).waitFor({ timeout: 10_000 });
  assert.equal(await page.locator('#minimum-warning').count(), 0);
  assert.equal(await page.locator('#sheet-reaches').textContent(), `本单将达到“满 ${yuan(200000)} 享 3% 折扣”，之前的订单也按此计算`);
  const earlyOff = Math.floor(amount * 200 / 10000);
  const tierOff = Math.floor(amount * 300 / 10000);
  assert.equal(await page.locator('#sheet-discount').textContent(), `−${yuan(earlyOff + tierOff)}`);

  // The coupon list: the dealer's three, with their terms.
  const options = await page.locator('#coupon option').allTextContents();
  assert.deepEqual(options, ['不使用优惠券', 'SAVE50 · 满减券', 'BIG100 · 大单券', 'ENDME · 限时券']);
  await page.selectOption('#coupon', 'ENDME');
  assert.match(await page.locator('#coupon-terms').textContent(), /^10% 折扣，最多减 ¥30\.00 · 有效期至 .* Asia\/Shanghai \(UTC\+8\) · 还可用 1 次$/);
  // ended by the manager before the dealer sends: refused in words, with its window
  await ok(chief, 'coupon.end', { coupon: ending.coupon.id });
  await page.locator('#save-state[data-state=saved]').waitFor({ timeout: 10_000 });
  await page.click('#submit-order');
  await page.locator('#order-refused').filter({ hasText: 'ENDME' }).waitFor({ timeout: 15_000 });
  const endedWords = await page.locator('#order-refused').textContent();
  console.log(`refusal not_valid_now: ${endedWords}`);
  assert.match(endedWords, /^优惠券 ENDME 现在不在有效期内（\d{4}\/\d\d\/\d\d \d\d:\d\d 至 \d{4}\/\d\d\/\d\d \d\d:\d\d，Asia\/Shanghai \(UTC\+8\)）$/);
  // the list read again: the ended coupon is no longer offered
  await page.waitForFunction(() => document.querySelectorAll('#coupon option').length === 4
    && ![...document.querySelectorAll('#coupon option')].some((o) => o.textContent.includes('限时券')), null, { timeout: 10_000 });

  // Over its threshold: warned on the sheet, refused in words.
  await page.selectOption('#coupon', 'BIG100');
  assert.equal(await page.locator('#coupon-under').textContent(), `本单未满 ${yuan(1000000)}：这张优惠券用不了`);
  await page.click('#submit-order');
  await page.locator('#order-refused').filter({ hasText: 'BIG100' }).waitFor({ timeout: 15_000 });
  assert.equal(await page.locator('#order-refused').textContent(), `优惠券 BIG100 要订满 ${yuan(1000000)} 才能用，本单 ${yuan(amount)}`);
  await screenshot(page, 'offers-coupon-refused-375');

  // SAVE50: the estimate, then the order and its real discount.
  await page.selectOption('#coupon', 'SAVE50');
  const estimated = 5000 + earlyOff + tierOff;
  assert.equal(await page.locator('#sheet-discount').textContent(), `−${yuan(estimated)}`);
  assert.equal(await page.locator('#sheet-payable').textContent(), yuan(amount - estimated));
  await screenshot(page, 'offers-sheet-coupon-375');
  await shotOf(page.locator('#policy'), 'offers-policy-box-375');
  await shotOf(page.locator('.sheet-total'), 'offers-sheet-total-375');
  await page.click('#submit-order');
  await page.locator('#order-accepted').waitFor({ timeout: 15_000 });
  const orderId = Number(await page.locator('#order-accepted').getAttribute('data-order'));
  const words = await page.locator('#accepted-discount').textContent();
  assert.equal(words, `优惠 −${yuan(estimated)} (早鸟 ${yuan(earlyOff)} · 满额 ${yuan(tierOff)} · 优惠券 SAVE50 ${yuan(5000)}) · 应付 ${yuan(amount - estimated)}`);
  const [[dbDiscount, dbPayable, dbCoupon]] = await sql(db.url, `SELECT early_discount + tier_discount + coupon_discount,
    total - early_discount - tier_discount - coupon_discount, coupon_code FROM orders WHERE id = ${orderId}`);
  figure(`sheet estimate ${yuan(estimated)} vs order ${orderId} discount ${yuan(Number(dbDiscount))} (payable ${yuan(Number(dbPayable))}, coupon ${dbCoupon})`);
  assert.equal(Number(dbDiscount), estimated);
  // where it stands now: the 3% tier, ¥2,299.94 short of 5%
  await page.locator('#policy-tier').filter({ hasText: '3%' }).waitFor({ timeout: 10_000 });
  await next.filter({ hasText: yuan(500000 - amount) }).waitFor({ timeout: 10_000 });
  assert.equal(await next.textContent(), `再订 ${yuan(500000 - amount)} 享 5% 折扣`);
  assert.match(await page.locator('#policy-min').textContent(), /已达起订金额/);
  await screenshot(page, 'offers-sheet-placed-375');

  // The manager moves the 5% tier down to ¥4,000: the sheet follows the `policy` event.
  const sent = Date.now();
  await ok(chief, 'policy.set', { fair: fx.fair, policy: { min_total: 100000, early: { minutes: 120, percent_bp: 200 },
    tiers: [{ from: 200000, percent_bp: 300 }, { from: 400000, percent_bp: 500 }] } });
  await next.filter({ hasText: yuan(400000 - amount) }).waitFor({ timeout: 10_000 });
  figure(`policy.set to the dealer's sheet showing the new next tier: ${Date.now() - sent} ms`);

  // The three languages.
  await chooseLang(page, 'en');
  assert.equal(await next.textContent(), `CN${yuan(400000 - amount)} more for 5% off`); // en-GB names the yuan CN¥
  assert.match(await page.locator('#policy-tier').textContent(), /Reached: 3% off from CN¥2,000\.00/);
  await chooseLang(page, 'zh-Hant');
  assert.equal(await next.textContent(), `再訂 CN${yuan(400000 - amount)} 享 5% 折扣`); // zh-TW too
  await chooseLang(page, 'zh-Hans');

  // My orders: the discount, its parts, the coupon and what is payable; each line's share.
  await page.click('.fairnav a[href$="/orders"]');
  const card = page.locator(`.order[data-order="${orderId}"]`);
  await card.locator('.order-discount').waitFor({ timeout: 10_000 });
  assert.equal(await card.locator('.order-discount').textContent(), words);
  assert.equal(await card.locator('.line-discount').textContent(), `优惠 −${yuan(estimated)}`);
  await screenshot(page, 'offers-orders-375');
  await noSideScroll(page, 'My orders at 375 px');
  await axeClean(page, '#orders-view', 'My orders at 375 px');

  // Laptop width: the sheet and My orders.
  await page.setViewportSize(LAPTOP);
  await screenshot(page, 'offers-orders-1280');
  await page.goto(`${server.url}/#/fair/${fx.fair}/product/${coat2.id}`);
  await page.getByLabel('白色 L 数量').fill('2');
  await page.click('.fairnav a[href$="/sheet"]');
  await page.locator('#policy-tier').waitFor({ timeout: 10_000 });
  // SAVE50 was for one use per dealer: no longer offered
  assert.deepEqual(await page.locator('#coupon option').allTextContents(), ['不使用优惠券', 'BIG100 · 大单券']);
  await page.selectOption('#coupon', 'BIG100');
  await screenshot(page, 'offers-sheet-1280');
  await axeClean(page, '#sheet-view', 'sheet with policies at 1280 px');

  assert.deepEqual(problems, [], 'no errors in the page');
  await chief.close();
  await context.close();
});

test('a manager sets tiers and an early bird, creates a coupon and watches it used', { timeout: 240_000 }, async () => {
  const { db, server, browser } = suite;
  const fx = await makeFair(db.url, { name: '设定订货会', products: 2 });
  await createUser(db.url, { login: 'offers-boss', name: '赵经理', role: 'manager', password: 'boss-pass-1234' });
  const buyer = await createUser(db.url, { login: 'offers-b2', name: '吴店长', password: 'buyer-pass-2', tier: 'B' });
  const { context, page, problems } = await openAs(browser, server, 'offers-boss', 'boss-pass-1234',
    { fair: fx.fair, route: '/manage', viewport: LAPTOP });
  page.on('dialog', (d) => void d.accept());
  await page.locator('#policies-panel #policy-now').filter({ hasText: '本场没有订货政策' }).waitFor({ timeout: 15_000 });

  // Tiers, early bird and minimum typed in; a bad percentage is refused in words first.
  await page.fill('#policy-min-in', '1,000');
  await page.fill('#policy-early-minutes', '90');
  await page.fill('#policy-early-percent', '1.5');
  await page.click('#tier-add');
  await page.fill('.tier-row[data-tier="1"] .tier-from', '2000');
  await page.fill('.tier-row[data-tier="1"] .tier-value', '95');
  await page.click('#policy-save');
  assert.equal(await page.locator('#policy-result').textContent(), '第 1 档：折扣要在 0.01% 到 90% 之间');
  await page.fill('.tier-row[data-tier="1"] .tier-value', '3');
  await page.click('#tier-add');
  await page.fill('.tier-row[data-tier="2"] .tier-from', '5000');
  await page.selectOption('.tier-row[data-tier="2"] .tier-kind', 'amount');
  await page.fill('.tier-row[data-tier="2"] .tier-value', '300');
  const t0 = Date.now();
  await page.click('#policy-save');
  await page.locator('#policy-result').filter({ hasText: '政策已保存' }).waitFor({ timeout: 10_000 });
  figure(`policy.set from the page answered in ${Date.now() - t0} ms`);
  await page.locator('#policy-now').filter({ hasText: `满 ${yuan(500000)} 减 ${yuan(30000)}` }).waitFor({ timeout: 10_000 });
  assert.equal(await page.locator('#policy-now li').allTextContents().then((a) => a.slice(0, 2).join(' | ')),
    `满 ${yuan(200000)} 享 3% 折扣 | 满 ${yuan(500000)} 减 ${yuan(30000)}`);
  const dealer = await connect(server, { cookie: (await login(server, 'offers-b2', 'buyer-pass-2')).cookie });
  await dealer.next('hello', 10_000);
  const got = await ok(dealer, 'policy.get', { fair: fx.fair });
  assert.deepEqual({ min: got.policy.min_total, early: [got.policy.early.minutes, got.policy.early.percent_bp], tiers: got.policy.tiers },
    { min: 100000, early: [90, 150], tiers: [{ from: 200000, percent_bp: 300 }, { from: 500000, amount_off: 30000 }] });

  // A coupon: 10% off up to ¥100 from ¥1,000, tier B, 3 uses, until tomorrow 18:00 in the fair's zone.
  const [[tomorrow]] = await sql(db.url, `SELECT to_char((now() AT TIME ZONE 'Asia/Shanghai')::date + 1, 'YYYY-MM-DD')`);
  await page.fill('#coupon-code', 'vip88');
  await page.fill('#coupon-name', '贵宾券');
  await page.selectOption('#coupon-kind', 'percent');
  await page.fill('#coupon-value', '10');
  await page.fill('#coupon-cap', '100');
  await page.fill('#coupon-threshold', '1000');
  await page.fill('#coupon-tier', 'B');
  await page.fill('#coupon-issued', '3');
  await page.fill('#coupon-until', `${tomorrow}T18:00`);
  await page.click('#coupon-create');
  await page.locator('#coupon-result').filter({ hasText: '优惠券 VIP88 已创建' }).waitFor({ timeout: 10_000 });
  const [[until, tier, cap]] = await sql(db.url, `SELECT to_char(valid_until AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD"T"HH24:MI'), tier, cap
    FROM coupons WHERE fair_id = ${fx.fair} AND code = 'VIP88'`);
  assert.deepEqual([until, tier, cap], [`${tomorrow}T18:00`, 'B', '10000']);
  const row = page.locator('#coupon-table tr[data-code="VIP88"]');
  assert.equal(await row.locator('.coupon-used').textContent(), '0 / 3');
  assert.match(await row.textContent(), /10% 折扣，最多减 ¥100\.00 · 满 ¥1,000\.00 可用/);
  // a code taken: refused in words
  await page.fill('#coupon-code', 'VIP88');
  await page.fill('#coupon-value', '5');
  await page.fill('#coupon-issued', '1');
  await page.click('#coupon-create');
  await page.locator('#coupon-result.error').waitFor({ timeout: 10_000 });
  assert.equal(await page.locator('#coupon-result').textContent(), '本场已有券码 VIP88：换一个券码');

  // The dealer sees it and uses it; the manager's table shows the use and the discount given.
  const listed = await ok(dealer, 'coupon.list', { fair: fx.fair });
  assert.deepEqual(listed.coupons.map((c) => [c.code, c.left]), [['VIP88', 1]]);
  const placed = await ok(dealer, 'order.place', { fair: fx.fair, key: 'vip-1', coupon: 'VIP88',
    lines: [{ variant: fx.products[0].variants[0], qty: 2 }] });
  assert.equal(placed.order.discounts.coupon, 10000); // 10% of 180002 capped at ¥100
  await page.click('#coupons-refresh');
  await row.locator('.coupon-used').filter({ hasText: '1 / 3' }).waitFor({ timeout: 10_000 });
  assert.equal(await row.locator('.coupon-given').textContent(), yuan(10000));
  await screenshot(page, 'offers-manage-1280');
  await axeClean(page, '#policies-panel', 'policies panel at 1280 px');
  await axeClean(page, '#coupons-panel', 'coupons panel at 1280 px');

  // Ended: no longer offered to the dealer.
  await row.locator('button.danger').click();
  await page.locator('#coupon-result').filter({ hasText: '优惠券 VIP88 已停用' }).waitFor({ timeout: 10_000 });
  await row.filter({ hasText: '已结束' }).waitFor({ timeout: 10_000 });
  assert.deepEqual((await ok(dealer, 'coupon.list', { fair: fx.fair })).coupons, []);

  // Phone width.
  await page.setViewportSize(PHONE);
  await page.locator('#policies-panel').scrollIntoViewIfNeeded();
  await screenshot(page, 'offers-manage-375');
  await shotOf(page.locator('#policies-panel'), 'offers-manage-policies-375');
  await shotOf(page.locator('#coupons-panel'), 'offers-manage-coupons-375');
  await noSideScroll(page, 'settings at 375 px');
  await axeClean(page, '#policies-panel', 'policies panel at 375 px');
  await axeClean(page, '#coupons-panel', 'coupons panel at 375 px');

  assert.deepEqual(problems, [], 'no errors in the page');
  await dealer.close();
  await context.close();
});

test('a manager sets the points rate of a dealer tier, sees it in words, and is refused in words', { timeout: 180_000 }, async () => {
  const { db, server, browser } = suite;
  const fx = await makeFair(db.url, { name: '积分订货会', products: 1 });
  await createUser(db.url, { login: 'rates-boss', name: '钱经理', role: 'manager', password: 'rates-pass-123' });
  for (const tier of ['A', 'B', 'C']) await createUser(db.url, { login: `rates-shop-${tier.toLowerCase()}`, password: 'rates-shop-1', tier });
  const { context, page, problems } = await openAs(browser, server, 'rates-boss', 'rates-pass-123',
    { fair: fx.fair, route: '/manage', viewport: LAPTOP });
  const row = (tier) => page.locator(`#rates-panel .rate-row[data-tier="${tier}"]`);
  await row('C').waitFor({ timeout: 15_000 });
  assert.deepEqual(await page.locator('#rates-panel .rate-row').evaluateAll((rows) => rows.map((r) => r.dataset.tier)), ['A', 'B', 'C'],
    'a row per tier the dealers have');
  assert.equal(await row('B').locator('.rate-means').textContent(), '未设置：这一级不积分');
  assert.match(await page.locator('#rates-intro').textContent(), /每分抵 ¥1\.00/);

  // B: 2 points per ¥100 for 365 days, said in words while typed, then saved
  await row('B').getByLabel('每 ¥100.00 积分').fill('2');
  await row('B').getByLabel('有效天数').fill('365');
  assert.equal(await row('B').locator('.rate-means').textContent(), '每付 ¥100.00 得 2 分，约返 2%，有效期 365 天 · 未保存');
  const t0 = Date.now();
  await row('B').getByRole('button', { name: '保存 B 级积分比例' }).click();
  await row('B').locator('.rate-result').filter({ hasText: 'B 级积分比例已保存' }).waitFor({ timeout: 10_000 });
  figure(`points.rates.set from the page answered in ${Date.now() - t0} ms`);
  assert.deepEqual(await sql(db.url, `SELECT tier, per_100, validity_days FROM point_rates ORDER BY tier`), [['B', '2', '365']]);
  assert.equal((await sql(db.url, `SELECT count(*) FROM audit_log WHERE action = 'points.rates.set' AND target = 'tier:B'`))[0][0], '1');
  assert.equal(await row('B').locator('.rate-means').textContent(), '每付 ¥100.00 得 2 分，约返 2%，有效期 365 天');

  // refused before sending, in words: too many points, a validity of no days
  await row('A').getByLabel('每 ¥100.00 积分').fill('20000');
  assert.equal(await row('A').locator('.rate-means').textContent(), '每 ¥100.00 的积分要填 0 到 10000 的整数 · 未保存');
  await row('A').getByRole('button', { name: '保存 A 级积分比例' }).click();
  assert.equal(await row('A').locator('.rate-result').textContent(), '每 ¥100.00 的积分要填 0 到 10000 的整数');
  await row('A').getByLabel('每 ¥100.00 积分').fill('1');
  await row('A').getByLabel('有效天数').fill('0');
  await row('A').getByRole('button', { name: '保存 A 级积分比例' }).click();
  assert.equal(await row('A').locator('.rate-result').textContent(), '有效天数要填 1 到 3650 的整数（空为 365）');
  // refused by the server, in its words; nothing stored
  await sql(db.url, `CREATE FUNCTION rates_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'rates are frozen for the year-end audit' USING ERRCODE = '22023'; END $$;
    CREATE TRIGGER rates_frozen BEFORE INSERT OR UPDATE ON point_rates FOR EACH ROW EXECUTE FUNCTION rates_frozen()`);
  await row('C').getByLabel('每 ¥100.00 积分').fill('3');
  await row('C').getByRole('button', { name: '保存 C 级积分比例' }).click();
  await row('C').locator('.rate-result.error').waitFor({ timeout: 10_000 });
  assert.equal(await row('C').locator('.rate-result').textContent(), '请求有误：rates are frozen for the year-end audit');
  assert.equal(await row('C').locator('.rate-result').getAttribute('role'), 'alert');
  await sql(db.url, `DROP TRIGGER rates_frozen ON point_rates; DROP FUNCTION rates_frozen()`);
  assert.deepEqual(await sql(db.url, `SELECT tier FROM point_rates ORDER BY tier`), [['B']]);

  // a tier no dealer has yet: a letter, or refused in words
  await page.fill('#rate-new-tier', '1');
  await page.click('#rate-add');
  assert.equal(await page.locator('#rate-add-error').textContent(), '等级是一个大写字母');
  await page.fill('#rate-new-tier', 'd');
  await page.click('#rate-add');
  await row('D').waitFor({ timeout: 5_000 });
  await row('D').getByLabel('每 ¥100.00 积分').fill('5');
  await row('D').getByLabel('有效天数').fill('30');
  await row('D').getByRole('button', { name: '保存 D 级积分比例' }).click();
  await row('D').locator('.rate-result').filter({ hasText: 'D 级积分比例已保存' }).waitFor({ timeout: 10_000 });
  assert.deepEqual(await sql(db.url, `SELECT tier, per_100, validity_days FROM point_rates ORDER BY tier`), [['B', '2', '365'], ['D', '5', '30']]);
  await page.locator('#rates-panel').scrollIntoViewIfNeeded();
  await shotOf(page.locator('#rates-panel'), 'offers-rates-1280');
  await screenshot(page, 'offers-rates-page-1280');
  await axeClean(page, '#rates-panel', 'rates panel at 1280 px');

  // the other languages
  await chooseLang(page, 'en');
  await row('B').locator('.rate-means').filter({ hasText: '2 points for every CN¥100.00 paid, about 2% back, valid 365 days' }).waitFor({ timeout: 5_000 });
  await chooseLang(page, 'zh-Hant');
  await row('B').locator('.rate-means').filter({ hasText: '每付 CN¥100.00 得 2 分，約返 2%，有效期 365 天' }).waitFor({ timeout: 5_000 });
  await chooseLang(page, 'zh-Hans');

  // phone width
  await page.setViewportSize(PHONE);
  await page.locator('#rates-panel').scrollIntoViewIfNeeded();
  await shotOf(page.locator('#rates-panel'), 'offers-rates-375');
  await noSideScroll(page, 'settings with the rates at 375 px');
  await axeClean(page, '#rates-panel', 'rates panel at 375 px');

  assert.deepEqual(problems, [], 'no errors in the page');
  await context.close();
});
