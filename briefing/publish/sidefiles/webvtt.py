"""STEM.vtt: the WebVTT transcript, a cue per sentence, timed from the segment boundaries."""

from __future__ import annotations

import html

from ...model import EpisodeRecord, Script
from .base import Cue, SideFile, cues, one_line, register, timestamp


def webvtt(timed_cues: list[Cue]) -> str:
    """WebVTT, with a voice span (<v Anchor>) on each cue when the cues name their speakers, which
    Apple Podcasts shows. Cue text is markup: &, < and > are escaped."""

    def text(cue: Cue) -> str:
        escaped = html.escape(one_line(cue.text), quote=False)
        return f"<v {html.escape(cue.speaker)}>{escaped}" if cue.speaker else escaped

    blocks = [
        f"{n}\n{timestamp(c.start, '.')} --> {timestamp(c.end, '.')}\n{text(c)}" for n, c in enumerate(timed_cues, 1)
    ]
    return "WEBVTT\n\n" + "\n\n".join(blocks) + "\n"


@register
class WebVTT(SideFile):
    suffix = ".vtt"
    media_type = "text/vtt; charset=utf-8"

    @classmethod
    def text(cls, script: Script, record: EpisodeRecord) -> str:
        return webvtt(cues(record.segments))
