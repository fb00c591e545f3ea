const qr = document.querySelector('.feed-qr');  // the feed's QR code: not there without a base URL
if (qr && qr.complete && !qr.naturalWidth) qr.remove();
else if (qr) qr.addEventListener('error', () => qr.remove());
const show = document.body.dataset.show;
const EPISODES = 'briefing-episodes';  // Cache Storage: the episodes saved for offline, one entry each, by URL
const offline = 'serviceWorker' in navigator && window.isSecureContext;
const megabytes = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;

// How much the saved episodes take, from the saved responses themselves.
const showSpace = () => {
  const line = document.querySelector('.saved-space');
  if (!offline || !line) return;
  caches.open(EPISODES).then(async (cache) => {
    const saved = await Promise.all((await cache.keys()).map((key) => cache.match(key).then((r) => r.blob())));
    const bytes = saved.reduce((sum, blob) => sum + blob.size, 0);
    line.textContent = saved.length ? `Saved for offline: ${saved.length} episode${saved.length > 1 ? 's' : ''}, ${megabytes(bytes)}` : '';
  });
};

function setUpEpisode(episode) {
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
  const unsave = episode.querySelector('.unsave');
  if (keep && offline) {
    const saved = (yes) => {
      keep.hidden = yes; unsave.hidden = !yes;
      keep.textContent = 'Save for offline';
      if (yes) unsave.textContent = 'Remove download';
      showSpace();
    };
    caches.open(EPISODES).then((cache) => cache.match(audio.src)).then((found) => saved(Boolean(found)));
    keep.addEventListener('click', () => {
      keep.textContent = 'Saving…';
      caches.open(EPISODES).then((cache) => cache.add(audio.src))
        .then(() => saved(true), () => { keep.textContent = 'Could not save'; });
    });
    unsave.addEventListener('click', () => {
      caches.open(EPISODES).then((cache) => cache.delete(audio.src)).then(() => saved(false));
    });
  }
}
document.querySelectorAll('.episode').forEach(setUpEpisode);
showSpace();

// Subscribe links: each app's own address for the feed, made from where the page is served.
const feed = new URL('feed.xml', document.baseURI);
const bare = feed.host + feed.pathname;
const apps = {
  apple: `podcast://${bare}`, pocketcasts: `pktc://subscribe/${bare}`,
  overcast: `overcast://x-callback-url/add?url=${encodeURIComponent(feed.href)}`, antennapod: `antennapod-subscribe://${bare}`,
};
document.querySelectorAll('[data-app]').forEach((link) => { link.href = apps[link.dataset.app]; });
const copyText = (button, text, done) => {
  if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(text).then(() => { button.textContent = done; }, () => prompt(done, text));
  else prompt(done, text);
};
const copy = document.querySelector('.copy-feed');
copy.addEventListener('click', () => copyText(copy, feed.href, 'Feed address copied'));
if (offline) navigator.serviceWorker.register('sw.js');

// Adding articles, when `briefing serve --accept-submissions` runs: the token arrives in the
// address's fragment (#token=..., from the QR code serve prints; never a query string, so never
// in a log), on load or into a page already open, and is kept in this browser. A phone's share
// sheet opens ./?url=...&title=...&text=... and a bookmarklet opens ./#add=URL: both are sent at once.
(() => {
  const section = document.querySelector('.add');
  const opener = document.querySelector('.add-open');
  const form = section.querySelector('.add-form');
  const said = section.querySelector('.add-said');
  const queue = section.querySelector('.queue');
  const signedIn = document.querySelector('.signed-in');
  const api = new URL('api/articles', document.baseURI).href;
  let token = localStorage.getItem('briefing-token');
  let known = '';  // the queue as last shown, to poll less often while nothing changes
  let delay = 2000;
  let timer = null;
  const headers = () => ({'Authorization': `Bearer ${token}`, 'Content-Type': 'application/json'});
  const waiting = (jobs) => jobs.some((job) => job.status === 'queued' || job.status === 'rendering');

  const call = (path, method = 'GET', body) => fetch(path, {method, headers: headers(), body: body && JSON.stringify(body)})
    .then((r) => r.json().catch(() => ({})).then((data) => ({ok: r.ok, status: r.status, data})));

  // A new episode's card, put in without reloading (nor stopping what is playing).
  const newEpisodes = () => fetch('./', {cache: 'no-store'}).then((r) => r.text()).then((text) => {
    const fresh = new DOMParser().parseFromString(text, 'text/html');
    const main = document.querySelector('main');
    const have = new Set(Array.from(main.querySelectorAll('.episode')).map((card) => card.dataset.stem));
    Array.from(fresh.querySelectorAll('main .episode')).reverse().forEach((card) => {
      if (have.has(card.dataset.stem)) return;
      const made = document.importNode(card, true);
      main.querySelector(':scope > p')?.remove();  // "No episodes yet."
      main.prepend(made);
      setUpEpisode(made);
      allowDelete(made);
    });
  });

  const button = (label, action) => {
    const made = document.createElement('button');
    made.type = 'button';
    made.textContent = label;
    made.addEventListener('click', action);
    return made;
  };
  const jobItem = (job) => {
    const item = document.createElement('li');
    item.className = `job ${job.status}`;
    const detail = job.error || (job.status === 'rendering' && job.progress) || '';
    const line = document.createElement('span');
    line.textContent = `${job.title || job.url || 'Article'}: ${job.status}${detail ? ' (' + detail + ')' : ''}`;
    item.append(line);
    if (job.status === 'published' && job.episode) {
      const link = document.createElement('a');
      const stem = job.episode.split('/').pop().replace(/\.[^.]+$/, '');
      link.href = document.getElementById(`episode-${stem}`) ? `#episode-${stem}` : job.episode;
      link.textContent = 'Listen';
      item.append(' ', link);
    }
    if (job.status === 'failed') item.append(' ', button('Retry', () => call(`${api}/${job.id}`, 'POST').then(refresh)));
    if (job.status === 'queued' || job.status === 'rendering') {
      item.append(' ', button('Cancel', () => call(`${api}/${job.id}`, 'DELETE').then(refresh)));
    } else {
      item.append(' ', button('Remove from list', () => call(`${api}/${job.id}`, 'DELETE').then(refresh)));
    }
    return item;
  };
  const showQueue = (jobs) => {
    const now = JSON.stringify(jobs);
    if (now !== known && known && jobs.some((job) => job.status === 'published')) newEpisodes();
    delay = now === known ? Math.min(delay * 1.5, 30000) : 2000;
    known = now;
    queue.replaceChildren(...jobs.map(jobItem));
    if (waiting(jobs)) { form.hidden = false; opener.setAttribute('aria-expanded', 'true'); }
  };
  // Polled while a job waits, backing off while nothing changes; not while the page is hidden.
  const refresh = () => {
    clearTimeout(timer);
    return call(api).then(({ok, data}) => {
      if (!ok) return;
      showQueue(data.articles);
      if (waiting(data.articles) && !document.hidden) timer = setTimeout(refresh, delay);
    }, () => {});
  };
  document.addEventListener('visibilitychange', () => { if (!document.hidden && token) { delay = 2000; refresh(); } });

  const send = (article) => call(api, 'POST', article).then(({ok, data}) => {
    said.textContent = ok ? 'Added: it will be in the podcast in a few minutes.' : data.error;
    delay = 2000;
    refresh();
  });
  const allowDelete = (card) => {
    const remove = card.querySelector('.delete-episode');
    if (!remove || !token) return;
    remove.hidden = false;
    remove.onclick = () => {
      if (!confirm(`Delete “${card.querySelector('h2').textContent}” from the podcast?`)) return;
      call(new URL(`api/episodes/${encodeURIComponent(card.dataset.stem)}`, document.baseURI).href, 'DELETE')
        .then(({ok, data}) => { if (ok) card.remove(); else said.textContent = data.error; });
    };
  };

  const start = (shared) => call(api).then(({ok}) => {
    if (!ok) return;  // no service here, or an old token
    section.hidden = false;
    opener.hidden = false;
    section.querySelector('.api-url').textContent = api;
    section.querySelector('.api-auth').textContent = `Bearer ${token}`;
    section.querySelector('.bookmarklet').href =
      `javascript:location.href=${JSON.stringify(new URL('./', location.href).href + '#add=')}+encodeURIComponent(location.href)`;
    document.querySelectorAll('.episode').forEach(allowDelete);
    refresh();
    if (shared.url || shared.text) {
      // A share sheet often puts the link in the text.
      const link = shared.url || (shared.text.match(/https?:\/\/\S+/) || [''])[0];
      send(link ? {url: link} : {title: shared.title, text: shared.text});
    }
  });
  const arrived = () => {
    const here = new URL(location.href);
    const fragment = new URLSearchParams(here.hash.slice(1));
    const given = fragment.get('token');
    if (given) {
      token = given;
      localStorage.setItem('briefing-token', given);
      signedIn.textContent = 'Signed in: you can add articles.';
    }
    const shared = {url: here.searchParams.get('url') || fragment.get('add') || '', title: here.searchParams.get('title') || '',
                    text: here.searchParams.get('text') || ''};
    if (here.hash || here.search) history.replaceState(null, '', here.pathname);  // the token leaves the address bar
    if (token) start(shared);
  };
  window.addEventListener('hashchange', arrived);
  arrived();

  opener.addEventListener('click', () => {
    form.hidden = !form.hidden;
    opener.setAttribute('aria-expanded', String(!form.hidden));
    if (!form.hidden) form.querySelector('input').focus();
  });
  section.querySelectorAll('[data-copy]').forEach((copier) => copier.addEventListener('click', () => {
    copyText(copier, section.querySelector(`.${copier.dataset.copy}`).textContent, 'Copied');
  }));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const url = data.get('url').trim();
    send(url ? {url} : {title: data.get('title').trim(), text: data.get('text').trim()});
    form.reset();
  });
})();
