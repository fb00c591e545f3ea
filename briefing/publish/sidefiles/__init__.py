"""The side files written beside each episode's audio: one module each, registered in base.py.
Importing this package registers the built-in ones."""

from . import chapters, record, script_text, srt, webvtt  # noqa: F401  the built-in side files register themselves
from .base import SideFile, cues, register, side_file_media_type, side_files

__all__ = ["SideFile", "cues", "register", "side_file_media_type", "side_files"]
