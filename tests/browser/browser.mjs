// Debian's Chromium through playwright-core (which never downloads a browser of its own), and
// the checks every page test makes: no error in the page, screenshots under the build folder.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { chromium } from 'playwright-core';
import { before, after } from 'node:test';
import {
  SOURCE_DIR, createDatabase, startServer, createUser as harnessCreateUser, makeFair as harnessMakeFair,
  mintDealers as harnessMintDealers,
} from '../integration/harness.mjs';

const CHROMIUM = process.env.FAIR_CHROMIUM || '/usr/bin/chromium';
export const ARTIFACT_DIR = process.env.FAIR_ARTIFACT_DIR || path.join(SOURCE_DIR, 'build', 'test-artifacts');

/** A figure the test measured: printed for make test's summary. */
export const figure = (line) => console.log(`figure: ${line}`);

/** axe-core on the part of the page `include` names (null: the whole page): no violation at
 * all (printed, counted). */
export async function axeClean(page, include, label) {
  const builder = new AxeBuilder({ page });
  const axe = await (include ? builder.include(include) : builder).analyze();
  for (const v of axe.violations) console.log(`axe ${label}: ${v.impact} ${v.id} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  figure(`axe ${label}: ${axe.violations.length} violations, ${axe.passes.length} rules passed`);
  assert.deepEqual(axe.violations.map((v) => v.id), [], `axe ${label}`);
}

/** Nothing scrolls sideways: the page is no wider than its viewport (what sticks out, printed). */
export async function noSideScroll(page, label) {
  const [scroll, client] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
  if (scroll > client) {
    console.log(await page.evaluate(() => [...document.querySelectorAll('body *')]
      .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1 && !e.closest('.scroll-x'))
      .slice(0, 8).map((e) => `${e.tagName}.${e.className}#${e.id} ${Math.round(e.getBoundingClientRect().width)}`).join('\n')));
  }
  figure(`${label}: page ${scroll} px wide in a ${client} px viewport`);
  assert.ok(scroll <= client, `${label} scrolls sideways (${scroll} > ${client})`);
}

/** A screenshot of one part of the page (easier to read than the whole phone page). */
export async function shotOf(locator, name) {
  fs.mkdirSync(ARTIFACT_DIR, { recursive: true });
  const file = path.join(ARTIFACT_DIR, `${name}.png`);
  await locator.screenshot({ path: file });
  console.log(`screenshot: ${file}`);
}

export function launchChromium() {
  return chromium.launch({
    executablePath: CHROMIUM,
    // Without the background-networking flags Chromium keeps trying hosts this machine cannot
    // reach; --no-sandbox because the tests run as root.
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}

/** Collects console errors, page errors and failed requests of a page into an array. */
export function watchProblems(page) {
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const url = msg.location()?.url ?? '';
    // Chromium logs every 4xx answer; 401 from the account API is how the page learns that
    // nobody is logged in or the password was wrong.
    if (/status of 401/.test(msg.text()) && /\/api\/(me|login)$/.test(url)) return;
    problems.push(`console error: ${msg.text()} (${url || 'page'})`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()} ${req.failure()?.errorText}`));
  return problems;
}

/** Picks lang (zh-Hans, zh-Hant or en) in the page's language menu and waits until the page
 * has been drawn again in it: the words of a language other than Simplified Chinese are a
 * chunk the page loads the first time it is chosen. */
export async function chooseLang(page, lang) {
  const locale = { 'zh-Hans': 'zh-CN', 'zh-Hant': 'zh-TW', en: 'en-GB' }[lang];
  await page.selectOption('.lang select', lang);
  await page.waitForFunction((l) => document.documentElement.lang === l, locale, { timeout: 10_000 });
  // Preact draws on the next task after the language's listeners ran
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0))));
}

export async function screenshot(page, name) {
  fs.mkdirSync(ARTIFACT_DIR, { recursive: true });
  const file = path.join(ARTIFACT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  console.log(`screenshot: ${file}`);
}

/** A fresh database, the real server on it and Chromium for the tests of one file: registers
 * node:test's before and after, and returns an object whose fields are set once they run. */
export function browserSuite() {
  const suite = { db: null, server: null, browser: null };
  before(async () => {
    suite.db = await createDatabase();
    suite.server = await startServer({ databaseUrl: suite.db.url });
    suite.browser = await launchChromium();
  });
  after(async () => {
    try {
      if (suite.browser) await suite.browser.close();
    } finally {
      try {
        if (suite.server) await suite.server.stop();
      } finally {
        if (suite.db) await suite.db.drop();
      }
    }
  });
  return suite;
}

/** Logs in through the page's form at the server's root. */
export async function logInOnPage(page, serverUrl, login, password) {
  await page.goto(`${serverUrl}/`, { waitUntil: 'load' });
  await page.fill('#login', login);
  await page.fill('#password', password);
  await page.click('#login-view button[type=submit]');
}

/**
 * A new browser context (`options`: viewport and the like) with a page logged in through the
 * form as `login`, watched for problems; with `fair`, once the lobby lists it, the page goes to
 * `#/fair/<fair><route>`. Resolves with {context, page, problems}.
 */
export async function openAs(browser, server, login, password, { fair, route = '', ...options } = {}) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const problems = watchProblems(page);
  await logInOnPage(page, server.url, login, password);
  if (fair) {
    await page.locator(`.fair[data-fair="${fair}"]`).waitFor({ timeout: 20_000 });
    await page.goto(`${server.url}/#/fair/${fair}${route}`);
  }
  return { context, page, problems };
}

/** The scripts a page fetched, as the browser's resource timing has them: the bytes of each
 * body as it came over the wire (encodedBodySize: gzip when the server sent it so) and
 * decoded. Only same-origin scripts, which ours all are (the CSP allows no other). */
export async function scriptsTransferred(page) {
  return page.evaluate(() => performance.getEntriesByType('resource')
    .filter((r) => r.initiatorType === 'script' || /\.m?js(\?|$)/.test(r.name))
    .map((r) => ({ path: new URL(r.name).pathname, encoded: r.encodedBodySize, decoded: r.decodedBodySize,
      transfer: r.transferSize })));
}

// The browser tests' fixtures in Simplified Chinese, as the pages' default and the demo brand
// (a mainland one) write: the integration harness's makers with Simplified defaults. A test of
// Traditional Chinese names its own Traditional texts.

/** makeFair (harness) with a fair named 测试订货会 and products 测试外套n. */
export function makeFair(dbUrl, options = {}) {
  return harnessMakeFair(dbUrl, { name: '测试订货会', productName: '测试外套', ...options });
}

/** createUser (harness) with dealers in the region 华东. */
export function createUser(dbUrl, options = {}) {
  return harnessCreateUser(dbUrl, { region: '华东', ...options });
}

/** mintDealers (harness) with dealers 经销商 n of 华东 and users 店长 n. */
export function mintDealers(dbUrl, count, options = {}) {
  return harnessMintDealers(dbUrl, count, { dealerName: '经销商', userName: '店长', region: '华东', ...options });
}
