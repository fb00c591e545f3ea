"""The podcast folder's layout: every file name and address of the folder is named here, once.

FOLDER/feed.xml               the RSS feed (rss.py)
FOLDER/index.html             the page for phones (page.py), with page.css, page.js, sw.js,
                              manifest.webmanifest, icon-192.png, icon-512.png, feed-qr.svg
FOLDER/cover.png              the show's artwork
FOLDER/episodes/STEM.*        each episode's audio and side files
FOLDER/.briefing.lock         the folder's lock (hidden files are never served)
"""

from __future__ import annotations

from pathlib import Path

from ..audio.formats import media_types
from .feed import feed_formats
from .sidefiles import side_file_media_type

FEED = "feed.xml"
PAGE = "index.html"
STYLESHEET = "page.css"
SCRIPT = "page.js"
SERVICE_WORKER = "sw.js"
MANIFEST = "manifest.webmanifest"
ICON_SIZES = (192, 512)
FEED_QR = "feed-qr.svg"  # the feed address's QR code, shown on the page
COVER = "cover.png"
EPISODES = "episodes"
LOCK = ".briefing.lock"
LISTENERS = ".briefing-listeners.json"  # the private feeds' listeners and their tokens
PRIVATE = "p"  # a listener's private feed lives under p/TOKEN/
SHOW_STATE = ".briefing-show.json"  # what the show keeps from publish to publish: its podcast:guid


def icon(size: int) -> str:
    return f"icon-{size}.png"


def episodes_dir(folder: Path) -> Path:
    return Path(folder) / EPISODES


def page_files() -> set[str]:
    """The page's files: the page, its style, script, service worker, manifest, icons and feed QR code."""
    return {PAGE, STYLESHEET, SCRIPT, SERVICE_WORKER, MANIFEST, FEED_QR, *(icon(size) for size in ICON_SIZES)}


def listener_path(token: str) -> str:
    """Where a listener's private feed (and, served, everything it names) lives: "p/TOKEN/"."""
    return f"{PRIVATE}/{token}/"


def episode_path(stem: str, suffix: str) -> str:
    """An episode file's path within the folder, as addresses name it: "episodes/STEM.mp3"."""
    return f"{EPISODES}/{stem}{suffix}"


# What each of the folder's other files is sent as (the feeds', the audio's and the side files'
# types come from their registries).
MEDIA_TYPES = {
    ".webmanifest": "application/manifest+json",
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".svg": "image/svg+xml",
}


def content_type(name: str) -> str | None:
    """The content type a podcast app or browser expects for a file of the folder, by its name."""
    feed = next((feed for feed in feed_formats() if feed.filename == name), None)
    if feed is not None:
        return feed.media_type
    suffix = Path(name).suffix.lower()
    return media_types().get(suffix) or side_file_media_type(name) or MEDIA_TYPES.get(suffix)
