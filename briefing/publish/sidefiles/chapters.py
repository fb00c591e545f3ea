"""STEM.chapters.json: the chapters (intro, each story with its source, outro) in the
Podcasting 2.0 JSON chapters format, version 1.2.0."""

from __future__ import annotations

import json

from ...model import Chapter, EpisodeRecord, Script
from .base import SideFile, register


def chapters_json(found: list[Chapter], title: str) -> str:
    """Chapters in the Podcasting 2.0 JSON chapters format (version 1.2.0)."""
    listed = [
        {"startTime": c.start, "endTime": c.end, "title": c.title, **({"url": c.url} if c.url else {})} for c in found
    ]
    document = {"version": "1.2.0", "title": title, "chapters": listed}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


@register
class ChaptersJSON(SideFile):
    suffix = ".chapters.json"
    media_type = "application/json+chapters"

    @classmethod
    def text(cls, script: Script, record: EpisodeRecord) -> str:
        return chapters_json(list(record.chapters), script.title)
