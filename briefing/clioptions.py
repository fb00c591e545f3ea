"""Click options made from the settings' declarations (briefing.settings): the option's type and
bounds, its help with the default (and the briefing.toml key that sets it), and the values a
command received turned back into settings by dotted path. cli.py writes no bound or default."""

from __future__ import annotations

import functools
import math
from pathlib import Path
from typing import Any

import click

from .errors import BriefingError
from .settings import Declared, build, declared


class Finite(click.FloatRange):
    """A number within bounds, and a real one: click's FloatRange lets nan through (it fails no
    comparison) and inf when a side is open."""

    def convert(self, value, param, ctx):
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number", param, ctx)
        return number


def help_text(item: Declared) -> str:
    """The option's help: what it does, and its default (from briefing.toml when set there)."""
    declared_ = item.setting
    shown = None
    if isinstance(declared_.shown, str):
        shown = declared_.shown
    elif item.kind is bool:
        shown = (declared_.flag if item.default else declared_.negative) if declared_.negative else None
    elif item.default is not None and item.default != ():
        default = item.default
        shown = (
            declared_.shown(default) if declared_.shown else f"{default:g}" if isinstance(default, float) else default
        )
    if declared_.toml:
        section, _, key = declared_.toml.partition(".")
        where = f"[{section}] {key}" + (f", or {shown}" if shown else "")
        return f"{declared_.help} (default: {where})."
    return declared_.help + (f" (default {shown})." if shown else ".")


def click_type(item: Declared):
    declared_ = item.setting
    if declared_.choices:
        return click.Choice([str(choice) for choice in declared_.allowed()])
    if declared_.parse is not None:
        return None  # text, parsed by the callback
    if item.kind is int:
        return click.IntRange(
            None if declared_.low is None else int(declared_.low),
            None if declared_.high is None else int(declared_.high),
        )
    if item.kind is float:
        return Finite(declared_.low, declared_.high)
    if item.kind is Path:
        return click.Path(path_type=Path)
    return None


def _parsed(parse):
    def callback(ctx, param, value):
        if value is None:
            return None
        try:
            return parse(value)
        except BriefingError as error:
            raise click.BadParameter(str(error), ctx, param) from None

    return callback


def click_option(item: Declared):
    """The click option of one setting; it gives None when not used (so briefing.toml's value stands)."""
    declared_ = item.setting
    names = [name for name in (declared_.short, declared_.flag) if name]
    common = {"help": help_text(item), "default": None}
    if item.kind is bool and declared_.negative:
        return click.option(f"{declared_.flag}/{declared_.negative}", item.dest, **common)
    if item.kind is bool:  # a plain flag sets what the default is not
        return click.option(*names, item.dest, is_flag=True, flag_value=not item.default, **common)
    extra: dict[str, Any] = {"type": click_type(item), "metavar": declared_.metavar}
    if declared_.multiple:
        extra.update(multiple=True, default=())
    if declared_.parse is not None:
        extra["callback"] = _parsed(declared_.parse)
    return click.option(*names, item.dest, **{**common, **extra})


def settings_options(options: type, groups: tuple[str, ...] = (), paths: tuple[str, ...] = ()):
    """A decorator adding to a command the options of the settings of `options` in these groups or
    at these dotted paths (all of them when neither is named); the command receives them as
    `given`, a dict by dotted path (None and empty where not used)."""
    chosen = [
        item
        for item in declared(options)
        if item.setting.flag and (item.setting.group in groups or item.path in paths or not (groups or paths))
    ]

    def decorator(command):
        @functools.wraps(command)
        def wrapper(*args, given: dict | None = None, **kwargs):
            mine = {item.path: kwargs.pop(item.dest) for item in chosen}
            return command(*args, given={**(given or {}), **mine}, **kwargs)

        for item in reversed(chosen):
            wrapper = click_option(item)(wrapper)
        return wrapper

    return decorator


def options_from(options: type, given: dict[str, Any]):
    """An options object from what a command was given (dotted paths; None and empty: not given)."""
    return build(options, {path: value for path, value in given.items() if value is not None and value != ()})
