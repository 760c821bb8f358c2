// PostgreSQL goes away under a running server and comes back (DESIGN.md: the loop never
// blocks on the database; `unavailable` means nothing was done). The server runs on a
// throw-away cluster of its own, so stopping it disturbs no other test.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startPrivatePostgres, startServer, connect, httpGet, waitFor, makeFair, mintDealers, openPsql, sql,
} from './harness.mjs';

let pg;
let server;

before(async () => {
  pg = await startPrivatePostgres();
  // Short enough for the test to see a lost batch answered in_doubt.
  server = await startServer({ databaseUrl: pg.url, env: { FAIR_ORDERS_RESOLVE_MS: '2000' } });
});

after(async () => {
  try {
    if (server) await server.stop();
  } finally {
    if (pg) await pg.destroy();
  }
});

const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`;

test('the server reports PostgreSQL down, keeps serving what it can, and recovers by itself', { timeout: 240_000 }, async () => {
  // Up: healthy, and database-backed ops work.
  assert.equal((await httpGet(`${server.url}/healthz`)).status, 200);
  const client = await connect(server);
  await client.next('hello', 10_000);
  const before = await client.request('fairs.list');
  assert.equal(before.ok, true, `fairs.list with PostgreSQL up: ${JSON.stringify(before)}`);
  const joinFair = await makeFair(pg.url, { name: '斷線測試會' });

  // Down.
  const stoppedAt = Date.now();
  await pg.stop();
  const stopTook = Date.now() - stoppedAt;
  await waitFor(async () => (await httpGet(`${server.url}/healthz`)).status === 503, {
    timeoutMs: 30_000,
    what: '/healthz to answer 503 with PostgreSQL stopped',
  });
  const noticed = Date.now() - stoppedAt;
  console.log(`PostgreSQL stopped in ${seconds(stopTook)}; /healthz answered 503 ${seconds(noticed)} after the stop began`);

  const t0 = Date.now();
  const down = await client.request('fairs.list', {}, 30_000);
  const downTook = Date.now() - t0;
  console.log(`fairs.list with PostgreSQL down answered ${JSON.stringify(down.error?.code ?? down.ok)} in ${downTook} ms`);
  assert.equal(down.ok, false, `fairs.list with PostgreSQL down: ${JSON.stringify(down)}`);
  assert.equal(down.error.code, 'unavailable');
  assert.ok(downTook < 10_000, `unavailable came quickly (${downTook} ms)`);

  // Joins wait at the fair's gate for one read together: down, they are all refused at once.
  const t1 = Date.now();
  const joins = await Promise.all([1, 2, 3].map(() => client.request('join', { fair: joinFair.fair }, 30_000)));
  console.log(`3 joins with PostgreSQL down answered ${joins.map((j) => j.error?.code ?? j.ok)} in ${Date.now() - t1} ms`);
  for (const j of joins) assert.equal(j.error?.code, 'unavailable', JSON.stringify(j));

  const pong = await client.request('ping', {}, 5_000);
  assert.equal(pong.ok, true, 'ping needs no database');
  assert.ok(client.isOpen, 'the WebSocket survived the database outage');

  // Up again, without touching the server.
  const startedAt = Date.now();
  await pg.start();
  const startTook = Date.now() - startedAt;
  await waitFor(async () => (await httpGet(`${server.url}/healthz`)).status === 200, {
    timeoutMs: 60_000,
    what: '/healthz to answer 200 again after PostgreSQL restarted',
  });
  const healthy = Date.now() - startedAt;
  const after = await waitFor(
    async () => {
      const reply = await client.request('fairs.list', {}, 10_000);
      return reply.ok ? reply : false;
    },
    { timeoutMs: 30_000, intervalMs: 200, what: 'fairs.list to succeed again' },
  );
  const recovered = Date.now() - startedAt;
  const joined = await client.request('join', { fair: joinFair.fair }, 10_000);
  assert.equal(joined.ok, true, `join after recovery: ${JSON.stringify(joined).slice(0, 200)}`);
  console.log(
    `PostgreSQL started in ${seconds(startTook)}; /healthz 200 after ${seconds(healthy)}, ` +
      `fairs.list ok after ${seconds(recovered)} (from the start command)`,
  );
  assert.equal(after.ok, true);
  assert.ok(client.isOpen, 'the same WebSocket still works');
  assert.equal((await client.request('ping')).ok, true);
  await client.close();

  // A new connection is served normally.
  const fresh = await connect(server);
  const hello = await fresh.next('hello', 10_000);
  assert.ok(Array.isArray(hello.fairs));
  await fresh.close();
});

test('orders while PostgreSQL goes away: in_doubt for a batch lost in flight, unavailable at once while down, then orders again', { timeout: 240_000 }, async () => {
  const fair = await makeFair(pg.url, { name: '斷線訂單' });
  const variant = fair.products[0].variants[0];
  const [dealer] = await mintDealers(pg.url, 1, { prefix: 'down' });
  const client = await connect(server, { cookie: dealer.cookie });
  await client.next('hello', 10_000);
  const order = (key) => client.request('order.place', { fair: fair.fair, key, lines: [{ variant, qty: 1 }] }, 60_000);
  assert.equal((await order('before')).ok, true);

  // A batch held in flight by a lock on the dealer's row when PostgreSQL crashes: it cannot
  // have committed, but the server cannot know that until the database is back.
  const psql = openPsql(pg.url);
  try {
    await psql.query(`BEGIN; SELECT 1 FROM dealers WHERE id = ${dealer.dealerId} FOR UPDATE`);
    const held = order('held');
    await waitFor(async () => (await sql(pg.url, `SELECT count(*) FROM pg_stat_activity
        WHERE datname = current_database() AND query LIKE '%order_place_batch%'
        AND wait_event_type = 'Lock'`))[0][0] === '1',
    { timeoutMs: 20_000, what: 'the batch to wait for the lock' });
    const stoppedAt = Date.now();
    await pg.crash();
    const lost = await held;
    console.log(`the order in flight answered ${lost.error?.code} ${Date.now() - stoppedAt} ms after the crash began`);
    assert.equal(lost.error?.code, 'in_doubt', JSON.stringify(lost));
  } finally {
    psql.close();
  }

  const t0 = Date.now();
  const down = await order('while-down');
  const took = Date.now() - t0;
  console.log(`order.place with PostgreSQL down answered ${down.error?.code} in ${took} ms`);
  assert.equal(down.error?.code, 'unavailable');
  assert.ok(took < 5_000, `unavailable came at once (${took} ms)`);

  await pg.start();
  const retried = await waitFor(async () => {
    const reply = await order('held');
    return reply.ok ? reply : false;
  }, { timeoutMs: 60_000, intervalMs: 250, what: 'the in-doubt order to be retried' });
  assert.equal(retried.duplicate, false, 'the lost batch never committed (its backend was stopped)');
  const rows = await sql(pg.url, `SELECT key FROM orders WHERE dealer_id = ${dealer.dealerId} ORDER BY id`);
  assert.deepEqual(rows.map(([key]) => key), ['before', 'held'], 'each order once, the refused one not at all');
  await client.close();
});
