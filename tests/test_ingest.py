import io
import sys

import pytest
from conftest import Reply

from briefing.errors import BriefingError
from briefing.ingest.sources import FetchLimits, looks_like_headline, markdown_to_text, parse_text, read_source
from briefing.retry import RetryPolicy

QUICK = RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.05)
ARTICLE_HTML = b"""<!doctype html><html><head><title>Drones over Sabratha | The Daily</title>
<meta property="og:site_name" content="The Daily"></head><body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Drones over Sabratha</h1>
<p>Italian officials confirmed on Monday that American drones would be allowed to fly from Sigonella for defensive missions over Libya.</p>
<p>The decision followed weeks of talks between Rome and Washington about the use of Italian air bases for operations against ISIS.</p>
<p>Critics in parliament said the government had not explained the rules of engagement, and demanded a vote before any mission begins.</p>
</article><footer>Subscribe to our newsletter. Copyright 2016.</footer></body></html>"""


@pytest.mark.parametrize("block, headline", [
    ("Intervention in Libya has already begun", True),
    ("Analysis. Le Monde has revealed that French commandos took part in clashes against ISIS.", False),
    ("Is this the end of the unity government?", True),
    ("Breaking:", False),
])
def test_looks_like_headline(block, headline):
    assert looks_like_headline(block) is headline


def test_text_title_skips_a_kicker_and_keeps_it_in_the_body():
    article = parse_text("Analysis. Something was revealed today.\n\nThe Headline Here\n\nFirst paragraph.\n\nSecond.", "x")
    assert article.title == "The Headline Here"
    assert article.paragraphs == ("Analysis. Something was revealed today.", "First paragraph.", "Second.")


def test_text_without_headline_uses_the_first_line():
    article = parse_text("It was a long day in Tripoli, and nobody slept.\n\nMore text here.", "x")
    assert article.title == "It was a long day in Tripoli, and nobody slept"
    assert len(article.paragraphs) == 2


def test_lines_without_blank_lines_are_paragraphs():
    assert parse_text("Title\nOne.\nTwo.", "x").paragraphs == ("One.", "Two.")


def test_markdown():
    text = markdown_to_text("Intro line.\n\n# Big *news* today\n\nSee [the report](http://x.org) and ![img](a.png) **now**.\n\n- a point")
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
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO("My Headline\n\nBody text.".encode())))
    article = read_source("-")
    assert (article.title, article.paragraphs, article.source) == ("My Headline", ("Body text.",), "-")


def test_latin1_and_utf16_text_are_decoded(tmp_path):
    (tmp_path / "a.txt").write_bytes("Café au lait\n\nIt was très bon.".encode("cp1252"))
    (tmp_path / "b.txt").write_bytes("Café au lait\n\nIt was très bon.".encode("utf-16"))
    assert read_source(str(tmp_path / "a.txt")).title == "Café au lait"
    assert read_source(str(tmp_path / "b.txt")).paragraphs == ("It was très bon.",)


@pytest.mark.parametrize("content, message", [
    (b"", "is empty"),
    (b"   \n\n  ", "is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not text"),
])
def test_bad_files(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(BriefingError, match=message):
        read_source(str(path))


def test_missing_file():
    with pytest.raises(BriefingError, match="no such file"):
        read_source("does/not/exist.txt")


@pytest.mark.parametrize("url", ["ftp://example.org/a", "file:///etc/passwd", "javascript:alert(1)", "data:text/plain,hi"])
def test_other_schemes_are_refused(url):
    with pytest.raises(BriefingError, match="unsupported URL scheme"):
        read_source(url)


def test_url_html_page(local_server):
    server = local_server(lambda method, path, body: Reply(200, ARTICLE_HTML, {"Content-Type": "text/html; charset=utf-8"}))
    article = read_source(server.url + "/story")
    assert article.url == server.url + "/story"
    assert article.outlet == "The Daily"
    assert article.paragraphs[0].startswith("Italian officials confirmed")


@pytest.mark.slow
@pytest.mark.parametrize("meta", ['<meta charset="iso-8859-7">',
                                  '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-7">'])
def test_url_charset_from_the_page_when_headers_say_none(local_server, meta):
    # A few Greek letters in an English page: a detector guesses a Baltic code page here.
    page = ARTICLE_HTML.replace(b"<head>", b"<head>" + meta.encode()).replace(b"Sigonella", "Sigonella near Αθήνα".encode("iso-8859-7"))
    server = local_server(lambda m, p, b: Reply(200, page, {"Content-Type": "text/html"}))
    assert "Sigonella near Αθήνα" in read_source(server.url + "/story").paragraphs[0]


def test_url_charset_from_headers(local_server):
    text = "Café crème\n\nUn très bon article.".encode("cp1252")
    server = local_server(lambda m, p, b: Reply(200, text, {"Content-Type": "text/plain; charset=windows-1252"}))
    assert read_source(server.url + "/a.txt").title == "Café crème"


@pytest.mark.parametrize("reply, message", [
    (Reply(404, b"not here"), "HTTP 404"),
    (Reply(500, b"oops"), "HTTP 500"),
    (Reply(200, b"\x00" * 10, {"Content-Type": "application/zip"}), "application/zip, not an article"),
    (Reply(200, b"x" * 5000, {"Content-Type": "text/html"}), "larger than 1000 bytes"),
    (Reply(302, b"", {"Location": "/loop"}), "more than 5 redirects"),
    (Reply(200, b"<html>slow</html>", {"Content-Type": "text/html"}, delay=3), "timed out"),
])
@pytest.mark.slow
def test_url_failures(local_server, reply, message):
    server = local_server(lambda m, p, b: reply)
    with pytest.raises(BriefingError, match=message):
        read_source(server.url + "/loop", FetchLimits(timeout=1.0, max_bytes=1000, retry=QUICK))


def test_unreachable_url():
    with pytest.raises(BriefingError, match="cannot fetch .*ConnectionError after 3 attempts"):
        read_source("http://127.0.0.1:9/nothing", FetchLimits(timeout=2, retry=QUICK))


@pytest.mark.slow
@pytest.mark.parametrize("failures", [[Reply(503, b"busy")], [Reply(429, b"", {"Retry-After": "0"}), Reply(502, b"")],
                                      [Reply(200, b"<html>late</html>", {"Content-Type": "text/html"}, delay=2)]])
def test_failures_that_may_pass_are_tried_again(local_server, failures):
    pending = list(failures)
    server = local_server(lambda m, p, b: pending.pop(0) if pending else
                          Reply(200, ARTICLE_HTML, {"Content-Type": "text/html"}))
    article = read_source(server.url + "/story", FetchLimits(timeout=1.0, retry=QUICK))
    assert article.paragraphs[0].startswith("Italian officials") and not pending
    assert len(server.requests) == len(failures) + 1


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


class TricklingServer:
    """A server on 127.0.0.1 that sends its answer a byte at a time (headers too, when asked), so
    no single read ever waits long: only a deadline on the whole download stops it."""

    def __init__(self, trickle_headers: bool):
        import socket
        import threading

        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen()
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}/story"
        self.stop = threading.Event()
        head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n"
        self.thread = threading.Thread(target=self.serve, args=(head, trickle_headers), daemon=True)

    def serve(self, head: bytes, trickle_headers: bool) -> None:
        while not self.stop.is_set():
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            with connection:
                connection.recv(65536)
                if not trickle_headers:
                    connection.sendall(head)
                for byte in (head if trickle_headers else b"") + b"x" * 100000:
                    if self.stop.wait(0.1):
                        return
                    try:
                        connection.sendall(bytes([byte]))
                    except OSError:
                        break

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.listener.close()


@pytest.mark.slow
@pytest.mark.parametrize("trickle_headers", [False, True], ids=["body", "headers"])
def test_the_timeout_bounds_the_whole_download_of_a_trickling_server(trickle_headers):
    import time

    with TricklingServer(trickle_headers) as server:
        started = time.monotonic()
        with pytest.raises(BriefingError, match="timed out after 1 s"):
            read_source(server.url, FetchLimits(timeout=1.0, retry=RetryPolicy(attempts=1)))
        assert time.monotonic() - started < 15  # without a whole-download deadline: minutes


@pytest.mark.slow
def test_cli_timeout_on_a_trickling_server_is_one_line(tmp_path):
    from conftest import runner

    from briefing.cli import main

    with TricklingServer(trickle_headers=False) as server:
        result = runner().invoke(main, ["make", server.url, "--timeout", "1", "-o", str(tmp_path / "out")])
    assert result.exit_code == 2 and result.stderr.count("\n") == 1 and "timed out after 1 s" in result.stderr
    assert not (tmp_path / "out").exists()
