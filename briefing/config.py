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

Command-line options add to these.
"""

from __future__ import annotations

import math
import tomllib
import types
import typing
from dataclasses import dataclass, field, fields
from pathlib import Path

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
    keep: list[str] = setting("a list of rule names, like [\"photo-credit\"]", default=())
    drop: list[str] = setting("a list of regular expressions", default=())


@dataclass(frozen=True)
class SpeechSection:
    lexicon: str | None = setting("a file name, relative to this file")
    day_first: bool = setting("true or false", default=False)
    style: str | None = setting('"american" or "british"', lambda value: value in STYLES)


@dataclass(frozen=True)
class VoiceSection:
    voice: str | None = setting("a voice name, like \"joe\"")
    rate: float | None = setting("a number from 0.8 to 1.5, like 1.1", _rate)
    voice2: str | None = setting("a voice, or ENGINE:VOICE like \"espeak:en-gb\"")


@dataclass(frozen=True)
class AudioSection:
    format: str | None = setting(f"an audio format: {' or '.join(format_names())}", lambda value: value in format_names())


@dataclass(frozen=True)
class ClusterSection:
    address: str | None = setting("an address such as \"tls://sched.example.org:8786\"")


@dataclass(frozen=True)
class ShowSection:
    title: str | None = setting("text")
    author: str | None = setting("text")
    description: str | None = setting("text")
    language: str | None = setting("a language code, like \"en\"")
    category: str | None = setting("an Apple category, like \"News/Daily News\"")
    explicit: bool | None = setting("true or false")
    locked: bool | None = setting("true or false")
    owner_email: str | None = setting("an e-mail address", lambda value: "@" in value)
    base_url: str | None = setting("an http(s) address, like \"https://pods.example.org/briefing\"", is_web_address)
    artwork: str | None = setting("an image file name, relative to this file")
    keep: int | None = setting("a whole number of at least 1", lambda value: value >= 1)


SECTIONS = {"cleaning": CleaningSection, "speech": SpeechSection, "voice": VoiceSection, "audio": AudioSection,
            "cluster": ClusterSection, "show": ShowSection}


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
    unknown = sorted(set(data) - set(SECTIONS))
    if unknown:
        raise BriefingError(f"{path}: unknown section [{unknown[0]}] (known: {', '.join(sorted(SECTIONS))})")
    read = {name: read_section(kind, data.get(name, {}), name, Path(path)) for name, kind in SECTIONS.items()}
    cleaning, speech, voice, show = read["cleaning"], read["speech"], read["voice"], read["show"]
    given = {spec.name: getattr(show, spec.name) for spec in fields(show)
             if spec.name != "keep" and getattr(show, spec.name) is not None}
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
        path=Path(path),
    )
