// Promotions from the manager's settings page (issue 25; PROTOCOL.md "message.promote"), in
// Chromium against the real server and PostgreSQL: the manager writes a promotion, chooses a
// dealer tier and sees how many dealers it reaches (the server's count, again when the
// audience changes) and the words the dealers will read; a bad audience is refused in words;
// sent, it is in the inbox of a dealer of that tier, whose badge counts it live on a 375 px
// phone, and in no other dealer's. axe clean at 1280 and 375 px; nothing wider than 375 px.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseLang, axeClean, browserSuite, figure, noSideScroll, shotOf, openAs, screenshot, createUser, makeFair } from './browser.mjs';
import { sql } from '../integration/harness.mjs';

const suite = browserSuite();
const PHONE = { width: 375, height: 800 };
const LAPTOP = { width: 1280, height: 900 };

test('a manager sends a promotion to a tier from the settings page; a dealer of that tier reads it, no other', { timeout: 240_000 }, async () => {
  const { db, server, browser } = suite;
  const fx = await makeFair(db.url, { name: '促销订货会', products: 1 });
  await createUser(db.url, { login: 'promo-boss', name: '孙经理', role: 'manager', password: 'promo-pass-123' });
  const shopC = await createUser(db.url, { login: 'promo-shop-c', name: '周店长', password: 'promo-shop-1', tier: 'C' });
  const shopC2 = await createUser(db.url, { login: 'promo-shop-c2', name: '郑店长', password: 'promo-shop-2', tier: 'C' });
  const shopA = await createUser(db.url, { login: 'promo-shop-a', name: '冯店长', password: 'promo-shop-3', tier: 'A' });
  const other = await createUser(db.url, { login: 'promo-elsewhere', name: '陈店长', password: 'promo-shop-4', tier: 'C' });
  // the fair is for three of them: the fourth, of tier C too, is not reached
  await sql(db.url, `INSERT INTO fair_dealers (fair_id, dealer_id)
    SELECT ${fx.fair}, dealer_id FROM users WHERE id IN (${shopC.id}, ${shopC2.id}, ${shopA.id})`);

  // the dealer on a phone, before the promotion
  const dealer = await openAs(browser, server, 'promo-shop-c', 'promo-shop-1', { viewport: PHONE, isMobile: true });
  await dealer.page.locator('#inbox-link').waitFor({ timeout: 20_000 });
  assert.equal(await dealer.page.locator('#inbox-badge').count(), 0, 'nothing unread yet');

  const { context, page, problems } = await openAs(browser, server, 'promo-boss', 'promo-pass-123',
    { fair: fx.fair, route: '/manage', viewport: LAPTOP });
  page.on('dialog', (d) => void d.accept());
  const panel = page.locator('#promo-panel');
  await panel.locator('#promo-reach').filter({ hasText: '将发给 3 家经销商（3 个账号）' }).waitFor({ timeout: 20_000 });

  // whom: a tier; the count follows what is typed
  await page.selectOption('#promo-who', 'tier');
  assert.equal(await page.locator('#promo-reach').textContent(), '填好发给谁，就能看到会收到的经销商数');
  const t0 = Date.now();
  await page.fill('#promo-value', 'C');
  await page.locator('#promo-reach').filter({ hasText: '将发给 2 家经销商（2 个账号）' }).waitFor({ timeout: 10_000 });
  figure(`promotion preview count painted ${Date.now() - t0} ms after the tier was typed`);
  await page.fill('#promo-subject', '春季新品 9 折');
  await page.fill('#promo-body', '开幕首日全场 9 折，欢迎下单。');
  assert.equal(await page.locator('#promo-preview .promo-text').textContent(), '促销订货会：春季新品 9 折\n开幕首日全场 9 折，欢迎下单。');
  assert.equal(await page.locator('#promo-subject-count').textContent(), '8/100 字');
  await screenshot(page, 'promote-manage-1280');
  await axeClean(page, '#promo-panel', 'promotions panel at 1280 px');

  // a bad audience is refused in words, nothing sent
  await page.selectOption('#promo-who', 'dealers');
  await page.fill('#promo-value', '12, abc');
  await page.click('#promo-send');
  assert.equal(await page.locator('#promo-result').textContent(), '经销商编号是用逗号分隔的数字');
  await page.selectOption('#promo-who', 'region');
  await page.fill('#promo-value', '无此区域');
  await page.locator('#promo-reach').filter({ hasText: '没有经销商符合：换个条件' }).waitFor({ timeout: 10_000 });
  assert.ok(await page.locator('#promo-send').isDisabled(), 'nobody to send to: the button says so');
  assert.equal(Number((await sql(db.url, `SELECT count(*) FROM inbox_messages WHERE kind = 'promotion'`))[0][0]), 0);

  // sent to tier C
  await page.selectOption('#promo-who', 'tier');
  await page.fill('#promo-value', 'C');
  await page.locator('#promo-reach').filter({ hasText: '将发给 2 家经销商' }).waitFor({ timeout: 10_000 });
  const t1 = Date.now();
  await page.click('#promo-send');
  await page.locator('#promo-result').filter({ hasText: '已发给 2 家经销商（2 条消息）' }).waitFor({ timeout: 10_000 });
  await dealer.page.locator('#inbox-badge').filter({ hasText: '1' }).waitFor({ timeout: 10_000 });
  figure(`promotion sent -> the dealer's badge painted on its phone: ${Date.now() - t1} ms`);
  assert.equal(await page.locator('#promo-subject').inputValue(), '', 'the form is ready for the next one');
  await screenshot(page, 'promote-sent-1280');

  // the dealer reads it in its inbox
  await dealer.page.click('#inbox-link');
  await dealer.page.locator('#inbox-list .message').first().waitFor({ timeout: 10_000 });
  assert.deepEqual(await dealer.page.locator('#inbox-list .message-text').allTextContents(),
    ['促销订货会：春季新品 9 折\n开幕首日全场 9 折，欢迎下单。']);
  await screenshot(dealer.page, 'promote-dealer-inbox-375');
  await noSideScroll(dealer.page, 'the dealer\'s inbox at 375 px');
  await axeClean(dealer.page, '#inbox-list', 'the dealer\'s inbox with a promotion at 375 px');

  // exactly the dealers of tier C at the fair
  const told = await sql(db.url, `SELECT user_id FROM inbox_messages WHERE kind = 'promotion' ORDER BY user_id`);
  assert.deepEqual(told.map(([u]) => Number(u)), [shopC.id, shopC2.id]);
  assert.ok(![shopA.id, other.id].some((u) => told.some(([x]) => Number(x) === u)));
  const [[audited]] = await sql(db.url, `SELECT count(*) FROM audit_log WHERE action = 'message.promote' AND fair_id = ${fx.fair}`);
  assert.equal(Number(audited), 1);

  // the manager's page at phone width
  await page.setViewportSize(PHONE);
  await page.fill('#promo-subject', '周末加单');
  await page.fill('#promo-body', '周六、周日下单另享 95 折。\n限本场经销商。');
  await panel.scrollIntoViewIfNeeded();
  await screenshot(page, 'promote-manage-375');
  await shotOf(panel, 'promote-panel-375');
  await noSideScroll(page, 'settings with promotions at 375 px');
  await axeClean(page, '#promo-panel', 'promotions panel at 375 px');

  // in Traditional Chinese and English too
  await chooseLang(page, 'zh-Hant');
  await page.locator('#promo-title').filter({ hasText: '促銷通知' }).waitFor({ timeout: 5_000 });
  await chooseLang(page, 'en');
  await page.locator('#promo-title').filter({ hasText: 'Promotions' }).waitFor({ timeout: 5_000 });
  await page.locator('#promo-reach').filter({ hasText: 'Reaches 2 dealers (2 accounts)' }).waitFor({ timeout: 5_000 });
  await screenshot(page, 'promote-manage-en-375');
  await shotOf(panel, 'promote-panel-en-375');
  await noSideScroll(page, 'settings in English at 375 px');

  assert.deepEqual(problems, [], 'no errors in the manager\'s page');
  assert.deepEqual(dealer.problems, [], 'no errors in the dealer\'s page');
  await dealer.context.close();
  await context.close();
});
