// An administrator's fair settings on the settings page, in Chromium against the real server and
// PostgreSQL: the fair renamed, its English name given and its closing time moved on the fair's
// clock (in the database, audited, the dealer's room showing the new name and counting to the
// new time), ordering paused and resumed
// (the dealer's room shows it at once), bad times refused in words with nothing changed, and
// the fair closed for good after a confirmation (the form locked); a manager has no such panel.
// Screenshots go to build/test-artifacts/fair-settings-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import AxeBuilder from '@axe-core/playwright';
import { browserSuite, openAs, screenshot, createUser, makeFair } from './browser.mjs';
import { sql } from '../integration/harness.mjs';

const suite = browserSuite();

test('an administrator names, extends, pauses, resumes and closes a fair from the settings page', { timeout: 180_000 }, async () => {
  const { db, server, browser } = suite;
  const fx = await makeFair(db.url, { name: '设置订货会', endsIn: '2 days' });
  await createUser(db.url, { login: 'boss', name: '赵管理', role: 'admin', password: 'boss-pass-123' });
  await createUser(db.url, { login: 'chief', name: '王经理', role: 'manager', password: 'chief-pass-123' });
  await createUser(db.url, { login: 'shop', name: '钱店长', password: 'shop-pass-1', tier: 'A' });
  const row = async () => (await sql(db.url, `SELECT name_en, to_char(ends_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD"T"HH24:MI'),
    coalesce(status_override, ''), fair_status(f) FROM fairs f WHERE id = ${fx.fair}`))[0];

  // the dealer watches its room
  const shop = await openAs(browser, server, 'shop', 'shop-pass-1', { fair: fx.fair });
  const state = shop.page.locator('#fair-state');
  await state.waitFor({ timeout: 20_000 });

  const { context, page, problems } = await openAs(browser, server, 'boss', 'boss-pass-123',
    { fair: fx.fair, viewport: { width: 1400, height: 1000 } });
  page.on('dialog', (d) => void d.accept());
  await page.click('.fairnav a[href$="/manage"]');
  const panel = page.locator('#fair-panel');
  await panel.waitFor({ timeout: 10_000 });
  assert.equal(await page.inputValue('#fair-name'), '设置订货会');
  assert.equal(await page.inputValue('#fair-name-en'), '');
  const ends = await page.inputValue('#fair-ends');
  assert.equal(ends, (await row())[1], 'the closing time on the fair\'s clock');

  // A closing time before the opening is refused in words; nothing changes.
  const before = await row();
  await page.fill('#fair-ends', '2020-01-01T10:00');
  await page.click('#fair-save');
  await page.locator('#fair-result[role=alert]').filter({ hasText: '结束时间须晚于开幕时间' }).waitFor({ timeout: 5_000 });
  assert.deepEqual(await row(), before);

  // The English name and a day more.
  const later = new Date(Date.parse(`${ends}:00Z`) + 86_400_000).toISOString().slice(0, 16);
  await page.fill('#fair-name', '设置订货会（延长）');
  await page.fill('#fair-name-en', 'Settings fair');
  await page.fill('#fair-ends', later);
  await page.click('#fair-save');
  await page.locator('#fair-result[role=status]').filter({ hasText: '订货会设置已保存' }).waitFor({ timeout: 10_000 });
  assert.deepEqual((await row()).slice(0, 2), ['Settings fair', later]);
  const [[audits]] = await sql(db.url, `SELECT count(*) FROM audit_log WHERE action = 'fair.update' AND target = 'fair:${fx.fair}'`);
  assert.equal(audits, '1');
  // the dealer's room counts to the new closing time and shows the new name (fair.state)
  await state.filter({ hasText: /距结束 (3 天|2 天 2[0-9]:)/ }).waitFor({ timeout: 10_000 });
  await shop.page.locator('.fairnav .fairname').filter({ hasText: '设置订货会（延长）' }).waitFor({ timeout: 10_000 });
  await screenshot(page, 'fair-settings');
  const axe = await new AxeBuilder({ page }).include('#fair-panel').analyze();
  for (const v of axe.violations) console.log(`axe fair settings: ${v.impact} ${v.id} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  assert.deepEqual(axe.violations.filter((v) => ['serious', 'critical'].includes(v.impact)).map((v) => v.id), []);

  // Paused, then resumed: the dealer's room shows each at once.
  await page.click('#fair-pause');
  await page.locator('#fair-status').filter({ hasText: '已暂停' }).waitFor({ timeout: 10_000 });
  await shop.page.locator('#fair-state.paused').waitFor({ timeout: 10_000 });
  assert.deepEqual((await row()).slice(2), ['paused', 'paused']);
  await page.click('#fair-resume');
  await page.locator('#fair-status').filter({ hasText: '进行中' }).waitFor({ timeout: 10_000 });
  await shop.page.locator('#fair-state.live').waitFor({ timeout: 10_000 });

  // Closed for good, once confirmed: the form is locked.
  await page.click('#fair-close');
  await page.locator('#fair-status').filter({ hasText: '已结束' }).waitFor({ timeout: 10_000 });
  await shop.page.locator('#fair-state.closed').waitFor({ timeout: 10_000 });
  assert.deepEqual((await row()).slice(2), ['closed', 'closed']);
  assert.equal(await page.locator('#fair-save').isDisabled(), true);
  assert.deepEqual(problems, [], 'no errors in the page');
  await context.close();
  await shop.context.close();

  // A manager has the settings page but not this panel.
  const chief = await openAs(browser, server, 'chief', 'chief-pass-123', { fair: fx.fair });
  await chief.page.click('.fairnav a[href$="/manage"]');
  await chief.page.locator('#manage-view').waitFor({ timeout: 10_000 });
  assert.equal(await chief.page.locator('#fair-panel').count(), 0);
  await chief.context.close();
});
