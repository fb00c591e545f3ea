"""Shared test parts: a real HTTP server on 127.0.0.1, decoding with real ffmpeg, and loudness
measured independently of the code under test (pyloudnorm, 4x-oversampled true peak)."""

from __future__ import annotations

import socket
import struct
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest

from briefing import ffmpeg
from briefing.ffmpeg import ffmpeg_exe


def runner():
    """A click CliRunner keeping stderr apart from stdout (click < 8.2 mixes them unless told),
    whose results show their stderr and exception in a failing assertion's message."""
    from click.testing import CliRunner, Result

    class ShownResult(Result):
        def __repr__(self) -> str:
            return f"<Result exit {self.exit_code}, stderr {self.stderr!r}, exception {self.exception!r}>"

    class ShowingRunner(CliRunner):
        def invoke(self, *args, **kwargs):
            result = super().invoke(*args, **kwargs)
            result.__class__ = ShownResult
            return result

    try:
        return ShowingRunner(mix_stderr=False)
    except TypeError:
        return ShowingRunner()


def finished(process: subprocess.Popen, timeout: float = 300) -> int:
    """The exit status of a process started with stderr=PIPE; its stderr is the message when the
    status is not 0, so a failing assertion says why."""
    _, stderr = process.communicate(timeout=timeout)
    if process.returncode != 0:
        text = stderr.decode(errors="replace") if isinstance(stderr, bytes) else stderr
        raise AssertionError(f"{process.args[2:5]} exited {process.returncode}: {text}")
    return process.returncode


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering
    reset: bool = False  # no answer: the connection is reset (TCP RST), as by a failing proxy


class LocalServer:
    """A threaded HTTP server on 127.0.0.1 answering with `handler(method, path, body) -> Reply`,
    or `handler(method, path, body, headers)` when with_headers is set."""

    def __init__(self, handler: Callable[..., Reply], with_headers: bool = False):
        self.handler = handler
        self.requests: list[tuple[str, str, bytes]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                outer.requests.append((self.command, self.path, body))
                extra = (self.headers,) if with_headers else ()
                reply = outer.handler(self.command, self.path, body, *extra)
                if reply.delay:
                    threading.Event().wait(reply.delay)
                if reply.reset:
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    self.connection.close()
                    self.close_connection = True
                    return
                try:
                    self.send_response(reply.status)
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    if "Content-Length" not in reply.headers:
                        self.send_header("Content-Length", str(len(reply.body)))
                    self.end_headers()
                    if self.command != "HEAD":
                        self.wfile.write(reply.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            do_GET = do_POST = do_HEAD = _answer

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LocalServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def local_server():
    """Start a LocalServer with the given handler; it is shut down after the test."""
    servers: list[LocalServer] = []

    def start(handler: Callable[..., Reply], with_headers: bool = False) -> LocalServer:
        server = LocalServer(handler, with_headers).__enter__()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.__exit__()


@pytest.fixture(scope="session", autouse=True)
def private_user_folders(tmp_path_factory):
    """Keep the segment cache, calibrations and config lookups of the tests away from the user's own."""
    import os

    for variable in ("XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME"):
        os.environ[variable] = str(tmp_path_factory.mktemp(variable.lower()))


def available_ffmpegs() -> list:
    """Every ffmpeg to test the audio with: the bundled one always, the system's when one is on PATH,
    and any listed in $BRIEFING_TEST_FFMPEGS (paths separated by ":"), each named by its version."""
    import os
    import shutil

    paths = [ffmpeg.bundled_ffmpeg(), shutil.which("ffmpeg"), *os.environ.get("BRIEFING_TEST_FFMPEGS", "").split(":")]
    found = {}
    for path in filter(None, paths):
        found.setdefault(os.path.realpath(path), path)
    return [pytest.param(path, id=f"ffmpeg-{ffmpeg.version(path)}") for path in found.values()]


@pytest.fixture(params=available_ffmpegs())
def each_ffmpeg(request, monkeypatch):
    """Run the test once with every available ffmpeg (see available_ffmpegs)."""
    monkeypatch.setenv("BRIEFING_FFMPEG", request.param)
    ffmpeg_exe.cache_clear()
    yield request.param
    ffmpeg_exe.cache_clear()


@pytest.fixture(scope="session")
def piper_engine():
    from briefing.tts import create_engine

    return create_engine("piper")


def decode_to_array(path, sample_rate: int = 44100) -> np.ndarray:
    """Decode an audio file with ffmpeg to mono float samples in [-1, 1]."""
    pcm = subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-i", str(path), "-f", "f32le", "-ac", "1", "-ar", str(sample_rate), "-"],
        capture_output=True,
        check=True,
    ).stdout
    return np.frombuffer(pcm, dtype="<f4").astype(np.float64)


def integrated_loudness(samples: np.ndarray, sample_rate: int = 44100) -> float:
    import pyloudnorm

    return pyloudnorm.Meter(sample_rate).integrated_loudness(samples)


def true_peak_dbfs(samples: np.ndarray) -> float:
    """True peak per ITU-R BS.1770: the peak of the signal oversampled four times."""
    from scipy.signal import resample_poly

    return 20 * np.log10(np.max(np.abs(resample_poly(samples, 4, 1))))


E2E = Path(__file__).parent / "e2e"


def pytest_collection_modifyitems(config, items):
    """Every test under tests/e2e (real renders, servers, browsers) is marked slow, so the everyday
    loop is `scripts/test tests/unit` or, the same, `scripts/test -m "not slow"`."""
    for item in items:
        if E2E in Path(item.path).parents:
            item.add_marker(pytest.mark.slow)


def wait_for(check, seconds: float = 240, what: str = "the condition"):
    """check()'s first true value, polled (what the test observes), or AssertionError after seconds."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"{what} did not come within {seconds} s")
