"""Generated cover art: a square RGB PNG with the show's name, legible at thumbnail size, in any
script (fonts.py finds a font that has its letters; right-to-left titles are shaped and set from
the right)."""

from __future__ import annotations

import io
import textwrap
import unicodedata
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from .fonts import font_for

BACKGROUND_TOP = (18, 32, 56)
BACKGROUND_BOTTOM = (40, 86, 120)
ACCENT = (242, 169, 59)
TEXT = (250, 250, 245)


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

    # Largest font size at which the wrapped name fits the width and the upper two thirds.
    path = font_for(show)
    no_spaces = " " not in show.strip()  # Chinese and Japanese titles: wrapped anywhere
    for font_size in range(size // 5, size // 30, -max(1, size // 200)):
        font = title_font(path, font_size)
        width_chars = max(4, int((size - 2 * margin) / (font_size * (1.0 if no_spaces else 0.55))))
        lines = textwrap.wrap(show, width=width_chars, break_long_words=no_spaces) or [show]
        boxes = [draw.textbbox((0, 0), line, font=font) for line in lines]
        if max(b[2] - b[0] for b in boxes) <= size - 2 * margin and len(lines) * font_size * 1.2 <= size * 0.6:
            break
    right_to_left = is_right_to_left(show)
    y = margin * 2
    for line in lines:
        if right_to_left:  # shaped and ordered by raqm, set from the right margin
            draw.text((size - margin, y), line, font=font, fill=TEXT, anchor="ra")
        else:
            draw.text((margin, y), line, font=font, fill=TEXT)
        y += int(font_size * 1.2)
    caption = ImageFont.load_default(size=max(12, size // 28))
    draw.text((margin, size - margin - size // 28), "news briefing · spoken", font=caption, fill=ACCENT)

    buffer = io.BytesIO()
    image.save(buffer, format="PNG")  # optimize=True would save 3% at twice the time, every render
    return buffer.getvalue()


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


ARTWORK_VERSION = 2  # part of cached covers' keys: raise it when the drawing changes
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
