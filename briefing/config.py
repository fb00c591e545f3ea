"""Settings from briefing.toml: the project folder's, else the user's config folder's.

    [cleaning]
    keep = ["photo-credit"]            # built-in rules not to apply
    drop = ["^Follow us on Mastodon"]  # extra patterns (regular expressions) that drop a block

    [speech]
    lexicon = "names.toml"             # a pronunciation lexicon, relative to this file
    day_first = true                   # 12/03/2016 is the 12th of March

Command-line options add to these.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from .errors import BriefingError

CONFIG_NAME = "briefing.toml"
SECTIONS = {"cleaning": {"keep", "drop"}, "speech": {"lexicon", "day_first"}}


@dataclass(frozen=True)
class Config:
    keep_rules: tuple[str, ...] = ()
    drop_patterns: tuple[str, ...] = ()
    lexicon: Path | None = None
    day_first: bool = False
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
    cleaning, speech = data.get("cleaning", {}), data.get("speech", {})
    lexicon = speech.get("lexicon")
    return Config(
        keep_rules=tuple(cleaning.get("keep", ())),
        drop_patterns=tuple(cleaning.get("drop", ())),
        lexicon=(Path(path).parent / lexicon) if lexicon else None,
        day_first=bool(speech.get("day_first", False)),
        path=Path(path),
    )
