"""The output seam: what an episode's audio file is, and the one registry of such formats.

A format is a subclass of AudioFormat decorated with @register, in one file of this folder
(imported by __init__.py). Its class attributes say what it is; mastering asks it how to encode
and how to join pieces encoded apart, the pipeline asks it to tag, and the feed, lint, page,
server and cache ask it for the suffix and media type, never a literal of their own.

An episode is encoded in pieces (audio/pieces.py), each by its own encoder, so an edit encodes
only the piece it changed. A format's file is its pieces' frames one after another: each piece
but the last ends in silence and is cut to whole frames, so a decoder reads straight across the
joins. Such a file carries no gapless-playback note, so decoders play the encoder's delay at the
start: every time in the episode is later by encoder_delay samples.
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
      frames_muxer  ffmpeg's arguments writing the bare encoded frames to a pipe: no header, so
                    the frames of pieces encoded apart can follow one another
      encoder_delay samples a decoder gives before the first one encoded (the encoder's priming
                    and the decoder's own delay), the same in every ffmpeg the tests run
      peak_margin   dB kept under the true-peak ceiling before encoding, for the inter-sample peaks
                    and the overshoot the codec adds (measured per codec)
    and methods: frame_samples (samples a frame holds), frame_lengths (where the frames of an
    encoded piece end), join (the file from its pieces' frames), write_tags.
    """

    name: ClassVar[str]
    suffix: ClassVar[str]
    media_type: ClassVar[str]
    codec: ClassVar[tuple[str, ...]]
    frames_muxer: ClassVar[tuple[str, ...]]
    encoder_delay: ClassVar[int]
    peak_margin: ClassVar[float]

    @classmethod
    def frame_samples(cls, sample_rate: int) -> int:
        """How many samples one encoded frame holds at sample_rate."""
        raise NotImplementedError

    @classmethod
    def frame_lengths(cls, frames: bytes) -> list[int]:
        """The length in bytes of each frame of bare encoded frames, in order (from their headers)."""
        raise NotImplementedError

    @classmethod
    def first_frames(cls, frames: bytes, count: int) -> bytes:
        """The first count frames of bare encoded frames."""
        lengths = cls.frame_lengths(frames)
        if len(lengths) < count:
            raise BriefingError(f"encoding audio failed: {len(lengths)} frames where {count} were due")
        return frames[: sum(lengths[:count])]

    @classmethod
    def join(cls, pieces: list[bytes], destination: Path) -> None:
        """Write the untagged file at destination from its pieces' frames, in order."""
        raise NotImplementedError

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
