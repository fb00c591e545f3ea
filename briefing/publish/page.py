"""The podcast folder's web page: index.html for phones, with a web app manifest and icons.

Everything is in the folder (no CDN, no outside fonts). Each episode has an audio player with
speed and 15-second skips, chapters that seek when tapped, and a transcript that follows the
audio and seeks when a line is tapped; Media Session metadata puts the episode on the lock screen.
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
.subscribe { display: inline-block; margin-top: 6px; color: var(--accent); font-weight: 600; }
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
.transcript button { min-height: 0; padding: 6px 8px; border-radius: 6px; }
.transcript button.current { background: var(--current); }
.sources { margin: 6px 0 0; padding-left: 1.2em; }
details summary { cursor: pointer; min-height: 44px; padding: 10px 0; font-weight: 600; }
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
    const t = audio.currentTime;
    const line = lines.find((l) => t >= parseFloat(l.dataset.seek) && t < parseFloat(l.dataset.end)) || null;
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
});
"""


def _clock(seconds: float) -> str:
    whole = int(seconds)
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
  <p class="meta"><time datetime="{published}">{published}</time> · {_clock(record.duration)}</p>
  <audio id="{audio_id}" controls preload="metadata" src="episodes/{e(episode.audio_name)}" aria-label="Play {title}"></audio>
  <div class="controls">
    <button type="button" data-skip="-15" aria-label="Back 15 seconds" aria-controls="{audio_id}">−15 s</button>
    <button type="button" data-skip="15" aria-label="Forward 15 seconds" aria-controls="{audio_id}">+15 s</button>
    <label>Speed <select class="speed" aria-controls="{audio_id}">{speeds}</select></label>
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
  <a class="subscribe" href="feed.xml">Subscribe (podcast feed)</a></div>
</header>
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
    }, indent=2, ensure_ascii=False) + "\n"


def write_page(folder: Path, show, episodes: list, cover: Path) -> None:
    """index.html, manifest.webmanifest and the icons (from the cover), all written atomically."""
    from PIL import Image

    folder = Path(folder)
    with StagedFiles() as staged:
        staged.path(folder / "index.html").write_text(page_html(show, episodes, folder), encoding="utf-8")
        staged.path(folder / "manifest.webmanifest").write_text(manifest(show), encoding="utf-8")
        with Image.open(cover) as art:
            for size in ICON_SIZES:
                buffer = io.BytesIO()
                art.convert("RGB").resize((size, size), Image.LANCZOS).save(buffer, format="PNG", optimize=True)
                staged.path(folder / f"icon-{size}.png").write_bytes(buffer.getvalue())
