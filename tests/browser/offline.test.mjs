// The dealer's pages on a bad connection and across server restarts, in Chromium against the
// real server and PostgreSQL: the page is an installable app (manifest, service worker, the
// server's CSP allowing both); with the server gone, a reload still shows the shell and the
// catalog as this browser last saw it; another visit asks the server for none of the chunks named
// by their content; a draft typed offline is saved to the server on
// reconnect and shows on another device; an order typed offline waits, with its key, until the dealer confirms it, and is
// placed once; an order whose answer was lost because the server died is placed exactly once.
// Screenshots go to build/test-artifacts/offline-*.png.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { browserSuite, logInOnPage, screenshot, watchProblems, createUser, makeFair } from './browser.mjs';
import { SOURCE_DIR, httpGet, openPsql, sql, startServer, waitFor } from '../integration/harness.mjs';

const suite = browserSuite();

// A product picture of the test's own in the server's media folder (three sizes, as an upload
// makes them), removed at the end.
const pictureDir = path.join(SOURCE_DIR, 'media', 'p', `offline-test-${process.pid}`);
after(() => fs.rmSync(pictureDir, { recursive: true, force: true }));
function makePicture() {
  fs.mkdirSync(pictureDir, { recursive: true });
  for (const [size, wh] of [['thumb', '160x200'], ['card', '480x600'], ['full', '1200x1500']]) {
    execFileSync('ffmpeg', ['-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `color=c=0x3366cc:s=${wh}`, '-frames:v', '1',
      path.join(pictureDir, `main-0001-${size}.jpg`)]);
  }
  return `p/offline-test-${process.pid}/main-0001`;
}
const cardPictureLoaded = (page, product) => page.waitForFunction((p) => {
  const img = document.querySelector(`#grid .pcard[data-product="${p}"] img`);
  return !!img && img.complete && img.naturalWidth > 0;
}, product, { timeout: 15_000 });

/** Stops the suite's server and starts a new one on the same port (the page's origin). */
async function restart({ kill = false } = {}) {
  const old = suite.server;
  if (kill) {
    old.proc.kill('SIGKILL');
    await old.exited;
  } else {
    await old.stop();
  }
  return old.port;
}

async function startAgain(port) {
  suite.server = await startServer({ databaseUrl: suite.db.url, user: false, env: { FAIR_PORT: String(port) } });
}

// Chromium logs a failed fetch or socket while the server is down: expected here, not a defect.
const whileDown = (p) => !/ERR_CONNECTION_REFUSED|ERR_CONNECTION_RESET|ERR_FAILED|WebSocket connection|Failed to fetch|status of 50\d/.test(p);

test('installable, and usable on a bad connection: the shell, the catalog, the draft and a waiting order', { timeout: 180_000 }, async () => {
  const { db, server, browser } = suite;
  const fx = await makeFair(db.url, { name: '离线订货会', products: 3 });
  await createUser(db.url, { login: 'roamer', name: '周店长', password: 'roamer-pass-1', tier: 'A' });
  const coat2 = fx.products[1];
  await sql(db.url, `UPDATE products SET image = '${makePicture()}' WHERE id = ${coat2.id}`);

  // The server's own security headers: the CSP lets the manifest and the worker in, still no
  // inline script or style and no other origin.
  const root = await httpGet(`${server.url}/`);
  const csp = root.headers['content-security-policy'];
  for (const part of ["default-src 'none'", "script-src 'self'", "style-src 'self'", "manifest-src 'self'",
    "worker-src 'self'", "frame-ancestors 'none'"]) assert.ok(csp.includes(part), `CSP has ${part}: ${csp}`);
  assert.equal(root.headers['x-content-type-options'], 'nosniff');
  assert.equal(root.headers['x-frame-options'], 'deny');
  const manifest = await httpGet(`${server.url}/manifest.webmanifest`);
  assert.equal(manifest.status, 200);
  assert.match(manifest.headers['content-type'], /^application\/manifest\+json/);
  assert.equal(JSON.parse(manifest.body).start_url, '/');
  const api = await httpGet(`${server.url}/api/me`);
  assert.ok(api.headers['content-security-policy'], 'the API answers carry the headers too');

  const context = await browser.newContext({ viewport: { width: 1280, height: 850 } });
  const page = await context.newPage();
  const problems = watchProblems(page);
  await logInOnPage(page, server.url, 'roamer', 'roamer-pass-1');
  await page.locator(`.fair[data-fair="${fx.fair}"] .fair-name`).click({ timeout: 20_000 });
  await page.locator('#room-view').waitFor({ timeout: 20_000 });
  await page.click('.fairnav a[href$="/catalog"]');
  await page.locator('#grid .pcard').nth(2).waitFor({ timeout: 15_000 });
  await cardPictureLoaded(page, coat2.id);
  // the worker controls the page and has the shell; the browser has saved the catalog
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 15_000 });
  // once the worker controls the page, the pictures it shows are kept for a bad connection
  await page.reload({ waitUntil: 'load' });
  await page.locator('#grid .pcard').nth(2).waitFor({ timeout: 15_000 });
  await cardPictureLoaded(page, coat2.id);
  const keptPictures = await page.evaluate(async () => (await (await caches.open('fair-media-v1')).keys())
    .map((r) => new URL(r.url).pathname));
  assert.ok(keptPictures.some((p) => /\/media\/p\/offline-test-\d+\/main-0001-(thumb|card|full)\.jpg$/.test(p)), JSON.stringify(keptPictures));
  const installed = await page.evaluate(async () => {
    const names = await caches.keys();
    const shell = names.find((n) => n.startsWith('fair-shell-'));
    return shell ? (await (await caches.open(shell)).keys()).map((r) => new URL(r.url).pathname).sort() : [];
  });
  // the shell: the page, its bundle and the chunks the bundle starts with, style, icon, manifest
  const started = await page.evaluate(() => performance.getEntriesByType('resource')
    .map((e) => new URL(e.name).pathname).filter((p) => /^\/assets\/chunk-.*\.js$/.test(p)));
  // and the other languages' words (chunks loaded when chosen), so they work offline too
  const assets = path.join(SOURCE_DIR, 'web', 'public', 'assets');
  const words = fs.readdirSync(assets).filter((f) => /^chunk-\w+\.js$/.test(f)
    // English, and Traditional Chinese's 網絡訂貨會 as esbuild writes it
    && /app_name:"(Online trade fair|\\u7DB2\\u7D61\\u8A02\\u8CA8\\u6703)"/.test(fs.readFileSync(path.join(assets, f), 'utf8')))
    .map((f) => `/assets/${f}`);
  assert.equal(words.length, 2, 'English and Traditional Chinese');
  assert.deepEqual(installed, ['/', '/assets/app.js', ...new Set(started), ...words, '/icon.svg', '/manifest.webmanifest',
    '/style.css'].sort());
  // The chunks are named by their content: another visit takes them from the worker (and the
  // browser's cache), never from the server again; the bundle and the page are asked again.
  const seen = server.logs().length;
  await page.reload({ waitUntil: 'load' });
  await page.locator('#grid .pcard').nth(2).waitFor({ timeout: 15_000 });
  await waitFor(() => server.logs().slice(seen).some((l) => / GET \/assets\/app\.js /.test(l)), { timeoutMs: 10_000, what: 'app.js asked again' });
  await new Promise((r) => setTimeout(r, 1000)); // what a worker refreshes behind the page has gone by now
  const asked = server.logs().slice(seen).filter((l) => / GET \/assets\/chunk-/.test(l));
  assert.deepEqual(asked, [], 'no chunk asked of the server again');
  const chunk = await httpGet(`${server.url}${started[0]}`);
  assert.equal(chunk.headers['cache-control'], 'public, max-age=31536000, immutable');
  await page.waitForFunction((f) => localStorage.getItem(`fair.offline.fair.${f}`) !== null, fx.fair, { timeout: 15_000 });

  // The server goes away; the page still opens, from what the browser kept.
  const port = await restart();
  const down = Date.now();
  await page.reload({ waitUntil: 'load' });
  await page.locator('#offline-copy').waitFor({ timeout: 15_000 });
  assert.equal(await page.locator('#grid .pcard').count(), 3, 'the saved catalog, all three products');
  await cardPictureLoaded(page, coat2.id); // its thumbnail too, from the worker's cache
  await page.fill('input[type=search]', '外套2');
  await page.locator('#results').filter({ hasText: '共 1 件' }).waitFor({ timeout: 5_000 });
  assert.notEqual(await page.locator('.conn').getAttribute('data-state'), 'live');
  await screenshot(page, 'offline-catalog');

  // A draft typed offline stays in the browser, then goes to the server.
  await page.click(`#grid .pcard[data-product="${coat2.id}"] a`);
  await page.getByLabel('黑色 M 数量').fill('4');
  await page.click('#to-sheet');
  await page.locator('#save-state[data-state=offline]').waitFor({ timeout: 10_000 });
  await page.locator('#sheet-units').filter({ hasText: '4' }).waitFor({ timeout: 5_000 });
  // An order typed offline is not sent: it waits, shown with its key.
  await page.click('#submit-order');
  const waiting = page.locator('#order-waiting');
  await waiting.waitFor({ timeout: 5_000 });
  const key = await page.evaluate(() => {
    const k = Object.keys(localStorage).find((x) => x.startsWith('fair.pending.'));
    return JSON.parse(localStorage.getItem(k)).key;
  });
  assert.match(await waiting.textContent(), new RegExp(key.slice(0, 8)));
  await screenshot(page, 'offline-order-waiting');

  await startAgain(port);
  await page.locator('.conn[data-state=live]').waitFor({ timeout: 30_000 });
  console.log(`the page was live again ${Date.now() - down} ms after the server stopped (restart included)`);
  await page.locator('#save-state[data-state=saved]').waitFor({ timeout: 15_000 });
  await page.locator('#offline-copy').waitFor({ state: 'detached', timeout: 10_000 });
  // The page's first draft.get, asked while offline, came back after that save: it must not
  // put the server's older, empty draft over what was typed (it did, now and then).
  assert.equal(await page.locator('#sheet-units').textContent({ timeout: 5_000 }).catch(() => 'no lines'), '4',
    'the sheet keeps what was typed offline');
  const [[draft]] = await sql(db.url, `SELECT d.lines::text FROM drafts d JOIN users u ON u.dealer_id = d.dealer_id
    WHERE u.login = 'roamer' AND d.fair_id = ${fx.fair}`);
  assert.deepEqual(JSON.parse(draft).map((l) => [l.variant, l.qty]), [[coat2.variants[0], 4]]);
  // the same sheet on another device
  const other = await browser.newContext({ viewport: { width: 375, height: 740 }, isMobile: true });
  const otherPage = await other.newPage();
  await logInOnPage(otherPage, suite.server.url, 'roamer', 'roamer-pass-1');
  await otherPage.locator(`.fair[data-fair="${fx.fair}"]`).waitFor({ timeout: 20_000 });
  await otherPage.goto(`${suite.server.url}/#/fair/${fx.fair}/sheet`);
  await otherPage.locator('#sheet-units').filter({ hasText: /^4$/ }).waitFor({ timeout: 15_000 });
  await screenshot(otherPage, 'offline-sheet-other-device');
  await other.close();
  // back online, the waiting order is still not sent until the dealer says so
  const none = await sql(db.url, `SELECT count(*) FROM orders WHERE fair_id = ${fx.fair}`);
  assert.equal(none[0][0], '0');
  await waiting.getByRole('button', { name: '现在提交' }).click();
  await page.locator('#order-accepted').waitFor({ timeout: 15_000 });
  const placed = await sql(db.url, `SELECT o.id, sum(l.qty) FROM orders o JOIN order_lines l ON l.order_id = o.id
    WHERE o.fair_id = ${fx.fair} AND o.key = '${key}' GROUP BY o.id`);
  assert.deepEqual(placed.map((r) => r[1]), ['4'], 'placed once, under the key it waited with');
  await screenshot(page, 'offline-order-placed');
  assert.deepEqual(problems.filter(whileDown), [], 'no errors in the page but the refused connections');
  await context.close();
});

test('the server dies while an order waits for its answer: after the restart it is placed exactly once', { timeout: 180_000 }, async () => {
  const { db, browser } = suite;
  const fx = await makeFair(db.url, { name: '重启订货会', products: 2 });
  await createUser(db.url, { login: 'steady', name: '郑店长', password: 'steady-pass-1', tier: 'A' });
  const coat = fx.products[1];
  const context = await browser.newContext({ viewport: { width: 1280, height: 850 } });
  const page = await context.newPage();
  const problems = watchProblems(page);
  await logInOnPage(page, suite.server.url, 'steady', 'steady-pass-1');
  await page.locator(`.fair[data-fair="${fx.fair}"] .fair-name`).click({ timeout: 20_000 });
  await page.goto(`${suite.server.url}/#/fair/${fx.fair}/product/${coat.id}`);
  await page.getByLabel('白色 L 数量').fill('6');
  await page.click('#to-sheet');
  await page.locator('#save-state[data-state=saved]').waitFor({ timeout: 15_000 });

  // Hold the variant's stock row so the order's transaction waits inside PostgreSQL, submit,
  // and kill the server while it waits; then let the orphaned transaction go on.
  const variant = coat.variants[3];
  const holder = openPsql(db.url);
  await holder.query(`BEGIN; SELECT 1 FROM stock WHERE fair_id = ${fx.fair} AND variant_id = ${variant} FOR UPDATE`);
  await page.click('#submit-order');
  await waitFor(async () => Number((await sql(db.url, `SELECT count(*) FROM pg_stat_activity
    WHERE datname = current_database() AND wait_event_type = 'Lock'`))[0][0]) > 0, { timeoutMs: 15_000, what: 'the order waiting on the row lock' });
  const key = await page.evaluate(() => {
    const k = Object.keys(localStorage).find((x) => x.startsWith('fair.pending.'));
    return JSON.parse(localStorage.getItem(k)).key;
  });
  const port = await restart({ kill: true });
  await holder.query('COMMIT');
  holder.close();
  await startAgain(port);
  const back = Date.now();
  await page.locator('#order-accepted').waitFor({ timeout: 45_000 });
  console.log(`the unanswered order was answered ${Date.now() - back} ms after the server was back`);
  const rows = await sql(db.url, `SELECT o.id, sum(l.qty) FROM orders o JOIN order_lines l ON l.order_id = o.id
    WHERE o.fair_id = ${fx.fair} GROUP BY o.id`);
  assert.equal(rows.length, 1, `exactly one order: ${JSON.stringify(rows)}`);
  assert.equal(rows[0][1], '6');
  const [[keyed]] = await sql(db.url, `SELECT count(*) FROM orders WHERE key = '${key}'`);
  assert.equal(keyed, '1');
  assert.equal(Number(await page.locator('#order-accepted').getAttribute('data-order')), Number(rows[0][0]));
  assert.equal(await page.evaluate(() => Object.keys(localStorage).filter((x) => x.startsWith('fair.pending.')).length), 0,
    'the key is forgotten once answered');
  await screenshot(page, 'offline-restart-placed');
  assert.deepEqual(problems.filter(whileDown), [], 'no errors in the page but the refused connections');
  await context.close();
});
