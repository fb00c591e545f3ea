"""`briefing serve` as a process on 127.0.0.1, spoken to over real sockets."""

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from email.utils import formatdate
from pathlib import Path

import pytest
import requests

from briefing import MakeOptions, make
from briefing.model import Show
from briefing.options import PublishOptions
from briefing.publish.layout import content_type
from briefing.publish.podcast import published_episodes
from briefing.publish.rss import rebase_feed
from briefing.publish.serve import terminal_qr

BASE = "https://pods.example.org/briefing"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Served:
    def __init__(self, folder: Path, *extra: str):
        self.folder = Path(folder)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "briefing", "serve", str(folder), "--port", str(self.port), *extra],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError(self.process.stderr.read()) from None
                time.sleep(0.1)
        raise RuntimeError("server did not start")

    def stop(self) -> int:
        self.process.send_signal(signal.SIGINT)  # Ctrl-C
        return self.process.wait(timeout=10)

    def raw(self, method: str, path: str, headers=None) -> http.client.HTTPResponse:
        """A request with the path sent exactly as given (no client-side normalisation)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        connection.putrequest(method, path, skip_accept_encoding=True)
        for name, value in (headers or {}).items():
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        response.body = response.read()
        connection.close()
        return response


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    work = tmp_path_factory.mktemp("serve")
    source = work / "a.txt"
    source.write_text("Drones over Sabratha\n\nItalian officials confirmed the drones. They fly at night.")
    folder = work / "site"
    make([str(source)], MakeOptions(output_dir=folder, show=Show(base_url=BASE), publish=PublishOptions(to_feed=True)))
    (work / "secret.txt").write_text("outside the folder")
    os.symlink(work / "secret.txt", folder / "escape.txt")
    return folder


@pytest.fixture(scope="module")
def server(site):
    served = Served(site)
    yield served
    assert served.stop() == 130  # Ctrl-C stops it cleanly, as it stops every command


@pytest.fixture(scope="module")
def mp3(site):
    stem = published_episodes(site)[0].stem
    return f"/episodes/{stem}.mp3", (site / "episodes" / f"{stem}.mp3").read_bytes()


def test_head_and_full_get(server, mp3):
    path, data = mp3
    head = requests.head(server.url + path)
    assert head.status_code == 200 and head.headers["Content-Length"] == str(len(data))
    assert head.headers["Accept-Ranges"] == "bytes" and head.headers["Content-Type"] == "audio/mpeg"
    assert "ETag" in head.headers and "Last-Modified" in head.headers and head.content == b""
    get = requests.get(server.url + path)
    assert get.status_code == 200 and get.content == data


@pytest.mark.parametrize(
    "header, start, end", [("bytes=0-99", 0, 99), ("bytes=1000-", 1000, None), ("bytes=-500", -500, None)]
)
def test_byte_ranges(server, mp3, header, start, end):
    path, data = mp3
    response = requests.get(server.url + path, headers={"Range": header})
    expected = data[start:] if end is None else data[start : end + 1]
    first = start if start >= 0 else len(data) + start
    assert response.status_code == 206 and response.content == expected
    assert response.headers["Content-Range"] == f"bytes {first}-{first + len(expected) - 1}/{len(data)}"


@pytest.mark.parametrize("header", ["bytes=99999999-", "bytes=99999999-100000000"])
def test_unsatisfiable_range_is_416(server, mp3, header):
    path, data = mp3
    response = requests.get(server.url + path, headers={"Range": header})
    assert response.status_code == 416 and response.headers["Content-Range"] == f"bytes */{len(data)}"


@pytest.mark.parametrize(
    "header, status",
    [
        ("bytes=abc", 400),
        ("bytes=5-1", 400),
        ("bytes=" + "1-2," * 5000, 416),
        ("bytes=" + "0-0," * 16, 416),
        ("bytes=--1", 416),
    ],
)
def test_malformed_or_huge_range_is_refused_not_a_crash(server, mp3, header, status):
    path, _ = mp3
    assert server.raw("GET", path, {"Range": header}).status == status
    assert requests.head(server.url + path).status_code == 200  # still serving


def test_a_range_in_an_unknown_unit_is_ignored(server, mp3):
    path, data = mp3
    response = server.raw("GET", path, {"Range": "items=0-1"})
    assert response.status == 200 and response.body == data  # RFC 9110 14.2: the whole file


def test_if_match(server, mp3):
    path, data = mp3
    etag = requests.head(server.url + path).headers["ETag"]
    assert requests.get(server.url + path, headers={"If-Match": etag}).content == data
    assert requests.get(server.url + path, headers={"If-Match": "*"}).status_code == 200
    assert requests.get(server.url + path, headers={"If-Match": '"stale"'}).status_code == 412
    assert requests.get(server.url + path, headers={"If-Match": f"W/{etag}"}).status_code == 412  # compared strongly


@pytest.mark.parametrize(
    "path", ["/feed.xml", "/episodes/STEM.vtt", "/episodes/STEM.chapters.json", "/episodes/STEM.mp3"]
)
def test_cors_lets_any_page_read_the_podcast(server, mp3, path):
    path = path.replace("STEM", mp3[0].rsplit("/", 1)[1].removesuffix(".mp3"))
    origin = {"Origin": "https://player.example"}
    response = requests.get(server.url + path, headers=origin)
    assert response.status_code == 200 and response.headers["Access-Control-Allow-Origin"] == "*"
    preflight = requests.options(
        server.url + path,
        headers={**origin, "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "range"},
    )
    assert preflight.status_code == 200 and preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in preflight.headers["Access-Control-Allow-Methods"]


def test_conditional_get(server, mp3):
    path, _ = mp3
    first = requests.get(server.url + path)
    assert requests.get(server.url + path, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    assert (
        requests.get(
            server.url + path, headers={"If-Modified-Since": formatdate(time.time() + 60, usegmt=True)}
        ).status_code
        == 304
    )
    assert requests.get(server.url + path, headers={"If-None-Match": '"other"'}).status_code == 200
    feed = requests.get(server.url + "/feed.xml")
    assert requests.get(server.url + "/feed.xml", headers={"If-None-Match": feed.headers["ETag"]}).status_code == 304


@pytest.mark.parametrize(
    "path",
    [
        "/../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/episodes/..%2f..%2f..%2fetc%2fpasswd",
        "/..%5c..%5cetc%5cpasswd",
        "/escape.txt",
        "//etc/passwd",
        "/episodes/../../secret.txt",
    ],
)
def test_paths_outside_the_folder_are_refused(server, path):
    response = server.raw("GET", path)
    assert (
        response.status in (400, 404) and b"outside the folder" not in response.body and b"root:" not in response.body
    )


@pytest.mark.parametrize(
    "suffix, expected",
    [
        (".mp3", "audio/mpeg"),
        (".vtt", "text/vtt"),
        (".srt", "application/x-subrip"),
        (".chapters.json", "application/json+chapters"),
        (".json", "application/json"),
    ],
)
def test_episode_content_types(server, site, suffix, expected):
    stem = published_episodes(site)[0].stem
    assert requests.head(f"{server.url}/episodes/{stem}{suffix}").headers["Content-Type"].startswith(expected)


def test_folder_content_types(server):
    for path, expected in (
        ("/", "text/html"),
        ("/feed.xml", "application/rss+xml"),
        ("/manifest.webmanifest", "application/manifest+json"),
        ("/cover.png", "image/png"),
    ):
        response = requests.get(server.url + path)
        assert response.status_code == 200 and response.headers["Content-Type"].startswith(expected), path


def test_feed_points_at_the_serving_address(server, site):
    response = requests.get(server.url + "/feed.xml")
    assert f'url="{server.url}/episodes/' in response.text and BASE not in response.text
    assert "Host" in [name.strip() for name in response.headers["Vary"].split(",")]
    assert BASE in (site / "feed.xml").read_text()  # the file itself is untouched
    by_name = requests.get(server.url + "/feed.xml", headers={"Host": f"localhost:{server.port}"}).text
    assert f'url="http://localhost:{server.port}/episodes/' in by_name


@pytest.mark.parametrize("host", ["192.0.2.7:8000", "attacker.example:80", "evil.example"])
def test_a_host_the_server_does_not_answer_for_is_never_put_in_the_feed(server, host):
    """A DNS-rebinding page reaches the server under its own name: the feed keeps our address."""
    body = requests.get(server.url + "/feed.xml", headers={"Host": host}).text
    assert host.split(":")[0] not in body and f'url="http://127.0.0.1:{server.port}/episodes/' in body


def test_a_configured_base_url_is_kept(site):
    served = Served(site, "--base-url", BASE)
    try:
        assert f'url="{BASE}/episodes/' in requests.get(served.url + "/feed.xml").text
    finally:
        assert served.stop() == 130  # Ctrl-C


def test_port_in_use_is_one_line(site):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "briefing", "serve", str(site), "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert result.returncode == 2 and result.stderr.strip().startswith("briefing: error: cannot serve on 127.0.0.1:")


def test_lan_mode_prints_addresses_and_a_qr_code(site, monkeypatch):
    from briefing.publish import app as web
    from briefing.publish import serve as serving

    calls = []
    monkeypatch.setattr(web, "run", lambda app, host, port, *timeouts: calls.append({"host": host, "port": port}))
    monkeypatch.setattr(serving, "lan_addresses", lambda: ["192.168.1.20"])
    monkeypatch.setattr(serving, "check_port", lambda host, port: None)
    lines = []
    serving.serve(site, serving.ServeOptions(host="0.0.0.0", port=8123), echo=lines.append, warn=lines.append)
    assert calls[0]["host"] == "0.0.0.0" and calls[0]["port"] == 8123
    assert lines[0] == "page: http://192.168.1.20:8123/   feed: http://192.168.1.20:8123/feed.xml"
    assert "http://192.168.1.20:8123/feed.xml" in lines[1] and "▀" in lines[1]


@pytest.mark.parametrize("terminal_background", [(0, 0, 0), (255, 255, 255)], ids=["dark", "light"])
def test_qr_code_scans_on_light_and_dark_terminals(terminal_background):
    import zxingcpp
    from PIL import Image

    url = "http://192.168.1.20:8000/feed.xml"
    rows = terminal_qr(url).strip("\n").split("\n")
    palette = {16: (0, 0, 0), 231: (255, 255, 255)}
    pixels = []  # the terminal's own colour wherever a cell sets none
    for row in rows:
        cells = re.findall(r"\x1b\[38;5;(\d+);48;5;(\d+)m▀", row)
        pixels.append([palette.get(int(top), terminal_background) for top, _ in cells])
        pixels.append([palette.get(int(bottom), terminal_background) for _, bottom in cells])
    image = Image.new("RGB", (len(pixels[0]), len(pixels)))
    image.putdata([pixel for line in pixels for pixel in line])
    image = image.resize((image.width * 8, image.height * 8), Image.NEAREST)
    assert [result.text for result in zxingcpp.read_barcodes(image)] == [url]


def test_rebase_feed_and_content_type_helpers():
    feed = b'<rss><channel><link>https://a.org/x/</link><item><enclosure url="https://a.org/x/e.mp3"/></item></channel></rss>'
    assert b'url="http://127.0.0.1:9/e.mp3"' in rebase_feed(feed, "http://127.0.0.1:9/")
    assert (
        content_type("feed.xml").startswith("application/rss+xml")
        and content_type("a.chapters.json") == "application/json+chapters"
    )


def test_lan_addresses_are_this_machines_non_loopback_ipv4():
    from briefing.publish.serve import lan_addresses

    found = lan_addresses()
    assert all(not address.startswith("127.") and socket.inet_aton(address) for address in found)
    if shutil.which("ip"):
        listed = subprocess.run(["ip", "-4", "-o", "addr"], capture_output=True, text=True).stdout
        assert set(found) == {a for a in re.findall(r"inet (\d+\.\d+\.\d+\.\d+)", listed) if not a.startswith("127.")}


def test_slow_and_silent_clients_are_disconnected_and_slow_readers_are_not(site):
    served = Served(site, "--client-timeout", "1")
    try:
        silent = socket.create_connection(("127.0.0.1", served.port), timeout=10)
        trickling = socket.create_connection(("127.0.0.1", served.port), timeout=10)
        trickling.sendall(b"GET /feed.xml HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # the blank line never comes
        started = time.monotonic()
        assert silent.recv(100) == b"" and trickling.recv(100) == b""  # closed by the server
        assert time.monotonic() - started < 5

        stem = published_episodes(site)[0].stem
        reader = socket.create_connection(("127.0.0.1", served.port), timeout=10)
        reader.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        reader.sendall(f"GET /episodes/{stem}.mp3 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        time.sleep(2)  # a paused phone: twice the timeout without reading
        received = b""
        while b"\r\n\r\n" not in received:
            received += reader.recv(4096)
        headers, body = received.split(b"\r\n\r\n", 1)
        length = int(
            next(line.split(b":")[1] for line in headers.split(b"\r\n") if line.lower().startswith(b"content-length"))
        )
        while len(body) < length:
            chunk = reader.recv(65536)
            assert chunk, "the slow reader was cut off"
            body += chunk
        assert body == (site / "episodes" / f"{stem}.mp3").read_bytes()
        assert requests.head(served.url + "/feed.xml").status_code == 200  # still serving
    finally:
        assert served.stop() == 130  # Ctrl-C


def test_headers_past_the_size_limit_are_refused_not_a_crash(server, mp3):
    path, _ = mp3
    try:
        status = server.raw("GET", path, {"Range": "bytes=0-1", "X-Padding": "x" * 200_000}).status
    except ConnectionResetError:  # refused before the client finished sending
        status = "reset"
    assert status in (400, 431, "reset")
    assert requests.head(server.url + path).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/.briefing-seen.json",
        "/%2ebriefing-seen.json",
        "/.briefing.lock",
        "/episodes/.leftover.mp3.part",
        "/episodes/%2Eleftover.mp3.part",
    ],
)
def test_the_folders_own_hidden_files_are_not_served(server, site, path):
    assert (site / ".briefing-seen.json").is_file()  # it is there, listing what the user briefed
    (site / "episodes" / ".leftover.mp3.part").write_bytes(b"partial")
    response = server.raw("GET", path)
    assert response.status == 404 and b"partial" not in response.body and b"http" not in response.body


def test_publishing_without_a_base_url_is_for_listening_through_serve(tmp_path, monkeypatch):
    """The phone path: make --publish with no base URL, then serve; the feed works at the address used."""
    import feedparser
    from conftest import runner

    from briefing.cli import main
    from briefing.publish.podcast import lint

    monkeypatch.chdir(tmp_path)
    (tmp_path / "briefing.toml").write_text('[show]\nowner_email = "jane@example.org"\n')
    (tmp_path / "a.txt").write_text("Story\n\nOne sentence.")
    result = runner().invoke(main, ["make", "a.txt", "--publish", "-o", "site"])
    assert result.exit_code == 0, result.stderr
    written = (tmp_path / "site" / "feed.xml").read_text()
    assert 'url="./episodes/' in written and "<link>./</link>" in written
    report = lint(tmp_path / "site")
    assert report.problems == [] and len(report.warnings) == 1 and "--base-url" in report.warnings[0]
    linted = runner().invoke(main, ["feed", "lint", "--dir", "site"])
    assert linted.exit_code == 0 and linted.stdout.startswith("warning: feed: no base URL"), linted.stdout
    served = Served(tmp_path / "site")
    try:
        for host in (f"127.0.0.1:{served.port}", f"localhost:{served.port}"):
            parsed = feedparser.parse(requests.get(served.url + "/feed.xml", headers={"Host": host}).content)
            assert not parsed.bozo and parsed.feed.link == f"http://{host}/"
            enclosure = parsed.entries[0].enclosures[0].href
            assert enclosure.startswith(f"http://{host}/episodes/") and enclosure.endswith(".mp3")
            assert requests.get(served.url + enclosure.removeprefix(f"http://{host}")).status_code == 200
    finally:
        assert served.stop() == 130  # Ctrl-C


def stalled_download(port: int, path: str, source: str) -> socket.socket:
    """A client that asks for a file from `source` (a loopback address of its own) and never reads."""
    stalled = socket.socket()
    stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    stalled.bind((source, 0))
    stalled.settimeout(30)
    stalled.connect(("127.0.0.1", port))
    stalled.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    return stalled


def wait_closed(connection: socket.socket, seconds: float = 60) -> bool:
    """True when the server ends the connection within `seconds` (whatever it sent before)."""
    connection.settimeout(seconds)
    try:
        while connection.recv(65536):
            pass
    except (ConnectionResetError, TimeoutError) as error:
        return not isinstance(error, (TimeoutError, socket.timeout))
    return True


@pytest.fixture
def big_site(site, tmp_path):
    folder = tmp_path / "big"
    shutil.copytree(site, folder, symlinks=True)
    (folder / "episodes" / "long.mp3").write_bytes(os.urandom(24 * 1024 * 1024))
    return folder


def test_stalled_readers_cannot_starve_the_server(big_site):
    """99 downloads that never read (from one address) and 300 silent sockets (from another): others
    are still served, each flood is held to a few connections, and a stalled send is ended."""
    served = Served(big_site, "--stall-timeout", "3", "--client-timeout", "30")
    stalled, silent = [], []
    try:
        for _ in range(99):
            try:
                stalled.append(stalled_download(served.port, "/episodes/long.mp3", "127.0.0.2"))
            except OSError:
                pass  # refused: beyond what one address may hold
        for _ in range(300):
            try:
                silent.append(
                    socket.create_connection(("127.0.0.1", served.port), timeout=10, source_address=("127.0.0.3", 0))
                )
            except OSError:
                pass
        for _ in range(20):  # a listener on another address is served throughout
            response = requests.get(served.url + "/feed.xml", timeout=10)
            assert response.status_code == 200
        assert (
            requests.get(served.url + "/episodes/long.mp3", headers={"Range": "bytes=0-99"}, timeout=10).status_code
            == 206
        )
        # The server keeps at most MAX_PER_CLIENT of each flood and ends the stalled sends.
        assert sum(not wait_closed(connection, 0.2) for connection in silent) <= 16
        assert all(wait_closed(connection) for connection in stalled)
    finally:
        for connection in stalled + silent:
            connection.close()
        assert served.stop() == 130  # Ctrl-C
