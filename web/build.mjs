// Bundles the pages into public/assets/ (what the server serves from web_root = web/public):
// app.js (the dealer's pages) minified, with a source map, and the service worker sw.js; prints each bundle's size and its
// gzip size, which is what a phone downloads. Every page, script, style, picture in SVG and
// manifest of public/ gets a brotli and a gzip -9 copy beside it (app.js.br, app.js.gz), which
// the server sends to a browser that accepts them (net/http.c route_static).
import * as esbuild from 'esbuild';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.join(here, 'public', 'assets');

// the staff's pages (and ECharts) are chunks loaded when opened: the dealer's pages never
// download them; stale chunks of earlier builds are removed first
fs.rmSync(out, { recursive: true, force: true });
const result = await esbuild.build({
  entryPoints: { app: path.join(here, 'src', 'main.tsx') },
  bundle: true,
  splitting: true,
  chunkNames: 'chunk-[hash]',
  minify: true,
  sourcemap: 'linked',
  format: 'esm',
  target: ['es2020', 'chrome90', 'safari14'],
  outdir: out,
  metafile: true,
  logLevel: 'warning',
  jsx: 'automatic',
  jsxImportSource: 'preact',
});

// The service worker at the site's root (its scope), versioned by the hash of the files it
// caches, so a new build replaces the old shell in every browser.
// The shell: the page, its style, icon and manifest, the bundle and the chunks the bundle
// imports as it starts (not those loaded later, such as the dashboard's).
// (app.js by its name: the chunks of dynamic imports, the staff's pages and the languages, are
// entry points of esbuild's too)
const appOut = Object.keys(result.metafile.outputs).find((f) => path.basename(f) === 'app.js');
const startSet = new Set();
(function walk(file) { // what app.js imports, and what that imports in turn
  for (const i of result.metafile.outputs[file].imports) {
    if (i.kind === 'import-statement' && !startSet.has(i.path)) { startSet.add(i.path); walk(i.path); }
  }
}(appOut));
const startChunks = [...startSet].map((p) => `assets/${path.basename(p)}`);
// The other languages' words are chunks loaded when chosen (i18n.ts): in the shell too, so that
// a reader in English or Traditional Chinese still has the pages on a bad connection.
const langChunks = Object.entries(result.metafile.outputs)
  .filter(([file, o]) => file.endsWith('.js') && Object.keys(o.inputs).some((i) => /src\/i18n-[\w-]+\.ts$/.test(i)))
  .map(([file]) => `assets/${path.basename(file)}`);
const shellFiles = ['index.html', 'style.css', 'icon.svg', 'manifest.webmanifest', 'assets/app.js', ...startChunks,
  ...langChunks];
const hash = crypto.createHash('sha256');
for (const f of shellFiles) hash.update(fs.readFileSync(path.join(here, 'public', f)));
const sw = await esbuild.build({
  entryPoints: [path.join(here, 'src', 'sw.ts')],
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2020', 'chrome90', 'safari14'],
  outfile: path.join(here, 'public', 'sw.js'),
  define: {
    BUILD: JSON.stringify(hash.digest('hex').slice(0, 12)),
    SHELL_FILES: JSON.stringify(shellFiles.map((f) => (f === 'index.html' ? '/' : `/${f}`))),
  },
  metafile: true,
  logLevel: 'warning',
});
Object.assign(result.metafile.outputs, sw.metafile.outputs);

let startGz = 0;
for (const file of Object.keys(result.metafile.outputs).filter((f) => f.endsWith('.js'))) {
  const bytes = fs.readFileSync(path.join(here, file));
  const gz = zlib.gzipSync(bytes, { level: 9 }).length;
  if (['assets/app.js', ...startChunks].includes(`assets/${path.basename(file)}`)) startGz += gz;
  console.log(`web: ${path.basename(file)} ${(bytes.length / 1024).toFixed(1)} KiB, ${(gz / 1024).toFixed(1)} KiB gzip`);
}
console.log(`web: the pages start with ${(startGz / 1024).toFixed(1)} KiB gzip of script (app.js and its chunks)`);

// Which npm packages each script holds (assets/packages.json, {"chunk-X.js": ["hls.js"]}), so
// that the tests know the video players' chunks by what is in them, not by a hash.
const packages = {};
for (const [file, o] of Object.entries(result.metafile.outputs)) {
  if (!file.endsWith('.js')) continue;
  const names = new Set(Object.keys(o.inputs).map((i) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(i)?.[1]).filter(Boolean));
  packages[path.basename(file)] = [...names].sort();
}
fs.writeFileSync(path.join(out, 'packages.json'), `${JSON.stringify(packages, null, 1)}\n`);

// The precompressed copies, brotli (quality 11) and gzip -9: written after every file of public/
// is final (sw.js last), each newer than its file, so the server never takes a copy for a file
// edited since (it compares the times). Copies of files no longer there are removed. Browsers
// take br over HTTPS (about 15% smaller than gzip here), gzip over plain HTTP.
const COMPRESSED = /\.(js|mjs|css|html|svg|json|webmanifest|map|txt)$/i;
const publicDir = path.join(here, 'public');
let copies = 0;
const copied = { gz: 0, br: 0 };
for (const entry of fs.readdirSync(publicDir, { recursive: true })) {
  const file = path.join(publicDir, entry);
  if (/\.(gz|br)$/.test(file)) {
    if (!fs.existsSync(file.slice(0, -3))) fs.rmSync(file);
    continue;
  }
  if (!COMPRESSED.test(file) || !fs.statSync(file).isFile()) continue;
  const bytes = fs.readFileSync(file);
  const gz = zlib.gzipSync(bytes, { level: 9 });
  fs.writeFileSync(`${file}.gz`, gz);
  copies++;
  copied.gz += gz.length;
  // the source maps (only the developer tools ask for them) gzip only: brotli 11 of their 6 MB
  // took 10 s a build
  if (file.endsWith('.map')) continue;
  const br = zlib.brotliCompressSync(bytes, { params: {
    [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } });
  fs.writeFileSync(`${file}.br`, br);
  copied.br += br.length;
}
console.log(`web: ${copies} files in public/ with gzip copies (${(copied.gz / 1024).toFixed(1)} KiB), all but the maps ` +
  `also brotli (${(copied.br / 1024).toFixed(1)} KiB)`);
