"""Output formats of an episode's audio: base.py holds the interface and the registry; importing
this package registers the built-in ones, mp3 (the default: every app plays it) and m4a (AAC-LC
in MP4: better sound at the same bitrate, for Apple Podcasts and audiobook apps)."""

from . import m4a, mp3  # noqa: F401  the built-in formats register themselves
from .base import DEFAULT_FORMAT, AudioFormat, Tags, audio_format, format_names, media_types, register

__all__ = ["DEFAULT_FORMAT", "AudioFormat", "Tags", "audio_format", "format_names", "media_types", "register"]
