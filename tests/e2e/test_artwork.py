"""The generated cover read back by OCR (tesseract from apt): the title's accents, dashes and
Cyrillic letters are drawn, not boxes."""

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageOps

from briefing.publish.artwork import cover_png

TESSDATA = Path("/usr/share/tesseract-ocr/5/tessdata")


def ocr(png: bytes, language: str) -> str:
    """What tesseract reads on the cover, as one block of text (--psm 6) and laid out by itself
    (--psm 3: a single large word reads better so); both readings, one after the other."""
    if shutil.which("tesseract") is None or not (TESSDATA / f"{language}.traineddata").is_file():
        pytest.skip(f"tesseract with {language} data is not installed (scripts/test installs it)")
    # Tesseract reads text a few dozen pixels high, dark on light: the 3000 px cover is scaled down and inverted.
    image = ImageOps.invert(Image.open(io.BytesIO(png)).convert("L").resize((500, 500), Image.LANCZOS))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    readings = []
    for layout in ("6", "3"):
        result = subprocess.run(
            ["tesseract", "-", "-", "-l", language, "--psm", layout], input=buffer.getvalue(), capture_output=True
        )
        assert result.returncode == 0, result.stderr.decode()
        readings.append(" ".join(result.stdout.decode().split()))
    return " | ".join(readings)


@pytest.mark.parametrize(
    "title, language",
    [
        ("Le Café — édition du matin", "fra"),
        ("Утренние новости", "rus"),
        ("Briefing", "eng"),  # one word: drawn whole, never "Brie" / "fing"
        ("The Internationalisation Desk", "eng"),
    ],
)
def test_ocr_reads_the_title_off_the_3000_px_cover(title, language):
    assert title in ocr(cover_png(title, 3000), language)
