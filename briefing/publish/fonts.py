"""Fonts that can draw a show's title in any script, for the cover and the page's icons.

Noto Sans (Latin with every diacritic, Greek, Cyrillic) and Noto Sans Arabic come with briefing
through pip (the fontpkg packages, SIL Open Font Licence); the system's fonts come after them,
found through fontconfig where it is (Hebrew, CJK and the rest when a font for them is installed)
or in the usual folders of Linux, macOS and Windows. The title is drawn with the first font that
has a glyph for every one of its characters (read from the font's character map), else with the
one that has the most, and each character that one lacks with a font that has it (font_runs): a
title mixing scripts, or with emoji, shows no box where any font on the machine could draw it.
"""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from itertools import chain
from pathlib import Path

import fontpkg
from fontTools.ttLib import TTFont, TTLibError

# Where systems keep fonts when fontconfig is not there to say: a wide-coverage sans first.
SYSTEM_FONTS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/System/Library/Fonts/Supplemental/Arial Unicode.ttf",
    "/Library/Fonts/Arial Unicode.ttf",
    "/System/Library/Fonts/Hiragino Sans GB.ttc",
    "C:/Windows/Fonts/arialbd.ttf",
    "C:/Windows/Fonts/seguisb.ttf",
    "C:/Windows/Fonts/msyh.ttc",
)
PIP_FAMILIES = ("Noto Sans", "Noto Sans Arabic")


def font_for(text: str) -> Path | None:
    """The font file to draw text with: the first candidate with every character of it, else the
    one with the most; None when no font file is found at all (Pillow's own font is the last resort)."""
    needed = {ord(character) for character in text if not character.isspace()}
    best, best_count = None, -1
    for candidate in candidate_fonts(text):
        covered = len(needed & character_map(candidate))
        if covered == len(needed):
            return candidate
        if covered > best_count:
            best, best_count = candidate, covered
    return best


def font_runs(text: str) -> list[tuple[str, Path | None]]:
    """text cut into runs, each with the font to draw it: the title's font (font_for) where it has
    the character, else the first font that has it. Marks, joiners and variation selectors stay
    with the character before them, and spaces with the run they are in."""
    main = font_for(text)
    runs: list[tuple[str, Path | None]] = []
    for character in text:
        attached = character.isspace() or unicodedata.category(character) in ("Mn", "Me", "Cf")
        font = runs[-1][1] if runs and attached else _font_with(ord(character), main)
        if runs and runs[-1][1] == font:
            runs[-1] = (runs[-1][0] + character, font)
        else:
            runs.append((character, font))
    return runs


def _font_with(code: int, main: Path | None) -> Path | None:
    """main when it has the character, else the first candidate that does (main when none has it)."""
    if main is None or code in character_map(main):
        return main
    return next((path for path in candidate_fonts(chr(code)) if code in character_map(path)), main)


def candidate_fonts(text: str) -> Iterator[Path]:
    """The pip fonts, then the system's fonts that fontconfig says can draw text, then the usual
    files; lazily, so a title the pip fonts draw never costs a call to fontconfig."""

    def system_fonts() -> Iterator[Path]:
        yield from fontconfig_fonts(text)
        yield from (Path(name) for name in SYSTEM_FONTS)

    seen: set[Path] = set()
    for path in chain(pip_fonts(), system_fonts()):
        if path not in seen and path.is_file():
            seen.add(path)
            yield path


@lru_cache(maxsize=1)
def pip_fonts() -> tuple[Path, ...]:
    paths = []
    for family in PIP_FAMILIES:
        try:
            paths.append(fontpkg.path(family))
        except fontpkg.FontpkgError:  # not installed (a trimmed install): the system's fonts remain
            continue
    return tuple(paths)


@lru_cache(maxsize=256)
def fontconfig_fonts(text: str) -> tuple[Path, ...]:
    """Font files fontconfig knows that have every character of text (none without fontconfig)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return ()
    charset = " ".join(f"{ord(character):x}" for character in sorted(set(text)) if not character.isspace())
    try:
        listed = subprocess.run(
            [fc_list, "--format", "%{file}\n", f":charset={charset}"], capture_output=True, text=True, timeout=10
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return ()
    # A bold sans reads best on a cover; sort so they come first, and keep the rest in order.
    files = [Path(line) for line in listed.splitlines() if line.endswith((".ttf", ".otf", ".ttc"))]
    return tuple(
        sorted(
            files,
            key=lambda path: (
                "Sans" not in path.name,
                "Bold" not in path.name,
                "Oblique" in path.name or "Italic" in path.name,
            ),
        )
    )


@lru_cache(maxsize=64)
def character_map(path: Path) -> frozenset[int]:
    """Every character the font has a glyph for (of its first face, for a collection)."""
    try:
        with TTFont(str(path), lazy=True, fontNumber=0) as font:
            return frozenset(font.getBestCmap() or {})
    except (OSError, TTLibError, KeyError):
        return frozenset()
