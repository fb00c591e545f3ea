"""Stage 3, tts: speech engines behind one small interface.

An engine has a name, a voice, a sample rate, a per-request character limit (every engine has
one, so no input can make an utterance that takes the machine),
whether it takes IPA phonemes in [[ ]] blocks, and `synthesize(text) -> pydub.AudioSegment`
(mono, 16-bit, at its sample rate).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Protocol

from ..errors import BriefingError

DEFAULT_ENGINE = "piper"
MIN_RATE, MAX_RATE = 0.8, 1.5


class Engine(Protocol):
    name: str
    voice: str
    sample_rate: int
    max_chars: int | None
    accepts_ipa: bool

    def synthesize(self, text: str):
        """Speak text; returns a mono 16-bit pydub AudioSegment at self.sample_rate."""

    def identity(self) -> dict:
        """Everything about the engine that changes its audio, for the segment cache's key."""


def synthesize_all(engine: Engine, texts: list[str], done: Callable[[int, object], None] | None = None) -> list:
    """Clips for texts, in order: in parallel where the engine can (a synthesize_all method of its own).
    done(position, clip) is called as each clip is made, so a failure later loses none of them."""
    own = getattr(engine, "synthesize_all", None)
    if own is not None:
        return own(texts, done)
    return synthesize_in_turn(engine, texts, done)


def synthesize_in_turn(engine: Engine, texts: list[str], done: Callable[[int, object], None] | None = None) -> list:
    """Clips for texts, one after another, calling done(position, clip) after each."""
    clips = []
    for position, text in enumerate(texts):
        clips.append(engine.synthesize(text))
        if done:
            done(position, clips[-1])
    return clips


@dataclass(frozen=True)
class EngineSettings:
    """What the user chose for the engine; each engine reads the fields that concern it."""

    voice: str | None = None  # piper: a bundled voice name or a .onnx path; espeak: a voice name
    lang: str = "en"  # gtts and espeak
    tld: str = "com"  # gtts: which Google host accent, e.g. "co.uk"
    workers: int | None = None  # piper: processes speaking at once (None: one per core)
    variation: bool = True  # piper: False turns off the voice's random variation, so a render repeats exactly
    rate: float = 1.0  # speaking rate, 0.8-1.5: piper's length scale, espeak's words a minute, gtts time-stretched

    def __post_init__(self) -> None:
        if not MIN_RATE <= self.rate <= MAX_RATE:
            raise BriefingError(f"speaking rate must be between {MIN_RATE} and {MAX_RATE}, not {self.rate}")


@dataclass(frozen=True)
class VoiceInfo:
    """One line of `briefing voices`."""

    engine: str
    voice: str
    language: str
    sample_rate: int | None
    usable: bool
    note: str = ""


def _engine_modules():
    from . import espeak, gtts, piper

    return {"piper": piper, "gtts": gtts, "espeak": espeak}


ENGINE_NAMES = ("piper", "gtts", "espeak")


def create_engine(name: str, settings: EngineSettings = EngineSettings()) -> Engine:
    """The engine called `name`, ready to speak, or BriefingError saying why it cannot be."""
    if name not in ENGINE_NAMES:
        raise BriefingError(f"unknown engine {name!r} (choose from {', '.join(ENGINE_NAMES)})")
    return _engine_modules()[name].create(settings)


def list_voices() -> list[VoiceInfo]:
    """Every engine's voices, each saying whether it can be used on this machine now."""
    return [voice for module in _engine_modules().values() for voice in module.voices()]
