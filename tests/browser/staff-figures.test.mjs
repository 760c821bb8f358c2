// Figures of the staff's pages (issue 23), measured in Chromium against the real server and
// PostgreSQL, printed as `figure:` lines and asserted with margins:
//   1. a dealer's new question appears in the queue of every rep's console (three reps) within
//      500 ms p95 of its acknowledgement (20 questions);
//   2. the big screen left open while orders stream in keeps its JavaScript heap and DOM node
//      count flat (within 10%, after a garbage collection, the middle third of the run against
//      the last; the first is the page warming up): 90 s here, FAIR_BIGSCREEN_SECONDS=1800 for
//      the half hour (`make test-long`);
//   3. axe-core finds nothing serious or critical on the console and the processing queue.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import AxeBuilder from '@axe-core/playwright';
import { browserSuite, logInOnPage, openAs, screenshot, watchProblems, createUser, makeFair, mintDealers } from './browser.mjs';
import { connect, login, sleep, sql } from '../integration/harness.mjs';

const suite = browserSuite();
const SECONDS = Number(process.env.FAIR_BIGSCREEN_SECONDS || 90);
const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(q * xs.length) - 1)];

// In each rep's page: the machine clock of the frame after question `id` entered the queue.
function queueWatcher() {
  const clock = () => performance.timeOrigin + performance.now();
  window.__seen = new Map();
  const mo = new MutationObserver(() => {
    for (const el of document.querySelectorAll('#queue .question[data-id]')) {
      const id = Number(el.getAttribute('data-id'));
      if (window.__seen.has(id)) continue;
      window.__seen.set(id, null);
      requestAnimationFrame(() => window.__seen.set(id, clock()));
    }
  });
  addEventListener('DOMContentLoaded', () => mo.observe(document.body, { subtree: true, childList: true }));
}

test('a question reaches every rep\'s queue within 500 ms p95; the console and queue pass axe', { timeout: 180_000 }, async () => {
  const { db, server, browser } = suite;
  const fx = await makeFair(db.url, { name: '问答计时会', products: 3 });
  // four dealers ask five questions each: the Q&A takes 5 messages in 10 s from one user
  for (let i = 1; i <= 4; i++) await createUser(db.url, { login: `asker${i}`, name: `提问店长${i}`, password: 'asker-pass-1', tier: 'A' });
  const reps = [];
  for (let i = 1; i <= 3; i++) {
    await createUser(db.url, { login: `qrep${i}`, name: `销售${i}`, role: 'rep', password: `qrep${i}-pass-12` });
    const context = await browser.newContext({ viewport: { width: 1500, height: 950 } });
    await context.addInitScript(queueWatcher);
    const page = await context.newPage();
    const problems = watchProblems(page);
    await logInOnPage(page, server.url, `qrep${i}`, `qrep${i}-pass-12`);
    await page.locator(`.fair[data-fair="${fx.fair}"]`).waitFor({ timeout: 20_000 });
    await page.goto(`${server.url}/#/fair/${fx.fair}/console`);
    await page.locator('#queue').waitFor({ timeout: 15_000 });
    reps.push({ context, page, problems });
  }
  const askers = [];
  for (let i = 1; i <= 4; i++) {
    const c = await connect(server, { cookie: (await login(server, `asker${i}`, 'asker-pass-1')).cookie });
    await c.next('hello', 10_000);
    askers.push(c);
  }
  const delays = [];
  for (let i = 0; i < 20; i++) {
    const r = await askers[i % 4].request('chat.ask', { fair: fx.fair, text: `第 ${i + 1} 个问题：有没有大码？` });
    const acked = Date.now();
    assert.equal(r.ok, true, JSON.stringify(r));
    for (const { page } of reps) {
      const at = await page.waitForFunction((id) => window.__seen.get(id) ?? false, r.message.id, { timeout: 10_000 });
      delays.push((await at.jsonValue()) - acked);
    }
    await sleep(150);
  }
  const p50 = quantile(delays, 0.5);
  const p95 = quantile(delays, 0.95);
  console.log(`figure: a question to every rep's queue p50 ${Math.round(p50)} ms p95 ${Math.round(p95)} ms max ${Math.round(Math.max(...delays))} ms (20 questions × 3 reps)`);
  assert.ok(p95 <= 500, `p95 ${p95} ms`);
  await screenshot(reps[0].page, 'staff-queue');

  for (const [name, route] of [['console', 'console'], ['processing', 'queue']]) {
    const { page } = reps[0];
    await page.goto(`${server.url}/#/fair/${fx.fair}/${route}`);
    await page.locator(`#${name}-view`).waitFor({ timeout: 10_000 });
    const axe = await new AxeBuilder({ page }).analyze();
    for (const v of axe.violations) console.log(`axe ${name}: ${v.impact} ${v.id} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    assert.deepEqual(axe.violations.filter((v) => ['serious', 'critical'].includes(v.impact)).map((v) => v.id), [], name);
  }
  for (const { problems } of reps) assert.deepEqual(problems, [], 'no errors in the reps\' pages');
  for (const c of askers) await c.close();
  for (const { context } of reps) await context.close();
});

test(`the big screen stays flat in memory and DOM while orders stream in for ${SECONDS} s`, { timeout: (SECONDS + 120) * 1000 }, async () => {
  const { db, server, browser } = suite;
  const fx = await makeFair(db.url, { name: '大屏耐久会', products: 20 });
  // stock for the whole run: a sold-out fair stops the pushes the test is about
  await sql(db.url, `UPDATE stock SET allocation = 10000000 WHERE fair_id = ${fx.fair}`);
  await createUser(db.url, { login: 'wall', name: '大屏', role: 'manager', password: 'wall-pass-123' });
  const dealers = await mintDealers(db.url, 30, { prefix: `wall${process.pid}x` });
  const { context, page, problems } = await openAs(browser, server, 'wall', 'wall-pass-123', { fair: fx.fair, route: '/bigscreen', viewport: { width: 1920, height: 1080 } });
  await page.locator('#bigscreen-view').waitFor({ timeout: 20_000 });
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  const sample = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    const { metrics } = await cdp.send('Performance.getMetrics');
    const get = (n) => metrics.find((m) => m.name === n)?.value ?? 0;
    return { heap: get('JSHeapUsedSize'), nodes: get('Nodes'), listeners: get('JSEventListeners') };
  };

  // Orders at about 10 a second from 30 dealers, for the whole run.
  const sockets = await Promise.all(dealers.map(async (d) => {
    const c = await connect(server, { cookie: d.cookie });
    await c.next('hello', 10_000);
    return c;
  }));
  const variants = fx.products.flatMap((p) => p.variants);
  let placed = 0;
  let stop = false;
  const streams = sockets.map(async (c, i) => {
    for (let j = 0; !stop; j++) {
      const r = await c.request('order.place', { fair: fx.fair, key: `w${i}-${j}`, lines: [{ variant: variants[(i * 7 + j) % variants.length], qty: 1 }] });
      if (r.ok) placed++;
      await sleep(3000);
    }
  });
  const samples = [];
  const started = Date.now();
  while (Date.now() - started < SECONDS * 1000) {
    await sleep(Math.max(2000, SECONDS * 1000 / 30));
    samples.push(await sample());
    if (process.env.FAIR_BIGSCREEN_VERBOSE) {
      const x = samples[samples.length - 1];
      console.log(`big screen at ${Math.round((Date.now() - started) / 1000)} s: heap ${(x.heap / 1e6).toFixed(2)} MB, ${x.nodes} nodes, ${placed} orders`);
    }
  }
  stop = true;
  await Promise.all(streams);
  const third = Math.max(1, Math.floor(samples.length / 3));
  const mean = (xs, k) => xs.reduce((s, x) => s + x[k], 0) / xs.length;
  // The first third is the page warming up (V8 compiles and optimises ECharts and the page as
  // they run: the heap grows by its code, about 1 MB in the first minutes, measured with heap
  // snapshots), so flat means the middle third against the last.
  const first = samples.slice(0, third);
  const middle = samples.slice(third, 2 * third);
  const last = samples.slice(-third);
  const growth = (k) => mean(last, k) / mean(middle, k) - 1;
  const mb = (xs) => (mean(xs, 'heap') / 1e6).toFixed(2);
  console.log(`figure: big screen over ${SECONDS} s with ${placed} orders: heap ${mb(first)} (warming up) → ${mb(middle)} → ${mb(last)} MB (${(growth('heap') * 100).toFixed(1)}% over the last two thirds), DOM nodes ${Math.round(mean(middle, 'nodes'))} → ${Math.round(mean(last, 'nodes'))} (${(growth('nodes') * 100).toFixed(1)}%), ${samples.length} samples after a GC each`);
  assert.ok(placed > SECONDS * 5, `orders kept coming (${placed})`);
  assert.ok(growth('heap') <= 0.10, `heap grew ${(growth('heap') * 100).toFixed(1)}%`);
  assert.ok(growth('nodes') <= 0.10, `DOM nodes grew ${(growth('nodes') * 100).toFixed(1)}%`);
  await screenshot(page, 'staff-bigscreen-after');
  assert.deepEqual(problems, [], 'no errors in the big screen');
  await Promise.all(sockets.map((c) => c.close()));
  await context.close();
});
