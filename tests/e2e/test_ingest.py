import pytest
from conftest import Reply
from helpers import ARTICLE_HTML, QUICK

from briefing.errors import BriefingError
from briefing.ingest.sources import FetchLimits, read_source
from briefing.retry import RetryPolicy


@pytest.mark.parametrize(
    "meta", ['<meta charset="iso-8859-7">', '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-7">']
)
def test_url_charset_from_the_page_when_headers_say_none(local_server, meta):
    # A few Greek letters in an English page: a detector guesses a Baltic code page here.
    page = ARTICLE_HTML.replace(b"<head>", b"<head>" + meta.encode()).replace(
        b"Sigonella", "Sigonella near Αθήνα".encode("iso-8859-7")
    )
    server = local_server(lambda m, p, b: Reply(200, page, {"Content-Type": "text/html"}))
    assert "Sigonella near Αθήνα" in read_source(server.url + "/story").paragraphs[0]


@pytest.mark.parametrize(
    "reply, message",
    [
        (Reply(404, b"not here"), "HTTP 404"),
        (Reply(500, b"oops"), "HTTP 500"),
        (Reply(200, b"\x00" * 10, {"Content-Type": "application/zip"}), "application/zip, not an article"),
        (Reply(200, b"x" * 5000, {"Content-Type": "text/html"}), "larger than 1000 bytes"),
        (Reply(302, b"", {"Location": "/loop"}), "more than 5 redirects"),
        (Reply(200, b"<html>slow</html>", {"Content-Type": "text/html"}, delay=3), "timed out"),
    ],
)
def test_url_failures(local_server, reply, message):
    server = local_server(lambda m, p, b: reply)
    with pytest.raises(BriefingError, match=message):
        read_source(server.url + "/loop", FetchLimits(timeout=1.0, max_bytes=1000, retry=QUICK))


@pytest.mark.parametrize(
    "failures",
    [
        [Reply(503, b"busy")],
        [Reply(429, b"", {"Retry-After": "0"}), Reply(502, b"")],
        [Reply(200, b"<html>late</html>", {"Content-Type": "text/html"}, delay=2)],
    ],
)
def test_failures_that_may_pass_are_tried_again(local_server, failures):
    pending = list(failures)
    server = local_server(
        lambda m, p, b: pending.pop(0) if pending else Reply(200, ARTICLE_HTML, {"Content-Type": "text/html"})
    )
    article = read_source(server.url + "/story", FetchLimits(timeout=1.0, retry=QUICK))
    assert article.paragraphs[0].startswith("Italian officials") and not pending
    assert len(server.requests) == len(failures) + 1


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


@pytest.mark.parametrize("trickle_headers", [False, True], ids=["body", "headers"])
def test_the_timeout_bounds_the_whole_download_of_a_trickling_server(trickle_headers):
    import time

    with TricklingServer(trickle_headers) as server:
        started = time.monotonic()
        with pytest.raises(BriefingError, match="timed out after 1 s"):
            read_source(server.url, FetchLimits(timeout=1.0, retry=RetryPolicy(attempts=1)))
        assert time.monotonic() - started < 15  # without a whole-download deadline: minutes


def test_cli_timeout_on_a_trickling_server_is_one_line(tmp_path):
    from conftest import runner

    from briefing.cli import main

    with TricklingServer(trickle_headers=False) as server:
        result = runner().invoke(main, ["make", server.url, "--timeout", "1", "-o", str(tmp_path / "out")])
    assert result.exit_code == 2 and result.stderr.count("\n") == 1 and "timed out after 1 s" in result.stderr
    assert not (tmp_path / "out").exists()
