import pytest

from briefing.errors import BriefingError
from briefing.script.lexicon import Entry, Lexicon, default_lexicon, load_lexicon, parse_lexicon


@pytest.mark.parametrize(
    "ipa, text, spoken",
    [
        (
            True,
            "General Haftar met al-Sarraj; Sarraj left.",
            "General [[hˈɑftɑɹ]] met [[ˌælsɑɹˈɑːʒ]]; [[sɑɹˈɑːʒ]] left.",
        ),
        (True, "HAFTAR's men in Tobruk", "[[hˈɑftɑɹ]]'s men in [[tˈoʊbɹʊk]]"),
        (False, "General Haftar in Tobruk", "General Haftar in Tobruk"),  # Google reads these names well
        (True, "Haftarism and Tobruk-based", "Haftarism and Tobruk-based"),  # whole words only
    ],
)
def test_default_lexicon(ipa, text, spoken):
    assert default_lexicon().rule(ipa=ipa)(text) == spoken


def test_respellings_case_and_override(tmp_path):
    user = tmp_path / "names.toml"
    user.write_text(
        '[words]\nHaftar = "Hahf-tar"\n"Le Monde" = { say = "Luh Mond" }\nUS = { say = "U S", case = true }\n'
    )
    lexicon = default_lexicon().merged(load_lexicon(user))
    rule = lexicon.rule(ipa=True)
    assert rule("Haftar told Le Monde the US would help us") == "Hahf-tar told Luh Mond the U S would help us"


@pytest.mark.parametrize(
    "text, message",
    [
        ("[words\n", "lexicon x.toml:"),
        ('[names]\nA = "b"\n', "expected a \\[words\\] table only"),
        ("[words]\nA = 3\n", "entry 'A' needs a respelling"),
        ('[words]\nA = { sound = "b" }\n', "entry 'A' needs a respelling"),
    ],
)
def test_bad_lexicons(text, message):
    with pytest.raises(BriefingError, match=message):
        parse_lexicon(text, "x.toml")


def test_missing_lexicon_file(tmp_path):
    with pytest.raises(BriefingError, match="cannot read lexicon"):
        load_lexicon(tmp_path / "none.toml")


def test_longest_phrase_wins():
    lexicon = Lexicon((Entry("New York", say="Noo York"), Entry("New", say="Nyoo")))
    assert lexicon.rule(ipa=False)("New York is new") == "Noo York is Nyoo"


def test_titles_are_still_read_before_names_in_phonemes():
    from briefing.script.speech import NORMALIZERS, normalize

    rules = (default_lexicon().rule(ipa=True),) + NORMALIZERS
    assert normalize("Gen. Haftar and Mr Haftar", rules) == "General [[hˈɑftɑɹ]] and Mister [[hˈɑftɑɹ]]"


@pytest.mark.parametrize(
    "text, said",
    [
        ("He wrote [[hˈɛloʊ]] in the article.", "He wrote [hˈɛloʊ] in the article."),
        ("Nested [[[x]]] marks.", "Nested [x] marks."),
        ("A list [a] stays.", "A list [a] stays."),
        ("Haftar spoke.", "[[hˈɑftɑɹ]] spoke."),
    ],
)
def test_only_the_lexicon_writes_phoneme_blocks(text, said):
    assert default_lexicon().rule(ipa=True)(text) == said
