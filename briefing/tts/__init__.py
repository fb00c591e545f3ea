"""Stage 3, tts: speech engines behind one interface (base.Engine) and one registry.

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
           register,
           synthesize_in_turn,
)

__all__ = ["DEFAULT_ENGINE", "MAX_RATE", "MIN_RATE", "Engine", "EngineSettings", "VoiceInfo", "create_engine",
           "engine_class", "engine_names", "engines", "is_engine", "list_voices", "register", "synthesize_in_turn"]
