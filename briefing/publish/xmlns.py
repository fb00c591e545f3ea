"""The XML namespaces of the RSS feed, for the feed's writer and its lint alike."""

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
# The Podcasting 2.0 spec names https://podcastindex.org/namespace/1.0 and requires clients to treat
# this older URI as identical; gPodder's parser knows only this one, AntennaPod both, so this one
# reaches every app.
PODCAST = "https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md"
ATOM = "http://www.w3.org/2005/Atom"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
NAMESPACES = {"itunes": ITUNES, "podcast": PODCAST, "atom": ATOM, "content": CONTENT}
