"""Stage 4, audio: the spoken clips made into an episode.

The front door is render() (render.py): a tts.Speaker and a Script in, the mastered, encoded
EpisodeAudio out, with its record. mix.py levels and joins the clips with their pauses and the
sting; master.py brings them to the loudness target and encodes them; pieces.py does both a piece
(a few paragraphs) at a time, so an edit encodes only what changed; formats/ holds the output
formats (MP3, M4A): how each encodes, joins its pieces and is tagged; transcript.py times the
chapters from the segment boundaries; pace.py measures a voice's pace and fits a draft to a time.
"""

from .preview import preview
from .render import AudioOptions, EpisodeAudio, render

__all__ = ["AudioOptions", "EpisodeAudio", "preview", "render"]
