"""Piper: offline neural speech, the default engine, with the voice bundled as a pip package."""

from .engine import PiperEngine
from .voices import BUNDLED_VOICE, PiperVoiceFiles, find_voice, installed_voices, load_voice, speak, user_voices_folder

__all__ = [
    "BUNDLED_VOICE",
    "PiperEngine",
    "PiperVoiceFiles",
    "find_voice",
    "installed_voices",
    "load_voice",
    "speak",
    "user_voices_folder",
]
