// A client that sends and does not read must not grow the server: the server stops reading
// it once its replies back up (TCP push back), answers everything once it reads again, and
// keeps serving everyone else meanwhile.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createDatabase, startServer, connect, waitFor, sleep } from './harness.mjs';

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

/** Bytes the kernel holds unread at the server's end of the connection from clientPort. */
function serverUnread(server, clientPort) {
  const out = execFileSync('ss', ['-Htn', 'state', 'established',
    `( sport = :${server.port} and dport = :${clientPort} )`], { encoding: 'utf8' });
  return Number(out.trim().split(/\s+/)[0] || 0);
}

function rssKiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)[1]);
}

test('a client that stops reading is paused, not buffered, and others are not delayed', { timeout: 120_000 }, async () => {
  const hog = await connect(server);
  await hog.next('hello');
  const other = await connect(server);
  await other.next('hello');
  const rssBefore = rssKiB(server.proc.pid);

  // Stop reading, then pipeline far more than the server will buffer: 20,000 requests of
  // about 1 KiB each (20 MiB), sent in bursts so the rate limit answers most of them.
  hog.ws._socket.pause();
  const total = 20_000;
  const pad = ' '.repeat(1000); // JSON whitespace: still a valid ping
  for (let i = 0; i < total; i++) {
    hog.ws.send(`{"op":"ping","rid":${i}${pad}}`);
    if (i % 2000 === 1999) await sleep(10);
  }
  // Measured once the traffic has settled: either all of it was read (the client holds
  // nothing and the server's end of the connection has nothing unread: the replies fit in the
  // kernel's buffers), or the server stopped reading (bytes unread there, not shrinking).
  let last = '';
  await waitFor(() => {
    const clientHeld = hog.ws.bufferedAmount + hog.ws._socket.writableLength;
    const unread = serverUnread(server, hog.ws._socket.localPort);
    const now = `${clientHeld}/${unread}`;
    const settled = (clientHeld === 0 && unread === 0) || (unread > 0 && now === last);
    last = now;
    return settled;
  }, { timeoutMs: 60_000, intervalMs: 500, what: 'the paused client\'s traffic to settle' });
  console.log(`settled: ${last.split('/')[0]} bytes still held by the client, ${last.split('/')[1]} unread by the server`);

  const t0 = Date.now();
  const pong = await other.request('ping', {}, 5_000);
  const otherMs = Date.now() - t0;
  const rssPaused = rssKiB(server.proc.pid);
  console.log(`RSS ${rssBefore} KiB before, ${rssPaused} KiB with 20 MiB of unread traffic pending; another client's ping took ${otherMs} ms`);
  assert.equal(pong.ok, true);
  if (process.env.FAIR_SANITIZED !== '1') {
    assert.ok(rssPaused - rssBefore < 32 * 1024, `server RSS grew by ${rssPaused - rssBefore} KiB`);
  }

  // Read again: every request gets exactly one reply, in order.
  hog.ws._socket.resume();
  await waitFor(() => hog.messages.filter((m) => 're' in m).length >= total,
    { timeoutMs: 90_000, what: 'all replies to arrive' });
  const replies = hog.messages.filter((m) => 're' in m);
  assert.equal(replies.length, total);
  replies.forEach((m, i) => assert.equal(m.re, i, 'replies in request order'));
  const codes = {};
  for (const m of replies) {
    const key = m.ok ? 'ok' : m.error.code;
    codes[key] = (codes[key] ?? 0) + 1;
  }
  console.log(`replies: ${JSON.stringify(codes)}`);
  assert.deepEqual(Object.keys(codes).sort(), ['ok', 'rate_limited']);
  assert.ok(hog.isOpen, 'the connection survived: being slow is not abuse');
  await hog.close();
  await other.close();
});
