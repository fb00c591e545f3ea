"""Stage 3, tts: speech engines behind one interface (base.Engine) and one registry.

The front door is Speaker (speaker.py): VoiceOptions in, speak(script) says every segment with the
voice it asks for, through the segment cache, the engine's workers or a cluster, and the fallback.
Importing this package registers the built-in engines: piper (the default, offline), gtts (online)
and espeak (espeak-ng on PATH). See base.py for how another engine is added.
"""

from . import espeak, gtts, piper  # noqa: F401  the built-in engines register themselves
from .base import (
    DEFAULT_ENGINE,
    MAX_RATE,
    MIN_RATE,
    Engine,
    EngineSettings,
    VoiceInfo,
    create_engine,
    engine_class,
    engine_names,
    engines,
    is_engine,
    list_voices,
    prepare_voice,
    register,
    synthesize_in_turn,
)
from .speaker import EngineOptions, Speaker, Spoken, VoiceOptions

__all__ = [
    "DEFAULT_ENGINE",
    "MAX_RATE",
    "MIN_RATE",
    "Engine",
    "EngineOptions",
    "EngineSettings",
    "Speaker",
    "Spoken",
    "VoiceInfo",
    "VoiceOptions",
    "create_engine",
    "engine_class",
    "engine_names",
    "engines",
    "is_engine",
    "list_voices",
    "prepare_voice",
    "register",
    "synthesize_in_turn",
]
