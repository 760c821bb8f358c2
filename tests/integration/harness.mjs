// Shared helpers for the integration and browser tests (node:test): a real PostgreSQL, a real
// fairserver process and real sockets.
//
// Environment (set by ctest, see tests/CMakeLists.txt, and by `make test`):
//   FAIR_SERVER_BIN         path of the fairserver binary under test
//   FAIR_SOURCE_DIR         the source tree (web/ and media/ are served from it)
//   FAIR_TEST_DATABASE_URL  a libpq URL allowed to CREATE DATABASE (the private cluster's
//                           superuser, or FAIR_DATABASE_URL when one was given)
//   FAIR_TEST_VERBOSE=1     echo the server's log lines to stderr as they come
//   FAIR_PSQL               psql to use (default PostgreSQL 15's, else psql on PATH)

import { spawn, spawnSync, execFile } from 'node:child_process';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';

const HERE_SOURCE_DIR = fileURLToPath(new URL('../../', import.meta.url));
export const SOURCE_DIR = process.env.FAIR_SOURCE_DIR || HERE_SOURCE_DIR;
const PG_SH = path.join(HERE_SOURCE_DIR, 'server/scripts/pg.sh');
const PSQL =
  process.env.FAIR_PSQL ||
  (fs.existsSync('/usr/lib/postgresql/15/bin/psql') ? '/usr/lib/postgresql/15/bin/psql' : 'psql');

/** RFC 3339 UTC with milliseconds, as the protocol writes every time: 2026-11-26T21:00:00.123Z */
export const RFC3339_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const SANITIZER_REPORT = /AddressSanitizer|LeakSanitizer|runtime error:/;
const VERBOSE = process.env.FAIR_TEST_VERBOSE === '1';

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Resolves as `promise` does, or rejects after `timeoutMs` naming `what`. The timer is
 * cleared either way, so it never keeps a test file's process alive.
 */
export function within(promise, timeoutMs, what = 'operation') {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Polls `fn` until it returns a truthy value (which is returned) or `timeoutMs` passes (then
 * throws, naming `what` and the last value or error seen).
 */
export async function waitFor(fn, { timeoutMs = 30_000, intervalMs = 100, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value;
      last = value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
    }
    await sleep(intervalMs);
  }
}

// ---------------------------------------------------------------------------------------------
// Clean-up of what a test file leaves behind when it dies early: server processes are killed,
// private clusters stopped. 'exit' handlers must be synchronous, hence spawnSync.

const liveProcesses = new Set();
const liveClusters = new Set();

function cleanupSync() {
  for (const proc of liveProcesses) {
    try {
      proc.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  liveProcesses.clear();
  for (const cluster of liveClusters) cluster.destroySync();
  liveClusters.clear();
}

process.on('exit', cleanupSync);
for (const [signal, number] of [['SIGINT', 2], ['SIGTERM', 15], ['SIGHUP', 1]]) {
  process.once(signal, () => {
    cleanupSync();
    process.exit(128 + number);
  });
}

// ---------------------------------------------------------------------------------------------
// Commands and SQL

function run(file, args, { env = process.env, timeoutMs = 180_000 } = {}) {
  return new Promise((resolve, reject) => {
    execFile(file, args, { env, timeout: timeoutMs, maxBuffer: 64 << 20, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) {
        const why = err.killed ? `killed after ${timeoutMs} ms` : `exit ${err.code ?? err.signal}`;
        const e = new Error(`${path.basename(file)} ${args.join(' ')}: ${why}: ${(stderr || err.message).trim()}`);
        e.stdout = stdout;
        e.stderr = stderr;
        reject(e);
      } else {
        resolve({ stdout, stderr });
      }
    });
  });
}

/**
 * Runs `query` with psql -At on `url` and resolves with its rows as arrays of strings (split
 * on `|`; NULL is ''). Rejects with psql's stderr on any error (ON_ERROR_STOP).
 */
export async function sql(url, query) {
  const { stdout } = await run(PSQL, ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', query]);
  if (stdout === '') return [];
  return stdout.replace(/\n$/, '').split('\n').map((line) => line.split('|'));
}

/** The same connection string with its database replaced by `name` (URL or key=value form). */
export function withDatabase(url, name) {
  if (/^postgres(ql)?:\/\//.test(url)) {
    const u = new URL(url);
    u.pathname = '/' + encodeURIComponent(name);
    u.searchParams.delete('dbname');
    return u.toString();
  }
  const rest = url.replace(/(^|\s)dbname\s*=\s*('(?:[^'\\]|\\.)*'|\S+)/g, ' ').trim();
  return `${rest} dbname=${name}`.trim();
}

let databaseCounter = 0;

/**
 * Creates a fresh, empty database for one test file on FAIR_TEST_DATABASE_URL (or `adminUrl`)
 * and resolves with {url, name, drop()}. The name carries the test file's name and the pid,
 * so parallel test files never meet. The database belongs to the admin URL's user, and `url`
 * connects as that user. drop() removes it, even with the server still connected.
 */
export async function createDatabase({ adminUrl = process.env.FAIR_TEST_DATABASE_URL, hint } = {}) {
  if (!adminUrl) {
    throw new Error('FAIR_TEST_DATABASE_URL is not set: run the tests with `make test`, or set it to a URL whose user may CREATE DATABASE');
  }
  const stem = (hint ?? path.basename(process.argv[1] ?? 'test').replace(/\.test\.m?js$|\.m?js$/, ''))
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .slice(0, 30);
  const name = `fairtest_${stem}_${process.pid}_${++databaseCounter}`.slice(0, 63);
  // A database of a crashed earlier run with the same pid may still be there.
  await sql(adminUrl, `drop database if exists "${name}" with (force)`);
  await sql(adminUrl, `create database "${name}" encoding 'UTF8' template template0`);
  let dropped = false;
  return {
    name,
    url: withDatabase(adminUrl, name),
    async drop() {
      if (dropped) return;
      dropped = true;
      await sql(adminUrl, `drop database if exists "${name}" with (force)`);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The server

/**
 * Starts FAIR_SERVER_BIN on an ephemeral port of 127.0.0.1 against `databaseUrl` and resolves
 * once it logs `listening on http://127.0.0.1:<port>` (stderr or stdout), with
 *   {port, url, wsUrl, proc, logs(), exited, stop()}.
 * `env` overrides the defaults below (a value of undefined removes the variable); `args` are
 * passed on the command line; `wrapper` is a command that execs the server (taskset -c 0).
 * Rejects, with the log, when the server exits or does not listen within `timeoutMs`.
 *
 * stop() sends SIGTERM, waits up to 20 s, and fails (assert) unless the server exited with 0
 * and logged no AddressSanitizer, LeakSanitizer or UBSan (`runtime error:`) report.
 */
export async function startServer({ databaseUrl, env = {}, args = [], timeoutMs = 30_000, user = {}, wrapper = [] } = {}) {
  const bin = process.env.FAIR_SERVER_BIN;
  if (!bin) throw new Error('FAIR_SERVER_BIN is not set (ctest sets it; see tests/CMakeLists.txt)');
  if (!fs.existsSync(bin)) throw new Error(`FAIR_SERVER_BIN ${bin} does not exist: build first`);
  if (!databaseUrl) throw new Error('startServer needs a databaseUrl');

  const fullEnv = {
    ...process.env,
    FAIR_PORT: '0',
    FAIR_LISTEN_ADDRESS: '127.0.0.1',
    FAIR_DATABASE_URL: databaseUrl,
    FAIR_ALLOW_UNSAFE_DURABILITY: '0',
    FAIR_LOG_LEVEL: 'info',
    FAIR_WEB_ROOT: path.join(SOURCE_DIR, 'web', 'public'),
    FAIR_MEDIA_ROOT: path.join(SOURCE_DIR, 'media'),
    ...env,
  };
  for (const [key, value] of Object.entries(fullEnv)) {
    if (value === undefined) delete fullEnv[key];
  }

  const started = Date.now();
  // A wrapper that execs (taskset, prlimit) keeps the server's pid as proc.pid.
  const argv = [...wrapper, bin, ...args];
  const proc = spawn(argv[0], argv.slice(1), { env: fullEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  liveProcesses.add(proc);
  const lines = [];

  // 'close' comes after both pipes are drained: the whole log has been read by then.
  const exited = new Promise((resolve) => {
    proc.on('close', (code, signal) => {
      liveProcesses.delete(proc);
      resolve({ code, signal });
    });
  });
  const spawnError = new Promise((_, reject) => proc.on('error', reject));

  let onListening;
  const listening = new Promise((resolve) => (onListening = resolve));
  for (const [stream, name] of [[proc.stderr, 'stderr'], [proc.stdout, 'stdout']]) {
    readline.createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
      lines.push(name === 'stdout' ? `[stdout] ${line}` : line);
      if (VERBOSE) process.stderr.write(`[server ${proc.pid}] ${line}\n`);
      const m = /listening on https?:\/\/127\.0\.0\.1:(\d+)/.exec(line);
      if (m) onListening(Number(m[1]));
    });
  }

  const logs = () => lines.slice();
  const tail = (n = 60) => lines.slice(-n).join('\n');

  let timer;
  const timeout = new Promise((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
  let port;
  try {
    port = await Promise.race([
      listening,
      spawnError,
      exited.then(({ code, signal }) => {
        throw new Error(`server exited (${signal ?? `code ${code}`}) before listening:\n${tail()}`);
      }),
      timeout.then(() => {
        throw new Error(`server did not log "listening on http://127.0.0.1:<port>" within ${timeoutMs} ms:\n${tail()}`);
      }),
    ]);
  } catch (err) {
    proc.kill('SIGKILL');
    await exited;
    throw err;
  } finally {
    clearTimeout(timer);
  }
  if (VERBOSE) process.stderr.write(`[harness] server pid ${proc.pid} listening on ${port} after ${Date.now() - started} ms\n`);

  let stopping;
  async function stop({ timeoutMs: stopTimeoutMs = 20_000 } = {}) {
    if (stopping) return stopping;
    stopping = (async () => {
      const problems = [];
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
      } else {
        problems.push('the server had already exited before stop()');
      }
      let t;
      const result = await Promise.race([
        exited,
        new Promise((resolve) => (t = setTimeout(() => resolve(null), stopTimeoutMs))),
      ]);
      clearTimeout(t);
      let code, signal;
      if (result === null) {
        problems.push(`did not exit within ${stopTimeoutMs} ms of SIGTERM (killed)`);
        proc.kill('SIGKILL');
        ({ code, signal } = await exited);
      } else {
        ({ code, signal } = result);
      }
      if (signal) problems.push(`ended by ${signal}`);
      else if (code !== 0) problems.push(`exit code ${code}`);
      const reports = lines.filter((l) => SANITIZER_REPORT.test(l));
      if (reports.length) problems.push(`sanitizer report: ${reports[0]}`);
      if (problems.length) {
        assert.fail(`server (pid ${proc.pid}): ${problems.join('; ')}\n--- last 60 log lines ---\n${tail(60)}`);
      }
      return { code, signal };
    })();
    return stopping;
  }

  const server = {
    port,
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    proc,
    logs,
    tail,
    exited,
    stop,
    cookie: null, // the default user's session, used by connect()
    user: null,
  };
  // Sockets need a login: unless told otherwise (user: false), make a user (an admin by
  // default) once the server has migrated the database, and log it in.
  if (user) {
    const made = await createUser(databaseUrl, { login: 'tester', role: 'admin', ...user });
    const session = await login(server, made.login, made.password);
    assert.equal(session.status, 200, `login of the test user: ${session.body}`);
    server.cookie = session.cookie;
    server.user = session.user;
  }
  return server;
}

// ---------------------------------------------------------------------------------------------
// Accounts

const hashCache = new Map();

/** The server's stored password form (PBKDF2-HMAC-SHA256, 600,000 iterations), cached. */
export function passwordHash(password) {
  if (!hashCache.has(password)) {
    const salt = crypto.randomBytes(16);
    const hash = crypto.pbkdf2Sync(password, salt, 600_000, 32, 'sha256');
    hashCache.set(password, `pbkdf2-sha256$600000$${salt.toString('base64')}$${hash.toString('base64')}`);
  }
  return hashCache.get(password);
}

/**
 * Creates (or reuses, by login) a user straight in the database; a dealer user gets a dealer
 * of its own unless `dealerId` names one. Resolves with {id, login, password, dealerId}.
 */
export async function createUser(dbUrl, { login, name = login, role = 'dealer', password = 'test-password-1',
  dealerId = null, tier = 'A', region = '華東', mustChange = false } = {}) {
  const q = (v) => `'${String(v).replace(/'/g, "''")}'`;
  if (role === 'dealer' && !dealerId) {
    const [[id]] = await sql(dbUrl, `INSERT INTO dealers (code, name, region, tier, credit_limit)
      VALUES (${q('T-' + login)}, ${q(name + ' 商行')}, ${q(region)}, ${q(tier)}, 100000000)
      ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name RETURNING id`);
    dealerId = Number(id);
  }
  const [[id]] = await sql(dbUrl, `INSERT INTO users (login, name, role, dealer_id, password_hash, must_change_password)
    VALUES (${q(login)}, ${q(name)}, ${q(role)}, ${dealerId ?? 'NULL'}, ${q(passwordHash(password))}, ${mustChange})
    ON CONFLICT (login) DO UPDATE SET password_hash = EXCLUDED.password_hash, disabled = false,
      must_change_password = EXCLUDED.must_change_password
    RETURNING id`);
  return { id: Number(id), login, password, dealerId };
}

/**
 * POST /api/login. Resolves with {status, body, user, cookie ("fair_session=..." or null),
 * setCookie (the raw header)}.
 */
export async function login(server, loginName, password, { headers = {}, timeoutMs = 10_000 } = {}) {
  const res = await httpGet(`${server.url}/api/login`, {
    method: 'POST',
    timeoutMs,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ login: loginName, password }),
  });
  const setCookie = [].concat(res.headers['set-cookie'] ?? [])[0] ?? null;
  let parsed = null;
  try {
    parsed = JSON.parse(res.body);
  } catch {
    // not JSON: leave it to the caller's assertions
  }
  return {
    status: res.status,
    body: res.body,
    json: parsed,
    user: parsed?.user ?? null,
    cookie: setCookie ? setCookie.split(';')[0] : null,
    setCookie,
  };
}

// ---------------------------------------------------------------------------------------------
// WebSocket client

/**
 * One WebSocket connection. Every message received is kept in order in `messages` (parsed
 * JSON; a frame that is not JSON becomes {unparsable: text} or {binary: Buffer}); pushes
 * (those with `ev`) also in `pushes`. next() hands out each message once.
 */
export class Client {
  constructor(ws) {
    this.ws = ws;
    this.messages = [];
    this.pushes = [];
    this.errors = [];
    this.closeInfo = null;
    this._pending = []; // received, not yet taken by next()
    this._waiters = []; // next() calls waiting for a message
    this._rid = 0;

    /** Resolves with {code, reason} when the connection is closed, whoever closed it. */
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        this.closeInfo = { code, reason: reason.toString() };
        for (const w of this._waiters.splice(0)) {
          clearTimeout(w.timer);
          w.reject(new Error(`connection closed (${code} ${this.closeInfo.reason}) while waiting for a message; last received: ${this._recent()}`));
        }
        resolve(this.closeInfo);
      });
    });
    ws.on('error', (err) => this.errors.push(err));
    ws.on('message', (data, isBinary) => this._receive(data, isBinary));
  }

  _receive(data, isBinary) {
    let msg;
    if (isBinary) {
      msg = { binary: Buffer.from(data) };
    } else {
      const text = data.toString('utf8');
      try {
        msg = JSON.parse(text);
      } catch {
        msg = { unparsable: text };
      }
    }
    this.messages.push(msg);
    if (msg && typeof msg === 'object' && 'ev' in msg) this.pushes.push(msg);
    const i = this._waiters.findIndex((w) => w.pred(msg));
    if (i >= 0) {
      const [w] = this._waiters.splice(i, 1);
      clearTimeout(w.timer);
      w.resolve(msg);
    } else {
      this._pending.push(msg);
    }
  }

  _recent(n = 5) {
    return this.messages.slice(-n).map((m) => JSON.stringify(m).slice(0, 300)).join(' | ') || '(nothing)';
  }

  /** True while the connection is open. */
  get isOpen() {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /**
   * Resolves with the next message not yet taken that matches `pred` (a function, or a
   * string: an event name), waiting up to `timeoutMs`. Rejects on timeout or close.
   */
  next(pred = () => true, timeoutMs = 5_000) {
    const test = typeof pred === 'string' ? (m) => m?.ev === pred : pred;
    const i = this._pending.findIndex(test);
    if (i >= 0) return Promise.resolve(this._pending.splice(i, 1)[0]);
    if (this.closeInfo) {
      return Promise.reject(new Error(`connection already closed (${this.closeInfo.code} ${this.closeInfo.reason}); last received: ${this._recent()}`));
    }
    return new Promise((resolve, reject) => {
      const w = { pred: test, resolve, reject };
      w.timer = setTimeout(() => {
        this._waiters.splice(this._waiters.indexOf(w), 1);
        reject(new Error(`no matching message within ${timeoutMs} ms; last received: ${this._recent()}`));
      }, timeoutMs);
      this._waiters.push(w);
    });
  }

  /** Sends an object as one JSON text frame. */
  send(obj) {
    this.ws.send(JSON.stringify(obj));
  }

  /**
   * Sends `{op, rid, ...args}` and resolves with the reply whose `re` is the rid. The rid is
   * a counter unless `args.rid` gives one (number or string).
   */
  request(op, args = {}, timeoutMs = 10_000) {
    const rid = args.rid !== undefined ? args.rid : ++this._rid;
    this.ws.send(JSON.stringify({ op, rid, ...args }));
    return this.next((m) => m?.re === rid, timeoutMs);
  }

  /**
   * Sends bytes as they are: a string or Buffer, as a text frame unless `binary` (ws does not
   * check outgoing text, so a Buffer of invalid UTF-8 goes out as an invalid text frame).
   */
  sendRaw(data, { binary = false } = {}) {
    this.ws.send(data, { binary });
  }

  /** Closes (1000 unless told) and resolves with the close {code, reason}. */
  close(code = 1000, reason = '') {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) {
      this.ws.close(code, reason);
    }
    return this.closed;
  }

  /** Drops the TCP connection without a close handshake. */
  terminate() {
    this.ws.terminate();
    return this.closed;
  }
}

/** A connection with `cookie` (a user's session), once its hello has arrived. */
export async function session(server, cookie) {
  const c = await connect(server, { cookie });
  await c.next('hello', 10_000);
  return c;
}

/**
 * Opens a WebSocket to the server's /ws (or `path`) offering `protocol` (null: none; an array:
 * several), with extra request `headers` (Origin...) and the session `cookie` (default: the
 * server's test user; null for none). Resolves with a Client once
 * open. Rejects when the upgrade fails; a refusal by HTTP status rejects with an Error
 * carrying `statusCode`, `headers` and `body`.
 */
export function connect(server, { protocol = 'fair.v1', headers = {}, path: wsPath = '/ws', timeoutMs = 10_000,
  cookie = server.cookie, autoPong = true } = {}) {
  if (cookie && !Object.keys(headers).some((h) => h.toLowerCase() === 'cookie')) headers = { ...headers, cookie };
  return new Promise((resolve, reject) => {
    const protocols = protocol == null ? [] : [].concat(protocol);
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}${wsPath}`, protocols, {
      headers,
      perMessageDeflate: false,
      handshakeTimeout: timeoutMs,
      followRedirects: false,
      autoPong, // false: a peer that has gone quiet (pings unanswered)
    });
    const client = new Client(ws);
    ws.once('open', () => resolve(client));
    ws.once('unexpected-response', (req, res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      let finished = false;
      const finish = () => {
        if (finished) return;
        finished = true;
        const err = new Error(`upgrade refused: HTTP ${res.statusCode}`);
        err.statusCode = res.statusCode;
        err.headers = res.headers;
        err.body = Buffer.concat(chunks).toString('utf8');
        reject(err);
        req.destroy();
        ws.terminate();
      };
      res.on('end', finish);
      res.on('error', finish);
      res.on('aborted', finish);
      // A refusal without a body end (connection kept open) must not hang the test.
      setTimeout(finish, 2_000).unref();
    });
    ws.once('error', reject);
    client.closed.then(({ code, reason }) => reject(new Error(`closed before open (${code} ${reason})`)));
  });
}

/** A process's limit of open files ('self': this one), as { soft, hard } from /proc; null
 * for one that is unlimited or cannot be read. */
export function openFilesLimit(pid = 'self') {
  const m = /Max open files\s+(\S+)\s+(\S+)/.exec(fs.readFileSync(`/proc/${pid}/limits`, 'utf8'));
  const value = (text) => (/^\d+$/.test(text ?? '') ? Number(text) : null);
  return { soft: value(m?.[1]), hard: value(m?.[2]) };
}

// ---------------------------------------------------------------------------------------------
// HTTP

/**
 * One HTTP request, the path sent exactly as given (no normalisation of `..` or `%2e`, so
 * traversal attempts reach the server as written). `target` is `http://host:port/path` or
 * {port, path, host?}. Resolves with {status, headers, body (utf8), raw (Buffer)}.
 */
export function httpGet(target, { method = 'GET', headers = {}, body, timeoutMs = 10_000 } = {}) {
  let host, port, reqPath;
  if (typeof target === 'string') {
    const m = /^http:\/\/([^/:?#]+)(?::(\d+))?(.*)$/.exec(target);
    if (!m) throw new Error(`httpGet: not an http:// URL: ${target}`);
    [, host, port, reqPath] = m;
    port = Number(port ?? 80);
    if (!reqPath) reqPath = '/';
  } else {
    ({ host = '127.0.0.1', port, path: reqPath = '/' } = target);
  }
  return new Promise((resolve, reject) => {
    const req = http.request({ host, port, path: reqPath, method, headers, agent: false, timeout: timeoutMs }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const raw = Buffer.concat(chunks);
        resolve({ status: res.statusCode, headers: res.headers, body: raw.toString('utf8'), raw });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${reqPath}: no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

// ---------------------------------------------------------------------------------------------
// A throw-away PostgreSQL cluster

/**
 * Starts a PostgreSQL 15 cluster of its own (server/scripts/pg.sh with its own FAIR_PG_DIR
 * under the temp folder and a short FAIR_PG_SOCKDIR in /tmp), for tests that stop and start
 * PostgreSQL under the server. Resolves with
 *   {url (role and database `fair`), adminUrl (postgres), dir, sockdir, start(), stop(), destroy()}.
 * destroy() stops it and removes its folders; a test file that dies leaves none behind.
 */
export async function startPrivatePostgres() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fair-pgtest-'));
  const sockdir = `/tmp/fpt-${crypto.randomBytes(4).toString('hex')}`;
  const env = { ...process.env, FAIR_PG_DIR: dir, FAIR_PG_SOCKDIR: sockdir };
  let destroyed = false;

  const cluster = {
    dir,
    sockdir,
    url: undefined,
    adminUrl: undefined,
    async start() {
      await run(PG_SH, ['start'], { env });
    },
    async stop() {
      await run(PG_SH, ['stop'], { env });
    },
    /** An immediate shutdown: every backend dies at once, nothing in flight commits. */
    async crash() {
      await run(PG_SH, ['crash'], { env });
    },
    async destroy() {
      if (destroyed) return;
      destroyed = true;
      liveClusters.delete(cluster);
      try {
        await run(PG_SH, ['stop'], { env });
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
        fs.rmSync(sockdir, { recursive: true, force: true });
      }
    },
    destroySync() {
      if (destroyed) return;
      destroyed = true;
      spawnSync(PG_SH, ['stop'], { env, stdio: 'ignore', timeout: 60_000 });
      fs.rmSync(dir, { recursive: true, force: true });
      fs.rmSync(sockdir, { recursive: true, force: true });
    },
  };
  liveClusters.add(cluster);
  try {
    await cluster.start();
    cluster.url = (await run(PG_SH, ['url'], { env })).stdout.trim();
    cluster.adminUrl = (await run(PG_SH, ['admin-url'], { env })).stdout.trim();
  } catch (err) {
    await cluster.destroy().catch(() => {});
    throw err;
  }
  return cluster;
}

// ---------------------------------------------------------------------------------------------
// Fairs and sessions made for a test

/**
 * Creates a fair straight in the database with `products` products of 2 sizes × 2 colours
 * each (allocation 100 per variant), tier A paying less for the first product, named
 * `productName` and their number ("Test coat n" in English). Times are intervals relative to
 * PostgreSQL's now(). Resolves with {fair, products: [{id, variants}]}.
 */
export async function makeFair(dbUrl, { name = '測試訂貨會', startsIn = '-1 hour', endsIn = '2 days', products = 3,
  stylePrefix = `T${process.pid}${Math.floor(Math.random() * 1e6)}`, productName = '測試外套' } = {}) {
  const [[fair]] = await sql(dbUrl, `INSERT INTO fairs (name, season, starts_at, ends_at)
    VALUES ('${name.replace(/'/g, "''")}', '2027SS', now() + interval '${startsIn}', now() + interval '${endsIn}')
    RETURNING id`);
  const made = [];
  for (let i = 1; i <= products; i++) {
    const [[product]] = await sql(dbUrl, `INSERT INTO products (style, name, name_en, category, base_price)
      VALUES ('${stylePrefix}-${i}', '${productName.replace(/'/g, "''")}${i}', 'Test coat ${i}', '外套', ${100000 + i}) RETURNING id`);
    const variants = (await sql(dbUrl, `INSERT INTO variants (product_id, size, color, sort)
      SELECT ${product}, s, c, row_number() OVER () FROM unnest(ARRAY['M','L']) s, unnest(ARRAY['黑色','白色']) c
      RETURNING id`)).map(([id]) => Number(id));
    await sql(dbUrl, `INSERT INTO fair_items (fair_id, product_id, price, sort) VALUES (${fair}, ${product}, ${90000 + i}, ${i});
      INSERT INTO stock (fair_id, product_id, variant_id, allocation)
        SELECT ${fair}, ${product}, v, 100 FROM unnest(ARRAY[${variants.join(',')}]::bigint[]) v;
      ${i === 1 ? `INSERT INTO fair_item_prices VALUES (${fair}, ${product}, 'A', 80001);` : ''}`);
    made.push({ id: Number(product), variants });
  }
  return { fair: Number(fair), products: made };
}

/** fairctl (beside FAIR_SERVER_BIN) on dbUrl; resolves with {stdout, stderr}, rejects on failure. */
export function fairctl(dbUrl, args, { mediaRoot = path.join(os.tmpdir(), 'fair-test-media') } = {}) {
  const bin = path.join(path.dirname(process.env.FAIR_SERVER_BIN), 'fairctl');
  return run(bin, args, { env: { ...process.env, FAIR_DATABASE_URL: dbUrl, FAIR_MEDIA_ROOT: mediaRoot } });
}

/**
 * Users with sessions minted in bulk (no password hashing): `count` dealers of `tiers` in
 * turn, each with its own dealer (named `dealerName n`, in `region`, its user `userName n`).
 * Resolves with [{login, cookie, tier, dealerId}].
 */
export async function mintDealers(dbUrl, count, { prefix = `md${process.pid}x`, tiers = ['A', 'B', 'C'],
  dealerName = '經銷商', userName = '店長', region = '華東' } = {}) {
  const hash = passwordHash('unused-password-1');
  const q = (v) => `'${String(v).replace(/'/g, "''")}'`;
  await sql(dbUrl, `INSERT INTO dealers (code, name, region, tier, credit_limit)
    SELECT '${prefix}' || i, ${q(dealerName + ' ')} || i, ${q(region)}, (ARRAY['${tiers.join("','")}'])[1 + (i - 1) % ${tiers.length}], 1000000000
    FROM generate_series(1, ${count}) i ON CONFLICT (code) DO NOTHING;
    INSERT INTO users (login, name, role, dealer_id, password_hash)
    SELECT '${prefix}' || i, ${q(userName + ' ')} || i, 'dealer', d.id, '${hash}'
    FROM generate_series(1, ${count}) i JOIN dealers d ON d.code = '${prefix}' || i
    ON CONFLICT (login) DO NOTHING`);
  const logins = Array.from({ length: count }, (_, i) => `${prefix}${i + 1}`);
  const { stdout } = await fairctl(dbUrl, ['mint-sessions', ...logins]);
  const rows = await sql(dbUrl, `SELECT u.login, d.tier, d.id FROM users u JOIN dealers d ON d.id = u.dealer_id
    WHERE u.login LIKE '${prefix}%'`);
  const info = new Map(rows.map(([login, tier, id]) => [login, { tier, dealerId: Number(id) }]));
  return stdout.trim().split('\n').map((line) => {
    const [login, value] = line.split('\t');
    return { login, cookie: `fair_session=${value}`, ...info.get(login) };
  });
}

/**
 * take(n) hands out the next n of `list` (dealers nobody has ordered for yet, say), failing
 * the test when the list runs out.
 */
export function taker(list) {
  let next = 0;
  return (n) => {
    const taken = list.slice(next, next + n);
    next += n;
    assert.equal(taken.length, n, `enough of the ${list.length} made for this file`);
    return taken;
  };
}

/**
 * A psql session kept open: query(text) resolves once the statement has run, with what psql
 * printed meanwhile (rows, and "Asynchronous notification ..." lines for a LISTEN).
 */
export function openPsql(url) {
  const proc = spawn(PSQL, ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-d', url],
    { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let waiting = null;
  let n = 0;
  proc.stdout.on('data', (d) => {
    out += d;
    if (waiting && out.includes(waiting.marker)) {
      const w = waiting;
      const printed = out.slice(0, out.indexOf(w.marker));
      waiting = null;
      out = '';
      w.resolve(printed);
    }
  });
  proc.stderr.on('data', (d) => (err += d));
  return {
    query(text) {
      const marker = `-- done ${++n} --`;
      return new Promise((resolve, reject) => {
        waiting = { marker, resolve };
        proc.once('exit', () => reject(new Error(`psql exited: ${err}`)));
        proc.stdin.write(`${text};\nSELECT '${marker}';\n`);
      });
    },
    close() {
      proc.stdin.end();
    },
  };
}

/**
 * Runs fn while no new connection to the database of dbUrl is allowed (the server\'s
 * LISTEN connection cannot come back), with `inside`, a psql session opened before, to
 * change things meanwhile; then allows connections again.
 */
export async function withoutNewConnections(dbUrl, name, fn) {
  const inside = openPsql(dbUrl);
  await inside.query('SELECT 1');
  const quoted = name.replace(/"/g, '""');
  await sql(process.env.FAIR_TEST_DATABASE_URL, `ALTER DATABASE "${quoted}" ALLOW_CONNECTIONS false`);
  try {
    await fn(inside);
  } finally {
    await sql(process.env.FAIR_TEST_DATABASE_URL, `ALTER DATABASE "${quoted}" ALLOW_CONNECTIONS true`);
    inside.close();
  }
}

// Dealers whose kept open credit (dealer_credit, sql/021) differs from the sum of their open
// orders: [[dealer, kept, summed], ...]. Tests that change orders every way expect none.
export async function creditDrift(dbUrl) {
  return sql(dbUrl, 'SELECT dealer_id, kept, summed FROM dealer_credit_drift ORDER BY dealer_id');
}
