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
from functools import cache
from importlib.resources import files
from pathlib import Path
from string import Template

import qrcode.image.svg
from PIL import Image

from ..addresses import web_link
from ..files import StagedFiles
from .layout import FEED, FEED_QR, ICON_SIZES, MANIFEST, PAGE, SCRIPT, SERVICE_WORKER, STYLESHEET, episode_path, icon
from .sidefiles import cues

SPEEDS = (0.8, 1.0, 1.25, 1.5, 1.75, 2.0)
STATIC = (STYLESHEET, SCRIPT, SERVICE_WORKER)  # shipped in static/ under the names they have in the folder


@cache
def template(name: str) -> Template:
    """A page template shipped in the package's templates/ folder."""
    return Template(files(__package__).joinpath("templates", name).read_text(encoding="utf-8"))


@cache
def static(name: str) -> str:
    """A file shipped in the package's static/ folder, copied into the podcast folder as it is."""
    return files(__package__).joinpath("static", name).read_text(encoding="utf-8")


def _clock(seconds: float, rounded: bool = False) -> str:
    """ "1:27", or "1:02:03" past the hour; rounded as the feed's itunes:duration is (round) for
    durations, cut down for chapter starts as the show notes write them."""
    whole = round(seconds) if rounded else int(seconds)
    return (
        f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"
        if whole >= 3600
        else f"{whole // 60}:{whole % 60:02d}"
    )


def episode_html(folder: Path, episode, index: int) -> str:
    """One episode's card, from its record."""
    stem, record = episode.stem, episode.record
    e = html.escape
    title = e(record.title)
    published = e((record.published.date() if record.published else record.date).isoformat())
    sources = "".join(_source_item(story) for story in record.stories)
    chapter_items = "".join(
        f'<li><button type="button" data-seek="{c.start}">{_clock(c.start)} {e(c.title)}</button></li>'
        for c in record.chapters
    )
    lines = "".join(
        f'<li><button type="button" data-seek="{cue.start}" data-end="{cue.end}">{e(cue.text)}</button></li>'
        for cue in cues(record.segments)
    )
    speeds = "".join(f'<option value="{s}"{" selected" if s == 1.0 else ""}>{s:g}×</option>' for s in SPEEDS)
    return template("episode.html").substitute(
        index=index,
        stem=e(stem),
        title=title,
        published=published,
        duration=_clock(record.duration, rounded=True),
        audio_url=e(episode_path(stem, Path(episode.audio_name).suffix)),
        speeds=speeds,
        sources=sources,
        chapters=chapter_items,
        lines=lines,
    )


def _source_item(story) -> str:
    e = html.escape
    outlet = " — " + e(story.outlet) if story.outlet else ""
    link = web_link(story.url)
    return f'<li><a href="{e(link)}">{e(story.title)}</a>{outlet}</li>' if link else f"<li>{e(story.title)}</li>"


def page_html(show, episodes: list, folder: Path) -> str:
    e = html.escape
    cards = (
        "".join("\n" + episode_html(folder, episode, index) for index, episode in enumerate(episodes))
        or "<p>No episodes yet.</p>"
    )
    return template("page.html").substitute(
        language=e(show.language),
        title=e(show.title),
        description=e(show.description),
        manifest=MANIFEST,
        icon=icon(192),
        feed=FEED,
        stylesheet=STYLESHEET,
        script=SCRIPT,
        qr=FEED_QR,
        cards=cards,
    )


def manifest(show) -> str:
    return (
        json.dumps(
            {
                "name": show.title,
                "short_name": show.title[:12],
                "description": show.description,
                "start_url": "./",
                "scope": "./",
                "display": "standalone",
                "background_color": "#f6f7f9",
                "theme_color": "#112233",
                "icons": [{"src": icon(size), "sizes": f"{size}x{size}", "type": "image/png"} for size in ICON_SIZES],
                # A phone's share sheet sends a page here; the page hands it to the service when it runs one.
                "share_target": {
                    "action": "./",
                    "method": "GET",
                    "params": {"title": "title", "text": "text", "url": "url"},
                },
            },
            indent=2,
            ensure_ascii=False,
        )
        + "\n"
    )


def feed_qr_svg(feed_url: str) -> str:
    """The QR code of the feed's address, as SVG (black on white, quiet zone included)."""
    return qrcode.make(feed_url, image_factory=qrcode.image.svg.SvgPathFillImage, border=4).to_string(
        encoding="unicode"
    )


def write_page(folder: Path, show, episodes: list, cover: Path) -> None:
    """index.html, sw.js, manifest.webmanifest, the icons (from the cover) and, with a base URL, the
    feed's QR code (`briefing serve` draws it for the listener's address), all written atomically."""
    folder = Path(folder)
    with StagedFiles() as staged:
        staged.path(folder / PAGE).write_text(page_html(show, episodes, folder), encoding="utf-8")
        for name in STATIC:
            staged.path(folder / name).write_text(static(name), encoding="utf-8")
        staged.path(folder / MANIFEST).write_text(manifest(show), encoding="utf-8")
        if show.base_url:
            staged.path(folder / FEED_QR).write_text(feed_qr_svg(show.url(FEED)), encoding="utf-8")
        with Image.open(cover) as art:
            for size in ICON_SIZES:
                buffer = io.BytesIO()
                art.convert("RGB").resize((size, size), Image.LANCZOS).save(buffer, format="PNG", optimize=True)
                staged.path(folder / icon(size)).write_bytes(buffer.getvalue())
