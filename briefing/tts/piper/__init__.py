"""Piper: offline neural speech, the default engine, with the voice bundled as a pip package."""

from .engine import PiperEngine, PiperOptions
from .folders import user_voices_folder
from .voices import BUNDLED_VOICE, PiperVoiceFiles, find_voice, installed_voices

__all__ = [
    "BUNDLED_VOICE",
    "PiperEngine",
    "PiperOptions",
    "PiperVoiceFiles",
    "find_voice",
    "installed_voices",
    "user_voices_folder",
]
