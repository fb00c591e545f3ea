// The page's service worker: the app shell (page, style, script, icons) kept for offline, fetched
// afresh whenever the network answers (so an update shows on the next visit); episodes only when
// the listener saves one (page.js puts it in EPISODES, once, by its URL) and served from there with
// byte ranges; the service's API never cached.
const PAGE = 'briefing-page', EPISODES = 'briefing-episodes';
const SHELL = ['./', 'page.css', 'page.js', 'manifest.webmanifest', 'icon-192.png', 'icon-512.png'];
self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(PAGE).then((cache) => cache.addAll(SHELL)));
  self.skipWaiting();
});
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
async function ranged(request, response) {
  const range = /bytes=(\d*)-(\d*)/.exec(request.headers.get('range') || '');
  if (!range) return response;
  const body = await response.blob();
  const start = range[1] ? Number(range[1]) : Math.max(0, body.size - Number(range[2]));
  const end = range[1] && range[2] ? Math.min(Number(range[2]), body.size - 1) : body.size - 1;
  return new Response(body.slice(start, end + 1), {status: 206, headers: {
    'Content-Type': response.headers.get('Content-Type') || 'application/octet-stream',
    'Content-Range': `bytes ${start}-${end}/${body.size}`, 'Content-Length': String(end - start + 1)}});
}
const shellKey = (url) => {
  // The page itself under one key, whatever its query (a share) or fragment.
  const scope = new URL(self.registration.scope);
  if (url.origin !== scope.origin) return null;
  const path = url.pathname.slice(scope.pathname.length);
  if (path === '' || path === 'index.html') return scope.href;
  return SHELL.includes(path) ? new URL(path, scope).href : null;
};
self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.pathname.includes('/api/')) return;  // the API: always the network
  event.respondWith((async () => {
    url.hash = '';
    const saved = await caches.open(EPISODES).then((cache) => cache.match(url.href));
    if (saved) return ranged(request, saved);
    const key = shellKey(url);
    try {
      const response = await fetch(request);
      if (key && response.status === 200) {
        const copy = response.clone();
        caches.open(PAGE).then((cache) => cache.put(key, copy));
      }
      return response;
    } catch (offline) {
      const cached = key && await caches.open(PAGE).then((cache) => cache.match(key));
      if (cached) return cached;
      throw offline;
    }
  })());
});
