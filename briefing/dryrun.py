"""`make --dry-run`: the plan of a briefing, story by story, with estimated durations, from the
pipeline's own first steps; nothing is synthesised or written."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from .audio import pace
from .options import MakeOptions
from .pipeline import prepare, script_options
from .script import budget, render
from .tts import Speaker, engine_class


@dataclass(frozen=True)
class PlannedStory:
    title: str
    outlet: str | None
    words_kept: int
    words_total: int
    seconds: float
    gtts_requests: int


@dataclass(frozen=True)
class DryRun:
    stories: tuple[PlannedStory, ...]
    seconds: float
    calibrated: bool
    problems: tuple[str, ...]


def dry_run(sources: Sequence[str], options: MakeOptions = MakeOptions()) -> DryRun:
    """The plan of a briefing, story by story, with estimated durations: nothing is synthesised or written."""
    speaker = Speaker(options.voice)
    engine = speaker.main
    rendering = script_options(options, speaker.engines())
    plan = prepare(sources, options, rendering)
    rate = pace.speech_rate(engine, measure=False)
    fitted = pace.fit(plan.draft, options.writing.minutes, engine, rendering, measure=False)
    script = render(fitted, rendering)
    requests = render(fitted, replace(rendering, max_chars=engine_class("gtts").max_chars))
    full = {section.story.title: section for section in plan.draft.sections if section.story}
    stories = []
    for index, story in enumerate(script.stories):
        spoken = [s for s in script.segments if s.story == index]
        kept = sum(len(s.text.split()) for s in spoken if s.kind == "body")
        total = sum(len(p.text.split()) for p in full[story.title].paragraphs)
        seconds = sum(rate.seconds(s.spoken) + s.pause_after for s in spoken)
        gtts_requests = sum(1 for s in requests.segments if s.story == index)
        stories.append(PlannedStory(story.title, story.outlet, kept, total, seconds, gtts_requests))
    estimate = budget.estimate(script, rate, pace.framing_seconds(engine.sample_rate))
    return DryRun(tuple(stories), estimate, rate.calibrated, plan.problems)
