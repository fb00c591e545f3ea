"""One episode per article, several at once: a newsroom voicing every story of its feeds.

Articles are read (sources and feed entries, less those already briefed), then each is made into
its own episode by make(), `concurrency` at a time; on a cluster their segments share its
workers. A failing article is reported and the others are still made and published (the feed
lock keeps their feed updates apart); one whose Piper worker died is made again (up to
RENDER_ATTEMPTS renders, from what the cache kept), under its one episode name.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, replace

from .errors import RENDER_ATTEMPTS, BriefingError, WorkerDied
from .ingest import feed_articles
from .ingest.sources import read_source
from .model import Article, Episode
from .options import MakeOptions
from .pipeline import make
from .settings import check_settings, setting
from .tts.cluster import client_for

DEFAULT_CONCURRENCY = 4


@dataclass(frozen=True)
class BatchOptions:
    """How many episodes `briefing batch` makes at once."""

    concurrency: int = setting(DEFAULT_CONCURRENCY, "Episodes made at once", flag="--concurrency", low=1, high=64)

    def __post_init__(self) -> None:
        check_settings(self)


@dataclass(frozen=True)
class BatchResult:
    episodes: tuple[Episode, ...]
    failures: tuple[str, ...]  # one line each: what failed and why


def gather_articles(sources: Sequence[str], options: MakeOptions) -> tuple[list[Article], list[str]]:
    """The articles to voice, and a line for each source or feed entry that could not be read."""
    articles, problems = [], []
    for source in sources:
        try:
            articles.append(read_source(source, options.ingest.fetch))
        except BriefingError as error:
            problems.append(f"{source}: {error}")
    from_feeds, feed_problems = feed_articles(options.ingest, options.output_dir)
    return articles + from_feeds, problems + list(feed_problems)


def batch(
    sources: Sequence[str],
    options: MakeOptions,
    concurrency: int = DEFAULT_CONCURRENCY,
    finished: Callable[[Episode | None, str | None], None] | None = None,
) -> BatchResult:
    """Make one episode per article of sources and feeds; finished(episode, None) or
    finished(None, failure) as each ends."""
    articles, failures = gather_articles(sources, options)
    for failure in failures:
        if finished:
            finished(None, failure)
    if not articles:
        raise BriefingError("nothing new to voice" + (f" ({'; '.join(failures)})" if failures else ""))
    single = replace(options, ingest=replace(options.ingest, feeds=()), writing=replace(options.writing, title=None))
    episodes = []
    with client_for(options.voice.cluster) as client, ThreadPoolExecutor(concurrency) as pool:
        running = {pool.submit(_made, article, single, client): article for article in articles}
        for future in as_completed(running):
            try:
                episodes.append(future.result())
                if finished:
                    finished(episodes[-1], None)
            except BriefingError as error:
                failures.append(f"{running[future].title}: {error}")
                if finished:
                    finished(None, failures[-1])
    return BatchResult(tuple(episodes), tuple(failures))


def _made(article: Article, options: MakeOptions, client) -> Episode:
    """The article's episode, made again when a worker speaking it died (the pool is forked anew)."""
    for _ in range(RENDER_ATTEMPTS - 1):
        try:
            return make([], options, None, [article], client)
        except WorkerDied:
            continue
    return make([], options, None, [article], client)
