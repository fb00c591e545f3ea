"""The script stage's front door: write() drafts the articles into a briefing (intro, stories,
transitions, outro), with the options derived here from what the user chose and the engines that
will speak it; compose.render() then cuts it into the segments the engines are given."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import BriefingError
from ..model import Article, Draft
from .cleaning import choose_rules
from .compose import ScriptOptions, draft
from .lexicon import default_lexicon, load_lexicon
from .speech import STYLES, normalizers, style_for


@dataclass(frozen=True)
class WritingOptions:
    """Stage 2: what the script keeps, how it is said, and how long it runs."""

    keep_rules: tuple[str, ...] = ()  # built-in cleaning rules not to apply
    drop_patterns: tuple[str, ...] = ()  # extra patterns that drop a block
    lexicon: Path | None = None  # a pronunciation lexicon added to the built-in one
    day_first: bool = False  # 12/03/2016 is the 12th of March
    style: str | None = None  # "american" or "british" numbers and spelling; None: the voice's (style_for)
    minutes: float | None = None  # condense the stories so the episode lasts about this long
    title: str | None = None  # the episode's title (default: the headline, or show and date)
    date: dt.date | None = None  # episode date; today when None

    def __post_init__(self) -> None:
        if isinstance(self.lexicon, str):
            object.__setattr__(self, "lexicon", Path(self.lexicon))
        minutes = self.minutes
        if minutes is not None and (
            isinstance(minutes, bool) or not isinstance(minutes, int | float) or not 0.5 <= minutes < 10**6
        ):
            raise BriefingError(f"minutes must be at least 0.5, not {minutes!r}")
        if self.style is not None and self.style not in STYLES:
            raise BriefingError(f"style must be {' or '.join(STYLES)}, not {self.style!r}")


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
    limits = [engine.max_chars for engine in engines if engine.max_chars]
    return ScriptOptions(
        show=show,
        date=options.date,
        rules=choose_rules(options.keep_rules, options.drop_patterns),
        max_chars=min(limits) if limits else None,
        second_voice=second_voice,
        speech=(lexicon.rule(ipa=accepts_ipa),) + normalizers(options.day_first, style),
    )


def write(stories: Sequence[Article], options: WritingOptions, rendering: ScriptOptions) -> Draft:
    """The briefing's draft: the stories cleaned and framed, titled as asked."""
    plan = draft(list(stories), rendering)
    return replace(plan, title=options.title) if options.title else plan
