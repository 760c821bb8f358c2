// Start-up checks an operator relies on: configuration errors name the file, the key and what
// was expected; a database whose schema is newer than the server is refused; a database that
// may lose commits disables orders; TLS marks the session cookie Secure.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import tls from 'node:tls';
import os from 'node:os';
import path from 'node:path';
import { createDatabase, startServer, httpGet, sql, createUser } from './harness.mjs';

const BIN = process.env.FAIR_SERVER_BIN;
let db;
let tmp;

before(async () => {
  db = await createDatabase();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fair-startup-'));
});

after(async () => {
  fs.rmSync(tmp, { recursive: true, force: true });
  if (db) await db.drop();
});

/** Runs the server binary to completion; resolves with {code, stdout, stderr}. */
function runServer(args, env = {}, timeoutMs = 60_000) {
  return new Promise((resolve) => {
    execFile(BIN, args, { env: { ...process.env, FAIR_PORT: '0', ...env }, timeout: timeoutMs },
      (err, stdout, stderr) => resolve({ code: err ? err.code : 0, stdout, stderr }));
  });
}

test('configuration: --print-config, --test-config and precise errors', async () => {
  const printed = await runServer(['--print-config']);
  assert.equal(printed.code, 0);
  const config = JSON.parse(printed.stdout);
  assert.equal(config.port, 8080);
  assert.match(config['// port'], /FAIR_PORT/);

  const good = path.join(tmp, 'good.json');
  fs.writeFileSync(good, JSON.stringify({ port: 9000, log_level: 'debug', '// note': 'comments are ignored' }));
  const ok = await runServer(['--test-config', good]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /configuration is valid/);

  const cases = [
    [{ port: 70000 }, /"port": expected an integer from 0 to 65535/],
    [{ port: '8080' }, /"port": expected an integer/],
    [{ log_level: 'trace' }, /"log_level": expected one of error, warn, notice, info, debug/],
    [{ prot: 1 }, /unknown key "prot"/],
  ];
  for (const [content, message] of cases) {
    const file = path.join(tmp, 'bad.json');
    fs.writeFileSync(file, JSON.stringify(content));
    const r = await runServer(['--test-config', file]);
    assert.equal(r.code, 1, JSON.stringify(content));
    assert.ok(r.stderr.includes(file), `names the file: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
  fs.writeFileSync(path.join(tmp, 'broken.json'), '{"port": 1,');
  const broken = await runServer(['--test-config', path.join(tmp, 'broken.json')]);
  assert.equal(broken.code, 1);
  assert.match(broken.stderr, /broken\.json: line 1/);
  const env = await runServer(['--print-config'], { FAIR_DB_POOL_SIZE: 'many' });
  assert.equal(env.code, 0, '--print-config shows the file and defaults, not the environment');
  const envBad = await runServer([], { FAIR_DB_POOL_SIZE: 'many', FAIR_DATABASE_URL: db.url });
  assert.equal(envBad.code, 1);
  assert.match(envBad.stderr, /environment FAIR_DB_POOL_SIZE: expected an integer from 1 to 32/);
});

test('a database whose schema is newer than the server is refused', async () => {
  const server = await startServer({ databaseUrl: db.url, user: false }); // migrates
  await server.stop();
  await sql(db.url, `INSERT INTO schema_migrations (version, name) VALUES (999, '999_future')`);
  try {
    const r = await runServer([], { FAIR_DATABASE_URL: db.url });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /schema is at version 999 but this server knows only up to \d+/);
  } finally {
    await sql(db.url, `DELETE FROM schema_migrations WHERE version = 999`);
  }
});

test('without durable commits the server says orders are disabled', async () => {
  const name = db.name.replace(/"/g, '""');
  await sql(db.url, `ALTER DATABASE "${name}" SET synchronous_commit = off`);
  try {
    const server = await startServer({ databaseUrl: db.url, user: false });
    try {
      const health = await httpGet(`${server.url}/healthz`);
      assert.equal(health.status, 200);
      assert.equal(JSON.parse(health.body).orders, 'disabled');
      assert.ok(server.logs().some((l) => /synchronous_commit is off.*orders are refused/.test(l)));
      const metrics = await httpGet(`${server.url}/metrics`);
      assert.match(metrics.body, /^fair_orders_enabled 0$/m);
    } finally {
      await server.stop();
    }
    const allowed = await startServer({ databaseUrl: db.url, user: false, env: { FAIR_ALLOW_UNSAFE_DURABILITY: '1' } });
    try {
      assert.equal(JSON.parse((await httpGet(`${allowed.url}/healthz`)).body).orders, 'enabled');
    } finally {
      await allowed.stop();
    }
  } finally {
    await sql(db.url, `ALTER DATABASE "${name}" RESET synchronous_commit`);
  }
});

test('under TLS the session cookie is Secure and the page is served over HTTPS', async () => {
  const key = path.join(tmp, 'key.pem');
  const cert = path.join(tmp, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert,
    '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
  const server = await startServer({ databaseUrl: db.url, user: false, env: { FAIR_TLS_CERT: cert, FAIR_TLS_KEY: key } });
  try {
    assert.ok(server.logs().some((l) => /listening on https:/.test(l)));
    await createUser(db.url, { login: 'tls-user', role: 'rep', password: 'tls password 1' });
    const res = await new Promise((resolve, reject) => {
      const req = https.request({ host: '127.0.0.1', port: server.port, path: '/api/login', method: 'POST',
        rejectUnauthorized: false, headers: { 'content-type': 'application/json' } }, (r) => {
        let body = '';
        r.on('data', (d) => (body += d));
        r.on('end', () => resolve({ status: r.statusCode, headers: r.headers, body }));
      });
      req.on('error', reject);
      req.end(JSON.stringify({ login: 'tls-user', password: 'tls password 1' }));
    });
    assert.equal(res.status, 200, res.body);
    assert.match(res.headers['set-cookie'][0], /; Secure/);

    // TLS offers HTTP/1.1 alone (ALPN): a browser, which offers h2 and http/1.1, logs in over
    // HTTP/1.1 (above); a client that insists on HTTP/2 is told at the handshake, instead of
    // waiting for a login answer that would never come.
    const alpn = await new Promise((resolve) => {
      const socket = tls.connect({ host: '127.0.0.1', port: server.port, rejectUnauthorized: false,
        ALPNProtocols: ['h2', 'http/1.1'] }, () => { resolve(socket.alpnProtocol); socket.end(); });
      socket.on('error', () => resolve('error'));
    });
    assert.equal(alpn, 'http/1.1');

    // TLS 1.2 offers forward secrecy only: a client that knows only RSA key exchange
    // (AES128-SHA) is refused at the handshake, one that offers ECDHE gets it.
    const handshake = (ciphers) => new Promise((resolve) => {
      const socket = tls.connect({ host: '127.0.0.1', port: server.port, rejectUnauthorized: false,
        maxVersion: 'TLSv1.2', ciphers }, () => { resolve(socket.getCipher().name); socket.end(); });
      socket.on('error', (e) => resolve(`refused: ${e.code ?? e.message}`));
    });
    assert.match(await handshake('AES128-SHA'), /^refused/);
    assert.match(await handshake('AES128-SHA:ECDHE-RSA-AES128-GCM-SHA256'), /^ECDHE-RSA-AES128-GCM-SHA256$/);
  } finally {
    await server.stop();
  }
});
