// The brand's English names of its colours and categories (sql/050, PROTOCOL.md "catalog.terms"
// and "admin.terms.set"): an admin sets them (admin.terms.set, or admin.product.create's
// category_en and color_en), every audit entry says what changed, a fair's readers get those of
// its own items (catalog.terms, catalog.categories' name_en), and the printed confirmation in
// English names colours by them. Bad input is refused with a clear error and changes nothing;
// only an admin may change them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  createDatabase, startServer, connect, createUser, login, sql, httpGet, makeFair, mintDealers,
} from './harness.mjs';

let db;
let server;
let admin;
let manager;
let dealer;
let dealerCookie;
let fx;

before(async () => {
  db = await createDatabase();
  server = await startServer({ databaseUrl: db.url });
  fx = await makeFair(db.url); // colours 黑色 and 白色, category 外套
  admin = await connect(server);
  await admin.next('hello');
  const m = await createUser(db.url, { login: 'terms-manager', role: 'manager' });
  manager = await connect(server, { cookie: (await login(server, m.login, m.password)).cookie });
  await manager.next('hello');
  const [d] = await mintDealers(db.url, 1);
  dealerCookie = d.cookie;
  dealer = await connect(server, { cookie: d.cookie });
  await dealer.next('hello');
});

after(async () => {
  try {
    for (const c of [admin, manager, dealer]) await c?.close();
    if (server) await server.stop();
  } finally {
    if (db) await db.drop();
  }
});

const glossary = async () => Object.fromEntries((await sql(db.url,
  `SELECT kind || ':' || name, name_en FROM term_names ORDER BY 1`)).map(([k, v]) => [k, v]));
const auditCount = async () => Number((await sql(db.url, `SELECT count(*) FROM audit_log WHERE action = 'terms.set'`))[0][0]);

test('a fair has no English names until an admin gives them; unknown fairs are not found', async () => {
  const r = await dealer.request('catalog.terms', { fair: fx.fair });
  assert.equal(r.ok, true, JSON.stringify(r));
  assert.deepEqual(r.terms, { colors: {}, categories: {} });
  assert.equal((await dealer.request('catalog.terms', { fair: 987654 })).error?.code, 'not_found');
  assert.equal((await dealer.request('catalog.terms', {})).error?.code, 'bad_request');
  const list = await admin.request('admin.terms.list');
  assert.deepEqual(list.unnamed, { colors: ['白色', '黑色'], categories: ['外套'] }, 'in pinyin order');
});

test('an admin sets them; the fair\'s readers get those of its items; the audit says what changed', async () => {
  const before = await auditCount();
  const r = await admin.request('admin.terms.set', {
    colors: { 黑色: 'Black', 白色: '  White ', 酒红: 'Burgundy' }, categories: { 外套: 'Outerwear' } });
  assert.equal(r.ok, true, JSON.stringify(r));
  assert.deepEqual(r.terms, { colors: { 白色: 'White', 酒红: 'Burgundy', 黑色: 'Black' }, categories: { 外套: 'Outerwear' } });
  assert.deepEqual(r.unnamed, { colors: [], categories: [] });
  // 酒红 is no colour of this fair's items: its readers are not told of it
  const terms = await dealer.request('catalog.terms', { fair: fx.fair });
  assert.deepEqual(terms.terms, { colors: { 白色: 'White', 黑色: 'Black' }, categories: { 外套: 'Outerwear' } });
  const categories = await dealer.request('catalog.categories', { fair: fx.fair });
  assert.deepEqual(categories.categories, [{ name: '外套', name_en: 'Outerwear', count: 3 }]);
  assert.equal(await auditCount(), before + 1);
  const [[entry]] = await sql(db.url, `SELECT new FROM audit_log WHERE action = 'terms.set' ORDER BY id DESC LIMIT 1`);
  assert.deepEqual(JSON.parse(entry).colors['黑色'], [null, 'Black']);

  // the same names again change nothing and write no entry; "" removes one
  await admin.request('admin.terms.set', { colors: { 黑色: 'Black' } });
  assert.equal(await auditCount(), before + 1, 'nothing changed, nothing audited');
  const removed = await admin.request('admin.terms.set', { colors: { 酒红: '' } });
  assert.equal(removed.terms.colors['酒红'], undefined);
  assert.equal(await auditCount(), before + 2);
});

test('bad input is refused with a clear error and changes nothing; only an admin may set them', async () => {
  const was = await glossary();
  const audits = await auditCount();
  const bad = [
    [{ colors: { 黑色: 5 } }, /English name/],
    [{ colors: { 黑色: 'Bl\nack' } }, /control characters/],
    [{ colors: { 黑色: 'x'.repeat(65) } }, /at most 64/],
    [{ colors: { ['色'.repeat(65)]: 'Long' } }, /1 to 64/],
    [{ colors: ['黑色'] }, /colors/],
    [{ categories: 'Outerwear' }, /categories/],
    [{ colors: Object.fromEntries(Array.from({ length: 501 }, (_, i) => [`c${i}`, 'x'])) }, /colors/],
    [{ colours: { 黑色: 'Black' } }, /colours/],
    // the good member is not kept when another is bad
    [{ colors: { 白色: 'Ivory', 黑色: 7 } }, /黑色/],
  ];
  for (const [args, why] of bad) {
    const r = await admin.request('admin.terms.set', args);
    assert.equal(r.error?.code, 'bad_request', JSON.stringify(args).slice(0, 80));
    assert.match(r.error.message, why);
  }
  for (const c of [manager, dealer]) {
    assert.equal((await c.request('admin.terms.set', { colors: { 黑色: 'Noir' } })).error?.code, 'forbidden');
    assert.equal((await c.request('admin.terms.list')).error?.code, 'forbidden');
  }
  assert.deepEqual(await glossary(), was);
  assert.equal(await auditCount(), audits);
});

test('admin.product.create gives its category\'s and colours\' English names, or nothing when refused', async () => {
  const product = (style, variants, extra = {}) => admin.request('admin.product.create', {
    style, name: '羊毛大衣', category: '大衣', description: '', base_price: 199900, variants, ...extra });
  const clash = await product('TERMS-1', [{ size: 'M', color: '驼色', color_en: 'Camel' },
    { size: 'L', color: '驼色', color_en: 'Tan' }], { category_en: 'Coats' });
  assert.equal(clash.error?.code, 'bad_request');
  assert.match(clash.error.message, /驼色/);
  const unknown = await product('TERMS-1', [{ size: 'M', color: '驼色', colour_en: 'Camel' }]);
  assert.equal(unknown.error?.code, 'bad_request');
  assert.match(unknown.error.message, /colour_en/);
  assert.equal((await glossary())['color:驼色'], undefined, 'a refused product names nothing');
  assert.equal((await sql(db.url, `SELECT count(*) FROM products WHERE style = 'TERMS-1'`))[0][0], '0');

  const made = await product('TERMS-1', [{ size: 'M', color: '驼色', color_en: 'Camel' },
    { size: 'L', color: '驼色' }, { size: 'L', color: '藏青' }], { category_en: 'Coats' });
  assert.equal(made.ok, true, JSON.stringify(made));
  const g = await glossary();
  assert.equal(g['color:驼色'], 'Camel');
  assert.equal(g['category:大衣'], 'Coats');
  const list = await admin.request('admin.terms.list');
  assert.deepEqual(list.unnamed, { colors: ['藏青'], categories: [] });
  const [[entry]] = await sql(db.url, `SELECT new FROM audit_log WHERE action = 'terms.set' ORDER BY id DESC LIMIT 1`);
  assert.deepEqual(JSON.parse(entry), { colors: { 驼色: [null, 'Camel'] }, categories: { 大衣: [null, 'Coats'] } });
});

test('the printed confirmation in English names the colours and the fair in English, in Chinese as they are', async () => {
  const [first] = fx.products;
  const placed = await dealer.request('order.place', { fair: fx.fair, key: 'terms-1',
    lines: first.variants.map((variant) => ({ variant, qty: 1 })) });
  assert.equal(placed.ok, true, JSON.stringify(placed));
  await admin.request('admin.terms.set', { colors: { 白色: 'White' } });
  assert.equal((await admin.request('admin.fair.update', { fair: fx.fair, name_en: 'Test fair' })).ok, true);
  const url = `${server.url}/orders/${placed.order.id}/print`;
  const en = await httpGet(`${url}?lang=en`, { headers: { cookie: dealerCookie } });
  assert.equal(en.status, 200);
  assert.match(en.body, /<td>Black<\/td>/);
  assert.match(en.body, /<td>White<\/td>/);
  assert.doesNotMatch(en.body, /<td>黑色<\/td>/);
  assert.match(en.body, /Test fair/);
  assert.doesNotMatch(en.body, /測試訂貨會/);
  const zh = await httpGet(url, { headers: { cookie: dealerCookie } });
  assert.match(zh.body, /<td>黑色<\/td>/);
  assert.doesNotMatch(zh.body, /<td>Black<\/td>/);
  assert.match(zh.body, /測試訂貨會/);
});
