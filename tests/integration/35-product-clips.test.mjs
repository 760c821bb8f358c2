// Product clips (issue 24): a short video per product, imported with a fair (fairctl import,
// DIR/clips/STYLE.mp4) or uploaded by an admin (POST /api/admin/products/<id>/clip); checked
// with ffprobe, transcoded by ffmpeg to an H.264/AAC MP4 of at most 720p with a poster, each
// in a limited child; served from /media/clips/ with byte ranges. A corrupt, foreign, too long
// or too large clip is refused with a clear error, and nothing is stored: no file, no row.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  createDatabase, startServer, connect, createUser, login, sql, httpGet, makeFair, SOURCE_DIR,
} from './harness.mjs';

const FAIRCTL = path.join(path.dirname(process.env.FAIR_SERVER_BIN ?? ''), 'fairctl');
const SANITIZER_REPORT = /ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:/;
const GOOD_FAIR = path.join(SOURCE_DIR, 'tests/fixtures/import-good');

let db;
let server;
let tmp;
let media;
const clips = {};

/** A clip made by ffmpeg from its test sources: a pattern and a tone. */
function makeClip(file, { seconds, size = '640x360' }) {
  execFileSync('ffmpeg', ['-nostdin', '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', `testsrc=size=${size}:rate=25`, '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
    '-t', String(seconds), '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', file]);
  return file;
}

function fairctl(args, env = {}) {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    execFile(FAIRCTL, args, {
      env: { ...process.env, FAIR_DATABASE_URL: db.url, FAIR_MEDIA_ROOT: media, ...env },
      timeout: 300_000, encoding: 'utf8',
    }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : `${err.signal ?? err.code}`) : 0;
      if (SANITIZER_REPORT.test(stderr)) reject(new Error(`fairctl: sanitizer report:\n${stderr}`));
      else resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** Every file under the media root's clips/ folder (relative paths). */
function clipFiles() {
  const root = path.join(media, 'clips');
  if (!fs.existsSync(root)) return [];
  return fs.readdirSync(root, { recursive: true })
    .filter((f) => fs.statSync(path.join(root, f)).isFile()).sort();
}

/** A copy of the good import fixture with these clips (name -> file) in clips/. */
function fairDir(name, clipsIn) {
  const dir = path.join(tmp, name);
  fs.cpSync(GOOD_FAIR, dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'fair.json'), JSON.stringify({
    ...JSON.parse(fs.readFileSync(path.join(GOOD_FAIR, 'fair.json'), 'utf8')), name: `${name} 訂貨會` }));
  fs.mkdirSync(path.join(dir, 'clips'));
  for (const [file, from] of Object.entries(clipsIn)) fs.copyFileSync(from, path.join(dir, 'clips', file));
  return dir;
}

const one = async (query) => (await sql(db.url, query))[0]?.[0];

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fair-clips-35-'));
  media = path.join(tmp, 'media');
  fs.mkdirSync(media);
  const t0 = Date.now();
  clips.good = makeClip(path.join(tmp, 'good.mp4'), { seconds: 3, size: '1920x1080' });
  clips.long = makeClip(path.join(tmp, 'long.mp4'), { seconds: 7 });
  clips.webm = path.join(tmp, 'good.webm');
  execFileSync('ffmpeg', ['-nostdin', '-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i',
    'testsrc=size=360x640:rate=25', '-t', '2', '-c:v', 'libvpx', '-b:v', '300k', clips.webm]);
  clips.corrupt = path.join(tmp, 'corrupt.mp4');
  fs.writeFileSync(clips.corrupt, crypto.randomBytes(200_000));
  // an MP4's start with the rest cut off: it looks like a video to the first bytes only
  clips.truncated = path.join(tmp, 'truncated.mp4');
  const whole = fs.readFileSync(clips.long);
  fs.writeFileSync(clips.truncated, whole.subarray(0, 3000));
  // more than the server's 1 MiB limit (FAIR_CLIP_MAX_MB below)
  clips.big = path.join(tmp, 'big.mp4');
  fs.writeFileSync(clips.big, Buffer.concat([whole.subarray(0, 32), crypto.randomBytes(1_200_000)]));
  console.log(`clips made in ${Date.now() - t0} ms: good ${fs.statSync(clips.good).size} B, ` +
    `long ${whole.length} B, webm ${fs.statSync(clips.webm).size} B`);

  db = await createDatabase();
  server = await startServer({
    databaseUrl: db.url,
    env: { FAIR_MEDIA_ROOT: media, FAIR_CLIP_MAX_MB: '1', FAIR_CLIP_MAX_S: '5' },
  });
});

after(async () => {
  try {
    if (server) await server.stop();
  } finally {
    if (db) await db.drop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('fairctl import transcodes a clip to a 720p H.264/AAC MP4 with a poster, and records it', { timeout: 120_000 }, async () => {
  const r = await fairctl(['import', fairDir('good', { 'TEST-001.mp4': clips.good, 'test-002.webm': clips.webm })]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /3 pictures, 2 clips in/);
  console.log(`fairctl import with 2 clips: ${r.ms} ms (${r.stdout.trim()})`);
  const rows = await sql(db.url, `SELECT style, clip, clip_ms, clip_width, clip_height FROM products
    WHERE clip IS NOT NULL ORDER BY style`);
  assert.equal(rows.length, 2);
  const [good, upright] = rows;
  assert.match(good[1], /^clips\/test-001\/[0-9a-f]{16}$/);
  assert.deepEqual(good.slice(2), ['3000', '1280', '720']); // 1080p brought down to 720p
  assert.deepEqual(upright.slice(2), ['2000', '360', '640']); // never enlarged, upright kept
  const mp4 = path.join(media, `${good[1]}.mp4`);
  const probe = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-show_entries',
    'stream=codec_type,codec_name,width,height:format=format_name', '-of', 'json', mp4], { encoding: 'utf8' }));
  assert.deepEqual(probe.streams.map((s) => [s.codec_type, s.codec_name]), [['video', 'h264'], ['audio', 'aac']]);
  // faststart: the index (moov) comes before the media data (mdat)
  const head = fs.readFileSync(mp4).subarray(0, 4096).toString('latin1');
  assert.ok(head.indexOf('moov') > 0 && (head.indexOf('mdat') < 0 || head.indexOf('moov') < head.indexOf('mdat')));
  const poster = fs.readFileSync(path.join(media, `${good[1]}-poster.jpg`));
  assert.deepEqual([...poster.subarray(0, 3)], [0xff, 0xd8, 0xff]);
  console.log(`stored: ${fs.statSync(mp4).size} B MP4 (from ${fs.statSync(clips.good).size} B), ${poster.length} B poster`);
});

test('fairctl import refuses a corrupt, foreign or too long clip, and imports nothing', { timeout: 120_000 }, async () => {
  const fairs = await one('SELECT count(*) FROM fairs');
  const before = clipFiles();
  for (const [name, clipsIn, env, reason] of [
    ['corrupt', { 'TEST-001.mp4': clips.corrupt }, {}, /clips\/TEST-001\.mp4: not a video: the file is not an MP4, MOV or WebM video/],
    ['truncated', { 'TEST-002.mov': clips.truncated }, {}, /clips\/TEST-002\.mov: the video could not be read: /],
    ['png', { 'TEST-001.mp4': path.join(GOOD_FAIR, 'images/TEST-001.png') }, {}, /not a video/],
    ['long', { 'TEST-001.mp4': clips.long }, { FAIR_CLIP_MAX_S: '5' }, /clips\/TEST-001\.mp4: the video lasts 7\.0 s; the limit is 5 s/],
    ['large', { 'TEST-001.mp4': clips.good }, { FAIR_CLIP_MAX_MB: '1' }, null],
  ]) {
    const dir = fairDir(name, clipsIn);
    if (name === 'large') fs.copyFileSync(clips.big, path.join(dir, 'clips', 'TEST-001.mp4'));
    const r = await fairctl(['import', dir], env);
    assert.equal(r.code, 1, `${name}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, reason ?? /clips\/TEST-001\.mp4: the video is 1\.\d MiB \(\d+ bytes\); the limit is 1\.0 MiB/, name);
    assert.match(r.stderr, /nothing was imported/);
    console.log(`fairctl import ${name}: exit ${r.code}: ${r.stderr.split('\n')[0]}`);
  }
  assert.equal(await one('SELECT count(*) FROM fairs'), fairs);
  assert.deepEqual(clipFiles(), before);
  assert.deepEqual(fs.readdirSync(media).filter((f) => f.startsWith('.import')), []);
});

const upload = (target, body, cookie) => httpGet(`${server.url}${target}`, {
  method: 'POST', body, timeoutMs: 120_000,
  headers: { 'content-type': 'video/mp4', ...(cookie ? { cookie } : {}) },
});

test('an admin uploads a clip: stored, recorded, in the catalog, served with 206 ranges and a poster', { timeout: 120_000 }, async () => {
  const { fair, products: [p] } = await makeFair(db.url, { products: 1 });
  const t0 = Date.now();
  const r = await upload(`/api/admin/products/${p.id}/clip`, fs.readFileSync(clips.good), server.cookie);
  const took = Date.now() - t0;
  assert.equal(r.status, 200, r.body);
  const body = JSON.parse(r.body);
  const key = await one(`SELECT clip FROM products WHERE id = ${p.id}`);
  assert.deepEqual(body, {
    product: p.id,
    clip: { url: `/media/${key}.mp4`, poster: `/media/${key}-poster.jpg`, duration_ms: 3000, width: 1280, height: 720 },
  });
  assert.equal(await one(`SELECT count(*) FROM audit_log WHERE action = 'product.clip' AND target = 'product:${p.id}'`), '1');
  const file = fs.readFileSync(path.join(media, `${key}.mp4`));
  console.log(`upload of a 3 s 1080p clip (${fs.statSync(clips.good).size} B) answered in ${took} ms: ${file.length} B MP4`);

  // the catalog's item carries it; an item without one has no clip
  const ws = await connect(server);
  await ws.next('hello');
  const items = await ws.request('catalog.items', { fair, products: [p.id] });
  assert.deepEqual(items.items[0].clip, body.clip);
  await ws.close();

  const part = await httpGet(`${server.url}${body.clip.url}`, { headers: { range: 'bytes=0-99' } });
  assert.equal(part.status, 206);
  assert.equal(part.headers['content-range'], `bytes 0-99/${file.length}`);
  assert.equal(part.headers['content-type'], 'video/mp4');
  assert.equal(part.headers['accept-ranges'], 'bytes');
  assert.match(part.headers['cache-control'], /max-age=31536000/);
  assert.deepEqual(part.raw, file.subarray(0, 100));
  const tail = await httpGet(`${server.url}${body.clip.url}`, { headers: { range: 'bytes=-10' } });
  assert.equal(tail.status, 206);
  assert.deepEqual(tail.raw, file.subarray(file.length - 10));
  const past = await httpGet(`${server.url}${body.clip.url}`, { headers: { range: `bytes=${file.length}-` } });
  assert.equal(past.status, 416);
  assert.equal(past.headers['content-range'], `bytes */${file.length}`);
  const all = await httpGet(`${server.url}${body.clip.url}`);
  assert.equal(all.status, 200);
  assert.ok(all.raw.equals(file));
  const poster = await httpGet(`${server.url}${body.clip.poster}`);
  assert.equal(poster.status, 200);
  assert.equal(poster.headers['content-type'], 'image/jpeg');
  for (const bad of ['/media/clips/../secret.mp4', `/media/${key}.mp4.part`, `/media/${key}`, '/media/clips/x/nope.mp4']) {
    assert.equal((await httpGet(`${server.url}${bad}`)).status, 404, bad);
  }

  // An admin removes it (admin.product.clip.remove): the catalog shows no video, audited;
  // a manager may not; an unknown product is not_found; removing again changes nothing.
  const admin = await connect(server);
  await admin.next('hello');
  const removed = await admin.request('admin.product.clip.remove', { product: p.id });
  assert.deepEqual(removed, { re: removed.re, ok: true, product: p.id, clip: null });
  assert.equal(await one(`SELECT coalesce(clip, '') || ':' || coalesce(clip_ms::text, '') FROM products WHERE id = ${p.id}`), ':');
  assert.equal(await one(`SELECT count(*) FROM audit_log WHERE action = 'product.clip' AND target = 'product:${p.id}'
    AND new->'clip' = 'null'::jsonb AND old->>'clip' = '${key}'`), '1');
  const again = await admin.request('admin.product.clip.remove', { product: p.id });
  assert.equal(again.ok, true);
  assert.equal(await one(`SELECT count(*) FROM audit_log WHERE action = 'product.clip' AND target = 'product:${p.id}'`), '2');
  assert.equal((await admin.request('admin.product.clip.remove', { product: 999999 })).error?.code, 'not_found');
  const after = await admin.request('catalog.items', { fair, products: [p.id] });
  assert.equal(after.items[0].clip, undefined, 'no clip in the catalog');
  await admin.close();
  await createUser(db.url, { login: 'manager-35', role: 'manager', password: 'manager password 35' });
  const manager = await connect(server, { cookie: (await login(server, 'manager-35', 'manager password 35')).cookie });
  await manager.next('hello');
  assert.equal((await manager.request('admin.product.clip.remove', { product: p.id })).error?.code, 'forbidden');
  await manager.close();
});

test('clip uploads are refused with a clear error and nothing stored', { timeout: 120_000 }, async () => {
  const { products: [p] } = await makeFair(db.url, { products: 1 });
  const dealer = await createUser(db.url, { login: 'dealer-35', role: 'dealer', password: 'dealer password 35' });
  const dealerCookie = (await login(server, dealer.login, dealer.password)).cookie;
  const before = clipFiles();
  const target = `/api/admin/products/${p.id}/clip`;
  for (const [what, body, cookie, status, message] of [
    ['random bytes', fs.readFileSync(clips.corrupt), server.cookie, 415, /not a video/],
    ['a picture', fs.readFileSync(path.join(GOOD_FAIR, 'images/TEST-001.png')), server.cookie, 415, /not a video/],
    ['a cut MP4', fs.readFileSync(clips.truncated), server.cookie, 400, /the video could not be read: /],
    ['7 s (limit 5 s)', fs.readFileSync(clips.long), server.cookie, 400, /the video lasts 7\.0 s; the limit is 5 s/],
    ['1.2 MB (limit 1 MiB)', fs.readFileSync(clips.big), server.cookie, 413, /too large/],
    ['empty', Buffer.alloc(0), server.cookie, 400, /the body must be the clip/],
    ['a dealer', fs.readFileSync(clips.good), dealerCookie, 403, /only administrators/],
    ['no session', fs.readFileSync(clips.good), null, 401, /not logged in/],
  ]) {
    const r = await upload(target, body, cookie);
    assert.equal(r.status, status, `${what}: ${r.body}`);
    assert.match(JSON.parse(r.body).error.message, message, what);
    console.log(`upload ${what}: ${r.status} ${JSON.parse(r.body).error.message}`);
  }
  assert.equal((await upload('/api/admin/products/999999/clip', fs.readFileSync(clips.good), server.cookie)).status, 404);
  assert.equal(await one(`SELECT coalesce(clip, '') FROM products WHERE id = ${p.id}`), '');
  assert.equal(await one(`SELECT count(*) FROM audit_log WHERE action = 'product.clip' AND target = 'product:${p.id}'`), '0');
  assert.deepEqual(clipFiles(), before);
});
