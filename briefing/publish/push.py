"""`briefing feed push`: a podcast folder mirrored to a destination (destinations/), so that podcast
apps reach it from anywhere.

The order makes a push safe to interrupt at any moment: the episodes' audio, transcripts, chapters
and the artwork go first, then the page, the feeds last, each object whole or not at all; an
episode the new feeds no longer name is deleted only once they are up. So the feeds at the
destination only ever name complete files, and the next push finishes what one cut short. What the
destination already holds (same size and digest) is not sent again. The feeds go up with their
addresses under the public address of the destination (--base-url).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import requests

from ..addresses import reachability
from ..errors import BriefingError
from .destinations import destination_for
from .feed import feed_formats
from .layout import EPISODES, FEED, PRIVATE, content_type, listener_path, page_files
from .listeners import Listeners

SHORT = "public, max-age=60"  # the feeds and the page: apps see a new episode within a minute
MEDIUM = "public, max-age=3600"  # artwork, transcripts, chapters: replaced rarely
LONG = "public, max-age=31536000, immutable"  # the audio: never changes under one name


@dataclass
class PushReport:
    """What a push did: the keys sent, how many were there already, the keys deleted, the requests
    made to the destination, and a line when the public address does not give the feed."""

    sent: list[str] = field(default_factory=list)
    unchanged: int = 0
    deleted: list[str] = field(default_factory=list)
    requests: int = 0
    warnings: list[str] = field(default_factory=list)


def push(
    folder: Path, address: str, base_url: str | None, progress: Callable[[str, int, int], None] | None = None
) -> PushReport:
    """Mirror folder to the destination at address; base_url is where apps read it (required for a
    remote destination). progress(stage, done, total) as files go up."""
    folder = Path(folder)
    if not (folder / FEED).is_file():
        raise BriefingError(f"no podcast in {folder}: publish an episode first (briefing make --publish)")
    destination = destination_for(address)
    if destination.remote and not base_url:
        raise BriefingError(f"pushing to {address} needs --base-url: the public address apps will read it at")
    report = PushReport()
    stored = destination.listing()
    objects = ordered(folder, base_url, Listeners.load(folder))
    for done, (key, source) in enumerate(objects, 1):
        if destination.unchanged(stored.get(key), source):
            report.unchanged += 1
        else:
            destination.put(key, source, content_type(Path(key).name), cache_control(key))
            report.sent.append(key)
        if progress:
            progress("pushing", done, len(objects))
    # Only now that the new feeds are up: what they no longer name goes.
    wanted = {key for key, _ in objects}
    report.deleted = sorted(key for key in stored if key not in wanted and _ours(key))
    if report.deleted:
        destination.delete(report.deleted)
    report.requests = destination.requests
    if destination.remote and base_url:
        report.warnings += readable(base_url.rstrip("/") + "/" + FEED)
    return report


def ordered(folder: Path, base_url: str | None, listeners: Listeners) -> list[tuple[str, Path | bytes]]:
    """(key, file or bytes) for everything the destination should hold, in the safe order: media
    and side files, then the page, then the feeds (with their addresses under base_url), then each
    listener's own feed."""
    files = sorted(
        path.relative_to(folder).as_posix()
        for path in folder.rglob("*")
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(folder).parts)
    )
    feeds = {feed.filename: feed for feed in feed_formats()}
    page = set(page_files())
    private = bool(listeners.tokens())  # then the feeds and the page are the listeners' alone
    first = [(key, folder / key) for key in files if key not in feeds and key not in page]
    then = [(key, folder / key) for key in files if key in page and not private]
    last = []
    for name, feed in feeds.items():
        if (folder / name).is_file():
            document = (folder / name).read_bytes()
            if not private:
                last.append((name, feed.rebased(document, base_url) if base_url else document))
            for token in listeners.tokens() if base_url else ():
                private = base_url.rstrip("/") + "/" + listener_path(token)
                last.append((listener_path(token) + name, feed.rebased(document, private, media_base=base_url)))
    return first + then + last


def _ours(key: str) -> bool:
    """Whether a key at the destination is one a push put there (and may take away): the folder's
    own files, never what else shares the bucket's prefix."""
    feeds = {feed.filename for feed in feed_formats()}
    return key.startswith((f"{EPISODES}/", f"{PRIVATE}/")) or key in page_files() or key in feeds


def cache_control(key: str) -> str:
    """How long apps and caches may keep an object: the feeds and the page briefly, audio for ever."""
    name = Path(key).name
    if name in {feed.filename for feed in feed_formats()} or name in page_files():
        return SHORT
    if key.startswith(f"{EPISODES}/") and (content_type(name) or "").startswith("audio/"):
        return LONG
    return MEDIUM


def readable(feed_url: str, timeout: float = 10.0) -> list[str]:
    """A line for each reason apps could not read the feed at its public address (fetched as an app
    does: no credentials); none when they can."""
    lines = []
    problem = reachability(feed_url)
    if problem:
        lines.append(problem)
    try:
        answer = requests.get(feed_url, timeout=timeout, stream=True)
        answer.close()
    except requests.RequestException as error:
        return lines + [f"the feed is not readable at {feed_url} ({type(error).__name__}): check --base-url"]
    if answer.status_code != 200:
        hint = "make the show's prefix publicly readable (see README)" if answer.status_code == 403 else ""
        lines.append(f"the feed is not readable at {feed_url} ({answer.status_code}){': ' + hint if hint else ''}")
    return lines
