"""Stage 1, ingest: articles from files, standard input, web pages and news feeds.

The front door is read() (reading.py): sources and feeds in, Article values out. sources.py reads
one source (a file, "-", or a URL fetched with limits and retries), extract.py takes the story out
of a web page, feeds.py reads RSS, Atom and OPML, seen.py remembers what was briefed, dedupe.py
merges the same event told by several outlets.
"""

from .reading import IngestOptions, Reading, feed_articles, read
from .sources import FetchLimits

__all__ = ["FetchLimits", "IngestOptions", "Reading", "feed_articles", "read"]
