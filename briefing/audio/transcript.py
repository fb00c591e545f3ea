"""Chapters from the known segment boundaries: one per section or story. No speech recognition is
needed: the audio stage knows where every segment starts and ends. (The timed transcripts and the
chapters file are side files of the publish stage: publish/sidefiles/.)"""

from __future__ import annotations

from ..addresses import web_link
from ..model import Chapter, Script, TimedSegment


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
    return [
        Chapter(title, round(start, 3), round(end, 3), url)
        for (start, title, url), end in zip(starts, ends, strict=True)
    ]
