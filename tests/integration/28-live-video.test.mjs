// A fair's live video (issue 24): ffmpeg publishes a generated test pattern to a private
// nginx-rtmp that asks the server whether the key may publish; the server announces the
// stream live and ended to the joined dealer, serves the HLS playlist and segments only to
// the fair's users, refuses unknown and rotated keys, and drops a publish whose key was
// rotated while it ran.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  createDatabase, startServer, sql, makeFair, mintDealers, session, httpGet, fairctl, waitFor,
} from './harness.mjs';
import { makeLiveDir, startNginx, publish } from './28-nginx.mjs';

let db;
let server;
let live;
let nginx;
let fx;
let other;
let mine;   // a dealer of fx
let theirs; // a dealer of the other fair
let key;

const keyOf = (stdout) => /stream key: ([0-9a-f]{48})/.exec(stdout)?.[1];

before(async () => {
  db = await createDatabase();
  live = makeLiveDir();
  server = await startServer({ databaseUrl: db.url, env: { FAIR_HLS_ROOT: live.hlsDir } });
  nginx = await startNginx(live.dir, server.port);
  fx = await makeFair(db.url, { name: '直播場', products: 1 });
  other = await makeFair(db.url, { name: '別的場', products: 1 });
  [mine, theirs] = await mintDealers(db.url, 2, { prefix: `lv${process.pid}x` });
  await sql(db.url, `INSERT INTO fair_dealers VALUES (${fx.fair}, ${mine.dealerId}), (${other.fair}, ${theirs.dealerId})`);
});

after(async () => {
  await nginx?.stop();
  await server?.stop?.();
  live?.remove();
});

test('fairctl stream makes a key once, shows it once, and the join has no stream yet', async () => {
  const first = await fairctl(db.url, ['stream', String(fx.fair)]);
  key = keyOf(first.stdout);
  assert.ok(key, first.stdout);
  assert.match(first.stdout, /RTMP URL: +rtmp:\/\//);
  const again = await fairctl(db.url, ['stream', String(fx.fair)]);
  assert.equal(keyOf(again.stdout), undefined, 'the key is shown only when made');
  assert.match(again.stdout, /--rotate/);
  const [[stored]] = await sql(db.url, `SELECT encode(key_hash, 'hex') FROM fair_streams WHERE fair_id = ${fx.fair}`);
  assert.equal(stored.length, 64);
  assert.ok(!stored.includes(key), 'only a hash is stored');
  const c = await session(server, mine.cookie);
  const joined = await c.request('join', { fair: fx.fair });
  assert.equal(joined.ok, true);
  assert.equal(joined.stream, null);
  await c.close();
});

test('an unknown key and one not shaped like a key are refused, and nothing is announced', async () => {
  const c = await session(server, mine.cookie);
  assert.equal((await c.request('join', { fair: fx.fair })).ok, true);
  for (const name of ['0'.repeat(48), 'not-a-key']) {
    const p = publish(`${nginx.rtmpUrl}/${name}`, { seconds: 3 });
    const code = await p.exited;
    assert.notEqual(code, 0, `ffmpeg published with ${name}`);
  }
  assert.equal(c.pushes.filter((p) => p.ev === 'stream').length, 0);
  await c.close();
});

test('the callbacks are for loopback only, never through a proxy', async () => {
  const res = await httpGet(`${server.url}/api/rtmp/publish`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': '203.0.113.9' },
    body: `call=publish&name=${key}`,
  });
  assert.equal(res.status, 403);
  const [[state]] = await sql(db.url, `SELECT state FROM fair_streams WHERE fair_id = ${fx.fair}`);
  assert.equal(state, 'off');
});

test('on_update: a key that is not a fair\'s is cut, nginx\'s own relay (fair-<id>) is not', async () => {
  const update = (name) => httpGet(`${server.url}/api/rtmp/update`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `call=update&app=live&name=${name}&time=4`,
  });
  assert.equal((await update(`fair-${fx.fair}`)).status, 200);
  assert.equal((await update('0'.repeat(48))).status, 403);
  assert.equal((await update('fair-x')).status, 403);
  assert.equal((await update('')).status, 403);
});

test('a publish goes live, its HLS is served to the fair\'s users only, and it ends', async () => {
  const c = await session(server, mine.cookie);
  assert.equal((await c.request('join', { fair: fx.fair })).ok, true);
  const started = Date.now();
  const p = publish(`${nginx.rtmpUrl}/${key}`, { seconds: 7 });
  const on = await c.next((m) => m.ev === 'stream', 15_000);
  console.log(`figure: live video announced ${Date.now() - started} ms after ffmpeg started`);
  assert.equal(on.state, 'live');
  assert.equal(on.fair, fx.fair);
  assert.equal(on.hls, `/live/${fx.fair}/fair-${fx.fair}.m3u8`);
  assert.ok(Date.parse(on.started_at) > 0);

  const get = (path, cookie) => httpGet(`${server.url}${path}`, { headers: cookie ? { cookie } : {} });
  const list = await waitFor(async () => {
    const r = await get(on.hls, mine.cookie);
    return r.status === 200 && /\.ts/.test(r.body) ? r : null;
  }, { timeoutMs: 15_000, what: 'a playlist with a segment' });
  console.log(`figure: first HLS playlist with a segment ${Date.now() - started} ms after ffmpeg started`);
  assert.equal(list.headers['cache-control'], 'no-cache');
  assert.match(list.headers['content-type'], /mpegurl/);
  assert.match(list.body, /^#EXTM3U/);
  const seg = list.body.split('\n').find((l) => l.endsWith('.ts'));
  assert.match(seg, new RegExp(`^fair-${fx.fair}-\\d+\\.ts$`), 'segments are named by the fair, not the key');
  assert.ok(!list.body.includes(key));
  const s = await get(`/live/${fx.fair}/${seg}`, mine.cookie);
  assert.equal(s.status, 200);
  assert.equal(s.headers['content-type'], 'video/mp2t');
  assert.match(s.headers['cache-control'], /max-age=\d+/);
  assert.equal(s.raw[0], 0x47, 'an MPEG-TS packet');

  // The stream stays up (nginx's own relay is not cut by on_update: no discontinuity after
  // the first) and each segment is dated on the server's clock: when its first frame reached
  // nginx, one segment's duration after the one before
  const full = await waitFor(async () => {
    const r = await get(on.hls, mine.cookie);
    return (r.body.match(/\.ts\n/g) ?? []).length >= 4 ? r : null;
  }, { timeoutMs: 15_000, what: 'a playlist of 4 segments' });
  const readAt = Date.now();
  assert.ok((full.body.match(/#EXT-X-DISCONTINUITY/g) ?? []).length <= 1, full.body);
  const segs = [...full.body.matchAll(/#EXT-X-PROGRAM-DATE-TIME:(\S+)\n#EXTINF:([\d.]+),\n(\S+\.ts)\n/g)]
    .map(([, date, d]) => ({ at: Date.parse(date), ms: Number(d) * 1000 }));
  assert.equal(segs.length, (full.body.match(/\.ts\n/g) ?? []).length, `every segment dated:\n${full.body}`);
  for (let i = 1; i < segs.length; i++) {
    const gap = segs[i].at - (segs[i - 1].at + segs[i - 1].ms);
    assert.ok(Math.abs(gap) < 200, `segment ${i} dated ${gap} ms off its predecessor's end:\n${full.body}`);
  }
  const lastEnd = segs.at(-1).at + segs.at(-1).ms;
  console.log(`figure: the newest segment's end dated ${readAt - lastEnd} ms before the playlist was read`);
  assert.ok(lastEnd <= readAt + 50 && lastEnd > readAt - 3000, `newest segment ended ${readAt - lastEnd} ms ago`);

  assert.equal((await get(on.hls, null)).status, 401, 'logged out');
  assert.equal((await get(on.hls, theirs.cookie)).status, 403, 'a dealer of another fair');
  assert.equal((await get(`/live/${fx.fair}/${seg}`, theirs.cookie)).status, 403);
  for (const bad of [`/live/${fx.fair}/../../etc/passwd`, `/live/${fx.fair}/fair-${other.fair}.m3u8`,
    `/live/${fx.fair}/nginx.conf`, `/live/${fx.fair}/fair-${fx.fair}-1.ts/..`, `/live/0${fx.fair}/fair-${fx.fair}.m3u8`]) {
    assert.equal((await get(bad, mine.cookie)).status, 404, bad);
  }

  assert.equal(await p.exited, 0, p.log());
  const off = await c.next((m) => m.ev === 'stream', 15_000);
  assert.equal(off.state, 'ended');
  assert.equal(off.hls, null);
  assert.ok(off.seq > on.seq);
  const rejoined = await c.request('join', { fair: fx.fair });
  assert.equal(rejoined.stream.state, 'ended');
  await c.close();
});

test('rotating the key drops the publish using it, and the old key never publishes again', async () => {
  const c = await session(server, mine.cookie);
  assert.equal((await c.request('join', { fair: fx.fair })).ok, true);
  const p = publish(`${nginx.rtmpUrl}/${key}`, { seconds: 60 });
  assert.equal((await c.next((m) => m.ev === 'stream', 15_000)).state, 'live');
  const rotated = keyOf((await fairctl(db.url, ['stream', String(fx.fair), '--rotate'])).stdout);
  assert.ok(rotated && rotated !== key);
  const cut = Date.now();
  const off = await c.next((m) => m.ev === 'stream', 15_000);
  assert.equal(off.state, 'ended');
  await p.exited;
  console.log(`figure: a publish with a rotated key dropped ${Date.now() - cut} ms after the rotation`);
  const old = publish(`${nginx.rtmpUrl}/${key}`, { seconds: 3 });
  assert.notEqual(await old.exited, 0, 'the old key published again');
  const fresh = publish(`${nginx.rtmpUrl}/${rotated}`, { seconds: 2 });
  assert.equal((await c.next((m) => m.ev === 'stream', 15_000)).state, 'live');
  assert.equal(await fresh.exited, 0, fresh.log());
  assert.equal((await c.next((m) => m.ev === 'stream', 15_000)).state, 'ended');
  await c.close();
});

test('a brand\'s own playback URL is stored, announced and in the join, and can be cleared', async () => {
  const c = await session(server, mine.cookie);
  assert.equal((await c.request('join', { fair: other.fair })).ok, true);
  const url = 'https://live.example.com/brand/fair.m3u8';
  await fairctl(db.url, ['stream', String(other.fair), '--playback-url', url]);
  const set = await c.next((m) => m.ev === 'stream', 5_000);
  assert.equal(set.playback_url, url);
  assert.equal(set.state, 'off');
  assert.equal(set.hls, null);
  assert.equal((await c.request('join', { fair: other.fair })).stream.playback_url, url);
  await assert.rejects(fairctl(db.url, ['stream', String(other.fair), '--playback-url', 'javascript:alert(1)']));
  await fairctl(db.url, ['stream', String(other.fair), '--playback-url', '']);
  const cleared = await c.next((m) => m.ev === 'stream', 5_000);
  assert.equal(cleared.playback_url, null);
  assert.equal((await c.request('join', { fair: other.fair })).stream, null);
  await c.close();
});
