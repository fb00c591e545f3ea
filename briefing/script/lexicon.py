"""Pronunciation lexicon: words or phrases mapped to a respelling (every engine) and optionally
to IPA phonemes (engines that take them, such as Piper's [[ ]] blocks), from TOML files."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

from ..errors import BriefingError

PHONEME_MARKS = re.compile(r"\[{2,}|\]{2,}")  # how engines (Piper, espeak-ng) are told "phonemes here"


@dataclass(frozen=True)
class Entry:
    word: str
    say: str | None = None
    ipa: str | None = None
    case: bool = False  # match only this exact capitalisation


@dataclass(frozen=True)
class Lexicon:
    entries: tuple[Entry, ...] = ()

    def merged(self, other: Lexicon) -> Lexicon:
        """This lexicon with other's entries added, other winning for the same word."""
        theirs = {entry.word.lower() for entry in other.entries}
        return Lexicon(tuple(e for e in self.entries if e.word.lower() not in theirs) + other.entries)

    def rule(self, ipa: bool):
        """A normalisation rule that applies the lexicon: phonemes where `ipa` and given, else respellings."""
        replacements = [(entry, f"[[{entry.ipa}]]" if ipa and entry.ipa else entry.say) for entry in self.entries]
        replacements = [(entry, spoken) for entry, spoken in replacements if spoken]
        # Longest first, so "al-Sarraj" wins over "Sarraj".
        replacements.sort(key=lambda pair: len(pair[0].word), reverse=True)
        compiled = [
            (re.compile(r"(?<![\w-])" + re.escape(entry.word) + r"(?![\w-])", 0 if entry.case else re.I), spoken)
            for entry, spoken in replacements
        ]

        def apply_lexicon(text: str) -> str:
            """Words of the pronunciation lexicon said as it says. Only the lexicon writes phoneme
            blocks: any [[ ]] already in the text (an article's own) is made plain brackets first,
            so it is read as text, never as phonemes."""
            text = PHONEME_MARKS.sub(lambda mark: mark.group(0)[0], text)
            for pattern, spoken in compiled:
                text = pattern.sub(lambda _, said=spoken: said, text)
            return text

        return apply_lexicon


def parse_lexicon(text: str, source: str) -> Lexicon:
    """A Lexicon from TOML text; errors name the source and what is wrong."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise BriefingError(f"lexicon {source}: {error}") from None
    words = data.get("words", {})
    if not isinstance(words, dict) or set(data) - {"words"}:
        raise BriefingError(f"lexicon {source}: expected a [words] table only")
    entries = []
    for word, value in words.items():
        if not word.strip():
            raise BriefingError(f"lexicon {source}: an entry's word is empty")
        if isinstance(value, str) and value.strip():
            entries.append(Entry(word, say=value))
        elif _is_entry_table(value):
            entries.append(Entry(word, say=value.get("say"), ipa=value.get("ipa"), case=bool(value.get("case", False))))
        else:
            raise BriefingError(
                f"lexicon {source}: entry {word!r} needs a respelling, or a table of say and ipa (text) and case "
                "(true or false)"
            )
    return Lexicon(tuple(entries))


def _is_entry_table(value) -> bool:
    """A {say, ipa, case} table with text for say or ipa (at least one) and true or false for case."""
    if not isinstance(value, dict) or not set(value) <= {"say", "ipa", "case"}:
        return False
    texts = [value.get(key) for key in ("say", "ipa") if key in value]
    return (
        all(isinstance(text, str) and text.strip() for text in texts)
        and bool(texts)
        and isinstance(value.get("case", False), bool)
    )


def load_lexicon(path: str | Path) -> Lexicon:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise BriefingError(f"cannot read lexicon {path}: {error.strerror}") from None
    return parse_lexicon(text, str(path))


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """The lexicon that ships with briefing."""
    return parse_lexicon(files("briefing.script").joinpath("data/lexicon.toml").read_text(encoding="utf-8"), "built-in")
