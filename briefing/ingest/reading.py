"""The ingest stage's front door: read() is every article a briefing will tell, from the sources
named and the feeds' entries not briefed before, near-duplicates merged."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import BriefingError
from ..model import Article
from ..settings import check_settings, setting
from . import feeds as feed_reader
from .dedupe import merge_duplicates
from .feeds import parse_since
from .seen import Seen
from .sources import FetchLimits, read_source


@dataclass(frozen=True)
class IngestOptions:
    """Stage 1: where the stories come from besides the sources named."""

    fetch: FetchLimits = field(default_factory=FetchLimits)
    feeds: tuple[str, ...] = setting(
        (),
        "An RSS, Atom or OPML file or URL whose entries are stories too; repeatable",
        flag="--from-feed",
        multiple=True,
        metavar="FEED",
        group="read",
        dest="feeds",
    )
    limit: int | None = setting(
        None, "At most this many stories from the feeds", shown="40", flag="--limit", low=1, high=10_000, group="read"
    )
    since: dt.timedelta | None = setting(
        None,
        "Only feed entries at most this old: 24h, 90m, 2d, 1w",
        flag="--since",
        parse=parse_since,
        metavar="AGE",
        group="read",
    )
    include_seen: bool = setting(
        False, "Also feed stories briefed on earlier runs", flag="--include-seen", group="read"
    )

    def __post_init__(self) -> None:
        check_settings(self)


@dataclass(frozen=True)
class Reading:
    """What a briefing tells: one article a story (near-duplicates merged into the fullest text,
    crediting every outlet), the articles behind each story, and a line for each feed or entry
    that could not be read."""

    stories: tuple[Article, ...]
    groups: tuple[tuple[Article, ...], ...]
    problems: tuple[str, ...] = ()

    def told(self, sources: set[str]) -> list[Article]:
        """The articles behind the stories whose source is among `sources` (condensing may drop some)."""
        return [
            article
            for group in self.groups
            if max(group, key=lambda a: sum(len(p) for p in a.paragraphs)).source in sources
            for article in group
        ]


def read(sources: Sequence[str], options: IngestOptions, folder: Path, given: Sequence[Article] = ()) -> Reading:
    """The articles given, those of the sources (a source that cannot be read is an error), and
    those of the feeds not briefed before in folder (unless include_seen), near-duplicates merged."""
    articles = [*given, *(read_source(source, options.fetch) for source in sources)]
    from_feeds, problems = feed_articles(options, folder)
    articles += from_feeds
    if not articles:
        raise BriefingError("nothing new to brief" + (f" ({'; '.join(problems)})" if problems else ""))
    merged = merge_duplicates(articles)
    return Reading(tuple(story for story, _ in merged), tuple(group for _, group in merged), problems)


def feed_articles(options: IngestOptions, folder: Path) -> tuple[list[Article], tuple[str, ...]]:
    """The articles of the feeds not briefed before in folder (unless include_seen), and a line for
    each feed or entry that could not be read."""
    if not options.feeds:
        return [], ()
    seen = Seen() if options.include_seen else Seen.load(folder)
    gathered = feed_reader.gather(
        list(options.feeds), options.limit, options.since, options.fetch, skip=lambda entry: seen.has_url(entry.link)
    )
    return [article for article in gathered.articles if not seen.has(article)], tuple(gathered.problems)
