// fairctl, the admin command: the demo, the fair import (with its image checks and the
// converter in a child process), users, dealers and minted sessions. fairctl is built beside
// the server (FAIR_SERVER_BIN's folder). Every run gets a temporary media root
// (FAIR_MEDIA_ROOT), so the tests never write into the repository's media/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { createDatabase, sql, startServer, connect, login, httpGet, SOURCE_DIR } from './harness.mjs';

const FAIRCTL = path.join(path.dirname(process.env.FAIR_SERVER_BIN ?? '.'), 'fairctl');
const GOOD_FAIR = path.join(SOURCE_DIR, 'tests/fixtures/import-good');
const PSQL = process.env.FAIR_PSQL ||
  (fs.existsSync('/usr/lib/postgresql/15/bin/psql') ? '/usr/lib/postgresql/15/bin/psql' : 'psql');
const SANITIZER_REPORT = /AddressSanitizer|LeakSanitizer|runtime error:/;
const COOKIE = /^v1\.[A-Za-z0-9_-]{43}\.\d+\.[A-Za-z0-9_-]{22}$/;

const temps = [];
const databases = [];

function tempDir(stem) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `fair-${stem}-`));
  temps.push(dir);
  return dir;
}

async function database() {
  const db = await createDatabase();
  databases.push(db);
  return db;
}

after(async () => {
  for (const dir of temps) fs.rmSync(dir, { recursive: true, force: true });
  for (const db of databases) await db.drop();
});

/**
 * Runs fairctl with FAIR_DATABASE_URL and FAIR_MEDIA_ROOT set; resolves with
 * {code, stdout, stderr, ms} whatever the exit code, and fails on a sanitizer report.
 */
function fairctl(args, { db, media, timeoutMs = 300_000 } = {}) {
  const env = { ...process.env };
  if (db) env.FAIR_DATABASE_URL = db.url;
  if (media) env.FAIR_MEDIA_ROOT = media;
  const started = Date.now();
  return new Promise((resolve, reject) => {
    execFile(FAIRCTL, args, { env, timeout: timeoutMs, maxBuffer: 64 << 20, encoding: 'utf8' },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : `${err.signal ?? err.code}`) : 0;
        // Rejected, not thrown: a throw in this callback would escape the test and hang it.
        if (SANITIZER_REPORT.test(stderr)) {
          reject(new Error(`fairctl ${args.join(' ')}: sanitizer report:\n${stderr}`));
        } else {
          resolve({ code, stdout, stderr, ms: Date.now() - started });
        }
      });
  });
}

async function ok(args, opts) {
  const r = await fairctl(args, opts);
  assert.equal(r.code, 0, `fairctl ${args.join(' ')} exited ${r.code}:\n${r.stderr}`);
  return r;
}

const one = async (db, query) => (await sql(db.url, query))[0]?.[0];
const count = async (db, table, where = 'true') => Number(await one(db, `SELECT count(*) FROM ${table} WHERE ${where}`));

/** Row counts and highest ids of every table fairctl writes, to prove "nothing changed". */
async function snapshot(db) {
  const tables = ['fairs', 'products', 'variants', 'fair_items', 'fair_item_prices', 'stock', 'dealers',
    'dealer_addresses', 'users', 'sessions', 'region_warehouses', 'targets', 'audit_log', 'term_names'];
  const parts = tables.map((t) => `(SELECT count(*) FROM ${t})`);
  return (await sql(db.url, `SELECT ${parts.join(', ')}`))[0].join(',');
}

/** Every file under dir, relative, sorted. */
function files(dir) {
  const out = [];
  const walk = (d) => {
    if (!fs.existsSync(d)) return;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(path.relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

/** Width and height from a JPEG's SOFn marker; throws when the file is not a whole JPEG. */
function jpegSize(file) {
  const b = fs.readFileSync(file);
  assert.ok(b.length > 4 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff, `${file}: no JPEG signature`);
  assert.ok(b[b.length - 2] === 0xff && b[b.length - 1] === 0xd9, `${file}: no end-of-image marker`);
  for (let i = 2; i + 9 < b.length;) {
    assert.equal(b[i], 0xff, `${file}: no marker at ${i}`);
    const m = b[i + 1];
    const len = b.readUInt16BE(i + 2);
    if (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc) {
      return { height: b.readUInt16BE(i + 5), width: b.readUInt16BE(i + 7) };
    }
    i += 2 + len;
  }
  throw new Error(`${file}: no frame header`);
}

const SIZES = { thumb: [160, 200], card: [480, 600], full: [1200, 1500] };

/** The three stored files of an image key exist and are JPEGs of the right sizes. */
function assertStored(media, key) {
  for (const [name, [w, h]] of Object.entries(SIZES)) {
    const file = path.join(media, `${key}-${name}.jpg`);
    assert.ok(fs.existsSync(file), `${file} is missing`);
    assert.deepEqual(jpegSize(file), { width: w, height: h }, `${file}: size`);
  }
}

/** The stored form "pbkdf2-sha256$<iterations>$<salt>$<hash>" matches password. */
function hashMatches(stored, password) {
  const [scheme, iterations, salt, hash] = stored.split('$');
  assert.equal(scheme, 'pbkdf2-sha256');
  assert.ok(Number(iterations) >= 600_000, `iterations ${iterations}`);
  const got = crypto.pbkdf2Sync(password, Buffer.from(salt, 'base64'), Number(iterations), 32, 'sha256');
  return got.equals(Buffer.from(hash, 'base64'));
}

/** Checks a minted cookie against the key in server_secrets and returns SHA-256(id) in hex. */
function cookieHash(cookie, key) {
  assert.match(cookie, COOKIE);
  const [, id, expires, mac] = cookie.split('.');
  const want = crypto.createHmac('sha256', key).update(`v1.${id}.${expires}`).digest().subarray(0, 16);
  assert.ok(Buffer.from(mac, 'base64url').equals(want), 'the cookie MAC is valid under the shared key');
  return crypto.createHash('sha256').update(Buffer.from(id, 'base64url')).digest('hex');
}

const sessionKey = async (db) =>
  Buffer.from(await one(db, "SELECT encode(secret, 'hex') FROM server_secrets WHERE name = 'session_cookie'"), 'hex');

// ---------------------------------------------------------------------------------------------

test('fairctl --help documents every command; bad command lines exit 2', async () => {
  const help = await ok(['--help']);
  for (const cmd of ['user create', 'user reset-password', 'user disable', 'user enable', 'dealer create',
    'mint-sessions', 'import', 'demo', 'media-convert', '--database', '--media-root']) {
    assert.ok(help.stdout.includes(cmd), `--help mentions ${cmd}`);
  }
  assert.match((await ok(['user', 'create', '--help'])).stdout, /--temporary/);
  assert.equal((await fairctl([])).code, 2);
  assert.equal((await fairctl(['frobnicate'])).code, 2);
  assert.equal((await fairctl(['user', 'frobnicate'])).code, 2);
  assert.equal((await fairctl(['import'])).code, 2);
});

let demoDb;
let demoMedia;

test('demo loads into an empty database in seconds, with pictures, and --if-empty leaves it be', { timeout: 600_000 }, async () => {
  demoDb = await database();
  demoMedia = tempDir('demo-media');
  const r = await ok(['demo', '--if-empty'], { db: demoDb, media: demoMedia });
  console.log(`fairctl demo: ${r.stdout.trim()} (the command took ${(r.ms / 1000).toFixed(1)} s in all)`);
  assert.match(r.stdout, /^demo loaded in [\d.]+ s/);

  // The catalogue.
  assert.ok(await count(demoDb, 'products') >= 40);
  assert.ok(Number(await one(demoDb, 'SELECT count(DISTINCT category) FROM products')) >= 5);
  for (const word of ['外套', '裤', '连衣裙', 'T恤', '衬衫', '针织', '围巾']) {
    assert.ok(await count(demoDb, 'products', `name LIKE '%${word}%'`) > 0, `a product name contains ${word}`);
  }
  assert.equal(await count(demoDb, 'products', "name_en = '' OR description = '' OR description_en = ''"), 0);
  assert.ok(await count(demoDb, 'variants', "color IN ('黑色', '白色', '藏青')") > 50);
  assert.ok(await count(demoDb, 'products', 'base_price <= 0') === 0);

  // The glossary: the English name of every colour of the demo's variants and every category of
  // its products (demo_data.c's), none of them its fall-back, and nothing else.
  assert.equal(await count(demoDb, '(SELECT DISTINCT color FROM variants) c', `NOT EXISTS (SELECT 1 FROM term_names t
    WHERE t.kind = 'color' AND t.name = c.color)`), 0, 'every colour has an English name');
  assert.equal(await count(demoDb, '(SELECT DISTINCT category FROM products) c', `NOT EXISTS (SELECT 1 FROM term_names t
    WHERE t.kind = 'category' AND t.name = c.category)`), 0, 'every category has an English name');
  assert.equal(await one(demoDb, `SELECT ((SELECT count(*) FROM term_names) = (SELECT count(DISTINCT color) FROM variants)
    + (SELECT count(DISTINCT category) FROM products))::text`), 'true', 'the glossary has only the demo\'s names');
  assert.equal(await count(demoDb, 'term_names', "name_en IN ('Colour', 'Collection') OR name_en <> btrim(name_en)"), 0);
  assert.deepEqual(await sql(demoDb.url, `SELECT name, name_en FROM term_names
    WHERE (kind, name) IN (('color', '黑色'), ('color', '藏青'), ('category', '外套'), ('category', 'T恤')) ORDER BY kind, name COLLATE "C"`),
  [['T恤', 'T-shirts'], ['外套', 'Outerwear'], ['藏青', 'Navy'], ['黑色', 'Black']]);

  // The fairs, by PostgreSQL's clock.
  const fairs = await sql(demoDb.url, 'SELECT fair_status(f), season FROM fairs f ORDER BY starts_at');
  assert.deepEqual(fairs.map(([s]) => s), ['live', 'scheduled']);
  assert.equal(await one(demoDb, "SELECT (ends_at - now() > interval '2 days 23 hours')::text FROM fairs ORDER BY starts_at LIMIT 1"), 'true');
  assert.equal(await one(demoDb, "SELECT (starts_at - now() > interval '29 days')::text FROM fairs ORDER BY starts_at DESC LIMIT 1"), 'true');
  const live = await one(demoDb, 'SELECT id FROM fairs ORDER BY starts_at LIMIT 1');
  assert.ok(await count(demoDb, 'fair_items', `fair_id = ${live}`) >= 40);
  assert.ok(await count(demoDb, 'fair_items', `fair_id = ${live} AND pack IS NOT NULL`) >= 2, 'some sold in packs');
  assert.ok(await count(demoDb, 'fair_items', `fair_id = ${live} AND must_order`) >= 2, 'some must-order');
  assert.ok(Number(await one(demoDb, `SELECT count(DISTINCT product_id) FROM stock WHERE fair_id = ${live}
    AND allocation BETWEEN 5 AND 20`)) >= 3, 'a few products with small allocations');
  assert.ok(await count(demoDb, 'stock', `fair_id = ${live} AND allocation >= 1000`) > 300, 'the rest generous');
  assert.deepEqual((await sql(demoDb.url, `SELECT DISTINCT tier FROM fair_item_prices ORDER BY 1`)).flat(), ['A', 'B', 'C']);
  assert.ok(await count(demoDb, 'fair_items', 'fair_id <> ' + live) > 5, 'the scheduled fair has items');

  // Dealers: 500, every tier in any 10 consecutive, 6+ regions, each with a default address.
  const dealers = await sql(demoDb.url, 'SELECT code, tier, region, credit_limit FROM dealers ORDER BY code');
  assert.equal(dealers.length, 500);
  assert.equal(dealers[0][0], 'D001');
  assert.equal(dealers[499][0], 'D500');
  for (let i = 0; i + 10 <= dealers.length; i++) {
    assert.equal(new Set(dealers.slice(i, i + 10).map((d) => d[1])).size, 3, `every tier in dealers ${i + 1}-${i + 10}`);
  }
  assert.ok(new Set(dealers.map((d) => d[2])).size >= 6);
  assert.ok(dealers.slice(0, 300).every((d) => d[3] === '1000000000'), 'dealers 1-300 have ¥10,000,000');
  assert.ok(dealers.slice(300).every((d) => Number(d[3]) < 1000000000 && Number(d[3]) > 0));
  assert.equal(await count(demoDb, 'dealer_addresses', 'is_default'), 500);
  assert.ok(await count(demoDb, 'dealers', 'key_dealer') > 5);
  assert.equal(Number(await one(demoDb, `SELECT count(*) FROM (SELECT DISTINCT region FROM dealers) r
    WHERE region NOT IN (SELECT region FROM region_warehouses)`)), 0, 'every region has a warehouse');
  assert.ok(await count(demoDb, 'targets', `fair_id = ${live} AND dealer_id IS NOT NULL`) >= 50);
  assert.ok(await count(demoDb, 'targets', `fair_id = ${live} AND region IS NOT NULL`) >= 6);

  // A history of orders at the live fair, placed by the order batch and spread over its first
  // hour: stock, totals and credit agree with the orders, nothing oversold.
  const [[orders, spanMin, keyed]] = await sql(demoDb.url, `SELECT count(*),
    extract(epoch FROM max(created_at) - min(created_at)) / 60, count(*) FILTER (WHERE key LIKE 'demo-%')
    FROM orders WHERE fair_id = ${live}`);
  assert.ok(Number(orders) >= 600 && Number(orders) <= 700, `${orders} demo orders`);
  assert.equal(keyed, orders);
  assert.ok(Number(spanMin) > 50 && Number(spanMin) < 60, `spread over ${spanMin} minutes`);
  assert.equal(await one(demoDb, `SELECT bool_and(o.created_at > f.starts_at AND o.created_at < now())::text
    FROM orders o JOIN fairs f ON f.id = o.fair_id`), 'true', 'placed while the fair was live');
  assert.equal(await count(demoDb, 'stock', 'sold > allocation'), 0);
  assert.equal(await one(demoDb, `SELECT ((SELECT sum(sold) FROM stock WHERE fair_id = ${live})
    = (SELECT sum(l.qty) FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.fair_id = ${live}))::text`), 'true',
  'stock sold equals the units ordered');
  assert.equal(await one(demoDb, `SELECT ((SELECT sum(amount) FROM fair_minute_totals WHERE fair_id = ${live})
    = (SELECT sum(total) FROM orders WHERE fair_id = ${live}))::text`), 'true', 'the per-minute totals add up');
  assert.deepEqual(await sql(demoDb.url, 'SELECT * FROM dealer_credit_drift'), [], 'credit kept equals the orders');
  const [[top]] = await sql(demoDb.url, `SELECT p.style FROM fair_product_totals t JOIN products p ON p.id = t.product_id
    WHERE t.fair_id = ${live} ORDER BY t.units DESC LIMIT 1`);
  assert.equal(top, 'QH27S-1001', 'the hero style sells the most');

  // Users: 508, one shared hash of "demo", nobody asked to change it, reps not limited.
  const logins = (await sql(demoDb.url, 'SELECT login FROM users ORDER BY login')).flat();
  const want = [...Array.from({ length: 500 }, (_, i) => `dealer${String(i + 1).padStart(3, '0')}`),
    'rep1', 'rep2', 'rep3', 'rep4', 'rep5', 'manager1', 'manager2', 'admin'].sort();
  assert.deepEqual(logins, want);
  assert.equal(await count(demoDb, 'users', 'must_change_password OR disabled'), 0);
  assert.equal(await count(demoDb, 'users', "role = 'rep' AND regions = '{}'"), 5);
  assert.equal(await count(demoDb, 'users u JOIN dealers d ON d.id = u.dealer_id',
    "u.login = 'dealer' || substr(d.code, 2)"), 500, 'dealerNNN belongs to DNNN');
  const hashes = (await sql(demoDb.url, 'SELECT DISTINCT password_hash FROM users')).flat();
  assert.equal(hashes.length, 1, 'the demo users share one hash');
  assert.ok(hashMatches(hashes[0], 'demo'), 'the shared hash is of "demo"');

  // Pictures: every product and every colour, three sizes, distinct.
  assert.equal(await count(demoDb, 'products', 'image IS NULL'), 0);
  assert.equal(await count(demoDb, 'variants', 'image IS NULL'), 0);
  assert.equal(Number(await one(demoDb, 'SELECT count(DISTINCT image) FROM variants')),
    Number(await one(demoDb, 'SELECT count(*) FROM (SELECT DISTINCT product_id, color FROM variants) pc')),
    'one picture per product and colour');
  const keys = (await sql(demoDb.url, 'SELECT image FROM products UNION SELECT image FROM variants')).flat();
  for (const key of keys) assertStored(demoMedia, key);
  const digests = new Set(keys.map((k) =>
    crypto.createHash('sha256').update(fs.readFileSync(path.join(demoMedia, `${k}-card.jpg`))).digest('hex')));
  assert.equal(digests.size, keys.length, 'no two pictures are the same');
  console.log(`${keys.length} pictures, ${files(demoMedia).length} files under the media root`);

  // A second time: nothing changes.
  const before = await snapshot(demoDb);
  const filesBefore = files(demoMedia).length;
  const again = await ok(['demo', '--if-empty'], { db: demoDb, media: demoMedia });
  assert.match(again.stdout, /demo skipped: the database already has data/);
  assert.equal(await snapshot(demoDb), before);
  assert.equal(files(demoMedia).length, filesBefore);
  const refused = await fairctl(['demo'], { db: demoDb, media: demoMedia });
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /already has data/);
  assert.equal(await snapshot(demoDb), before);
});

test('demo logins work, and minted sessions open sockets that see the demo fairs', { timeout: 300_000 }, async () => {
  if (!demoDb) { // run alone: load the demo here
    demoDb = await database();
    demoMedia = tempDir('demo-media');
    await ok(['demo'], { db: demoDb, media: demoMedia });
  }
  const server = await startServer({ databaseUrl: demoDb.url, user: false, env: { FAIR_MEDIA_ROOT: demoMedia } });
  try {
    for (const name of ['dealer001', 'dealer500', 'rep1', 'rep5', 'manager1', 'manager2', 'admin']) {
      const r = await login(server, name, 'demo');
      assert.equal(r.status, 200, `login ${name}: ${r.body}`);
      assert.equal(r.user.must_change_password, false);
      if (name.startsWith('dealer')) assert.ok(r.user.dealer?.tier, `${name} has a dealer with a tier`);
    }
    // Every other demo login works too: all 508 share the hash "demo" just verified, enabled
    // and not asked to change it (508 real logins would cost a minute of hashing).
    const [[hashes, users]] = await sql(demoDb.url, `SELECT count(DISTINCT password_hash), count(*) FROM users
      WHERE NOT disabled AND NOT must_change_password`);
    assert.equal(hashes, '1');
    assert.equal(users, '508');
    const image = await one(demoDb, "SELECT image FROM products WHERE style = 'QH27S-1001'");
    const pic = await httpGet(`${server.url}/media/${image}-card.jpg`);
    assert.equal(pic.status, 200, 'the server serves the demo pictures from the media root');

    const minted = await ok(['mint-sessions', '--prefix', 'dealer', '--count', '20'], { db: demoDb });
    const lines = minted.stdout.trim().split('\n').map((l) => l.split('\t'));
    assert.equal(lines.length, 20);
    assert.deepEqual(lines.map(([l]) => l), Array.from({ length: 20 }, (_, i) => `dealer${String(i + 1).padStart(3, '0')}`));
    const key = await sessionKey(demoDb);
    for (const [name, cookie] of lines) {
      const hash = cookieHash(cookie, key);
      assert.equal(await one(demoDb, `SELECT u.login FROM sessions s JOIN users u ON u.id = s.user_id
        WHERE s.id_hash = '\\x${hash}'`), name);
    }
    const client = await connect(server, { cookie: `fair_session=${lines[6][1]}` });
    const hello = await client.next('hello', 10_000);
    assert.equal(hello.user.dealer?.name?.length > 0, true);
    assert.deepEqual(hello.fairs.map((f) => f.status).sort(), ['live', 'scheduled']);
    await client.close();
  } finally {
    await server.stop();
  }
});

// ---------------------------------------------------------------------------------------------
// Import

test('a good fair is imported exactly, pictures included, and a re-import reuses its products', { timeout: 120_000 }, async () => {
  const db = await database();
  const media = tempDir('import-media');
  const r = await ok(['import', GOOD_FAIR], { db, media });
  console.log(`fairctl import: ${r.stdout.trim()}`);
  assert.match(r.stdout, /3 products \(3 new\), 16 variants, 3 pictures/);

  assert.deepEqual(await sql(db.url, `SELECT name, name_en, season, currency, timezone,
    extract(epoch FROM starts_at)::bigint, extract(epoch FROM ends_at)::bigint FROM fairs`),
  [['測試品牌 2027 早春網絡訂貨會', 'Test Brand 2027 Pre-Spring Online Trade Fair', '2027PS', 'CNY', 'Asia/Shanghai',
    String(Date.parse('2027-01-10T09:00:00+08:00') / 1000), String(Date.parse('2027-01-12T18:00:00+08:00') / 1000)]]);
  // each picture's key ends in 8 hex digits of its bytes' SHA-256: a new picture, a new key
  const version = (file) => crypto.createHash('sha256').update(fs.readFileSync(path.join(GOOD_FAIR, 'images', file)))
    .digest('hex').slice(0, 8);
  const K1 = `p/test-001/main-${version('TEST-001.png')}`;
  const K2 = `p/test-002/black-${version('TEST-002-黑色.jpg')}`;
  const K3 = `p/test-003/navy-${version('test-003-navy.webp')}`;
  const products = await sql(db.url, `SELECT style, name, name_en, category, replace(description, E'\\n', '/'),
    replace(description_en, E'\\n', '/'), base_price, image FROM products ORDER BY style`);
  assert.deepEqual(products, [
    ['TEST-001', '測試風衣外套', 'Test Trench Coat', '外套', '防潑水面料，附可拆腰帶',
      'Water-repellent, with a detachable belt', '129900', K1],
    ['TEST-002', '測試直筒牛仔褲', 'Test Straight Jeans', '褲', '第一行：彈力牛仔布/第二行，含逗號',
      'Line one, stretch denim/line two', '39900', K2],
    ['TEST-003', '測試圓領T恤', 'Test Tee, "Crew" Neck', 'T恤', '', '', '12900', K3],
  ]);
  const stock = await sql(db.url, `SELECT p.style, v.size, v.color, s.allocation, s.sold, coalesce(v.image, '-')
    FROM stock s JOIN variants v ON v.id = s.variant_id JOIN products p ON p.id = s.product_id
    ORDER BY p.style, v.sort`);
  assert.deepEqual(stock.map((row) => row.join(' ').replace(K1, 'K1').replace(K2, 'K2').replace(K3, 'K3')), [
    'TEST-001 S 駝色 20 0 K1', 'TEST-001 M 駝色 20 0 K1', 'TEST-001 L 駝色 20 0 K1',
    'TEST-001 S 黑色 20 0 K1', 'TEST-001 M 黑色 20 0 K1', 'TEST-001 L 黑色 20 0 K1',
    'TEST-002 28 黑色 5 0 K2', 'TEST-002 30 黑色 10 0 K2', 'TEST-002 32 黑色 0 0 K2',
    'TEST-002 28 淺藍 0 0 -', 'TEST-002 30 淺藍 0 0 -', 'TEST-002 32 淺藍 3 0 -',
    'TEST-003 S 藏青 100 0 K3', 'TEST-003 M 藏青 100 0 K3',
    'TEST-003 L 藏青 100 0 K3', 'TEST-003 XL 藏青 100 0 K3',
  ]);
  assert.equal(await count(db, 'variants'), 16);
  assert.deepEqual(await sql(db.url, `SELECT p.style, i.price, i.moq, coalesce(i.dealer_limit::text, '-'),
    coalesce(i.pack::text, '-'), i.must_order FROM fair_items i JOIN products p ON p.id = i.product_id ORDER BY i.sort`), [
    ['TEST-001', '109900', '1', '-', '-', 'f'],
    ['TEST-002', '39900', '2', '10', '-', 't'],
    ['TEST-003', '9900', '1', '-', '{"L": 2, "M": 2, "S": 1, "XL": 1}', 'f'],
  ]);
  assert.deepEqual(await sql(db.url, `SELECT p.style, t.tier, t.price FROM fair_item_prices t
    JOIN products p ON p.id = t.product_id ORDER BY t.tier`), [['TEST-001', 'A', '99900'], ['TEST-001', 'B', '104900']]);
  for (const key of [K1, K2, K3]) assertStored(media, key);
  assert.deepEqual(files(media).filter((f) => !f.startsWith('p/')), [], 'no staging folder left behind');

  // The English names of category_en and colors_en, in the glossary (rows without leave theirs
  // unnamed: 淺藍, 藏青, T恤), with one audit entry of the command line (no actor).
  assert.deepEqual(await sql(db.url, 'SELECT kind, name, name_en FROM term_names ORDER BY kind, name COLLATE "C"'), [
    ['category', '外套', 'Outerwear'], ['category', '褲', 'Trousers'], ['color', '駝色', 'Camel'], ['color', '黑色', 'Black'],
  ]);
  assert.equal(await count(db, 'audit_log', "action = 'terms.set' AND actor IS NULL"), 1);

  // The same folder again is refused: it would be a second fair of the same name and season.
  const twice = await fairctl(['import', GOOD_FAIR], { db, media });
  assert.equal(twice.code, 1, twice.stderr);
  assert.match(twice.stderr, /fair \d+ ".*" \(season .*\) exists already: to import another fair, give it another name or season in fair\.json/);
  assert.equal(await count(db, 'fairs'), 1, 'nothing was imported');

  // Another season: a second fair with the same products, updated in place.
  // Its CSV calls 黑色 otherwise: the newest word is the glossary's.
  const next = fairDir(fs.readFileSync(path.join(GOOD_FAIR, 'products.csv'), 'utf8').replace('Camel|Black', 'Camel|Jet Black'));
  const spec = JSON.parse(fs.readFileSync(path.join(next, 'fair.json'), 'utf8'));
  fs.writeFileSync(path.join(next, 'fair.json'), JSON.stringify({ ...spec, season: `${spec.season}-B` }));
  fs.cpSync(path.join(GOOD_FAIR, 'images'), path.join(next, 'images'), { recursive: true });
  // the third style's picture is new this season; the others are the same pictures
  fs.copyFileSync(path.join(GOOD_FAIR, 'images', 'TEST-001.png'), path.join(next, 'images', 'test-003-navy.webp'));
  fs.renameSync(path.join(next, 'images', 'test-003-navy.webp'), path.join(next, 'images', 'test-003-navy.png'));
  const again = await ok(['import', next], { db, media });
  assert.match(again.stdout, /3 products \(0 new\)/);
  const K3next = `p/test-003/navy-${version('TEST-001.png')}`;
  assert.deepEqual(await sql(db.url, 'SELECT image FROM products ORDER BY style'), [[K1], [K2], [K3next]],
    'the same pictures keep their keys; a new one gets a new key, so no browser shows the old one');
  for (const key of [K1, K2, K3, K3next]) assertStored(media, key);
  assert.equal(await count(db, 'fairs'), 2);
  assert.equal(await count(db, 'products'), 3);
  assert.equal(await count(db, 'variants'), 16);
  assert.equal(await count(db, 'fair_items'), 6);
  assert.equal(await count(db, 'stock'), 32);
  assert.deepEqual(await sql(db.url, `SELECT name, name_en FROM term_names WHERE kind = 'color' ORDER BY name COLLATE "C"`),
    [['駝色', 'Camel'], ['黑色', 'Jet Black']]);
  const audited = await sql(db.url, `SELECT coalesce(actor::text, '-'), new::text FROM audit_log
    WHERE action = 'terms.set' ORDER BY id`);
  assert.deepEqual(audited.map(([actor, change]) => [actor, JSON.parse(change)]), [
    ['-', { colors: { 駝色: [null, 'Camel'], 黑色: [null, 'Black'] }, categories: { 外套: [null, 'Outerwear'], 褲: [null, 'Trousers'] } }],
    ['-', { colors: { 黑色: ['Black', 'Jet Black'] }, categories: {} }],
  ], 'one audit entry an import, of what changed');
});

/** A fair folder in a temp dir: the good fair.json, the given CSV text and pictures. */
function fairDir(csv, images = {}) {
  const dir = tempDir('fair');
  fs.copyFileSync(path.join(GOOD_FAIR, 'fair.json'), path.join(dir, 'fair.json'));
  fs.writeFileSync(path.join(dir, 'products.csv'), csv ?? fs.readFileSync(path.join(GOOD_FAIR, 'products.csv')));
  fs.mkdirSync(path.join(dir, 'images'));
  for (const [name, bytes] of Object.entries(images)) fs.writeFileSync(path.join(dir, 'images', name), bytes);
  return dir;
}

test('a CSV with two bad rows is refused whole, naming both lines, and nothing is imported', { timeout: 60_000 }, async () => {
  const db = await database();
  const media = tempDir('bad-media');
  await ok(['import', GOOD_FAIR], { db, media });
  const before = await snapshot(db);
  const filesBefore = files(media);
  const csv = [
    'style,name,category,description,base_price,sizes,colors,allocation',
    'GOOD-1,好的外套,外套,"兩行的描述，',
    '第二行",129900,S|M,黑色,10',
    'BAD-1,壞的價格,褲,,12.50,S|M,黑色,10',
    'GOOD-2,好的褲,褲,,39900,28|30,藏青,5',
    'BAD-2,沒有顏色,T恤,,9900,S|M,,10',
    'GOOD-3,好的T恤,T恤,,9900,S|M,白色,1',
  ].join('\n') + '\n';
  const r = await fairctl(['import', fairDir(csv)], { db, media });
  assert.equal(r.code, 1);
  console.log(`refused:\n${r.stderr.trim()}`);
  assert.match(r.stderr, /^products\.csv:4: base_price: "12\.50" is not an amount in minor units/m);
  assert.match(r.stderr, /^products\.csv:6: colors: required$/m);
  assert.match(r.stderr, /2 problems found; nothing was imported/);
  assert.equal(await snapshot(db), before);
  assert.deepEqual(files(media), filesBefore);
});

test('English names that do not match the colours or that disagree are refused, naming the lines, and nothing is imported', { timeout: 60_000 }, async () => {
  const db = await database();
  const media = tempDir('terms-media');
  await ok(['import', GOOD_FAIR], { db, media });
  const before = await snapshot(db);
  const terms = await sql(db.url, 'SELECT kind, name, name_en FROM term_names ORDER BY kind, name COLLATE "C"');
  const csv = [
    'style,name,category,category_en,base_price,sizes,colors,colors_en,allocation',
    'GOOD-1,好的外套,外套,Coats,129900,S|M,黑色|駝色,Black|Tan,10', // others than the database's: fine
    'BAD-1,名字太多,褲,,39900,28|30,黑色,Black|Navy,5',
    'BAD-2,空的名字,褲,,39900,28|30,黑色|藏青|白色,Black| |White,5',
    'BAD-3,另一個名字,外套,Outerwear,9900,S|M,白色|黑色,White|Jet,1',
    'BAD-4,太長,褲,,9900,S,白色,' + 'W'.repeat(65) + ',1',
  ].join('\n') + '\n';
  const r = await fairctl(['import', fairDir(csv)], { db, media });
  assert.equal(r.code, 1);
  console.log(`refused:\n${r.stderr.trim()}`);
  assert.match(r.stderr, /^products\.csv:3: colors_en: 2 names for 1 colour \(one English name per colour, in the order of colors\)$/m);
  assert.match(r.stderr, /^products\.csv:4: colors_en: name 2 \(for 藏青\) is empty/m);
  assert.match(r.stderr, /^products\.csv:5: category_en: 外套 is "Outerwear" here but "Coats" on line 2 \(one English name per category\)$/m);
  assert.match(r.stderr, /^products\.csv:5: colors_en: 黑色 is "Jet" here but "Black" on line 2 \(one English name per colour\)$/m);
  assert.match(r.stderr, /^products\.csv:6: colors_en: name 1 \(for 白色\): 65 characters; at most 64$/m);
  assert.match(r.stderr, /5 problems found; nothing was imported/);
  assert.equal(await snapshot(db), before);
  assert.deepEqual(await sql(db.url, 'SELECT kind, name, name_en FROM term_names ORDER BY kind, name COLLATE "C"'), terms);
});

/** A PNG of only its signature and IHDR chunk, claiming w x h, with a correct CRC. */
function pngHeader(w, h) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const chunk = Buffer.concat([Buffer.from('IHDR'), ihdr]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32 ? zlib.crc32(chunk) : crc32(chunk), 0);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(13, 0);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), len, chunk, crc]);
}

function crc32(buf) {
  let c = ~0;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

test('fake pictures are refused with a clear reason before any decoder runs, and nothing is imported', { timeout: 60_000 }, async () => {
  const db = await database();
  const media = tempDir('fake-media');
  const tiff = Buffer.concat([Buffer.from('II*\0\x08\0\0\0', 'latin1'), crypto.randomBytes(64)]);
  const r = await fairctl(['import', fairDir(null, {
    'TEST-001.jpg': 'this is a text file, not a picture\n',
    'TEST-002-黑色.png': tiff,
    'TEST-003.png': pngHeader(100000, 100000),
  })], { db, media });
  assert.equal(r.code, 1);
  console.log(`refused:\n${r.stderr.trim()}`);
  assert.match(r.stderr, /^images\/TEST-001\.jpg: not a JPEG, PNG or WebP image \(it looks like text\)$/m);
  assert.match(r.stderr, /^images\/TEST-002-黑色\.png: not a JPEG, PNG or WebP image \(it looks like TIFF\)$/m);
  assert.match(r.stderr, /^images\/TEST-003\.png: the PNG header says 100000 x 100000 pixels; each side must be 16 to 8000$/m);
  assert.match(r.stderr, /3 problems found; nothing was imported/);
  assert.equal(await count(db, 'fairs'), 0);
  assert.equal(await count(db, 'products'), 0);
  assert.deepEqual(files(media), []);

  // A header that passes but data that does not: the decoder, in its child process, refuses.
  const good = fs.readFileSync(path.join(GOOD_FAIR, 'images', 'TEST-002-黑色.jpg'));
  const broken = await fairctl(['import', fairDir(null, { 'TEST-002-黑色.jpg': good.subarray(0, 400) })], { db, media });
  assert.equal(broken.code, 1);
  assert.match(broken.stderr, /^images\/TEST-002-黑色\.jpg: the JPEG image could not be decoded/m);
  assert.equal(await count(db, 'fairs'), 0);
  assert.deepEqual(files(media), [], 'no staging folder left behind');

  // The converter on its own, as the pipeline runs it.
  const out = path.join(tempDir('convert'), 'x');
  const child = spawn(FAIRCTL, ['media-convert', '--out', out], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  child.stdin.end(pngHeader(100000, 100000));
  const code = await new Promise((resolve) => child.on('close', resolve));
  assert.equal(code, 1);
  assert.match(stderr, /100000 x 100000/);
});

// ---------------------------------------------------------------------------------------------
// Users, dealers, sessions

/** psql kept open on LISTEN; notifications() runs a statement and returns what arrived. */
function listener(db, channel) {
  const proc = spawn(PSQL, ['-X', '-At', '-d', db.url], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout.on('data', (d) => (out += d));
  proc.stdin.write(`LISTEN ${channel};\n`);
  return {
    async notifications() {
      const marker = `done-${crypto.randomBytes(4).toString('hex')}`;
      proc.stdin.write(`SELECT '${marker}';\n`);
      for (let i = 0; i < 100 && !out.includes(marker); i++) await new Promise((r) => setTimeout(r, 50));
      const seen = out;
      out = '';
      return seen;
    },
    close() {
      proc.stdin.end();
    },
  };
}

test('dealer create, user create, disable, enable, reset-password change the rows as they should', { timeout: 120_000 }, async () => {
  const db = await database();
  const created = await ok(['dealer', 'create', '--code', 'D900', '--name', '蘇州觀前街店', '--region', '華東',
    '--tier', 'B', '--credit', '50000000', '--key-dealer',
    '--address', '周店長|13800000000|蘇州市觀前街1號', '--address', '倉庫|0512-1234|蘇州市工業園區2號, B座'], { db });
  assert.match(created.stdout, /dealer D900 created/);
  assert.deepEqual(await sql(db.url, 'SELECT code, name, region, tier, credit_limit, key_dealer FROM dealers'),
    [['D900', '蘇州觀前街店', '華東', 'B', '50000000', 't']]);
  assert.deepEqual(await sql(db.url, 'SELECT recipient, phone, address, is_default FROM dealer_addresses ORDER BY id'), [
    ['周店長', '13800000000', '蘇州市觀前街1號', 't'], ['倉庫', '0512-1234', '蘇州市工業園區2號, B座', 'f']]);
  assert.equal((await fairctl(['dealer', 'create', '--code', 'D900', '--name', 'x', '--region', '華東', '--tier', 'A'], { db })).code, 1);
  assert.equal((await fairctl(['dealer', 'create', '--code', 'D901', '--name', 'x', '--region', '華東', '--tier', 'Z'], { db })).code, 2);
  assert.equal((await fairctl(['dealer', 'create', '--code', 'D901', '--name', 'x', '--region', '華東', '--tier', 'A',
    '--credit', '-5'], { db })).code, 2);
  assert.equal(await count(db, 'dealers'), 1);

  // A dealer user with a temporary password; a rep limited to two regions.
  const shop = await ok(['user', 'create', '--login', 'shop900', '--name', '周店長', '--role', 'dealer',
    '--dealer', 'D900', '--temporary'], { db });
  const temp = /temporary password: (\S+)/.exec(shop.stdout)?.[1];
  assert.ok(temp && temp.length >= 12, `a temporary password is printed: ${shop.stdout}`);
  let [row] = await sql(db.url, `SELECT u.role, d.code, u.must_change_password, u.disabled, u.password_hash
    FROM users u JOIN dealers d ON d.id = u.dealer_id WHERE login = 'shop900'`);
  assert.deepEqual(row.slice(0, 4), ['dealer', 'D900', 't', 'f']);
  assert.ok(hashMatches(row[4], temp), 'the stored hash is of the printed password');
  await ok(['user', 'create', '--login', 'rep900', '--name', '陳志明', '--role', 'rep', '--regions', '華東, 華南',
    '--password', 'rep-secret-1'], { db });
  [row] = await sql(db.url, "SELECT role, regions::text, must_change_password, password_hash FROM users WHERE login = 'rep900'");
  assert.deepEqual(row.slice(0, 3), ['rep', '{華東,華南}', 'f']);
  assert.ok(hashMatches(row[3], 'rep-secret-1'));

  // Refusals change nothing.
  const users = await count(db, 'users');
  for (const [args, code] of [
    [['--login', 'x1', '--name', 'x', '--password', 'long-enough-1'], 2], // no role
    [['--login', 'x1', '--name', 'x', '--role', 'dealer', '--password', 'long-enough-1'], 2], // no dealer
    [['--login', 'x1', '--name', 'x', '--role', 'boss', '--password', 'long-enough-1'], 2],
    [['--login', 'X1', '--name', 'x', '--role', 'admin', '--password', 'long-enough-1'], 2],
    [['--login', 'x1', '--name', 'x', '--role', 'admin', '--password', 'short'], 2],
    [['--login', 'x1', '--name', 'x', '--role', 'admin'], 2], // no password
    [['--login', 'x1', '--name', 'x', '--role', 'manager', '--regions', '華東', '--temporary'], 2],
    [['--login', 'x1', '--name', 'x', '--role', 'dealer', '--dealer', 'NOPE', '--temporary'], 1],
    [['--login', 'rep900', '--name', 'x', '--role', 'admin', '--temporary'], 1], // taken
  ]) {
    const r = await fairctl(['user', 'create', ...args], { db });
    assert.equal(r.code, code, `user create ${args.join(' ')}: ${r.stderr}`);
    assert.ok(r.stderr.length > 0, 'says why');
  }
  assert.equal(await count(db, 'users'), users);

  // Sessions for both, then disable: the user's sessions end, and every server process is told.
  const minted = await ok(['mint-sessions', '--hours', '2', 'shop900', 'rep900'], { db });
  const lines = minted.stdout.trim().split('\n').map((l) => l.split('\t'));
  assert.deepEqual(lines.map(([l]) => l), ['shop900', 'rep900']);
  const key = await sessionKey(db);
  for (const [name, cookie] of lines) {
    const hash = cookieHash(cookie, key);
    const [s] = await sql(db.url, `SELECT u.login, extract(epoch FROM s.expires_at - now())::int, s.revoked_at IS NULL
      FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = '\\x${hash}'`);
    assert.equal(s[0], name);
    assert.ok(Math.abs(Number(s[1]) - 7200) < 120, `expires in about 2 hours: ${s[1]} s`);
    assert.equal(s[2], 't');
    assert.equal(Number(cookie.split('.')[2]) - Math.floor(Date.now() / 1000) <= 7200, true);
  }
  const sessions = await count(db, 'sessions');
  const unknown = await fairctl(['mint-sessions', 'shop900', 'nobody'], { db });
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /no user with the login "nobody"/);
  assert.equal(await count(db, 'sessions'), sessions, 'all or nothing');

  const listen = listener(db, 'sessions_revoked');
  await listen.notifications();
  await ok(['user', 'disable', 'shop900'], { db });
  const heard = await listen.notifications();
  listen.close();
  const shopId = await one(db, "SELECT id FROM users WHERE login = 'shop900'");
  assert.match(heard, new RegExp(`sessions_revoked.*u:${shopId}:`), `NOTIFY reached a listener: ${heard}`);
  assert.equal(await one(db, "SELECT disabled FROM users WHERE login = 'shop900'"), 't');
  assert.equal(await count(db, 'sessions s JOIN users u ON u.id = s.user_id', "u.login = 'shop900' AND revoked_at IS NULL"), 0);
  assert.equal(await count(db, 'sessions s JOIN users u ON u.id = s.user_id', "u.login = 'rep900' AND revoked_at IS NULL"), 1);
  assert.equal((await fairctl(['mint-sessions', 'shop900'], { db })).code, 1, 'no session for a disabled user');
  await ok(['user', 'enable', 'shop900'], { db });
  assert.equal(await one(db, "SELECT disabled FROM users WHERE login = 'shop900'"), 'f');

  // reset-password: a new temporary password, to be changed, and the sessions end.
  const reset = await ok(['user', 'reset-password', 'rep900'], { db });
  const fresh = /temporary password: (\S+)/.exec(reset.stdout)?.[1];
  assert.ok(fresh);
  [row] = await sql(db.url, "SELECT must_change_password, password_hash FROM users WHERE login = 'rep900'");
  assert.equal(row[0], 't');
  assert.ok(hashMatches(row[1], fresh));
  assert.ok(!hashMatches(row[1], 'rep-secret-1'));
  assert.equal(await count(db, 'sessions s JOIN users u ON u.id = s.user_id', "u.login = 'rep900' AND revoked_at IS NULL"), 0);
  assert.equal((await fairctl(['user', 'reset-password', 'nobody'], { db })).code, 1);
  assert.equal((await fairctl(['user', 'disable'], { db })).code, 2);

  assert.deepEqual((await sql(db.url, 'SELECT action, target FROM audit_log ORDER BY id')).map((r) => r.join(' ')), [
    'dealer.create D900', 'user.create shop900', 'user.create rep900', 'user.disable shop900',
    'user.enable shop900', 'user.reset_password rep900']);
});
