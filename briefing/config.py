"""Settings from briefing.toml: the project folder's, else the user's config folder's.

    [cleaning]
    keep = ["photo-credit"]            # built-in rules not to apply
    drop = ["^Follow us on Mastodon"]  # extra patterns (regular expressions) that drop a block

    [speech]
    lexicon = "names.toml"             # a pronunciation lexicon, relative to this file
    day_first = true                   # 12/03/2016 is the 12th of March
    style = "british"                  # numbers and spelling (default: the voice's, en_GB is British)

    [voice]
    voice = "joe"                      # the engine's voice (--voice)
    rate = 1.1                         # speaking rate, 0.8-1.5 (--rate)
    voice2 = "espeak:en-gb"            # headlines, intro, outro and quotes (--voice2)

    [audio]
    format = "m4a"                     # the episode's file: mp3 (default) or m4a (--format)

    [cluster]
    address = "tls://sched.example.org:8786"   # Piper synthesis on a Dask cluster (--cluster)

    [show]                             # the podcast (see model.Show)
    title = "Morning Desk"
    author = "Jane Doe"
    description = "The day's news, read aloud."
    language = "en"
    category = "News/Daily News"
    explicit = false
    owner_email = "jane@example.org"
    base_url = "https://pods.example.org/briefing"
    artwork = "art.png"                # relative to this file
    keep = 30                          # episodes kept in the feed

    [[schedule]]                       # run by `briefing serve --accept-submissions`
    at = "06:30"                       # 24-hour time
    days = "mon-fri"                   # cron's days of the week (default: every day)
    timezone = "Europe/Paris"          # default: the machine's
    from_feed = ["https://example.org/rss"]
    minutes = 10
    title = "Morning briefing"

Every key is a setting declared once, in its stage's options (briefing.settings): the keys
and their checks come from there. Command-line options add to these.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from platformdirs import user_config_dir

from .addresses import is_web_address
from .errors import BriefingError
from .options import MakeOptions
from .publish.serve import ServeOptions
from .settings import build, declared, merged, read_toml_section, setting, toml_sections

CONFIG_NAME = "briefing.toml"


def _clock_time(value: str) -> bool:
    return re.fullmatch(r"([01]?\d|2[0-3]):[0-5]\d", value) is not None


def _days(value: str) -> bool:
    day = r"(mon|tue|wed|thu|fri|sat|sun|[0-6])"
    return re.fullmatch(rf"\*|{day}(-{day})?(,{day}(-{day})?)*", value.lower()) is not None


def _time_zone(value: str) -> bool:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


@dataclass(frozen=True)
class Schedule:
    """A briefing the service makes on a schedule ([[schedule]] in briefing.toml)."""

    at: str | None = setting(None, "When", must='a 24-hour time, like "06:30"', check=_clock_time)
    days: str = setting("*", "Which days", must='days of the week, like "mon-fri" or "sat,sun"', check=_days)
    timezone: str | None = setting(
        None, "In which time zone", must='a time zone, like "Europe/Paris"', check=_time_zone
    )
    from_feed: tuple[str, ...] = setting(
        (),
        "The feeds to brief",
        must="a list of feed addresses",
        check=lambda value: all(is_web_address(item) for item in value),
    )
    minutes: float | None = setting(None, "How long", must="a number of minutes from 0.5", low=0.5, high=600)
    title: str | None = setting(None, "The episode's title", must="text")

    @property
    def name(self) -> str:
        """What the schedule is known by in the service's state: its title, time and days."""
        return f"{self.title or 'briefing'} at {self.at} on {self.days}"


@dataclass(frozen=True)
class Config:
    """What briefing.toml says: its settings' values by dotted path (as MakeOptions nests them),
    and its schedules."""

    values: dict[str, Any] = field(default_factory=dict)
    schedules: tuple[Schedule, ...] = ()
    path: Path | None = None  # where it was read from
    serving: dict[str, Any] = field(default_factory=dict)  # [serve], as ServeOptions nests it

    def serve_options(self, given: dict[str, Any] | None = None) -> ServeOptions:
        """How `briefing serve` listens: the defaults, briefing.toml's [serve], then what is given."""
        return build(ServeOptions, merged(ServeOptions, self.serving, given or {}))

    def options(self, given: dict[str, Any] | None = None) -> MakeOptions:
        """Everything a render is told: the defaults, the environment's, briefing.toml's, then what is
        given (by dotted path; None: not given)."""
        environment = {
            item.path: os.environ.get(item.setting.env) for item in declared(MakeOptions) if item.setting.env
        }
        return build(MakeOptions, merged(MakeOptions, environment, self.values, given or {}))


def find_config() -> Path | None:
    """./briefing.toml, else briefing.toml in the user's config folder, else None."""
    for candidate in (Path.cwd() / CONFIG_NAME, Path(user_config_dir("briefing")) / CONFIG_NAME):
        if candidate.is_file():
            return candidate
    return None


def load_config(path: Path | None = None) -> Config:
    """The settings in path (or the one find_config finds), checked against their declarations;
    defaults when there is none."""
    path = path or find_config()
    if path is None:
        return Config()
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise BriefingError(f"cannot read {path}: {error.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise BriefingError(f"{path}: {error}") from None
    sections, serving = toml_sections(MakeOptions), toml_sections(ServeOptions)
    unknown = sorted(set(data) - set(sections) - set(serving) - {"schedule"})
    if unknown:
        known = ", ".join(sorted({*sections, *serving, "schedule"}))
        raise BriefingError(f"{path}: unknown section [{unknown[0]}] (known: {known})")
    values, served = {}, {}
    for name, keys in sections.items():
        values.update(read_toml_section(keys, data.get(name, {}), name, path))
    for name, keys in serving.items():
        served.update(read_toml_section(keys, data.get(name, {}), name, path))
    return Config(values, read_schedules(data.get("schedule", []), path), path, served)


def read_schedules(tables: Any, path: Path) -> tuple[Schedule, ...]:
    """The [[schedule]] tables, each checked; BriefingError naming what is wrong and the file."""
    if not isinstance(tables, list) or not all(isinstance(table, dict) for table in tables):
        raise BriefingError(f"{path}: schedules are [[schedule]] tables")
    keys = {item.name: item for item in declared(Schedule)}
    schedules = tuple(build(Schedule, read_toml_section(keys, table, "schedule", path)) for table in tables)
    missing = next((number for number, schedule in enumerate(schedules, 1) if schedule.at is None), None)
    if missing:
        raise BriefingError(f'{path}: schedule {missing} has no at (a 24-hour time, like "06:30")')
    return schedules
