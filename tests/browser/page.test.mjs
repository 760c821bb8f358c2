// The page the server serves, in Debian's Chromium driven by playwright-core (which never
// downloads a browser of its own): it connects, shows the hello it received, and logs no
// errors. Leaves a screenshot in build/test-artifacts/page.png (or $FAIR_ARTIFACT_DIR).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { createDatabase, startServer, SOURCE_DIR } from '../integration/harness.mjs';

const CHROMIUM = process.env.FAIR_CHROMIUM || '/usr/bin/chromium';
const ARTIFACT_DIR = process.env.FAIR_ARTIFACT_DIR || path.join(SOURCE_DIR, 'build', 'test-artifacts');

let db;
let server;
let browser;

before(async () => {
  db = await createDatabase();
  server = await startServer({ databaseUrl: db.url });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    // Without the background-networking flags Chromium keeps trying hosts this machine cannot
    // reach; --no-sandbox because the tests run as root.
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

after(async () => {
  try {
    if (browser) await browser.close();
  } finally {
    try {
      if (server) await server.stop();
    } finally {
      if (db) await db.drop();
    }
  }
});

test('the page connects and shows the hello', { timeout: 90_000 }, async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    // Chromium asks for /favicon.ico on its own; its absence is no fault of the page.
    if (/\/favicon\.ico$/.test(msg.location()?.url ?? '')) return;
    problems.push(`console error: ${msg.text()} (${msg.location()?.url ?? 'page'})`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()} ${req.failure()?.errorText}`));

  const response = await page.goto(`${server.url}/`, { waitUntil: 'load' });
  assert.equal(response?.status(), 200);

  await page.locator('#status').filter({ hasText: 'connected' }).waitFor({ timeout: 20_000 });
  await page.waitForFunction(() => (document.querySelector('#hello')?.textContent ?? '').includes('"hello"'), null, {
    timeout: 20_000,
  });
  const helloText = await page.locator('#hello').textContent();
  const hello = JSON.parse(helloText);
  assert.equal(hello.ev, 'hello');
  assert.ok(Array.isArray(hello.fairs));
  assert.ok(helloText.includes('\n'), 'the hello is pretty-printed');

  fs.mkdirSync(ARTIFACT_DIR, { recursive: true });
  const shot = path.join(ARTIFACT_DIR, 'page.png');
  await page.screenshot({ path: shot, fullPage: true });
  console.log(`screenshot: ${shot}`);

  assert.deepEqual(problems, [], 'no errors in the page');
  await context.close();
});
