// The service worker: the pages' shell and the product pictures stay usable on a bad
// connection. It never touches the account API, the socket or the printable pages, and never
// replays a request later: an order typed offline waits in the page (sheet.ts) for the dealer
// to send it.
//
// - the shell (index, bundle and the chunks it starts with, stylesheet, icon, manifest: the
//   list SHELL_FILES and the version BUILD are set by build.mjs) is cached at install, one
//   cache per build; old builds' caches are deleted when a new worker takes over;
// - a page load tries the network first and falls back to the cached shell;
// - the shell's files whose names stay across builds (index, bundle, stylesheet, icon,
//   manifest) come from the cache and are refreshed behind it;
// - the chunks (/assets/chunk-*, named by their content: a build that changes one names it
//   anew) come from the cache and are never fetched again, the staff's pages' ones too once
//   loaded; the server sends them immutable (net/http.c), so a browser without this worker
//   keeps them as well;
// - pictures under /media/ come from the cache when there, else from the network and are kept,
//   up to MEDIA_LIMIT of them (the oldest go first).
declare const BUILD: string;
declare const SHELL_FILES: string[];
const sw = self as unknown as ServiceWorkerGlobalScope;

const SHELL_CACHE = `fair-shell-${BUILD}`;
const MEDIA_CACHE = 'fair-media-v1';
const MEDIA_LIMIT = 1500;

sw.addEventListener('install', (event) => {
  event.waitUntil(caches.open(SHELL_CACHE).then((c) => c.addAll(SHELL_FILES)).then(() => sw.skipWaiting()));
});

sw.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith('fair-shell-') && name !== SHELL_CACHE) await caches.delete(name);
    }
    await sw.clients.claim();
  })());
});

sw.addEventListener('fetch', (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (req.method !== 'GET' || url.origin !== sw.location.origin) return;
  if (req.mode === 'navigate') {
    if (url.pathname === '/' || url.pathname === '/index.html') event.respondWith(networkFirst(req));
    return; // printable orders, reports: always from the server
  }
  // clips are fetched in byte ranges by the player: the Cache API keeps no 206
  if (url.pathname.startsWith('/media/') && !url.pathname.endsWith('.mp4')) {
    event.respondWith(cacheFirst(req, MEDIA_CACHE, trim));
    return;
  }
  if (url.pathname.startsWith('/assets/chunk-')) {
    event.respondWith(cacheFirst(req, SHELL_CACHE));
  } else if (SHELL_FILES.includes(url.pathname)) {
    event.respondWith(cacheThenRefresh(req, event));
  }
});

async function networkFirst(req: Request): Promise<Response> {
  try {
    const res = await fetch(req);
    if (res.ok) await (await caches.open(SHELL_CACHE)).put('/', res.clone());
    return res;
  } catch {
    return (await caches.match('/', { cacheName: SHELL_CACHE })) ?? Response.error();
  }
}

async function cacheThenRefresh(req: Request, event: FetchEvent): Promise<Response> {
  const cache = await caches.open(SHELL_CACHE);
  const refresh = fetch(req).then(async (res) => {
    if (res.ok) await cache.put(req, res.clone());
    return res;
  });
  const cached = await cache.match(req, { ignoreSearch: true });
  if (cached) {
    event.waitUntil(refresh.catch(() => undefined));
    return cached;
  }
  return refresh;
}

// From the cache when there, else from the network and kept (then kept() runs, if given).
async function cacheFirst(req: Request, name: string, kept?: (cache: Cache) => Promise<void>): Promise<Response> {
  const cache = await caches.open(name);
  const cached = await cache.match(req);
  if (cached) return cached;
  const res = await fetch(req);
  if (res.ok) {
    await cache.put(req, res.clone());
    if (kept) void kept(cache);
  }
  return res;
}

let trimming = false;
async function trim(cache: Cache): Promise<void> {
  if (trimming) return;
  trimming = true;
  try {
    const keys = await cache.keys(); // in insertion order: the oldest first
    for (const k of keys.slice(0, Math.max(0, keys.length - MEDIA_LIMIT))) await cache.delete(k);
  } finally {
    trimming = false;
  }
}
