// The order batch alone: order_place_batch_rows (what the server calls) in PostgreSQL on a fixed fair, no server and
// no network, so an order's cost inside the database is tracked apart from everything else
// (issue 26). Batches of 1, 50 and 500 orders, all on one hot variant (a flash sale) and spread
// over 1,000 variants; each timed inside its transaction (clock_timestamp around the call) and
// rolled back, so every repeat sees the same stock. With --triggers, the same batches once more
// with each trigger on orders, order_lines, order_history and stock disabled in turn: what each
// one costs (foreign-key checks are internal triggers, which only a superuser may disable).
// Then the same batches at a fair with policies (issue 25: an early-bird discount and two
// tiers most dealers cross, so each order's discounts are stamped and its reply made again),
// with their ratio to the plain fair.
//
//   node tests/bench/batch.mjs [--quick] [--triggers] [--past N] [--out DIR] [--keep-db]
//
// Needs FAIR_TEST_DATABASE_URL (run.sh gives one). Prints a Markdown table; writes
// batch.md and batch.json to --out (default build/bench).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDatabase, fairctl, mintDealers, sql } from '../integration/harness.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const QUICK = args.includes('--quick');
const TRIGGERS = args.includes('--triggers');
const OUT = args.includes('--out') ? args[args.indexOf('--out') + 1] : path.resolve(HERE, '../../build/bench');
const KEEP_DB = args.includes('--keep-db'); // left for profiling; its URL is printed
// --past N: the brand's earlier seasons first, N closed fairs of their own 1,000 variants
// with 2,000 orders each, so that a lookup that scans stock, items or orders instead of probing
// them shows (a database that keeps every fair's rows, as a brand's does)
const PAST = args.includes('--past') ? Number(args[args.indexOf('--past') + 1]) : 0;
const REPEATS = QUICK ? 3 : 7;
const SIZES = [1, 50, 500];
const DEALERS = 500;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function setUp(url) {
  await fairctl(url, ['warehouse']); // applies the migrations, as every fairctl command does
  const dealers = await mintDealers(url, DEALERS, { prefix: 'batchd' });
  const users = new Map((await sql(url, `SELECT dealer_id, id FROM users WHERE login LIKE 'batchd%'`))
    .map(([d, u]) => [Number(d), Number(u)]));
  const buyers = dealers.map((d) => ({ dealer: d.dealerId, actor: users.get(d.dealerId) }));
  for (let p = 0; p < PAST; p++) await pastFair(url, buyers, p);
  return { ...(await liveFair(url, '批次基准', '2027SS', 'BATCH')), dealers: buyers };
}

/** A live fair of its own 250 products × 4 variants = 1,000 variants, plenty of stock
 * everywhere; the first variant is the hot one. */
async function liveFair(url, name, season, tag) {
  const [[fair]] = await sql(url, `INSERT INTO fairs (name, season, starts_at, ends_at)
    VALUES ('${name}', '${season}', now() - interval '1 hour', now() + interval '1 day') RETURNING id`);
  await sql(url, `
    INSERT INTO products (style, name, name_en, category, base_price)
      SELECT '${tag}-' || i, '基准外套' || i, 'Bench coat ' || i, '外套', 100000 + i
      FROM generate_series(1, 250) i;
    INSERT INTO variants (product_id, size, color, sort)
      SELECT p.id, s, c, row_number() OVER (PARTITION BY p.id ORDER BY s, c)
      FROM products p, unnest(ARRAY['M','L']) s, unnest(ARRAY['黑色','白色']) c
      WHERE p.style LIKE '${tag}-%';
    INSERT INTO fair_items (fair_id, product_id, price, sort)
      SELECT ${fair}, id, base_price, id FROM products WHERE style LIKE '${tag}-%';
    INSERT INTO stock (fair_id, product_id, variant_id, allocation)
      SELECT ${fair}, v.product_id, v.id, 1000000 FROM variants v JOIN products p ON p.id = v.product_id
      WHERE p.style LIKE '${tag}-%';
    ANALYZE`);
  const variants = (await sql(url, `SELECT v.id FROM variants v JOIN products p ON p.id = v.product_id
    WHERE p.style LIKE '${tag}-%' ORDER BY v.id`)).map(([id]) => Number(id));
  return { fair: Number(fair), variants };
}

/** An earlier season: a fair of its own products with 2,000 orders placed by batches while
 * it was live, then moved into the past (closed). */
async function pastFair(url, dealers, p) {
  const past = { ...(await liveFair(url, `往季 ${p + 1}`, `${1990 + p}SS`, `PAST${p + 1}`)), dealers };
  let script = '';
  for (let r = 0; r < 4; r++) {
    const text = JSON.stringify(batch(past, 500, 'spread', r)).replace(/'/g, "''");
    script += `SELECT count(*) FROM order_place_batch_rows('${text}'::jsonb);\n`;
  }
  await psql(url, script);
  await sql(url, `UPDATE fairs SET starts_at = now() - interval '${400 - p} days',
    ends_at = now() - interval '${399 - p} days' WHERE id = ${past.fair}`);
}

// Every call's keys are new: a rolled-back key leaves a dead entry in the (dealer, key)
// index, and a key used again in each of --triggers' passes would make every later pass
// step over more of them (its uniqueness check visits each).
let calls = 0;

/** A batch of n orders as the server sends it: each by another dealer, one line. */
function batch(fx, n, shape, run) {
  const call = ++calls;
  return Array.from({ length: n }, (_, i) => {
    const d = fx.dealers[i % fx.dealers.length];
    const variant = shape === 'hot' ? fx.variants[0] : fx.variants[(i * 7 + run) % fx.variants.length];
    return { fair: fx.fair, dealer: d.dealer, actor: d.actor, key: `bench-${call}-${i}`,
      lines: [{ variant, qty: 1 + (i % 3) }], partial: false };
  });
}

/** One call, timed inside its transaction and rolled back; prints "ms|accepted". */
function timedCall(fx, n, shape, run, prelude) {
  const text = JSON.stringify(batch(fx, n, shape, run)).replace(/'/g, "''");
  return `BEGIN;
${prelude}
SELECT set_config('bench.t0', clock_timestamp()::text, true) \\g /dev/null
SELECT extract(epoch FROM clock_timestamp() - current_setting('bench.t0')::timestamptz) * 1000,
       count(*) FILTER (WHERE x.kind = 'made')
FROM (SELECT * FROM order_place_batch_rows('${text}'::jsonb)) x;
ROLLBACK;
`;
}

/** Runs a script in one session (plans stay cached, as on the server's pooled connections). */
function psql(url, script) {
  return new Promise((resolve, reject) => {
    const child = spawn('psql', ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-d', url, '-f', '-'],
      { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`psql: ${err}`))));
    child.stdin.end(script);
  });
}

async function measure(url, fx, prelude = '') {
  // Every call is rolled back, which leaves its rows dead in the tables and their indexes
  // until a vacuum: each pass starts from a vacuumed database, not from whatever
  // autovacuum (busy elsewhere right after bench.mjs) had reached. Once, after a full
  // make bench, --triggers' passes slowed to 15 s a call without it.
  await sql(url, 'VACUUM');
  const out = {};
  for (const shape of ['hot', 'spread']) {
    for (const n of SIZES) {
      let script = '';
      for (let r = 0; r <= REPEATS; r++) script += timedCall(fx, n, shape, r, prelude); // 0 warms up
      const rows = (await psql(url, script)).trim().split('\n').map((l) => l.split('|').map(Number));
      for (const [, accepted] of rows) {
        if (accepted !== n) throw new Error(`${shape} ${n}: ${accepted} of ${n} accepted`);
      }
      const times = rows.slice(1).map(([ms]) => ms);
      out[`${shape}-${n}`] = { ms: median(times), perOrder: median(times) / n };
    }
  }
  return out;
}

const db = await createDatabase({ hint: 'batch' });
try {
  const fx = await setUp(db.url);
  const base = await measure(db.url, fx);
  const policies = await measure(db.url, fx, `INSERT INTO fair_policies (fair_id, early_minutes, early_bp)
    VALUES (${fx.fair}, 120, 200);
    INSERT INTO fair_discount_tiers (fair_id, from_total, percent_bp) VALUES (${fx.fair}, 100000, 300), (${fx.fair}, 250000, 500);`);
  const lines = ['| batch | median ms | ms per order | with policies: ms per order | ratio |', '|---|---:|---:|---:|---:|'];
  for (const [k, v] of Object.entries(base)) {
    lines.push(`| ${k} | ${v.ms.toFixed(2)} | ${v.perOrder.toFixed(3)} | ${policies[k].perOrder.toFixed(3)} | ` +
      `${(policies[k].perOrder / v.perOrder).toFixed(2)}x |`);
  }
  const result = { repeats: REPEATS, base, policies };
  if (TRIGGERS) {
    const triggers = await sql(db.url, `SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
      WHERE c.relname IN ('orders', 'order_lines', 'order_history', 'stock', 'item_sales') AND NOT t.tgisinternal
      ORDER BY 1, 2`);
    lines.push('', '| trigger disabled | hot-500 ms per order | spread-500 ms per order |', '|---|---:|---:|');
    result.triggers = {};
    for (const [table, name] of triggers) {
      const without = await measure(db.url, fx, `ALTER TABLE ${table} DISABLE TRIGGER ${name};`);
      result.triggers[`${table}.${name}`] = without;
      lines.push(`| ${table}.${name} | ${without['hot-500'].perOrder.toFixed(3)} | ${without['spread-500'].perOrder.toFixed(3)} |`);
    }
  }
  const table = lines.join('\n');
  console.log(table);
  fs.mkdirSync(OUT, { recursive: true });
  fs.writeFileSync(path.join(OUT, 'batch.md'), `${table}\n`);
  fs.writeFileSync(path.join(OUT, 'batch.json'), `${JSON.stringify(result, null, 2)}\n`);
} finally {
  if (KEEP_DB) console.log(`database kept: ${db.url}`);
  else await db.drop();
}
