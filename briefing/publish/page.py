"""The podcast folder's web page: index.html for phones, with a web app manifest and icons.

Everything is in the folder (no CDN, no outside fonts). Each episode has an audio player with
speed and 15-second skips, chapters that seek when tapped, and a transcript that follows the
audio (through the pauses too) and seeks when a line is tapped; Media Session metadata puts the
episode on the lock screen. The header has one-tap subscribe links for the podcast apps people
use, the feed's address to copy and its QR code. A service worker (sw.js) keeps the page for
offline use and, when asked, an episode; browsers run it on https and on localhost only.
"""

from __future__ import annotations

import html
import io
import json
from pathlib import Path

from ..addresses import web_link
from ..audio.transcript import cues
from ..files import StagedFiles

ICON_SIZES = (192, 512)
QR_NAME = "feed-qr.svg"  # the feed address's QR code, shown on the page
SPEEDS = (0.8, 1.0, 1.25, 1.5, 1.75, 2.0)

STYLE = """
:root { color-scheme: light dark; --bg: #f6f7f9; --card: #fff; --text: #14181f; --muted: #4a5361;
        --accent: #0b5cad; --current: #fff1c9; --line: #d8dde5; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #10141a; --card: #1a2029; --text: #eef1f5; --muted: #b4bdca; --accent: #8cc4ff;
          --current: #4a3d14; --line: #333c49; } }
* { box-sizing: border-box; }
body { margin: 0; font: 17px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       background: var(--bg); color: var(--text); }
header { display: flex; gap: 14px; align-items: center; padding: 16px; }
header img { width: 72px; height: 72px; border-radius: 10px; }
header h1 { font-size: 1.4rem; margin: 0; }
header p { margin: 2px 0 0; color: var(--muted); }
.subscribe { display: flex; flex-wrap: wrap; gap: 4px 14px; margin: 6px 0 0; padding: 0; list-style: none; }
.subscribe a, .subscribe button { display: inline-flex; align-items: center; min-height: 44px; color: var(--accent); font-weight: 600; }
.feed-qr { width: 132px; height: 132px; background: #fff; padding: 6px; border-radius: 8px; }
main { padding: 0 12px 40px; max-width: 720px; margin: 0 auto; }
.episode { background: var(--card); border: 1px solid var(--line); border-radius: 14px; padding: 14px; margin: 14px 0; }
.episode h2 { font-size: 1.15rem; margin: 0 0 4px; }
.meta { color: var(--muted); margin: 0 0 8px; font-size: .95rem; }
audio { width: 100%; }
.controls { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin: 8px 0; }
button, select { font: inherit; min-height: 44px; padding: 6px 12px; border-radius: 10px; border: 1px solid var(--line);
                 background: var(--card); color: var(--text); }
button:focus-visible, select:focus-visible, a:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
a { color: var(--accent); }
ol { list-style: none; padding-left: 0; margin: 6px 0; }
.chapters button, .transcript button { width: 100%; text-align: left; border: 0; min-height: 44px; background: none; }
.transcript { max-height: 40vh; overflow-y: auto; border-top: 1px solid var(--line); margin-top: 8px; }
.transcript button { min-height: 44px; padding: 6px 8px; border-radius: 6px; }
.transcript button.current { background: var(--current); }
.sources { margin: 6px 0 0; padding-left: 1.2em; }
details summary { cursor: pointer; min-height: 44px; padding: 10px 0; font-weight: 600; }
.add { max-width: 720px; margin: 0 auto; padding: 0 12px; }
.add label { display: block; margin: 6px 0; }
.add input, .add textarea { width: 100%; font: inherit; min-height: 44px; padding: 8px; border-radius: 8px;
                            border: 1px solid var(--line); background: var(--card); color: var(--text); }
.queue .job { padding: 6px 0; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
"""

SCRIPT = """
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
      const link = shared.url || (shared.text.match(/https?:\\/\\/\\S+/) || [''])[0];
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
"""

# Offline use: the page and its small files from the network when there is one, else from the
# cache; an episode saved on request is served from the cache, byte ranges sliced from it (media
# elements always ask for ranges).
SERVICE_WORKER = """
const PAGE = 'briefing-page', EPISODES = 'briefing-episodes';
self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(PAGE).then((cache) => cache.addAll(['./', 'manifest.webmanifest', 'icon-192.png', 'icon-512.png'])));
  self.skipWaiting();
});
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
async function ranged(request, response) {
  const range = /bytes=(\\d*)-(\\d*)/.exec(request.headers.get('range') || '');
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
"""


def _clock(seconds: float, rounded: bool = False) -> str:
    """ "1:27", or "1:02:03" past the hour; rounded as the feed's itunes:duration is (round) for
    durations, cut down for chapter starts as the show notes write them."""
    whole = round(seconds) if rounded else int(seconds)
    return f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}" if whole >= 3600 else f"{whole // 60}:{whole % 60:02d}"


def episode_html(folder: Path, episode, index: int) -> str:
    """One episode's card, from its metadata record and chapters file."""
    stem, record = episode.stem, episode.record
    base = Path(folder) / "episodes" / stem
    chapters_file = Path(f"{base}.chapters.json")
    chapters = json.loads(chapters_file.read_text(encoding="utf-8"))["chapters"] if chapters_file.is_file() else []
    e = html.escape
    title = e(record.title)
    published = e((record.published.date() if record.published else record.date).isoformat())
    sources = "".join(
        f'<li><a href="{e(web_link(story.url))}">{e(story.title)}</a>{" — " + e(story.outlet) if story.outlet else ""}</li>'
        if web_link(story.url) else f"<li>{e(story.title)}</li>"
        for story in record.stories
    )
    chapter_items = "".join(
        f'<li><button type="button" data-seek="{c["startTime"]}">{_clock(c["startTime"])} {e(c["title"])}</button></li>'
        for c in chapters
    )
    lines = "".join(
        f'<li><button type="button" data-seek="{cue.start}" data-end="{cue.end}">{e(cue.text)}</button></li>'
        for cue in cues(record.segments)
    )
    speeds = "".join(f'<option value="{s}"{" selected" if s == 1.0 else ""}>{s:g}×</option>' for s in SPEEDS)
    audio_id = f"audio-{index}"
    return f"""
<article class="episode" aria-labelledby="title-{index}">
  <h2 id="title-{index}">{title}</h2>
  <p class="meta"><time datetime="{published}">{published}</time> · {_clock(record.duration, rounded=True)}</p>
  <audio id="{audio_id}" controls preload="metadata" src="episodes/{e(episode.audio_name)}" aria-label="Play {title}"></audio>
  <div class="controls">
    <button type="button" data-skip="-15" aria-label="Back 15 seconds" aria-controls="{audio_id}">−15 s</button>
    <button type="button" data-skip="15" aria-label="Forward 15 seconds" aria-controls="{audio_id}">+15 s</button>
    <label>Speed <select class="speed" aria-controls="{audio_id}">{speeds}</select></label>
    <button type="button" class="offline" hidden>Save for offline</button>
  </div>
  <ul class="sources" aria-label="Sources">{sources}</ul>
  <details open><summary>Chapters</summary><ol class="chapters">{chapter_items}</ol></details>
  <details><summary>Transcript</summary><ol class="transcript" aria-label="Transcript of {title}">{lines}</ol></details>
</article>"""


def page_html(show, episodes: list, folder: Path) -> str:
    e = html.escape
    cards = "".join(episode_html(folder, episode, index) for index, episode in enumerate(episodes)) or "<p>No episodes yet.</p>"
    return f"""<!doctype html>
<html lang="{e(show.language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(show.title)}</title>
<meta name="description" content="{e(show.description)}">
<link rel="manifest" href="manifest.webmanifest">
<link rel="icon" href="icon-192.png" sizes="192x192">
<link rel="apple-touch-icon" href="icon-192.png">
<link rel="alternate" type="application/rss+xml" title="{e(show.title)}" href="feed.xml">
<meta name="theme-color" content="#123">
<style>{STYLE}</style>
</head>
<body data-show="{e(show.title)}">
<header>
  <img src="icon-192.png" alt="">
  <div><h1>{e(show.title)}</h1><p>{e(show.description)}</p>
  <ul class="subscribe" aria-label="Subscribe">
    <li><a data-app="apple" href="feed.xml">Apple Podcasts</a></li>
    <li><a data-app="pocketcasts" href="feed.xml">Pocket Casts</a></li>
    <li><a data-app="overcast" href="feed.xml">Overcast</a></li>
    <li><a data-app="antennapod" href="feed.xml">AntennaPod</a></li>
    <li><a class="feed-link" href="feed.xml">Podcast feed</a></li>
    <li><button type="button" class="copy-feed">Copy feed address</button></li>
  </ul></div>
</header>
<img class="feed-qr" src="{QR_NAME}" alt="QR code of the podcast feed's address" onerror="this.remove()">
<section class="add" hidden aria-labelledby="add-title">
  <h2 id="add-title">Add an article</h2>
  <form class="add-form">
    <label>Link <input name="url" type="url" inputmode="url" placeholder="https://…"></label>
    <label>or title <input name="title" type="text"></label>
    <label>and text <textarea name="text" rows="4"></textarea></label>
    <button type="submit">Add to the podcast</button>
    <p class="add-said" role="status"></p>
  </form>
  <ol class="queue" aria-label="Articles added"></ol>
  <p class="bookmarklet-line">On a computer, drag this to the bookmarks bar to add the page you are reading:
    <a class="bookmarklet" href="#">Add to {e(show.title)}</a></p>
</section>
<main>{cards}
</main>
<script>{SCRIPT}</script>
</body>
</html>
"""


def manifest(show) -> str:
    return json.dumps({
        "name": show.title, "short_name": show.title[:12], "description": show.description,
        "start_url": "./", "scope": "./", "display": "standalone", "background_color": "#f6f7f9", "theme_color": "#112233",
        "icons": [{"src": f"icon-{size}.png", "sizes": f"{size}x{size}", "type": "image/png"} for size in ICON_SIZES],
        # A phone's share sheet sends a page here; the page hands it to the service when it runs one.
        "share_target": {"action": "./", "method": "GET", "params": {"title": "title", "text": "text", "url": "url"}},
    }, indent=2, ensure_ascii=False) + "\n"



def feed_qr_svg(feed_url: str) -> str:
    """The QR code of the feed's address, as SVG (black on white, quiet zone included)."""
    import qrcode
    import qrcode.image.svg

    return qrcode.make(feed_url, image_factory=qrcode.image.svg.SvgPathFillImage, border=4).to_string(encoding="unicode")


def write_page(folder: Path, show, episodes: list, cover: Path) -> None:
    """index.html, sw.js, manifest.webmanifest, the icons (from the cover) and, with a base URL, the
    feed's QR code (`briefing serve` draws it for the listener's address), all written atomically."""
    from PIL import Image

    folder = Path(folder)
    with StagedFiles() as staged:
        staged.path(folder / "index.html").write_text(page_html(show, episodes, folder), encoding="utf-8")
        staged.path(folder / "sw.js").write_text(SERVICE_WORKER, encoding="utf-8")
        staged.path(folder / "manifest.webmanifest").write_text(manifest(show), encoding="utf-8")
        if show.base_url:
            staged.path(folder / QR_NAME).write_text(feed_qr_svg(show.url("feed.xml")), encoding="utf-8")
        with Image.open(cover) as art:
            for size in ICON_SIZES:
                buffer = io.BytesIO()
                art.convert("RGB").resize((size, size), Image.LANCZOS).save(buffer, format="PNG", optimize=True)
                staged.path(folder / f"icon-{size}.png").write_bytes(buffer.getvalue())
