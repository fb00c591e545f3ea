"""Settings from briefing.toml: the project folder's, else the user's config folder's.

    [cleaning]
    keep = ["photo-credit"]            # built-in rules not to apply
    drop = ["^Follow us on Mastodon"]  # extra patterns (regular expressions) that drop a block

    [speech]
    lexicon = "names.toml"             # a pronunciation lexicon, relative to this file
    day_first = true                   # 12/03/2016 is the 12th of March

    [voice]
    voice = "joe"                      # the engine's voice (--voice)
    rate = 1.1                         # speaking rate, 0.8-1.5 (--rate)
    voice2 = "espeak:en-gb"            # headlines, intro, outro and quotes (--voice2)

    [cluster]
    address = "tls://sched.example.org:8786"   # Piper synthesis on a Dask cluster (--cluster)

    [show]                             # the podcast (see publish.Show)
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

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .errors import BriefingError
from .publish import Show

CONFIG_NAME = "briefing.toml"
SHOW_KEYS = {"title", "author", "description", "language", "category", "explicit", "owner_email", "base_url",
             "artwork", "locked", "keep"}
SECTIONS = {"cleaning": {"keep", "drop"}, "speech": {"lexicon", "day_first"}, "voice": {"voice", "rate", "voice2"},
            "cluster": {"address"},
            "show": SHOW_KEYS}


@dataclass(frozen=True)
class Config:
    keep_rules: tuple[str, ...] = ()
    drop_patterns: tuple[str, ...] = ()
    lexicon: Path | None = None
    day_first: bool = False
    show: Show = field(default_factory=Show)
    keep_episodes: int | None = None
    voice: str | None = None
    rate: float | None = None
    voice2: str | None = None
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
    """The settings in path (or the one find_config finds); defaults when there is none."""
    path = path or find_config()
    if path is None:
        return Config()
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise BriefingError(f"cannot read {path}: {error.strerror}") from None
    except tomllib.TOMLDecodeError as error:
        raise BriefingError(f"{path}: {error}") from None
    for section, values in data.items():
        if section not in SECTIONS or not isinstance(values, dict):
            raise BriefingError(f"{path}: unknown section [{section}] (known: {', '.join(sorted(SECTIONS))})")
        unknown = set(values) - SECTIONS[section]
        if unknown:
            raise BriefingError(f"{path}: unknown setting {sorted(unknown)[0]!r} in [{section}]")
    cleaning, speech, show = data.get("cleaning", {}), data.get("speech", {}), dict(data.get("show", {}))
    voice = data.get("voice", {})
    if not isinstance(voice.get("rate", 1.0), (int, float)):
        raise BriefingError(f"{path}: rate in [voice] must be a number, like 1.1")
    lexicon = speech.get("lexicon")
    keep = show.pop("keep", None)
    if show.get("artwork"):
        show["artwork"] = Path(path).parent / show["artwork"]
    return Config(
        show=Show(**show),
        keep_episodes=keep,
        keep_rules=tuple(cleaning.get("keep", ())),
        drop_patterns=tuple(cleaning.get("drop", ())),
        lexicon=(Path(path).parent / lexicon) if lexicon else None,
        day_first=bool(speech.get("day_first", False)),
        voice=voice.get("voice"),
        rate=float(voice["rate"]) if "rate" in voice else None,
        voice2=voice.get("voice2"),
        cluster=data.get("cluster", {}).get("address"),
        path=Path(path),
    )
