// Upgrading a database that the numbered migrations made while they still held every function
// (commit 2184f3c, before sql/functions/; issue 21): the server comes up on it, its functions,
// views and triggers become exactly those of a fresh database, orders and the kept figures
// carry on, a second start applies nothing, and two processes upgrading one database at once
// both come up with the work done once. Also prints how long start-up takes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  SOURCE_DIR, createDatabase, startServer, sql, makeFair, createUser, login, session, fairctl,
  creditDrift,
} from './harness.mjs';

// The last commit whose sql/ held the functions in the numbered migrations (035).
const OLD_COMMIT = '2184f3cd0fb4259a0a55f5f71fb9f64e545c5e8e';
const PSQL = process.env.FAIR_PSQL
  || (fs.existsSync('/usr/lib/postgresql/15/bin/psql') ? '/usr/lib/postgresql/15/bin/psql' : 'psql');
const APPLIED = /applied sql\/functions\/ \((\d+) files, checksum \w+\) in (\d+) ms/;

let oldSql;          // [{version, name, text}] of OLD_COMMIT's sql/NNN_*.sql
const dbs = [];

/** OLD_COMMIT's numbered migrations, read from git. */
function oldMigrations() {
  const git = (...args) => execFileSync('git', ['-C', SOURCE_DIR, ...args],
    { encoding: 'utf8', maxBuffer: 64 << 20 });
  try {
    git('cat-file', '-e', `${OLD_COMMIT}^{commit}`);
  } catch {
    throw new Error(`this test needs the git history of ${SOURCE_DIR} back to ${OLD_COMMIT} `
      + '(a shallow clone lacks it: git fetch --unshallow)');
  }
  return git('ls-tree', '--name-only', OLD_COMMIT, 'sql/').split('\n')
    .filter((f) => /^sql\/\d{3}_.*\.sql$/.test(f)).sort()
    .map((f) => ({ version: Number(path.basename(f).slice(0, 3)), name: path.basename(f, '.sql'),
      text: git('show', `${OLD_COMMIT}:${f}`) }));
}

/** Runs `script` with psql (stops at the first error). */
function psqlScript(url, script) {
  return new Promise((resolve, reject) => {
    const proc = spawn(PSQL, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', url, '-f', '-'],
      { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    proc.stderr.on('data', (d) => (err += d));
    proc.on('error', reject);
    proc.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`psql: ${err}`))));
    proc.stdin.end(script);
  });
}

/**
 * A database migrated by OLD_COMMIT's server up to `upTo`, as its dbsetup.c did: the
 * schema_migrations table, then each migration in a transaction of its own with its row.
 */
async function oldDatabase(upTo = Infinity) {
  const db = await createDatabase({ hint: `sqlup${dbs.length}` });
  dbs.push(db);
  let script = 'CREATE TABLE IF NOT EXISTS schema_migrations ( version int PRIMARY KEY,'
    + ' name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now());\n';
  for (const m of oldSql.filter((x) => x.version <= upTo)) {
    script += `BEGIN;\n${m.text}\n;\nINSERT INTO schema_migrations (version, name) `
      + `VALUES (${m.version}, '${m.name}');\nCOMMIT;\n`;
  }
  await psqlScript(db.url, script);
  return db;
}

/** Orders placed through the old functions themselves (order_place_batch), one cancelled. */
async function oldOrders(url, fair, dealers) {
  const orders = [];
  for (const [i, d] of dealers.entries()) {
    for (const [j, variant] of fair.products[i % fair.products.length].variants.slice(0, 2).entries()) {
      orders.push({ fair: fair.fair, dealer: d.dealerId, actor: d.id, key: `old-${i}-${j}`,
        lines: [{ variant, qty: 1 + j }] });
    }
  }
  const [[placed]] = await sql(url, `SELECT count(*) FROM jsonb_array_elements(order_place_batch(
    '${JSON.stringify(orders)}'::jsonb)) d WHERE d ? 'order'`);
  assert.equal(Number(placed), orders.length, 'the old order_place_batch accepted every order');
  await sql(url, `SELECT order_cancel(${dealers[0].id}, (SELECT min(id) FROM orders))`);
  return orders.length;
}

/** The functions (body and whole definition), triggers and views of a database, as text. */
async function catalog(url) {
  const rows = await sql(url, `
    SELECT 'function ' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ') '
           || md5(p.prosrc) || ' ' || md5(pg_get_functiondef(p.oid))
    FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace
    UNION ALL
    SELECT 'trigger ' || t.tgname || ' ' || md5(pg_get_triggerdef(t.oid))
    FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
    WHERE NOT t.tgisinternal AND c.relnamespace = 'public'::regnamespace
    UNION ALL
    SELECT 'view ' || c.relname || ' ' || md5(pg_get_viewdef(c.oid))
    FROM pg_class c WHERE c.relkind = 'v' AND c.relnamespace = 'public'::regnamespace
    ORDER BY 1`);
  return rows.map(([line]) => line);
}

/** The body of `name` as sql/functions/ has it (between its $$). */
function layerBody(file, name) {
  const text = fs.readFileSync(path.join(SOURCE_DIR, 'sql/functions', file), 'utf8');
  const at = text.indexOf(`CREATE OR REPLACE FUNCTION ${name}(`);
  assert.ok(at >= 0, `${name} in sql/functions/${file}`);
  const open = text.indexOf('$$', at) + 2;
  return text.slice(open, text.indexOf('$$', open));
}

const appliedIn = (server) => server.logs().filter((l) => APPLIED.test(l));

before(() => {
  oldSql = oldMigrations();
  assert.equal(oldSql.at(-1).version, 35);
});

after(async () => {
  for (const db of dbs) await db.drop();
});

test('a database of the old migrations upgrades to exactly the functions of a fresh one', { timeout: 300_000 }, async () => {
  const fresh = await createDatabase({ hint: 'sqlup_fresh' });
  dbs.push(fresh);
  let started = Date.now();
  const first = await startServer({ databaseUrl: fresh.url, user: false });
  const freshMs = Date.now() - started;
  const [, freshFiles, freshLayerMs] = APPLIED.exec(appliedIn(first)[0] ?? '') ?? [];
  assert.ok(freshFiles, `a fresh database gets the layer:\n${first.tail()}`);
  await first.stop();
  started = Date.now();
  const again = await startServer({ databaseUrl: fresh.url, user: false });
  const unchangedMs = Date.now() - started;
  assert.deepEqual(appliedIn(again), [], 'an unchanged database is left alone');
  await again.stop();

  const old = await oldDatabase();
  const fx = await makeFair(old.url, { name: '升級測試會', products: 3 });
  const dealers = [];
  for (let i = 1; i <= 3; i++) dealers.push(await createUser(old.url, { login: `sqlup-d${i}`, role: 'dealer' }));
  const placed = await oldOrders(old.url, fx, dealers);
  const before = await catalog(old.url);

  started = Date.now();
  const server = await startServer({ databaseUrl: old.url, user: false });
  const upgradeMs = Date.now() - started;
  try {
    const [, files, layerMs] = APPLIED.exec(appliedIn(server)[0] ?? '') ?? [];
    assert.equal(files, freshFiles, `the upgrade applied the layer:\n${server.tail()}`);
    console.log(`figure: start-up on a fresh database ${freshMs} ms (sql/functions/: ${freshFiles} files `
      + `in ${freshLayerMs} ms), on an unchanged one ${unchangedMs} ms; upgrading a database of the old `
      + `migrations ${upgradeMs} ms (sql/functions/ in ${layerMs} ms)`);

    const after = await catalog(old.url);
    assert.deepEqual(after, await catalog(fresh.url), 'the same functions, views and triggers as a fresh database');
    // nothing of the old catalog is left over that the layer does not define (equality with a
    // fresh database says it); what the layer added since 035 is there
    const names = (rows) => new Set(rows.map((r) => r.split(' ').slice(0, 2).join(' ')));
    const added = [...names(after)].filter((n) => !names(before).has(n));
    assert.ok(added.length < after.length / 2, `a few objects added since 035: ${added.join(', ')}`);
    assert.deepEqual(await sql(old.url, 'SELECT checksum FROM schema_functions'),
      await sql(fresh.url, 'SELECT checksum FROM schema_functions'));
    const [[body]] = await sql(old.url, `SELECT md5(prosrc) FROM pg_proc WHERE proname = 'order_place_batch_rows'`);
    assert.equal(body, crypto.createHash('md5').update(layerBody('orders/batch.sql', 'order_place_batch_rows')).digest('hex'),
      'order_place_batch_rows is the one of sql/functions/orders/batch.sql');

    // Orders carry on over the socket, and the kept figures agree with every order.
    const d = dealers[1];
    const { cookie } = await login(server, d.login, d.password);
    const c = await session(server, cookie);
    const variant = fx.products[2].variants[3];
    const r = await c.request('order.place', { fair: fx.fair, key: 'after-upgrade', lines: [{ variant, qty: 2 }] }, 30_000);
    assert.equal(r.ok, true, JSON.stringify(r));
    assert.equal(r.order.dealer, d.dealerId);
    assert.deepEqual(r.order.lines.map((l) => [l.variant, l.qty]), [[variant, 2]]);
    c.close();
    const [[count, cancelled]] = await sql(old.url,
      `SELECT count(*), count(*) FILTER (WHERE status = 'cancelled') FROM orders`);
    assert.deepEqual([Number(count), Number(cancelled)], [placed + 1, 1]);
    assert.deepEqual(await sql(old.url, `SELECT * FROM dashboard_check(${fx.fair})`), [], 'dashboard_check: no drift');
    assert.deepEqual(await creditDrift(old.url), [], 'dealer_credit_drift: none');
  } finally {
    await server.stop();
  }

  // A second start applies nothing: the catalog rows are not even rewritten.
  const xmin = `SELECT (SELECT xmin::text FROM pg_proc WHERE proname = 'order_place_batch'),
    (SELECT applied_at FROM schema_functions)`;
  const [stamp] = await sql(old.url, xmin);
  const second = await startServer({ databaseUrl: old.url, user: false });
  try {
    assert.deepEqual(appliedIn(second), [], 'the second start applied nothing');
    assert.deepEqual((await sql(old.url, xmin))[0], stamp, 'pg_proc and schema_functions untouched');
  } finally {
    await second.stop();
  }

  // fairctl applies the same (it shares dbsetup.c), and then nothing either.
  await fairctl(old.url, ['warehouse']);
  assert.deepEqual((await sql(old.url, xmin))[0], stamp);
});

test('two processes upgrading an older database at once: both come up, the work done once', { timeout: 300_000 }, async () => {
  // At 030, before 031's category and style rows and 035's key triggers: orders placed then
  // must be counted by 031's backfill, written out since the views it read are made later.
  const old = await oldDatabase(30);
  const fx = await makeFair(old.url, { name: '升級測試會二', products: 2 });
  const dealers = [];
  for (let i = 1; i <= 2; i++) dealers.push(await createUser(old.url, { login: `sqlup-e${i}`, role: 'dealer' }));
  await oldOrders(old.url, fx, dealers);

  const servers = await Promise.all([0, 1].map(() => startServer({ databaseUrl: old.url, user: false })));
  try {
    const applied = servers.map((s) => appliedIn(s).length);
    assert.deepEqual(applied.sort(), [0, 1], 'exactly one process applied sql/functions/');
    // the numbered migrations after 030, up to this checkout's newest
    const newest = Math.max(...fs.readdirSync(path.join(SOURCE_DIR, 'sql'))
      .map((f) => /^(\d{3})_.*\.sql$/.exec(f)).filter(Boolean).map((m) => Number(m[1])));
    const migrated = servers.map((s) => s.logs().filter((l) => /applied migration 0(3[1-9]|[4-9]\d)_/.test(l)).length);
    assert.deepEqual(migrated.sort((x, y) => x - y), [0, newest - 30], `exactly one process applied 031..${newest}`);
    assert.deepEqual(await sql(old.url, 'SELECT max(version) FROM schema_migrations'), [[String(newest)]]);
    assert.deepEqual(await sql(old.url, `SELECT * FROM dashboard_check(${fx.fair})`), [],
      'the category and style rows 031 counted match the orders');
    assert.ok(Number((await sql(old.url, 'SELECT count(*) FROM fair_dealer_styles'))[0][0]) > 0);
    assert.deepEqual(await creditDrift(old.url), []);
    // The key triggers of 035 hold: an order line naming no variant is refused.
    await assert.rejects(sql(old.url, `INSERT INTO order_lines (order_id, variant_id, qty, price)
      SELECT min(id), 999999999, 1, 1 FROM orders`), /violates its key on variant_id/);
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
});

test('with migrate_on_start off, a database whose functions are not this server\'s is refused', async () => {
  const db = await createDatabase({ hint: 'sqlup_off' });
  dbs.push(db);
  await fairctl(db.url, ['warehouse']); // migrated, layer recorded
  await sql(db.url, `UPDATE schema_functions SET checksum = 'an older build'`);
  await assert.rejects(startServer({ databaseUrl: db.url, user: false, env: { FAIR_MIGRATE_ON_START: 'false' } }),
    /functions are not this server's \(sql\/functions\/ changed\) and migrate_on_start is off/);
  const server = await startServer({ databaseUrl: db.url, user: false });
  assert.equal(appliedIn(server).length, 1, 'with it on, the layer is applied');
  await server.stop();
});
