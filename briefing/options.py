"""MakeOptions: everything `briefing make`, `script` and `batch` can be told, gathered from the
stages' own options (each declares its settings once: briefing.settings), plus the show, the output
folder and the cache. briefing.toml is merged over the defaults and what the command line (or a
caller) gives over that (config.Config.options); `briefing make`, `script`, `batch` and `preview`
all come through here, so [voice] in briefing.toml counts for a preview as for a render.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .audio import AudioOptions
from .cache import DEFAULT_MAX_BYTES as DEFAULT_CACHE_BYTES
from .ingest import IngestOptions
from .model import Show
from .publish import PublishOptions
from .script import WritingOptions
from .settings import check_settings, declared, parse_size, setting, size_text
from .tts import VoiceOptions

# Each stage declares its own options; they are gathered here into MakeOptions.
__all__ = [
    "AudioOptions",
    "CacheOptions",
    "IngestOptions",
    "MakeOptions",
    "PublishOptions",
    "VoiceOptions",
    "WritingOptions",
    "default_of",
]


@dataclass(frozen=True)
class CacheOptions:
    """The segment and episode cache (a shared edge: synthesis and mastering both use it)."""

    enabled: bool = setting(True, "Synthesise every segment again, and cache nothing", flag="--no-cache")
    folder: Path | None = setting(None, "Segment cache folder", shown="the user cache folder's", flag="--cache-dir")
    max_bytes: int = setting(
        DEFAULT_CACHE_BYTES,
        "Bound on the segment cache; the least recently used go",
        flag="--cache-max",
        low=1,
        parse=parse_size,
        shown=size_text,
    )

    def __post_init__(self) -> None:
        check_settings(self)


@dataclass(frozen=True)
class MakeOptions:
    """Everything `briefing make`, `script` and `batch` can be told, by stage."""

    # with publishing, the podcast folder (episodes go in its episodes/)
    output_dir: Path = setting(
        Path("output"), "Folder for the episode, its script and metadata", flag="--output-dir", short="-o"
    )
    show: Show = field(default_factory=Show)
    ingest: IngestOptions = field(default_factory=IngestOptions)
    writing: WritingOptions = field(default_factory=WritingOptions)
    voice: VoiceOptions = field(default_factory=VoiceOptions)
    audio: AudioOptions = field(default_factory=AudioOptions)
    publish: PublishOptions = field(default_factory=PublishOptions)
    cache: CacheOptions = field(default_factory=CacheOptions)

    def __post_init__(self) -> None:
        # Library callers write what they mean: MakeOptions(show="Morning Desk", output_dir="out").
        if isinstance(self.show, str):
            object.__setattr__(self, "show", Show(title=self.show))
        check_settings(self)


def default_of(options: type, path: str):
    """The default of the setting at path (dotted) of an options class."""
    return next(item.default for item in declared(options) if item.path == path)
