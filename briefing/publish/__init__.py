"""Stage 5, publish: the episode's files in the output folder, and the folder as a podcast.

The front door is write() (episode.py): the script and the rendered EpisodeAudio in, the tagged
audio and its side files (sidefiles/, one module each) written all or none, and with publishing the
feed and the page rewritten. podcast.py keeps the folder and its transaction (episodes, cover,
lock, pruning); layout.py names the folder's files and addresses; feed.py is the registry of feed
formats, and importing this package registers the built-in one, RSS (rss.py); page.py writes the
page for phones from templates/ and static/, serve.py serves the folder, artwork.py draws covers.
"""

from . import rss  # noqa: F401  the built-in feed format registers itself
from .episode import PublishOptions, WrittenEpisode, check, cover_art, remember, write

__all__ = ["PublishOptions", "WrittenEpisode", "check", "cover_art", "remember", "write"]
