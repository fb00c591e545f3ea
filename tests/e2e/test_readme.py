"""The README works as written: every command in it that needs no network runs, in the order it
shows them, in one folder holding the files the commands name (and briefing.toml and names.toml
made from its TOML blocks); its Python example runs as it stands."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image

from briefing.ffmpeg import ffmpeg_exe

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")

# Commands the tests do not run, each with the reason; any other command in the README must run.
NOT_RUN = {
    "scripts/demo": "set-up: .ci/run runs it after scripts/test",
    "scripts/test": "set-up: this is the test suite",
    "pip install": "installs: the test environment has every extra",
    "https://example.org": "needs the network",
    "https://site/": "needs the network",
    "--engine gtts": "needs the network (Google)",
    "tcp://": "needs a Dask scheduler on another machine",
    "dask scheduler": "a service on another machine",
    "--host 0.0.0.0": "binds every interface; tests serve on 127.0.0.1 only",
    "s3://": "needs an S3 store (tests/e2e/test_push.py pushes to one on 127.0.0.1)",
}

# Exit statuses the README gives a command besides 0: the quality check says 1 when the
# recogniser misheard a segment (tiny.en mishears names such as Sabratha now and then).
DOCUMENTED_EXITS = {"briefing check": (0, 1), "--verify": (0, 1)}

A_TXT = """Council agrees budget

The city council agreed the budget for 2027 on Tuesday after a long debate. The mayor said the plan
would pay for new buses and repairs to 12 bridges.

"It is a good day for the city," she said.
"""
B_HTML = """<!doctype html><html><head><title>Rail strike called off</title></head><body><article>
<h1>Rail strike called off</h1>
<p>The rail union called off next week's strike on Monday after talks with the operators ended in an
agreement on pay and working hours for the coming two years.</p>
<p>Trains will run as normal from Wednesday, the operators said in a statement.</p>
</article></body></html>"""


def code_blocks(kind: str = "") -> list[str]:
    """The README's fenced blocks of this kind ("" for plain ones), in order."""
    blocks, current, opened = [], [], None
    for line in README.splitlines():
        if line.startswith("```"):
            if opened is None:
                opened, current = line[3:].strip(), []
            else:
                if opened == kind:
                    blocks.append("\n".join(current) + "\n")
                opened = None
        elif opened is not None:
            current.append(line)
    return blocks


def commands() -> list[str]:
    found = []
    for block in code_blocks():
        for line in block.splitlines():
            line = re.sub(r"\s+#.*$", "", line).strip()
            if line and not line.startswith(("[", "#")) and "=" not in line.split()[0]:
                found.append(line)
    return [
        line for line in found if line.split()[0] in ("briefing", "cat", "scripts/demo", "scripts/test", "pip", "dask")
    ]


def reason_not_run(command: str) -> str | None:
    return next((why for marker, why in NOT_RUN.items() if marker in command), None)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """A folder with what the README's commands name: the example article, a.txt, b.html,
    article.txt, intro.mp3, art.png, and briefing.toml and names.toml from its TOML blocks."""
    work = tmp_path_factory.mktemp("readme")
    shutil.copytree(ROOT / "examples", work / "examples")
    (work / "a.txt").write_text(A_TXT)
    (work / "article.txt").write_text(A_TXT)
    (work / "b.html").write_text(B_HTML)
    subprocess.run(
        [
            ffmpeg_exe(),
            "-v",
            "error",
            "-f",
            "lavfi",
            "-i",
            "sine=f=330:d=6",
            "-c:a",
            "libmp3lame",
            str(work / "intro.mp3"),
        ],
        check=True,
    )
    Image.new("RGB", (1400, 1400), "navy").save(work / "art.png")
    settings = [block for block in code_blocks("toml") if not block.startswith("[words]")]
    (work / "briefing.toml").write_text("\n".join(settings))
    (work / "names.toml").write_text(next(block for block in code_blocks("toml") if block.startswith("[words]")))
    return work


def shell(command: str, cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run(["bash", "-c", command], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def test_the_readme_has_commands_and_skips_only_what_needs_the_network_or_set_up():
    found = commands()
    assert len(found) >= 25
    assert all(any(marker in command for command in found) for marker in NOT_RUN), "a reason outlived its command"


def test_every_readme_command_runs_as_written(folder):
    placeholders: dict[str, str] = {}
    ran = []
    for command in commands():
        if reason_not_run(command):
            continue
        if command.startswith("briefing serve"):
            serve_until_ctrl_c(command, folder)
            ran.append(command)
            continue
        for placeholder, value in placeholders.items():
            command = command.replace(placeholder, value)
        result = shell(command, folder)
        allowed = next((codes for marker, codes in DOCUMENTED_EXITS.items() if marker in command), (0,))
        assert result.returncode in allowed, f"{command}\nexit {result.returncode}\n{result.stderr}"
        ran.append(command)
        if (
            command.startswith("briefing make examples/libya-intervention.txt")
            and "<date>-<headline>" not in placeholders
        ):
            placeholders["<date>-<headline>"] = Path(result.stdout.strip()).stem
        if command.startswith("briefing feed list"):
            placeholders["EPISODE"] = result.stdout.split()[0]
    assert len(ran) >= 18


def serve_until_ctrl_c(command: str, folder: Path) -> None:
    """A serving command runs until Ctrl-C: it must come up, serve the feed, and stop cleanly."""
    port = int(re.search(r"--port (\d+)", command).group(1)) if "--port" in command else 8000
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            pytest.skip(f"port {port} is taken on this machine")
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "XDG_CONFIG_HOME": str(folder / ".config"),
    }  # a token the service makes is kept here, not in the user's folder
    process = subprocess.Popen(
        command.split(), cwd=folder, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        line = process.stdout.readline()  # the server says where it is once it can be reached
        while line and not line.startswith("page: "):  # the service says first how to add articles
            line = process.stdout.readline()
        assert line.startswith("page: http://127.0.0.1:"), line + process.stderr.read()
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
                    connection.sendall(b"GET /feed.xml HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
                    reply = b"".join(iter(lambda: connection.recv(65536), b""))
                break
            except ConnectionRefusedError:
                assert time.monotonic() < deadline, "the server never accepted a connection"
                time.sleep(0.05)
        assert reply.startswith(b"HTTP/1.1 200") and b"<rss" in reply
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)


def test_the_python_example_runs_as_written(folder):
    example = code_blocks("python")[0]
    result = subprocess.run([sys.executable, "-c", example], cwd=folder, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    mp3, duration = result.stdout.split()
    assert (folder / mp3).is_file() and float(duration) > 60
