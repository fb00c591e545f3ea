"""Generated cover art: a square RGB PNG with the show's name, legible at thumbnail size, in any
script (fonts.py finds a font that has its letters; right-to-left titles are shaped and set from
the right)."""

from __future__ import annotations

import io
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from .fonts import font_runs

BACKGROUND_TOP = (18, 32, 56)
BACKGROUND_BOTTOM = (40, 86, 120)
ACCENT = (242, 169, 59)
TEXT = (250, 250, 245)
# A character of a script written without spaces between words (CJK ideographs, kana, Hangul, their
# punctuation), or a run of anything else: the units a line may break between.
UNSPACED = re.compile(
    r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]|"
    r"[^\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]+"
)


def cover_png(show: str, size: int = 1400) -> bytes:
    """A square size x size RGB PNG: gradient, accent bar, the show name wrapped to fit."""
    image = Image.new("RGB", (size, size))
    draw = ImageDraw.Draw(image)
    for y in range(size):
        mix = y / (size - 1)
        shade = tuple(round(a + (b - a) * mix) for a, b in zip(BACKGROUND_TOP, BACKGROUND_BOTTOM, strict=True))
        draw.line([(0, y), (size, y)], fill=shade)
    margin = size // 10
    draw.rectangle([margin, margin, margin + size // 6, margin + size // 40], fill=ACCENT)

    fonts = fonts_by_character(show)
    lines, font_size = fitted_lines(show, fonts, size - 2 * margin, size * 0.6)
    y = margin * 2 + font_size  # the first line's baseline
    for line in lines:
        runs = [(text, title_font(path, font_size)) for text, path in line_runs(line, fonts)]
        if is_right_to_left(show):  # set from the right margin, runs right to left; each shaped by raqm
            x = size - margin
            for text, font in runs:
                x -= font.getlength(text)
                draw.text((x, y), text, font=font, fill=TEXT, anchor="ls")
        else:
            x = margin
            for text, font in runs:
                draw.text((x, y), text, font=font, fill=TEXT, anchor="ls")
                x += font.getlength(text)
        y += int(font_size * 1.2)
    caption = ImageFont.load_default(size=max(12, size // 28))
    draw.text((margin, size - margin - size // 28), "news briefing · spoken", font=caption, fill=ACCENT)

    buffer = io.BytesIO()
    image.save(buffer, format="PNG")  # optimize=True would save 3% at twice the time, every render
    return buffer.getvalue()


def breakable_units(text: str) -> list[str]:
    """What a line may break between: words (each with the spaces after it), and each character of
    a script written without spaces (Chinese, Japanese); never inside a word."""
    return [unit for word in re.findall(r"\S+\s*", text) for unit in UNSPACED.findall(word)]


def wrapped(units: list[str], fits) -> list[str] | None:
    """The units filled into lines that fits(line) accepts, or None when a unit alone is too wide."""
    lines, line = [], ""
    for unit in units:
        if fits((line + unit).rstrip()):
            line += unit
        elif line and fits(unit.rstrip()):
            lines.append(line.rstrip())
            line = unit
        else:
            return None
    return [*lines, line.rstrip()]


def fitted_lines(show: str, fonts: dict[str, Path | None], width: float, height: float) -> tuple[list[str], int]:
    """The largest type (a step of 0.5% of the width) at which the name fits width and height
    without breaking a word, and its lines; the smallest step at worst."""
    units = breakable_units(show) or [show]
    step = max(1, int(width // 160))
    sizes = range(int(width // 4), int(width // 24), -step)
    for font_size in sizes:
        lines = wrapped(units, lambda line, at=font_size: line_width(line, fonts, at) <= width)
        if lines is not None and len(lines) * font_size * 1.2 <= height:
            return lines, font_size
    font_size = sizes[-1]
    return wrapped(units, lambda line: True), font_size


def fonts_by_character(show: str) -> dict[str, Path | None]:
    """Each character of the name: the font of its run (fonts.font_runs)."""
    return {character: path for text, path in font_runs(show) for character in text if not character.isspace()}


def line_width(line: str, fonts: dict[str, Path | None], font_size: int) -> float:
    return sum(title_font(path, font_size).getlength(text) for text, path in line_runs(line, fonts))


def line_runs(line: str, fonts: dict[str, Path | None]) -> list[tuple[str, Path | None]]:
    """A line of the name cut into runs of one font (fonts: each character's), spaces with the
    character before them."""
    runs: list[tuple[str, Path | None]] = []
    for character in line:
        path = runs[-1][1] if runs and character.isspace() else fonts.get(character)
        if runs and runs[-1][1] == path:
            runs[-1] = (runs[-1][0] + character, path)
        else:
            runs.append((character, path))
    return runs


@lru_cache(maxsize=512)
def title_font(path: Path | None, size: int):
    """The title's font at size, in its bold instance when it is a variable font; Pillow's own font
    when the machine has none."""
    if path is None:
        return ImageFont.load_default(size=size)
    font = ImageFont.truetype(
        str(path), size, layout_engine=ImageFont.Layout.RAQM if ImageFont.core.HAVE_RAQM else ImageFont.Layout.BASIC
    )
    try:
        font.set_variation_by_name("Bold")
    except (OSError, ValueError):  # not a variable font, or one without a Bold instance
        pass
    return font


def is_right_to_left(text: str) -> bool:
    """Whether text starts, in its first letter with a direction, in a right-to-left script."""
    for character in text:
        direction = unicodedata.bidirectional(character)
        if direction in ("R", "AL"):
            return True
        if direction == "L":
            return False
    return False


ARTWORK_VERSION = 3  # part of cached covers' keys: raise it when the drawing changes
EMBEDDED_SIZE = 1400  # for ID3 art: Apple's minimum, and small enough to keep MP3s light


def embedded_cover(show: str, artwork: Path | None = None) -> bytes:
    """PNG art for an MP3's tags: the user's artwork made RGB and scaled down, else generated art."""
    if artwork is None:
        return cover_png(show, EMBEDDED_SIZE)
    with Image.open(artwork) as image:
        image = image.convert("RGB")
        if image.width > EMBEDDED_SIZE:
            image = image.resize((EMBEDDED_SIZE, EMBEDDED_SIZE), Image.LANCZOS)
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", optimize=True)
        return buffer.getvalue()
