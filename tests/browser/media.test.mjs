// An administrator's product pictures and videos on the settings page, in Chromium against the
// real server and PostgreSQL: a product searched and picked, a picture uploaded (the server
// converts it; the page shows the new one and the database points at it), one for a colour,
// a video uploaded (transcoded; shown with its poster), a file that is no video refused in
// words with nothing changed, the video removed (audited); a manager sees no such panel.
// Screenshots go to build/test-artifacts/media-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDatabase, sql, startServer } from '../integration/harness.mjs';
import { launchChromium, openAs, screenshot, createUser, makeFair } from './browser.mjs';

let tmp;
let db;
let server;
let browser;
const files = {};

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fair-media-page-'));
  const media = path.join(tmp, 'media');
  fs.mkdirSync(media);
  const ff = (args) => execFileSync('ffmpeg', ['-nostdin', '-hide_banner', '-loglevel', 'error', '-y', ...args]);
  files.picture = path.join(tmp, 'coat.png');
  ff(['-f', 'lavfi', '-i', 'testsrc=size=400x400', '-frames:v', '1', files.picture]);
  files.camel = path.join(tmp, 'camel.jpg');
  ff(['-f', 'lavfi', '-i', 'color=c=0xC19A6B:size=300x300', '-frames:v', '1', files.camel]);
  files.video = path.join(tmp, 'coat.mp4');
  ff(['-f', 'lavfi', '-i', 'testsrc=size=640x360:rate=25', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
    '-t', '2', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', files.video]);
  files.notVideo = path.join(tmp, 'notes.mp4');
  fs.writeFileSync(files.notVideo, 'these are notes, not a video\n'.repeat(50));
  db = await createDatabase();
  server = await startServer({ databaseUrl: db.url, env: { FAIR_MEDIA_ROOT: media } });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await db?.drop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

test('an administrator uploads a product\'s picture and video on the settings page, and removes the video', { timeout: 180_000 }, async () => {
  const fx = await makeFair(db.url, { name: '素材订货会', products: 2 });
  const coat = fx.products[0];
  await createUser(db.url, { login: 'media-admin', name: '管理员', role: 'admin', password: 'media-admin-pass-1' });
  const { context, page, problems } = await openAs(browser, server, 'media-admin', 'media-admin-pass-1',
    { fair: fx.fair, route: '/manage', viewport: { width: 1280, height: 1000 } });
  const panel = page.locator('#media-panel');
  await panel.waitFor({ timeout: 15_000 });
  await page.fill('#media-search', '外套1');
  await panel.locator(`.pick-list li[data-product="${coat.id}"] button`).click({ timeout: 10_000 });
  await panel.locator('#media-no-clip').waitFor();

  // the product's picture
  const t0 = Date.now();
  await page.setInputFiles('#media-picture-file', files.picture);
  await page.locator('#media-status.ok-text').filter({ hasText: '图片已更新' }).waitFor({ timeout: 30_000 });
  console.log(`figure: a 400×400 PNG uploaded and shown as the product's picture in ${Date.now() - t0} ms`);
  const [[image]] = await sql(db.url, `SELECT image FROM products WHERE id = ${coat.id}`);
  assert.match(image, /^p\//);
  assert.equal(await page.locator('#media-thumb').getAttribute('src'), `/media/${image}-card.jpg`);
  assert.equal(await page.locator('#media-thumb').evaluate((img) => img.complete && img.naturalWidth > 0), true, 'the picture loads');

  // a colour's picture
  const colour = await page.locator('#media-color option').nth(1).getAttribute('value');
  await page.selectOption('#media-color', colour);
  await page.setInputFiles('#media-picture-file', files.camel);
  await page.locator('#media-status.ok-text').filter({ hasText: '图片已更新' }).waitFor({ timeout: 30_000 });
  const [[colourImage]] = await sql(db.url, `SELECT min(image) FROM variants WHERE product_id = ${coat.id} AND color = '${colour}'`);
  assert.match(colourImage, /^p\//);
  assert.equal(await page.locator('#media-thumb').getAttribute('src'), `/media/${colourImage}-card.jpg`);

  // a file that is no video: refused in words, nothing stored
  await page.setInputFiles('#media-video-file', files.notVideo);
  await page.locator('#media-status.error').waitFor({ timeout: 30_000 });
  assert.match(await page.locator('#media-status').textContent(), /not a video/);
  const [[noClip]] = await sql(db.url, `SELECT coalesce(clip, '') FROM products WHERE id = ${coat.id}`);
  assert.equal(noClip, '');

  // the video
  const t1 = Date.now();
  await page.setInputFiles('#media-video-file', files.video);
  await page.locator('#media-status.ok-text').filter({ hasText: '视频已更新（2 秒）' }).waitFor({ timeout: 60_000 });
  console.log(`figure: a 2 s 640×360 video uploaded, transcoded and shown in ${Date.now() - t1} ms`);
  const [[clip]] = await sql(db.url, `SELECT clip FROM products WHERE id = ${coat.id}`);
  assert.match(clip, /^clips\//);
  assert.equal(await page.locator('#media-clip').getAttribute('poster'), `/media/${clip}-poster.jpg`);
  assert.equal(await page.locator('#media-clip').getAttribute('src'), `/media/${clip}.mp4`);
  await screenshot(page, 'media-uploaded');
  await page.setViewportSize({ width: 375, height: 812 });
  await page.locator('#media-panel').scrollIntoViewIfNeeded();
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  console.log(`figure: settings with the media panel at 375 px: page ${wide} px wide in a 375 px viewport`);
  await screenshot(page, 'media-phone');
  const over = await page.evaluate(() => [...document.querySelectorAll('#media-panel *')]
    .filter((e) => e.getBoundingClientRect().right > 375).map((e) => `${e.tagName}#${e.id}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`));
  assert.ok(wide <= 375, `no sideways scrolling at 375 px (${wide}): ${over.join(', ')}`);
  await page.setViewportSize({ width: 1280, height: 1000 });

  // removed, after the confirmation
  page.once('dialog', (d) => d.accept());
  await page.click('#media-remove-clip');
  await page.locator('#media-no-clip').waitFor({ timeout: 10_000 });
  assert.match(await page.locator('#media-status').textContent(), /视频已移除/);
  const [[gone]] = await sql(db.url, `SELECT coalesce(clip, '') FROM products WHERE id = ${coat.id}`);
  assert.equal(gone, '');
  const [[audited]] = await sql(db.url, `SELECT count(*) FROM audit_log WHERE action = 'product.clip' AND target = 'product:${coat.id}'`);
  assert.equal(audited, '2', 'the upload and the removal');
  await screenshot(page, 'media-removed');
  // the refused upload's 415 is the one expected problem
  assert.deepEqual(problems.filter((p) => !/415/.test(p)), []);
  await context.close();

  // a manager's settings page has no such panel
  await createUser(db.url, { login: 'media-manager', role: 'manager', password: 'media-manager-pass-1' });
  const { context: mc, page: mp } = await openAs(browser, server, 'media-manager', 'media-manager-pass-1',
    { fair: fx.fair, route: '/manage', viewport: { width: 1280, height: 900 } });
  await mp.locator('#manage-view').waitFor({ timeout: 15_000 });
  await mp.locator('#audit-panel, #manage-view .panel').first().waitFor();
  assert.equal(await mp.locator('#media-panel').count(), 0);
  await mc.close();
});
