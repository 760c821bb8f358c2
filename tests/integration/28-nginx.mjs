// The live video's real parts for the tests (issue 24): a private nginx-rtmp started from
// config/nginx-rtmp.conf.in by server/scripts/nginx.sh into a folder of its own, and ffmpeg
// publishing a generated test pattern to it. Used by 28-live-video and the browser's live
// test; not a test itself.
//
// The pattern carries its own clock: under the picture (testsrc) a strip of 20 black or
// white blocks, 16 px each, spells the wall-clock time the frame was made, in centiseconds
// since the epoch modulo 2^20 (about 2.9 hours; bit b is block b, the lowest first), so a
// player that decodes a frame can tell which moment it shows (publishClock decodes the
// blocks from an ImageData-like {data, width}, frameMadeAt makes them a time). The time is
// ffmpeg's own clock as it made the frame (the setpts filter's RTCTIME), not counted from
// its start, which a loaded machine delays by a few hundred ms.
import { spawn, execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SOURCE_DIR = fileURLToPath(new URL('../../', import.meta.url));
const NGINX_SH = path.join(SOURCE_DIR, 'server/scripts/nginx.sh');
export const CLOCK_BITS = 20;
export const CLOCK_BLOCK = 16;
export const CLOCK_TOP = 224; // the strip's first row; the frame is 320 x 240

function sh(args, env) {
  return new Promise((resolve, reject) => {
    execFile(NGINX_SH, args, { env: { ...process.env, ...env }, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) reject(new Error(`nginx.sh ${args.join(' ')}: ${stderr || err.message}`));
      else resolve(stdout);
    });
  });
}

/** A free TCP port on loopback. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/**
 * Starts nginx-rtmp for the server listening on serverPort: RTMP on a free loopback port,
 * HLS in a new folder (give it to the server as FAIR_HLS_ROOT: pass hlsDir before starting
 * it, see makeLiveDir). Resolves with {rtmpUrl, stop()}.
 */
export async function startNginx(dir, serverPort) {
  const rtmpPort = await freePort();
  const env = { FAIR_LIVE_DIR: dir, FAIR_RTMP_PORT: String(rtmpPort), FAIR_PORT: String(serverPort) };
  await sh(['start'], env);
  return {
    rtmpUrl: `rtmp://127.0.0.1:${rtmpPort}/live`,
    errorLog: () => fs.readFileSync(path.join(dir, 'error.log'), 'utf8'),
    stop: () => sh(['stop'], env),
  };
}

/** A folder for one nginx: {dir, hlsDir, remove()}. */
export function makeLiveDir() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fair-live-'));
  const hlsDir = path.join(dir, 'hls');
  fs.mkdirSync(hlsDir);
  return { dir, hlsDir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/**
 * ffmpeg publishes `seconds` of the test pattern (testsrc with the clock strip, a 440 Hz
 * sine) in real time to url: H.264 baseline with a key frame every second (so nginx cuts 1 s
 * fragments) and AAC. Resolves at once with {proc, startedAt (wall ms, just before spawn),
 * exited: Promise<code>, log()}.
 */
export function publish(url, { seconds = 8 } = {}) {
  const bits = `255*mod(floor(T*100/pow(2,floor(X/${CLOCK_BLOCK}))),2)`;
  // the strip's frames stamped with the wall clock for geq's T, then numbered again so that
  // they keep step with the picture's
  const stamp = `setpts='RTCTIME/(TB*1000000)',geq=lum='${bits}':cb=128:cr=128,setpts=N/(25*TB)`;
  const args = [
    '-hide_banner', '-loglevel', 'error', '-re',
    '-f', 'lavfi', '-i', `testsrc=size=320x${CLOCK_TOP}:rate=25`,
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100',
    '-f', 'lavfi', '-i', `color=c=black:size=320x16:rate=25`,
    '-filter_complex', `[2:v]${stamp}[clk];[0:v][clk]vstack,format=yuv420p[v]`,
    '-map', '[v]', '-map', '1:a', '-t', String(seconds),
    '-c:v', 'libx264', '-profile:v', 'baseline', '-preset', 'ultrafast', '-tune', 'zerolatency',
    '-g', '25', '-keyint_min', '25', '-sc_threshold', '0', '-b:v', '600k',
    '-c:a', 'aac', '-b:a', '64k', '-ar', '44100',
    '-f', 'flv', url,
  ];
  const startedAt = Date.now();
  const proc = spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  proc.stderr.on('data', (d) => { err += d; });
  const exited = new Promise((resolve) => proc.on('close', (code, signal) => resolve(code ?? signal)));
  return { proc, startedAt, exited, log: () => err };
}

/** When a frame whose strip spells cs was made (wall ms): the latest such time not after
 * `near` (when the frame was seen). */
export function frameMadeAt(cs, near = Date.now()) {
  const m = 2 ** CLOCK_BITS;
  const full = Math.floor(near / 10);
  return (full - ((((full - cs) % m) + m) % m)) * 10;
}

/** The centiseconds a frame's clock strip spells: pixels as RGBA rows of `width`. */
export function publishClock({ data, width }) {
  let cs = 0;
  const y = CLOCK_TOP + CLOCK_BLOCK / 2;
  for (let b = 0; b < CLOCK_BITS; b++) {
    const x = b * CLOCK_BLOCK + CLOCK_BLOCK / 2;
    const i = (y * width + x) * 4;
    if (data[i] > 128) cs += 2 ** b;
  }
  return cs;
}
