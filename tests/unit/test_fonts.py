"""A font that has every letter of a title, whatever its script."""

import pytest

from briefing.publish.artwork import is_right_to_left
from briefing.publish.fonts import character_map, font_for


@pytest.mark.parametrize(
    "title",
    [
        "Le Café — édition du matin",
        "Утренние новости",
        "Πρωινά νέα",
        "نشرة الأخبار الصباحية",
        "Morning Desk: 5 ½ stories",
    ],
)
def test_a_font_with_every_letter_is_found(title):
    path = font_for(title)
    assert path is not None and {ord(c) for c in title if not c.isspace()} <= character_map(path)


def test_arabic_comes_from_the_arabic_font_briefing_ships():
    assert "Arabic" in font_for("نشرة الأخبار الصباحية").name


@pytest.mark.parametrize(
    "text, expected",
    [("نشرة الأخبار", True), ("שלום עולם", True), ("Le Café", False), ("2026: نشرة", True), ("— Desk", False)],
)
def test_right_to_left_is_read_from_the_first_letter_with_a_direction(text, expected):
    assert is_right_to_left(text) is expected
