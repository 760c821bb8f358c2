// Static files sent compressed (issue 22, "JavaScript sent to a phone"): web/build.mjs writes a
// brotli and a gzip -9 copy beside each page, script, style, SVG and manifest of web/public;
// net/http.c sends one with its Content-Encoding and Vary: Accept-Encoding to a request whose
// Accept-Encoding allows it (br when weighed no less than gzip; q=0 refuses), and the file
// itself to any other (also Vary). Every coding gives the same bytes once decoded. The chunks the
// build names by their content are sent Cache-Control: public, max-age=31536000, immutable; every
// other file, whose name a new build keeps, no-store. A copy older
// than its file (left by an earlier build), a copy that leaves the web root by a symlink and a
// Range request get the file itself; pictures are never looked for a copy.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { createDatabase, startServer, httpGet, SOURCE_DIR } from './harness.mjs';

const BUILT = path.join(SOURCE_DIR, 'web', 'public');
// the largest script the build made: hls.js's or ECharts's chunk
const BIG = fs.readdirSync(path.join(BUILT, 'assets')).filter((f) => f.endsWith('.js'))
  .map((f) => `assets/${f}`).sort((a, b) => fs.statSync(path.join(BUILT, b)).size - fs.statSync(path.join(BUILT, a)).size)[0];
let db;
let server;
let tmp;
let root;

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fair-gzip-'));
  root = path.join(tmp, 'web');
  fs.mkdirSync(path.join(root, 'assets'), { recursive: true });
  // the files the build made (index.html, app.js, a chunk and their copies), as they are now
  for (const f of ['index.html', 'style.css', 'icon.svg', 'manifest.webmanifest', 'assets/app.js', BIG]) {
    fs.copyFileSync(path.join(BUILT, f), path.join(root, f));
    for (const ext of ['gz', 'br']) {
      const copy = path.join(BUILT, `${f}.${ext}`);
      assert.ok(fs.existsSync(copy), `the build wrote ${f}.${ext}`);
      fs.copyFileSync(copy, path.join(root, `${f}.${ext}`));
    }
  }
  // stale copies: older than their file
  fs.writeFileSync(path.join(root, 'stale.js'), 'console.log("new");\n');
  fs.writeFileSync(path.join(root, 'stale.js.gz'), zlib.gzipSync('console.log("old");\n'));
  fs.writeFileSync(path.join(root, 'stale.js.br'), zlib.brotliCompressSync('console.log("old");\n'));
  const old = new Date(Date.now() - 3600_000);
  fs.utimesSync(path.join(root, 'stale.js.gz'), old, old);
  fs.utimesSync(path.join(root, 'stale.js.br'), old, old);
  // a file with a gzip copy only: br asked, gzip sent
  fs.writeFileSync(path.join(root, 'gzonly.css'), 'p{color:red}\n'.repeat(50));
  fs.writeFileSync(path.join(root, 'gzonly.css.gz'), zlib.gzipSync(fs.readFileSync(path.join(root, 'gzonly.css'))));
  // a copy that is a symlink out of the web root
  fs.writeFileSync(path.join(tmp, 'outside.gz'), zlib.gzipSync('secret outside the root\n'));
  fs.writeFileSync(path.join(root, 'escape.css'), 'body{}\n');
  fs.symlinkSync(path.join(tmp, 'outside.gz'), path.join(root, 'escape.css.gz'));
  // a picture with a .gz beside it: never looked for
  fs.writeFileSync(path.join(root, 'pic.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  fs.writeFileSync(path.join(root, 'pic.png.gz'), zlib.gzipSync('not a picture'));
  const later = new Date(Date.now() + 1000);
  for (const f of [BIG, 'assets/app.js', 'index.html', 'style.css', 'icon.svg', 'manifest.webmanifest']) {
    for (const ext of ['gz', 'br']) fs.utimesSync(path.join(root, `${f}.${ext}`), later, later);
  }
  for (const f of ['pic.png.gz', 'gzonly.css.gz']) fs.utimesSync(path.join(root, f), later, later);

  db = await createDatabase();
  server = await startServer({ databaseUrl: db.url, env: { FAIR_WEB_ROOT: root } });
});

after(async () => {
  try {
    if (server) await server.stop();
  } finally {
    if (db) await db.drop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  }
});

const get = (p, headers = {}, method = 'GET') => httpGet(`${server.url}${p}`, { headers, method });
const plain = (res) => ({ gzip: zlib.gunzipSync, br: zlib.brotliDecompressSync }[res.headers['content-encoding']]
  ?? ((b) => b))(res.raw);

test('each page, script, style, SVG and manifest: the same bytes as identity, gzip and br', async () => {
  for (const [p, file, type] of [
    ['/', 'index.html', 'text/html'],
    ['/assets/app.js', 'assets/app.js', 'text/javascript'],
    ['/style.css', 'style.css', 'text/css'],
    ['/icon.svg', 'icon.svg', 'image/svg+xml'],
    ['/manifest.webmanifest', 'manifest.webmanifest', 'application/manifest+json'],
    [`/${BIG}`, BIG, 'text/javascript'],
  ]) {
    const want = fs.readFileSync(path.join(root, file));
    const identity = await get(p);
    const gzip = await get(p, { 'accept-encoding': 'gzip, deflate' }); // Chromium over HTTP
    const br = await get(p, { 'accept-encoding': 'gzip, deflate, br, zstd' }); // and over HTTPS
    assert.equal(identity.status, 200, p);
    assert.equal(gzip.status, 200, p);
    assert.equal(identity.headers['content-encoding'], undefined, `${p} without Accept-Encoding: not encoded`);
    assert.equal(gzip.headers['content-encoding'], 'gzip', `${p} to a client taking gzip`);
    assert.equal(br.headers['content-encoding'], 'br', `${p} to a client taking br`);
    for (const res of [identity, gzip, br]) {
      assert.match(res.headers['content-type'], new RegExp(`^${type.replace('+', '\\+')}`), p);
      assert.match(res.headers.vary ?? '', /accept-encoding/i, `${p}: Vary: Accept-Encoding`);
      assert.equal(Number(res.headers['content-length']), res.raw.length, `${p}: Content-Length is the body's`);
      assert.ok(res.headers['content-security-policy'], `${p}: the security headers`);
    }
    assert.deepEqual(plain(gzip), want, `${p}: gunzip of the gzip answer is the file`);
    assert.deepEqual(plain(br), want, `${p}: the br answer decoded is the file`);
    assert.deepEqual(br.raw, fs.readFileSync(path.join(root, `${file}.br`)), `${p}: br as the build wrote it`);
    assert.deepEqual(identity.raw, want, `${p}: the identity answer is the file`);
    assert.deepEqual(gzip.raw, fs.readFileSync(path.join(root, `${file}.gz`)), `${p}: sent as the build wrote it`);
    if (file === BIG) {
      assert.ok(gzip.raw.length < identity.raw.length / 2, `${p}: ${gzip.raw.length} bytes gzip, ${identity.raw.length} raw`);
      assert.ok(br.raw.length < gzip.raw.length, `${p}: ${br.raw.length} bytes br, ${gzip.raw.length} gzip`);
      console.log(`${p}: ${identity.raw.length} bytes, ${gzip.raw.length} gzip, ${br.raw.length} br`);
    }
    const head = await get(p, { 'accept-encoding': 'gzip' }, 'HEAD');
    assert.equal(head.headers['content-encoding'], 'gzip', `HEAD ${p}`);
    assert.equal(head.raw.length, 0, `HEAD ${p}: no body`);
  }
});

test('the chunks named by their content are kept a year; files whose names stay across builds are not', async () => {
  assert.match(BIG, /^assets\/chunk-[A-Z0-9]{8}\.js$/, 'the largest script is one of the build\'s hashed chunks');
  for (const [headers, method] of [[{}, 'GET'], [{ 'accept-encoding': 'gzip' }, 'GET'],
    [{ 'accept-encoding': 'gzip, br' }, 'GET'], [{ 'accept-encoding': 'br' }, 'HEAD']]) {
    const res = await get(`/${BIG}`, headers, method);
    assert.equal(res.status, 200);
    // one header (a second would be joined into this one by node), no no-store beside it
    assert.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable',
      `${method} /${BIG} (${headers['accept-encoding'] ?? 'no Accept-Encoding'})`);
  }
  for (const p of ['/', '/assets/app.js', '/style.css', '/manifest.webmanifest', '/stale.js']) {
    assert.equal((await get(p, { 'accept-encoding': 'gzip, br' })).headers['cache-control'], 'no-store', p);
  }
});

test('Accept-Encoding: the weights pick br, gzip or the file itself; q=0 refuses', async () => {
  for (const [accept, coding] of [
    ['gzip;q=0', undefined], ['identity', undefined], ['deflate', undefined], ['*;q=0', undefined],
    ['*, gzip;q=0, br;q=0', undefined], ['GZIP', 'gzip'], ['x-gzip', 'gzip'], ['gzip;q=0.001', 'gzip'],
    ['gzip; q=0.000, br', 'br'], ['br;q=0, *', 'gzip'], ['br;q=0.5, gzip', 'gzip'], ['br;q=0.5, gzip;q=0.5', 'br'],
    ['*', 'br'], ['deflate, *;q=0.1', 'br'],
  ]) {
    const res = await get('/assets/app.js', { 'accept-encoding': accept });
    assert.equal(res.status, 200, accept);
    assert.equal(res.headers['content-encoding'], coding, `Accept-Encoding: ${accept}`);
    assert.deepEqual(plain(res), fs.readFileSync(path.join(root, 'assets/app.js')), accept);
  }
});

test('a stale copy, a copy out of the root, a picture and a Range request get the file itself', async () => {
  const gzip = { 'accept-encoding': 'gzip' };
  const stale = await get('/stale.js', { 'accept-encoding': 'gzip, br' });
  assert.equal(stale.headers['content-encoding'], undefined, 'a copy older than its file is not sent');
  assert.equal(stale.body, 'console.log("new");\n');
  const gzOnly = await get('/gzonly.css', { 'accept-encoding': 'gzip, br' });
  assert.equal(gzOnly.headers['content-encoding'], 'gzip', 'br asked where there is no .br: gzip');
  assert.deepEqual(plain(gzOnly), fs.readFileSync(path.join(root, 'gzonly.css')));
  const brOnly = await get('/gzonly.css', { 'accept-encoding': 'br' });
  assert.equal(brOnly.headers['content-encoding'], undefined, 'br only asked where there is no .br: the file itself');
  const escape = await get('/escape.css', gzip);
  assert.equal(escape.headers['content-encoding'], undefined, 'a copy by a symlink out of the root is not sent');
  assert.equal(escape.body, 'body{}\n');
  const pic = await get('/pic.png', gzip);
  assert.equal(pic.headers['content-encoding'], undefined, 'a picture is sent as it is');
  assert.equal(pic.headers.vary, undefined, 'a picture does not vary');
  assert.deepEqual(pic.raw, Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  const ranged = await get('/assets/app.js', { 'accept-encoding': 'gzip, br', range: 'bytes=0-9' });
  assert.equal(ranged.headers['content-encoding'], undefined, 'a Range request is about the file itself');
  const direct = await get('/assets/app.js.gz');
  assert.equal(direct.status, 200, 'the copy itself is a file like any other');
});
