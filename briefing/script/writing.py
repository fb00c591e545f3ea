"""The script stage's front door: write() drafts the articles into a briefing (intro, stories,
transitions, outro), with the options derived here from what the user chose and the engines that
will speak it; compose.render() then cuts it into the segments the engines are given."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ..model import Article, Draft
from ..settings import check_settings, setting
from .cleaning import choose_rules
from .compose import ScriptOptions, draft
from .lexicon import default_lexicon, load_lexicon
from .speech import STYLES, normalizers, speak_other_scripts, style_for


@dataclass(frozen=True)
class WritingOptions:
    """Stage 2: what the script keeps, how it is said, and how long it runs."""

    keep_rules: tuple[str, ...] = setting(
        (),
        "Do not apply this cleaning rule (see --explain); repeatable",
        flag="--keep-rule",
        toml="cleaning.keep",
        multiple=True,
        metavar="RULE",
        must='a list of rule names, like ["photo-credit"]',
        group="read",
    )
    drop_patterns: tuple[str, ...] = setting(
        (),
        "Also drop blocks matching this regular expression; repeatable",
        flag="--drop-rule",
        toml="cleaning.drop",
        multiple=True,
        metavar="REGEX",
        must="a list of regular expressions",
        group="read",
        dest="drop_patterns",
    )
    lexicon: Path | None = setting(
        None,
        "Pronunciation lexicon (TOML) added to the built-in one",
        flag="--lexicon",
        toml="speech.lexicon",
        relative=True,
        must="a file name, relative to this file",
        group="read",
    )
    day_first: bool = setting(
        False,
        "Read 12/03/2016 as the 12th of March, or as December 3rd",
        flag="--day-first",
        negative="--month-first",
        toml="speech.day_first",
        group="read",
    )
    style: str | None = setting(
        None,
        "Read numbers and spell the American or British way",
        shown="the voice's",
        flag="--style",
        toml="speech.style",
        choices=STYLES,
        must='"american" or "british"',
        group="read",
    )
    minutes: float | None = setting(
        None,
        "Condense the stories so the episode lasts about this long",
        flag="--minutes",
        low=0.5,
        high=600,
        group="episode",
    )
    title: str | None = setting(
        None,
        "The episode's title (default: the headline, or the show and date for several stories)",
        flag="--title",
        group="episode",
    )
    date: dt.date | None = None  # episode date; today when None

    def __post_init__(self) -> None:
        check_settings(self)


def script_options(
    options: WritingOptions, show: str, second_voice: str | None = None, engines: Sequence = (), respell: bool = False
) -> ScriptOptions:
    """How to draft and render for these options and (when rendering) these engines (tts.Engine):
    the strictest request limit of them, the first one's reading style, and IPA only if every one
    takes it (never with respell: the lexicon's respellings, for reading by a person)."""
    lexicon = default_lexicon()
    if options.lexicon:
        lexicon = lexicon.merged(load_lexicon(options.lexicon))
    accepts_ipa = bool(engines) and all(engine.accepts_ipa for engine in engines) and not respell
    style = options.style or (style_for(engines[0].language) if engines else "american")
    english = not engines or engines[0].language.lower().startswith("en")
    limits = [engine.max_chars for engine in engines if engine.max_chars]
    return ScriptOptions(
        show=show,
        date=options.date,
        rules=choose_rules(options.keep_rules, options.drop_patterns),
        max_chars=min(limits) if limits else None,
        second_voice=second_voice,
        speech=(lexicon.rule(ipa=accepts_ipa),) + normalizers(options.day_first, style),
        frame_speech=(speak_other_scripts,) if english else (),
    )


def write(stories: Sequence[Article], options: WritingOptions, rendering: ScriptOptions) -> Draft:
    """The briefing's draft: the stories cleaned and framed, titled as asked."""
    plan = draft(list(stories), rendering)
    return replace(plan, title=options.title) if options.title else plan
