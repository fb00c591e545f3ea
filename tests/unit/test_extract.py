"""Choosing a web page's article text between the two extractors, and recording the choice."""

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from helpers import ARTICLE_HTML

from briefing.ingest.extract import article_likeness, extract, reconcile, without_story_lists

STORY = [
    "Italian officials confirmed on Monday that American drones would be allowed to fly from Sigonella for "
    "defensive missions over Libya, after weeks of talks.",
    "The decision followed weeks of talks between Rome and Washington about the use of Italian air bases for "
    "operations against ISIS in the region.",
    "Critics in parliament said the government had not explained the rules of engagement, and demanded a vote "
    "before any mission begins this spring.",
    "The defence minister said the drones would carry no weapons of their own and would fly only with Italy's "
    "agreement on each mission, case by case, from now on.",
    "Officials in Tripoli welcomed the news, saying the help would come too late for Sabratha but in time for "
    "the fight over the oil ports along the coast.",
]
NOTICE = [
    "This copy is for your personal, non-commercial use only. To order presentation-ready copies for distribution, "
    "contact our reprints department."
]
MENU = ["Home", "World", "Business", "Markets", "Opinion"]


@pytest.mark.parametrize(
    "precise, readable, kept, said",
    [
        (NOTICE, STORY, STORY, r"readability's 129 words: trafilatura found only 21$"),
        ([], STORY, STORY, r"readability's 129 words: trafilatura found only 0$"),
        (STORY, STORY * 2, STORY * 2, r"readability's 258 words: they hold all of trafilatura's 129$"),
        (STORY, STORY[:1], STORY, r"trafilatura's 129 words: readability found too few to check them$"),
        (STORY + NOTICE, STORY, STORY, r"trafilatura's text, 5 of 6 paragraphs confirmed by readability$"),
        (
            NOTICE * 6,
            STORY,
            STORY,
            r"readability's text: the extractors disagree and it looks more like the article \(2\.\d\d against "
            r"2\.\d\d\)$",
        ),
        (STORY, NOTICE * 6, STORY, r"trafilatura's text: the extractors disagree"),
    ],
)
def test_the_extractors_are_reconciled_and_the_choice_said(precise, readable, kept, said):
    reconciled = reconcile(precise, readable, "Drones over Sabratha: Italy lets American drones fly")
    assert reconciled.paragraphs == kept and re.match(said, reconciled.choice), reconciled.choice


def test_an_article_looks_more_like_one_than_a_menu_or_a_notice():
    title = "Italy lets American drones fly over Libya"
    assert article_likeness(STORY, title) > article_likeness(NOTICE, title) > article_likeness(MENU, title)


def test_a_list_of_other_stories_after_the_article_is_left_out():
    teaser = "Another story begins with a long sentence about something else entirely, and it goes on until it is cut …"
    assert without_story_lists(STORY[:2] + [teaser, "Jane Doe", teaser]) == STORY[:2]
    assert without_story_lists(STORY[:2] + [teaser]) == STORY[:2] + [teaser]  # one excerpt alone may be the article's


def test_a_page_says_how_its_text_was_chosen():
    page = extract(ARTICLE_HTML.decode())
    assert (
        any(p.startswith("Italian officials confirmed") for p in page.paragraphs)
        and "confirmed by readability" in page.choice
    ), page.choice


def test_explain_says_how_the_text_was_chosen(tmp_path):
    from conftest import runner

    from briefing.cli import main

    page = tmp_path / "drones.html"
    page.write_bytes(ARTICLE_HTML)
    result = runner().invoke(main, ["script", str(page), "--explain"])
    assert result.exit_code == 0, result
    assert result.stdout.startswith("text: trafilatura's text, ") and "confirmed by readability" in result.stdout


def test_pages_read_from_several_threads_are_parsed_one_at_a_time(monkeypatch):
    # trafilatura and readability share lxml parsers between threads, and parsing with them at
    # once can crash the process: the feed fetcher's threads must take turns.
    import trafilatura

    from briefing.ingest import extract as extraction

    inside, most = 0, 0
    count = threading.Lock()
    real = trafilatura.bare_extraction

    def counted(*args, **kwargs):
        nonlocal inside, most
        with count:
            inside += 1
            most = max(most, inside)
        try:
            return real(*args, **kwargs)
        finally:
            with count:
                inside -= 1

    monkeypatch.setattr(trafilatura, "bare_extraction", counted)
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda number: extract(ARTICLE_HTML, f"https://example.com/{number}"), range(8)))
    assert most == 1 and all(result.paragraphs == results[0].paragraphs for result in results)
    assert not extraction.PARSING.locked()
