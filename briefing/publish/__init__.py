"""Stage 5, publish: the output folder as a podcast. podcast.py keeps the folder and its
transaction (episodes, cover, lock, pruning); feed.py is the registry of feed formats, and
importing this package registers the built-in one, RSS (rss.py); page.py writes the page for
phones, serve.py serves the folder, artwork.py draws covers and icons."""

from . import rss  # noqa: F401  the built-in feed format registers itself
