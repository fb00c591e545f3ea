"""briefing: turn news articles into podcast-style spoken briefings.

The pipeline, one package a stage: ingest -> script -> tts -> audio -> publish.
`make(sources, options)` (briefing.pipeline) runs it all; the `briefing` command is a thin layer over it.
"""

from .errors import BriefingError

__all__ = ["BriefingError", "MakeOptions", "make"]


def __getattr__(name: str):
    # The pipeline imports every stage (0.12 s): loaded when first asked for, so the command can
    # take charge of Ctrl-C before anything slow starts (briefing.interrupts).
    if name == "make":
        from .pipeline import make  # every stage: loaded when asked for (see above)

        return make
    if name == "MakeOptions":
        from .options import MakeOptions  # every stage's options: likewise

        return MakeOptions
    raise AttributeError(f"module 'briefing' has no attribute {name!r}")
