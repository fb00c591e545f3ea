"""Immutable values passed between the pipeline stages, and only those (a value one stage keeps
to itself lives in that stage, as the transcripts' Cue in publish/sidefiles).

ingest -> Article; script -> Draft (what an editable script file holds) -> Script (of Segments);
tts -> one clip per Segment; audio -> TimedSegments, Chapters and the EpisodeRecord (what was said,
by whom and when, read back by publish, the page and the check); the pipeline -> Episode. Show is
the podcast's settings, which the script (its name) and publish (the rest) read.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .addresses import is_web_address
from .settings import check_settings, setting


@dataclass(frozen=True)
class Article:
    """What ingest reads from one source."""

    title: str
    paragraphs: tuple[str, ...]
    source: str  # as the user named it: a path, a URL, or "-" for standard input
    url: str | None = None  # the address it was fetched from, when it came from the web
    outlet: str | None = None  # the site or publication name, when known
    published: dt.datetime | None = None  # when the outlet published it, when known
    extraction: str | None = None  # from a web page: which extractor's text was kept, and why


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
    extraction: str | None = None  # from a web page: which extractor's text was kept, and why

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
    audio: str  # the mastered episode (MP3 or another output format)
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
    warnings: tuple[str, ...] = ()  # with publishing: where the feed cannot be reached from, and why


Progress = Callable[[str, int, int], None]  # (stage, steps done, steps in all): how far a long step is


@dataclass(frozen=True)
class Chapter:
    """A chapter of an episode: the introduction, a story (with its source's address) or the closing."""

    title: str
    start: float
    end: float
    url: str | None = None


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

    title: str = setting(
        "Briefing",
        "Show name, spoken in the intro and tagged",
        flag="--show",
        toml="show.title",
        group="read",
        dest="show_title",
    )
    author: str = setting("briefing", "The show's author", toml="show.author")
    description: str = setting("Spoken news briefings.", "What the show is", toml="show.description")
    language: str = setting("en", "The show's language", toml="show.language", must='a language code, like "en"')
    category: str = setting(
        "News", "An Apple category", toml="show.category", must='an Apple category, like "News/Daily News"'
    )
    explicit: bool = setting(False, "Whether episodes are explicit", toml="show.explicit")
    owner_email: str | None = setting(
        None, "The owner's e-mail address", toml="show.owner_email", must="an e-mail address", check=lambda v: "@" in v
    )
    base_url: str | None = setting(
        None,
        "With --publish: where the output folder is served",
        flag="--base-url",
        toml="show.base_url",
        check=is_web_address,
        must='an http(s) address, like "https://pods.example.org/briefing"',
    )
    artwork: Path | None = setting(
        None,
        "With --publish: square show artwork, 1400-3000 px",
        flag="--artwork",
        toml="show.artwork",
        relative=True,
        must="an image file name, relative to this file",
    )
    # podcast:locked: other platforms should not import the feed
    locked: bool = setting(True, "Other platforms should not import the feed", toml="show.locked")
    guid: str | None = None  # podcast:guid: made once, at the first publish, and kept (publish/podcast.py)

    def __post_init__(self) -> None:
        check_settings(self)

    def url(self, path: str) -> str:
        """The address of a file of the folder: under the base URL, or relative to the folder
        ("./episodes/...") when none is set, for `briefing serve` to fill in the listener's address."""
        return (self.base_url.rstrip("/") if self.base_url else ".") + "/" + path


@dataclass(frozen=True)
class StoryRecord:
    """A story as the episode's record keeps it (what may be published: no local paths)."""

    title: str
    source: str = ""  # its URL, or a file's name
    url: str | None = None
    outlet: str | None = None
    lead: str = ""  # its first sentence, for the show notes
    dropped: tuple[DroppedBlock, ...] = ()


@dataclass(frozen=True)
class SegmentRecord:
    """A segment as said: where it sits in the episode, what it said, and who said it."""

    index: int
    kind: str
    story: int | None
    paragraph: int | None
    start: float
    end: float
    text: str
    spoken: str
    voice: str | None = None  # a voice other than the episode's
    made_by: str | None = None  # "engine/voice"


@dataclass(frozen=True)
class HeardSegment:
    index: int
    wer: float
    heard: str


@dataclass(frozen=True)
class CheckRecord:
    """What the quality check heard (briefing check, make --verify)."""

    model: str
    wer: float
    threshold: float
    segments: tuple[HeardSegment, ...]
    failing: tuple[int, ...]


@dataclass(frozen=True)
class EpisodeRecord:
    """An episode's record, kept beside its audio as STEM.json: what was said, by which voice and
    when, the mastering targets, and once published its guid and first publication. Every stage
    after audio (publish, page, feed, check) reads episodes through this, never by string key."""

    title: str
    show: str
    date: dt.date
    duration: float
    engine: str
    voice: str
    loudness_target_lufs: float
    bitrate_kbps: int
    sample_rate: int
    audio_format: str  # the name of its audio file's format (audio/formats), which gives the file's suffix
    stories: tuple[StoryRecord, ...]
    segments: tuple[SegmentRecord, ...]
    cache_hits: int | None = None  # None when rendered without the cache
    cache_misses: int | None = None
    guid: str | None = None
    published: dt.datetime | None = None
    check: CheckRecord | None = None
    chapters: tuple[Chapter, ...] = ()  # records from before chapters were kept have none
    source_key: str | None = None  # once published: what it was made from (publish/episode.py source_key)

    def to_json(self) -> str:
        data = {
            "title": self.title,
            "show": self.show,
            "date": self.date.isoformat(),
            "duration": round(self.duration, 3),
            "engine": self.engine,
            "voice": self.voice,
            "loudness_target_lufs": self.loudness_target_lufs,
            "bitrate_kbps": self.bitrate_kbps,
            "sample_rate": self.sample_rate,
            "format": self.audio_format,
            "cache": None if self.cache_hits is None else {"hits": self.cache_hits, "misses": self.cache_misses},
            "stories": [
                {
                    "title": s.title,
                    "source": s.source,
                    "url": s.url,
                    "outlet": s.outlet,
                    "lead": s.lead,
                    "dropped": [{"rule": d.rule, "text": d.text} for d in s.dropped],
                }
                for s in self.stories
            ],
            "segments": [
                {
                    "index": s.index,
                    "kind": s.kind,
                    "story": s.story,
                    "paragraph": s.paragraph,
                    "start": round(s.start, 3),
                    "end": round(s.end, 3),
                    "text": s.text,
                    "spoken": s.spoken,
                    **({"voice": s.voice} if s.voice else {}),
                    **({"made_by": s.made_by} if s.made_by else {}),
                }
                for s in self.segments
            ],
        }
        data["chapters"] = [
            {"start": c.start, "end": c.end, "title": c.title, **({"url": c.url} if c.url else {})}
            for c in self.chapters
        ]
        if self.guid:
            data.update(guid=self.guid, published=self.published.isoformat() if self.published else None)
        if self.source_key:
            data["source_key"] = self.source_key
        if self.check:
            data["check"] = {
                "model": self.check.model,
                "wer": round(self.check.wer, 4),
                "threshold": self.check.threshold,
                "segments": [{"index": s.index, "wer": round(s.wer, 3), "heard": s.heard} for s in self.check.segments],
                "failing": list(self.check.failing),
            }
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str) -> EpisodeRecord:
        """The record in text; ValueError saying what is wrong when it is not one (damaged, hand-edited)."""
        data = json.loads(text)
        try:
            return cls._from(data)
        except (KeyError, TypeError, AttributeError) as error:
            raise ValueError(f"not an episode record ({type(error).__name__}: {error})") from None

    @classmethod
    def _from(cls, data) -> EpisodeRecord:
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        for key, kinds, what in RECORD_FIELDS:
            value = data.get(key)
            if not isinstance(value, kinds) or isinstance(value, bool) or value == "":
                raise ValueError(f"{key} must be {what}, not {value!r:.40}")
        duration = float(data["duration"])
        if not 0 <= duration < 10**6:
            raise ValueError(f"duration {duration:g} is out of range")
        stories = tuple(
            StoryRecord(
                _text(s, "title"),
                s.get("source") or "",
                s.get("url"),
                s.get("outlet"),
                s.get("lead") or "",
                tuple(DroppedBlock(d["rule"], d["text"]) for d in s.get("dropped") or ()),
            )
            for s in data["stories"]
        )
        segments = tuple(
            SegmentRecord(
                int(s["index"]),
                s["kind"],
                s.get("story"),
                s.get("paragraph"),
                float(s["start"]),
                float(s["end"]),
                s["text"],
                s["spoken"],
                s.get("voice"),
                s.get("made_by"),
            )
            for s in data["segments"]
        )
        cache, check = data.get("cache"), data.get("check")
        return cls(
            title=data["title"],
            show=data.get("show") or "",
            date=dt.date.fromisoformat(data["date"]),
            duration=duration,
            engine=data.get("engine") or "",
            voice=data.get("voice") or "",
            loudness_target_lufs=float(data.get("loudness_target_lufs", 0)),
            bitrate_kbps=int(data.get("bitrate_kbps", 0)),
            sample_rate=int(data.get("sample_rate", 0)),
            audio_format=_text(data, "format") if "format" in data else "mp3",  # records from before M4A were all MP3
            stories=stories,
            segments=segments,
            cache_hits=cache["hits"] if cache else None,
            cache_misses=cache["misses"] if cache else None,
            guid=data.get("guid") if isinstance(data.get("guid"), str) and data.get("guid") else None,
            published=dt.datetime.fromisoformat(data["published"]) if data.get("published") else None,
            check=CheckRecord(
                check["model"],
                float(check["wer"]),
                float(check["threshold"]),
                tuple(HeardSegment(int(s["index"]), float(s["wer"]), s["heard"]) for s in check["segments"]),
                tuple(check["failing"]),
            )
            if check
            else None,
            chapters=tuple(
                Chapter(_text(c, "title"), float(c["start"]), float(c["end"]), c.get("url"))
                for c in data.get("chapters") or ()
            ),
            source_key=data.get("source_key") if isinstance(data.get("source_key"), str) else None,
        )


RECORD_FIELDS = (
    ("title", str, "text"),
    ("date", str, "a date"),
    ("duration", (int, float), "a number of seconds"),
    ("stories", list, "a list"),
    ("segments", list, "a list"),
)


def _text(table: dict, key: str) -> str:
    value = table.get(key)
    if not isinstance(value, str):
        raise ValueError(f"{key} must be text, not {value!r:.40}")
    return value
