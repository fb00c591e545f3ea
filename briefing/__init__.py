"""briefing: turn news articles into podcast-style spoken briefings.

The pipeline, one module a stage: ingest -> script -> tts -> audio (-> publish, to come).
`make(sources, options)` runs it all; the `briefing` command is a thin layer over it.
"""

from .errors import BriefingError
from .make import MakeOptions, make

__all__ = ["BriefingError", "MakeOptions", "make"]
