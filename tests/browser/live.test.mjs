// The fair's live video in a dealer's room (issue 24): ffmpeg publishes the test pattern with
// its clock strip (tests/integration/28-nginx.mjs) to a private nginx-rtmp; Debian's Chromium,
// logged in as a dealer of the fair, shows the room without video, then plays the stream as
// it goes live (hls.js: currentTime advances, frames decoded), unmutes by the tap button and
// shows the end. The latency is measured on the frames themselves: the clock strip of the
// frame on screen says when ffmpeg made it, so now minus that is glass-to-glass less the
// camera (printed as a figure, asserted within 8 s): the strip is ffmpeg's wall clock as it
// made the frame.
//
// The spotlight in step with the video: without video a rep's spotlight is shown at once;
// while the video plays it is held until the picture reaches the moment it was set (the
// playlist's EXT-X-PROGRAM-DATE-TIME, on the server's clock), so its delay is the video's
// latency, while an answer in the Q&A sent at the same moment is not held. Printed: the
// spotlight's delay, the latency read off the frame on screen as it appeared, and the
// in-step offset (when the frame on screen was made less when the rep set the spotlight).
//
// The script: no video player's chunk (hls.js, mpegts.js) is fetched while no stream is live,
// and the hls.js one (its light build: no subtitles, EME or alternate audio) once it is;
// printed: the script a phone's first visit transfers (br, as Chromium asks even over plain
// HTTP to 127.0.0.1) without and with the stream.
//
// The replay: when the stream ends the session's recording becomes an MP4 with a chapter for
// each spotlight; Chromium plays it, a chapter seeks to the frame of that spotlight's moment,
// and the product of the moment can be ordered from there.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  createDatabase, startServer, sql, fairctl, sleep, waitFor, login, connect,
} from '../integration/harness.mjs';
import { makeLiveDir, startNginx, publish, frameMadeAt, CLOCK_BITS, CLOCK_BLOCK, CLOCK_TOP } from '../integration/28-nginx.mjs';
import { launchChromium, openAs, screenshot, scriptsTransferred, createUser, makeFair } from './browser.mjs';

let db;
let server;
let live;
let nginx;
let browser;
let fx;
let dealer;
let key;
let rep;

before(async () => {
  db = await createDatabase();
  live = makeLiveDir();
  server = await startServer({ databaseUrl: db.url, env: { FAIR_HLS_ROOT: live.hlsDir } });
  nginx = await startNginx(live.dir, server.port);
  fx = await makeFair(db.url, { name: '春季直播订货会', products: 2 });
  dealer = await createUser(db.url, { login: `live${process.pid}`, role: 'dealer' });
  await sql(db.url, `INSERT INTO fair_dealers VALUES (${fx.fair}, ${dealer.dealerId})`);
  await createUser(db.url, { login: `liverep${process.pid}`, role: 'rep', password: 'rep-pass-123' });
  rep = await connect(server, { cookie: (await login(server, `liverep${process.pid}`, 'rep-pass-123')).cookie });
  await rep.next('hello', 10_000);
  key = /stream key: ([0-9a-f]{48})/.exec((await fairctl(db.url, ['stream', String(fx.fair)])).stdout)[1];
  browser = await launchChromium();
});

after(async () => {
  rep?.close();
  await browser?.close();
  await nginx?.stop();
  await server?.stop();
  await db?.drop();
  live?.remove();
});

/** In the page: the clock strip of the frame on screen, decoded, and when it was read. */
function readFrameClock({ bits, block, top, id = 'live-video' }) {
  const v = document.getElementById(id);
  if (!v || v.readyState < 2 || !v.videoWidth) return null;
  const c = document.createElement('canvas');
  c.width = v.videoWidth;
  c.height = v.videoHeight;
  const g = c.getContext('2d', { willReadFrequently: true });
  g.drawImage(v, 0, 0);
  const row = g.getImageData(0, top + block / 2, c.width, 1).data;
  let cs = 0;
  for (let b = 0; b < bits; b++) if (row[(b * block + block / 2) * 4] > 128) cs += 2 ** b;
  const q = v.getVideoPlaybackQuality();
  return { cs, at: Date.now(), currentTime: v.currentTime, frames: q.totalVideoFrames, w: v.videoWidth, h: v.videoHeight };
}

/** In the page: when #spotlight first shows product, and the frame on screen then. */
function watchSpotlight({ product, bits, block, top }) {
  window.__spotShown = null;
  const look = () => {
    if (window.__spotShown || document.getElementById('spotlight')?.dataset.product !== String(product)) return;
    window.__spotShown = { at: Date.now(), frame: window.__readFrameClock({ bits, block, top }) };
    obs.disconnect();
  };
  const obs = new MutationObserver(look);
  obs.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-product'] });
  look();
}

/** The rep sets the spotlight; resolves with the wall time just before it was sent. */
async function setSpotlight(product, note) {
  const sentAt = Date.now();
  const ack = await rep.request('spotlight.set', { fair: fx.fair, product, note });
  assert.equal(ack.ok, true, JSON.stringify(ack));
  return sentAt;
}

test('a dealer watches the live video: muted autoplay, tap for sound, latency under 8 s, the spotlight in step, the end, the replay', async () => {
  const { context, page, problems } = await openAs(browser, server, dealer.login, dealer.password,
    { fair: fx.fair, viewport: { width: 1280, height: 900 } });
  await page.locator('#spotlight').waitFor();
  assert.equal(await page.locator('#live-video').count(), 0, 'no video without a stream');
  // the players' chunks (hls.js, mpegts.js) by what is in them (web/build.mjs writes the list)
  const chunks = await page.evaluate(async () => (await fetch('/assets/packages.json')).json());
  const playerOf = (path) => (chunks[path.split('/').pop()] ?? []).find((n) => n === 'hls.js' || n === 'mpegts.js');
  const kib = (xs) => (xs.reduce((n, x) => n + x.encoded, 0) / 1024).toFixed(1);
  await sleep(500); // anything loaded late
  assert.deepEqual((await scriptsTransferred(page)).filter((x) => playerOf(x.path)).map((x) => x.path), [],
    'no video player chunk is fetched while no stream is live');
  // the bytes of script a phone's first visit transfers, without a stream and then with it: a
  // second dealer page at 375 px whose scripts all come from the network (the service worker
  // would hand the first page's chunks over decoded, and resource timing then counts them so)
  const phone = await openAs(browser, server, dealer.login, dealer.password, { fair: fx.fair,
    viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true, serviceWorkers: 'block' });
  await phone.page.locator('#spotlight').waitFor();
  await sleep(500);
  const withoutStream = await scriptsTransferred(phone.page);
  assert.ok(withoutStream.every((x) => x.encoded < x.decoded), 'the scripts come compressed');
  await page.evaluate(`window.__readFrameClock = ${readFrameClock.toString()}`);
  const clockArgs = { bits: CLOCK_BITS, block: CLOCK_BLOCK, top: CLOCK_TOP };
  const [p1, p2] = fx.products.map((x) => x.id);

  // Without video the spotlight is not held
  await page.evaluate(watchSpotlight, { product: p1, ...clockArgs });
  const plainSent = await setSpotlight(p1, '没有视频');
  const plain = await waitFor(() => page.evaluate(() => window.__spotShown), { what: 'the spotlight without video' });
  console.log(`figure: spotlight without video shown ${plain.at - plainSent} ms after the rep sent it`);
  assert.ok(plain.at - plainSent < 1000, `without video the spotlight is not held (${plain.at - plainSent} ms)`);
  // a question, answered in public while the video plays (below)
  await page.fill('#ask-text', '有现货吗？');
  await page.click('#chat button[type=submit]');
  await page.locator('#chat .qa .text').filter({ hasText: '有现货吗？' }).waitFor({ timeout: 10_000 });
  const [[question]] = await sql(db.url, `SELECT id FROM chat_messages WHERE text = '有现货吗？' AND fair_id = ${fx.fair}`);
  await screenshot(page, 'live-1-no-stream');
  const h264 = await page.evaluate(() => MediaSource.isTypeSupported('video/mp4; codecs="avc1.42E01E,mp4a.40.2"'));
  console.log(`Debian's Chromium plays H.264 + AAC through MediaSource: ${h264}`);
  assert.equal(h264, true);

  const p = publish(`${nginx.rtmpUrl}/${key}`, { seconds: 40 });
  // what the player fetched, printed if no frame comes (or always with FAIR_LIVE_DEBUG)
  const fetched = [];
  page.on('response', (r) => {
    if (!r.url().includes('/live/')) return;
    fetched.push(`${Date.now() - p.startedAt} ms ${r.status()} ${new URL(r.url()).pathname}`);
    if (process.env.FAIR_LIVE_DEBUG) console.log(fetched.at(-1));
  });
  await page.locator('#live-video').waitFor({ timeout: 15_000 });
  const first = await waitFor(() => page.evaluate(readFrameClock, { bits: CLOCK_BITS, block: CLOCK_BLOCK, top: CLOCK_TOP })
    .then((r) => (r && r.currentTime > 0 && r.frames > 0 ? r : null)), { timeoutMs: 20_000, what: 'a decoded frame' })
    .catch(async (err) => {
      const state = await page.evaluate(() => {
        const v = document.getElementById('live-video');
        if (!v) return 'no #live-video';
        const ranges = [];
        for (let i = 0; i < v.buffered.length; i++) ranges.push(`${v.buffered.start(i).toFixed(2)}-${v.buffered.end(i).toFixed(2)}`);
        return `readyState ${v.readyState} networkState ${v.networkState} paused ${v.paused} currentTime ${v.currentTime} ` +
          `buffered [${ranges}] error ${v.error?.code ?? 'none'} ${v.error?.message ?? ''}`;
      }).catch((e) => `unreadable: ${e.message}`);
      console.log(`the player after 20 s: ${state}\nwhat it fetched:\n${fetched.join("\n")}\npage problems: ${problems.join("\n")}\nffmpeg: ${p.log()}`);
      throw err;
    });
  console.log(`figure: live video first frame on screen ${first.at - p.startedAt} ms after ffmpeg started publishing`);
  assert.deepEqual((await scriptsTransferred(page)).map((x) => playerOf(x.path)).filter(Boolean), ['hls.js'],
    'the hls.js chunk is fetched, once, when the stream is live');
  await phone.page.locator('#live-video').waitFor({ timeout: 15_000 });
  await waitFor(() => phone.page.evaluate(() => document.getElementById('live-video')?.currentTime > 0),
    { timeoutMs: 20_000, what: 'the phone playing' });
  const withStream = await scriptsTransferred(phone.page);
  const players = withStream.filter((x) => playerOf(x.path));
  assert.deepEqual(players.map((x) => playerOf(x.path)), ['hls.js'], 'the phone fetched the hls.js chunk once');
  assert.deepEqual(phone.problems.filter((x) => !/404 \(Not Found\) \(http:\/\/[^)]*\/live\/\d+\/fair-\d+\.m3u8\)/.test(x)), [],
    'no errors in the phone\'s page but the playlist\'s 404 before nginx wrote it (see the end)');
  await phone.context.close();
  console.log(`figure: live room script as transferred: ${kib(withoutStream)} KiB without a stream, ${kib(withStream)} KiB ` +
    `with the stream live (hls.js light chunk ${kib(players)} KiB; a phone's first visit, compressed as the server sent it)`);
  assert.equal(first.w, 320);
  assert.equal(await page.evaluate(() => document.getElementById('live-video').muted), true, 'starts muted');
  await sleep(1500);
  const later = await page.evaluate(readFrameClock, { bits: CLOCK_BITS, block: CLOCK_BLOCK, top: CLOCK_TOP });
  assert.ok(later.currentTime > first.currentTime, `currentTime advances (${first.currentTime} -> ${later.currentTime})`);
  assert.ok(later.frames > first.frames, 'frames are decoded');
  assert.ok(frameMadeAt(later.cs, later.at) > frameMadeAt(first.cs, first.at), `the frames' clock advances (${first.cs} -> ${later.cs} cs)`);

  // The latency: ten readings a few hundred ms apart, the median
  const samples = [];
  for (let i = 0; i < 10; i++) {
    const r = await page.evaluate(readFrameClock, { bits: CLOCK_BITS, block: CLOCK_BLOCK, top: CLOCK_TOP });
    samples.push(r.at - frameMadeAt(r.cs, r.at));
    await sleep(300);
  }
  samples.sort((a, b) => a - b);
  const median = samples[samples.length >> 1];
  console.log(`figure: live video latency (frame made by ffmpeg -> on screen in Chromium) median ${(median / 1000).toFixed(2)} s, ` +
    `min ${(samples[0] / 1000).toFixed(2)} s, max ${(samples.at(-1) / 1000).toFixed(2)} s (10 readings; 1 s HLS fragments)`);
  assert.ok(median > 0, 'a frame is never shown before it was made');
  assert.ok(median <= 8000, `latency ${median} ms within 8 s`);
  await screenshot(page, 'live-2-playing-muted');

  // The spotlight in step: held until the picture shows the moment it was set; the answer in
  // the Q&A sent just after it is not held
  await page.evaluate(watchSpotlight, { product: p2, ...clockArgs });
  const sent = await setSpotlight(p2, '与画面同步');
  const answered = await rep.request('chat.answer', { fair: fx.fair, reply_to: Number(question), text: '有，马上发货。' });
  assert.equal(answered.ok, true, JSON.stringify(answered));
  await page.locator('#chat .qa .a').filter({ hasText: '有，马上发货。' }).waitFor({ timeout: 5000 });
  const answerShown = Date.now() - sent;
  const heldMeanwhile = await page.evaluate(() => window.__spotShown === null);
  const shown = await waitFor(() => page.evaluate(() => window.__spotShown), { timeoutMs: 20_000, what: 'the spotlight in step' });
  const delay = shown.at - sent;
  const frameMade = frameMadeAt(shown.frame.cs, shown.at);
  const latencyThen = shown.at - frameMade;
  const offset = frameMade - sent;
  console.log(`figure: spotlight in step with the video: shown ${(delay / 1000).toFixed(2)} s after the rep sent it; ` +
    `the video's latency then ${(latencyThen / 1000).toFixed(2)} s (median before ${(median / 1000).toFixed(2)} s); ` +
    `in-step offset (frame on screen made - spotlight sent) ${offset} ms; the Q&A answer sent with it shown after ${answerShown} ms`);
  await screenshot(page, 'live-2b-spotlight-in-step');
  assert.ok(heldMeanwhile, 'the spotlight was still held when the Q&A answer was shown');
  assert.ok(answerShown < 1500, `the Q&A is not held (${answerShown} ms)`);
  assert.ok(Math.abs(delay - median) <= 1000, `the spotlight is delayed by the measured latency within 1 s (${delay} vs ${median} ms)`);
  // The room holds the card until the picture is PICTURE_ALLOWANCE_MS (500) past the moment,
  // by the segments' dates (file time less duration: late by up to a frame and nginx's
  // write), so a shown frame older than the moment means the dates erred by over 500 ms; the
  // test lets 250 ms more pass for the clock strip's reading on a loaded machine (measured
  // here: +78 to +443 ms, never below 0).
  assert.ok(offset >= -250 && offset <= 1000,
    `the spotlight is shown no sooner than the frame of its moment, within 1 s (${offset} ms)`);

  await page.click('#tap-sound');
  assert.equal(await page.evaluate(() => document.getElementById('live-video').muted), false);
  assert.equal(await page.locator('#tap-sound').count(), 0);
  await page.setViewportSize({ width: 375, height: 812 });
  await sleep(500);
  await screenshot(page, 'live-3-sound-phone');
  await page.setViewportSize({ width: 1280, height: 900 });

  p.proc.kill('SIGINT');
  await p.exited;
  await page.locator('#live-ended').waitFor({ timeout: 20_000 });
  assert.equal(await page.locator('#live-video').count(), 0);
  await screenshot(page, 'live-4-ended');

  // The replay, with a chapter for each spotlight: the one in effect at the start, and p2
  const ended = Date.now();
  await page.locator('#replay-video').waitFor({ timeout: 30_000 });
  console.log(`figure: replay offered in the room ${Date.now() - ended} ms after the stream ended`);
  const chapters = await page.locator('#replay-chapters .chapter').evaluateAll((bs) => bs.map((b) => ({
    offset: Number(b.dataset.offset), product: Number(b.dataset.product), text: b.textContent })));
  assert.deepEqual(chapters.map((c) => c.product), [p1, p2], JSON.stringify(chapters));
  assert.equal(chapters[0].offset, 0);
  assert.match(chapters[1].text, /测试外套2/);
  await page.locator(`#replay-chapters .chapter[data-product="${p2}"]`).click();
  const seeked = await waitFor(() => page.evaluate((a) => {
    const v = document.getElementById('replay-video');
    return v.readyState >= 2 && !v.seeking && v.currentTime >= a.at && !v.paused ? window.__readFrameClock(a) : null;
  }, { ...clockArgs, id: 'replay-video', at: chapters[1].offset / 1000 }), { timeoutMs: 15_000, what: 'the replay playing at the chapter' });
  const replayFrameMade = frameMadeAt(seeked.cs);
  console.log(`figure: replay chapter at ${(chapters[1].offset / 1000).toFixed(2)} s: Chromium shows the frame made ` +
    `${replayFrameMade - sent} ms after the spotlight was set (currentTime ${seeked.currentTime.toFixed(2)} s)`);
  assert.ok(Math.abs(seeked.currentTime - chapters[1].offset / 1000) < 1.5, `seeked to ${seeked.currentTime}`);
  assert.ok(Math.abs(replayFrameMade - sent) < 1000, `the chapter shows the spotlight's moment (${replayFrameMade - sent} ms)`);
  await sleep(1000);
  const later2 = await page.evaluate(readFrameClock, { ...clockArgs, id: 'replay-video' });
  assert.ok(later2.currentTime > seeked.currentTime && frameMadeAt(later2.cs) > replayFrameMade, 'the replay plays on');
  assert.equal(await page.locator('#replay-product').getAttribute('data-product'), String(p2));
  await screenshot(page, 'live-5-replay-chapter');
  await page.setViewportSize({ width: 375, height: 812 });
  await sleep(300);
  await screenshot(page, 'live-6-replay-phone');
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.click('#replay-order');
  await page.locator('#product-view').waitFor({ timeout: 10_000 });
  assert.match(page.url(), new RegExp(`/product/${p2}$`));
  // and ordered from there, as a dealer who missed the show would
  await page.locator('.matrix input').first().fill('2');
  await page.click('#to-sheet');
  await page.click('#submit-order');
  const accepted = page.locator('#order-accepted');
  await accepted.waitFor({ timeout: 15_000 });
  const [[units, product]] = await sql(db.url, `SELECT sum(l.qty), min(v.product_id) FROM order_lines l
    JOIN variants v ON v.id = l.variant_id WHERE l.order_id = ${Number(await accepted.getAttribute('data-order'))}`);
  assert.deepEqual([Number(units), Number(product)], [2, p2], 'the chapter\'s product ordered from the replay');
  // Not problems: requests cut by the player's end, and the playlist's 404 in the moment
  // between the live announcement and nginx's first playlist (about a second: hls.js asks
  // again)
  const real = problems.filter((x) => !(/request failed: .*\/live\//.test(x) && /ERR_ABORTED/.test(x))
    && !/404 \(Not Found\) \(http:\/\/[^)]*\/live\/\d+\/fair-\d+\.m3u8\)/.test(x));
  assert.deepEqual(real, []);
  await context.close();
});
