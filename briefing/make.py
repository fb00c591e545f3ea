"""`make`: the whole pipeline, sources in, a mastered MP3 with its script and metadata out."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from . import audio
from .artwork import cover_png
from .errors import BriefingError
from .files import StagedFiles, ensure_writable_dir, slugify
from .ingest import FetchLimits, read_source
from .model import Episode, Script, TimedSegment
from .script import ScriptOptions, build_script
from .tts import DEFAULT_ENGINE, Engine, EngineSettings, create_engine

Progress = Callable[[str, int, int], None]  # (stage, steps done, steps in all)


@dataclass(frozen=True)
class MakeOptions:
    """Everything `briefing make` can be told."""

    engine: str = DEFAULT_ENGINE
    engine_settings: EngineSettings = field(default_factory=EngineSettings)
    output_dir: Path = Path("output")
    show: str = "Briefing"
    date: dt.date | None = None  # episode date; today when None
    music: Path | None = None  # the user's intro music instead of the generated sting
    master: audio.MasterOptions = field(default_factory=audio.MasterOptions)
    fetch: FetchLimits = field(default_factory=FetchLimits)


def synthesize(engine: Engine, script: Script, progress: Progress | None = None) -> list:
    """One clip per segment, in script order."""
    clips = []
    total = len(script.segments)
    for done, segment in enumerate(script.segments, start=1):
        clips.append(engine.synthesize(segment.spoken))
        if progress:
            progress("synthesising", done, total)
    return clips


def metadata(script: Script, engine: Engine, duration: float, timings: tuple[TimedSegment, ...], options: MakeOptions) -> dict:
    """The episode's JSON metadata: what was said, by which voice, and when."""
    return {
        "title": script.title,
        "show": script.show,
        "date": script.date.isoformat(),
        "duration": round(duration, 3),
        "engine": engine.name,
        "voice": engine.voice,
        "loudness_target_lufs": options.master.loudness,
        "bitrate_kbps": options.master.bitrate,
        "sample_rate": options.master.sample_rate,
        "stories": [
            {"title": story.title, "source": story.source, "url": story.url, "outlet": story.outlet,
             "dropped": [{"rule": block.rule, "text": block.text} for block in story.dropped]}
            for story in script.stories
        ],
        "segments": [
            {"index": index, "kind": timed.segment.kind, "story": timed.segment.story, "paragraph": timed.segment.paragraph,
             "start": round(timed.start, 3), "end": round(timed.end, 3), "text": timed.segment.text, "spoken": timed.segment.spoken}
            for index, timed in enumerate(timings)
        ],
    }


def make(sources: Sequence[str], options: MakeOptions = MakeOptions(), progress: Progress | None = None) -> Episode:
    """Render sources (paths, URLs or "-") into one briefing in options.output_dir."""
    if not sources:
        raise BriefingError("no sources given")
    articles = [read_source(source, options.fetch) for source in sources]
    engine = create_engine(options.engine, options.engine_settings)
    script = build_script(articles, ScriptOptions(show=options.show, date=options.date, max_chars=engine.max_chars))
    output_dir = ensure_writable_dir(Path(options.output_dir))
    sting = audio.load_music(options.music, engine.sample_rate) if options.music else audio.make_sting(engine.sample_rate)

    clips = synthesize(engine, script, progress)
    stitched, timings = audio.stitch(script.segments, clips, engine.sample_rate, sting)
    duration = stitched.duration_seconds

    stem = f"{script.date:%Y-%m-%d}-{slugify(script.title)}"
    mp3, txt, meta = (output_dir / f"{stem}{suffix}" for suffix in (".mp3", ".txt", ".json"))
    sources_said = ", ".join(story.url or story.source for story in script.stories)
    if progress:
        progress("mastering", 0, 1)
    with StagedFiles() as staged:
        staged_mp3 = staged.path(mp3)
        audio.master_to_mp3(stitched, staged_mp3, options.master)
        audio.write_tags(staged_mp3, audio.Tags(title=script.title, show=script.show, date=script.date.isoformat(),
                                                comment=f"Source: {sources_said}", length_ms=round(duration * 1000),
                                                cover_png=cover_png(script.show)))
        staged.path(txt).write_text(script.spoken_text(), encoding="utf-8")
        staged.path(meta).write_text(json.dumps(metadata(script, engine, duration, timings, options), indent=2,
                                                ensure_ascii=False) + "\n", encoding="utf-8")
    return Episode(title=script.title, mp3=str(mp3), script_txt=str(txt), metadata_json=str(meta),
                   duration=duration, engine=engine.name, voice=engine.voice, timings=timings)
