// The live video behind a cache (issue 24: "a CDN or an nginx cache can be put in front as
// documented for thousands of viewers"). With hls_link_secret set, the playlist (served to
// the fair's users by their cookie, never cached) lists each segment as a link signed for a
// few minutes in nginx's secure_link form; the server serves a segment to a valid link
// without a cookie, as `public`, and refuses a link it did not sign or one expired. An nginx
// made from config/nginx-edge.conf.in in front checks the links itself and keeps each segment
// once for every viewer: the second viewer's segment comes from the cache, even after the
// server's file is gone; a bad link is refused by nginx. The server refuses to start with a
// secret nginx could not take, or a link base its pages may not fetch from.
//
// The HLS files are written by the test (a playlist of two segments, as nginx-rtmp writes
// them): what is tested is who may have them and through what, not the stream (28 does).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  SOURCE_DIR, createDatabase, startServer, sql, makeFair, mintDealers, httpGet,
} from './harness.mjs';
import { freePort } from './28-nginx.mjs';

const SECRET = `edge-test-${crypto.randomBytes(9).toString('hex')}`;
const CDN = 'https://cdn.example.com';

let db;
let server;
let dir;
let hlsDir;
let edge;
let fx;
let other;
let mine;
let theirs;

// nginx's secure_link_md5 "$secure_link_expires$uri <secret>", base64url without padding
const sign = (uri, expires, secret = SECRET) => crypto.createHash('md5')
  .update(`${expires}${uri} ${secret}`).digest('base64url');

const playlistOf = (fair) => [
  '#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-MEDIA-SEQUENCE:4', '#EXT-X-TARGETDURATION:1', '',
  '#EXTINF:1.000,', `fair-${fair}-4.ts`, '#EXTINF:1.000,', `fair-${fair}-5.ts`, '',
].join('\n');

async function startEdge(upstreamPort) {
  const port = await freePort();
  const conf = path.join(dir, 'edge.conf');
  const text = fs.readFileSync(path.join(SOURCE_DIR, 'config/nginx-edge.conf.in'), 'utf8')
    .replaceAll('@LISTEN@', `127.0.0.1:${port}`)
    .replaceAll('@UPSTREAM@', `http://127.0.0.1:${upstreamPort}`)
    .replaceAll('@LINK_SECRET@', SECRET)
    .replaceAll('@CACHE_DIR@', path.join(dir, 'cache'))
    .replaceAll('@RUN_DIR@', dir)
    // started by root, nginx's worker would be nobody, who cannot write the cache here
    .replaceAll('@USER_LINE@', process.getuid() === 0 ? 'user root root;' : '');
  fs.writeFileSync(conf, text);
  execFileSync('nginx', ['-p', dir, '-c', conf, '-e', path.join(dir, 'edge-error.log')]);
  const pidFile = path.join(dir, 'edge.pid');
  for (let i = 0; i < 50 && !fs.existsSync(pidFile); i++) await new Promise((r) => setTimeout(r, 100));
  return {
    url: (p) => `http://127.0.0.1:${port}${p}`,
    stop() {
      try { process.kill(Number(fs.readFileSync(pidFile, 'utf8')), 'SIGQUIT'); } catch { /* gone */ }
    },
  };
}

/** Runs the server with env until it exits (it should refuse to start): {code, log}. */
function refusedStart(env) {
  return new Promise((resolve) => {
    execFile(process.env.FAIR_SERVER_BIN, [], {
      env: { ...process.env, FAIR_PORT: '0', FAIR_LISTEN_ADDRESS: '127.0.0.1', FAIR_DATABASE_URL: db.url, ...env },
      timeout: 30_000,
    }, (err, stdout, stderr) => resolve({ code: err?.code ?? 0, log: `${stdout}${stderr}` }));
  });
}

before(async () => {
  db = await createDatabase();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fair-edge-'));
  hlsDir = path.join(dir, 'hls');
  fs.mkdirSync(hlsDir);
  server = await startServer({
    databaseUrl: db.url,
    env: { FAIR_HLS_ROOT: hlsDir, FAIR_HLS_LINK_SECRET: SECRET, FAIR_TRUSTED_PROXIES: '127.0.0.1' },
  });
  fx = await makeFair(db.url, { name: '缓存场', products: 1 });
  other = await makeFair(db.url, { name: '别的场', products: 1 });
  [mine, theirs] = await mintDealers(db.url, 2, { prefix: `edge${process.pid}x` });
  await sql(db.url, `INSERT INTO fair_dealers VALUES (${fx.fair}, ${mine.dealerId}), (${other.fair}, ${theirs.dealerId})`);
  fs.writeFileSync(path.join(hlsDir, `fair-${fx.fair}.m3u8`), playlistOf(fx.fair));
  for (const n of [4, 5]) fs.writeFileSync(path.join(hlsDir, `fair-${fx.fair}-${n}.ts`), crypto.randomBytes(4000 + n));
  edge = await startEdge(server.port);
});

after(async () => {
  edge?.stop();
  await server?.stop?.();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const serverUrl = (p) => `http://127.0.0.1:${server.port}${p}`;
const links = (playlist) => playlist.split('\n').filter((l) => l && !l.startsWith('#'));

test('the playlist lists each segment as a link signed for 2-3 minutes, for the fair\'s users only', async () => {
  const before = Math.floor(Date.now() / 1000);
  const r = await httpGet(serverUrl(`/live/${fx.fair}/fair-${fx.fair}.m3u8`), { headers: { Cookie: mine.cookie } });
  assert.equal(r.status, 200, r.body);
  assert.equal(r.headers['cache-control'], 'no-cache');
  const got = links(r.body);
  assert.equal(got.length, 2);
  for (const [i, link] of got.entries()) {
    const m = /^fair-(\d+)-(\d)\.ts\?md5=([A-Za-z0-9_-]{22})&expires=(\d+)$/.exec(link);
    assert.ok(m, link);
    assert.equal(Number(m[1]), fx.fair);
    assert.equal(Number(m[2]), 4 + i);
    const expires = Number(m[4]);
    assert.ok(expires % 60 === 0 && expires - before > 60 && expires - before <= 181, `expires in ${expires - before} s`);
    assert.equal(m[3], sign(`/live/${fx.fair}/fair-${fx.fair}-${4 + i}.ts`, expires), 'the form nginx checks');
  }
  // the gate is the playlist: no cookie, another fair's dealer
  assert.equal((await httpGet(serverUrl(`/live/${fx.fair}/fair-${fx.fair}.m3u8`))).status, 401);
  assert.equal((await httpGet(serverUrl(`/live/${fx.fair}/fair-${fx.fair}.m3u8`), { headers: { Cookie: theirs.cookie } })).status, 403);
});

test('the server serves a signed segment without a cookie, publicly cacheable, and refuses others', async () => {
  const uri = `/live/${fx.fair}/fair-${fx.fair}-4.ts`;
  const expires = Math.floor(Date.now() / 1000) + 120;
  const ok = await httpGet(serverUrl(`${uri}?md5=${sign(uri, expires)}&expires=${expires}`));
  assert.equal(ok.status, 200, ok.body);
  assert.equal(ok.headers['cache-control'], 'public, max-age=60');
  assert.deepEqual(ok.raw, fs.readFileSync(path.join(hlsDir, `fair-${fx.fair}-4.ts`)));
  // by the cookie, as before: private
  const byCookie = await httpGet(serverUrl(uri), { headers: { Cookie: mine.cookie } });
  assert.equal(byCookie.status, 200);
  assert.equal(byCookie.headers['cache-control'], 'private, max-age=60');
  const five = `/live/${fx.fair}/fair-${fx.fair}-5.ts`;
  const past = Math.floor(Date.now() / 1000) - 1;
  for (const [query, why] of [
    [`md5=${sign(five, expires)}&expires=${expires}`, 'another segment\'s link'],
    [`md5=${sign(uri, expires + 60)}&expires=${expires}`, 'another expiry'],
    [`md5=${sign(uri, expires, `${SECRET}x`)}&expires=${expires}`, 'another secret'],
    [`md5=${sign(uri, past)}&expires=${past}`, 'expired'],
    [`md5=short&expires=${expires}`, 'malformed'],
  ]) {
    const r = await httpGet(serverUrl(`${uri}?${query}`));
    assert.equal(r.status, 403, `${why}: ${r.status} ${r.body}`);
    assert.match(r.body, why === 'expired' ? /expired/ : /not signed here/);
  }
  // no link and no cookie: the session is asked for, as before
  assert.equal((await httpGet(serverUrl(uri))).status, 401);
});

test('an nginx in front keeps each segment once for every viewer and refuses bad links itself', async () => {
  const playlist = await httpGet(edge.url(`/live/${fx.fair}/fair-${fx.fair}.m3u8`), { headers: { Cookie: mine.cookie } });
  assert.equal(playlist.status, 200, playlist.body);
  assert.equal(playlist.headers['x-cache-status'], undefined, 'the playlist is passed on, never cached');
  assert.equal((await httpGet(edge.url(`/live/${fx.fair}/fair-${fx.fair}.m3u8`))).status, 401, 'the cookie still gates it');
  const [link] = links(playlist.body);
  const file = path.join(hlsDir, `fair-${fx.fair}-4.ts`);
  const bytes = fs.readFileSync(file);

  const t0 = performance.now();
  const first = await httpGet(edge.url(`/live/${fx.fair}/${link}`));
  assert.equal(first.status, 200, first.body);
  assert.equal(first.headers['x-cache-status'], 'MISS');
  assert.deepEqual(first.raw, bytes);
  // another viewer, a minute later, would have another link for the same segment: one copy
  const expires = Number(/expires=(\d+)/.exec(link)[1]) + 60;
  const uri = `/live/${fx.fair}/fair-${fx.fair}-4.ts`;
  const second = await httpGet(edge.url(`${uri}?md5=${sign(uri, expires)}&expires=${expires}`));
  assert.equal(second.status, 200);
  assert.equal(second.headers['x-cache-status'], 'HIT');
  // served by the cache alone: the server's file is gone
  fs.rmSync(file);
  const third = await httpGet(edge.url(`/live/${fx.fair}/${link}`));
  assert.equal(third.headers['x-cache-status'], 'HIT');
  assert.deepEqual(third.raw, bytes);
  assert.equal((await httpGet(serverUrl(`/live/${fx.fair}/${link}`))).status, 404, 'the server no longer has it');
  console.log(`figure: a segment through the edge: miss then hit, ${(performance.now() - t0).toFixed(1)} ms for three viewers`);

  // refused by nginx: no link, a tampered one, an expired one
  const five = `/live/${fx.fair}/fair-${fx.fair}-5.ts`;
  const past = Math.floor(Date.now() / 1000) - 1;
  for (const p of [five, `${five}?md5=${sign(uri, expires)}&expires=${expires}`, `${five}?md5=${sign(five, past)}&expires=${past}`]) {
    const r = await httpGet(edge.url(p), { headers: { Cookie: mine.cookie } });
    assert.equal(r.status, 403, `${p}: ${r.status}`);
  }
  const log = fs.readFileSync(path.join(dir, 'edge-access.log'), 'utf8');
  assert.match(log, /fair-\d+-5\.ts[^\n]* 403 /, 'nginx answered the bad links');
});

test('with a link base the playlist points at the CDN; a secret or base nginx or the pages could not use stops the start', async () => {
  const cdnServer = await startServer({
    databaseUrl: db.url,
    env: { FAIR_HLS_ROOT: hlsDir, FAIR_HLS_LINK_SECRET: SECRET, FAIR_HLS_LINK_BASE: CDN, FAIR_VIDEO_ORIGINS: CDN },
  });
  try {
    const r = await httpGet(`http://127.0.0.1:${cdnServer.port}/live/${fx.fair}/fair-${fx.fair}.m3u8`, { headers: { Cookie: mine.cookie } });
    assert.equal(r.status, 200, r.body);
    for (const link of links(r.body)) {
      assert.match(link, new RegExp(`^${CDN}/live/${fx.fair}/fair-${fx.fair}-\\d\\.ts\\?md5=[A-Za-z0-9_-]{22}&expires=\\d+$`));
    }
    const page = await httpGet(`http://127.0.0.1:${cdnServer.port}/`);
    assert.match(page.headers['content-security-policy'], /connect-src[^;]*https:\/\/cdn\.example\.com/, 'the pages may fetch from it');
  } finally {
    await cdnServer.stop();
  }
  for (const [env, why] of [
    [{ FAIR_HLS_LINK_SECRET: 'short' }, /hls_link_secret/],
    [{ FAIR_HLS_LINK_SECRET: 'has a space in it, 16+' }, /hls_link_secret/],
    [{ FAIR_HLS_LINK_SECRET: 'dollar$secret-long-enough' }, /hls_link_secret/],
    [{ FAIR_HLS_LINK_SECRET: SECRET, FAIR_HLS_LINK_BASE: CDN }, /hls_link_base.*video_origins/],
    [{ FAIR_HLS_LINK_SECRET: SECRET, FAIR_HLS_LINK_BASE: `${CDN}/live`, FAIR_VIDEO_ORIGINS: CDN }, /hls_link_base/],
    [{ FAIR_HLS_LINK_BASE: CDN, FAIR_VIDEO_ORIGINS: CDN }, /hls_link_base/],
  ]) {
    const r = await refusedStart(env);
    assert.notEqual(r.code, 0, `started with ${JSON.stringify(env)}`);
    assert.match(r.log, why);
  }
});
