const PAGE = 'briefing-page', EPISODES = 'briefing-episodes';
self.addEventListener('install', (event) => {
  const shell = ['./', 'page.css', 'page.js', 'manifest.webmanifest', 'icon-192.png', 'icon-512.png'];
  event.waitUntil(caches.open(PAGE).then((cache) => cache.addAll(shell)));
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
self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  event.respondWith((async () => {
    const url = new URL(request.url); url.hash = '';
    const saved = await caches.open(EPISODES).then((cache) => cache.match(url.href));
    if (saved) return ranged(request, saved);
    try {
      const response = await fetch(request);
      if (response.ok && response.status === 200 && !request.headers.has('range')) {
        const copy = response.clone();
        caches.open(PAGE).then((cache) => cache.put(request, copy));
      }
      return response;
    } catch (offline) {
      const cached = await caches.match(request, {ignoreSearch: true});
      if (cached) return cached;
      throw offline;
    }
  })());
});
