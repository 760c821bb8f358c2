// Limits where input enters (PROTOCOL.md "Transport", "Envelope"): message size, invalid
// UTF-8, repeated abuse, requests per second. Each test uses its own connection, since the
// limits are per connection.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { createDatabase, startServer, connect, sleep, within, waitFor, httpGet, openFilesLimit } from './harness.mjs';

let db;
let server;
let quick; // the same database, pinging after 5 s of silence

before(async () => {
  db = await createDatabase();
  server = await startServer({ databaseUrl: db.url });
  quick = await startServer({ databaseUrl: db.url, env: { FAIR_WS_IDLE_TIMEOUT_S: '5' } });
});

after(async () => {
  try {
    if (server) await server.stop();
    if (quick) await quick.stop();
  } finally {
    if (db) await db.drop();
  }
});

async function open() {
  const client = await connect(server);
  await client.next('hello', 10_000);
  return client;
}

/** A ping request padded with spaces (valid JSON whitespace) to exactly `bytes` bytes. */
function paddedPing(rid, bytes) {
  const head = `{"op":"ping","rid":${JSON.stringify(rid)}`;
  return head + ' '.repeat(bytes - head.length - 1) + '}';
}

test('a message over 64 KiB answers too_large and keeps the connection', { timeout: 60_000 }, async () => {
  const client = await open();
  for (const size of [70 * 1024, 1024 * 1024]) {
    const text = paddedPing('big', size);
    assert.equal(Buffer.byteLength(text), size);
    client.sendRaw(text);
    const reply = await client.next((m) => 're' in m, 10_000);
    assert.equal(reply.re, null, `${size} bytes: re is null (the message was not read)`);
    assert.equal(reply.ok, false);
    assert.equal(reply.error?.code, 'too_large', `${size} bytes: ${JSON.stringify(reply)}`);
    assert.equal(typeof reply.error.message, 'string');
    const pong = await client.request('ping');
    assert.equal(pong.ok, true, `ping after ${size} bytes`);
  }
  // Just under the limit is read: a padded ping is a ping.
  client.sendRaw(paddedPing('under', 60 * 1024));
  const reply = await client.next((m) => m.re === 'under', 10_000);
  assert.notEqual(reply.error?.code, 'too_large', `60 KiB: ${JSON.stringify(reply)}`);
  assert.equal(reply.ok, true, `60 KiB ping: ${JSON.stringify(reply)}`);
  await client.close();
});

test('invalid UTF-8 in a text frame closes the connection with 1007', { timeout: 30_000 }, async () => {
  const client = await open();
  // {"op":"ping","rid":1,"x":"<0xff 0xfe>"}: ws sends a Buffer as a text frame unchecked.
  client.sendRaw(Buffer.concat([Buffer.from('{"op":"ping","rid":1,"x":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]));
  const closed = await within(client.closed, 10_000, 'the server to close the connection');
  assert.equal(closed.code, 1007, `close code ${closed.code} ${closed.reason}`);

  // An overlong encoding and a lone surrogate are invalid too.
  for (const bad of [[0xc0, 0xaf], [0xed, 0xa0, 0x80]]) {
    const c = await open();
    c.sendRaw(Buffer.concat([Buffer.from('"'), Buffer.from(bad), Buffer.from('"')]));
    const info = await within(c.closed, 10_000, 'the server to close the connection');
    assert.equal(info.code, 1007, `bytes ${bad.map((b) => b.toString(16)).join(' ')}: ${JSON.stringify(info)}`);
  }
});

test('20 bad messages are answered; the 21st within a minute closes with 1008', { timeout: 60_000 }, async () => {
  const client = await open();
  for (let i = 0; i < 20; i++) {
    client.sendRaw('{not json');
    const reply = await client.next((m) => 're' in m, 5_000);
    assert.equal(reply.error?.code, 'bad_request', `bad message ${i + 1}: ${JSON.stringify(reply)}`);
  }
  const pong = await client.request('ping');
  assert.equal(pong.ok, true, 'still served after 20 bad messages');

  client.sendRaw('{not json');
  const closed = await within(client.closed, 10_000, 'the server to close the connection after the 21st bad message');
  assert.equal(closed.code, 1008, `close code ${closed.code} ${closed.reason}`);

  // Other connections are not affected.
  const other = await open();
  assert.equal((await other.request('ping')).ok, true);
  await other.close();
});

test('more than 200 requests in a second answer rate_limited; a second later all is well', { timeout: 60_000 }, async () => {
  const client = await open();
  // 450 in one burst: even when the server counts in fixed one-second windows and the burst
  // straddles two of them, one window sees more than 200.
  const n = 450;
  const started = Date.now();
  const replies = await Promise.all(Array.from({ length: n }, () => client.request('ping', {}, 30_000)));
  const elapsed = Date.now() - started;
  const ok = replies.filter((r) => r.ok === true).length;
  const limited = replies.filter((r) => r.ok === false && r.error?.code === 'rate_limited').length;
  console.log(`burst of ${n} pings: ${ok} ok, ${limited} rate_limited, all answered in ${elapsed} ms`);
  assert.equal(ok + limited, n, `every reply is ok or rate_limited: ${JSON.stringify(replies.find((r) => !(r.ok || r.error?.code === 'rate_limited')))}`);
  assert.ok(limited >= 1, 'some requests were rate_limited');
  assert.ok(ok >= 190, `about 200 a second are served (${ok})`);
  for (const r of replies.filter((r) => !r.ok)) assert.equal(typeof r.error.message, 'string');

  // rate_limited is not abuse: the connection stays, and serves again a second later.
  await sleep(1_100);
  assert.ok(client.isOpen, 'still open after the burst');
  for (let i = 0; i < 10; i++) {
    const pong = await client.request('ping');
    assert.equal(pong.ok, true, `ping ${i} a second after the burst: ${JSON.stringify(pong)}`);
  }
  await client.close();
});

test('an idle connection is pinged; one that answers stays, one that does not is closed', { timeout: 60_000 }, async () => {
  // ws_idle_timeout_s 5: a ping after 5 s of silence, closed after 10 s without an answer.
  const answering = await connect(quick);
  const silent = await connect(quick, { autoPong: false });
  let pings = 0;
  silent.ws.on('ping', () => { pings++; });
  answering.ws.on('ping', () => { pings++; });
  await answering.next('hello', 10_000);
  await silent.next('hello', 10_000);
  const t0 = Date.now();
  const closed = await within(silent.closed, 25_000, 'the silent connection to be closed');
  const after = Date.now() - t0;
  console.log(`silent connection closed after ${after} ms with ${closed.code} (${closed.reason}); ${pings} pings seen`);
  assert.ok(after >= 9_000, `closed after ${after} ms, before twice the idle timeout`);
  assert.equal(closed.code, 1001);
  assert.ok(pings >= 2, 'both connections were pinged');
  assert.ok(answering.isOpen, 'the connection that answers pings is still open');
  const pong = await answering.request('ping');
  assert.equal(pong.ok, true);
  await answering.close();
});

/** A plain TCP connection to s; resolves once connected, with `ended` telling when the
 * server closes it. */
function rawConnection(s) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(s.port, '127.0.0.1');
    sock.once('error', reject);
    sock.once('connect', () => {
      sock.removeListener('error', reject);
      sock.on('error', () => {});
      sock.ended = new Promise((r) => sock.once('close', r));
      resolve(sock);
    });
  });
}

test('at max_connections new connections are refused, the others served, and taken again once some close', { timeout: 60_000 }, async () => {
  const small = await startServer({ databaseUrl: db.url, env: { FAIR_MAX_CONNECTIONS: '16' } });
  const held = [];
  try {
    // The open-files limit is sized to max_connections plus the 1,024 kept for the database,
    // files and workers, whatever limit the server was started with.
    assert.equal(openFilesLimit(small.proc.pid).soft, 16 + 1024);

    const client = await connect(small);
    await client.next('hello', 10_000);
    for (let i = 0; i < 24; i++) held.push(await rawConnection(small));
    // The server closes those over its limit at once (the few descriptors it opened after its
    // listener count against it too); those within it stay open.
    const ended = new Set();
    held.forEach((c, i) => c.ended.then(() => ended.add(i)));
    await waitFor(() => ended.size >= 9, { timeoutMs: 15_000, what: 'the connections over the limit to be closed' });
    const refused = ended.size;
    console.log(`24 more connections at max_connections 16 (one WebSocket open): ${refused} refused`);
    assert.ok(refused >= 9 && refused <= 14, `refused ${refused} of 24`);
    assert.ok(small.logs().some((l) => /at max_connections \(16\): refused \d+ connection/.test(l)),
      'the refusals are logged');
    // The connection it already had is still served.
    assert.equal((await client.request('ping', {}, 10_000)).ok, true);
    // Once some close, new connections are taken again.
    for (const c of held) c.destroy();
    const t0 = Date.now();
    const health = await waitFor(async () => {
      const r = await httpGet(`${small.url}/healthz`).catch(() => null);
      return r?.status === 200 ? r : null;
    }, { timeoutMs: 10_000, what: '/healthz once connections closed' });
    console.log(`/healthz answered ${Date.now() - t0} ms after the connections closed`);
    assert.equal(health.status, 200);
    await client.close();
  } finally {
    for (const c of held) c.destroy();
    await small.stop();
  }
});
