"""STEM.txt: the script as spoken, after cleaning and normalisation, a paragraph a block."""

from __future__ import annotations

from ...model import EpisodeRecord, Script
from .base import SideFile, register


@register
class ScriptText(SideFile):
    suffix = ".txt"
    media_type = "text/plain; charset=utf-8"

    @classmethod
    def text(cls, script: Script, record: EpisodeRecord) -> str:
        return script.spoken_text()
