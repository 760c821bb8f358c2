// The envelope (PROTOCOL.md "Transport", "Envelope", "On connect") against the real server:
// hello, ping, rid echo, bad_request for every kind of malformed message, the upgrade's
// subprotocol and Origin checks, and the plain HTTP routes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createDatabase, startServer, connect, httpGet, sql, waitFor, RFC3339_MS } from './harness.mjs';

let db;
let server;

before(async () => {
  db = await createDatabase();
  server = await startServer({ databaseUrl: db.url });
});

after(async () => {
  try {
    if (server) await server.stop();
  } finally {
    if (db) await db.drop();
  }
});

/** A connection that has received its hello. */
async function open(options) {
  const client = await connect(server, options);
  await client.next('hello', 10_000);
  return client;
}

function assertError(reply, code, re) {
  assert.equal(reply.ok, false, `expected an error reply, got ${JSON.stringify(reply)}`);
  assert.equal(reply.re, re, `re of ${JSON.stringify(reply)}`);
  assert.equal(typeof reply.error, 'object');
  assert.equal(reply.error.code, code, `error code of ${JSON.stringify(reply)}`);
  assert.equal(typeof reply.error.message, 'string', `error.message of ${JSON.stringify(reply)}`);
  assert.ok(reply.error.message.length > 0, 'error.message is not empty');
}

async function assertAlive(client) {
  const pong = await client.request('ping');
  assert.equal(pong.ok, true, `ping after the errors: ${JSON.stringify(pong)}`);
  assert.ok(client.isOpen, 'connection still open');
}

test('hello is the first message on connect', { timeout: 30_000 }, async () => {
  // A fair of each status, so the loop over hello.fairs below has something to check.
  await sql(db.url, `INSERT INTO fairs (name, season, starts_at, ends_at, status_override) VALUES
    ('開場中', '2027SS', now() - interval '1 hour', now() + interval '1 day', NULL),
    ('未開場', '2027AW', now() + interval '1 day', now() + interval '2 days', NULL),
    ('暫停中', '2027PS', now() - interval '1 hour', now() + interval '1 day', 'paused'),
    ('已結束', '2026AW', now() - interval '2 days', now() - interval '1 day', NULL)`);
  // The process learns of them by NOTIFY: wait until a hello lists them.
  await waitFor(async () => {
    const c = await connect(server);
    const first = await c.next(() => true, 10_000);
    await c.close();
    return first.fairs?.length === 4;
  }, { what: 'a hello listing the four fairs' });
  const client = await connect(server);
  assert.equal(client.ws.protocol, 'fair.v1', 'the server selected the fair.v1 subprotocol');
  const hello = await client.next(() => true, 10_000);
  assert.equal(hello.ev, 'hello', `first message: ${JSON.stringify(hello)}`);
  assert.equal(typeof hello.user, 'object');
  assert.notEqual(hello.user, null);
  assert.match(hello.server_time, RFC3339_MS);
  const skew = Math.abs(Date.parse(hello.server_time) - Date.now());
  assert.ok(skew < 60_000, `server_time ${hello.server_time} is ${skew} ms off this machine's clock`);
  assert.ok(Array.isArray(hello.fairs), 'fairs is an array');
  assert.deepEqual(hello.fairs.map((f) => f.status).sort(), ['closed', 'live', 'paused', 'scheduled']);
  for (const fair of hello.fairs) {
    for (const key of ['id', 'name', 'season', 'status', 'starts_at', 'ends_at', 'timezone', 'currency']) {
      assert.ok(key in fair, `fair has ${key}: ${JSON.stringify(fair)}`);
    }
    assert.ok(['scheduled', 'live', 'paused', 'closed'].includes(fair.status), `fair status ${fair.status}`);
    assert.equal(Number.isInteger(fair.id), true, 'fair ids are integers');
  }
  await client.close();
});

test('ping answers {re, ok: true, server_time}', { timeout: 30_000 }, async () => {
  const client = await open();
  const reply = await client.request('ping', { rid: 1 });
  assert.equal(reply.re, 1);
  assert.equal(reply.ok, true);
  assert.match(reply.server_time, RFC3339_MS);
  assert.ok(Math.abs(Date.parse(reply.server_time) - Date.now()) < 60_000);
  await client.close();
});

test('rid is echoed as given, number or string', { timeout: 30_000 }, async () => {
  const client = await open();
  for (const rid of [42, 0, 4294967297, 'abc', 'ключ-键-🔑']) {
    const reply = await client.request('ping', { rid });
    assert.equal(reply.ok, true);
    assert.equal(reply.re, rid, `rid ${JSON.stringify(rid)} echoed`);
    assert.equal(typeof reply.re, typeof rid, 'same JSON type');
  }
  // Several in flight at once: each reply carries its own rid.
  const rids = [101, 'b', 103];
  const replies = await Promise.all(rids.map((rid) => client.request('ping', { rid })));
  assert.deepEqual(replies.map((r) => r.re), rids);
  await client.close();
});

test('messages that cannot be read answer bad_request with re: null', { timeout: 60_000 }, async () => {
  const client = await open();
  const nested = (depth) => `{"op":"ping","rid":9,"x":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}`;
  const cases = [
    ['invalid JSON', '{not json'],
    ['truncated JSON', '{"op":"ping","rid":1'],
    ['empty text', ''],
    // Depth counts the top-level object as level 1: 17 levels is one too many.
    ['nested 17 deep', nested(17)],
    ['nested 100 deep', nested(100)],
    ['nested 3000 deep (past jansson own limit)', nested(3000)],
    ['duplicate keys', '{"op":"ping","rid":3,"x":1,"x":2}'],
    ['an array', '[{"op":"ping","rid":1}]'],
    ['a string', '"ping"'],
    ['a number', '42'],
    ['null', 'null'],
  ];
  assert.ok(cases.length <= 20, 'stay under the abuse limit of 20 bad messages a minute');
  for (const [name, text] of cases) {
    client.sendRaw(text);
    const reply = await client.next((m) => 're' in m, 5_000).catch((err) => {
      throw new Error(`${name}: ${err.message}`);
    });
    assert.equal(reply.re, null, `${name}: re`);
    assertError(reply, 'bad_request', null);
  }
  await assertAlive(client);
  await client.close();
});

test('requests with a readable rid but bad content answer bad_request with that rid', { timeout: 60_000 }, async () => {
  const client = await open();
  // fairs.list {limit?} takes an integer 1..100: a number written as a float is not one.
  const cases = [
    ['limit 1.0', '{"rid":11,"op":"fairs.list","limit":1.0}', 11],
    ['limit 1e3', '{"rid":12,"op":"fairs.list","limit":1e3}', 12],
    ['limit 1E1', '{"rid":"e","op":"fairs.list","limit":1E1}', 'e'],
    ['limit as a string', '{"rid":13,"op":"fairs.list","limit":"5"}', 13],
    ['limit 0', '{"rid":14,"op":"fairs.list","limit":0}', 14],
    ['limit 101', '{"rid":15,"op":"fairs.list","limit":101}', 15],
    ['missing op', '{"rid":16}', 16],
    ['op not a string', '{"rid":17,"op":5}', 17],
    ['unknown op', '{"rid":"u","op":"no.such.op"}', 'u'],
  ];
  for (const [name, text, rid] of cases) {
    client.sendRaw(text);
    const reply = await client.next((m) => m.re === rid, 5_000).catch((err) => {
      throw new Error(`${name}: ${err.message}`);
    });
    assertError(reply, 'bad_request', rid);
  }
  // The same op with good arguments works.
  for (const args of [{}, { limit: 1 }, { limit: 100 }]) {
    const reply = await client.request('fairs.list', args);
    assert.equal(reply.ok, true, `fairs.list ${JSON.stringify(args)}: ${JSON.stringify(reply)}`);
  }
  await assertAlive(client);
  await client.close();
});

test('a binary frame answers bad_request and keeps the connection', { timeout: 30_000 }, async () => {
  const client = await open();
  client.sendRaw(Buffer.from('{"op":"ping","rid":1}'), { binary: true });
  const reply = await client.next((m) => 're' in m, 5_000);
  assertError(reply, 'bad_request', null);
  await assertAlive(client);
  await client.close();
});

test('the upgrade needs the fair.v1 subprotocol', { timeout: 30_000 }, async () => {
  await assert.rejects(connect(server, { protocol: null }), 'no subprotocol offered: refused');
  await assert.rejects(connect(server, { protocol: 'chat.v9' }), 'another subprotocol: refused');
  // Offered among others, fair.v1 is chosen.
  const client = await connect(server, { protocol: ['chat.v9', 'fair.v1'] });
  assert.equal(client.ws.protocol, 'fair.v1');
  await client.next('hello', 10_000);
  await client.close();
});

test('a foreign Origin is refused with 403; the server own origin is accepted', { timeout: 30_000 }, async () => {
  await assert.rejects(connect(server, { headers: { Origin: 'http://evil.example' } }), (err) => {
    assert.equal(err.statusCode, 403, `refusal status: ${err.message}`);
    return true;
  });
  const client = await open({ headers: { Origin: `http://127.0.0.1:${server.port}` } });
  await assertAlive(client);
  await client.close();

  // A long foreign origin (a valid DNS name of 250 bytes) is refused too, not taken for none:
  // on the WebSocket and on the API (a login from another site).
  const label = 'a'.repeat(61);
  const long = `http://${[label, label, label, label].join('.')}.example`;
  assert.ok(long.length > 256, `${long.length} bytes`);
  await assert.rejects(connect(server, { headers: { Origin: long } }), (err) => {
    assert.equal(err.statusCode, 403, `refusal status: ${err.message}`);
    return true;
  });
  const loginFromAfar = await httpGet(`${server.url}/api/login`, { method: 'POST',
    headers: { Origin: long, 'Content-Type': 'text/plain' }, body: '{"login":"nobody","password":"x"}' });
  assert.equal(loginFromAfar.status, 403, loginFromAfar.body);
});

test('GET /healthz is 200 with PostgreSQL up', { timeout: 30_000 }, async () => {
  const res = await httpGet(`${server.url}/healthz`);
  assert.equal(res.status, 200, res.body);
});

test('GET / serves the page', { timeout: 30_000 }, async () => {
  const res = await httpGet(`${server.url}/`);
  assert.equal(res.status, 200);
  assert.match(res.headers['content-type'] ?? '', /^text\/html/);
  assert.ok(res.body.length > 0);
});

test('path traversal never leaves the web root', { timeout: 30_000 }, async () => {
  const paths = [
    '/../etc/passwd',
    '/../../../../../../etc/passwd',
    '/./../etc/passwd',
    '/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
    '/%2E%2E/%2E%2E/%2E%2E/%2E%2E/etc/passwd',
    '/..%2f..%2f..%2f..%2fetc%2fpasswd',
    '/%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd',
    '/..\\..\\..\\..\\etc\\passwd',
    '/media/../../../../etc/passwd',
    '/media/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
    '//etc/passwd',
    '/../CMakeLists.txt',
    '/%2e%2e/CMakeLists.txt',
    '/media/../CMakeLists.txt',
  ];
  for (const p of paths) {
    const res = await httpGet({ port: server.port, path: p });
    assert.ok([400, 403, 404].includes(res.status), `${p}: status ${res.status}`);
    assert.doesNotMatch(res.body, /root:.*:0:0:/, `${p}: served /etc/passwd`);
    assert.doesNotMatch(res.body, /cmake_minimum_required/i, `${p}: served a file outside web/`);
  }
});

test('an unknown path is 404', { timeout: 30_000 }, async () => {
  for (const p of ['/no/such/thing', '/no-such-file.html']) {
    const res = await httpGet({ port: server.port, path: p });
    assert.equal(res.status, 404, `${p}: ${res.status}`);
  }
});
