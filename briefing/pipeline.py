"""The library calls behind the commands: `make` (sources to a mastered episode with its script,
transcripts and record), `write_script` (sources to an editable script), `explain` (what cleaning
dropped), `dry_run`, `preview` and `verify`. make() reads as the pipeline: each step is a named
function below it, calling into one stage."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Collection, Sequence

from .addresses import is_web_address
from .audio import master, mix, pace, pieces, transcript
from .audio.formats import Tags, audio_format
from .cache import SegmentCache
from .cache import default_folder as default_cache_folder
from .errors import BriefingError
from .files import StagedFiles, ensure_writable_dir, slugify
from .ingest import feeds
from .ingest.dedupe import merge_duplicates
from .ingest.seen import Seen
from .ingest.sources import read_source
from .model import (
    Article,
    Draft,
    Episode,
    EpisodeRecord,
    Progress,
    Script,
    Segment,
    SegmentRecord,
    Story,
    StoryRecord,
    TimedSegment,
)
from .options import CacheOptions, MakeOptions, VoiceOptions
from .publish import podcast as publish
from .publish.artwork import ARTWORK_VERSION, embedded_cover
from .publish.feed import PublishedEpisode
from .quality.check import DEFAULT_THRESHOLD, Recogniser, check, record_check
from .script import budget
from .script.cleaning import choose_rules
from .script.compose import ScriptOptions, draft, lead_sentence, render, speak_sentence, split_sentences
from .script.lexicon import default_lexicon, load_lexicon
from .script.scriptfile import is_script_file, read_script, to_markdown, with_explicit_section_pauses
from .script.speech import normalizers, style_for
from .tts import DEFAULT_ENGINE, Engine, EngineSettings, create_engine, engine_class, is_engine


def make(sources: Sequence[str], options: MakeOptions = MakeOptions(), progress: Progress | None = None,
         articles: Sequence[Article] = (), cluster=None) -> Episode:
    """Render sources (paths, URLs, "-", or one script file) and articles already read into one
    briefing in options.output_dir, and with options.publish.to_feed add it to the podcast feed
    there. Synthesis runs on `cluster` (a connected Dask client) when given, else on the
    options' cluster."""
    options = validated(options)
    voices = Voices(options.voice)
    if cluster is None and not options.voice.cluster and reads_the_web(sources, options):
        voices.main.start()  # the voice loads while the pages download (see Engine.start)
    rendering = script_options(options, voices.all())
    plan = prepare(sources, options, rendering, articles)
    script = plan_script(plan.draft, options, voices.main, rendering)
    cache = open_cache(options.cache)
    with ThreadPoolExecutor(1, thread_name_prefix="briefing-cover") as beside:
        cover = beside.submit(cover_art, script.show, options.show.artwork, cache)  # while the voice speaks, not after
        with cluster_client(options.voice, cluster) as client:
            if client is not None:
                voices.use_cluster(client)
            sound = episode_audio(voices, script, options, cache, progress, fallback_for(options.voice))
        record = episode_record(script, voices.main, sound, options, cache)
        if progress:
            progress("mastering", 0, 1)
        written = write_episode(script, sound, record, options, cover.result())
    remember(plan.told(script), options.output_dir)
    return Episode(title=script.title, audio=str(written.audio), script_txt=str(written.script_txt),
                   metadata_json=str(written.metadata_json), duration=sound.duration, engine=voices.main.name,
                   voice=voices.main.voice, timings=sound.timings, problems=plan.problems + written.problems,
                   cache_hits=cache.hits if cache else 0, cache_misses=cache.misses if cache else len(sound.timings),
                   fallback_segments=sound.fell_back)


def reads_the_web(sources: Sequence[str], options: MakeOptions) -> bool:
    """Whether reading the sources means downloading pages (feeds, or web addresses), which takes
    seconds: time enough to get the engine ready."""
    return bool(options.ingest.feeds) or any(is_web_address(source) for source in sources)


def validated(options: MakeOptions) -> MakeOptions:
    """The options, with every file they name checked before any slow work (and so before anything
    is written), and the show's base URL taken from an existing feed when publishing."""
    if options.show.artwork:  # embedded in the tags, published or not
        publish.check_artwork(options.show.artwork)
    if options.audio.music and not options.audio.music.is_file():
        raise BriefingError(f"no such music file: {options.audio.music}")
    if options.voice.fallback_engine:
        engine_class(options.voice.fallback_engine)  # an unknown one is named now, not when the first engine fails
    if options.publish.to_feed:
        options = replace(options, show=publish.with_known_base_url(options.show, options.output_dir))
    return options


def plan_script(plan: Draft, options: MakeOptions, engine: Engine, rendering: ScriptOptions) -> Script:
    """The script to speak: the draft fitted to the time budget, rendered into segments, each with
    the voice asked for it."""
    script = render(fit_to_time(plan, options, engine, rendering), rendering)
    if not options.voice.segment_voices:
        return script
    chosen = dict(options.voice.segment_voices)
    return replace(script, segments=tuple(replace(segment, voice=chosen.get(index, segment.voice))
                                          for index, segment in enumerate(script.segments)))


def open_cache(options: CacheOptions) -> SegmentCache | None:
    return SegmentCache(options.folder or default_cache_folder(), options.max_bytes) if options.enabled else None


def fallback_for(options: VoiceOptions) -> Callable[[], Engine] | None:
    """Makes the fallback engine, when one is set, only once it is needed."""
    if not options.fallback_engine:
        return None
    return lambda: create_engine(options.fallback_engine, EngineSettings(lang=options.settings.lang, rate=options.settings.rate))


@dataclass(frozen=True)
class Plan:
    """What a briefing will say, before synthesis."""

    draft: Draft
    groups: tuple[tuple[Article, ...], ...] = ()  # for each story (by source), the articles it tells
    problems: tuple[str, ...] = ()  # feeds and entries that failed, one line each

    def told(self, script: Script) -> list[Article]:
        """The articles behind the stories the script still tells (condensing may drop some)."""
        sources = {story.source for story in script.stories}
        return [article for group in self.groups if group and self.story_source(group) in sources for article in group]

    @staticmethod
    def story_source(group: tuple[Article, ...]) -> str:
        return max(group, key=lambda a: sum(len(p) for p in a.paragraphs)).source


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


def script_options(options: MakeOptions, engines: Sequence[Engine] = (), respell: bool = False) -> ScriptOptions:
    """How to draft and render for these options and (when rendering) these engines: the
    strictest request limit of them, the first one's reading style, and IPA only if every one
    takes it (never with respell: the lexicon's respellings, for reading by a person)."""
    lexicon = default_lexicon()
    if options.writing.lexicon:
        lexicon = lexicon.merged(load_lexicon(options.writing.lexicon))
    accepts_ipa = bool(engines) and all(engine.accepts_ipa for engine in engines) and not respell
    style = options.writing.style or (style_for(engines[0].language) if engines else "american")
    limits = [engine.max_chars for engine in engines if engine.max_chars]
    return ScriptOptions(show=options.show.title, date=options.writing.date,
                         rules=choose_rules(options.writing.keep_rules, options.writing.drop_patterns),
                         max_chars=min(limits) if limits else None, second_voice=options.voice.second,
                         speech=(lexicon.rule(ipa=accepts_ipa),) + normalizers(options.writing.day_first, style))


def prepare(sources: Sequence[str], options: MakeOptions, rules: ScriptOptions | None = None,
            given: Sequence[Article] = ()) -> Plan:
    """What the briefing will say: a script file as it is, or the articles given and those from the
    sources and feeds, less those already briefed (feed entries only), near-duplicates merged,
    drafted with `rules` (default: script_options(options))."""
    if not sources and not options.ingest.feeds and not given:
        raise BriefingError("no sources given (name files or URLs, or --from-feed)")
    scripts = [source for source in sources if is_script_file(source)]
    if scripts:
        if len(sources) > 1 or options.ingest.feeds:
            raise BriefingError(f"a script file is rendered on its own: {scripts[0]}")
        return Plan(read_script(scripts[0], options.ingest.fetch.max_bytes))
    rules = rules or script_options(options)  # checks the cleaning and lexicon settings before any fetching
    articles = [*given, *(read_source(source, options.ingest.fetch) for source in sources)]
    from_feeds, problems = feed_articles(options)
    articles += from_feeds
    if not articles:
        raise BriefingError("nothing new to brief" + (f" ({'; '.join(problems)})" if problems else ""))
    merged = merge_duplicates(articles)
    plan = draft([story for story, _ in merged], rules)
    if options.writing.title:
        plan = replace(plan, title=options.writing.title)
    return Plan(plan, tuple(group for _, group in merged), problems)


def feed_articles(options: MakeOptions) -> tuple[list[Article], tuple[str, ...]]:
    """The articles of the feeds not briefed before (unless include_seen), and a line for each
    feed or entry that could not be read."""
    chosen = options.ingest
    if not chosen.feeds:
        return [], ()
    seen = Seen() if chosen.include_seen else Seen.load(options.output_dir)
    gathered = feeds.gather(list(chosen.feeds), chosen.limit, chosen.since, chosen.fetch,
                            skip=lambda entry: seen.has_url(entry.link))
    return [article for article in gathered.articles if not seen.has(article)], tuple(gathered.problems)


def explain(sources: Sequence[str], options: MakeOptions = MakeOptions()) -> list[Story]:
    """The stories, each with how its text was taken from its web page (extraction) and every block
    cleaning dropped (dropped)."""
    return list(prepare(sources, options).draft.stories)


def write_script(sources: Sequence[str], options: MakeOptions, destination: Path | None = None) -> str:
    """The editable Markdown script of a briefing, also written to destination when given."""
    plan = prepare(sources, options).draft
    markdown = to_markdown(with_explicit_section_pauses(plan, script_options(options).section_pause))
    if destination is not None:
        ensure_writable_dir(destination.parent)
        with StagedFiles() as staged:
            staged.path(destination).write_text(markdown, encoding="utf-8")
    return markdown


def spoken_script(sources: Sequence[str], options: MakeOptions, destination: Path | None = None) -> list[str]:
    """Exactly what the voice will say, one sentence a line: after cleaning, normalisation and the
    lexicon (its respelling shown where the engine gets IPA), cut as the engine needs, with the
    intro, headlines and outro; also written to destination when given."""
    voices = Voices(options.voice)
    rendering = script_options(options, voices.all(), respell=True)
    script = render(prepare(sources, options, rendering).draft, rendering)
    lines: list[str] = []
    for segment in script.segments:
        if segment.text or not lines:  # a later piece of a sentence cut for the engine has no text of its own
            lines.append(segment.spoken)
        else:
            lines[-1] += " " + segment.spoken
    if destination is not None:
        ensure_writable_dir(destination.parent)
        with writing_errors(destination.parent), StagedFiles() as staged:
            staged.path(destination).write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return lines


PREVIEW_MAX_CHARS = 1000


class Voices:
    """The episode's engine, and the engines of segments that ask for another voice: a voice of the
    same engine by name, or another engine's as ENGINE:VOICE."""

    def __init__(self, chosen: VoiceOptions):
        self.name, self.settings = chosen.engine, chosen.settings
        self.main = create_engine(chosen.engine, chosen.settings)
        self._others: dict[str, Engine] = {}
        self.cluster = None
        self.second = self.for_voice(chosen.second) if chosen.second else None  # made now: an unknown voice fails before any work

    def for_voice(self, voice: str | None) -> Engine:
        if voice is None or voice == self.main.voice:
            return self.main
        if voice not in self._others:
            engine, _, named = voice.partition(":") if is_engine(voice.split(":")[0]) else (self.name, "", voice)
            self._others[voice] = self._on_cluster(create_engine(engine, replace(self.settings, voice=named or None)))
        return self._others[voice]

    def use_cluster(self, client) -> None:
        """Have every engine that can (Piper) speak on this Dask client's cluster, later ones too."""
        self.cluster = client
        for engine in [self.main, *self._others.values()]:
            self._on_cluster(engine)

    def _on_cluster(self, engine: Engine) -> Engine:
        if self.cluster is not None and engine.on_cluster:
            engine.use_cluster(self.cluster)
        return engine

    def all(self) -> list[Engine]:
        return [self.main, *([self.second] if self.second else [])]


def synthesize(voices: Voices, script: Script, ready: Callable[[int, object], None], cache: SegmentCache | None = None,
               progress: Progress | None = None, fallback: Callable[[], Engine] | None = None,
               wanted: Collection[int] | None = None, order: Sequence[int] | None = None) -> tuple[list[str], int]:
    """Speak every segment (the wanted ones, when given: the others' audio is in the cache already,
    mastered), in the order given (every index once; by default the script's), calling
    ready(index, clip) as each clip is there (at the main voice's sample rate; in any order);
    returns which engine made each ("name/voice") and how many the fallback made.
    Clips come from the cache when there; the rest are synthesised (in parallel where the engine
    can) and cached as they are made. When an engine gives up and a fallback is given, the
    fallback engine makes whatever is still missing."""
    total = len(script.segments)
    made_by: list[str] = [""] * total  # empty until the segment's clip is there
    done = 0

    def tick() -> None:  # one more segment ready
        nonlocal done
        done += 1
        if progress:
            progress("synthesising", done, total)

    def run(engine: Engine, indexes: list[int]) -> None:
        """Synthesise the segments at indexes with engine, taking what the cache has first."""
        if order is not None:
            indexes = sorted(indexes, key=rank.__getitem__)
        keys = {index: cache.key(engine.identity(), script.segments[index].spoken) if cache else None for index in indexes}
        missing, cached = [], []
        for index in indexes:
            if wanted is not None and index not in wanted:
                made_by[index] = f"{engine.name}/{engine.voice}"
                if cache:
                    cache.hits += 1
                tick()
                continue
            clip = cache.get(keys[index]) if cache else None
            if clip is None:
                missing.append(index)
            else:
                made_by[index] = f"{engine.name}/{engine.voice}"
                cached.append((index, clip))

        def hand_over_cached() -> None:
            """The cached clips, once synthesis is under way: ready() may start mastering threads,
            and an engine that forks its workers (Piper's) must do so before any thread runs."""
            while cached:
                index, clip = cached.pop(0)
                ready(index, clip.set_frame_rate(voices.main.sample_rate))
                tick()

        def made(position: int, clip) -> None:
            hand_over_cached()
            index = missing[position]
            made_by[index] = f"{engine.name}/{engine.voice}"
            if cache:
                cache.put(keys[index], clip)  # at once: if a later segment fails, running again resumes from here
            ready(index, clip.set_frame_rate(voices.main.sample_rate))
            tick()

        try:
            engine.synthesize_all([script.segments[index].spoken for index in missing], made)
        except BriefingError:
            hand_over_cached()  # the fallback engine makes the rest
            raise
        hand_over_cached()

    rank = {index: position for position, index in enumerate(order or ())}
    fell_back = 0
    by_engine: dict[int, tuple[Engine, list[int]]] = {}
    for index, segment in enumerate(script.segments):
        engine = voices.for_voice(segment.voice)
        by_engine.setdefault(id(engine), (engine, []))[1].append(index)
    for engine, indexes in by_engine.values():
        try:
            run(engine, indexes)
        except BriefingError:
            if fallback is None:
                raise
            still_missing = [index for index in indexes if not made_by[index]]
            run(fallback(), still_missing)
            fell_back += len(still_missing)
    return made_by, fell_back


def episode_record(script: Script, engine: Engine, sound: EpisodeAudio, options: MakeOptions,
                   cache: SegmentCache | None = None) -> EpisodeRecord:
    """The episode's record: what was said, by which voice, and when; its chapters."""
    timings, made_by = sound.timings, sound.made_by
    return EpisodeRecord(
        title=script.title, show=script.show, date=script.date, duration=round(sound.duration, 3), engine=engine.name,
        voice=engine.voice, loudness_target_lufs=options.audio.master.loudness, bitrate_kbps=options.audio.master.bitrate,
        sample_rate=options.audio.master.sample_rate, audio_format=options.audio.master.format, cache_hits=cache.hits if cache else None,
        cache_misses=cache.misses if cache else None,
        stories=tuple(StoryRecord(story.title, story.public_source, story.url, story.outlet, lead_sentence(script, index),
                                  story.dropped)
                      for index, story in enumerate(script.stories)),
        chapters=tuple(transcript.chapters(script, timings, sound.duration)),
        segments=tuple(SegmentRecord(index, timed.segment.kind, timed.segment.story, timed.segment.paragraph, timed.start,
                                     timed.end, timed.segment.text, timed.segment.spoken, timed.segment.voice,
                                     made_by[index] if made_by else None)
                       for index, timed in enumerate(timings)),
    )


@dataclass(frozen=True)
class WrittenEpisode:
    """Where make() put the episode's files, and the feed's problems when it published."""

    audio: Path
    script_txt: Path
    metadata_json: Path
    problems: tuple[str, ...] = ()


def write_episode(script: Script, sound: EpisodeAudio, record: EpisodeRecord, options: MakeOptions,
                  cover_png: bytes) -> WrittenEpisode:
    """Write the episode's files (the tagged audio, script, transcripts, chapters and record) all or
    none, and with publishing list it in the feed and page; under the folder's lock, published or
    not, where the leftovers of killed runs are cleared."""
    folder = options.output_dir
    output_dir = ensure_writable_dir(publish.episodes_dir(folder) if options.publish.to_feed else folder)
    stem = f"{script.date:%Y-%m-%d}-{slugify(script.title)}"
    audio_file = output_dir / f"{stem}{audio_format(options.audio.master.format).suffix}"
    with writing_errors(output_dir), publish.feed_lock(folder):
        publish.clear_leftovers(folder)
        if options.publish.to_feed:
            guid, published = publish.identity(folder, stem)
            record = replace(record, guid=guid, published=published)
        with StagedFiles() as staged:
            staged_audio = staged.path(audio_file)
            sound.write_audio(staged_audio)
            audio_format(options.audio.master.format).write_tags(staged_audio, episode_tags(script, record, cover_png))
            for suffix, text in transcript_files(script, sound, record).items():
                staged.path(output_dir / f"{stem}{suffix}").write_text(text, encoding="utf-8")
            if options.publish.to_feed:  # the feed is renamed into place right after the episode's files
                listed = publish.stage_feed(folder, options.show, staged,
                                            PublishedEpisode(stem, record, staged_audio.stat().st_size))
        if options.publish.to_feed:
            publish.write_page_for(folder, options.show, listed.episodes)
            if options.publish.keep:
                publish.prune(folder, options.publish.keep, options.show)
    return WrittenEpisode(audio_file, output_dir / f"{stem}.txt", output_dir / f"{stem}.json",
                          tuple(listed.damaged) if options.publish.to_feed else ())


def episode_tags(script: Script, record: EpisodeRecord, cover_png: bytes) -> Tags:
    """What the audio file says about itself: titles, sources, cover and chapters."""
    return Tags(title=script.title, show=script.show, date=script.date.isoformat(),
                comment=f"Source: {', '.join(story.public_source for story in script.stories)}",
                length_ms=round(record.duration * 1000), cover_png=cover_png,
                chapters=record.chapters)


def cover_art(show: str, artwork: Path | None, cache: SegmentCache | None) -> bytes:
    """The cover for the tags: the user's artwork, or art drawn for the show (once: then from the
    cache, as drawing it takes longer than the rest of a warm render's tagging). Drawn beside the
    voice, it leaves pruning to episode_audio, which prunes once the voice is done."""
    if artwork is not None or cache is None:
        return embedded_cover(show, artwork)
    key = cache.material_key({"cover": show, "artwork": ARTWORK_VERSION})
    png = cache.get_artwork(key)
    if png is None:
        png = embedded_cover(show)
        cache.put_artwork(key, png)
    return png


def transcript_files(script: Script, sound: EpisodeAudio, record: EpisodeRecord) -> dict[str, str]:
    """The episode's text files by suffix: the script, the WebVTT and SRT transcripts, the chapters
    (Podcasting 2.0 JSON) and the record."""
    cues = transcript.cues(record.segments)
    return {".txt": script.spoken_text(), ".vtt": transcript.webvtt(cues), ".srt": transcript.srt(cues),
            ".chapters.json": transcript.chapters_json(list(record.chapters), script.title),
            ".json": record.to_json()}


@dataclass(frozen=True)
class EpisodeAudio:
    """The episode's sound before tagging: its mastered, encoded pieces (made now, or by earlier
    renders of the same clips), with every segment's times."""

    timings: tuple[TimedSegment, ...]
    duration: float
    made_by: list[str]
    pieces: tuple[bytes, ...]  # the format's frames, piece after piece
    audio_format: str
    fell_back: int = 0

    def write_audio(self, destination: Path) -> None:
        """The mastered, untagged file at destination."""
        audio_format(self.audio_format).join(list(self.pieces), destination)


def episode_audio(voices: Voices, script: Script, options: MakeOptions, cache: SegmentCache | None,
                  progress: Progress | None = None, fallback: Callable[[], Engine] | None = None) -> EpisodeAudio:
    """The episode's sound, a piece at a time (audio/pieces.py): pieces earlier renders made from
    the same clips come from the cache; for the others, what the cache lacks is synthesised, and
    each piece is joined with its pauses (and the sting), mastered and encoded as soon as its
    clips are there, while the voice is still speaking. When the opening's gain misses the whole
    (rare), the gain is found on the whole and the pieces are made again with it."""
    sound = episode_pieces(voices, script, options, cache, progress, fallback, whole_gain=False)
    if sound is None:
        sound = episode_pieces(voices, script, options, cache, progress, fallback, whole_gain=True)
    if cache:
        cache.prune()
    return sound


def episode_pieces(voices: Voices, script: Script, options: MakeOptions, cache: SegmentCache | None, progress: Progress | None,
                   fallback: Callable[[], Engine] | None, whole_gain: bool) -> EpisodeAudio | None:
    """The episode's sound with one gain for every piece, found on the opening (on the whole with
    whole_gain); None when the opening's gain misses the whole."""
    engine = voices.main
    music = options.audio.music
    mastering = pieces.PieceMaster(
        script.segments, engine.sample_rate, lambda: mix.load_music(music, engine.sample_rate) if music else mix.make_sting(engine.sample_rate),
        options.audio.master, cache, segment_entry(voices, script, cache) if cache else None, framing(options), whole_gain)
    try:
        made_by, fell_back = synthesize(voices, script, mastering.add, cache, progress, fallback, mastering.needed(),
                                        mastering.speaking_order())
        if progress:
            progress("mastering", 0, 1)
        mastered = mastering.finish()
    except BaseException:
        mastering.abort()
        raise
    if not mastered.on_target and not whole_gain:
        return None
    return EpisodeAudio(mastered.timings, mastered.duration, made_by, mastered.pieces, options.audio.master.format, fell_back)


def segment_entry(voices: Voices, script: Script, cache: SegmentCache) -> Callable[[int], list | None]:
    """For each segment (by index), the cache entry of its clip: its name, and when it was made, so
    that a clip made again (after `check --fix`, say) makes new pieces; None when it is not there."""
    def entry(index: int) -> list | None:
        segment = script.segments[index]
        path = cache.path(cache.key(voices.for_voice(segment.voice).identity(), segment.spoken))
        try:
            stat = path.stat()
        except FileNotFoundError:
            return None
        return [path.stem, stat.st_mtime_ns, stat.st_ino, stat.st_size]
    return entry


def framing(options: MakeOptions) -> list | None:
    """What frames the episode, as the pieces' keys name it: the sting, or the music file as it is
    now (None when it cannot be read: loading it says what is wrong)."""
    if not options.audio.music:
        return ["sting", mix.STING_VERSION]
    try:
        music = options.audio.music.stat()
    except OSError:
        return None
    return [str(options.audio.music.resolve()), music.st_size, music.st_mtime_ns]


def preview(text: str, engine: str = DEFAULT_ENGINE, settings: EngineSettings = EngineSettings(),
            destination: Path | None = None, mastering: master.MasterOptions = master.MasterOptions()) -> Path:
    """A short clip of a voice saying text, normalised and mastered as an episode would be, to compare
    voices and rates; written to destination (default: output/preview-ENGINE-VOICE.mp3, or the
    suffix of the mastering's format)."""
    if not text.strip():
        raise BriefingError("nothing to preview: give some text")
    if len(text) > PREVIEW_MAX_CHARS:
        raise BriefingError(f"a preview is at most {PREVIEW_MAX_CHARS} characters; render longer texts with make")
    voices = Voices(VoiceOptions(engine, settings))
    voice = voices.main
    rendering = script_options(MakeOptions(), voices.all())
    spoken = [spoken for sentence in split_sentences(text)
              for _, spoken in speak_sentence(sentence, rendering.max_chars, rendering.speech) if spoken.strip()]
    clips = voice.synthesize_all(spoken)
    segments = [Segment("body", piece, piece, rendering.sentence_pause) for piece in spoken]
    stitched, _ = mix.stitch(segments, [clip.set_frame_rate(voice.sample_rate) for clip in clips], voice.sample_rate)
    suffix = audio_format(mastering.format).suffix
    destination = Path(destination or Path("output") / f"preview-{voice.name}-{slugify(voice.voice)}{suffix}")
    ensure_writable_dir(destination.parent)
    with writing_errors(destination.parent), StagedFiles() as staged:
        master.master_to_file(stitched, staged.path(destination), mastering)
    return destination


def verify(sources: Sequence[str], options: MakeOptions, progress: Progress | None = None,
           recogniser: Recogniser | None = None, threshold: float = DEFAULT_THRESHOLD, retry: bool = False):
    """make() the briefing, then check() it; with retry, the segments that fail are synthesised
    afresh (the fallback engine speaks them when one is set, else the voice again: Piper never
    says a sentence the same way twice) and the episode is made and checked once more. The
    report goes into the episode's metadata. Returns (episode, report)."""
    if retry and not options.cache.enabled:
        raise BriefingError("--retry re-synthesises through the segment cache: drop --no-cache")
    recogniser = recogniser or Recogniser()  # loaded first: a missing model fails before any work
    episode = make(sources, options, progress)
    report = check(episode.audio, recogniser, threshold)
    if retry and report.failing:
        record = EpisodeRecord.from_json(Path(episode.metadata_json).read_text(encoding="utf-8"))
        voices = Voices(options.voice)
        cache = open_cache(options.cache)
        for failed in report.failing:
            segment = record.segments[failed.index]
            cache.discard(cache.key(voices.for_voice(segment.voice).identity(), segment.spoken))
        if options.voice.fallback_engine:
            options = replace(options, voice=replace(options.voice, segment_voices=tuple(
                (failed.index, f"{options.voice.fallback_engine}:") for failed in report.failing)))
        episode = make(sources, options, progress)
        report = check(episode.audio, recogniser, threshold)
    record_check(Path(episode.metadata_json), report)
    return episode, report


@contextmanager
def cluster_client(options: VoiceOptions, connected=None):
    """The Dask client synthesis runs on: the one given, a new one for options.cluster, or None."""
    if connected is not None or not options.cluster:
        yield connected
        return
    from .tts.cluster import connect

    with connect(options.cluster) as client:
        yield client


@contextmanager
def writing_errors(folder: Path):
    """A full disk or a folder gone read-only while writing is the user's to fix: one line, not a traceback."""
    try:
        yield
    except OSError as error:
        raise BriefingError(f"cannot write to {folder}: {error.strerror or error}") from None


def remember(articles: list[Article], folder: Path) -> None:
    """Record the briefed articles in the folder's seen-state, under the folder's lock."""
    if not articles:
        return
    with publish.feed_lock(folder):
        seen = Seen.load(folder)
        for article in articles:
            seen.add(article)
        seen.save(folder)


def fit_to_time(plan: Draft, options: MakeOptions, engine: Engine, rendering: ScriptOptions, measure: bool = True) -> Draft:
    """The draft condensed to options.minutes, when a budget is set."""
    if not options.writing.minutes:
        return plan
    rate = pace.speech_rate(engine, measure=measure)

    def sentence_cost(text: str) -> float:
        pieces = speak_sentence(text, rendering.max_chars, rendering.speech)
        return sum(rate.seconds(spoken) for _, spoken in pieces) + rendering.sentence_pause

    return budget.condense(plan, options.writing.minutes * 60,
                           lambda candidate: budget.estimate(render(candidate, rendering), rate, pace.framing_seconds(engine.sample_rate)),
                           sentence_cost)


def dry_run(sources: Sequence[str], options: MakeOptions = MakeOptions()) -> DryRun:
    """The plan of a briefing, story by story, with estimated durations: nothing is synthesised or written."""
    voices = Voices(options.voice)
    engine = voices.main
    rendering = script_options(options, voices.all())
    plan = prepare(sources, options, rendering)
    rate = pace.speech_rate(engine, measure=False)
    fitted = fit_to_time(plan.draft, options, engine, rendering, measure=False)
    script = render(fitted, rendering)
    requests = render(fitted, replace(rendering, max_chars=engine_class("gtts").max_chars))
    full = {section.story.title: section for section in plan.draft.sections if section.story}
    stories = []
    for index, story in enumerate(script.stories):
        spoken = [s for s in script.segments if s.story == index]
        kept = sum(len(s.text.split()) for s in spoken if s.kind == "body")
        total = sum(len(p.text.split()) for p in full[story.title].paragraphs)
        seconds = sum(rate.seconds(s.spoken) + s.pause_after for s in spoken)
        stories.append(PlannedStory(story.title, story.outlet, kept, total, seconds,
                                    sum(1 for s in requests.segments if s.story == index)))
    return DryRun(tuple(stories), budget.estimate(script, rate, pace.framing_seconds(engine.sample_rate)), rate.calibrated,
                  plan.problems)
