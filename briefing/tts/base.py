"""The engine interface and the one registry of engines.

An engine is a subclass of Engine: its class attributes say what it can do, its methods speak.
A new engine is one file: subclass Engine and decorate it with @register (a module of briefing,
imported by briefing/tts/__init__.py), or, from another package, name the class in the entry-point
group "briefing.engines" (as httpie's and datasette's plugins do); register() also takes a class
at run time. The budget, --dry-run, the CLI's help and the cluster ask the registry, never a list
of names of their own.

Settings every engine reads (voice, language, rate) are EngineSettings'. An engine's own settings
are its Options: a frozen dataclass of setting() fields (piper's --workers, gtts's --tld), which
the registry gathers into EngineOptions (engine_options_fields), so the engine's command-line
flags, briefing.toml keys and checks come from its own file.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import ClassVar

from ..errors import BriefingError
from ..settings import check_settings, setting

DEFAULT_ENGINE = "piper"
MIN_RATE, MAX_RATE = 0.8, 1.5
ENTRY_POINT_GROUP = "briefing.engines"


@dataclass(frozen=True)
class EngineSettings:
    """What the user chose for the engine; each engine reads the fields that concern it."""

    # piper: a bundled voice name or a .onnx path; espeak: a voice name
    voice: str | None = setting(
        None,
        "Voice for the engine (see `briefing voices`)",
        shown="the engine's",
        flag="--voice",
        toml="voice.voice",
        must='a voice name, like "joe"',
        group="voice",
    )
    lang: str = setting("en", "Language (gtts, espeak)", flag="--lang", group="voice")
    # piper's length scale, espeak's words a minute, gtts time-stretched
    rate: float = setting(
        1.0, "Speaking rate", flag="--rate", toml="voice.rate", low=MIN_RATE, high=MAX_RATE, group="voice"
    )

    def __post_init__(self) -> None:
        check_settings(self)


@dataclass(frozen=True)
class VoiceInfo:
    """One line of `briefing voices`."""

    engine: str
    voice: str
    language: str
    sample_rate: int | None
    usable: bool
    note: str = ""


class Engine:
    """A speech engine, ready to speak with one voice.

    Capabilities (class attributes), which the rest of briefing asks instead of the engine's name:
      name          what users call it (--engine NAME, ENGINE:VOICE)
      max_chars     the longest utterance it is given: the script cuts longer sentences at clauses,
                    then words (every engine has a bound, so no input can take the machine)
      accepts_ipa   takes IPA phonemes in [[ ]] blocks, so the lexicon gives it phonemes
      default_pace  (seconds a word, seconds a segment): the budget's guess before calibration
      on_cluster    can speak on a Dask cluster (use_cluster)
      Options       a frozen dataclass of its own settings (setting() fields), or None; create()
                    is given an instance of it
    Each instance has `voice`, `sample_rate` (of the clips it returns: mono, 16-bit pydub) and
    `language` (the voice's language and region, such as en_US, en-gb or en-co.uk: the script is
    read in British or American style from it).
    """

    name: ClassVar[str]
    max_chars: ClassVar[int] = 300
    accepts_ipa: ClassVar[bool] = False
    default_pace: ClassVar[tuple[float, float]] = (0.36, 0.2)
    on_cluster: ClassVar[bool] = False
    Options: ClassVar[type | None] = None
    voice: str
    sample_rate: int
    language: str = "en"

    @classmethod
    def create(cls, settings: EngineSettings, options=None) -> Engine:
        """The engine for these settings (and its own Options, when it has them), or BriefingError
        saying why it cannot be made here."""
        raise NotImplementedError

    @classmethod
    def voices(cls) -> list[VoiceInfo]:
        """Its voices, each saying whether it can be used on this machine now."""
        return []

    def synthesize(self, text: str):
        """Speak text; a mono 16-bit pydub AudioSegment at self.sample_rate."""
        raise NotImplementedError

    def start(self) -> None:
        """Get ready to speak (load the voice, start worker processes) while the caller does other
        slow work, such as reading web pages. Engines with nothing to get ready do nothing."""

    @property
    def prepared(self) -> bool:
        """Whether what its first use makes once (an optimised copy of the voice) is made: when not,
        a render starts the engine at once, so the making overlaps reading and writing the script."""
        return True

    def prepare(self) -> None:
        """Make now what its first use would make once (`briefing voices --prepare`)."""

    def synthesize_all(self, texts: list[str], done: Callable[[int, object], None] | None = None) -> list:
        """Clips for texts, in order, calling done(position, clip) as each is made (so a failure
        later loses none of them). Engines that can speak several at once override this."""
        return synthesize_in_turn(self, texts, done)

    def identity(self) -> dict:
        """Everything about the engine that changes its audio, for the segment cache's key."""
        return {"name": self.name, "voice": self.voice}

    def use_cluster(self, client) -> None:
        """Speak on this Dask client's cluster from now on (engines whose on_cluster is set)."""
        raise BriefingError(f"engine {self.name!r} cannot speak on a cluster")


def synthesize_in_turn(engine: Engine, texts: list[str], done: Callable[[int, object], None] | None = None) -> list:
    """Clips for texts, one after another, calling done(position, clip) after each."""
    clips = []
    for position, text in enumerate(texts):
        clips.append(engine.synthesize(text))
        if done:
            done(position, clips[-1])
    return clips


_ENGINES: dict[str, type[Engine]] = {}
_plugins_loaded = False


def register(engine_class: type[Engine]) -> type[Engine]:
    """Add an engine class to the registry (a decorator); a later one of the same name wins."""
    _ENGINES[engine_class.name] = engine_class
    return engine_class


def engines() -> dict[str, type[Engine]]:
    """Every registered engine by name: briefing's own, those registered at run time, and those of
    installed packages (entry points; one that fails to load is left out)."""
    global _plugins_loaded
    if not _plugins_loaded:
        _plugins_loaded = True
        for point in entry_points(group=ENTRY_POINT_GROUP):
            try:
                register(point.load())
            except Exception:  # a broken plugin must not take briefing down with it
                continue
    return dict(_ENGINES)


def engine_names() -> tuple[str, ...]:
    return tuple(engines())


def engine_class(name: str) -> type[Engine]:
    """The engine class called name. Installed packages are looked through only for a name not
    already registered: reading every package's entry points takes 20 ms of each run."""
    found = _ENGINES.get(name) or engines().get(name)
    if found is None:
        raise BriefingError(f"unknown engine {name!r} (choose from {', '.join(engine_names())})")
    return found


def is_engine(name: str) -> bool:
    try:
        engine_class(name)
    except BriefingError:
        return False
    return True


def create_engine(name: str, settings: EngineSettings = EngineSettings(), engines=None) -> Engine:
    """The engine called `name`, ready to speak, or BriefingError saying why it cannot be.
    engines: the EngineOptions chosen (each engine's own settings); defaults where it has none."""
    found = engine_class(name)
    options = getattr(engines, name, None)
    if options is None and found.Options is not None:
        options = found.Options()
    return found.create(settings, options)


def prepare_voice(engine: str = DEFAULT_ENGINE, voice: str | None = None) -> Engine:
    """The engine with its voice prepared: what the voice's first use makes once (Piper: its
    optimised copy; a NAME-int8 voice, its int8 copy too) made now, so a first render need not."""
    made = create_engine(engine, EngineSettings(voice=voice))
    made.prepare()
    return made


def engine_options_fields() -> list[tuple]:
    """The fields of EngineOptions (tts/speaker.py): one for each registered engine that has
    Options, named after the engine, its Options' defaults by default, so the settings machinery
    finds each engine's settings under voice.engines.NAME."""
    return [
        (name, engine.Options, dataclasses.field(default_factory=engine.Options))
        for name, engine in sorted(_ENGINES.items())
        if engine.Options is not None
    ]


def list_voices() -> list[VoiceInfo]:
    """Every engine's voices, each saying whether it can be used on this machine now."""
    return [voice for engine in engines().values() for voice in engine.voices()]
