"""STEM.json: the episode's record (model.EpisodeRecord): what was said, by which voice and when,
the mastering targets, and once published its guid. The feed and the page are rebuilt from it."""

from __future__ import annotations

from ...model import EpisodeRecord, Script
from .base import SideFile, register


@register
class Record(SideFile):
    suffix = ".json"
    media_type = "application/json"

    @classmethod
    def text(cls, script: Script, record: EpisodeRecord) -> str:
        return record.to_json()
