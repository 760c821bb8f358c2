// Reports and charts (PROTOCOL.md "Brand manager dashboard"): the CSV has one row per order
// line that Excel opens with Chinese intact and parses back field for field; a large fair
// streams with the server's memory flat and other requests served meanwhile; charts are PNGs
// of the size asked, drawn, with Chinese names as glyphs (left in build/test-artifacts/);
// managers and admins only.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import {
  createDatabase, startServer, connect, sql, makeFair, mintDealers, httpGet, createUser, login, SOURCE_DIR,
} from './harness.mjs';

const ARTIFACT_DIR = process.env.FAIR_ARTIFACT_DIR || path.join(SOURCE_DIR, 'build', 'test-artifacts');

const SANITIZED = process.env.FAIR_SANITIZED === '1';
const BIG_ORDERS = SANITIZED ? 15_000 : 100_000; // 4 lines each

let db;
let server;
let fx;
let dealers;

before(async () => {
  db = await createDatabase();
  server = await startServer({ databaseUrl: db.url, user: { login: 'mgr', role: 'manager' } });
  fx = await makeFair(db.url, { name: '報表測試會', products: 2 });
  dealers = await mintDealers(db.url, 3, { prefix: `rep${process.pid}x` });
  await sql(db.url, `UPDATE dealers SET name = '=HYPERLINK("x"),"大"店' WHERE id = ${dealers[0].dealerId}`);
});

after(async () => {
  try {
    await server?.stop();
  } finally {
    if (db) await db.drop();
  }
});

/** RFC 4180: fields, quoted or not, rows ended by CRLF. */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(field); field = ''; } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field); rows.push(row); row = []; field = ''; i++;
    } else field += ch;
  }
  assert.equal(field + row.join(''), '', 'the file ends with a whole row');
  return rows;
}

const url = (fair) => `${server.url}/api/fairs/${fair}/report.csv`;

test('one row per order line, Chinese intact, fields parse back, formulas stay text', async () => {
  const [v1, v2] = fx.products[0].variants;
  for (const [i, d] of dealers.entries()) {
    const c = await connect(server, { cookie: d.cookie });
    await c.next('hello', 10_000);
    const r = await c.request('order.place', { fair: fx.fair, key: `csv-${i}`,
      lines: [{ variant: v1, qty: 1 + i }, { variant: v2, qty: 2 }] });
    assert.equal(r.ok, true, JSON.stringify(r));
    await c.close();
  }
  const res = await httpGet(url(fx.fair), { headers: { cookie: server.cookie } });
  assert.equal(res.status, 200, res.body);
  assert.match(res.headers['content-type'], /^text\/csv; charset=utf-8/);
  assert.match(res.headers['content-disposition'], /attachment; filename="fair-\d+-orders.csv"/);
  assert.ok(res.body.startsWith('\uFEFF'), 'a UTF-8 byte order mark for Excel');
  const rows = parseCsv(res.body.slice(1));
  assert.deepEqual(rows[0], ['order', 'key', 'status', 'created_at', 'updated_at', 'dealer_code', 'dealer', 'region',
    'tier', 'style', 'product', 'size', 'color', 'qty', 'unit_price', 'amount', 'discount', 'payable', 'coupon']);
  const [[lines]] = await sql(db.url, `SELECT count(*) FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.fair_id = ${fx.fair}`);
  assert.equal(rows.length - 1, Number(lines), 'one row per order line');
  const mine = rows.filter((r) => r[1] === 'csv-0');
  assert.equal(mine.length, 2);
  assert.equal(mine[0][6], '\'=HYPERLINK("x"),"大"店', 'a formula-like name stays text, quotes and comma intact');
  assert.equal(mine[0][10], '測試外套1');
  assert.deepEqual(mine.map((r) => r[12]).sort(), ['白色', '黑色']);
  const [[price]] = await sql(db.url, `SELECT price FROM order_lines l JOIN orders o ON o.id = l.order_id
    WHERE o.key = 'csv-0' AND l.variant_id = ${v1}`);
  const line = mine.find((r) => r[11] === 'M' && r[12] === '黑色');
  assert.equal(line[14], (Number(price) / 100).toFixed(2));
  assert.equal(line[15], (Number(price) / 100).toFixed(2), '1 unit: amount = price');
  assert.deepEqual(line.slice(16), ['0.00', line[15], ''], 'no policy, no coupon: nothing off, the amount to pay');
});

test('reports are for managers and admins; unknown fairs and files are 404', async () => {
  assert.equal((await httpGet(url(fx.fair))).status, 401);
  assert.equal((await httpGet(url(fx.fair), { headers: { cookie: dealers[0].cookie } })).status, 403);
  const rep = await createUser(db.url, { login: `rep${process.pid}`, role: 'rep' });
  const repSession = await login(server, rep.login, rep.password);
  assert.equal((await httpGet(url(fx.fair), { headers: { cookie: repSession.cookie } })).status, 403);
  assert.equal((await httpGet(url(987654), { headers: { cookie: server.cookie } })).status, 404);
  assert.equal((await httpGet(`${server.url}/api/fairs/${fx.fair}/nothing.csv`, { headers: { cookie: server.cookie } })).status, 404);
});

test(`a fair of ${BIG_ORDERS * 4} lines streams with flat memory to a client that stalls, while pings are answered`, { timeout: 300_000 }, async () => {
  const big = await makeFair(db.url, { name: '大報表', products: 1 });
  const variants = big.products[0].variants;
  await sql(db.url, `INSERT INTO orders (fair_id, dealer_id, key, total, created_at)
      SELECT ${big.fair}, ${dealers[1].dealerId}, 'big-' || i, 4 * 9000, now() FROM generate_series(1, ${BIG_ORDERS}) i;
    INSERT INTO order_lines (order_id, variant_id, qty, price)
      SELECT o.id, v, 1, 9000 FROM orders o, unnest(ARRAY[${variants.join(',')}]::bigint[]) v
      WHERE o.fair_id = ${big.fair}`);
  const rss = () => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${server.proc.pid}/status`, 'utf8'))[1]);
  const ws = await connect(server);
  await ws.next('hello', 10_000);
  const before = rss();
  let peak = before;
  const sampler = setInterval(() => { peak = Math.max(peak, rss()); }, 20);
  const pings = [];
  let downloading = true;
  const pinger = (async () => {
    while (downloading) {
      const t0 = process.hrtime.bigint();
      await ws.request('ping', {}, 30_000);
      pings.push(Number(process.hrtime.bigint() - t0) / 1e6);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  const started = Date.now();
  const { status, bytes, newlines, chunked } = await new Promise((resolve, reject) => {
    http.get(url(big.fair), { headers: { cookie: server.cookie } }, (res) => {
      let bytes = 0;
      let newlines = 0;
      let paused = false;
      res.on('data', (chunk) => {
        bytes += chunk.length;
        for (const b of chunk) if (b === 10) newlines++;
        // A client that stops reading for a while: the server waits, memory flat.
        if (!paused && bytes > 4 << 20) {
          paused = true;
          res.pause();
          setTimeout(() => res.resume(), 6000);
        }
      });
      res.on('end', () => (res.complete ? resolve({ status: res.statusCode, bytes, newlines, chunked:
        res.headers['transfer-encoding'] }) : reject(new Error(`the answer was cut after ${bytes} bytes:\n${server.tail(20)}`))));
      res.on('aborted', () => reject(new Error(`the answer was cut after ${bytes} bytes:\n${server.tail(20)}`)));
      res.on('error', reject);
    }).on('error', reject);
  });
  const took = Date.now() - started;
  downloading = false;
  await pinger;
  clearInterval(sampler);
  pings.sort((x, y) => x - y);
  const p = (q) => pings[Math.min(pings.length - 1, Math.floor(q * pings.length))].toFixed(1);
  console.log(`report: ${newlines - 1} lines, ${(bytes / 1048576).toFixed(1)} MiB in ${took} ms; server RSS ` +
    `${(before / 1024).toFixed(1)} MiB before, peak +${((peak - before) / 1024).toFixed(1)} MiB; ` +
    `${pings.length} pings meanwhile: median ${p(0.5)} ms, p99 ${p(0.99)} ms, max ${pings.at(-1).toFixed(1)} ms`);
  assert.equal(status, 200);
  assert.equal(chunked, 'chunked', 'chunked, so that a cut answer cannot pass for a whole one');
  assert.equal(newlines - 1, BIG_ORDERS * 4, `every line, once:\n${server.tail(10)}`);
  // (AddressSanitizer keeps freed memory in quarantine: RSS says nothing there.)
  if (!SANITIZED) assert.ok((peak - before) * 1024 < bytes / 4, `memory stayed flat: +${peak - before} KiB for a ${bytes}-byte file`);
  await ws.close();
});

/** A PNG's size and pixels (8-bit RGB or RGBA, as libgd writes truecolor images). */
function decodePng(buf) {
  assert.equal(buf.subarray(0, 8).toString('hex'), '89504e470d0a1a0a', 'a PNG signature');
  let width = 0;
  let height = 0;
  let type = 0;
  const idat = [];
  for (let off = 8; off < buf.length;) {
    const len = buf.readUInt32BE(off);
    const kind = buf.subarray(off + 4, off + 8).toString('ascii');
    const data = buf.subarray(off + 8, off + 8 + len);
    if (kind === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      assert.equal(data[8], 8, '8 bits per channel');
      type = data[9];
    } else if (kind === 'IDAT') idat.push(data);
    off += 12 + len;
  }
  const bpp = { 2: 3, 6: 4 }[type];
  assert.ok(bpp, `colour type ${type}`);
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * bpp;
  const out = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? out[y * stride + x - bpp] : 0;
      const b = y ? out[(y - 1) * stride + x] : 0;
      const c = x >= bpp && y ? out[(y - 1) * stride + x - bpp] : 0;
      const pa = Math.abs(b - c);
      const pb = Math.abs(a - c);
      const pc = Math.abs(a + b - 2 * c);
      const pred = [0, a, b, (a + b) >> 1, pa <= pb && pa <= pc ? a : pb <= pc ? b : c][filter];
      out[y * stride + x] = (line[x] + pred) & 255;
    }
  }
  return { width, height, bpp, pixels: out };
}

function getBinary(target, headers) {
  return new Promise((resolve, reject) => {
    http.get(target, { headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

test('charts: PNGs of exactly the size asked, drawn, Chinese names as glyphs; managers and admins only', { timeout: 120_000 }, async () => {
  const chart = (metric, w, h, cookie = server.cookie) => getBinary(
    `${server.url}/api/fairs/${fx.fair}/chart.png?metric=${metric}${w ? `&width=${w}&height=${h}` : ''}`, { cookie });
  fs.mkdirSync(ARTIFACT_DIR, { recursive: true });
  for (const [metric, w, h] of [['units_by_product', 640, 400], ['amount_per_minute', 500, 260],
    ['by_region', 300, 200], ['sell_through', 0, 0]]) {
    const res = await chart(metric, w, h);
    assert.equal(res.status, 200, `${metric}: ${res.body.toString().slice(0, 200)}`);
    assert.equal(res.headers['content-type'], 'image/png');
    const png = decodePng(res.body);
    assert.deepEqual([png.width, png.height], w ? [w, h] : [800, 480], metric);
    const colours = new Set();
    let inked = 0;
    for (let i = 0; i < png.pixels.length; i += png.bpp) {
      const rgb = png.pixels.readUIntBE(i, 3);
      colours.add(rgb);
      if (rgb !== 0xffffff) inked++;
    }
    assert.ok(inked > png.width * png.height / 100, `${metric}: not blank (${inked} pixels drawn)`);
    assert.ok(colours.size > 8, `${metric}: text and bars, antialiased (${colours.size} colours)`);
    fs.writeFileSync(path.join(ARTIFACT_DIR, `chart-${metric}.png`), res.body);
  }
  // The same chart with other Chinese product names differs: glyphs, not one missing-glyph box.
  const before = decodePng((await chart('units_by_product', 640, 400)).body).pixels;
  await sql(db.url, `UPDATE products SET name = '針織開衫' WHERE id = ${fx.products[0].id}`);
  const after = decodePng((await chart('units_by_product', 640, 400)).body).pixels;
  let differ = 0;
  for (let i = 0; i < before.length; i++) if (before[i] !== after[i]) differ++;
  assert.ok(differ > 100, `another name draws other pixels (${differ} differ)`);
  await sql(db.url, `UPDATE products SET name = '測試外套1' WHERE id = ${fx.products[0].id}`);
  // The title in the reader's language (lang=, as the pages pass it): English draws other pixels
  const inLang = async (lang) => decodePng((await getBinary(`${server.url}/api/fairs/${fx.fair}/chart.png?metric=by_region&width=640&height=400${lang ? `&lang=${lang}` : ''}`,
    { cookie: server.cookie })).body).pixels;
  const [zh, zhAgain, en] = [await inLang(''), await inLang('zh-Hans'), await inLang('en')];
  assert.ok(zh.equals(zhAgain), 'Simplified Chinese by default');
  let differEn = 0;
  for (let i = 0; i < zh.length; i++) if (zh[i] !== en[i]) differEn++;
  assert.ok(differEn > 100, `the English title draws other pixels (${differEn} differ)`);

  assert.equal((await chart('units_by_product', 640, 400, dealers[0].cookie)).status, 403);
  assert.equal((await chart('nothing', 640, 400)).status, 400);
  assert.equal((await chart('by_region', 100000, 400)).status, 400);
  assert.equal((await getBinary(`${server.url}/api/fairs/987654/chart.png?metric=by_region`, { cookie: server.cookie })).status, 404);
});

test('a dealer\'s share card: its own orders as a picture to forward; the staff name the dealer', async () => {
  const share = (cookie, query = '') => getBinary(`${server.url}/api/fairs/${fx.fair}/share.png${query}`, { cookie });
  const own = await share(dealers[1].cookie);
  assert.equal(own.status, 200, own.body.toString().slice(0, 200));
  const png = decodePng(own.body);
  assert.deepEqual([png.width, png.height], [600, 800]);
  fs.mkdirSync(ARTIFACT_DIR, { recursive: true });
  fs.writeFileSync(path.join(ARTIFACT_DIR, 'share-card.png'), own.body);
  // Simplified by default, Traditional and English as the pages ask (lang=): other words drawn
  const hans = await share(dealers[1].cookie, '?lang=zh-Hans');
  const hant = await share(dealers[1].cookie, '?lang=zh-Hant');
  const en = await share(dealers[1].cookie, '?lang=en');
  assert.deepEqual([hant.status, en.status], [200, 200]);
  assert.ok(hans.body.equals(own.body), 'zh-Hans is the default');
  assert.ok(!hant.body.equals(own.body) && !en.body.equals(own.body) && !en.body.equals(hant.body), 'three languages');
  fs.writeFileSync(path.join(ARTIFACT_DIR, 'share-card-hant.png'), hant.body);
  fs.writeFileSync(path.join(ARTIFACT_DIR, 'share-card-en.png'), en.body);
  // a fair with an English name is named by it on the English card only
  await sql(db.url, `UPDATE fairs SET name_en = 'Report fair' WHERE id = ${fx.fair}`);
  const named = await share(dealers[1].cookie, '?lang=en');
  assert.equal(named.status, 200);
  assert.ok(!named.body.equals(en.body), 'the English card draws the English name');
  assert.ok((await share(dealers[1].cookie, '?lang=zh-Hans')).body.equals(own.body), 'the Chinese card keeps the Chinese name');
  fs.writeFileSync(path.join(ARTIFACT_DIR, 'share-card-en-named.png'), named.body);
  await sql(db.url, `UPDATE fairs SET name_en = '' WHERE id = ${fx.fair}`);
  assert.equal((await share(dealers[1].cookie, `?dealer=${dealers[2].dealerId}`)).status, 403);
  assert.equal((await share(server.cookie)).status, 400, 'the staff say which dealer');
  const staff = await share(server.cookie, `?dealer=${dealers[2].dealerId}&width=300&height=400`);
  assert.equal(staff.status, 200);
  assert.deepEqual([decodePng(staff.body).width, decodePng(staff.body).height], [300, 400]);
  assert.equal((await share(server.cookie, '?dealer=987654')).status, 404);
  assert.equal((await share(null)).status, 401);

  // A rep limited to regions sees its regions' dealers only; others are as if unknown.
  const [[region]] = await sql(db.url, `SELECT region FROM dealers WHERE id = ${dealers[2].dealerId}`);
  const near = await createUser(db.url, { login: `near${process.pid}`, role: 'rep' });
  const far = await createUser(db.url, { login: `far${process.pid}`, role: 'rep' });
  await sql(db.url, `UPDATE users SET regions = ARRAY['${region}'] WHERE id = ${near.id};
    UPDATE users SET regions = ARRAY['不存在區'] WHERE id = ${far.id}`);
  const nearCookie = (await login(server, near.login, near.password)).cookie;
  const farCookie = (await login(server, far.login, far.password)).cookie;
  assert.equal((await share(nearCookie, `?dealer=${dealers[2].dealerId}`)).status, 200);
  const hidden = await share(farCookie, `?dealer=${dealers[2].dealerId}`);
  assert.equal(hidden.status, 404, 'another region\'s dealer is not shown');
  assert.equal(hidden.body.toString(), (await share(farCookie, '?dealer=987654')).body.toString(),
    'the same answer as for an unknown dealer');
});

// ---- heavy renders and logins (issue 27, item 6) ----

/** GET with the time it took; a connection that ends without an answer is status 0. */
function timedGet(target, cookie, timeoutMs = 120_000) {
  const started = Date.now();
  return new Promise((resolve) => {
    const req = http.get(target, { headers: cookie ? { cookie } : {}, agent: false, timeout: timeoutMs }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks), ms: Date.now() - started }));
      res.on('error', (e) => resolve({ status: 0, error: e.message, ms: Date.now() - started }));
    });
    req.on('timeout', () => req.destroy(new Error('no answer')));
    req.on('error', (e) => resolve({ status: 0, error: e.message, ms: Date.now() - started }));
  });
}

const timedLogin = async (u) => {
  const started = Date.now();
  const r = await login(server, u.login, u.password, { timeoutMs: 60_000 });
  assert.equal(r.status, 200, r.body);
  return Date.now() - started;
};

/** How many renders got each answer ("empty after 5.0 s" for none). */
function summarize(results) {
  const count = {};
  for (const r of results) {
    const key = r.status || `empty after ${(r.ms / 1000).toFixed(1)} s (${r.error})`;
    count[key] = (count[key] ?? 0) + 1;
  }
  return count;
}

/** Checks every render got a PNG or a clear refusal with Retry-After. */
function checkRenders(results, what) {
  const count = summarize(results);
  for (const [i, r] of results.entries()) {
    assert.notEqual(r.status, 0, `${what}: render ${i} got no answer (${r.error}) after ${r.ms} ms; all: ${JSON.stringify(count)}`);
    if (r.status === 200) {
      assert.equal(r.headers['content-type'], 'image/png');
      const png = decodePng(r.body);
      assert.deepEqual([png.width, png.height], [2400, 2400]);
    } else {
      assert.ok([429, 503].includes(r.status), `${what}: render ${i}: ${r.status} ${r.body}`);
      assert.ok(Number(r.headers['retry-after']) >= 1, `${what}: render ${i}: ${r.status} without Retry-After`);
      const { error } = JSON.parse(r.body.toString());
      assert.equal(error.code, r.status === 429 ? 'rate_limited' : 'unavailable');
    }
  }
}

test('30 share cards at 2400 × 2400 at once: another user logs in quickly and every render is answered', { timeout: 300_000 }, async () => {
  const other = await createUser(db.url, { login: `quick${process.pid}`, role: 'dealer', password: 'quick password 20' });
  const alone = await timedLogin(other);
  const card = `${server.url}/api/fairs/${fx.fair}/share.png?width=2400&height=2400`;

  // one dealer, 30 at once
  const one = Array.from({ length: 30 }, () => timedGet(card, dealers[0].cookie));
  await new Promise((resolve) => setTimeout(resolve, 300)); // let them queue
  const during = await timedLogin(other);
  const results = await Promise.all(one);
  const slowest = Math.max(...results.map((r) => r.ms));
  console.log(`# one dealer, 30 share.png 2400x2400 at once: ${JSON.stringify(summarize(results))}, slowest answer ` +
    `${slowest} ms; another user's login ${alone} ms alone, ${during} ms meanwhile`);
  checkRenders(results, 'one dealer');
  assert.ok(results.some((r) => r.status === 200), 'some of them are drawn');

  // 30 at once from many dealers (each within its own limit): the pool is full of renders
  const many = await mintDealers(db.url, 10, { prefix: `sh${process.pid}x` });
  const all = Array.from({ length: 30 }, (_, i) => timedGet(card, many[i % many.length].cookie));
  await new Promise((resolve) => setTimeout(resolve, 300));
  const duringMany = await timedLogin(other);
  const resultsMany = await Promise.all(all);
  console.log(`# ten dealers, 30 share.png 2400x2400 at once: ${JSON.stringify(summarize(resultsMany))}, slowest answer ` +
    `${Math.max(...resultsMany.map((r) => r.ms))} ms; another user's login ${duringMany} ms meanwhile`);
  checkRenders(resultsMany, 'ten dealers');
  // the figure is < 1 s; the bound is generous for a busy machine (before: 4-5.5 s)
  const bound = SANITIZED ? 4000 : 2000;
  assert.ok(during < bound, `a login took ${during} ms behind one dealer's renders`);
  assert.ok(duringMany < bound, `a login took ${duringMany} ms behind ten dealers' renders`);
});

test('on a single worker thread: a login goes before 30 queued share cards, and those queued past 5 s are answered', { timeout: 300_000 }, async () => {
  const one = await startServer({ databaseUrl: db.url, env: { FAIR_WORKERS: '1' }, user: false });
  try {
    const other = await createUser(db.url, { login: `single${process.pid}`, role: 'dealer', password: 'single password 20' });
    const loginOn = async () => {
      const started = Date.now();
      const r = await login(one, other.login, other.password, { timeoutMs: 60_000 });
      assert.equal(r.status, 200, r.body);
      return Date.now() - started;
    };
    const alone = await loginOn();
    const many = await mintDealers(db.url, 10, { prefix: `s1${process.pid}x` });
    const card = `${one.url}/api/fairs/${fx.fair}/share.png?width=2400&height=2400`;
    const started = Date.now();
    const all = Array.from({ length: 30 }, (_, i) => timedGet(card, many[i % many.length].cookie));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const during = await loginOn();
    const results = await Promise.all(all);
    const late = results.filter((r) => r.ms > 5000);
    console.log(`# one worker thread, ten dealers, 30 share.png 2400x2400 at once: ${JSON.stringify(summarize(results))} ` +
      `in ${Date.now() - started} ms, ${late.length} answered after more than 5 s; a login ${alone} ms alone, ${during} ms meanwhile`);
    checkRenders(results, 'one worker thread');
    assert.ok(during < (SANITIZED ? 4000 : 2000), `a login took ${during} ms behind the renders on one thread`);
  } finally {
    await one.stop();
  }
});
