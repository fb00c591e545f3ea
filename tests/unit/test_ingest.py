import io
import sys

import pytest
from conftest import Reply
from helpers import ARTICLE_HTML, QUICK

from briefing.errors import BriefingError
from briefing.ingest.sources import FetchLimits, looks_like_headline, markdown_to_text, parse_text, read_source


@pytest.mark.parametrize(
    "block, headline",
    [
        ("Intervention in Libya has already begun", True),
        ("Analysis. Le Monde has revealed that French commandos took part in clashes against ISIS.", False),
        ("Is this the end of the unity government?", True),
        ("Breaking:", False),
    ],
)
def test_looks_like_headline(block, headline):
    assert looks_like_headline(block) is headline


def test_text_title_skips_a_kicker_and_keeps_it_in_the_body():
    article = parse_text(
        "Analysis. Something was revealed today.\n\nThe Headline Here\n\nFirst paragraph.\n\nSecond.", "x"
    )
    assert article.title == "The Headline Here"
    assert article.paragraphs == ("Analysis. Something was revealed today.", "First paragraph.", "Second.")


def test_text_without_headline_uses_the_first_line():
    article = parse_text("It was a long day in Tripoli, and nobody slept.\n\nMore text here.", "x")
    assert article.title == "It was a long day in Tripoli, and nobody slept"
    assert len(article.paragraphs) == 2


def test_lines_without_blank_lines_are_paragraphs():
    assert parse_text("Title\nOne.\nTwo.", "x").paragraphs == ("One.", "Two.")


def test_markdown():
    text = markdown_to_text(
        "Intro line.\n\n# Big *news* today\n\nSee [the report](http://x.org) and ![img](a.png) **now**.\n\n- a point"
    )
    article = parse_text(text, "x.md")
    assert article.title == "Big news today"
    assert article.paragraphs == ("Intro line.", "See the report and now.", "a point")


def test_html_file(tmp_path):
    page = tmp_path / "story.html"
    page.write_bytes(ARTICLE_HTML)
    article = read_source(str(page))
    assert article.title.startswith("Drones over Sabratha")
    assert len(article.paragraphs) == 3 and "Home" not in " ".join(article.paragraphs)


def test_stdin(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"My Headline\n\nBody text.")))
    article = read_source("-")
    assert (article.title, article.paragraphs, article.source) == ("My Headline", ("Body text.",), "-")


def test_latin1_and_utf16_text_are_decoded(tmp_path):
    (tmp_path / "a.txt").write_bytes("Café au lait\n\nIt was très bon.".encode("cp1252"))
    (tmp_path / "b.txt").write_bytes("Café au lait\n\nIt was très bon.".encode("utf-16"))
    assert read_source(str(tmp_path / "a.txt")).title == "Café au lait"
    assert read_source(str(tmp_path / "b.txt")).paragraphs == ("It was très bon.",)


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "is empty"),
        (b"   \n\n  ", "is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not text"),
    ],
)
def test_bad_files(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(BriefingError, match=message):
        read_source(str(path))


def test_missing_file():
    with pytest.raises(BriefingError, match="no such file"):
        read_source("does/not/exist.txt")


@pytest.mark.parametrize(
    "url", ["ftp://example.org/a", "file:///etc/passwd", "javascript:alert(1)", "data:text/plain,hi"]
)
def test_other_schemes_are_refused(url):
    with pytest.raises(BriefingError, match="unsupported URL scheme"):
        read_source(url)


def test_url_html_page(local_server):
    server = local_server(
        lambda method, path, body: Reply(200, ARTICLE_HTML, {"Content-Type": "text/html; charset=utf-8"})
    )
    article = read_source(server.url + "/story")
    assert article.url == server.url + "/story"
    assert article.outlet == "The Daily"
    assert article.paragraphs[0].startswith("Italian officials confirmed")


def test_a_page_served_without_a_content_type_is_read_as_html(local_server):
    """Sniffed: its tags are never spoken as text."""
    server = local_server(lambda method, path, body: Reply(200, ARTICLE_HTML))
    article = read_source(server.url + "/story")
    assert article.title == "Drones over Sabratha" and article.outlet == "The Daily"
    assert not any("<" in paragraph for paragraph in article.paragraphs)


def test_url_charset_from_headers(local_server):
    text = "Café crème\n\nUn très bon article.".encode("cp1252")
    server = local_server(lambda m, p, b: Reply(200, text, {"Content-Type": "text/plain; charset=windows-1252"}))
    assert read_source(server.url + "/a.txt").title == "Café crème"


def test_unreachable_url():
    with pytest.raises(BriefingError, match="cannot fetch .*ConnectionError after 3 attempts"):
        read_source("http://127.0.0.1:9/nothing", FetchLimits(timeout=2, retry=QUICK))


def test_permanent_failures_are_not_tried_again(local_server):
    server = local_server(lambda m, p, b: Reply(404, b"gone"))
    with pytest.raises(BriefingError, match="HTTP 404 Not Found$"):
        read_source(server.url + "/story", FetchLimits(retry=QUICK))
    assert len(server.requests) == 1


def test_giving_up_says_how_often_it_tried(local_server):
    server = local_server(lambda m, p, b: Reply(500, b"oops"))
    with pytest.raises(BriefingError, match="HTTP 500 Internal Server Error after 3 attempts"):
        read_source(server.url + "/story", FetchLimits(retry=QUICK))
    assert len(server.requests) == 3
