// Several server processes on one port and one database, the fair list kept current through
// LISTEN/NOTIFY, clean shutdown, hostile upgrade requests, and the metrics endpoint.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { createDatabase, startServer, connect, httpGet, sql, waitFor } from './harness.mjs';

let db;

before(async () => {
  db = await createDatabase();
});

after(async () => {
  if (db) await db.drop();
});

async function hello(server) {
  const client = await connect(server);
  const msg = await client.next('hello', 10_000);
  await client.close();
  return msg;
}

/**
 * Sends raw bytes on a fresh TCP connection and returns what came back once the response
 * headers are complete (a keep-alive connection stays open after them) or it closed.
 */
function rawExchange(port, text, timeoutMs = 5_000) {
  return new Promise((resolve) => {
    const chunks = [];
    const sock = net.connect(port, '127.0.0.1', () => sock.write(text));
    const done = () => resolve(Buffer.concat(chunks).toString('latin1'));
    sock.setTimeout(timeoutMs, () => sock.destroy());
    sock.on('data', (d) => {
      chunks.push(d);
      if (Buffer.concat(chunks).includes('\r\n\r\n')) sock.destroy();
    });
    sock.on('close', done);
    sock.on('error', () => {});
  });
}

test('a port is shared only when asked, and only with a server of the same database and configuration', { timeout: 120_000 }, async () => {
  // Not asked: the second server stops, naming the setting.
  const alone = await startServer({ databaseUrl: db.url, user: false });
  try {
    await assert.rejects(startServer({ databaseUrl: db.url, user: false, env: { FAIR_PORT: String(alone.port) } }),
      /cannot listen on 127\.0\.0\.1:\d+: Address already in use \(another server runs there; several processes of one fair share a port with listen_share\)/);
    await assert.rejects(startServer({ databaseUrl: db.url, user: false,
      env: { FAIR_PORT: String(alone.port), FAIR_LISTEN_SHARE: 'true' } }),
    /will not share the port: port \d+ on 127\.0\.0\.1 is served by a fairserver of another database or configuration/,
    'a sharing server does not join one that did not ask to share');
  } finally {
    await alone.stop();
  }

  const shared = await startServer({ databaseUrl: db.url, user: false, env: { FAIR_LISTEN_SHARE: 'true' } });
  const other = await createDatabase();
  try {
    // Another database (another checkout's server, say): refused before it binds.
    await assert.rejects(startServer({ databaseUrl: other.url, user: false,
      env: { FAIR_PORT: String(shared.port), FAIR_LISTEN_SHARE: 'true' } }),
    /will not share the port: .*a fairserver of another database or configuration \(instance [0-9a-f]{16}, ours [0-9a-f]{16}\)/);
    // The same database with another configuration: refused too.
    await assert.rejects(startServer({ databaseUrl: db.url, user: false,
      env: { FAIR_PORT: String(shared.port), FAIR_LISTEN_SHARE: 'true', FAIR_WS_MAX_INFLIGHT: '7' } }),
    /will not share the port: .*another database or configuration/);
    const health = JSON.parse((await httpGet(`${shared.url}/healthz`)).body);
    assert.match(health.instance, /^[0-9a-f]{16}$/);
    // Everyone was refused: every connection still reaches the one server.
    for (let i = 0; i < 5; i++) assert.equal(JSON.parse((await httpGet(`${shared.url}/healthz`)).body).instance, health.instance);
  } finally {
    await shared.stop();
    await other.drop();
  }
});

test('two processes share a port; fair changes reach both through NOTIFY; one stops cleanly', { timeout: 180_000 }, async () => {
  // 12 clients of the test's one user, spread by the kernel: more than ws_max_per_user may land
  // on one process
  const shared = { FAIR_LISTEN_SHARE: 'true', FAIR_WS_MAX_PER_USER: '100' };
  const a = await startServer({ databaseUrl: db.url, env: shared });
  const b = await startServer({ databaseUrl: db.url, env: { ...shared, FAIR_PORT: String(a.port) } });
  assert.equal(b.port, a.port, 'the second process bound the same port (SO_REUSEPORT)');
  try {
    assert.deepEqual((await hello(a)).fairs, []);

    const t0 = Date.now();
    await sql(db.url, `INSERT INTO fairs (name, season, starts_at, ends_at) VALUES
      ('2027 春夏訂貨會', '2027SS', now() - interval '1 hour', now() + interval '2 days'),
      ('2027 秋冬訂貨會', '2027AW', now() + interval '30 days', now() + interval '32 days')`);
    // Connections spread over both processes: every hello must show the new fairs.
    await waitFor(async () => {
      for (let i = 0; i < 6; i++) {
        const names = (await hello(a)).fairs.map((f) => `${f.name}:${f.status}`);
        if (!names.includes('2027 春夏訂貨會:live') || !names.includes('2027 秋冬訂貨會:scheduled')) return false;
      }
      return true;
    }, { timeoutMs: 15_000, what: 'both processes to list the new fairs' });
    console.log(`new fairs visible in hellos ${Date.now() - t0} ms after the INSERT`);

    // Clients spread over both processes; stopping one closes its clients with 1001 only.
    const clients = [];
    for (let i = 0; i < 12; i++) {
      const c = await connect(a);
      await c.next('hello', 10_000);
      clients.push(c);
    }
    await a.stop(); // asserts exit code 0 and no sanitizer report
    const closed = clients.filter((c) => !c.isOpen);
    for (const c of closed) assert.equal(c.closeInfo.code, 1001, 'closed with going away');
    for (const c of clients.filter((c) => c.isOpen)) assert.equal((await c.request('ping')).ok, true);
    console.log(`${closed.length} of ${clients.length} clients were on the stopped process`);

    // The port still serves, from the other process, which still follows NOTIFY.
    await sql(db.url, `UPDATE fairs SET status_override = 'paused' WHERE season = '2027SS'`);
    await waitFor(async () => (await hello(b)).fairs.some((f) => f.season === '2027SS' && f.status === 'paused'),
      { timeoutMs: 15_000, what: 'the paused status to reach the remaining process' });
    const listed = await (async () => {
      const c = await connect(b);
      await c.next('hello');
      const reply = await c.request('fairs.list', { limit: 1 });
      await c.close();
      return reply;
    })();
    assert.equal(listed.ok, true);
    assert.equal(listed.fairs.length, 1, 'limit applies');
    assert.equal(listed.fairs[0].season, '2027AW', 'newest start first');
    for (const c of clients) if (c.isOpen) await c.close();
  } finally {
    if (a.proc.exitCode === null) await a.stop();
    await b.stop();
  }
});

test('hostile upgrade requests get an HTTP answer and the server keeps serving', { timeout: 120_000 }, async () => {
  const server = await startServer({ databaseUrl: db.url });
  try {
    const key = 'dGhlIHNhbXBsZSBub25jZQ==';
    const cases = [
      `GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n`,
      `GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: h2c\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: fair.v1\r\n\r\n`,
      `GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: foo\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      `GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket, foo\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: fair.v1\r\n\r\n`,
      `GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: \r\n\r\n`,
      `GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: fair.v1\r\n\r\n`,
      `GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 99\r\n\r\n`,
    ];
    for (const request of cases) {
      const answer = await rawExchange(server.port, request);
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(answer);
      assert.ok(status, `an HTTP status line for ${JSON.stringify(request.slice(0, 80))}: got ${JSON.stringify(answer.slice(0, 80))}`);
      assert.notEqual(status[1], '101', `no upgrade for ${JSON.stringify(request.slice(0, 80))}`);
    }
    const client = await connect(server);
    await client.next('hello');
    assert.equal((await client.request('ping')).ok, true, 'still serving after the hostile requests');
    await client.close();
  } finally {
    await server.stop();
  }
});

test('/metrics answers Prometheus text on loopback', { timeout: 60_000 }, async () => {
  const server = await startServer({ databaseUrl: db.url });
  try {
    const client = await connect(server);
    await client.next('hello');
    await client.request('ping');
    await client.request('no.such.op');
    const res = await httpGet(`${server.url}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers['content-type'], /^text\/plain/);
    assert.match(res.body, /^fair_ws_sessions 1$/m);
    assert.match(res.body, /^fair_db_up 1$/m);
    assert.match(res.body, /^fair_ws_errors_total\{code="bad_request"\} [1-9]\d*$/m);
    assert.match(res.body, /^fair_ws_requests_total [1-9]\d*$/m);
    await client.close();
  } finally {
    await server.stop();
  }
});
