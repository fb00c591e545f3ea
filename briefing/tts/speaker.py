"""The tts stage's front door: a Speaker says a script's segments with the voices they ask for.

Behind it: which engine speaks each segment (the episode's voice, a second voice, ENGINE:VOICE),
the segment cache (a clip said before is not said again), the engine's own workers or a Dask
cluster, and the fallback engine that finishes a briefing when the chosen one keeps failing.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, make_dataclass, replace
from pathlib import Path

from ..cache import SegmentCache
from ..errors import BriefingError
from ..model import Progress, Script, Segment
from ..settings import check_settings, setting
from . import cluster as clusters
from .base import DEFAULT_ENGINE, Engine, EngineSettings, create_engine, engine_class, engine_options_fields, is_engine

# Each engine's own settings (its Options), gathered from the registry: the built-in engines are
# registered by the package's __init__ before this module is imported.
EngineOptions = make_dataclass(
    "EngineOptions",
    engine_options_fields(),
    frozen=True,
    namespace={"__module__": __name__},  # so it pickles
)


@dataclass(frozen=True)
class VoiceOptions:
    """Stage 3: who speaks, and where."""

    engine: str = setting(
        DEFAULT_ENGINE, "Speech engine, as `briefing voices` lists them", flag="--engine", group="voice"
    )
    settings: EngineSettings = field(default_factory=EngineSettings)
    engines: EngineOptions = field(default_factory=EngineOptions)
    second: str | None = setting(
        None,
        "A second voice for headlines, intro, outro and quotes: VOICE of the same engine, or ENGINE:VOICE "
        "(e.g. espeak:en-gb)",
        flag="--voice2",
        toml="voice.voice2",
        must='a voice, or ENGINE:VOICE like "espeak:en-gb"',
    )
    segment_voices: tuple[tuple[int, str], ...] = ()  # (segment index, voice): segments another voice speaks
    fallback_engine: str | None = setting(
        None,
        "When the engine keeps failing (e.g. gtts offline), finish the briefing with this one",
        flag="--fallback-engine",
        metavar="ENGINE",
    )
    cluster: str | None = setting(
        None,
        "Piper synthesis on a Dask cluster: local:N, tcp://HOST:PORT or tls://HOST:PORT",
        flag="--cluster",
        toml="cluster.address",
        env=clusters.CLUSTER_ENV,
        shown=f"${clusters.CLUSTER_ENV}",
        must='an address such as "tls://sched.example.org:8786"',
        metavar="ADDRESS",
    )

    def __post_init__(self) -> None:
        check_settings(self)


@dataclass(frozen=True)
class Spoken:
    """What speak() did: which engine made each segment's clip ("name/voice"), and how many
    segments the fallback engine made."""

    made_by: list[str]
    fell_back: int = 0


class Speaker:
    """The episode's engine, and the engines of segments that ask for another voice: a voice of the
    same engine by name, or another engine's as ENGINE:VOICE."""

    def __init__(self, options: VoiceOptions):
        self.options = options
        if options.fallback_engine:
            engine_class(options.fallback_engine)  # an unknown one is named now, not when the first engine fails
        self.main = create_engine(options.engine, options.settings, options.engines)
        self._others: dict[str, Engine] = {}
        self._fallback: Engine | None = None
        self.cluster = None
        # made now: an unknown voice fails before any work
        self.second = self.for_voice(options.second) if options.second else None

    def for_voice(self, voice: str | None) -> Engine:
        """The engine that speaks `voice` (None: the episode's)."""
        if voice is None or voice == self.main.voice:
            return self.main
        if voice not in self._others:
            if is_engine(voice.split(":")[0]):
                engine, _, named = voice.partition(":")
            else:
                engine, named = self.options.engine, voice
            made = create_engine(engine, replace(self.options.settings, voice=named or None), self.options.engines)
            self._others[voice] = self._on_cluster(made)
        return self._others[voice]

    def engines(self) -> list[Engine]:
        """The engines the script is written for: the episode's, and the second voice's."""
        return [self.main, *([self.second] if self.second else [])]

    @property
    def sample_rate(self) -> int:
        return self.main.sample_rate

    def start(self) -> None:
        """Get the episode's engine ready now (Piper forks its workers and loads the voice), while
        something slow that needs no voice goes on: pages downloading."""
        self.main.start()

    @property
    def prepared(self) -> bool:
        """Whether the episode's engine has made what its first use makes (Engine.prepared)."""
        return self.main.prepared

    @contextmanager
    def on_cluster(self, connected=None):
        """Speak on a Dask cluster inside the block: the client given, else a new one for the
        options' cluster address; locally when there is neither."""
        if connected is not None:
            self._use_cluster(connected)
            yield connected
            return
        with clusters.client_for(self.options.cluster) as client:
            if client is not None:
                self._use_cluster(client)
            yield client

    def _use_cluster(self, client) -> None:
        """Have every engine that can (Piper) speak on this Dask client's cluster, later ones too."""
        self.cluster = client
        for engine in [self.main, *self._others.values()]:
            self._on_cluster(engine)

    def _on_cluster(self, engine: Engine) -> Engine:
        if self.cluster is not None and engine.on_cluster:
            engine.use_cluster(self.cluster)
        return engine

    def fallback(self) -> Engine | None:
        """The fallback engine, made only once it is needed; None when there is none."""
        if self.options.fallback_engine and self._fallback is None:
            settings = EngineSettings(lang=self.options.settings.lang, rate=self.options.settings.rate)
            self._fallback = create_engine(self.options.fallback_engine, settings, self.options.engines)
        return self._fallback

    def cache_key(self, cache: SegmentCache, segment: Segment) -> str:
        """The cache's key for the clip of a segment."""
        return cache.key(self.for_voice(segment.voice).identity(), segment.spoken)

    def cached_clip(self, cache: SegmentCache, segment: Segment) -> Path:
        """Where the cache keeps (or would keep) the clip of a segment."""
        return cache.path(self.cache_key(cache, segment))

    def speak(
        self,
        script: Script,
        ready: Callable[[int, object], None],
        cache: SegmentCache | None = None,
        progress: Progress | None = None,
        wanted: Collection[int] | None = None,
        order: Sequence[int] | None = None,
    ) -> Spoken:
        """Speak every segment (the wanted ones, when given: the others' audio is in the cache already,
        mastered), in the order given (every index once; by default the script's), calling
        ready(index, clip) as each clip is there (at the main voice's sample rate; in any order).
        Clips come from the cache when there; the rest are synthesised (in parallel where the engine
        can) and cached as they are made. When an engine gives up and there is a fallback engine,
        it makes whatever is still missing."""
        speaking = _Speaking(self, script, ready, cache, progress, wanted, order)
        by_engine: dict[int, tuple[Engine, list[int]]] = {}
        for index, segment in enumerate(script.segments):
            engine = self.for_voice(segment.voice)
            by_engine.setdefault(id(engine), (engine, []))[1].append(index)
        fell_back = 0
        for engine, indexes in by_engine.values():
            try:
                speaking.run(engine, indexes)
            except BriefingError:
                fallback = self.fallback()
                if fallback is None:
                    raise
                still_missing = [index for index in indexes if not speaking.made_by[index]]
                speaking.run(fallback, still_missing)
                fell_back += len(still_missing)
        return Spoken(speaking.made_by, fell_back)


class _Speaking:
    """One speak() call's state: which segments are done, and by whom."""

    def __init__(self, speaker: Speaker, script: Script, ready, cache, progress, wanted, order):
        self.speaker, self.script, self.ready, self.cache, self.progress = speaker, script, ready, cache, progress
        self.wanted = wanted
        self.rank = {index: position for position, index in enumerate(order)} if order is not None else None
        self.made_by: list[str] = [""] * len(script.segments)  # empty until the segment's clip is there
        self.done = 0

    def tick(self) -> None:
        """One more segment ready."""
        self.done += 1
        if self.progress:
            self.progress("synthesising", self.done, len(self.script.segments))

    def hand_over(self, index: int, clip) -> None:
        self.ready(index, clip.set_frame_rate(self.speaker.sample_rate))
        self.tick()

    def run(self, engine: Engine, indexes: list[int]) -> None:
        """Synthesise the segments at indexes with engine, taking what the cache has first."""
        if self.rank is not None:
            indexes = sorted(indexes, key=self.rank.__getitem__)
        name = f"{engine.name}/{engine.voice}"
        cache = self.cache
        keys = {i: cache.key(engine.identity(), self.script.segments[i].spoken) for i in indexes} if cache else {}
        missing, cached = [], []
        for index in indexes:
            if self.wanted is not None and index not in self.wanted:  # its audio is mastered already
                self.made_by[index] = name
                if cache:
                    cache.hits += 1
                self.tick()
                continue
            clip = cache.get(keys[index]) if cache else None
            if clip is None:
                missing.append(index)
            else:
                self.made_by[index] = name
                cached.append((index, clip))

        def hand_over_cached() -> None:
            """The cached clips, once synthesis is under way: ready() may start mastering threads,
            and an engine that forks its workers (Piper's) must do so before any thread runs."""
            while cached:
                self.hand_over(*cached.pop(0))

        def made(position: int, clip) -> None:
            hand_over_cached()
            index = missing[position]
            self.made_by[index] = name
            if cache:
                cache.put(keys[index], clip)  # at once: if a later segment fails, running again resumes from here
            self.hand_over(index, clip)

        try:
            engine.synthesize_all([self.script.segments[index].spoken for index in missing], made)
        except BriefingError:
            hand_over_cached()  # the fallback engine makes only the rest
            raise
        hand_over_cached()
