"""Hostile input, run as a user would run it (the `briefing` command in a process of its own): each
case ends with the exit status and stderr it should, no traceback, nothing written that should not
be, within a time bound and a memory bound measured here (the largest resident size of any process
of the run: the command and its Piper workers)."""

from __future__ import annotations

import datetime as dt
import json
import struct
import subprocess
import sys
import time
import zlib
from dataclasses import dataclass

import pytest
from conftest import Reply

from briefing.ffmpeg import ffmpeg_exe

MEMORY_LIMIT_MB = 1500
SECONDS_LIMIT = 120  # generous: a busy machine; the worst case here takes a few seconds
# Runs the command and reports the largest resident size of it and of everything it started.
MEASURED = (
    "import resource, subprocess, sys; run = subprocess.run(sys.argv[1:]); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(run.returncode)"
)


@dataclass(frozen=True)
class Case:
    name: str
    arguments: list[str]  # after `briefing`; {d} is the folder of inputs, {url} the local server
    status: int
    stderr: str = ""  # a part of the one line expected on stderr ("" : nothing on stderr)
    writes: bool = False  # whether output/ may exist afterwards


def png_header(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(b"\x00" * (width * 3 + 1)))
        + chunk(b"IEND", b"")
    )


def rss(entries: list[str]) -> str:
    now = dt.datetime.now(dt.UTC)
    items = "".join(
        f"<item><title>Entry {n}</title><link>{link}</link><pubDate>{now:%a, %d %b %Y %H:%M:%S +0000}</pubDate></item>"
        for n, link in enumerate(entries)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Hostile</title>{items}</channel></rss>'


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    words = "the council met on tuesday and agreed the budget for new buses while critics said".split()
    write = {
        "run-on.txt": "Run on\n\n" + " ".join(words[n % len(words)] for n in range(40_000)),  # 200 KB, no full stop
        "run-on-short.txt": "Run on\n\n" + " ".join(words[n % len(words)] for n in range(500)),  # rendered: 2.9 KB
        "prose.txt": "Long paragraph\n\n"
        + " ".join(f"{words[n % len(words)]}{'.' if n % 17 == 0 else ''}" for n in range(80_000)),
        "giant-word.txt": "Giant word\n\n" + "x" * 30_000 + " and then the council met.",
        "brackets.md": "# Brackets\n\n" + "[" * 100_000 + " " + "_a " * 30_000 + "<" * 50_000 + "\n\nThe council met.",
        "links.md": "# Links\n\n" + "[a link](http://example.org/x) and " * 10_000,
        "punctuation.txt": "!!! ??? ...\n\n--- *** ;;; ,,, :::",
        "emoji.txt": "🙂🙂🙂\n\n🎉 🎉 🎉 🙂",
        "zero-width.txt": "\u200b\u200b\n\n\u200b \u200b \u200b\u200b",
        "phonemes.txt": "Phonemes\n\nThe article wrote [[hˈɛloʊ wɜːld]] in its text, and then the council met.",
        "digits.txt": "Big number\n\nThe count was " + "7" * 400 + " exactly.",
        "utf32.txt": "Wide text\n\nThe council met on Tuesday and agreed the budget.".encode("utf-32"),
        "control.txt": "Title \x07 with \x1b[31m control\n\nThe council met on Tuesday and agreed the budget.",
        "a-b.txt": "Council\n\n" + "aaaa " * 3 + "a" * 40 + "!",
        "bomb.png": png_header(20_000, 20_000),
        "wide.png": png_header(4000, 3000),
        "good.txt": "Council agrees budget\n\nThe city council agreed the budget on Tuesday after a long debate.",
        "script.md": "+++\ntitle = 'T'\n+++\n# Story\n" + "A paragraph of words. " * 400 + "\n",
        "js-script.md": "+++\ntitle = 'T'\n+++\n# Story\n<!-- url: javascript:alert(1) -->\nOne paragraph.\n",
        "types.toml": '[voice]\nvoice = ["joe"]\n',
        "keep.toml": "[show]\nkeep = 0\n",
    }
    for name, content in write.items():
        (folder / name).write_bytes(content if isinstance(content, bytes) else content.encode())
    secret = folder / "secret.txt"
    secret.write_text("Secret\n\nMy private notes, never to be read into a podcast.")
    (folder / "local-links.rss").write_text(
        rss([str(secret), f"file://{secret}", "http://example.org:99999/x", "http://[::1/x"])
    )
    subprocess.run(
        [
            ffmpeg_exe(),
            "-v",
            "error",
            "-f",
            "lavfi",
            "-i",
            "sine=f=220:d=1200",
            "-ac",
            "1",
            "-c:a",
            "libmp3lame",
            "-b:a",
            "32k",
            str(folder / "long-music.mp3"),
        ],
        check=True,
    )
    return folder


@pytest.fixture(scope="module")
def server(inputs):
    from conftest import LocalServer

    with LocalServer(lambda method, path, body: Reply(404, b"gone")) as running:
        (inputs / "ten-thousand.rss").write_text(rss([f"{running.url}/story/{n}" for n in range(10_000)]))
        yield running


CASES = [
    Case("200 KB run-on line, planned", ["make", "{d}/run-on.txt", "--dry-run"], 0),
    Case("400 KB paragraph of prose, planned", ["make", "{d}/prose.txt", "--dry-run"], 0),
    Case("30,000-character word, planned", ["make", "{d}/giant-word.txt", "--dry-run"], 0),
    Case("runs of brackets, underscores and angles", ["make", "{d}/brackets.md", "--dry-run"], 0),
    Case("10,000 Markdown links", ["make", "{d}/links.md", "--dry-run"], 0),
    Case("a number of 400 digits", ["make", "{d}/digits.txt", "--dry-run"], 0),
    Case("UTF-32 text", ["make", "{d}/utf32.txt", "--dry-run"], 0),
    Case("run-on sentence, rendered", ["make", "{d}/run-on-short.txt", "-o", "{o}", "-q"], 0, writes=True),
    Case("article text holding phonemes, rendered", ["make", "{d}/phonemes.txt", "-o", "{o}", "-q"], 0, writes=True),
    Case(
        "control characters in a published title",
        ["make", "{d}/control.txt", "--publish", "-o", "{o}", "-q"],
        0,
        writes=True,
    ),
    Case(
        "a 20-minute music file (decoded only as far as used)",
        ["make", "{d}/good.txt", "--music", "{d}/long-music.mp3", "-o", "{o}", "-q"],
        0,
        writes=True,
    ),
    Case(
        "catastrophic --drop-rule",
        ["make", "{d}/a-b.txt", "--drop-rule", "(a|aa|aaa)+$", "--dry-run"],
        2,
        "simplify the pattern",
    ),
    Case("only punctuation", ["make", "{d}/punctuation.txt", "-o", "{o}"], 2, "nothing to say"),
    Case("only emoji", ["make", "{d}/emoji.txt", "-o", "{o}"], 2, "nothing to say"),
    Case("only zero-width spaces", ["make", "{d}/zero-width.txt", "-o", "{o}"], 2, "nothing to say"),
    Case(
        "a feed naming local files and bad addresses",
        ["make", "--from-feed", "{d}/local-links.rss", "-o", "{o}"],
        2,
        "nothing new to brief",
    ),
    Case(
        "a feed of 10,000 entries",
        ["make", "--from-feed", "{d}/ten-thousand.rss", "-o", "{o}"],
        2,
        "nothing new to brief",
    ),
    Case(
        "a script with a javascript: link", ["make", "{d}/js-script.md", "-o", "{o}"], 2, "must be an http(s) address"
    ),
    Case("a script over --max-input", ["make", "{d}/script.md", "--max-input", "1KB", "-o", "{o}"], 2, "(--max-input)"),
    Case(
        "wrong types in briefing.toml",
        ["make", "{d}/good.txt", "--config", "{d}/types.toml", "-o", "{o}"],
        2,
        "voice in [voice] must be",
    ),
    Case(
        "keep = 0 in briefing.toml",
        ["make", "{d}/good.txt", "--config", "{d}/keep.toml", "-o", "{o}"],
        2,
        "keep in [show] must be",
    ),
    Case("NaN --rate", ["make", "{d}/good.txt", "--rate", "nan", "-o", "{o}"], 2, "not a finite number"),
    Case("--loudness +50", ["make", "{d}/good.txt", "--loudness", "+50", "-o", "{o}"], 2, "--loudness"),
    Case("infinite --timeout", ["make", "{d}/good.txt", "--timeout", "inf", "-o", "{o}"], 2, "--timeout"),
    Case(
        "--max-input of 400 digits", ["make", "{d}/good.txt", "--max-input", "9" * 400, "-o", "{o}"], 2, "a size must"
    ),
    Case(
        "--cache-max of 400 digits", ["make", "{d}/good.txt", "--cache-max", "9" * 400, "-o", "{o}"], 2, "a size must"
    ),
    Case(
        "a 20000 px artwork (decompression bomb)",
        ["make", "{d}/good.txt", "--artwork", "{d}/bomb.png", "-o", "{o}"],
        2,
        "far larger than",
    ),
    Case(
        "a wide artwork", ["make", "{d}/good.txt", "--publish", "--artwork", "{d}/wide.png", "-o", "{o}"], 2, "square"
    ),
    Case("a file name too long for the file system", ["make", "{d}/" + "n" * 300 + ".txt", "-o", "{o}"], 2, "too long"),
    Case(
        "a URL of 70,000 characters",
        ["make", "http://127.0.0.1:9/" + "a" * 70_000, "--timeout", "1", "-o", "{o}"],
        2,
        "cannot fetch",
    ),
    Case("an unknown option", ["make", "{d}/good.txt", "--bogus"], 2, "No such option"),
]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_hostile_input(case, inputs, server, tmp_path):
    out = tmp_path / "out"
    arguments = [argument.replace("{d}", str(inputs)).replace("{o}", str(out)) for argument in case.arguments]
    started = time.monotonic()
    run = subprocess.run(
        [sys.executable, "-c", MEASURED, sys.executable, "-m", "briefing", *arguments],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    seconds = time.monotonic() - started
    *lines, peak_kb = run.stderr.splitlines()
    stderr = "\n".join(lines)
    assert run.returncode == case.status, stderr
    assert "Traceback" not in stderr
    if case.stderr:
        assert len(lines) == 1 and case.stderr in lines[0], stderr
    elif case.status == 0:
        assert lines == [] or all(line.startswith("briefing: skipped") for line in lines), stderr
    assert case.writes or not out.exists()
    assert not list(tmp_path.glob("**/.*.part"))
    assert int(peak_kb) / 1024 < MEMORY_LIMIT_MB, f"peak {int(peak_kb) / 1024:.0f} MB"
    assert seconds < SECONDS_LIMIT, f"{seconds:.1f} s"
    print(f"{case.name}: exit {run.returncode}, {seconds:.1f} s, peak {int(peak_kb) / 1024:.0f} MB", file=sys.stderr)


def test_there_are_at_least_thirty_hostile_cases():
    assert len(CASES) >= 30 and len({case.name for case in CASES}) == len(CASES)


def test_the_published_title_is_clean(inputs, tmp_path):
    """Control characters never reach the feed or the tags (they broke publishing)."""
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "briefing",
            "make",
            str(inputs / "control.txt"),
            "--publish",
            "-o",
            str(tmp_path / "site"),
            "-q",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr
    feed = (tmp_path / "site" / "feed.xml").read_text()
    assert "<title>Title with [31m control</title>" in feed and "\x1b" not in feed and "\x07" not in feed
    [record_file] = [
        path for path in (tmp_path / "site" / "episodes").glob("*.json") if not path.name.endswith(".chapters.json")
    ]
    record = json.loads(record_file.read_text())
    assert "\x1b" not in record["title"]
