"""Options built once, for every command and the library alike.

Each default is written once, in the dataclass that holds it (MakeOptions, EngineSettings,
MasterOptions, FetchLimits, Show); briefing.toml is merged over the defaults, and what the command
line (or a caller) gives is merged over that: a value of None means "not given". The CLI only
parses; `briefing make`, `script`, `batch` and `preview` all come through here, so [voice] in
briefing.toml counts for a preview as for a render.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import fields, replace
from pathlib import Path

from .audio.master import MasterOptions
from .cache import parse_size
from .config import Config
from .ingest.feeds import parse_since
from .ingest.sources import FetchLimits
from .model import Show
from .pipeline import MakeOptions
from .tts import EngineSettings
from .tts.cluster import cluster_address


def default(holder: type, name: str):
    """The default a dataclass gives a field: what the CLI's help shows."""
    return next(spec.default for spec in fields(holder) if spec.name == name)


def given(**values) -> dict:
    """The values that were given (not None)."""
    return {name: value for name, value in values.items() if value is not None}


def engine_settings(config: Config, voice: str | None = None, lang: str | None = None, tld: str | None = None,
                    rate: float | None = None, workers: int | None = None) -> EngineSettings:
    """The engine's settings: the command line's, else [voice] in briefing.toml, else the defaults."""
    return EngineSettings(**given(voice=voice or config.voice, lang=lang, tld=tld, rate=rate or config.rate, workers=workers))


def show(config: Config, title: str | None = None, base_url: str | None = None, artwork: Path | None = None) -> Show:
    return replace(config.show, **given(title=title, base_url=base_url, artwork=artwork))


def fetch_limits(timeout: float | None = None, max_input: str | None = None) -> FetchLimits:
    return FetchLimits(**given(timeout=timeout, max_bytes=parse_size(max_input) if max_input else None))


def make_options(config: Config, *, engine: str | None = None, voice: str | None = None,
                 lang: str | None = None, tld: str | None = None, rate: float | None = None, workers: int | None = None,
                 voice2: str | None = None, cluster: str | None = None, fallback_engine: str | None = None,
                 output_dir: Path | None = None, music: Path | None = None, loudness: float | None = None,
                 bitrate: int | None = None, sample_rate: int | None = None, publish: bool = False, base_url: str | None = None,
                 artwork: Path | None = None, keep: int | None = None, cache_dir: Path | None = None, no_cache: bool = False,
                 cache_max: str | None = None, show_title: str | None = None, keep_rules: tuple[str, ...] = (),
                 drop_patterns: tuple[str, ...] = (), lexicon: Path | None = None, day_first: bool | None = None,
                 feeds: tuple[str, ...] = (), limit: int | None = None, since: str | None = None, include_seen: bool = False,
                 max_input: str | None = None, timeout: float | None = None, title: str | None = None,
                 minutes: float | None = None, date: dt.date | None = None) -> MakeOptions:
    """Everything a render is told, from briefing.toml and what is given (None: not given)."""
    return MakeOptions(**given(
        engine=engine, engine_settings=engine_settings(config, voice, lang, tld, rate, workers), voice2=voice2 or config.voice2,
        cluster=cluster_address(cluster, config.cluster), fallback_engine=fallback_engine, output_dir=output_dir, music=music,
        master=MasterOptions(**given(loudness=loudness, bitrate=bitrate, sample_rate=sample_rate)),
        publish=publish, keep=keep or config.keep_episodes, cache_dir=cache_dir, use_cache=not no_cache,
        cache_max=parse_size(cache_max) if cache_max else None,
        show=show(config, show_title, base_url, artwork), keep_rules=config.keep_rules + tuple(keep_rules),
        drop_patterns=config.drop_patterns + tuple(drop_patterns), lexicon=lexicon or config.lexicon,
        day_first=config.day_first if day_first is None else day_first, feeds=tuple(feeds), limit=limit,
        since=parse_since(since) if since else None, include_seen=include_seen, fetch=fetch_limits(timeout, max_input),
        title=title, minutes=minutes, date=date))


def size_text(count: int) -> str:
    """A size as the size options take it: 5242880 -> "5MB", 2147483648 -> "2GB"."""
    for unit, power in (("GB", 3), ("MB", 2), ("KB", 1)):
        if count >= 1024**power and count % 1024**power == 0:
            return f"{count // 1024**power}{unit}"
    return str(count)
