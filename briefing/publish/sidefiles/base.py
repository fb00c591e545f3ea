"""The side-file seam: a side file is text written beside each episode's audio, as STEM + suffix
(the transcript, timed captions, chapters, the episode's record); this is the one registry of them.

A side file is a subclass of SideFile decorated with @register, in one file of this folder
(imported by __init__.py). Writing an episode writes every registered side file in the same
transaction as the audio, `briefing serve` sends each with its media type, and removing an
episode removes them all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import ClassVar

from ...model import EpisodeRecord, Script, SegmentRecord


@dataclass(frozen=True)
class Cue:
    """A transcript cue: one sentence as written, when it is said, and by whom (a role such as
    Anchor or Quote, when the episode has more than one voice)."""

    start: float
    end: float
    text: str
    speaker: str | None = None


class SideFile:
    """A file beside the episode's audio.

    Capabilities (class attributes):
      suffix      what follows the episode's stem in its name (".vtt")
      media_type  what the server sends it as
    """

    suffix: ClassVar[str]
    media_type: ClassVar[str]

    @classmethod
    def text(cls, script: Script, record: EpisodeRecord) -> str:
        """The file's text for the episode of this script and record."""
        raise NotImplementedError


_SIDE_FILES: dict[str, type[SideFile]] = {}


def register(side_file: type[SideFile]) -> type[SideFile]:
    """Add a side file to the registry (a class decorator)."""
    _SIDE_FILES[side_file.suffix] = side_file
    return side_file


def side_files() -> list[type[SideFile]]:
    return list(_SIDE_FILES.values())


def side_file_media_type(name: str) -> str | None:
    """The media type of a side file by its name (the longest matching suffix), None for another file."""
    found = [side for side in _SIDE_FILES.values() if name.endswith(side.suffix)]
    return max(found, key=lambda side: len(side.suffix)).media_type if found else None


def cues(segments: Sequence[SegmentRecord]) -> list[Cue]:
    """One cue per sentence as written; the later pieces of a sentence cut for an engine have no
    written text of their own and extend its cue. With two voices, each cue names its speaker's
    role: the Anchor (the main voice), the Host (the second voice's intro, headlines and outro)
    or a Quote (the second voice reading someone's words)."""
    two_voices = any(segment.voice for segment in segments)
    found: list[Cue] = []
    for segment in segments:
        if segment.text or not found:
            found.append(Cue(segment.start, segment.end, segment.text, _role(segment) if two_voices else None))
        else:
            found[-1] = replace(found[-1], end=segment.end)
    return found


def _role(segment: SegmentRecord) -> str:
    if not segment.voice:
        return "Anchor"
    return "Quote" if segment.kind == "body" else "Host"


def timestamp(seconds: float, separator: str) -> str:
    """HH:MM:SS, then separator and milliseconds, as captions write times."""
    milliseconds = round(seconds * 1000)
    hours, rest = divmod(milliseconds, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    whole, fraction = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{whole:02d}{separator}{fraction:03d}"


def one_line(text: str) -> str:
    """A cue's text on one line: a blank line ends a cue, and "-->" would read as a timing line."""
    return " ".join(text.split()).replace("-->", "->")
