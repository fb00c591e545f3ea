"""Immutable values passed between the pipeline stages.

ingest -> Article; script -> Draft (what an editable script file holds) -> Script (of Segments);
tts -> one clip per Segment; audio -> Episode files on disk.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Article:
    """What ingest reads from one source."""

    title: str
    paragraphs: tuple[str, ...]
    source: str  # as the user named it: a path, a URL, or "-" for standard input
    url: str | None = None  # the address it was fetched from, when it came from the web
    outlet: str | None = None  # the site or publication name, when known
    published: dt.datetime | None = None  # when the outlet published it, when known


@dataclass(frozen=True)
class DroppedBlock:
    """A block of the article that a cleaning rule removed, kept for the audit trail."""

    rule: str
    text: str


@dataclass(frozen=True)
class Segment:
    """One engine request: a sentence, or a clause of one for engines with a length limit."""

    kind: str  # "intro", "headline", "body", "transition" or "outro"
    text: str  # as written, for transcripts
    spoken: str  # normalised for speech, what the engine is given
    pause_after: float  # seconds of silence placed after it
    story: int | None = None  # index of the story it belongs to
    paragraph: int | None = None  # index of the paragraph within its section
    voice: str | None = None  # a voice other than the episode's, for this segment


@dataclass(frozen=True)
class Story:
    """One article as it appears in the script."""

    title: str
    source: str
    url: str | None
    outlet: str | None
    dropped: tuple[DroppedBlock, ...] = ()
    published: dt.datetime | None = None

    @property
    def public_source(self) -> str:
        """Where the story came from, as it may be published: its URL, or a file's name (never a
        local path, which can say who the user is and how their disk is laid out)."""
        if self.url or self.source.startswith(("http://", "https://")):
            return self.url or self.source  # what the user fetched: a web address
        return "standard input" if self.source == "-" else Path(self.source).name


@dataclass(frozen=True)
class Paragraph:
    """A paragraph as written (after cleaning); it is normalised for speech when rendered."""

    text: str
    pause_after: float | None = None  # seconds; None for the default of its place
    voice: str | None = None


@dataclass(frozen=True)
class Section:
    """The intro, one story (with its headline), or the outro."""

    kind: str  # "intro", "story" or "outro"
    paragraphs: tuple[Paragraph, ...]
    story: Story | None = None


@dataclass(frozen=True)
class Draft:
    """A briefing before speech normalisation and engine chunking: what a script file holds."""

    title: str
    show: str
    date: dt.date
    sections: tuple[Section, ...]
    voice: str | None = None

    @property
    def stories(self) -> tuple[Story, ...]:
        return tuple(section.story for section in self.sections if section.story is not None)


@dataclass(frozen=True)
class Script:
    """The whole spoken briefing, ready for synthesis."""

    title: str
    show: str
    date: dt.date
    stories: tuple[Story, ...]
    segments: tuple[Segment, ...]

    def spoken_text(self) -> str:
        """The script as a reader would follow it: one paragraph a block, as spoken."""
        blocks: list[list[str]] = []
        previous = None
        for segment in self.segments:
            key = (segment.kind, segment.story, segment.paragraph)
            if key != previous or not blocks:
                blocks.append([])
            blocks[-1].append(segment.spoken)
            previous = key
        return "\n\n".join(" ".join(block) for block in blocks) + "\n"


@dataclass(frozen=True)
class TimedSegment:
    """Where a segment landed in the rendered audio, in seconds."""

    segment: Segment
    start: float
    end: float


@dataclass(frozen=True)
class Episode:
    """What `make` produced."""

    title: str
    mp3: str
    script_txt: str
    metadata_json: str
    duration: float
    engine: str
    voice: str
    timings: tuple[TimedSegment, ...] = field(default=())
    problems: tuple[str, ...] = ()  # feeds and entries that failed and were skipped
    cache_hits: int = 0  # segments taken from the segment cache
    cache_misses: int = 0  # segments synthesised (all of them without a cache)
    fallback_segments: int = 0  # segments the fallback engine made


@dataclass(frozen=True)
class SpeechRate:
    """Seconds = per_word * words + per_segment, for one engine and voice."""

    per_word: float
    per_segment: float
    calibrated: bool = True

    def seconds(self, spoken: str) -> float:
        return self.per_word * len(re.findall(r"\w+", spoken)) + self.per_segment


@dataclass(frozen=True)
class Show:
    """The podcast's own settings ([show] in briefing.toml, or command-line options)."""

    title: str = "Briefing"
    author: str = "briefing"
    description: str = "Spoken news briefings."
    language: str = "en"
    category: str = "News"  # an Apple category; "News/Daily News" for a subcategory
    explicit: bool = False
    owner_email: str | None = None
    base_url: str | None = None  # where the folder is served, e.g. https://pods.example.org/briefing
    artwork: Path | None = None  # the user's square artwork, 1400-3000 px, PNG or JPEG
    locked: bool = True  # podcast:locked: other platforms should not import the feed

    def url(self, path: str) -> str:
        """The address of a file of the folder: under the base URL, or relative to the folder
        ("./episodes/...") when none is set, for `briefing serve` to fill in the listener's address."""
        return (self.base_url.rstrip("/") if self.base_url else ".") + "/" + path
