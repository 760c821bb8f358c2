// The README's pictures of the dealer's pages, made from the demo fair by the real server in
// Debian's Chromium: `make screenshots` writes docs/images/page-*.png and the share card
// (docs/images/share-card.png). A fresh database gets
// the demo (fairctl demo, pictures in a temporary media folder); a rep puts a product in the
// spotlight and answers a dealer's question; dealer001 is shown the live room, a product's
// sizes × colours with quantities typed, and the order sheet, on a laptop and on a phone; rep1
// the console with a question waiting; manager1 the dashboard and the big screen.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launchChromium, logInOnPage } from './browser.mjs';
import { SOURCE_DIR, connect, createDatabase, fairctl, login, sql, startServer } from '../integration/harness.mjs';

const OUT = path.join(SOURCE_DIR, 'docs', 'images');

// FAIR_SHOTS=page-product-phone,share-card: write only those pictures (the path runs whole)
const ONLY = process.env.FAIR_SHOTS ? new Set(process.env.FAIR_SHOTS.split(',')) : null;

async function shoot(page, name) {
  if (ONLY && !ONLY.has(name)) return;
  const file = path.join(OUT, `${name}.png`);
  await page.screenshot({ path: file });
  console.log(`screenshots: ${path.relative(SOURCE_DIR, file)}`);
}

// A picture the server draws (the share card), fetched with the page's session.
async function save(page, url, name) {
  if (ONLY && !ONLY.has(name)) return;
  const response = await page.request.get(url);
  if (!response.ok()) throw new Error(`${url}: ${response.status()}`);
  const file = path.join(OUT, `${name}.png`);
  fs.writeFileSync(file, await response.body());
  console.log(`screenshots: ${path.relative(SOURCE_DIR, file)}`);
}

const db = await createDatabase({ hint: 'screenshots' });
const media = fs.mkdtempSync(path.join(os.tmpdir(), 'fair-shots-media-'));
let server;
let browser;
try {
  await fairctl(db.url, ['demo'], { mediaRoot: media });
  server = await startServer({ databaseUrl: db.url, user: false, env: { FAIR_MEDIA_ROOT: media } });
  const [[fair]] = await sql(db.url, `SELECT id FROM fairs WHERE now() BETWEEN starts_at AND ends_at
    ORDER BY starts_at LIMIT 1`);
  // a product with colours and a picture: the first with three colours at the fair
  const [[product, colors]] = await sql(db.url, `SELECT fi.product_id, string_agg(DISTINCT v.color, ',')
    FROM fair_items fi JOIN variants v ON v.product_id = fi.product_id
    WHERE fi.fair_id = ${fair} AND fi.pack IS NULL GROUP BY fi.product_id, fi.sort
    HAVING count(DISTINCT v.color) >= 3 ORDER BY fi.sort LIMIT 1`);

  const repSession = await login(server, 'rep1', 'demo');
  const rep = await connect(server, { cookie: repSession.cookie });
  await rep.next('hello', 10_000);
  const spot = await rep.request('spotlight.set', { fair: Number(fair), product: Number(product), note: '今日主推：三色齐全，现货充足' });
  if (!spot.ok) throw new Error(`spotlight.set: ${JSON.stringify(spot)}`);

  browser = await launchChromium();
  const laptop = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await laptop.newPage();
  await logInOnPage(page, server.url, 'dealer001', 'demo');
  await page.locator(`.fair[data-fair="${fair}"] .fair-name`).click({ timeout: 20_000 });
  await page.locator('#room-view #spot-name').waitFor({ timeout: 20_000 });
  await page.fill('#ask-text', '这款有没有加大码？');
  await page.click('#chat form.ask button[type=submit]');
  await page.locator('#chat .qa').filter({ hasText: '这款有没有加大码？' }).waitFor({ timeout: 10_000 });
  const [[question]] = await sql(db.url, `SELECT max(id) FROM chat_messages WHERE fair_id = ${fair}`);
  await rep.request('chat.answer', { fair: Number(fair), reply_to: Number(question), text: '有的，XL 下周补货，可以先下单。' });
  await page.locator('#chat .qa .a').first().waitFor({ timeout: 10_000 });
  await page.waitForLoadState('networkidle');
  await shoot(page, 'page-room');

  await page.goto(`${server.url}/#/fair/${fair}/product/${product}`);
  await page.locator('.matrix').waitFor({ timeout: 10_000 });
  const [c1, c2] = colors.split(',');
  const typed = [[c1, 0, '6'], [c1, 1, '10'], [c1, 2, '8'], [c2, 1, '4'], [c2, 2, '4']];
  for (const [color, i, qty] of typed) {
    await page.locator('.matrix tbody tr').filter({ has: page.locator(`th:text-is("${color}")`) })
      .locator('input').nth(i).fill(qty);
  }
  await page.waitForLoadState('networkidle');
  await shoot(page, 'page-product');

  await page.click('#to-sheet');
  await page.locator('#save-state[data-state=saved]').waitFor({ timeout: 15_000 });
  await page.waitForLoadState('networkidle');
  await shoot(page, 'page-sheet');
  // dealer001's share card of the fair, as the My orders page links it (Simplified, the default)
  await save(page, `${server.url}/api/fairs/${fair}/share.png?width=480&height=640`, 'share-card');

  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  const small = await phone.newPage();
  await logInOnPage(small, server.url, 'dealer001', 'demo');
  await small.goto(`${server.url}/#/fair/${fair}`);
  await small.locator('#room-view #spot-name').waitFor({ timeout: 20_000 });
  await small.waitForLoadState('networkidle');
  await shoot(small, 'page-room-phone');
  await small.goto(`${server.url}/#/fair/${fair}/product/${product}`);
  await small.locator('.matrix').waitFor({ timeout: 10_000 });
  await small.locator('.matrix').scrollIntoViewIfNeeded();
  await shoot(small, 'page-product-phone');

  // The staff: the rep's console with a question waiting, the manager's dashboard and big screen.
  await page.goto(`${server.url}/#/fair/${fair}`);
  await page.fill('#ask-text', '纯棉圆领T恤有白色吗？');
  await page.click('#chat form.ask button[type=submit]');
  const console_ = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  const repPage = await console_.newPage();
  await logInOnPage(repPage, server.url, 'rep1', 'demo');
  await repPage.locator(`.fair[data-fair="${fair}"]`).waitFor({ timeout: 20_000 });
  await repPage.goto(`${server.url}/#/fair/${fair}/console`);
  await repPage.locator('#console-view .console-items li').nth(5).waitFor({ timeout: 15_000 });
  await repPage.locator(`#console-view .console-items li[data-product="${product}"] button`).click();
  await repPage.locator('#queue .question').first().waitFor({ timeout: 10_000 });
  await repPage.waitForLoadState('networkidle');
  await shoot(repPage, 'page-console');

  const manager = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  const boardPage = await manager.newPage();
  await logInOnPage(boardPage, server.url, 'manager1', 'demo');
  await boardPage.locator(`.fair[data-fair="${fair}"]`).waitFor({ timeout: 20_000 });
  await boardPage.goto(`${server.url}/#/fair/${fair}/dashboard`);
  await boardPage.locator('#dashboard-view #kpi-orders').waitFor({ timeout: 20_000 });
  await boardPage.waitForTimeout(1500); // the count-up and the charts' first animation
  await shoot(boardPage, 'page-dashboard');
  const wall = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  const wallPage = await wall.newPage();
  await logInOnPage(wallPage, server.url, 'manager1', 'demo');
  await wallPage.locator(`.fair[data-fair="${fair}"]`).waitFor({ timeout: 20_000 });
  await wallPage.goto(`${server.url}/#/fair/${fair}/bigscreen`);
  await wallPage.locator('#bigscreen-view #kpi-orders').waitFor({ timeout: 20_000 });
  await wallPage.waitForTimeout(1500);
  await shoot(wallPage, 'page-bigscreen');
  await rep.close();
} finally {
  if (browser) await browser.close();
  if (server) await server.stop();
  await db.drop();
  fs.rmSync(media, { recursive: true, force: true });
}
