"""Settings declared once: each is a field of its stage's frozen options dataclass, with a Setting
in the field's metadata saying its command-line flag, its briefing.toml key, its bounds or choices
and its help. From that one declaration come the click option (its type, bounds and the default in
its help), the check of a briefing.toml value (one line naming the key, what it must be, and the
file), the check of a library caller's value (in the dataclass's __post_init__, one line), and the
merging of defaults <- briefing.toml <- command line (as black's Mode and read_pyproject_toml do).

    @dataclass(frozen=True)
    class MasterOptions:
        loudness: float = setting(-19.0, "Target integrated loudness, LUFS", flag="--loudness", low=-30, high=-10)

        def __post_init__(self) -> None:
            check_settings(self)

Adding a setting is one such field and the code that uses it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
import types
import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from .errors import BriefingError

SETTING = "briefing.setting"  # the key of a field's metadata that holds its Setting


@dataclass(frozen=True)
class Setting:
    """How one setting is given and checked.

    help      the command-line help, without the default (added from the field's default)
    flag      the command-line option ("--loudness"), or None when the command line has none
    toml      its key in briefing.toml ("audio.format"), or None when the file has none
    low/high  bounds of a number (inclusive)
    choices   the values it may take (a callable is asked each time: a registry's names)
    parse     turns the command line's text into the value ("5MB" -> 5242880)
    shown     how the help shows the default (sizes as "5MB")
    must      what the error line says it must be; derived from the type and bounds when None
    check     a further test of a value (an e-mail address has an @)
    group     the commands that take the flag: "script" (everything that reads and writes
              scripts), "render" (make and batch), "episode" (make alone), "preview"
    multiple  repeatable on the command line; briefing.toml's list comes first, the flags' after
    negative  for a true/false setting, the flag that sets it false ("--month-first")
    relative  a file name in briefing.toml, relative to that file
    metavar   the option's placeholder in the help
    dest      the option's name in the command's keyword arguments (default: from the flag)
    env       an environment variable that gives it when neither briefing.toml nor the command does
    short     the flag's one-letter form ("-o")
    """

    help: str
    flag: str | None = None
    toml: str | None = None
    low: float | None = None
    high: float | None = None
    choices: Callable[[], Sequence] | Sequence | None = None
    parse: Callable[[str], Any] | None = None
    shown: Callable[[Any], str] | None = None
    must: str | None = None
    check: Callable[[Any], bool] | None = None
    group: str = "render"
    multiple: bool = False
    negative: str | None = None
    relative: bool = False
    metavar: str | None = None
    dest: str | None = None
    env: str | None = None
    short: str | None = None

    def allowed(self) -> tuple:
        return tuple(self.choices() if callable(self.choices) else self.choices or ())


def setting(default: Any = None, help: str = "", *, default_factory: Callable[[], Any] | None = None, **declared):
    """A dataclass field declared as a setting (see Setting for what may be declared)."""
    metadata = {SETTING: Setting(help, **declared)}
    if default_factory is not None:
        return field(default_factory=default_factory, metadata=metadata)
    return field(default=default, metadata=metadata)


@dataclass(frozen=True)
class Declared:
    """A setting as found in an options class: where it sits (a dotted path from the outer class),
    its declaration, its type and its default."""

    path: str
    setting: Setting
    kind: Any  # the field's type, X for X | None
    optional: bool  # None is a value it may take (not given)
    default: Any

    @property
    def name(self) -> str:
        return self.path.rpartition(".")[2]

    @property
    def dest(self) -> str:
        return self.setting.dest or (self.setting.flag or "").lstrip("-").replace("-", "_") or self.name

    def must(self) -> str:
        """What a value must be, for error lines."""
        declared = self.setting
        if declared.must:
            return declared.must
        if declared.choices:
            return " or ".join(str(choice) for choice in declared.allowed())
        if self.kind is bool:
            return "true or false"
        number = "a whole number" if self.kind is int else "a number"
        if declared.low is not None and declared.high is not None:
            return f"{number} from {declared.low:g} to {declared.high:g}"
        if declared.low is not None:
            return f"{number} of at least {declared.low:g}"
        return {int: "a whole number", float: "a number", str: "text", Path: "a file name"}.get(self.kind, "a value")

    def problem(self, value: Any) -> str | None:
        """None when value is one this setting takes, else what it must be."""
        if value is None and self.optional:
            return None
        declared = self.setting
        if not of_type(value, self.kind):
            return self.must()
        if declared.choices and value not in declared.allowed():
            return self.must()
        if declared.low is not None and value < declared.low or declared.high is not None and value > declared.high:
            return self.must()
        if declared.check is not None and not declared.check(value):
            return self.must()
        return None


def of_type(value: Any, kind: Any) -> bool:
    """Whether value is of kind, strictly: a bool is no number, nan and infinity are none either,
    and text holds no NUL."""
    if kind is bool:
        return isinstance(value, bool)
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind is float:
        return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    if kind is str:
        return isinstance(value, str) and "\x00" not in value
    if kind is Path:
        return isinstance(value, Path)
    if typing.get_origin(kind) is tuple:
        return isinstance(value, tuple) and all(of_type(item, typing.get_args(kind)[0]) for item in value)
    return isinstance(value, kind) if isinstance(kind, type) else True


def _unwrapped(kind: Any) -> tuple[Any, bool]:
    """(X, True) for X | None, else (kind, False)."""
    if typing.get_origin(kind) in (typing.Union, types.UnionType):
        arguments = [argument for argument in typing.get_args(kind) if argument is not type(None)]
        return arguments[0], len(arguments) < len(typing.get_args(kind))
    return kind, False


@cache
def declared(options: type) -> tuple[Declared, ...]:
    """Every setting of an options class, nested options classes' too, with its dotted path."""
    found = []
    hints = typing.get_type_hints(options)
    for spec in dataclasses.fields(options):
        kind, optional = _unwrapped(hints[spec.name])
        if SETTING in spec.metadata:
            default = spec.default_factory() if spec.default_factory is not dataclasses.MISSING else spec.default
            found.append(Declared(spec.name, spec.metadata[SETTING], kind, optional, default))
        elif dataclasses.is_dataclass(kind):
            found += [dataclasses.replace(inner, path=f"{spec.name}.{inner.path}") for inner in declared(kind)]
    return tuple(found)


def check_settings(options: Any) -> None:
    """BriefingError, one line, for the first of the object's own settings whose value it does not
    take (a library caller's mistake is named before any work): for its __post_init__."""
    for item in declared(type(options)):
        if "." in item.path:
            continue  # a nested options object checked itself when it was made
        value = getattr(options, item.path)
        if isinstance(value, list):
            value = tuple(value)
            object.__setattr__(options, item.path, value)
        if item.kind is Path and isinstance(value, str):
            value = Path(value)
            object.__setattr__(options, item.path, value)
        problem = item.problem(value)
        if problem is not None:
            raise BriefingError(f"{item.name.replace('_', ' ')} must be {problem}, not {value!r:.60}")


def build(options: type, values: dict[str, Any]) -> Any:
    """An options object from values by dotted path (nested options made from theirs); what values
    leave out keeps its default."""
    own, nested = {}, {}
    for path, value in values.items():
        head, _, rest = path.partition(".")
        if rest:
            nested.setdefault(head, {})[rest] = value
        else:
            own[head] = value
    hints = typing.get_type_hints(options)
    for name, inner in nested.items():
        own[name] = build(_unwrapped(hints[name])[0], inner)
    return options(**own)


def merged(options: type, *layers: dict[str, Any]) -> dict[str, Any]:
    """The values by dotted path: each layer's over the ones before (None: not given), except that
    a repeatable setting's values add up."""
    repeatable = {item.path for item in declared(options) if item.setting.multiple}
    values: dict[str, Any] = {}
    for layer in layers:
        for path, value in layer.items():
            if value is None or (path in repeatable and not value):
                continue
            values[path] = tuple(values.get(path, ())) + tuple(value) if path in repeatable else value
    return values


def toml_sections(options: type) -> dict[str, dict[str, Declared]]:
    """briefing.toml's sections and keys, from the declarations: {"audio": {"format": ...}}."""
    sections: dict[str, dict[str, Declared]] = {}
    for item in declared(options):
        if item.setting.toml:
            section, _, key = item.setting.toml.partition(".")
            sections.setdefault(section, {})[key] = item
    return sections


def read_toml_section(item_by_key: dict[str, Declared], table: Any, section: str, path: Path) -> dict[str, Any]:
    """The values of one briefing.toml section by dotted path, each checked against its declaration;
    BriefingError naming the key, what it must be and the file."""
    if not isinstance(table, dict):
        raise BriefingError(f"{path}: [{section}] must be a table of settings")
    unknown = sorted(set(table) - set(item_by_key))
    if unknown:
        known = ", ".join(item_by_key)
        raise BriefingError(f"{path}: unknown setting {unknown[0]!r} in [{section}] (known: {known})")
    values = {}
    for key, value in table.items():
        item = item_by_key[key]
        if isinstance(value, list):
            value = tuple(value)
        if item.kind is Path and isinstance(value, str) and "\x00" not in value:
            value = Path(path).parent / value if item.setting.relative else Path(value)
        if isinstance(value, dt.date | dt.time):  # TOML dates are never a setting's value
            value = str(value)
        problem = item.problem(value)
        if problem is not None:
            raise BriefingError(f"{path}: {key} in [{section}] must be {problem}, not {table[key]!r:.60}")
        values[item.path] = value
    return values


def parse_size(text: str) -> int:
    """A size as the size options take it: "500MB", "2GB", "1.5G", "800k" or a number of bytes."""
    match = re.fullmatch(r"\s*(\d{1,15}(?:\.\d{1,6})?)\s*([kmgt]?)i?b?\s*", text.lower())
    if not match:
        raise BriefingError(f"a size must look like 500MB or 2GB, not {text[:40]!r}")
    return int(float(match.group(1)) * 1024 ** " kmgt".index(match.group(2) or " "))


def size_text(count: int) -> str:
    """A size as the size options take it: 5242880 -> "5MB", 2147483648 -> "2GB"."""
    for unit, power in (("GB", 3), ("MB", 2), ("KB", 1)):
        if count >= 1024**power and count % 1024**power == 0:
            return f"{count // 1024**power}{unit}"
    return str(count)
