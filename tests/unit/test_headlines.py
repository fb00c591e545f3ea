"""The spoken headline without the outlet's name or a section label (script/headlines.py)."""

import pytest

from briefing.script.headlines import spoken_headline, without_label, without_outlet


@pytest.mark.parametrize(
    "title, outlet, url, spoken, cut",
    [
        ("Oil exports resume | Reuters", "Reuters", None, "Oil exports resume", "Reuters"),
        ("Oil exports resume - SpaceNews.com", "SpaceNews.com", None, "Oil exports resume", "SpaceNews.com"),
        ("Oil exports resume – TechCrunch", None, "https://techcrunch.com/2019/x", "Oil exports resume", "TechCrunch"),
        ("Sweden drops inquiry, BBC News", "BBC News", None, "Sweden drops inquiry", "BBC News"),
        ("The Anti-June Cleaver — Jam", "x", "https://theantijunecleaver.com/a", "Jam", "The Anti-June Cleaver"),
        (
            "Jam - Remember 80/90 - Memorabilia",
            "Remember 80/90 - Memorabilia",
            None,
            "Jam",
            "Remember 80/90 - Memorabilia",
        ),
        ("Reuters wins award for coverage", "Reuters", None, "Reuters wins award for coverage", None),
        ("Reuters", "Reuters", None, "Reuters", None),  # nothing would be left
        ("Trade-off - a story", "Unrelated", None, "Trade-off - a story", None),
        ("Oil exports resume", None, None, "Oil exports resume", None),
    ],
)
def test_the_outlet_is_cut_from_either_end(title, outlet, url, spoken, cut):
    assert without_outlet(title, outlet, url) == (spoken, cut)


@pytest.mark.parametrize(
    "title, spoken, label",
    [
        ("Opinion | Why the port matters", "Why the port matters", "Opinion"),
        ("Live updates: Storm hits the coast", "Storm hits the coast", "Live updates"),
        (
            "The Guardian view on Hong Kong: a city on the brink | Editorial",
            "The Guardian view on Hong Kong: a city on the brink",
            "Editorial",
        ),
        ("Dear Abby: A flight to India", "Dear Abby: A flight to India", None),
        ("Watch", "Watch", None),
    ],
)
def test_a_section_label_is_cut_from_either_end(title, spoken, label):
    assert without_label(title) == (spoken, label)


def test_what_was_cut_is_kept_with_its_rule():
    spoken, cut = spoken_headline("Opinion | Oil exports resume - Reuters", "Reuters")
    assert spoken == "Oil exports resume"
    assert [(block.rule, block.text) for block in cut] == [
        ("outlet-in-headline", "Reuters"),
        ("section-label", "Opinion"),
    ]
