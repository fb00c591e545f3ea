"""News feeds in: RSS, Atom and OPML lists of feeds (feedparser), each entry's page fetched and
extracted like a URL source, with bounded concurrency; failures are reported and skipped."""

from __future__ import annotations

import datetime as dt
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from lxml import etree

from ..addresses import is_web_address, web_address
from ..errors import BriefingError
from ..model import Article
from .sources import FetchLimits, fetch_url, read_url

FETCH_CONCURRENCY = 4
DEFAULT_STORY_LIMIT = 40  # stories from feeds when --limit is not given: a long briefing, not 10,000 downloads


@dataclass(frozen=True)
class FeedEntry:
    title: str
    link: str
    published: dt.datetime | None
    outlet: str | None  # the feed's title


def parse_since(text: str) -> dt.timedelta:
    """ "24h", "90m", "2d", "1w" -> a time span."""
    match = re.fullmatch(r"\s*(\d+)\s*([mhdw])\s*", text or "")
    if not match:
        raise BriefingError(f"--since takes an age such as 24h, 90m, 2d or 1w, not {text!r}")
    unit = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}[match.group(2)]
    return dt.timedelta(**{unit: int(match.group(1))})


def _read_bytes(source: str, limits: FetchLimits, named_by_user: bool = True) -> bytes:
    """A feed's bytes: a file or URL the user named, or (listed in an OPML file) a URL only."""
    if re.match(r"^https?://", source) or not named_by_user:
        return fetch_url(web_address(source, "a feed listed in OPML"), limits, accept_feeds=True).body
    path = Path(source)
    if not path.is_file():
        raise BriefingError(f"no such feed file: {source}")
    if path.stat().st_size > limits.max_bytes:
        raise BriefingError(f"{source} is larger than the limit of {limits.max_bytes} bytes (--max-input)")
    return path.read_bytes()


def opml_feeds(data: bytes) -> list[str] | None:
    """The feed addresses an OPML document lists, or None when data is not OPML."""
    try:
        root = etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return None
    if root.tag.lower() != "opml":
        return None
    return [outline.get("xmlUrl") for outline in root.iter("outline") if outline.get("xmlUrl")]


def feed_entries(data: bytes, source: str) -> list[FeedEntry]:
    """The entries of an RSS or Atom document."""
    import feedparser  # 85 ms, for feeds alone

    parsed = feedparser.parse(data)
    outlet = (parsed.feed.get("title") or "").strip() or None
    entries = []
    for entry in parsed.entries:
        link = entry.get("link")
        if not link:
            continue
        when = entry.get("published_parsed") or entry.get("updated_parsed")
        published = dt.datetime(*when[:6], tzinfo=dt.UTC) if when else None
        entries.append(FeedEntry((entry.get("title") or "").strip(), link, published, outlet))
    if parsed.bozo and not entries:
        raise BriefingError(f"{source} is not a readable RSS, Atom or OPML feed")
    return entries


def read_feeds(sources: list[str], limits: FetchLimits) -> tuple[list[FeedEntry], list[str]]:
    """Entries of every feed named, an OPML file standing for the feeds it lists; a feed that
    cannot be read is a problem line, and the others are still read."""
    entries: list[FeedEntry] = []
    problems: list[str] = []
    for source in sources:
        try:
            data = _read_bytes(source, limits)
        except BriefingError as error:
            problems.append(f"feed {source}: {error}")
            continue
        listed = opml_feeds(data)
        for feed in listed if listed is not None else [source]:
            try:
                entries.extend(
                    feed_entries(data if listed is None else _read_bytes(feed, limits, named_by_user=False), feed)
                )
            except BriefingError as error:
                problems.append(f"feed {feed}: {error}")
    return entries, problems


@dataclass(frozen=True)
class Gathered:
    articles: tuple[Article, ...]
    problems: tuple[str, ...]  # one line for each feed or page that failed


def gather(
    feeds: list[str],
    limit: int | None = None,
    since: dt.timedelta | None = None,
    limits: FetchLimits = FetchLimits(),
    now: dt.datetime | None = None,
    skip=lambda entry: False,
) -> Gathered:
    """Articles from the feeds' entries, newest first: at most `limit`, none older than `since`,
    none that `skip(entry)` rejects (already briefed); at most DEFAULT_STORY_LIMIT unless `limit` says.
    Pages are fetched FETCH_CONCURRENCY at a time."""
    now = now or dt.datetime.now(dt.UTC)
    entries, problems = read_feeds(feeds, limits)
    # Only web pages are read from a feed: a feed must not name the user's own files.
    problems += [
        f"entry {entry.title or '(untitled)'}: {entry.link[:120]!r} is not an http(s) address"
        for entry in entries
        if not is_web_address(entry.link)
    ]
    entries = [entry for entry in entries if is_web_address(entry.link)]
    seen_links: set[str] = set()
    chosen = []
    for entry in sorted(entries, key=lambda e: e.published or dt.datetime.min.replace(tzinfo=dt.UTC), reverse=True):
        if entry.link in seen_links or (since and entry.published and now - entry.published > since) or skip(entry):
            continue
        seen_links.add(entry.link)
        chosen.append(entry)
    chosen = chosen[: limit or DEFAULT_STORY_LIMIT]

    def fetch(entry: FeedEntry) -> Article | str:
        try:
            article = read_url(entry.link, limits)
        except BriefingError as error:
            return f"entry {entry.title or entry.link}: {error}"
        return replace(article, outlet=entry.outlet or article.outlet, published=entry.published or article.published)

    with ThreadPoolExecutor(max_workers=FETCH_CONCURRENCY) as pool:
        results = list(pool.map(fetch, chosen))
    problems += [result for result in results if isinstance(result, str)]
    return Gathered(tuple(result for result in results if isinstance(result, Article)), tuple(problems))
