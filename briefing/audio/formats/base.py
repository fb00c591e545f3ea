"""The output seam: what an episode's audio file is, and the one registry of such formats.

A format is a subclass of AudioFormat decorated with @register, in one file of this folder
(imported by __init__.py). Its class attributes say what it is; mastering asks it how to encode,
the pipeline asks it to tag, and the feed, lint, page, server and cache ask it for the suffix and
media type, never a literal of their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from ...errors import BriefingError
from ...model import Chapter

DEFAULT_FORMAT = "mp3"


@dataclass(frozen=True)
class Tags:
    """What an episode's file says about itself: text tags, cover art and chapters."""

    title: str
    show: str
    date: str  # ISO date
    comment: str
    length_ms: int
    cover_png: bytes | None = None
    chapters: tuple[Chapter, ...] = ()


class AudioFormat:
    """An episode's audio file format.

    Capabilities (class attributes):
      name          what users call it (--format NAME, format = "NAME" in [audio])
      suffix        the file's suffix, with its dot
      media_type    its MIME type, for the feed's enclosure and the server
      codec         ffmpeg's arguments choosing the encoder (the bitrate and sample rate are added)
      stream_muxer  ffmpeg's muxer for the encoded audio in memory (to measure what the codec
                    takes off the loudness); it must write to a pipe
      file_muxer    ffmpeg's arguments writing the file itself
      peak_margin   dB kept under the true-peak ceiling before encoding, for the inter-sample peaks
                    and the overshoot the codec adds (measured per codec)
    """

    name: ClassVar[str]
    suffix: ClassVar[str]
    media_type: ClassVar[str]
    codec: ClassVar[tuple[str, ...]]
    stream_muxer: ClassVar[str]
    file_muxer: ClassVar[tuple[str, ...]]
    peak_margin: ClassVar[float]

    @classmethod
    def write_tags(cls, path: Path, tags: Tags) -> None:
        """Write the tags, cover and chapters into the encoded file at path, in place."""
        raise NotImplementedError


_FORMATS: dict[str, type[AudioFormat]] = {}


def register(format_class: type[AudioFormat]) -> type[AudioFormat]:
    """Add a format to the registry (a class decorator)."""
    _FORMATS[format_class.name] = format_class
    return format_class


def audio_format(name: str) -> type[AudioFormat]:
    """The format called name, or BriefingError listing those there are."""
    try:
        return _FORMATS[name]
    except KeyError:
        raise BriefingError(f"unknown audio format {name!r} (formats: {', '.join(format_names())})") from None


def format_names() -> list[str]:
    return sorted(_FORMATS)


def media_types() -> dict[str, str]:
    """Suffix -> media type, of every format."""
    return {format_class.suffix: format_class.media_type for format_class in _FORMATS.values()}
