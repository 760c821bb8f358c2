// `make run`'s private nginx-rtmp (issue 24): server/scripts/run.sh --live starts it beside
// the database before the command, on loopback with its files under the live folder
// (var/live/ for make run; a folder of the test's here, FAIR_LIVE_DIR), and stops it when the
// command ends, by itself or by SIGTERM (Ctrl-C); an nginx that was running already is left
// running. The command here stands in for the server: what is tested is the set-up around it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { SOURCE_DIR, createDatabase, waitFor } from './harness.mjs';
import { freePort } from './28-nginx.mjs';

const RUN_SH = path.join(SOURCE_DIR, 'server/scripts/run.sh');
const NGINX_SH = path.join(SOURCE_DIR, 'server/scripts/nginx.sh');

let db;
let dir;
let env;

const pidOf = () => (fs.existsSync(path.join(dir, 'nginx.pid')) ? Number(fs.readFileSync(path.join(dir, 'nginx.pid'), 'utf8')) : 0);
const alive = (pid) => { try { return pid > 0 && (process.kill(pid, 0), true); } catch { return false; } };
const rtmpOpen = (port) => new Promise((resolve) => {
  const s = net.connect(port, '127.0.0.1');
  s.once('connect', () => { s.destroy(); resolve(true); });
  s.once('error', () => resolve(false));
});

/** run.sh --live with cmd; resolves {code, signal, out} when it ends. */
function runLive(cmd, onStart) {
  return new Promise((resolve) => {
    const p = spawn(RUN_SH, ['--live', ...cmd], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { out += d; });
    p.on('exit', (code, signal) => resolve({ code, signal, out }));
    onStart?.(p);
  });
}

before(async () => {
  db = await createDatabase();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fair-runlive-'));
  env = {
    ...process.env,
    FAIR_DATABASE_URL: db.url,
    FAIR_LIVE_DIR: dir,
    FAIR_RTMP_PORT: String(await freePort()),
    FAIR_PORT: String(await freePort()),
  };
});

after(() => {
  if (alive(pidOf())) execFileSync(NGINX_SH, ['stop'], { env });
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test('run.sh --live starts nginx-rtmp on loopback for the command and stops it after', async () => {
  const port = Number(env.FAIR_RTMP_PORT);
  assert.equal(await rtmpOpen(port), false, 'nothing listens before');
  // the command sees RTMP open, as the server would when make run starts it
  const r = await runLive(['bash', '-c', `exec 3<>/dev/tcp/127.0.0.1/${port} && echo rtmp-open`]);
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /rtmp-open/);
  assert.match(r.out, new RegExp(`nginx-rtmp: RTMP on rtmp://127\\.0\\.0\\.1:${port}/live, HLS in ${dir}/hls`));
  assert.match(r.out, /nginx-rtmp: stopped/);
  assert.equal(await rtmpOpen(port), false, 'stopped with the command');
  assert.equal(alive(pidOf()), false);
  // its files under the live folder: the configuration, the HLS and recordings folders
  for (const f of ['nginx.conf', 'hls', 'rec', 'error.log']) assert.ok(fs.existsSync(path.join(dir, f)), f);
  const conf = fs.readFileSync(path.join(dir, 'nginx.conf'), 'utf8');
  assert.match(conf, new RegExp(`listen 127\\.0\\.0\\.1:${port};`), 'RTMP on loopback only');
  assert.match(conf, new RegExp(`http://127\\.0\\.0\\.1:${env.FAIR_PORT}/api/rtmp/publish`), 'asks this server');
});

test('a SIGTERM to run.sh (Ctrl-C) ends the command and stops nginx-rtmp', async () => {
  const port = Number(env.FAIR_RTMP_PORT);
  const t0 = Date.now();
  const r = await runLive(['sleep', '60'], async (p) => {
    await waitFor(() => rtmpOpen(port), { timeoutMs: 20_000, what: 'nginx-rtmp up' });
    p.kill('SIGTERM');
  });
  console.log(`figure: run.sh --live: up and stopped again by SIGTERM in ${Date.now() - t0} ms`);
  assert.ok(Date.now() - t0 < 30_000, 'the command did not run its 60 s');
  assert.equal(await rtmpOpen(port), false, r.out);
  assert.equal(alive(pidOf()), false);
});

test('an nginx-rtmp running before run.sh is left running', async () => {
  const port = Number(env.FAIR_RTMP_PORT);
  execFileSync(NGINX_SH, ['start'], { env });
  const pid = pidOf();
  assert.ok(alive(pid));
  const r = await runLive(['true']);
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /already running/);
  assert.equal(pidOf(), pid);
  assert.ok(alive(pid), 'not ours to stop');
  assert.equal(await rtmpOpen(port), true);
  execFileSync(NGINX_SH, ['stop'], { env });
});
