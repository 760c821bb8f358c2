// A fair's live video (issue 24): ffmpeg publishes a generated test pattern to a private
// nginx-rtmp that asks the server whether the key may publish; the server announces the
// stream live and ended to the joined dealer, serves the HLS playlist and segments only to
// the fair's users, refuses unknown and rotated keys, and drops a publish whose key was
// rotated while it ran. Each session is recorded: when it ends the server remuxes the
// recording into an MP4 replay with a chapter for each spotlight at its offset (the frame
// there shows the moment the spotlight was set), served with byte ranges to the fair's users
// only; on_record_done is answered to loopback only and for a fair's own recording.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  createDatabase, startServer, sql, makeFair, mintDealers, session, httpGet, fairctl, waitFor,
  createUser, login, connect, sleep,
} from './harness.mjs';
import { makeLiveDir, startNginx, publish, frameMadeAt, CLOCK_BITS, CLOCK_BLOCK, CLOCK_TOP } from './28-nginx.mjs';

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
// A stream event of that state; an earlier session's replay, made a moment after it ended,
// comes as a `stream` event too (state ended, that session's times): the end of the session
// that went live as `on` is the one with its started_at
const goesLive = (m) => m.ev === 'stream' && m.state === 'live';
const endOf = (on) => (m) => m.ev === 'stream' && m.state === 'ended' && m.started_at === on.started_at;

// a brand's own live service (fairctl stream --playback-url), for the server and fairctl
const brandOrigins = 'https://live.example.com, https://cdn.example.net:8443';
process.env.FAIR_VIDEO_ORIGINS = brandOrigins;

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
  const on = await c.next(goesLive, 15_000);
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
  const off = await c.next(endOf(on), 15_000);
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
  const on = await c.next(goesLive, 15_000);
  const rotated = keyOf((await fairctl(db.url, ['stream', String(fx.fair), '--rotate'])).stdout);
  assert.ok(rotated && rotated !== key);
  const cut = Date.now();
  const off = await c.next(endOf(on), 15_000);
  assert.equal(off.state, 'ended');
  await p.exited;
  console.log(`figure: a publish with a rotated key dropped ${Date.now() - cut} ms after the rotation`);
  const old = publish(`${nginx.rtmpUrl}/${key}`, { seconds: 3 });
  assert.notEqual(await old.exited, 0, 'the old key published again');
  const fresh = publish(`${nginx.rtmpUrl}/${rotated}`, { seconds: 2 });
  const again = await c.next(goesLive, 15_000);
  assert.equal(await fresh.exited, 0, fresh.log());
  await c.next(endOf(again), 15_000);
  key = rotated; // the fair's key from now on
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
  // the pages' CSP lets them fetch video from video_origins, so fairctl takes only those, and
  // only what the room plays: HLS or HTTP-FLV
  const page = await httpGet(`${server.url}/`);
  const csp = page.headers['content-security-policy'];
  assert.match(csp, /media-src 'self' blob: https:\/\/live\.example\.com https:\/\/cdn\.example\.net:8443;/, csp);
  assert.match(csp, /connect-src 'self' ws: wss: https:\/\/live\.example\.com https:\/\/cdn\.example\.net:8443;/, csp);
  for (const [bad, why] of [['https://other.example.org/live/fair.m3u8', /https:\/\/other\.example\.org is not in video_origins/],
    ['https://live.example.com.evil.org/fair.m3u8', /is not in video_origins/],
    ['https://live.example.com/brand/fair.mp4', /neither an HLS playlist \(\.m3u8\) nor an HTTP-FLV stream \(\.flv\)/],
    ['https://other.example.org/live/fair.flv', /is not in video_origins/]]) {
    const r = await fairctl(db.url, ['stream', String(other.fair), '--playback-url', bad]).then(() => null, (e) => e);
    assert.ok(r, `${bad} accepted`);
    assert.match(String(r.stderr ?? r.message), why);
  }
  assert.equal((await c.request('join', { fair: other.fair })).stream.playback_url, url, 'a refused URL changes nothing');
  await fairctl(db.url, ['stream', String(other.fair), '--playback-url', 'https://live.example.com/brand/fair.flv']);
  assert.equal((await c.next((m) => m.ev === 'stream', 5_000)).playback_url, 'https://live.example.com/brand/fair.flv');
  await fairctl(db.url, ['stream', String(other.fair), '--playback-url', 'https://CDN.example.net:8443/x/live.m3u8?t=1']);
  assert.equal((await c.next((m) => m.ev === 'stream', 5_000)).playback_url, 'https://CDN.example.net:8443/x/live.m3u8?t=1');
  await fairctl(db.url, ['stream', String(other.fair), '--playback-url', '']);
  const cleared = await c.next((m) => m.ev === 'stream', 5_000);
  assert.equal(cleared.playback_url, null);
  assert.equal((await c.request('join', { fair: other.fair })).stream, null);
  await c.close();
});

test('on_record_done: loopback only, and only a fair\'s own recording that exists', async () => {
  const recDir = path.join(live.dir, 'rec');
  const file = `fair-${fx.fair}-1765000000.flv`;
  fs.writeFileSync(path.join(recDir, file), 'not a recording');
  const done = (body, headers = {}) => httpGet(`${server.url}/api/rtmp/record_done`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body,
  });
  const form = (name, p) => `call=record_done&app=hls&name=${name}&path=${encodeURIComponent(p)}&recorder=`;
  const [[before]] = await sql(db.url, 'SELECT count(*) FROM fair_replays');
  assert.equal((await done(form(`fair-${fx.fair}`, path.join(recDir, file)), { 'x-forwarded-for': '203.0.113.9' })).status, 403,
    'through a proxy');
  for (const [name, p, why] of [
    ['0'.repeat(48), path.join(recDir, file), 'a key, not a fair'],
    [`fair-${other.fair}`, path.join(recDir, file), 'another fair\'s name'],
    [`fair-${fx.fair}`, path.join(recDir, `fair-${fx.fair}-1765000001.flv`), 'no such file'],
    [`fair-${fx.fair}`, '/etc/passwd', 'not a recording\'s name'],
    ['fair-999999', path.join(recDir, 'fair-999999-1.flv'), 'an unknown fair'],
  ]) {
    assert.equal((await done(form(name, p))).status, 403, why);
  }
  const nameless = await done(`call=record_done&path=${encodeURIComponent(path.join(recDir, file))}`);
  assert.equal(nameless.status, 403);
  // a fair that never streamed
  const quiet = `fair-${other.fair}-1765000000.flv`;
  fs.writeFileSync(path.join(recDir, quiet), 'x');
  assert.equal((await done(form(`fair-${other.fair}`, path.join(recDir, quiet)))).status, 403, 'a fair that never streamed');
  const [[after]] = await sql(db.url, 'SELECT count(*) FROM fair_replays');
  assert.equal(after, before, 'nothing recorded');
  fs.rmSync(path.join(recDir, file));
  fs.rmSync(path.join(recDir, quiet));
});

test('a session makes a replay: an MP4 with faststart, a chapter for each spotlight at its moment, byte ranges, its fair\'s users only', async () => {
  await createUser(db.url, { login: `lvrep${process.pid}`, role: 'rep', password: 'rep-pass-123' });
  const rep = await connect(server, { cookie: (await login(server, `lvrep${process.pid}`, 'rep-pass-123')).cookie });
  await rep.next('hello', 10_000);
  const product = fx.products[0].id;
  assert.equal((await rep.request('spotlight.set', { fair: fx.fair, product, note: '開場' })).ok, true);
  const c = await session(server, mine.cookie);
  const joined = await c.request('join', { fair: fx.fair });
  assert.equal(joined.ok, true);
  const known = new Set((joined.stream?.replays ?? []).map((r) => r.id)); // of the sessions above
  const p = publish(`${nginx.rtmpUrl}/${key}`, { seconds: 8 });
  const on = await c.next(goesLive, 15_000);
  await sleep(4000);
  const setAt = Date.now();
  assert.equal((await rep.request('spotlight.set', { fair: fx.fair, product, note: '細節' })).ok, true);
  assert.equal(await p.exited, 0, p.log());
  const ended = Date.now();
  await c.next(endOf(on), 15_000);
  const made = await c.next((m) => m.ev === 'stream' && m.replays?.some((r) => !known.has(r.id)), 30_000);
  console.log(`figure: replay ready ${Date.now() - ended} ms after the publish ended`);
  const replay = made.replays[0];
  assert.match(replay.url, new RegExp(`^/live/${fx.fair}/replay-\\d+\\.mp4$`));
  assert.ok(replay.duration_ms > 5000 && replay.duration_ms < 9000, `duration ${replay.duration_ms}`);
  assert.equal(Date.parse(replay.ended_at) - Date.parse(replay.started_at), replay.duration_ms);
  assert.deepEqual(replay.chapters.map((x) => [x.product, x.note]), [[product, '開場'], [product, '細節']]);
  assert.equal(replay.chapters[0].offset_ms, 0, 'the spotlight in effect at the start');
  assert.equal(replay.chapters[0].name, '測試外套1');
  const chapter = replay.chapters[1];
  assert.ok(Math.abs(Date.parse(replay.started_at) + chapter.offset_ms - setAt) < 200, 'the chapter is at the spotlight\'s time');
  assert.deepEqual((await c.request('join', { fair: fx.fair })).stream.replays, made.replays, 'in the join');
  const recDir = path.join(live.dir, 'rec');
  assert.deepEqual(fs.readdirSync(recDir).filter((f) => f.endsWith('.flv')), [], 'the recording is removed once remuxed');

  const get = (cookie, headers = {}) => httpGet(`${server.url}${replay.url}`, { headers: { ...(cookie ? { cookie } : {}), ...headers } });
  const whole = await get(mine.cookie);
  assert.equal(whole.status, 200);
  assert.equal(whole.headers['content-type'], 'video/mp4');
  assert.equal(whole.headers['accept-ranges'], 'bytes');
  assert.equal(Number(whole.headers['content-length']), whole.raw.length);
  const head = whole.raw.subarray(0, 64 * 1024).toString('latin1');
  assert.ok(head.indexOf('moov') > 0 && head.indexOf('moov') < head.indexOf('mdat'), 'faststart: moov before mdat');
  const size = whole.raw.length;
  const part = await get(mine.cookie, { range: 'bytes=1000-1999' });
  assert.equal(part.status, 206);
  assert.equal(part.headers['content-range'], `bytes 1000-1999/${size}`);
  assert.equal(part.raw.length, 1000);
  assert.ok(part.raw.equals(whole.raw.subarray(1000, 2000)));
  const tail = await get(mine.cookie, { range: 'bytes=-100' });
  assert.equal(tail.status, 206);
  assert.ok(tail.raw.equals(whole.raw.subarray(size - 100)));
  const past = await get(mine.cookie, { range: `bytes=${size}-` });
  assert.equal(past.status, 416);
  assert.equal(past.headers['content-range'], `bytes */${size}`);
  console.log(`figure: replay ${size} bytes for ${(replay.duration_ms / 1000).toFixed(1)} s; ranges 206, past the end 416`);
  assert.equal((await get(null)).status, 401, 'logged out');
  assert.equal((await get(theirs.cookie)).status, 403, 'a dealer of another fair');
  assert.equal((await get(theirs.cookie, { range: 'bytes=0-1' })).status, 403);
  for (const bad of [`/live/${fx.fair}/replay-999999.mp4`, `/live/${other.fair}/replay-${replay.id}.mp4`,
    `/live/${fx.fair}/replay-${replay.id}.mp4x`, `/live/${fx.fair}/replay-0${replay.id}.mp4`]) {
    const r = await httpGet(`${server.url}${bad}`, { headers: { cookie: mine.cookie } });
    assert.ok(r.status === 404 || (bad.includes(`/${other.fair}/`) && r.status === 403), `${bad}: ${r.status}`);
  }

  // The frame at the chapter shows the moment the rep set the spotlight
  const mp4 = path.join(live.dir, 'replay.mp4');
  fs.writeFileSync(mp4, whole.raw);
  const row = execFileSync('ffmpeg', ['-v', 'error', '-ss', String(chapter.offset_ms / 1000), '-i', mp4, '-frames:v', '1',
    '-vf', `crop=320:2:0:${CLOCK_TOP + CLOCK_BLOCK / 2}`, '-f', 'rawvideo', '-pix_fmt', 'gray', '-']);
  let cs = 0;
  for (let b = 0; b < CLOCK_BITS; b++) if (row[b * CLOCK_BLOCK + CLOCK_BLOCK / 2] > 128) cs += 2 ** b;
  const frameMade = frameMadeAt(cs);
  console.log(`figure: replay chapter at ${chapter.offset_ms} ms shows the frame made ${frameMade - setAt} ms after the spotlight was set`);
  assert.ok(Math.abs(frameMade - setAt) < 1000, `the chapter's frame was made ${frameMade - setAt} ms from the spotlight`);
  rep.close();
  await c.close();
});

test('after a restart: a recording whose on_record_done never came, and a remux the restart stopped, become replays', async () => {
  const recDir = path.join(live.dir, 'rec');
  const orphan = `fair-${fx.fair}-1700000000.flv`;
  const stopped = `fair-${fx.fair}-1700000001.flv`;
  for (const f of [orphan, stopped]) {
    execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=25', '-t', '2',
      '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '25', '-f', 'flv', '-y', path.join(recDir, f)]);
  }
  const old = new Date(Date.now() - 5 * 60_000);
  fs.utimesSync(path.join(recDir, orphan), old, old); // closed 5 minutes ago, never announced
  await sql(db.url, `INSERT INTO fair_replays (fair_id, recording, ended_at, made_at)
    VALUES (${fx.fair}, '${stopped}', now() - interval '50 minutes', now() - interval '45 minutes')`);
  await server.stop();
  server = await startServer({ databaseUrl: db.url, env: { FAIR_HLS_ROOT: live.hlsDir } });
  const started = Date.now();
  const rows = await waitFor(async () => {
    const r = await sql(db.url, `SELECT recording, state, duration_ms FROM fair_replays
      WHERE recording IN ('${orphan}', '${stopped}') ORDER BY recording`);
    return r.length === 2 && r.every(([, state]) => state === 'ready') ? r : null;
  }, { timeoutMs: 30_000, what: 'both replays made' });
  console.log(`figure: after a restart, an unannounced recording and a stopped remux were replays ${Date.now() - started} ms after the start`);
  for (const [, , ms] of rows) assert.ok(Number(ms) > 1500 && Number(ms) < 2500, `duration ${ms}`);
  assert.deepEqual(fs.readdirSync(recDir).filter((f) => f.endsWith('.flv')), []);
  const c = await session(server, mine.cookie);
  const urls = (await c.request('join', { fair: fx.fair })).stream.replays.map((r) => r.url);
  const [[orphanId], [stoppedId]] = await sql(db.url, `SELECT id FROM fair_replays
    WHERE recording IN ('${orphan}', '${stopped}') ORDER BY recording`);
  assert.ok(urls.includes(`/live/${fx.fair}/replay-${orphanId}.mp4`) && urls.includes(`/live/${fx.fair}/replay-${stoppedId}.mp4`));
  await c.close();
});

test('a live stream whose on_publish_done never came (the server was down) is ended after a restart', async () => {
  // the restart above moved the server to another port: nginx calls this one
  await nginx.stop();
  nginx = await startNginx(live.dir, server.port);
  const c0 = await session(server, mine.cookie);
  assert.equal((await c0.request('join', { fair: fx.fair })).ok, true);
  const p = publish(`${nginx.rtmpUrl}/${key}`, { seconds: 120 });
  const on = await c0.next(goesLive, 15_000);
  const playlist = path.join(live.hlsDir, `fair-${fx.fair}.m3u8`);
  await waitFor(() => fs.existsSync(playlist), { timeoutMs: 15_000, what: 'the playlist' });
  await c0.close();
  await server.stop();
  p.proc.kill('SIGKILL'); // nginx's on_publish_done finds no server
  await p.exited;
  const killedAt = Date.now();
  await sleep(1500);
  assert.equal((await sql(db.url, `SELECT state FROM fair_streams WHERE fair_id = ${fx.fair}`))[0][0], 'live');
  server = await startServer({ databaseUrl: db.url, env: { FAIR_HLS_ROOT: live.hlsDir, FAIR_PORT: String(server.port) } });
  const started = Date.now();
  const c = await session(server, mine.cookie);
  const joined = await c.request('join', { fair: fx.fair });
  const off = joined.stream.state === 'ended' && joined.stream.started_at === on.started_at
    ? joined.stream : await c.next(endOf(on), 30_000);
  // nginx removed the playlist when the publish ended (hls_cleanup): then it is 12 s after
  // the stream went live that the check ends it, at most 4 s later; a playlist left behind
  // (nginx died) dates the end itself
  const lastWrite = fs.existsSync(playlist) ? fs.statSync(playlist).mtimeMs : null;
  console.log(`figure: a live stream left by a restart ended ${Date.now() - started} ms after the start, ${Date.now() - killedAt} ms after its publisher died (playlist ${lastWrite ? `last written ${Math.round(killedAt - lastWrite)} ms before` : 'removed by nginx'})`);
  assert.equal(off.state, 'ended');
  assert.equal(off.hls, null);
  assert.ok(Date.parse(off.ended_at) >= Date.parse(on.started_at) && Date.parse(off.ended_at) <= Date.now(), `ended_at ${off.ended_at}`);
  assert.ok(Date.now() - started < 20_000);
  const [[state, keyLive]] = await sql(db.url, `SELECT state, live_key_hash IS NULL FROM fair_streams WHERE fair_id = ${fx.fair}`);
  assert.deepEqual([state, keyLive], ['ended', 't']);
  await c.close();
});
