"""Options built once, for every command and the library alike.

MakeOptions groups what a render is told by the stage it concerns (ingest, writing the script,
the voice, audio, publishing) plus the show, the output folder and the cache. Each default is
written once, in the dataclass that holds it; briefing.toml is merged over the defaults, and what
the command line (or a caller) gives is merged over that: a value of None means "not given". The
CLI only parses; `briefing make`, `script`, `batch` and `preview` all come through here, so
[voice] in briefing.toml counts for a preview as for a render.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from .audio import AudioOptions
from .audio.master import MasterOptions
from .cache import DEFAULT_MAX_BYTES as DEFAULT_CACHE_BYTES
from .cache import parse_size
from .config import Config
from .ingest import FetchLimits, IngestOptions
from .ingest.feeds import parse_since
from .model import Show
from .publish import PublishOptions
from .script import WritingOptions
from .tts import EngineSettings, VoiceOptions
from .tts.cluster import cluster_address

# Each stage declares its own options; they are gathered here into MakeOptions.
__all__ = [
    "AudioOptions",
    "CacheOptions",
    "IngestOptions",
    "MakeOptions",
    "PublishOptions",
    "VoiceOptions",
    "WritingOptions",
]


@dataclass(frozen=True)
class CacheOptions:
    """The segment and episode cache (a shared edge: synthesis and mastering both use it)."""

    enabled: bool = True
    folder: Path | None = None  # default: the user cache folder's
    max_bytes: int = DEFAULT_CACHE_BYTES

    def __post_init__(self) -> None:
        if isinstance(self.folder, str):
            object.__setattr__(self, "folder", Path(self.folder))


@dataclass(frozen=True)
class MakeOptions:
    """Everything `briefing make`, `script` and `batch` can be told, by stage."""

    output_dir: Path = Path("output")  # with publishing, the podcast folder (episodes go in its episodes/)
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
        object.__setattr__(self, "output_dir", Path(self.output_dir))


def default(holder: type, name: str):
    """The default a dataclass gives a field: what the CLI's help shows."""
    spec = next(spec for spec in fields(holder) if spec.name == name)
    return spec.default_factory() if callable(spec.default_factory) else spec.default


def given(**values) -> dict:
    """The values that were given (not None)."""
    return {name: value for name, value in values.items() if value is not None}


def engine_settings(
    config: Config,
    voice: str | None = None,
    lang: str | None = None,
    tld: str | None = None,
    rate: float | None = None,
    workers: int | None = None,
) -> EngineSettings:
    """The engine's settings: the command line's, else [voice] in briefing.toml, else the defaults."""
    return EngineSettings(
        **given(voice=voice or config.voice, lang=lang, tld=tld, rate=rate or config.rate, workers=workers)
    )


def show(config: Config, title: str | None = None, base_url: str | None = None, artwork: Path | None = None) -> Show:
    return replace(config.show, **given(title=title, base_url=base_url, artwork=artwork))


def fetch_limits(timeout: float | None = None, max_input: str | None = None) -> FetchLimits:
    return FetchLimits(**given(timeout=timeout, max_bytes=parse_size(max_input) if max_input else None))


def master_options(
    loudness: float | None = None,
    bitrate: int | None = None,
    sample_rate: int | None = None,
    audio_format: str | None = None,
) -> MasterOptions:
    return MasterOptions(**given(loudness=loudness, bitrate=bitrate, sample_rate=sample_rate, format=audio_format))


def make_options(
    config: Config,
    *,
    engine: str | None = None,
    voice: str | None = None,
    lang: str | None = None,
    tld: str | None = None,
    rate: float | None = None,
    workers: int | None = None,
    voice2: str | None = None,
    cluster: str | None = None,
    fallback_engine: str | None = None,
    output_dir: Path | None = None,
    music: Path | None = None,
    loudness: float | None = None,
    bitrate: int | None = None,
    sample_rate: int | None = None,
    audio_format: str | None = None,
    publish: bool = False,
    base_url: str | None = None,
    artwork: Path | None = None,
    keep: int | None = None,
    cache_dir: Path | None = None,
    no_cache: bool = False,
    cache_max: str | None = None,
    show_title: str | None = None,
    keep_rules: tuple[str, ...] = (),
    drop_patterns: tuple[str, ...] = (),
    lexicon: Path | None = None,
    day_first: bool | None = None,
    style: str | None = None,
    feeds: tuple[str, ...] = (),
    limit: int | None = None,
    since: str | None = None,
    include_seen: bool = False,
    max_input: str | None = None,
    timeout: float | None = None,
    title: str | None = None,
    minutes: float | None = None,
    date: dt.date | None = None,
) -> MakeOptions:
    """Everything a render is told, from briefing.toml and what is given (None: not given)."""
    return MakeOptions(
        **given(
            output_dir=output_dir,
            show=show(config, show_title, base_url, artwork),
            ingest=IngestOptions(
                **given(
                    fetch=fetch_limits(timeout, max_input),
                    feeds=tuple(feeds),
                    limit=limit,
                    since=parse_since(since) if since else None,
                    include_seen=include_seen,
                )
            ),
            writing=WritingOptions(
                **given(
                    keep_rules=config.keep_rules + tuple(keep_rules),
                    drop_patterns=config.drop_patterns + tuple(drop_patterns),
                    lexicon=lexicon or config.lexicon,
                    day_first=config.day_first if day_first is None else day_first,
                    style=style or config.style,
                    minutes=minutes,
                    title=title,
                    date=date,
                )
            ),
            voice=VoiceOptions(
                **given(
                    engine=engine,
                    settings=engine_settings(config, voice, lang, tld, rate, workers),
                    second=voice2 or config.voice2,
                    fallback_engine=fallback_engine,
                    cluster=cluster_address(cluster, config.cluster),
                )
            ),
            audio=AudioOptions(
                **given(
                    music=music,
                    master=master_options(loudness, bitrate, sample_rate, audio_format or config.audio_format),
                )
            ),
            publish=PublishOptions(**given(to_feed=publish, keep=keep or config.keep_episodes)),
            cache=CacheOptions(
                **given(enabled=not no_cache, folder=cache_dir, max_bytes=parse_size(cache_max) if cache_max else None)
            ),
        )
    )


def size_text(count: int) -> str:
    """A size as the size options take it: 5242880 -> "5MB", 2147483648 -> "2GB"."""
    for unit, power in (("GB", 3), ("MB", 2), ("KB", 1)):
        if count >= 1024**power and count % 1024**power == 0:
            return f"{count // 1024**power}{unit}"
    return str(count)
