"""Where Piper voices are kept: the user's voices folder, and the cache folder of the copies made
of them (fast int8 copies, optimised copies)."""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_data_dir

from ...files import user_cache_folder


def user_voices_folder() -> Path:
    """Where a user drops Piper voices (.onnx with .onnx.json) to make them usable by name."""
    return Path(user_data_dir("briefing")) / "voices"


def cached_voices_folder() -> Path:
    return user_cache_folder() / "voices"
