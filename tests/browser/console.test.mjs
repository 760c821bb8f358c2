// The rep's console in Chromium against the real server and PostgreSQL, beside a dealer's page
// in another browser context: the rep picks items by keyboard and by search, spotlights one
// with a note, reprices it for every tier and for one tier, opens a flash window and withdraws
// an item, each confirmed by the server and followed on the dealer's page; the dealer asks, the
// question reaches the rep's queue (time printed), a second rep's claim shows live, the rep
// answers privately and another dealer never hears of it; a dealer gets no console.
// Screenshots go to build/test-artifacts/console-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserSuite, logInOnPage, openAs, screenshot, watchProblems, createUser, makeFair } from './browser.mjs';
import { connect, login, sql, startServer } from '../integration/harness.mjs';

const suite = browserSuite();

test('a rep presents and answers from the console while a dealer watches', { timeout: 180_000 }, async () => {
  const { db, server, browser } = suite;
  const fx = await makeFair(db.url, { name: '控制台订货会', products: 4 });
  const [, coat2, coat3, coat4] = fx.products;
  // coat 3 is prepared but not on sale yet (admin.item.add with launch: false)
  await sql(db.url, `UPDATE fair_items SET withdrawn = true WHERE fair_id = ${fx.fair} AND product_id = ${coat3.id}`);
  await createUser(db.url, { login: 'presenter', name: '陈志明', role: 'rep', password: 'presenter-pass-1' });
  await createUser(db.url, { login: 'helper', name: '林美玲', role: 'rep', password: 'helper-pass-12' });
  await createUser(db.url, { login: 'watcher', name: '吴店长', password: 'watcher-pass-1', tier: 'B' });
  await createUser(db.url, { login: 'bystander', name: '赵店长', password: 'bystander-pass-1', tier: 'B' });

  const { context: repContext, page: repPage, problems: repProblems } = await openAs(browser, server, 'presenter', 'presenter-pass-1', { fair: fx.fair, route: '/console', viewport: { width: 1600, height: 1000 } });
  await repPage.locator('#console-view .console-items li').nth(3).waitFor({ timeout: 15_000 });

  const dealerContext = await browser.newContext({ viewport: { width: 1280, height: 850 } });
  const dealerPage = await dealerContext.newPage();
  const dealerProblems = watchProblems(dealerPage);
  await logInOnPage(dealerPage, server.url, 'watcher', 'watcher-pass-1');
  await dealerPage.locator(`.fair[data-fair="${fx.fair}"] .fair-name`).click({ timeout: 20_000 });
  await dealerPage.locator('#room-view').waitFor({ timeout: 20_000 });

  // Keyboard: ↓ picks the first item, ↓ the second, Enter spotlights it.
  await repPage.locator('#console-view h2#items-title').click();
  await repPage.keyboard.press('ArrowDown');
  await repPage.keyboard.press('j');
  await repPage.locator(`#item-editor[data-product="${coat2.id}"]`).waitFor({ timeout: 5_000 });
  await repPage.fill('#spot-note-input', '新品首发，三色可选');
  await repPage.locator('#console-view h2#items-title').click();
  await repPage.keyboard.press('Enter');
  await repPage.locator('#action-result').filter({ hasText: '已设为讲解：测试外套2' }).waitFor({ timeout: 10_000 });
  await dealerPage.locator('#spot-name').filter({ hasText: '测试外套2' }).waitFor({ timeout: 10_000 });
  await dealerPage.locator('#spot-note').filter({ hasText: '新品首发，三色可选' }).waitFor({ timeout: 5_000 });
  await repPage.locator('.preview #spot-name').filter({ hasText: '测试外套2' }).waitFor({ timeout: 5_000 });

  // Reprice for every tier, then for tier B alone; the dealer (tier B) sees each.
  await repPage.fill('#price-input', '888');
  await repPage.click('#do-price');
  await repPage.locator('#action-result').filter({ hasText: '所有等级价格已改为 ¥888.00' }).waitFor({ timeout: 10_000 });
  await dealerPage.locator('#spot-price').filter({ hasText: '¥888.00' }).waitFor({ timeout: 10_000 });
  await repPage.selectOption('#price-tier', 'B');
  await repPage.fill('#price-input', '866.50');
  await repPage.click('#do-price');
  await repPage.locator('#action-result').filter({ hasText: 'B 级价格已改为 ¥866.50' }).waitFor({ timeout: 10_000 });
  await dealerPage.locator('#spot-price').filter({ hasText: '¥866.50' }).waitFor({ timeout: 10_000 });
  await dealerPage.locator('#spot-fair-price').filter({ hasText: '订货会价 ¥888.00' }).waitFor({ timeout: 5_000 });
  const [[tierPrice, itemPrice]] = await sql(db.url, `SELECT p.price, i.price FROM fair_item_prices p
    JOIN fair_items i USING (fair_id, product_id) WHERE p.fair_id = ${fx.fair} AND p.product_id = ${coat2.id} AND p.tier = 'B'`);
  assert.deepEqual([tierPrice, itemPrice], ['86650', '88800']);
  await repPage.fill('#price-input', '12.345');
  await repPage.click('#do-price');
  await repPage.locator('#action-result').filter({ hasText: '请输入金额' }).waitFor({ timeout: 5_000 });

  // A flash window starting now: the dealer sees the flash price with its countdown.
  await repPage.fill('#flash-input', '699');
  await repPage.fill('#flash-minutes', '5');
  await repPage.click('#do-flash');
  await repPage.locator('#action-result').filter({ hasText: '限时价 ¥699.00' }).waitFor({ timeout: 10_000 });
  await dealerPage.locator('#spot-price.flash').filter({ hasText: '¥699.00' }).waitFor({ timeout: 10_000 });
  await dealerPage.locator('#spotlight [role=timer]').waitFor({ timeout: 5_000 });
  await screenshot(repPage, 'console-presenting');
  await screenshot(dealerPage, 'console-dealer-sees');

  // Search and withdraw another item; the dealer's catalog loses it.
  await repPage.fill('#console-search', '外套4');
  await repPage.locator('#console-view .console-items li').nth(1).waitFor({ state: 'detached', timeout: 10_000 });
  await repPage.locator('#console-view .console-items li').filter({ hasText: '测试外套4' }).locator('button').click();
  await repPage.click('#do-sale');
  await repPage.locator('#action-result').filter({ hasText: '测试外套4 已下架' }).waitFor({ timeout: 10_000 });
  const [[withdrawn]] = await sql(db.url, `SELECT withdrawn FROM fair_items WHERE fair_id = ${fx.fair} AND product_id = ${coat4.id}`);
  assert.equal(withdrawn, 't');
  await repPage.locator('#console-view .console-items li').filter({ hasText: '已下架' }).waitFor({ timeout: 5_000 });
  await repPage.click('#do-sale');
  await repPage.locator('#action-result').filter({ hasText: '测试外套4 已上架' }).waitFor({ timeout: 10_000 });
  await repPage.locator('#console-view .console-items li').filter({ hasText: '测试外套4' })
    .filter({ hasNotText: '已下架' }).waitFor({ timeout: 5_000 });

  // The item prepared off stage is in the list, and launching it announces it to the dealer.
  await repPage.fill('#console-search', '');
  await repPage.locator('#console-view .console-items li').filter({ hasText: '测试外套3' }).filter({ hasText: '已下架' })
    .locator('button').click({ timeout: 10_000 });
  await repPage.click('#do-sale');
  await repPage.locator('#action-result').filter({ hasText: '测试外套3 已上架' }).waitFor({ timeout: 10_000 });
  await dealerPage.locator('.announcements').filter({ hasText: '测试外套3' }).waitFor({ timeout: 10_000 });
  const dealerSocket = await connect(server, { cookie: (await login(server, 'bystander', 'bystander-pass-1')).cookie });
  await dealerSocket.next('hello', 10_000);
  const offstage = await dealerSocket.request('catalog.search', { fair: fx.fair, withdrawn: true });
  assert.equal(offstage.error?.code, 'forbidden', 'a dealer does not see the items off stage');
  await dealerSocket.close();

  // The dealer asks; the question reaches the rep's queue.
  await dealerPage.fill('#ask-text', '外套2 有没有 XL？');
  const asked = Date.now();
  await dealerPage.click('#chat form.ask button[type=submit]');
  const question = repPage.locator('#queue .question').filter({ hasText: '外套2 有没有 XL？' });
  await question.waitFor({ timeout: 10_000 });
  console.log(`question to the rep's queue: ${Date.now() - asked} ms (click to visible, polled)`);
  await repPage.locator('#queue-count').filter({ hasText: '1' }).waitFor({ timeout: 5_000 });
  assert.equal(await repPage.locator('.fairnav a[href$="/console"] .badge').textContent(), '1');
  assert.equal(await repPage.title(), '(1) 控制台订货会', 'the open questions in the tab title');
  const qid = Number(await question.getAttribute('data-id'));

  // A second rep (over the protocol) claims it: the console shows whose it is.
  const helperSession = await login(server, 'helper', 'helper-pass-12');
  const helper = await connect(server, { cookie: helperSession.cookie });
  await helper.next('hello', 10_000);
  const claimed = await helper.request('chat.claim', { fair: fx.fair, id: qid });
  assert.equal(claimed.ok, true, JSON.stringify(claimed));
  await question.locator('.claim').filter({ hasText: '已认领' }).waitFor({ timeout: 10_000 });
  await screenshot(repPage, 'console-queue-claimed');

  // The rep answers privately: the asking dealer sees it, a bystander dealer never does.
  const bySession = await login(server, 'bystander', 'bystander-pass-1');
  const bystander = await connect(server, { cookie: bySession.cookie });
  await bystander.next('hello', 10_000);
  const joined = await bystander.request('join', { fair: fx.fair });
  assert.equal(joined.ok, true);
  await question.locator('textarea').fill('有的，XL 下周到，可以先下单。');
  await question.locator('.answer-private').click();
  await repPage.locator('#queue .question').filter({ hasText: '外套2 有没有 XL？' }).waitFor({ state: 'detached', timeout: 10_000 });
  await dealerPage.locator('#chat .qa .a').filter({ hasText: '有的，XL 下周到，可以先下单。' }).waitFor({ timeout: 10_000 });
  await repPage.locator('#queue details.answered summary').filter({ hasText: '已回答（1）' }).waitFor({ timeout: 5_000 });
  const marker = await bystander.request('ping', {});
  assert.equal(marker.ok, true);
  const heard = bystander.messages.filter((m) => m.ev === 'chat');
  assert.deepEqual(heard, [], 'another dealer hears nothing of a private answer');
  const history = await bystander.request('chat.history', { fair: fx.fair });
  assert.deepEqual(history.messages, []);
  await screenshot(repPage, 'console-answered');

  // A general question answered in public is marked as the fair's FAQ from the answered fold:
  // the dealer's room shows it under the fair's FAQ, pinned; a private answer has no such button.
  const about = dealerPage.locator('#chat input[type=checkbox]');
  if (await about.count()) await about.uncheck(); // a general question, about no product
  await dealerPage.fill('#ask-text', '订单什么时候发货？');
  await dealerPage.click('#chat form.ask button[type=submit]');
  const general = repPage.locator('#queue .question').filter({ hasText: '订单什么时候发货？' });
  await general.locator('textarea').fill('展会结束后 7 天内发货。');
  await general.locator('.answer-public').click();
  await general.waitFor({ state: 'detached', timeout: 10_000 });
  const fold = repPage.locator('#queue details.answered');
  await fold.locator('summary').filter({ hasText: '已回答（2）' }).waitFor({ timeout: 5_000 });
  await fold.locator('summary').click();
  assert.equal(await fold.locator(`li[data-id="${qid}"] .faq-toggle`).count(), 0, 'a private answer cannot be a FAQ');
  const answeredGeneral = fold.locator('li').filter({ hasText: '订单什么时候发货？' });
  await answeredGeneral.locator('.faq-toggle').filter({ hasText: '设为常见问题' }).click();
  await answeredGeneral.locator('.faq-toggle[aria-pressed="true"]').filter({ hasText: '取消常见问题' }).waitFor({ timeout: 10_000 });
  const pinned = dealerPage.locator('#fair-faq dt').filter({ hasText: '订单什么时候发货？' });
  await pinned.waitFor({ timeout: 10_000 });
  assert.equal(await pinned.locator('.tag.pinned').textContent(), '置顶');
  assert.equal(await dealerPage.locator('#fair-faq dd').first().textContent(), '展会结束后 7 天内发货。');
  const [[marks]] = await sql(db.url, `SELECT count(*) FROM chat_messages WHERE fair_id = ${fx.fair} AND faq`);
  assert.equal(marks, '1');
  await screenshot(repPage, 'console-faq-marked');
  await screenshot(dealerPage, 'room-fair-faq');

  // A dealer has no console.
  await dealerPage.goto(`${server.url}/#/fair/${fx.fair}/console`);
  await dealerPage.locator('#room-view').waitFor({ timeout: 10_000 });
  assert.equal(await dealerPage.locator('#console-view').count(), 0);
  assert.equal(await dealerPage.locator('.fairnav a[href$="/console"]').count(), 0);

  assert.deepEqual(repProblems, [], 'no errors in the rep page');
  assert.deepEqual(dealerProblems, [], 'no errors in the dealer page');
  await helper.close();
  await bystander.close();
  await repContext.close();
  await dealerContext.close();
});

test('two reps on two server processes see each other\'s claims and answers live', { timeout: 120_000 }, async () => {
  const { db, server, browser } = suite;
  const fx = await makeFair(db.url, { name: '双进程问答会', products: 1 });
  await createUser(db.url, { login: 'east', name: '东区销售', role: 'rep', password: 'east-pass-123' });
  await createUser(db.url, { login: 'west', name: '西区销售', role: 'rep', password: 'west-pass-123' });
  await createUser(db.url, { login: 'curious', name: '好奇店长', password: 'curious-pass-1', tier: 'A' });
  const other = await startServer({ databaseUrl: db.url, user: false });
  try {
    const open = async (srv, who, pass) => {
      const context = await browser.newContext({ viewport: { width: 1500, height: 950 } });
      const page = await context.newPage();
      const problems = watchProblems(page);
      await logInOnPage(page, srv.url, who, pass);
      await page.locator(`.fair[data-fair="${fx.fair}"]`).waitFor({ timeout: 20_000 });
      await page.goto(`${srv.url}/#/fair/${fx.fair}/console`);
      await page.locator('#queue').waitFor({ timeout: 15_000 });
      return { context, page, problems };
    };
    const a = await open(server, 'east', 'east-pass-123');
    const b = await open(other, 'west', 'west-pass-123');
    const dealer = await connect(other, { cookie: (await login(other, 'curious', 'curious-pass-1')).cookie });
    await dealer.next('hello', 10_000);
    assert.equal((await dealer.request('join', { fair: fx.fair })).ok, true);
    const asked = await dealer.request('chat.ask', { fair: fx.fair, text: '两个进程都能看到吗？' });
    assert.equal(asked.ok, true, JSON.stringify(asked));
    const qa = a.page.locator(`#queue .question[data-id="${asked.message.id}"]`);
    const qb = b.page.locator(`#queue .question[data-id="${asked.message.id}"]`);
    await qa.waitFor({ timeout: 10_000 });
    await qb.waitFor({ timeout: 10_000 });
    // east claims on process A: west sees it on process B
    await qa.locator('.claim-btn').click();
    await qa.locator('.claim').filter({ hasText: '我已认领' }).waitFor({ timeout: 10_000 });
    await qb.locator('.claim').filter({ hasText: '已认领' }).waitFor({ timeout: 10_000 });
    assert.equal(await qb.locator('.claim-btn').count(), 0, 'no claim button on a question someone has');
    // east answers publicly: the question leaves both queues, the dealer hears the answer
    await qa.locator('textarea').fill('能的，两个进程都一样。');
    await qa.locator('.answer-public').click();
    await qa.waitFor({ state: 'detached', timeout: 10_000 });
    await qb.waitFor({ state: 'detached', timeout: 10_000 });
    await dealer.next((m) => m.ev === 'chat' && m.reply_to === asked.message.id, 10_000);
    assert.deepEqual([...a.problems, ...b.problems], [], 'no errors in either page');
    await dealer.close();
    await a.context.close();
    await b.context.close();
  } finally {
    await other.stop();
  }
});
