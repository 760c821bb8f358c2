// An administrator's English names of the brand's colours and categories on the settings page,
// in Chromium against the real server and PostgreSQL: the colours and categories without one
// listed, names typed and saved (in the database, audited), the English product page and
// catalog then showing them, one cleared (gone again), axe clean; a manager sees no such panel.
// Screenshots go to build/test-artifacts/terms-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import AxeBuilder from '@axe-core/playwright';
import { browserSuite, chooseLang, openAs, screenshot, createUser, makeFair } from './browser.mjs';
import { sql } from '../integration/harness.mjs';

const suite = browserSuite();

test('an administrator names colours and categories in English, and the English pages show them', { timeout: 180_000 }, async () => {
  const { db, server, browser } = suite;
  const fx = await makeFair(db.url, { name: '英文名订货会', products: 2 }); // 黑色, 白色; 外套
  await createUser(db.url, { login: 'boss', name: '赵管理', role: 'admin', password: 'boss-pass-123' });
  await createUser(db.url, { login: 'chief', name: '王经理', role: 'manager', password: 'chief-pass-123' });

  const { context, page, problems } = await openAs(browser, server, 'boss', 'boss-pass-123',
    { fair: fx.fair, viewport: { width: 1400, height: 1000 } });
  await page.click('.fairnav a[href$="/manage"]');
  const panel = page.locator('#terms-form');
  await panel.waitFor({ timeout: 10_000 });
  const names = (kind) => panel.locator(`fieldset[data-kind=${kind}] tr`).evaluateAll((rows) => rows.map((r) => r.dataset.name));
  assert.deepEqual(await names('colors'), ['白色', '黑色'], 'the colours without an English name, in pinyin order');
  assert.deepEqual(await names('categories'), ['外套']);
  assert.equal(await page.locator('#terms-save').isDisabled(), true, 'nothing typed, nothing to save');

  await page.getByLabel('黑色 的英文名').fill('Black');
  await page.getByLabel('外套 的英文名').fill('Outerwear');
  await page.click('#terms-save');
  await page.locator('#terms-status').filter({ hasText: '英文名已保存' }).waitFor({ timeout: 10_000 });
  assert.deepEqual(await sql(db.url, `SELECT kind, name, name_en FROM term_names ORDER BY 1, 2`),
    [['category', '外套', 'Outerwear'], ['color', '黑色', 'Black']]);
  const [[audit]] = await sql(db.url, `SELECT count(*) FROM audit_log WHERE action = 'terms.set'`);
  assert.equal(audit, '1');
  await screenshot(page, 'terms-manage');
  const axe = await new AxeBuilder({ page }).include('#terms-form').analyze();
  for (const v of axe.violations) console.log(`axe terms: ${v.impact} ${v.id} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  assert.deepEqual(axe.violations.filter((v) => ['serious', 'critical'].includes(v.impact)).map((v) => v.id), []);

  // In English, the product page and the catalog's categories name them; 白色 has no English name.
  await chooseLang(page, 'en');
  await page.goto(`${server.url}/#/fair/${fx.fair}/product/${fx.products[0].id}`);
  await page.locator('.details .muted').first().filter({ hasText: 'Outerwear' }).waitFor({ timeout: 10_000 });
  assert.deepEqual(await page.locator('.swatches button').allTextContents(), ['Black', '白色']);
  await page.goto(`${server.url}/#/fair/${fx.fair}/catalog`);
  await page.locator('select[name=category] option').filter({ hasText: 'Outerwear (2)' }).waitFor({ state: 'attached', timeout: 10_000 });

  // Cleared: gone from the glossary, and the page shows the Chinese name again.
  await page.goto(`${server.url}/#/fair/${fx.fair}/manage`);
  await page.getByLabel('English name of 黑色').fill('');
  await page.click('#terms-save');
  await page.locator('#terms-status').filter({ hasText: 'English names saved' }).waitFor({ timeout: 10_000 });
  assert.deepEqual(await sql(db.url, `SELECT name FROM term_names WHERE kind = 'color'`), []);
  await page.goto(`${server.url}/#/fair/${fx.fair}/product/${fx.products[0].id}`);
  await page.locator('.swatches button').first().filter({ hasText: '黑色' }).waitFor({ timeout: 10_000 });
  assert.deepEqual(problems, [], 'no errors in the page');
  await context.close();

  // A manager has the settings page but not this panel.
  const chief = await openAs(browser, server, 'chief', 'chief-pass-123', { fair: fx.fair });
  await chief.page.click('.fairnav a[href$="/manage"]');
  await chief.page.locator('#manage-view').waitFor({ timeout: 10_000 });
  assert.equal(await chief.page.locator('#terms-form').count(), 0);
  await chief.context.close();
});
