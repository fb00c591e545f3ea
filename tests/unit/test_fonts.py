"""A font that has every letter of a title, whatever its script; the cover's lines never break a word."""

import pytest

from briefing.publish.artwork import breakable_units, fitted_lines, fonts_by_character, is_right_to_left
from briefing.publish.fonts import candidate_fonts, character_map, font_for


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


@pytest.mark.parametrize(
    "title",
    ["Hello שלום world", "Утро, Ελλάδα and Paris", "نشرة News daily", "Daily ☕ news", "Café 新闻 ½"],
)
def test_each_character_is_drawn_from_a_font_that_has_it(title):
    """A title mixing scripts is drawn a run at a time: every character a font here has is drawn
    with a font whose character map has it (never a box)."""
    fonts = fonts_by_character(title)
    for character in {c for c in title if not c.isspace()}:
        anywhere = any(ord(character) in character_map(path) for path in candidate_fonts(character))
        drawn_with = fonts[character]
        assert not anywhere or ord(character) in character_map(drawn_with), (character, drawn_with)


@pytest.mark.parametrize(
    "name",
    [
        "Briefing",
        "Morning Desk",
        "Internationalisation",
        "Supercalifragilisticexpi",
        "The Tuesday Newsletter",
        "Le Café — édition",
        "Wirtschaftsnachrichten",
        "Утренние новости",
    ],
)
def test_no_show_name_of_up_to_24_characters_is_broken_mid_word(name):
    lines, size = fitted_lines(name, fonts_by_character(name), 1120, 840)
    assert " ".join(lines).split() == name.split() and size >= 1120 // 24


@pytest.mark.parametrize(
    "text, units",
    [
        ("Morning Desk", ["Morning ", "Desk"]),
        ("News 新闻 today", ["News ", "新", "闻", " ", "today"]),
        ("Briefing", ["Briefing"]),
    ],
)
def test_lines_break_between_words_and_between_characters_of_unspaced_scripts(text, units):
    assert breakable_units(text) == units
