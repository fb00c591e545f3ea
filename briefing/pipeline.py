"""The pipeline, read aloud: sources -> ingest.read -> script.write -> tts.Speaker -> audio.render ->
publish.write. make() renders an episode; write_script (the editable script), spoken_script (what
the voice will say), explain (what cleaning dropped) and verify (make, then check what was heard)
stop or go on from the same steps. Each step is one stage's front door; what happens inside a
stage lives in its package."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from . import audio, ingest, publish, script
from .addresses import is_web_address
from .audio import pace
from .audio.master import MasterOptions
from .cache import SegmentCache, default_folder
from .errors import BriefingError
from .files import StagedFiles, ensure_writable_dir, writing_errors
from .model import Article, Draft, Episode, EpisodeRecord, Progress, Script, Story
from .options import CacheOptions, MakeOptions
from .quality.check import DEFAULT_THRESHOLD, Recogniser, check, record_check
from .script import ScriptOptions
from .script.scriptfile import to_markdown, with_explicit_section_pauses
from .tts import Engine, Speaker, VoiceOptions


@dataclass(frozen=True)
class Plan:
    """What a briefing will say, before synthesis: its draft, and what was read for it."""

    draft: Draft
    reading: ingest.Reading | None = None  # None for a script file, which was read as it is

    @property
    def problems(self) -> tuple[str, ...]:
        return self.reading.problems if self.reading else ()

    def told(self, spoken: Script) -> list[Article]:
        """The articles behind the stories the script still tells (condensing may drop some)."""
        return self.reading.told({story.source for story in spoken.stories}) if self.reading else []


def make(
    sources: Sequence[str],
    options: MakeOptions = MakeOptions(),
    progress: Progress | None = None,
    articles: Sequence[Article] = (),
    cluster=None,
) -> Episode:
    """Render sources (paths, URLs, "-", or one script file) and articles already read into one
    briefing in options.output_dir, and with options.publish.to_feed add it to the podcast feed
    there. Synthesis runs on `cluster` (a connected Dask client) when given, else on the
    options' cluster."""
    if options.audio.music and not options.audio.music.is_file():
        raise BriefingError(f"no such music file: {options.audio.music}")
    options = replace(options, show=publish.check(options.show, options.output_dir, options.publish))
    speaker = Speaker(options.voice)
    if cluster is None and not options.voice.cluster and (reads_the_web(sources, options) or not speaker.prepared):
        speaker.start()  # the voice loads (on first use, is prepared) while pages download and the script is written
    rendering = script_options(options, speaker.engines())
    plan = prepare(sources, options, rendering, articles)
    spoken = fitted_script(plan.draft, options, speaker, rendering)
    cache = open_cache(options.cache)
    with ThreadPoolExecutor(1, thread_name_prefix="briefing-cover") as beside:
        cover = beside.submit(publish.cover_art, spoken.show, options.show.artwork, cache)  # while the voice speaks
        with speaker.on_cluster(cluster):
            sound = audio.render(speaker, spoken, options.audio, cache, progress)
        if progress:
            progress("mastering", 0, 1)
        written = publish.write(spoken, sound, options.output_dir, options.show, options.publish, cover.result())
    publish.remember(plan.told(spoken), options.output_dir)
    return Episode(
        title=spoken.title,
        audio=str(written.audio),
        script_txt=str(written.script_txt),
        metadata_json=str(written.metadata_json),
        duration=sound.duration,
        engine=speaker.main.name,
        voice=speaker.main.voice,
        timings=sound.timings,
        problems=plan.problems + written.problems,
        cache_hits=cache.hits if cache else 0,
        cache_misses=cache.misses if cache else len(sound.timings),
        fallback_segments=sound.fell_back,
        warnings=written.warnings,
    )


def reads_the_web(sources: Sequence[str], options: MakeOptions) -> bool:
    """Whether reading the sources means downloading pages (feeds, or web addresses), which takes
    seconds: time enough to get the engine ready."""
    return bool(options.ingest.feeds) or any(is_web_address(source) for source in sources)


def script_options(options: MakeOptions, engines: Sequence[Engine] = (), respell: bool = False) -> ScriptOptions:
    """How to draft and render for these options and (when rendering) these engines."""
    return script.script_options(options.writing, options.show.title, options.voice.second, engines, respell)


def prepare(
    sources: Sequence[str], options: MakeOptions, rules: ScriptOptions | None = None, given: Sequence[Article] = ()
) -> Plan:
    """What the briefing will say: a script file as it is, or the articles given and those from the
    sources and feeds, less those already briefed (feed entries only), near-duplicates merged,
    drafted with `rules` (default: script_options(options))."""
    if not sources and not options.ingest.feeds and not given:
        raise BriefingError("no sources given (name files or URLs, or --from-feed)")
    scripts = [source for source in sources if script.is_script_file(source)]
    if scripts:
        if len(sources) > 1 or options.ingest.feeds:
            raise BriefingError(f"a script file is rendered on its own: {scripts[0]}")
        return Plan(script.read_script(scripts[0], options.ingest.fetch.max_bytes))
    rules = rules or script_options(options)  # checks the cleaning and lexicon settings before any fetching
    reading = ingest.read(sources, options.ingest, options.output_dir, given)
    return Plan(script.write(reading.stories, options.writing, rules), reading)


def fitted_script(plan: Draft, options: MakeOptions, speaker: Speaker, rendering: ScriptOptions) -> Script:
    """The script to speak: the draft fitted to the time budget, rendered into segments, each with
    the voice asked for it."""
    spoken = script.render(pace.fit(plan, options.writing.minutes, speaker.main, rendering), rendering)
    if not options.voice.segment_voices:
        return spoken
    chosen = dict(options.voice.segment_voices)
    segments = tuple(replace(s, voice=chosen.get(index, s.voice)) for index, s in enumerate(spoken.segments))
    return replace(spoken, segments=segments)


def open_cache(options: CacheOptions) -> SegmentCache | None:
    return SegmentCache(options.folder or default_folder(), options.max_bytes) if options.enabled else None


def explain(sources: Sequence[str], options: MakeOptions = MakeOptions()) -> list[Story]:
    """The stories, each with how its text was taken from its web page (extraction) and every block
    cleaning dropped (dropped)."""
    return list(prepare(sources, options).draft.stories)


def write_script(sources: Sequence[str], options: MakeOptions, destination: Path | None = None) -> str:
    """The editable Markdown script of a briefing, also written to destination when given."""
    plan = prepare(sources, options).draft
    markdown = to_markdown(with_explicit_section_pauses(plan, script_options(options).section_pause))
    if destination is not None:
        write_text(destination, markdown)
    return markdown


def spoken_script(sources: Sequence[str], options: MakeOptions, destination: Path | None = None) -> list[str]:
    """Exactly what the voice will say, one sentence a line: after cleaning, normalisation and the
    lexicon (its respelling shown where the engine gets IPA), cut as the engine needs, with the
    intro, headlines and outro; also written to destination when given."""
    rendering = script_options(options, Speaker(options.voice).engines(), respell=True)
    spoken = script.render(prepare(sources, options, rendering).draft, rendering)
    lines: list[str] = []
    for segment in spoken.segments:
        if segment.text or not lines:  # a later piece of a sentence cut for the engine has no text of its own
            lines.append(segment.spoken)
        else:
            lines[-1] += " " + segment.spoken
    if destination is not None:
        write_text(destination, "".join(line + "\n" for line in lines))
    return lines


def write_text(destination: Path, text: str) -> None:
    ensure_writable_dir(destination.parent)
    with writing_errors(destination.parent), StagedFiles() as staged:
        staged.path(destination).write_text(text, encoding="utf-8")


def verify(
    sources: Sequence[str],
    options: MakeOptions,
    progress: Progress | None = None,
    recogniser: Recogniser | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    retry: bool = False,
):
    """make() the briefing, then check() it; with retry, the segments that fail are synthesised
    afresh (the fallback engine speaks them when one is set, else the voice again: a neural voice never
    says a sentence the same way twice) and the episode is made and checked once more. The
    report goes into the episode's metadata. Returns (episode, report)."""
    if retry and not options.cache.enabled:
        raise BriefingError("--retry re-synthesises through the segment cache: drop --no-cache")
    recogniser = recogniser or Recogniser()  # loaded first: a missing model fails before any work
    episode = make(sources, options, progress)
    report = check(episode.audio, recogniser, threshold)
    if retry and report.failing:
        record = EpisodeRecord.from_json(Path(episode.metadata_json).read_text(encoding="utf-8"))
        speaker, cache = Speaker(options.voice), open_cache(options.cache)
        for failed in report.failing:
            cache.discard(speaker.cache_key(cache, record.segments[failed.index]))
        if options.voice.fallback_engine:
            again = tuple((failed.index, f"{options.voice.fallback_engine}:") for failed in report.failing)
            options = replace(options, voice=replace(options.voice, segment_voices=again))
        episode = make(sources, options, progress)
        report = check(episode.audio, recogniser, threshold)
    record_check(Path(episode.metadata_json), report)
    return episode, report


def preview(
    text: str,
    voice: VoiceOptions = VoiceOptions(),
    mastering: MasterOptions = MasterOptions(),
    destination: Path | None = None,
) -> Path:
    """A short clip of the voice saying text, spoken and mastered as an episode would be (audio.preview)."""
    speaker = Speaker(voice)
    return audio.preview(text, speaker, script_options(MakeOptions(), speaker.engines()), mastering, destination)
