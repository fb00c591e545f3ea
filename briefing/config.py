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

Command-line options add to these.
"""

from __future__ import annotations

import math
import re
import tomllib
import types
import typing
from dataclasses import dataclass, field, fields
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .addresses import is_web_address
from .audio.formats import format_names
from .errors import BriefingError
from .model import Show
from .script.speech import STYLES

CONFIG_NAME = "briefing.toml"


def _rate(value: float) -> bool:
    return 0.8 <= value <= 1.5


# Each section is a typed table: every key's type comes from its annotation, and `must` (with an
# optional `check`) says in the error line what a value must be. Checked once, at load.
def setting(must: str, check=None, default=None):
    return field(default=default, metadata={"must": must, "check": check})


@dataclass(frozen=True)
class CleaningSection:
    keep: list[str] = setting('a list of rule names, like ["photo-credit"]', default=())
    drop: list[str] = setting("a list of regular expressions", default=())


@dataclass(frozen=True)
class SpeechSection:
    lexicon: str | None = setting("a file name, relative to this file")
    day_first: bool = setting("true or false", default=False)
    style: str | None = setting('"american" or "british"', lambda value: value in STYLES)


@dataclass(frozen=True)
class VoiceSection:
    voice: str | None = setting('a voice name, like "joe"')
    rate: float | None = setting("a number from 0.8 to 1.5, like 1.1", _rate)
    voice2: str | None = setting('a voice, or ENGINE:VOICE like "espeak:en-gb"')


@dataclass(frozen=True)
class AudioSection:
    format: str | None = setting(
        f"an audio format: {' or '.join(format_names())}", lambda value: value in format_names()
    )


@dataclass(frozen=True)
class ClusterSection:
    address: str | None = setting('an address such as "tls://sched.example.org:8786"')


@dataclass(frozen=True)
class ShowSection:
    title: str | None = setting("text")
    author: str | None = setting("text")
    description: str | None = setting("text")
    language: str | None = setting('a language code, like "en"')
    category: str | None = setting('an Apple category, like "News/Daily News"')
    explicit: bool | None = setting("true or false")
    locked: bool | None = setting("true or false")
    owner_email: str | None = setting("an e-mail address", lambda value: "@" in value)
    base_url: str | None = setting('an http(s) address, like "https://pods.example.org/briefing"', is_web_address)
    artwork: str | None = setting("an image file name, relative to this file")
    keep: int | None = setting("a whole number of at least 1", lambda value: value >= 1)


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

    at: str = setting('a 24-hour time, like "06:30"', _clock_time)
    days: str = setting('days of the week, like "mon-fri" or "sat,sun"', _days, default="*")
    timezone: str | None = setting('a time zone, like "Europe/Paris"', _time_zone)
    from_feed: list[str] = setting(
        "a list of feed addresses", lambda value: all(is_web_address(item) for item in value), default=()
    )
    minutes: float | None = setting("a number of minutes from 0.5", lambda value: 0.5 <= value <= 600)
    title: str | None = setting("text")

    @property
    def name(self) -> str:
        """What the schedule is known by in the service's state: its title, time and days."""
        return f"{self.title or 'briefing'} at {self.at} on {self.days}"


SECTIONS = {
    "cleaning": CleaningSection,
    "speech": SpeechSection,
    "voice": VoiceSection,
    "audio": AudioSection,
    "cluster": ClusterSection,
    "show": ShowSection,
}


def _of_type(value, kind) -> bool:
    if kind is bool:
        return isinstance(value, bool)
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    if kind is str:
        return isinstance(value, str) and "\x00" not in value
    if typing.get_origin(kind) is list:
        return isinstance(value, list) and all(_of_type(item, typing.get_args(kind)[0]) for item in value)
    raise TypeError(f"no check for {kind}")


def read_section(kind: type, table, name: str, path: Path):
    """The section `name` of the file at path as its typed dataclass, or BriefingError naming the key,
    what it must be, and the file."""
    known = {spec.name: spec for spec in fields(kind)}
    if not isinstance(table, dict):
        raise BriefingError(f"{path}: [{name}] must be a table of settings")
    unknown = sorted(set(table) - set(known))
    if unknown:
        raise BriefingError(f"{path}: unknown setting {unknown[0]!r} in [{name}] (known: {', '.join(known)})")
    hints = typing.get_type_hints(kind)
    for key, value in table.items():
        wanted = hints[key]
        if typing.get_origin(wanted) in (typing.Union, types.UnionType):  # X | None: a value is an X
            wanted = next(arg for arg in typing.get_args(wanted) if arg is not type(None))
        check = known[key].metadata["check"]
        if not _of_type(value, wanted) or (check is not None and not check(value)):
            raise BriefingError(f"{path}: {key} in [{name}] must be {known[key].metadata['must']}, not {value!r:.60}")
    return kind(**{key: tuple(value) if isinstance(value, list) else value for key, value in table.items()})


@dataclass(frozen=True)
class Config:
    keep_rules: tuple[str, ...] = ()
    drop_patterns: tuple[str, ...] = ()
    lexicon: Path | None = None
    day_first: bool = False
    style: str | None = None
    show: Show = field(default_factory=Show)
    keep_episodes: int | None = None
    voice: str | None = None
    rate: float | None = None
    voice2: str | None = None
    audio_format: str | None = None
    cluster: str | None = None
    schedules: tuple[Schedule, ...] = ()
    path: Path | None = None  # where it was read from


def find_config() -> Path | None:
    """./briefing.toml, else briefing.toml in the user's config folder, else None."""
    from platformdirs import user_config_dir

    for candidate in (Path.cwd() / CONFIG_NAME, Path(user_config_dir("briefing")) / CONFIG_NAME):
        if candidate.is_file():
            return candidate
    return None


def load_config(path: Path | None = None) -> Config:
    """The settings in path (or the one find_config finds), checked against their types; defaults
    when there is none."""
    path = path or find_config()
    if path is None:
        return Config()
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise BriefingError(f"cannot read {path}: {error.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise BriefingError(f"{path}: {error}") from None
    unknown = sorted(set(data) - set(SECTIONS) - {"schedule"})
    if unknown:
        raise BriefingError(f"{path}: unknown section [{unknown[0]}] (known: {', '.join(sorted(SECTIONS))})")
    read = {name: read_section(kind, data.get(name, {}), name, Path(path)) for name, kind in SECTIONS.items()}
    tables = data.get("schedule", [])
    if not isinstance(tables, list) or not all(isinstance(table, dict) for table in tables):
        raise BriefingError(f"{path}: schedules are [[schedule]] tables")
    schedules = tuple(read_section(Schedule, table, "schedule", Path(path)) for table in tables)
    missing = next((number for number, schedule in enumerate(schedules, 1) if schedule.at is None), None)
    if missing:
        raise BriefingError(f'{path}: schedule {missing} has no at (a 24-hour time, like "06:30")')
    cleaning, speech, voice, show = read["cleaning"], read["speech"], read["voice"], read["show"]
    given = {
        spec.name: getattr(show, spec.name)
        for spec in fields(show)
        if spec.name != "keep" and getattr(show, spec.name) is not None
    }
    if show.artwork:
        given["artwork"] = Path(path).parent / show.artwork
    return Config(
        show=Show(**given),
        keep_episodes=show.keep,
        keep_rules=tuple(cleaning.keep),
        drop_patterns=tuple(cleaning.drop),
        lexicon=(Path(path).parent / speech.lexicon) if speech.lexicon else None,
        day_first=speech.day_first,
        style=speech.style,
        voice=voice.voice,
        rate=voice.rate,
        voice2=voice.voice2,
        audio_format=read["audio"].format,
        cluster=read["cluster"].address,
        schedules=schedules,
        path=Path(path),
    )
