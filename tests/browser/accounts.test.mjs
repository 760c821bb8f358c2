// The administrator's accounts page (账号与经销商), in Chromium against the real server and
// PostgreSQL: a new dealer and its first account with a temporary password the server made
// (shown once; it logs in with it and must choose its own); a forgotten password reset while the
// dealer's page is open (the page logs out, the old password no longer works); an account
// disabled and restored; a rep's regions changed; a dealer's credit limit and tier changed (the
// tier after a confirmation); refusals in words with nothing made; axe clean, no sideways scroll
// on a phone; a manager has no such page. Screenshots: build/test-artifacts/accounts-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserSuite, openAs, screenshot, createUser, axeClean, noSideScroll, figure } from './browser.mjs';
import { sql, login } from '../integration/harness.mjs';

const suite = browserSuite();

test('an administrator makes, finds, resets, disables and changes accounts and dealers from the pages', { timeout: 240_000 }, async () => {
  const { db, server, browser } = suite;
  await createUser(db.url, { login: 'boss', name: '赵管理', role: 'admin', password: 'boss-pass-123' });
  await createUser(db.url, { login: 'chief', name: '王经理', role: 'manager', password: 'chief-pass-123' });
  const shop = await createUser(db.url, { login: 'shop', name: '钱店长', password: 'shop-pass-1', tier: 'B' });
  const rep = await createUser(db.url, { login: 'rep1', name: '陈志明', role: 'rep', password: 'rep1-pass-123' });
  const one = async (query) => (await sql(db.url, query))[0];

  const { context, page, problems } = await openAs(browser, server, 'boss', 'boss-pass-123', { viewport: { width: 1400, height: 1000 } });
  const dialogs = [];
  page.on('dialog', (d) => { dialogs.push(d.message()); void d.accept(); });
  await page.click('#accounts-link');
  const table = page.locator('#users-table');
  await table.locator('tr[data-login="shop"]').waitFor({ timeout: 10_000 });
  const [[accounts]] = await sql(db.url, 'SELECT count(*) FROM users');
  assert.equal(await page.locator('#users-table tbody tr').count(), Number(accounts));
  await page.locator('#users-total').filter({ hasText: `共 ${accounts} 个账号` }).waitFor();

  // A new dealer with its ship-to address, then its first account, the password made by the server.
  await page.click('#accounts-tab-dealers');
  const form = page.locator('#new-dealer');
  await form.locator('.dealer-name').fill('成都锦江服饰');
  await form.locator('.dealer-region').fill('西南');
  await form.locator('.dealer-tier').fill('b');
  await form.locator('.dealer-credit').fill('500000');
  await page.fill('#new-dealer-recipient', '李经理');
  await page.fill('#new-dealer-phone', '028-1234-5678');
  await page.fill('#new-dealer-address', '成都市锦江区春熙路 1 号');
  await page.click('#new-dealer-save');
  // made, and the accounts tab opens on it with its code in the new account's form
  await page.locator('#users-dealer').filter({ hasText: '成都锦江服饰' }).waitFor({ timeout: 10_000 });
  const [dealerId, code, tier, credit] = await one(`SELECT id, code, tier, credit_limit FROM dealers WHERE name = '成都锦江服饰'`);
  assert.deepEqual([tier, credit], ['B', '50000000']);
  assert.equal(await page.inputValue('#new-account-dealer'), code);
  await page.locator('#new-account-dealer-name').filter({ hasText: '成都锦江服饰 · 西南' }).waitFor({ timeout: 10_000 });
  await page.fill('#new-account-login', 'chengdu01');
  await page.fill('#new-account-name', '李经理');
  await page.click('#new-account-save');
  const handover = page.locator('#account-password-value');
  await handover.waitFor({ timeout: 10_000 });
  const temporary = await handover.textContent();
  assert.match(temporary, /^[A-Za-z2-9]{12}$/);
  await table.locator('tr[data-login="chengdu01"]').filter({ hasText: '待设密码' }).waitFor({ timeout: 10_000 });
  assert.deepEqual(await one(`SELECT dealer_id, must_change_password FROM users WHERE login = 'chengdu01'`), [dealerId, 't']);
  const first = await login(server, 'chengdu01', temporary);
  assert.equal(first.status, 200);
  assert.equal(first.user.must_change_password, true, 'it must choose its own password first');
  await screenshot(page, 'accounts-made');
  await page.click('#account-password button:has-text("已告知")');

  // A taken login and an unknown dealer code are refused in words; nothing is made.
  const users = (await one('SELECT count(*) FROM users'))[0];
  await page.fill('#new-account-login', 'shop');
  await page.fill('#new-account-name', '重复');
  await page.click('#new-account-save');
  await page.locator('#new-account-result[role=alert]').filter({ hasText: 'shop' }).waitFor({ timeout: 10_000 });
  await page.fill('#new-account-dealer', 'NO-SUCH');
  await page.fill('#new-account-login', 'nobody1');
  await page.click('#new-account-save');
  await page.locator('#new-account-result[role=alert]').filter({ hasText: '没有编号为“NO-SUCH”的经销商' }).waitFor({ timeout: 10_000 });
  assert.equal((await one('SELECT count(*) FROM users'))[0], users);

  // A dealer forgot its password while its page is open: reset, the page logs out.
  const shopPage = await openAs(browser, server, 'shop', 'shop-pass-1');
  await shopPage.page.locator('#who').waitFor({ timeout: 10_000 });
  await page.click('#users-dealer button');
  await page.fill('#users-q', '钱店');
  await table.locator('tbody tr').first().waitFor();
  await page.waitForFunction(() => document.querySelectorAll('#users-table tbody tr').length === 1, null, { timeout: 10_000 });
  // it also guessed wrong until shut out: the list says so, and the reset lets it in
  await sql(db.url, `INSERT INTO login_failures (kind, key, window_start, failures) VALUES ('login', 'shop', now(), 10)
    ON CONFLICT (kind, key) DO UPDATE SET window_start = now(), failures = 10`);
  await page.fill('#users-q', '钱店长');
  await page.locator('tr[data-login="shop"] .shut-out').filter({ hasText: '登录失败过多，锁定至' }).waitFor({ timeout: 10_000 });
  const started = Date.now();
  await page.click('tr[data-login="shop"] button[data-action="reset"]');
  await handover.waitFor({ timeout: 10_000 });
  const reset = await handover.textContent();
  assert.notEqual(reset, temporary);
  await shopPage.page.locator('#login-view').waitFor({ timeout: 15_000 });
  figure(`the dealer's open page logged out ${Date.now() - started} ms after the reset`);
  await page.locator('tr[data-login="shop"] .shut-out').waitFor({ state: 'detached', timeout: 10_000 });
  assert.equal((await login(server, 'shop', 'shop-pass-1')).status, 401, 'the old password no longer works');
  assert.equal((await login(server, 'shop', reset)).status, 200);
  assert.ok(dialogs.some((m) => m.includes('重置 shop 的密码')), 'asked first');
  await page.click('#account-password button:has-text("已告知")');

  // Disabled, then restored.
  await page.click('tr[data-login="shop"] button[data-action="disable"]');
  await page.locator('tr[data-login="shop"] .account-state').filter({ hasText: '已停用' }).waitFor({ timeout: 10_000 });
  assert.equal((await login(server, 'shop', reset)).status, 401);
  await page.click('tr[data-login="shop"] button[data-action="enable"]');
  await page.locator('tr[data-login="shop"] .account-state').filter({ hasText: '待设密码' }).waitFor({ timeout: 10_000 });
  assert.equal((await login(server, 'shop', reset)).status, 200);

  // A rep's regions.
  await page.selectOption('#users-role', 'rep');
  await page.fill('#users-q', '');
  await table.locator('tr[data-login="rep1"]').waitFor({ timeout: 10_000 });
  await page.click('tr[data-login="rep1"] button[data-action="edit"]');
  await page.fill('tr[data-edit-login="rep1"] .edit-regions', '华东、华南');
  await page.click('tr[data-edit-login="rep1"] .staff-edit button[type=submit]');
  await page.locator('tr[data-login="rep1"]').filter({ hasText: '华东、华南' }).waitFor({ timeout: 10_000 });
  assert.deepEqual(await one(`SELECT array_to_string(regions, ',') FROM users WHERE id = ${rep.id}`), ['华东,华南']);
  // no actions on one's own account
  await page.selectOption('#users-role', 'admin');
  await table.locator('tr[data-login="boss"]').waitFor({ timeout: 10_000 });
  assert.equal(await page.locator('tr[data-login="boss"] button').count(), 0);
  await axeClean(page, '.accounts', 'accounts');

  // A dealer's credit limit, then its tier (asked first: its accounts log in again).
  await page.click('#accounts-tab-dealers');
  await page.fill('#dealers-q', shop.login);
  const row = page.locator(`tr[data-dealer="${shop.dealerId}"]`);
  const edit = page.locator(`tr[data-edit-dealer="${shop.dealerId}"]`);
  await row.waitFor({ timeout: 10_000 });
  await row.locator('button[data-action="edit"]').click();
  await edit.locator('.dealer-credit').fill('1,200,000');
  await edit.locator('.dealer-edit button[type=submit]').click();
  await page.locator('#dealers-note[role=status]').waitFor({ timeout: 10_000 });
  await row.locator('td.credit').filter({ hasText: '1,200,000' }).waitFor({ timeout: 10_000 });
  assert.deepEqual(await one(`SELECT credit_limit, tier FROM dealers WHERE id = ${shop.dealerId}`), ['120000000', 'B']);
  const asked = dialogs.length;
  await row.locator('button[data-action="edit"]').click();
  await edit.locator('.dealer-tier').fill('a');
  await edit.locator('.dealer-edit button[type=submit]').click();
  await page.waitForFunction(() => document.querySelector('#dealers-note')?.textContent?.includes('已修改'), null, { timeout: 10_000 });
  await page.locator(`tr[data-dealer="${shop.dealerId}"]`).filter({ hasText: 'A 级' }).waitFor({ timeout: 10_000 });
  assert.equal(dialogs.length, asked + 1, 'the tier change asked first');
  assert.deepEqual(await one(`SELECT tier FROM dealers WHERE id = ${shop.dealerId}`), ['A']);
  const [[audits]] = await sql(db.url, `SELECT count(*) FROM audit_log WHERE action = 'dealer.update' AND target = 'dealer:${shop.dealerId}'`);
  assert.equal(audits, '2');
  // a bad tier is refused in words, nothing sent
  await row.locator('button[data-action="edit"]').click();
  await edit.locator('.dealer-tier').fill('7');
  await edit.locator('.dealer-edit button[type=submit]').click();
  await edit.locator('.dealer-edit [role=alert]').filter({ hasText: '等级是一个大写字母' }).waitFor({ timeout: 5_000 });
  await screenshot(page, 'accounts-dealers');
  await axeClean(page, '.accounts', 'accounts dealers');
  assert.deepEqual(problems, [], 'no errors in the page');
  await context.close();
  await shopPage.context.close();

  // On a phone: the tables scroll inside their box, the page does not.
  const phone = await openAs(browser, server, 'boss', 'boss-pass-123', { viewport: { width: 375, height: 740 }, isMobile: true });
  await phone.page.click('#accounts-link');
  await phone.page.locator('#users-table tr[data-login="shop"]').waitFor({ timeout: 10_000 });
  await noSideScroll(phone.page, 'accounts on a phone');
  await screenshot(phone.page, 'accounts-phone');
  await phone.context.close();

  // A manager has no accounts link, and the address shows the lobby.
  const chief = await openAs(browser, server, 'chief', 'chief-pass-123');
  await chief.page.locator('#who').waitFor({ timeout: 10_000 });
  assert.equal(await chief.page.locator('#accounts-link').count(), 0);
  await chief.page.goto(`${server.url}/#/accounts`);
  await chief.page.locator('.lobby, #lobby').first().waitFor({ timeout: 10_000 });
  assert.equal(await chief.page.locator('.accounts').count(), 0);
  await chief.context.close();
});
