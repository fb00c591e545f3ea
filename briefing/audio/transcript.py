"""Timed text from the known segment boundaries: chapters (one per section or story), WebVTT and
SRT transcripts, and Podcasting 2.0 chapters JSON. No speech recognition is needed: the audio
stage knows where every segment starts and ends."""

from __future__ import annotations

import html
import json
from dataclasses import replace
from typing import Sequence

from ..addresses import web_link
from ..model import Chapter, Cue, Script, SegmentRecord, TimedSegment


def chapters(script: Script, timings: tuple[TimedSegment, ...], duration: float) -> list[Chapter]:
    """Intro (from 0, with the sting), one chapter per story (from its headline), outro (to the end)."""
    starts: list[tuple[float, str, str | None]] = []
    seen: set[tuple[str, int | None]] = set()
    for timed in timings:
        segment = timed.segment
        key = ("story", segment.story) if segment.story is not None else (segment.kind, None)
        if key in seen:
            continue
        seen.add(key)
        if segment.story is not None:
            story = script.stories[segment.story]
            starts.append((timed.start, story.title, web_link(story.url) or web_link(story.source)))
        else:
            starts.append((timed.start, "Introduction" if segment.kind == "intro" else "Closing", None))
    if starts:
        starts[0] = (0.0,) + starts[0][1:]
    ends = [start for start, _, _ in starts[1:]] + [duration]
    return [Chapter(title, round(start, 3), round(end, 3), url) for (start, title, url), end in zip(starts, ends)]


def cues(segments: Sequence[SegmentRecord]) -> list[Cue]:
    """One cue per sentence as written; the later pieces of a sentence cut for an engine have no
    written text of their own and extend its cue. With two voices, each cue names its speaker's
    role: the Anchor (the main voice), the Host (the second voice's intro, headlines and outro)
    or a Quote (the second voice reading someone's words)."""
    two_voices = any(segment.voice for segment in segments)
    found: list[Cue] = []
    for segment in segments:
        if segment.text or not found:
            speaker = None if not two_voices else "Anchor" if not segment.voice else "Quote" if segment.kind == "body" else "Host"
            found.append(Cue(segment.start, segment.end, segment.text, speaker))
        else:
            found[-1] = replace(found[-1], end=segment.end)
    return found


def _timestamp(seconds: float, separator: str) -> str:
    milliseconds = round(seconds * 1000)
    hours, rest = divmod(milliseconds, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    whole, fraction = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{whole:02d}{separator}{fraction:03d}"


def webvtt(timed_cues: list[Cue]) -> str:
    """WebVTT, with a voice span (<v Anchor>) on each cue when the cues name their speakers, which
    Apple Podcasts shows. Cue text is markup: &, < and > are escaped."""
    def text(cue: Cue) -> str:
        escaped = html.escape(_one_line(cue.text), quote=False)
        return f"<v {html.escape(cue.speaker)}>{escaped}" if cue.speaker else escaped

    blocks = [f"{n}\n{_timestamp(c.start, '.')} --> {_timestamp(c.end, '.')}\n{text(c)}" for n, c in enumerate(timed_cues, start=1)]
    return "WEBVTT\n\n" + "\n\n".join(blocks) + "\n"


def srt(timed_cues: list[Cue]) -> str:
    """SRT, with each speaker's role before the text ("Quote: ...") when the cues name them."""
    blocks = [f"{n}\n{_timestamp(c.start, ',')} --> {_timestamp(c.end, ',')}\n{_srt_text(c)}" for n, c in enumerate(timed_cues, start=1)]
    return "\n\n".join(blocks) + "\n"


def _srt_text(cue: Cue) -> str:
    # SRT has no escapes, and its readers take <...> for formatting tags and drop them: angle
    # brackets become the look-alike single guillemets, so "<visible>" stays on screen.
    text = _one_line(cue.text).replace("<", "‹").replace(">", "›")
    return f"{cue.speaker}: {text}" if cue.speaker else text


def _one_line(text: str) -> str:
    # A blank line ends a cue, and "-->" would read as a timing line.
    return " ".join(text.split()).replace("-->", "->")


def chapters_json(found: list[Chapter], title: str) -> str:
    """Chapters in the Podcasting 2.0 JSON chapters format (version 1.2.0)."""
    return json.dumps({
        "version": "1.2.0",
        "title": title,
        "chapters": [{"startTime": c.start, "endTime": c.end, "title": c.title, **({"url": c.url} if c.url else {})}
                     for c in found],
    }, indent=2, ensure_ascii=False) + "\n"
