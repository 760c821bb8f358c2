// make bench / make bench-quick: every load scenario against this server and the baselines in
// one invocation, then the table (Markdown and JSON) with the ratios the targets ask for.
//
//   node bench/bench.mjs [--quick] [--out DIR] [--only flash,spread,...] [--keep-db]
//                        [--scale 50000,100000]
//                        [--no-peer] [--fanout-rates 5,40] [--fanout-seconds S]
//
// Needs FAIR_TEST_DATABASE_URL (a user who may create databases: run.sh gives one),
// FAIR_SERVER_BIN and FAIR_LOAD_BIN (make sets them). The server runs on core 0 and the load
// generator (and pgbench) on core 1; PostgreSQL is not pinned. Each scenario gets a freshly
// started server on the same database.
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import {
  createDatabase, createUser, fairctl, openFilesLimit, passwordHash, sql, startServer,
} from '../integration/harness.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const QUICK = args.includes('--quick');
const OUT = args.includes('--out') ? args[args.indexOf('--out') + 1] : path.resolve(HERE, '../../build/bench');
const KEEP_DB = args.includes('--keep-db'); // left for inspection (pg_stat_user_functions)
const ONLY = args.includes('--only') ? new Set(args[args.indexOf('--only') + 1].split(',')) : null;
const LOAD_BIN = process.env.FAIR_LOAD_BIN;
const PG_BIN = '/usr/lib/postgresql/15/bin';
// Descriptors: as many as the hard limit allows (raising it needs CAP_SYS_RESOURCE, which
// this machine's sandbox does not give even to root: 20,000 here, which caps idle and storm).
const NOFILE = openFilesLimit().hard ?? 4096;
// The server takes as many connections as its max_connections, and keeps 1,024 descriptors
// besides them (database, files, workers): idle and storm open a few fewer than that.
const SERVER_MAX_CONNS = Math.max(16, NOFILE - 1024);
const MAX_CONNS = SERVER_MAX_CONNS - 100;
const SERVER_CORE = '0';
const LOAD_CORE = '1';

// Sizes: the issue's targets for `make bench`; small enough for CI with --quick.
const SIZE = QUICK ? {
  dealers: 400, flash: { dealers: 300, stock: 100, rounds: 2 },
  spread: { dealers: 100, seconds: 3, variants: 1000, repeats: 2 },
  fanout: { dealers: 300, rates: [10], seconds: 3 },
  idle: { conns: 500, hold: 2 }, storm: { conns: 500, window: 200, repeats: 2 },
  mixed: { dealers: 300, flash: 150, stock: 50, rounds: 2, gap: 1.5 },
  scale: { crowds: [600], servers: 2, generators: 2 },
  p2: { clients: [16], seconds: 3 },
} : {
  dealers: 10000, flash: { dealers: 5000, stock: 1000, rounds: 10 },
  // spread runs three times, P2's best shape again between them: O2 is the ratio of medians.
  spread: { dealers: 2000, seconds: 30, variants: 1000, repeats: 3 },
  fanout: { dealers: 10000, rates: [5, 10, 20, 40, 80], seconds: 6 },
  // storm: ours and P1 in turns, three times each; C2 is the ratio of the medians.
  idle: { conns: Math.min(50000, MAX_CONNS), hold: 10 }, storm: { conns: Math.min(20000, MAX_CONNS), window: 1000, repeats: 3 },
  mixed: { dealers: 10000, flash: 5000, stock: 1000, rounds: 5, gap: 2.5 },
  // C1 at the issue's sizes, more than one process may hold here: several server processes
  // on one port and several generators (as many as each one's descriptors require).
  scale: { crowds: [50000, 100000] },
  p2: { clients: [16, 64, 256], seconds: 10 },
};

// --fanout-rates 5,40 --fanout-seconds 20: another ladder (for a profile of one rate, say).
if (args.includes('--fanout-rates')) SIZE.fanout.rates = args[args.indexOf('--fanout-rates') + 1].split(',').map(Number);
if (args.includes('--fanout-seconds')) SIZE.fanout.seconds = Number(args[args.indexOf('--fanout-seconds') + 1]);
// --flash-stock 0: the flash with nothing to sell, every order refused from the stock cache
// after its key is looked up: the floor of answering a round's orders on this machine.
if (args.includes('--flash-stock')) SIZE.flash.stock = Number(args[args.indexOf('--flash-stock') + 1]);
if (args.includes('--scale')) SIZE.scale.crowds = args[args.indexOf('--scale') + 1].split(',').map(Number);
const NO_PEER = args.includes('--no-peer'); // P1 is not run (a profile of ours)

const want = (name) => !ONLY || ONLY.has(name);
const log = (...m) => console.error('[bench]', ...m);

function run(file, argv, { env = process.env, timeoutMs = 900_000 } = {}) {
  return new Promise((resolve, reject) => {
    execFile(file, argv, { env, timeout: timeoutMs, maxBuffer: 256 << 20, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${path.basename(file)} ${argv.join(' ')}: ${err.code ?? err.signal}: ${stderr.trim()}`));
      else resolve({ stdout, stderr });
    });
  });
}

// fairload pinned to the load core with a high descriptor limit; resolves with its JSON.
async function load(scenario, options) {
  const argv = [`--nofile=${NOFILE}`, 'taskset', '-c', LOAD_CORE, LOAD_BIN, scenario];
  if (options.server && !options['server-pid']) options = { ...options, 'server-pid': options.server.pid };
  delete options.server;
  for (const [k, v] of Object.entries(options)) {
    if (v === true) argv.push(`--${k}`);
    else if (v !== undefined && v !== false) argv.push(`--${k}`, String(v));
  }
  const { stdout, stderr } = await run('prlimit', argv);
  if (stderr) process.stderr.write(stderr);
  const result = JSON.parse(stdout.trim().split('\n').pop());
  // The oversold and stored-once checks read what fairload read back from PostgreSQL: a run
  // without it would pass having checked nothing.
  if (options.db && !result.result?.db) {
    throw new Error(`${scenario}: fairload could not read the orders back from PostgreSQL ` +
      `(db: ${JSON.stringify(result.result?.db)}), so nothing could be checked${stderr ? `: ${stderr.trim()}` : ''}`);
  }
  log(`${scenario} (${result.target}): ${summary(result)}`);
  return result;
}

function summary(r) {
  const x = r.result;
  if (r.scenario === 'flash') return `${x.answered_per_s_median.toFixed(0)} answered/s, ack p99 ${x.orders.ack.p99_ms} ms, accepted ${x.orders.accepted}, oversold ${x.db?.oversold_units}`;
  if (r.scenario === 'spread') return `${x.accepted_per_s.toFixed(0)} accepted/s, ack p99 ${x.orders.ack.p99_ms} ms`;
  if (r.scenario === 'fanout') return `${x.fanout.deliveries_per_s.toFixed(0)} deliveries/s, p99 ${x.fanout.latency.p99_ms} ms, ${x.fanout.deliveries}/${x.fanout.expected}`;
  if (r.scenario === 'idle') return `${x.open} open, RSS ${x.server_rss_per_conn_bytes.toFixed(0)} B/conn, kernel ${x.kernel_per_conn_bytes.toFixed(0)} B/conn`;
  if (r.scenario === 'storm') return `${x.upgrades_per_s.toFixed(0)} upgrades/s (${x.upgraded}/${x.requested})`;
  if (r.scenario === 'mixed') return `commit→seen p99 ${x.stock.commit_to_seen.p99_ms} ms, acks p99 ${x.orders.ack.p99_ms} ms, oversold ${x.db?.oversold_units}`;
  return '';
}

// ---------------------------------------------------------------------------------------------
// Machine figures

async function machine(adminUrl) {
  const cpu = (fs.readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/) || [])[1];
  const figures = { cpu, cores: os.cpus().length, memory_gib: Math.round(os.totalmem() / 2 ** 30), kernel: os.release() };
  // fsync latency where PostgreSQL keeps its WAL.
  const [[dataDir]] = await sql(adminUrl, 'show data_directory');
  const file = path.join(fs.existsSync(dataDir) ? dataDir : os.tmpdir(), 'bench_fsync_test');
  try {
    const { stdout } = await run(`${PG_BIN}/pg_test_fsync`, ['-s', QUICK ? '1' : '3', '-f', file]);
    const m = /fdatasync\s+([\d.]+) ops\/sec\s+([\d.]+) usecs\/op/.exec(stdout);
    if (m) figures.fdatasync = { ops_per_s: Number(m[1]), usecs_per_op: Number(m[2]) };
  } catch (err) {
    figures.fdatasync = { error: err.message.split('\n')[0] };
  } finally {
    fs.rmSync(file, { force: true });
  }
  // Waking a process on the other core (as the server wakes for the load generator) and on
  // the same core.
  figures.wakeup_us = {
    cross_core: JSON.parse((await run(LOAD_BIN, ['wakeup'])).stdout).result.wakeup_us,
    same_core: JSON.parse((await run('taskset', ['-c', LOAD_CORE, LOAD_BIN, 'wakeup'])).stdout).result.wakeup_us,
  };
  for (const [key, file2] of [['somaxconn', '/proc/sys/net/core/somaxconn'], ['port_range', '/proc/sys/net/ipv4/ip_local_port_range']]) {
    figures[key] = fs.readFileSync(file2, 'utf8').trim();
  }
  return figures;
}

// ---------------------------------------------------------------------------------------------
// The fair the scenarios use

async function setupFair(dbUrl) {
  const { flash, mixed, spread } = SIZE;
  // Products: BENCH-0 for fanout's price changes, BENCH-1.. one per flash round (one variant
  // each), and the spread pool: BENCH-P1.. with 10 variants each (5 sizes, 2 colours), as a
  // real range is, spread.variants variants in all.
  const hotRounds = flash.rounds + mixed.rounds;
  const poolProducts = Math.ceil(spread.variants / 10);
  await sql(dbUrl, `
    INSERT INTO fairs (name, season, starts_at, ends_at) VALUES ('壓測訂貨會', '2027SS', now() - interval '1 hour', now() + interval '2 days');
    INSERT INTO products (style, name, name_en, category, base_price)
      SELECT 'BENCH-' || i, '壓測款 ' || i, 'Bench style ' || i, '外套', 129900 FROM generate_series(0, ${hotRounds}) i;
    INSERT INTO products (style, name, name_en, category, base_price)
      SELECT 'BENCH-P' || i, '壓測系列 ' || i, 'Bench range ' || i, '上衣', 59900 FROM generate_series(1, ${poolProducts}) i;
    INSERT INTO variants (product_id, size, color, sort)
      SELECT p.id, 'M', '黑色', 1 FROM products p WHERE p.style ~ '^BENCH-[0-9]+$';
    INSERT INTO variants (product_id, size, color, sort)
      SELECT p.id, s.size, c.color, s.n * 2 + c.n FROM products p,
        unnest(ARRAY['S','M','L','XL','XXL']) WITH ORDINALITY s(size, n),
        unnest(ARRAY['黑色','白色']) WITH ORDINALITY c(color, n)
      WHERE p.style LIKE 'BENCH-P%';
    INSERT INTO fair_items (fair_id, product_id, price, sort)
      SELECT f.id, p.id, 99900, p.id FROM fairs f, products p WHERE f.name = '壓測訂貨會' AND p.style LIKE 'BENCH-%';`);
  const [[fair]] = await sql(dbUrl, "SELECT id FROM fairs WHERE name = '壓測訂貨會'");
  const firstVariant = async (style) => Number((await sql(dbUrl, `SELECT v.id FROM variants v
    JOIN products p ON p.id = v.product_id WHERE p.style = '${style}' ORDER BY v.id LIMIT 1`))[0][0]);
  const [[fanoutProduct]] = await sql(dbUrl, "SELECT id FROM products WHERE style = 'BENCH-0'");
  const flashVariants = [];
  for (let i = 1; i <= flash.rounds; i++) flashVariants.push(await firstVariant(`BENCH-${i}`));
  const mixedVariants = [];
  for (let i = flash.rounds + 1; i <= hotRounds; i++) mixedVariants.push(await firstVariant(`BENCH-${i}`));
  const spreadVariants = (await sql(dbUrl, `SELECT v.id FROM variants v JOIN products p ON p.id = v.product_id
    WHERE p.style LIKE 'BENCH-P%' ORDER BY v.id LIMIT ${spread.variants}`)).map(([id]) => Number(id));
  await sql(dbUrl, `
    INSERT INTO stock (fair_id, product_id, variant_id, allocation)
      SELECT ${fair}, v.product_id, v.id, CASE WHEN v.id = ANY('{${flashVariants}}') THEN ${flash.stock}
        WHEN v.id = ANY('{${mixedVariants}}') THEN ${mixed.stock} ELSE 100000000 END
      FROM variants v JOIN products p ON p.id = v.product_id WHERE p.style LIKE 'BENCH-%'`);
  return { fair: Number(fair), fanoutProduct: Number(fanoutProduct), flashVariants, mixedVariants, spreadVariants };
}

// Dealers with sessions minted in bulk (fairctl mint-sessions), written to a cookie file.
async function mintDealers(dbUrl, count, file) {
  const login = "'bd' || CASE WHEN i < 1000 THEN lpad(i::text, 3, '0') ELSE i::text END";
  await sql(dbUrl, `
    INSERT INTO dealers (code, name, region, tier, credit_limit)
      SELECT 'BD' || i, '壓測經銷商 ' || i, '華東', (ARRAY['A','B','C'])[1 + i % 3], 100000000000000 FROM generate_series(1, ${count}) i;
    INSERT INTO users (login, name, role, dealer_id, password_hash)
      SELECT ${login}, '店長 ' || i, 'dealer', d.id, '${passwordHash('unused-password-1')}' FROM generate_series(1, ${count}) i JOIN dealers d ON d.code = 'BD' || i`);
  const { stdout } = await fairctl(dbUrl, ['mint-sessions', '--prefix', 'bd', '--count', String(count)]);
  fs.writeFileSync(file, stdout);
  const rep = await createUser(dbUrl, { login: 'bench-rep', role: 'rep' });
  const { stdout: repLine } = await fairctl(dbUrl, ['mint-sessions', rep.login]);
  return repLine.trim().split('\t')[1];
}

// ---------------------------------------------------------------------------------------------
// Servers under test

let serverRuns = 0;

// `count` server processes on one port (SO_REUSEPORT: the kernel spreads the connections),
// all on the server core; fn gets the first one's url and pid and every pid. Each process's
// log is kept, numbered in the order the scenarios ran (server-N.log, or server-N.I.log).
async function withOurServers(dbUrl, count, fn) {
  const servers = [];
  const env = {
    FAIR_LOG_LEVEL: 'notice', FAIR_ACCESS_LOG: '0', FAIR_DB_POOL_SIZE: '2',
    FAIR_MAX_CONNECTIONS: String(SERVER_MAX_CONNS), FAIR_LISTEN_SHARE: 'true',
    // every simulated dealer comes from loopback: one address
    FAIR_WS_MAX_PER_ADDRESS: String(SERVER_MAX_CONNS),
    // 100,000 sockets from 10,000 dealers' sessions are 6 to 12 a dealer, spread by the
    // kernel over 7 processes: about one run in six, some process got 9 of one dealer's and
    // closed one (4429, over the default 8 a user), and the stretch counted 99,999 held
    FAIR_WS_MAX_PER_USER: '64',
  };
  const wrapper = ['prlimit', `--nofile=${NOFILE}`, 'taskset', '-c', SERVER_CORE];
  try {
    servers.push(await startServer({ databaseUrl: dbUrl, user: false, wrapper, env }));
    while (servers.length < count) {
      servers.push(await startServer({ databaseUrl: dbUrl, user: false, wrapper,
        env: { ...env, FAIR_PORT: String(servers[0].port) } }));
    }
    return await fn({ url: servers[0].wsUrl, pid: servers[0].proc.pid, pids: servers.map((s) => s.proc.pid), target: 'ours' });
  } finally {
    await Promise.all(servers.map((s) => s.stop({ timeoutMs: 60_000 })));
    const n = ++serverRuns;
    servers.forEach((s, i) => fs.writeFileSync(path.join(OUT, count > 1 ? `server-${n}.${i + 1}.log` : `server-${n}.log`),
      s.logs().join('\n') + '\n'));
  }
}

const withOurServer = (dbUrl, fn) => withOurServers(dbUrl, 1, fn);

const rssKib = (pid) => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
const fdCount = (pid) => fs.readdirSync(`/proc/${pid}/fd`).length;
// What sockets cost the kernel, both ends together (slab and TCP buffer pages), as fairload
// measures it for idle.
function kernelSocketKib() {
  const slab = Number(/Slab:\s+(\d+)/.exec(fs.readFileSync('/proc/meminfo', 'utf8'))?.[1] ?? 0);
  const pages = Number(/TCP:.* mem (\d+)/.exec(fs.readFileSync('/proc/net/sockstat', 'utf8'))?.[1] ?? 0);
  return slab + pages * 4;
}

// C1 with a crowd larger than one process may hold (20,000 descriptors here): `servers`
// processes share the port and `generators` fairload processes each open their part and
// hold it (--hold-for-signal) while this script measures every server's RSS.
async function idleScale(dbUrl, common, conns, servers, generators) {
  return withOurServers(dbUrl, servers, async (s) => {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const rss0 = s.pids.map(rssKib);
    const fd0 = s.pids.map(fdCount);
    const kern0 = kernelSocketKib();
    const started = Date.now();
    const gens = [];
    for (let g = 0; g < generators; g++) {
      const share = Math.floor(conns / generators) + (g < conns % generators ? 1 : 0);
      const proc = spawn('prlimit', [`--nofile=${NOFILE}`, 'taskset', '-c', LOAD_CORE, LOAD_BIN, 'idle',
        '--url', s.url, '--target', s.target, '--cookies', common.cookies, '--conns', String(share),
        '--hold-for-signal'], { stdio: ['ignore', 'pipe', 'pipe'] });
      const out = [];
      proc.stdout.on('data', (d) => out.push(d));
      const holding = new Promise((resolve, reject) => {
        readline.createInterface({ input: proc.stderr }).on('line', (line) => {
          if (/^fairload: holding/.test(line)) resolve(line);
          else process.stderr.write(`[fairload ${g + 1}] ${line}\n`);
        });
        proc.once('exit', (code) => reject(new Error(`fairload ${g + 1} exited with ${code} before holding`)));
      });
      const done = new Promise((resolve) => proc.once('close', () => resolve(Buffer.concat(out).toString())));
      gens.push({ proc, holding, done });
    }
    let reports;
    let timer;
    try {
      const lines = await Promise.race([Promise.all(gens.map((x) => x.holding)),
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('the generators did not open their connections within 300 s')), 300_000)))]);
      clearTimeout(timer);
      const openS = (Date.now() - started) / 1000;
      log(`scale: ${lines.join('; ')} (${openS.toFixed(1)} s)`);
      await new Promise((resolve) => setTimeout(resolve, 2000)); // settle, then measure held
      const rss1 = s.pids.map(rssKib);
      const perProcess = s.pids.map((pid, i) => fdCount(pid) - fd0[i]);
      const kern1 = kernelSocketKib();
      for (const x of gens) x.proc.kill('SIGUSR1');
      reports = (await Promise.all(gens.map((x) => x.done))).map((text) => JSON.parse(text.trim().split('\n').pop()));
      const open = reports.reduce((n, r) => n + r.result.open, 0);
      const rssDelta = rss1.reduce((n, v, i) => n + v - rss0[i], 0);
      const result = {
        servers, generators, requested: conns, open, open_s: openS,
        answered_last_ping: reports.reduce((n, r) => n + r.result.answered_last_ping, 0),
        connections_per_server: perProcess,
        server_rss_before_kib: rss0, server_rss_after_kib: rss1,
        server_rss_per_conn_bytes: open ? rssDelta * 1024 / open : 0,
        kernel_per_conn_bytes: open ? (kern1 - kern0) * 512 / open : 0,
        closes: reports.reduce((n, r) => n + r.result.closes, 0),
      };
      const r = { scenario: 'scale', target: s.target, connections: conns, result, void: false };
      log(`scale (${servers} processes): ${fmt(open)} open of ${fmt(conns)}, RSS ${result.server_rss_per_conn_bytes.toFixed(0)} B/conn, `
        + `kernel ${result.kernel_per_conn_bytes.toFixed(0)} B/conn, per process ${perProcess.join(', ')}`);
      return r;
    } finally {
      clearTimeout(timer);
      for (const x of gens) if (x.proc.exitCode === null) x.proc.kill('SIGKILL');
    }
  });
}

async function withPeer(fn) {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const proc = spawn('prlimit', [`--nofile=${NOFILE}`, 'taskset', '-c', SERVER_CORE, process.execPath,
    path.join(HERE, 'p1-ws-server.mjs'), String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve, reject) => {
    proc.once('exit', (code) => reject(new Error(`P1 exited with ${code}`)));
    readline.createInterface({ input: proc.stdout }).once('line', resolve);
  });
  try {
    return await fn({ url: `ws://127.0.0.1:${port}/ws`, pid: proc.pid, target: 'p1' });
  } finally {
    proc.kill('SIGTERM');
  }
}

// ---------------------------------------------------------------------------------------------
// P2: one transaction per order with pgbench

// P2's shapes: one hot row (beside flash) and 1,000 rows (beside spread).
const P2_SHAPES = { hot: 1, spread: 1000 };

// Runs P2 for the given shapes at every client count (or at `clients` only, marked as a run
// again). make bench runs each shape just before our scenario of the same shape, both after a
// CHECKPOINT: this machine's speed moves by half within ten minutes, so a ratio of runs minutes
// apart would measure the drift as well.
async function p2(adminUrl, results, shapes, clientCounts = SIZE.p2.clients) {
  const db = await createDatabase({ adminUrl, hint: 'bench_p2' });
  const script = path.join(OUT, 'p2-order.sql');
  fs.writeFileSync(script, `-- P2: the usual one-transaction-per-order design.
\\set v random(1, :variants)
\\set d random(1, 100000)
BEGIN;
WITH taken AS (UPDATE p2_stock SET remaining = remaining - 1 WHERE id = :v AND remaining >= 1 RETURNING id)
INSERT INTO p2_orders (variant, dealer, qty) SELECT id, :d, 1 FROM taken;
COMMIT;
`);
  try {
    for (const shape of shapes) {
      const variants = P2_SHAPES[shape];
      for (const clients of clientCounts) {
        await sql(db.url, `DROP TABLE IF EXISTS p2_stock, p2_orders;
          CREATE TABLE p2_stock (id integer PRIMARY KEY, remaining integer NOT NULL CHECK (remaining >= 0));
          CREATE TABLE p2_orders (id bigserial PRIMARY KEY, variant integer NOT NULL, dealer integer NOT NULL,
            qty integer NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
          INSERT INTO p2_stock SELECT i, 1000000000 FROM generate_series(1, ${variants}) i;
          CHECKPOINT;`);
        const started = process.hrtime.bigint();
        const { stdout } = await run('prlimit', [`--nofile=${NOFILE}`, 'taskset', '-c', LOAD_CORE, `${PG_BIN}/pgbench`,
          '-n', '-M', 'prepared', '-c', String(clients), '-j', '2', '-T', String(SIZE.p2.seconds),
          '-D', `variants=${variants}`, '-f', script, '-d', db.url]);
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        const [[orders]] = await sql(db.url, 'SELECT count(*) FROM p2_orders');
        const tps = Number((/tps = ([\d.]+)/.exec(stdout) || [])[1]);
        const latency = Number((/latency average = ([\d.]+) ms/.exec(stdout) || [])[1]);
        const duration = Number((/duration: (\d+) s/.exec(stdout) || [])[1]) || seconds;
        const r = { shape, clients, orders: Number(orders), orders_per_s: Number(orders) / duration, tps, latency_avg_ms: latency,
          again: clientCounts !== SIZE.p2.clients };
        log(`P2 ${shape} ${clients} clients: ${r.orders_per_s.toFixed(0)} orders/s (${latency} ms mean)`);
        results.push(r);
      }
    }
  } finally {
    await db.drop();
  }
}

// ---------------------------------------------------------------------------------------------
// The table

const ratio = (a, b) => (a && b ? a / b : null);
const list = (v) => v.map((n) => fmt(n)).join(', ');
// P2's fastest run of a shape's client ladder (runs made again are at its client count).
const p2BestRun = (runs, shape) => runs.filter((r) => r.shape === shape && !r.again)
  .sort((a, b) => b.orders_per_s - a.orders_per_s)[0];
const median = (v) => {
  const sorted = [...v].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const fmt = (v, d = 0) => (v == null || Number.isNaN(v) ? '—' : Number(v).toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }));

function table(all) {
  const ours = (s) => all.runs.find((r) => r.scenario === s && r.target === 'ours');
  const peer = (s) => all.runs.find((r) => r.scenario === s && r.target === 'p1');
  const p2at = (shape, c) => all.p2.find((r) => r.shape === shape && r.clients === c && !r.again)?.orders_per_s;
  const p2best = (shape) => p2BestRun(all.p2, shape)?.orders_per_s ?? null;
  const maxClients = Math.max(...SIZE.p2.clients);
  const rows = [];
  const verdict = (ok) => (ok == null ? '—' : ok ? 'met' : 'missed');

  const flash = ours('flash');
  if (flash) {
    const x = flash.result;
    const r256 = ratio(x.answered_per_s_median, p2at('hot', maxClients));
    const rBest = ratio(x.answered_per_s_median, p2best('hot'));
    rows.push({ id: 'O1', scenario: `flash: ${flash.connections} dealers, ${x.rounds.length} rounds`,
      ours: `${fmt(x.answered_per_s_median)} answered/s; ack p99 ${fmt(x.orders.ack.p99_ms, 1)} ms; oversold ${x.db?.oversold_units}`,
      peer: `P2 hot row: ${fmt(p2at('hot', maxClients))}/s at ${maxClients} clients, best ${fmt(p2best('hot'))}/s`,
      ratio: `${fmt(r256, 1)}x @${maxClients}; ${fmt(rBest, 1)}x best`,
      target: '≥10x @256, ≥3x best, p99 ≤50 ms, 0 oversold',
      verdict: verdict(x.db?.oversold_units === 0 && r256 >= 10 && rBest >= 3 && x.orders.ack.p99_ms <= 50) });
  }
  const spreads = all.runs.filter((r) => r.scenario === 'spread' && r.target === 'ours');
  if (spreads.length) {
    const spread = spreads[0];
    // The median of our runs against the median of P2's best client count, run between them.
    const bestClients = p2BestRun(all.p2, 'spread')?.clients;
    const p2runs = all.p2.filter((r) => r.shape === 'spread' && r.clients === bestClients).map((r) => r.orders_per_s);
    const x = { ...spread.result, accepted_per_s: median(spreads.map((r) => r.result.accepted_per_s)) };
    const p2med = p2runs.length ? median(p2runs) : null;
    const rBest = ratio(x.accepted_per_s, p2med);
    rows.push({ id: 'O2', scenario: `spread over ${SIZE.spread.variants} variants, ${spread.connections} dealers, ${SIZE.spread.seconds} s, ${spreads.length} runs`,
      ours: `median ${fmt(x.accepted_per_s)} accepted/s (${list(spreads.map((r) => r.result.accepted_per_s))}); `
        + `ack p99 ${list(spreads.map((r) => r.result.orders.ack.p99_ms))} ms; `
        + `stored ${list(spreads.map((r) => r.result.db?.orders_in_db))} of ${list(spreads.map((r) => r.result.orders.accepted))} accepted`,
      peer: `P2 1,000 rows at its best, ${bestClients} clients: median ${fmt(p2med)}/s (${list(p2runs)})`,
      ratio: `${fmt(rBest, 2)}x`, target: '≥1.5x P2 best', verdict: verdict(rBest >= 1.5) });
  }
  const fanouts = (target) => all.runs.filter((r) => r.scenario === 'fanout' && r.target === target)
    .map((r) => ({ ...r.result.fanout, perCoreSecond: r.result.server_cpu_s ? r.result.fanout.deliveries / r.result.server_cpu_s : null }));
  // The highest deliveries/s of the rate ladder whose p99 stayed within 100 ms and lost
  // nothing; and the most deliveries per second of server CPU over the ladder.
  const best = (target) => fanouts(target).filter((f) => f.latency.p99_ms <= 100 && f.deliveries === f.expected)
    .sort((a, b) => b.deliveries_per_s - a.deliveries_per_s)[0];
  const perCore = (target) => Math.max(0, ...fanouts(target).map((f) => f.perCoreSecond ?? 0)) || null;
  const fo = best('ours');
  const fp = best('p1');
  if (all.runs.some((r) => r.scenario === 'fanout')) {
    const top = (target) => fanouts(target).sort((a, b) => b.deliveries_per_s - a.deliveries_per_s)[0];
    const line = (f, any) => (f ? `${fmt(f.deliveries_per_s)} deliveries/s at ${f.rate_per_s}/s; p99 ${fmt(f.latency.p99_ms, 1)} ms`
      : any ? `none within p99 100 ms (best: ${fmt(any.deliveries_per_s)}/s, p99 ${fmt(any.latency.p99_ms, 1)} ms)` : '—');
    rows.push({ id: 'F1', scenario: `fanout to ${fanouts('ours')[0]?.dealers ?? '?'} dealers`,
      ours: `${line(fo, top('ours'))}; ${fmt(perCore('ours'))} per server CPU second`,
      peer: `P1: ${line(fp, top('p1'))}; ${fmt(perCore('p1'))} per CPU second`,
      ratio: `${fmt(ratio(fo?.deliveries_per_s, fp?.deliveries_per_s), 2)}x at p99 ≤100 ms; `
        + `${fmt(ratio(top('ours')?.deliveries_per_s, top('p1')?.deliveries_per_s), 2)}x at each one's most; `
        + `${fmt(ratio(perCore('ours'), perCore('p1')), 2)}x per CPU second`,
      target: '≥2x P1 at p99 ≤100 ms; ≥250,000/s from one core',
      // Each half on its own: a server with a rate within 100 ms beats a peer without one.
      verdict: perCore('ours') == null ? '—'
        : `2x at p99 ≤100 ms ${verdict(fo ? !fp || ratio(fo.deliveries_per_s, fp.deliveries_per_s) >= 2 : false)}`
          + `${!fo && !fp ? ' (neither reaches it)' : ''}; 250,000/s per core ${verdict(perCore('ours') >= 250000)}` });
  }
  const idle = ours('idle');
  const idleP = peer('idle');
  if (idle) {
    const x = idle.result;
    const total = x.server_rss_per_conn_bytes + x.kernel_per_conn_bytes;
    const r = ratio(x.server_rss_per_conn_bytes, idleP?.result.server_rss_per_conn_bytes);
    rows.push({ id: 'C1', scenario: `idle, ${fmt(x.open)} connections`,
      ours: `RSS ${fmt(x.server_rss_per_conn_bytes)} B/conn + kernel ${fmt(x.kernel_per_conn_bytes)} B/conn`,
      peer: idleP ? `P1: RSS ${fmt(idleP.result.server_rss_per_conn_bytes)} B/conn (${fmt(idleP.result.open)} open)` : '—',
      ratio: `${fmt(r, 2)}x`, target: '≤0.2x P1 RSS; user + kernel ≤12 KB',
      verdict: verdict(r != null ? r <= 0.2 && total <= 12 * 1024 : null) });
  }
  for (const sc of all.runs.filter((r) => r.scenario === 'scale')) {
    const x = sc.result;
    const total = x.server_rss_per_conn_bytes + x.kernel_per_conn_bytes;
    const r = ratio(x.server_rss_per_conn_bytes, idleP?.result.server_rss_per_conn_bytes);
    rows.push({ id: 'C1', scenario: `idle, ${fmt(x.requested)} connections over ${x.servers} processes (${x.generators} generators)`,
      ours: `${fmt(x.open)} open, all answered a ping: ${x.answered_last_ping === x.requested ? 'yes' : `no (${fmt(x.answered_last_ping)})`}; `
        + `RSS ${fmt(x.server_rss_per_conn_bytes)} B/conn + kernel ${fmt(x.kernel_per_conn_bytes)} B/conn; per process ${list(x.connections_per_server)}`,
      peer: idleP ? `P1 (one process, ${fmt(idleP.result.open)} open): RSS ${fmt(idleP.result.server_rss_per_conn_bytes)} B/conn` : '—',
      ratio: `${fmt(r, 2)}x`, target: '50,000 (stretch 100,000); ≤0.2x P1 RSS; user + kernel ≤12 KB',
      verdict: `${x.open === x.requested && x.answered_last_ping === x.requested ? 'held' : 'not all held'}; ≤12 KB ${verdict(total <= 12 * 1024)}; 0.2x ${verdict(r != null ? r <= 0.2 : null)}` });
  }
  const storms = (target) => all.runs.filter((r) => r.scenario === 'storm' && r.target === target)
    .map((r) => r.result.upgrades_per_s);
  const storm = ours('storm');
  if (storm) {
    // The median of each one's runs, taken in turns.
    const mine = median(storms('ours'));
    const theirs = storms('p1').length ? median(storms('p1')) : null;
    const r = ratio(mine, theirs);
    rows.push({ id: 'C2', scenario: `storm, ${fmt(storm.result.requested)} connections, ${storms('ours').length} runs each in turns`,
      ours: `median ${fmt(mine)} upgrades/s (${list(storms('ours'))})`,
      peer: theirs ? `P1: median ${fmt(theirs)} upgrades/s (${list(storms('p1'))})` : '—',
      ratio: `${fmt(r, 2)}x`, target: '≥3x P1', verdict: verdict(r != null ? r >= 3 : null) });
  }
  const mixed = ours('mixed');
  if (mixed) {
    const x = mixed.result;
    rows.push({ id: 'E2E', scenario: `mixed, ${mixed.connections - 1} dealers`,
      ours: `commit → stock seen p99 ${fmt(x.stock.commit_to_seen.p99_ms, 1)} ms (p50 ${fmt(x.stock.commit_to_seen.p50_ms, 1)}); oversold ${x.db?.oversold_units}`,
      peer: '—', ratio: '—', target: 'p99 ≤150 ms',
      verdict: verdict(x.stock.commit_to_seen.p99_ms <= 150 && x.db?.oversold_units === 0) });
  }
  return rows;
}

function markdown(all, rows) {
  const m = all.machine;
  const lines = [
    `# Benchmark ${all.quick ? '(quick) ' : ''}— ${all.started}`, '',
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memory_gib} GiB, Linux ${m.kernel}; fdatasync ${m.fdatasync?.usecs_per_op ?? '?'} µs/op; ` +
    `wakeup ${m.wakeup_us?.cross_core ?? '?'} µs across cores, ${m.wakeup_us?.same_core ?? '?'} µs on one core (pipe round trip / 2). Server on core ${SERVER_CORE}, load generator on core ${LOAD_CORE}.`, '',
    '| id | scenario | ours | peer | ratio | target | verdict |', '|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.id} | ${r.scenario} | ${r.ours} | ${r.peer} | ${r.ratio} | ${r.target} | ${r.verdict} |`), '',
    '| P2 shape | clients | orders/s | mean latency ms |', '|---|---|---|---|',
    ...all.p2.map((r) => `| ${r.shape}${r.again ? ' (again)' : ''} | ${r.clients} | ${fmt(r.orders_per_s)} | ${fmt(r.latency_avg_ms, 1)} |`), '',
    '| run | target | load generator CPU % | void |', '|---|---|---|---|',
    ...all.runs.map((r) => `| ${r.scenario}${r.result.fanout ? ` @${r.result.fanout.rate_per_s}/s` : ''} | ${r.target} | ${fmt(r.result.loadgen_cpu_pct ?? r.result.fanout?.loadgen_cpu_pct, 0)} | ${r.void ? 'VOID' : ''} |`),
  ];
  return lines.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------

async function main() {
  if (!LOAD_BIN || !fs.existsSync(LOAD_BIN)) throw new Error('FAIR_LOAD_BIN (the fairload binary) is not set or missing: build first');
  fs.mkdirSync(OUT, { recursive: true });
  const adminUrl = process.env.FAIR_TEST_DATABASE_URL;
  const all = { started: new Date().toISOString(), quick: QUICK, size: SIZE, machine: await machine(adminUrl), runs: [], p2: [] };
  log('machine', JSON.stringify(all.machine));

  const db = await createDatabase({ adminUrl, hint: 'bench' });
  const cookies = path.join(OUT, 'dealers.tsv');
  const runId = `b${Date.now().toString(36)}`;
  let failed = null;
  try {
    // The first start migrates the database; the fair and the sessions come after.
    await withOurServer(db.url, async () => {});
    const fair = await setupFair(db.url);
    const staff = await mintDealers(db.url, SIZE.dealers, cookies);
    const common = { cookies, fair: fair.fair };
    const push = (r) => all.runs.push(r);

    // P2 runs beside the scenario of its shape (see p2); a shape whose scenario is not run
    // is measured at the end.
    const p2Left = new Set(want('p2') ? Object.keys(P2_SHAPES) : []);
    const p2Beside = async (shape) => {
      if (!p2Left.delete(shape)) return;
      await p2(adminUrl, all.p2, [shape]);
      await sql(db.url, 'CHECKPOINT');
    };
    // P2 again at the client count where it was fastest, between two of our runs.
    const p2Again = async (shape) => {
      const best = p2BestRun(all.p2, shape);
      if (!best) return;
      await p2(adminUrl, all.p2, [shape], [best.clients]);
      await sql(db.url, 'CHECKPOINT');
    };
    if (want('flash')) {
      await p2Beside('hot');
      await withOurServer(db.url, async (s) => push(await load('flash', { ...common, server: s, url: s.url, target: s.target,
        conns: SIZE.flash.dealers, join: true, rounds: SIZE.flash.rounds, variants: fair.flashVariants.join(','),
        db: db.url, 'run-id': `${runId}f` })));
    }
    if (want('spread')) {
      await p2Beside('spread');
      for (let i = 0; i < SIZE.spread.repeats; i++) {
        if (i > 0) await p2Again('spread');
        await withOurServer(db.url, async (s) => push(await load('spread', { ...common, server: s, url: s.url, target: s.target,
          conns: SIZE.spread.dealers, duration: SIZE.spread.seconds, variants: fair.spreadVariants.join(','),
          db: db.url, 'run-id': `${runId}s${i}` })));
      }
    }
    if (want('fanout')) {
      for (const server of [withOurServer.bind(null, db.url), ...(NO_PEER ? [] : [withPeer])]) {
        for (const rate of SIZE.fanout.rates) {
          const r = await server(async (s) => load('fanout', { ...common, server: s, url: s.url, target: s.target,
            conns: SIZE.fanout.dealers, join: true, staff, product: fair.fanoutProduct, rate, duration: SIZE.fanout.seconds }));
          push(r);
          const f = r.result.fanout;
          // Up the ladder while everything arrives: its top is the most this pairing delivers
          // (p99 is recorded at each rate, from the kernel's receive time of each frame, so
          // the generator's own turn to read 10,000 frames is not counted; one pass of the
          // server over 10,000 sessions is 100-200 ms of sends here: see docs/BENCHMARKS.md).
          if (f.deliveries < f.expected || f.latency.p99_ms > 1000) break;
        }
      }
    }
    if (want('idle')) {
      for (const server of [withOurServer.bind(null, db.url), ...(NO_PEER ? [] : [withPeer])]) {
        push(await server(async (s) => load('idle', { ...common, server: s, url: s.url, target: s.target,
          conns: SIZE.idle.conns, 'server-pid': s.pid, hold: SIZE.idle.hold })));
      }
    }
    if (want('scale')) {
      for (const conns of SIZE.scale.crowds) {
        // Room for the kernel's uneven spread over the processes: a fifth of each one's share.
        const servers = SIZE.scale.servers ?? Math.ceil(conns / (0.8 * SERVER_MAX_CONNS));
        const generators = SIZE.scale.generators ?? Math.ceil(conns / MAX_CONNS);
        push(await idleScale(db.url, common, conns, servers, generators));
      }
    }
    if (want('storm')) {
      for (let i = 0; i < SIZE.storm.repeats; i++) {
        for (const server of [withOurServer.bind(null, db.url), ...(NO_PEER ? [] : [withPeer])]) {
          push(await server(async (s) => load('storm', { ...common, server: s, url: s.url, target: s.target,
            conns: SIZE.storm.conns, window: SIZE.storm.window })));
        }
      }
    }
    if (want('mixed')) {
      await withOurServer(db.url, async (s) => push(await load('mixed', { ...common, server: s, url: s.url, target: s.target,
        conns: SIZE.mixed.dealers, join: true, staff, product: fair.fanoutProduct, rate: 2, 'qa-rate': 5,
        'flash-dealers': SIZE.mixed.flash, rounds: SIZE.mixed.rounds, gap: SIZE.mixed.gap,
        variants: fair.mixedVariants.join(','), db: db.url, 'run-id': `${runId}m` })));
    }
    if (p2Left.size) await p2(adminUrl, all.p2, [...p2Left]);
  } catch (err) {
    failed = err;
  } finally {
    if (KEEP_DB) log(`database kept: ${db.url}`);
    else await db.drop();
  }

  const rows = table(all);
  all.table = rows;
  fs.writeFileSync(path.join(OUT, 'results.json'), JSON.stringify(all, null, 2));
  fs.writeFileSync(path.join(OUT, 'results.md'), markdown(all, rows));
  process.stdout.write(markdown(all, rows));
  log(`written ${path.join(OUT, 'results.md')} and results.json`);
  if (failed) throw failed;

  // What must hold whatever the speed: nothing oversold, every accepted order stored once,
  // each dealer's kept open credit equal to its open orders, every connection of a crowd
  // held by processes that each took their share, and no void run (the generator was not
  // the bottleneck).
  const problems = [];
  for (const r of all.runs) {
    const d = r.result.db;
    if (d && d.oversold_units !== 0) problems.push(`${r.scenario}: ${d.oversold_units} units oversold`);
    if (d && d.stock_sold_over_allocation !== 0) problems.push(`${r.scenario}: stock.sold over allocation`);
    if (d && d.credit_drift !== 0) problems.push(`${r.scenario}: ${d.credit_drift} dealers' kept open credit differs from their orders`);
    if (d && r.result.orders && d.orders_in_db !== r.result.orders.accepted) {
      problems.push(`${r.scenario}: ${r.result.orders.accepted} accepted replies but ${d.orders_in_db} orders stored`);
    }
    if (r.result.orders && r.result.orders.answered !== r.result.orders.sent) {
      problems.push(`${r.scenario}: ${r.result.orders.sent - r.result.orders.answered} orders unanswered`);
    }
    if (r.join_failed) problems.push(`${r.scenario} (${r.target}): ${r.join_failed} joins refused after retries (${r.first_join_error})`);
    if (r.scenario === 'scale') {
      const x = r.result;
      if (x.open < x.requested || x.answered_last_ping < x.requested) {
        problems.push(`scale: ${x.open} of ${x.requested} held, ${x.answered_last_ping} answered the last ping`);
      }
      if (x.connections_per_server.some((n) => n <= 0)) problems.push(`scale: a server process got no connection (${x.connections_per_server.join(', ')})`);
      continue;
    }
    if (r.hellos < r.connections && r.scenario !== 'storm') problems.push(`${r.scenario} (${r.target}): ${r.connections - r.hellos} connections never said hello`);
  }
  if (problems.length) throw new Error(`benchmark checks failed:\n  ${problems.join('\n  ')}`);
}

main().catch((err) => {
  console.error(`[bench] ${err.stack || err.message}`);
  process.exit(1);
});
