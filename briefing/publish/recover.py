"""A damaged episode record made again (`briefing feed rebuild`): an episode whose STEM.json cannot be
read is no longer left out of the feed while its audio is there. What the record held is read back
from the audio itself (its length and tags: title, show, date) and its side files (the chapters, and
with them each story's title and source), and its guid and first publication from the feed that
listed it, so apps do not see a new episode."""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import uuid
from pathlib import Path

import mutagen
from lxml import etree

from ..audio.formats import audio_format, format_names
from ..model import Chapter, EpisodeRecord, StoryRecord
from .layout import FEED, episodes_dir
from .sidefiles.chapters import ChaptersJSON


def recover(folder: Path, stem: str) -> EpisodeRecord | None:
    """The record of episode STEM as its audio, side files and the feed tell it; None when its
    audio is not there or cannot be read."""
    found = None
    for name in format_names():
        audio = episodes_dir(folder) / f"{stem}{audio_format(name).suffix}"
        if audio.is_file():
            try:
                found = mutagen.File(audio, easy=True)
            except mutagen.MutagenError:
                return None
            break
    if found is None or found.info is None:
        return None
    tags = dict(found.tags or {})
    chapters = _chapters(episodes_dir(folder) / f"{stem}{ChaptersJSON.suffix}")
    guid, published = _listed(folder, audio.name)
    return EpisodeRecord(
        title=(tags.get("title") or [stem])[0],
        show=(tags.get("album") or [""])[0],
        date=_date((tags.get("date") or [""])[0]) or _date(stem[:10]) or dt.date.today(),
        duration=round(found.info.length, 3),
        engine="",
        voice="",
        loudness_target_lufs=0.0,
        bitrate_kbps=round(getattr(found.info, "bitrate", 0) / 1000),
        sample_rate=getattr(found.info, "sample_rate", 0),
        audio_format=name,
        stories=tuple(StoryRecord(chapter.title, chapter.url, chapter.url) for chapter in chapters if chapter.url),
        segments=(),
        guid=guid or str(uuid.uuid4()),
        published=published or dt.datetime.now(dt.UTC).replace(microsecond=0),
        chapters=tuple(chapters),
    )


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


def _chapters(path: Path) -> list[Chapter]:
    """The chapters in a Podcasting 2.0 chapters file; none when it is missing or unreadable."""
    try:
        listed = json.loads(path.read_text(encoding="utf-8"))["chapters"]
        return [Chapter(str(c["title"]), float(c["startTime"]), float(c["endTime"]), c.get("url")) for c in listed]
    except (OSError, ValueError, KeyError, TypeError):
        return []


def _listed(folder: Path, audio_name: str) -> tuple[str | None, dt.datetime | None]:
    """(guid, publication time) of the feed's item whose enclosure is audio_name, or (None, None)."""
    try:
        channel = etree.parse(str(Path(folder) / FEED)).find("channel")
    except (OSError, etree.XMLSyntaxError):
        return None, None
    for item in channel.findall("item") if channel is not None else ():
        enclosure = item.find("enclosure")
        if enclosure is not None and (enclosure.get("url") or "").endswith("/" + audio_name):
            when = item.findtext("pubDate")
            try:
                published = email.utils.parsedate_to_datetime(when) if when else None
            except (TypeError, ValueError):
                published = None
            return item.findtext("guid"), published
    return None, None
