"""The feed seam: a feed format is a document listing the show's episodes, written into the
podcast folder whenever its episodes change; this is the one registry of them.

A format is a subclass of FeedFormat decorated with @register, in one file of this folder
(imported by __init__.py; rss.py is the one built in). The folder's transaction writes every
registered format, `feed lint` checks each, and `briefing serve` serves each with its media type
and its addresses moved to the one the listener used.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from ..audio.formats import audio_format
from ..model import EpisodeRecord, Show, StoryRecord

# The namespace the podcast:guid spec names for UUIDv5 feed identifiers.
PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")


def podcast_guid(feed_url: str) -> str:
    """The podcast:guid of a feed: UUIDv5 of its URL without scheme and trailing slashes."""
    return str(uuid.uuid5(PODCAST_GUID_NAMESPACE, re.sub(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", "", feed_url).rstrip("/")))


@dataclass(frozen=True)
class PublishedEpisode:
    """An episode of the feed: its files' stem, its record (with its guid and first publication)
    and the size of its audio file."""

    stem: str
    record: EpisodeRecord
    audio_bytes: int

    def __post_init__(self) -> None:
        if not self.record.guid or self.record.published is None:
            raise ValueError("it has no guid or publication time")

    @property
    def title(self) -> str:
        return self.record.title

    @property
    def guid(self) -> str:
        return self.record.guid

    @property
    def published(self) -> dt.datetime:
        return self.record.published

    @property
    def duration(self) -> float:
        return self.record.duration

    @property
    def stories(self) -> tuple[StoryRecord, ...]:
        return self.record.stories

    @property
    def audio_name(self) -> str:
        """The audio file's name in the episodes folder."""
        return f"{self.stem}{audio_format(self.record.audio_format).suffix}"

    @property
    def media_type(self) -> str:
        return audio_format(self.record.audio_format).media_type


@dataclass(frozen=True)
class LintReport:
    """What `feed lint` found: problems apps would refuse the feed for, and warnings."""

    problems: list[str]
    warnings: list[str] = field(default_factory=list)


class FeedFormat:
    """A feed format.

    Capabilities (class attributes):
      name        what it is called
      filename    its file in the podcast folder
      media_type  what the server sends it as
    """

    name: ClassVar[str]
    filename: ClassVar[str]
    media_type: ClassVar[str]

    @classmethod
    def build(cls, show: Show, episodes: list[PublishedEpisode]) -> bytes:
        """The document listing the episodes (newest first), its addresses under show.base_url
        (relative ones when there is none)."""
        raise NotImplementedError

    @classmethod
    def base_url(cls, document: bytes) -> str | None:
        """The address the document's links are under, or None (relative links, or unreadable)."""
        raise NotImplementedError

    @classmethod
    def identity(cls, document: bytes) -> str | None:
        """The podcast's guid as the document names it, or None."""
        return None

    @classmethod
    def rebased(cls, document: bytes, base_url: str, media_base: str | None = None) -> bytes:
        """The document with every address under its own base moved under base_url; with
        media_base, the files it names (audio, transcripts, chapters, artwork) under that instead."""
        raise NotImplementedError

    @classmethod
    def lint(cls, folder: Path, url: str | None = None, timeout: float = 10.0) -> LintReport:
        """What apps would refuse or stumble on in the folder's document; with url, also in the host
        serving the folder there."""
        raise NotImplementedError


_FORMATS: dict[str, type[FeedFormat]] = {}


def register(format_class: type[FeedFormat]) -> type[FeedFormat]:
    """Add a feed format to the registry (a class decorator)."""
    _FORMATS[format_class.name] = format_class
    return format_class


def feed_formats() -> list[type[FeedFormat]]:
    return list(_FORMATS.values())
