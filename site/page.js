const qr = document.querySelector('.feed-qr');  // the feed's QR code: not there without a base URL
if (qr && qr.complete && !qr.naturalWidth) qr.remove();
else if (qr) qr.addEventListener('error', () => qr.remove());
const show = document.body.dataset.show;
document.querySelectorAll('.episode').forEach((episode) => {
  const audio = episode.querySelector('audio');
  const title = episode.querySelector('h2').textContent;
  episode.querySelector('.speed').addEventListener('change', (event) => {
    audio.playbackRate = parseFloat(event.target.value);
  });
  episode.querySelectorAll('[data-skip]').forEach((button) => button.addEventListener('click', () => {
    audio.currentTime = Math.max(0, Math.min(audio.duration || Infinity, audio.currentTime + parseFloat(button.dataset.skip)));
  }));
  episode.querySelectorAll('[data-seek]').forEach((button) => button.addEventListener('click', () => {
    audio.currentTime = parseFloat(button.dataset.seek);
    audio.play().catch(() => {});
  }));
  const lines = Array.from(episode.querySelectorAll('.transcript [data-seek]'));
  let current = null;
  const follow = () => {
    // The last line begun stays lit through the pause after it, until the next begins.
    const t = audio.currentTime;
    const line = lines.filter((l) => t >= parseFloat(l.dataset.seek)).pop() || null;
    if (line === current) return;
    if (current) { current.classList.remove('current'); current.removeAttribute('aria-current'); }
    current = line;
    if (line) {
      line.classList.add('current');
      line.setAttribute('aria-current', 'true');
      const box = line.parentElement.closest('.transcript');
      box.scrollTop = line.offsetTop - box.offsetTop - box.clientHeight / 3;
    }
  };
  audio.addEventListener('timeupdate', follow);
  audio.addEventListener('seeked', follow);
  audio.addEventListener('play', () => {
    document.querySelectorAll('audio').forEach((other) => { if (other !== audio) other.pause(); });
    if ('mediaSession' in navigator) {
      navigator.mediaSession.metadata = new MediaMetadata({
        title, artist: show, album: show,
        artwork: [192, 512].map((size) => ({ src: `icon-${size}.png`, sizes: `${size}x${size}`, type: 'image/png' })),
      });
      navigator.mediaSession.setActionHandler('seekbackward', () => { audio.currentTime = Math.max(0, audio.currentTime - 15); });
      navigator.mediaSession.setActionHandler('seekforward', () => { audio.currentTime += 15; });
    }
  });
  const keep = episode.querySelector('.offline');
  if (keep && 'serviceWorker' in navigator && window.isSecureContext) {
    keep.hidden = false;
    caches.match(audio.src).then((found) => { if (found) keep.textContent = 'Saved for offline'; });
    keep.addEventListener('click', () => {
      keep.textContent = 'Saving…';
      caches.open('briefing-episodes').then((cache) => cache.add(audio.src))
        .then(() => { keep.textContent = 'Saved for offline'; }, () => { keep.textContent = 'Could not save'; });
    });
  }
});
// Subscribe links: each app's own address for the feed, made from where the page is served.
const feed = new URL('feed.xml', document.baseURI);
const bare = feed.host + feed.pathname;
const apps = {
  apple: `podcast://${bare}`, pocketcasts: `pktc://subscribe/${bare}`,
  overcast: `overcast://x-callback-url/add?url=${encodeURIComponent(feed.href)}`, antennapod: `antennapod-subscribe://${bare}`,
};
document.querySelectorAll('[data-app]').forEach((link) => { link.href = apps[link.dataset.app]; });
const copy = document.querySelector('.copy-feed');
copy.addEventListener('click', () => {
  const done = () => { copy.textContent = 'Feed address copied'; };
  if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(feed.href).then(done, () => prompt('Feed address', feed.href));
  else prompt('Feed address', feed.href);
});
if ('serviceWorker' in navigator && window.isSecureContext) navigator.serviceWorker.register('sw.js');

// Adding articles, when `briefing serve --accept-submissions` runs: the token arrives once in the
// address's fragment (#token=..., from the QR code serve prints; never a query string, so never
// in a log) and is kept in this browser. A phone's share sheet opens ./?url=...&title=...&text=...
// and a bookmarklet opens ./#add=URL: both are sent at once.
(() => {
  const here = new URL(location.href);
  const fragment = new URLSearchParams(here.hash.slice(1));
  if (fragment.get('token')) localStorage.setItem('briefing-token', fragment.get('token'));
  const token = localStorage.getItem('briefing-token');
  const shared = {url: here.searchParams.get('url') || fragment.get('add') || '', title: here.searchParams.get('title') || '',
                  text: here.searchParams.get('text') || ''};
  if (here.hash || here.search) history.replaceState(null, '', here.pathname);  // the token leaves the address bar
  if (!token) return;
  const section = document.querySelector('.add');
  const form = section.querySelector('.add-form');
  const said = section.querySelector('.add-said');
  const queue = section.querySelector('.queue');
  const headers = {'Authorization': `Bearer ${token}`, 'Content-Type': 'application/json'};
  section.querySelector('.bookmarklet').href =
    `javascript:location.href=${JSON.stringify(new URL('./', location.href).href + '#add=')}+encodeURIComponent(location.href)`;
  const show = (jobs) => {
    queue.replaceChildren(...jobs.map((job) => {
      const item = document.createElement('li');
      item.className = `job ${job.status}`;
      const detail = job.error || (job.status === 'rendering' && job.progress) || '';
      item.textContent = `${job.title || job.url || 'Article'}: ${job.status}${detail ? ' (' + detail + ')' : ''}`;
      return item;
    }));
    if (jobs.some((job) => job.status === 'queued' || job.status === 'rendering')) setTimeout(refresh, 3000);
  };
  const refresh = () => fetch('api/articles', {headers}).then((r) => r.ok ? r.json() : Promise.reject(r.status))
    .then((data) => show(data.articles), () => {});
  const send = (article) => fetch('api/articles', {method: 'POST', headers, body: JSON.stringify(article)})
    .then((r) => r.json().then((data) => ({ok: r.ok, data})))
    .then(({ok, data}) => { said.textContent = ok ? 'Added: it will be in the podcast in a few minutes.' : data.error; refresh(); });
  fetch('api/articles', {headers}).then((r) => {
    if (!r.ok) return;  // no service here, or an old token
    section.hidden = false;
    refresh();
    if (shared.url || shared.text) {
      // A share sheet often puts the link in the text.
      const link = shared.url || (shared.text.match(/https?:\/\/\S+/) || [''])[0];
      send(link ? {url: link} : {title: shared.title, text: shared.text});
    }
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const url = data.get('url').trim();
    send(url ? {url} : {title: data.get('title').trim(), text: data.get('text').trim()});
    form.reset();
  });
})();
