"""STEM.srt: the SubRip transcript, a cue per sentence, timed from the segment boundaries."""

from __future__ import annotations

from ...model import EpisodeRecord, Script
from .base import Cue, SideFile, cues, one_line, register, timestamp


def srt(timed_cues: list[Cue]) -> str:
    """SRT, with each speaker's role before the text ("Quote: ...") when the cues name them."""
    blocks = [
        f"{n}\n{timestamp(c.start, ',')} --> {timestamp(c.end, ',')}\n{_srt_text(c)}"
        for n, c in enumerate(timed_cues, 1)
    ]
    return "\n\n".join(blocks) + "\n"


def _srt_text(cue: Cue) -> str:
    # SRT has no escapes, and its readers take <...> for formatting tags and drop them: angle
    # brackets become the look-alike single guillemets, so "<visible>" stays on screen.
    text = one_line(cue.text).replace("<", "‹").replace(">", "›")
    return f"{cue.speaker}: {text}" if cue.speaker else text


@register
class SubRip(SideFile):
    suffix = ".srt"
    media_type = "application/x-subrip; charset=utf-8"

    @classmethod
    def text(cls, script: Script, record: EpisodeRecord) -> str:
        return srt(cues(record.segments))
