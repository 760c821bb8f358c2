// The ERP hand-off (issue 25; PROTOCOL.md "ERP export"): fairctl erp-export writes a fair's
// standing orders, a row per line, in the import layouts of 用友U8+ and 管家婆; each file
// parses back (RFC 4180, UTF-8 with a byte order mark) to exactly the lines PostgreSQL holds:
// cancelled orders left out, money in yuan, a discount shared among an order's lines to the
// cent, a dealer's name with a comma and quotes kept whole, a note that a spreadsheet would
// run defused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  createDatabase, startServer, connect, sql, makeFair, mintDealers, fairctl, httpGet,
} from './harness.mjs';

let db;
let server;
let fx;
let dealers;
let dir;

before(async () => {
  db = await createDatabase();
  server = await startServer({ databaseUrl: db.url, user: { login: 'erp-admin', role: 'admin' } });
  fx = await makeFair(db.url, { name: 'ERP 測試會', products: 3 });
  dealers = await mintDealers(db.url, 3, { prefix: 'erpd' });
  await sql(db.url, `UPDATE dealers SET name = 'Smith, "Jr" 商行' WHERE code = 'erpd2'`);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fair-erp-'));
  const place = async (d, key, lines, note = '') => {
    const c = await connect(server, { cookie: d.cookie });
    await c.next('hello', 10_000);
    const r = await c.request('order.place', { fair: fx.fair, key, lines, note });
    assert.equal(r.ok, true, JSON.stringify(r));
    await c.close();
    return r.order;
  };
  const p = fx.products;
  const a = await place(dealers[0], 'erp-a', [{ variant: p[0].variants[0], qty: 3 }, { variant: p[1].variants[2], qty: 7 }, { variant: p[2].variants[1], qty: 1 }]);
  await place(dealers[1], 'erp-b', [{ variant: p[0].variants[1], qty: 2 }], '=SUM(A1:A9)');
  const c = await place(dealers[2], 'erp-c', [{ variant: p[1].variants[0], qty: 4 }]);
  const gone = await place(dealers[0], 'erp-gone', [{ variant: p[2].variants[3], qty: 9 }]);
  await sql(db.url, `UPDATE orders SET status = 'cancelled' WHERE id = ${gone.id};
    UPDATE orders SET tier_discount = 1001, coupon_discount = 500 WHERE id = ${a.id};
    UPDATE orders SET status = 'shipped' WHERE id = ${c.id}`);
});

after(async () => {
  try {
    await server?.stop();
  } finally {
    if (db) await db.drop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** RFC 4180: quoted fields with doubled quotes, commas and line breaks. */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (ch === '"') quoted = false; else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(field); field = ''; } else if (ch === '\r' && text[i + 1] === '\n') { row.push(field); rows.push(row); row = []; field = ''; i++; } else field += ch;
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  return rows;
}

async function exported(layout) {
  const out = path.join(dir, `${layout}.csv`);
  const { stderr } = await fairctl(db.url, ['erp-export', String(fx.fair), '--layout', layout, '--output', out]);
  const bytes = fs.readFileSync(out);
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'a byte order mark');
  const [header, ...rows] = parseCsv(bytes.subarray(3).toString('utf8'));
  return { header, rows: rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]]))), stderr };
}

const yuan = (minor) => (Number(minor) / 100).toFixed(2);

async function expectedLines() {
  const rows = await sql(db.url, `SELECT o.id, d.code, d.name, p.style, p.name, v.color, v.size, l.qty, l.price,
      l.qty * l.price, o.early_discount + o.tier_discount + o.coupon_discount, o.note
    FROM orders o JOIN dealers d ON d.id = o.dealer_id JOIN order_lines l ON l.order_id = o.id
    JOIN variants v ON v.id = l.variant_id JOIN products p ON p.id = v.product_id
    WHERE o.fair_id = ${fx.fair} AND o.status NOT IN ('cancelled', 'rejected')
    ORDER BY o.id, v.product_id, v.sort, v.id`);
  return rows.map(([order, code, name, style, product, color, size, qty, price, amount, discount, note]) =>
    ({ order, code, name, style, product, color, size, qty, price, amount, discount: Number(discount), note }));
}

test('用友U8+: the header and one row per standing line, parsed back', async () => {
  const { header, rows, stderr } = await exported('u8');
  assert.deepEqual(header, ['订单号', '订单日期', '业务类型', '销售类型', '客户编码', '客户简称', '币种', '汇率',
    '存货编码', '存货名称', '规格型号', '主计量单位', '数量', '含税单价', '价税合计', '折扣额', '备注']);
  const want = await expectedLines();
  assert.equal(rows.length, want.length);
  assert.equal(rows.length, 5, 'the cancelled order left out');
  assert.match(stderr, /5 order lines/);
  const [[today]] = await sql(db.url, `SELECT to_char(now() AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD')`);
  const shares = new Map();
  rows.forEach((r, i) => {
    const w = want[i];
    assert.equal(r['订单号'], `FAIR${fx.fair}-${w.order}`);
    assert.equal(r['订单日期'], today);
    assert.equal(r['客户编码'], w.code);
    assert.equal(r['客户简称'], w.name);
    assert.equal(r['币种'], 'CNY');
    assert.equal(r['存货编码'], `${w.style}-${w.color}-${w.size}`);
    assert.equal(r['存货名称'], w.product);
    assert.equal(r['规格型号'], `${w.color}/${w.size}`);
    assert.equal(r['数量'], w.qty);
    assert.equal(r['含税单价'], yuan(w.price));
    const discount = Math.round(Number(r['折扣额']) * 100);
    assert.equal(Math.round(Number(r['价税合计']) * 100), Number(w.amount) - discount);
    shares.set(w.order, (shares.get(w.order) ?? 0) + discount);
  });
  for (const w of want) assert.equal(shares.get(w.order), w.discount, `order ${w.order}'s discount, shared to the cent`);
  assert.equal(rows.find((r) => r['客户编码'] === 'erpd2')['客户简称'], 'Smith, "Jr" 商行', 'quoted whole');
  assert.equal(rows.find((r) => r['客户编码'] === 'erpd2')['备注'], "'=SUM(A1:A9)", 'a formula defused');
});

test('管家婆: the header and one row per standing line, parsed back', async () => {
  const { header, rows } = await exported('gjp');
  assert.deepEqual(header, ['单据编号', '录单日期', '往来单位编号', '往来单位名称', '商品编号', '商品名称', '规格',
    '颜色', '尺码', '单位', '数量', '单价', '金额', '折扣额', '折后金额', '备注']);
  const want = await expectedLines();
  assert.equal(rows.length, want.length);
  let total = 0;
  rows.forEach((r, i) => {
    const w = want[i];
    assert.equal(r['单据编号'], `FAIR${fx.fair}-${w.order}`);
    assert.equal(r['往来单位编号'], w.code);
    assert.equal(r['商品编号'], `${w.style}-${w.color}-${w.size}`);
    assert.equal(r['规格'], w.style);
    assert.equal(r['颜色'], w.color);
    assert.equal(r['尺码'], w.size);
    assert.equal(r['单位'], '件');
    assert.equal(r['数量'], w.qty);
    assert.equal(r['单价'], yuan(w.price));
    assert.equal(r['金额'], yuan(w.amount));
    assert.equal(Math.round(Number(r['折后金额']) * 100) + Math.round(Number(r['折扣额']) * 100), Number(w.amount));
    total += Math.round(Number(r['折后金额']) * 100);
  });
  const [[payable]] = await sql(db.url, `SELECT sum(total - early_discount - tier_discount - coupon_discount) FROM orders
    WHERE fair_id = ${fx.fair} AND status NOT IN ('cancelled', 'rejected')`);
  assert.equal(total, Number(payable), 'the file adds up to what the dealers owe');
});

test('the admin\'s download is the same file; others are refused', async () => {
  for (const layout of ['u8', 'gjp']) {
    const got = await httpGet(`${server.url}/api/erp/${fx.fair}?layout=${layout}`, { headers: { cookie: server.cookie } });
    assert.equal(got.status, 200, got.body);
    assert.match(got.headers['content-type'], /^text\/csv; charset=utf-8/);
    assert.match(got.headers['content-disposition'], new RegExp(`attachment; filename="fair-${fx.fair}-${layout}.csv"`));
    const file = fs.readFileSync(path.join(dir, `${layout}.csv`));
    assert.ok(got.raw.equals(file), `the download equals fairctl's ${layout} file`);
  }
  assert.equal((await httpGet(`${server.url}/api/erp/${fx.fair}?layout=sap`, { headers: { cookie: server.cookie } })).status, 400);
  assert.equal((await httpGet(`${server.url}/api/erp/${fx.fair}?layout=u8`)).status, 401);
  const dealer = await httpGet(`${server.url}/api/erp/${fx.fair}?layout=u8`, { headers: { cookie: dealers[0].cookie } });
  assert.equal(dealer.status, 403);
});

test('refusals: no layout, an unknown layout, no fair', async () => {
  await assert.rejects(fairctl(db.url, ['erp-export', String(fx.fair)]), /exit 2/);
  await assert.rejects(fairctl(db.url, ['erp-export', String(fx.fair), '--layout', 'sap']), /exit 2/);
  await assert.rejects(fairctl(db.url, ['erp-export', '--layout', 'u8']), /exit 2/);
  const { stdout } = await fairctl(db.url, ['erp-export', '999999', '--layout', 'gjp']);
  assert.equal(parseCsv(stdout.replace(/^\uFEFF/, '')).length, 1, 'an unknown fair: the header only');
});
