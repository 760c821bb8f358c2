// A product clip on the product page (issue 24), in Chromium against the real server: the page
// shows the clip's poster behind a play button and downloads none of the video until the dealer
// asks; then it plays muted (currentTime advances, a frame decoded) and seeks through the
// server's byte ranges. axe finds nothing serious; nothing is wider than a 375 px phone.
// Screenshots go to build/test-artifacts/clip-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { launchChromium, openAs, screenshot, createUser, makeFair } from './browser.mjs';
import { createDatabase, startServer, httpGet } from '../integration/harness.mjs';

let db;
let server;
let browser;
let tmp;

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fair-clip-browser-'));
  fs.mkdirSync(path.join(tmp, 'media'));
  db = await createDatabase();
  server = await startServer({ databaseUrl: db.url, env: { FAIR_MEDIA_ROOT: path.join(tmp, 'media') } });
  browser = await launchChromium();
});

after(async () => {
  try {
    if (browser) await browser.close();
    if (server) await server.stop();
  } finally {
    if (db) await db.drop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('the product page plays the clip only when asked, muted, and seeks', { timeout: 180_000 }, async () => {
  const fx = await makeFair(db.url, { name: '视频订货会', products: 1 });
  const product = fx.products[0].id;
  const source = path.join(tmp, 'clip.mp4');
  execFileSync('ffmpeg', ['-nostdin', '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', 'testsrc=size=1280x720:rate=25', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
    '-t', '6', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', source]);
  const up = await httpGet(`${server.url}/api/admin/products/${product}/clip`, {
    method: 'POST', body: fs.readFileSync(source), timeoutMs: 120_000,
    headers: { 'content-type': 'video/mp4', cookie: server.cookie },
  });
  assert.equal(up.status, 200, up.body);
  const clip = JSON.parse(up.body).clip;
  await createUser(db.url, { login: 'viewer', name: '钱店长', password: 'viewer-pass-1', tier: 'B' });

  for (const [width, height] of [[1280, 850], [375, 740]]) {
    const { context, page, problems } = await openAs(browser, server, 'viewer', 'viewer-pass-1',
      { fair: fx.fair, route: `/product/${product}`, viewport: { width, height } });
    const videoRequests = [];
    page.on('request', (r) => { if (r.url().endsWith('.mp4')) videoRequests.push(r.headers().range ?? 'whole'); });
    const play = page.locator('#product-view .clip-play');
    await play.waitFor({ timeout: 20_000 });
    assert.match(await play.getAttribute('aria-label'), /播放商品视频（00:00:06）/);
    await page.waitForTimeout(500);
    assert.deepEqual(videoRequests, [], 'no byte of the video before the dealer asks');
    if (width === 1280) {
      const axe = await new AxeBuilder({ page }).include('#product-view').analyze();
      for (const v of axe.violations) console.log(`axe product page: ${v.impact} ${v.id}`);
      assert.deepEqual(axe.violations.filter((v) => ['serious', 'critical'].includes(v.impact)).map((v) => v.id), []);
    }
    await screenshot(page, `clip-poster-${width}`);

    const asked = Date.now();
    await play.click();
    const video = page.locator('#product-view .clip video');
    await video.waitFor({ timeout: 10_000 });
    await page.waitForFunction(() => {
      const v = document.querySelector('#product-view .clip video');
      return v && v.currentTime > 0.5 && v.videoWidth > 0;
    }, null, { timeout: 20_000 });
    const playing = Date.now() - asked;
    const state = await video.evaluate((v) => ({ muted: v.muted, controls: v.controls, w: v.videoWidth, h: v.videoHeight }));
    assert.deepEqual(state, { muted: true, controls: true, w: clip.width, h: clip.height });
    // seeking: the player asks for the bytes it needs
    await video.evaluate((v) => { v.currentTime = 4.5; });
    await page.waitForFunction(() => {
      const v = document.querySelector('#product-view .clip video');
      return v && !v.seeking && v.currentTime >= 4.5;
    }, null, { timeout: 15_000 });
    assert.ok(videoRequests.length >= 1 && videoRequests.every((r) => r === 'whole' || /^bytes=\d+-\d*$/.test(r)),
      JSON.stringify(videoRequests));
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(wide <= width, `nothing scrolls sideways at ${width} px (${wide})`);
    await screenshot(page, `clip-playing-${width}`);
    console.log(`${width} px: play asked to 0.5 s played in ${playing} ms; video requests ${JSON.stringify(videoRequests)}`);
    // a seek may abort the range in flight: the player's own doing, not a fault
    assert.deepEqual(problems.filter((x) => !/\.mp4 net::ERR_ABORTED/.test(x)), []);
    await context.close();
  }
});
