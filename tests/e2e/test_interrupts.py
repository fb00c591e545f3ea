"""Ctrl-C and SIGTERM at any moment of `briefing make`: one line, exit 130 (143), promptly, no worker
process left, nothing partial under a final name and earlier output untouched.

Each moment is reached by waiting for something observable (the server saw the request, the
cache holds a segment, ffmpeg is running, a staged file exists), never by sleeping."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import LocalServer, Reply

DEADLINE = 120  # seconds to reach a moment: generous, for a busy machine
PROMPT = 6  # seconds from the signal to the exit: the command allows itself 1.5 (2 is the promise)
ARTICLE = "A long one\n\n" + " ".join(
    f"Sentence number {n} of a long article, read slowly and with care." for n in range(60)
)


def wait_for(condition, what: str, process: subprocess.Popen):
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        if process.poll() is not None:
            raise AssertionError(f"the process ended before {what}: {process.stderr.read()}")
        time.sleep(0.005)  # polling for the moment, not synchronising on time
    raise AssertionError(f"never saw {what}")


def children(pid: int) -> list[tuple[int, str]]:
    """(pid, command name) of every live descendant of pid."""
    found, parents = [], {pid}
    for stat in sorted(Path("/proc").glob("[0-9]*/stat"), key=lambda p: int(p.parent.name)):
        try:
            name, rest = stat.read_text().rsplit(")", 1)
        except OSError:
            continue
        fields = rest.split()
        if int(fields[1]) in parents and fields[0] != "Z":
            parents.add(int(stat.parent.name))
            found.append((int(stat.parent.name), name.split("(", 1)[1]))
    return found


def in_group(group: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def segments_in(cache: Path) -> int:
    return len(list(cache.glob("*/*.clip"))) if cache.is_dir() else 0


@pytest.fixture
def folders(tmp_path):
    source = tmp_path / "long.txt"
    source.write_text(ARTICLE)
    out = tmp_path / "out"
    out.mkdir()
    earlier = out / "2026-01-01-earlier.mp3"
    earlier.write_bytes(b"an earlier episode")
    return source, out, earlier, tmp_path / "cache"


def start(*arguments: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "briefing", "make", *arguments, "-q"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def stop(process: subprocess.Popen, number: int = signal.SIGINT, to_group: bool = False) -> float:
    """Send the signal; return the seconds until the process exited."""
    sent = time.monotonic()
    if to_group:  # a terminal's Ctrl-C reaches every process of the group
        os.killpg(process.pid, number)
    else:
        process.send_signal(number)
    process.wait(timeout=60)
    elapsed = time.monotonic() - sent
    print(f"stopped in {elapsed:.3f} s", file=sys.stderr)  # shown with -s, for the record
    return elapsed


def assert_stopped_cleanly(
    process, elapsed, out: Path, earlier: Path, code: int = 130, line: str = "briefing: interrupted"
):
    stderr = process.stderr.read()
    assert process.returncode == code, stderr
    assert stderr == line + "\n", stderr
    assert elapsed < PROMPT, f"took {elapsed:.2f} s to stop"
    deadline = time.monotonic() + 10
    while in_group(process.pid) and time.monotonic() < deadline:  # workers notice their parent is gone
        time.sleep(0.05)
    assert in_group(process.pid) == [], "a worker process was left behind"
    assert earlier.read_bytes() == b"an earlier episode"
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [earlier.name]


def catches(pid: int, number: int) -> bool:
    """True when the process has a handler of its own for the signal (/proc's SigCgt mask)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    mask = int(next(line.split()[1] for line in status.splitlines() if line.startswith("SigCgt:")), 16)
    return bool(mask & (1 << (number - 1)))


@pytest.mark.parametrize("after", [0.0, 0.05, 0.2], ids=["at-once", "50ms", "200ms"])
def test_ctrl_c_during_start_up(folders, after):
    """From the moment the command has taken charge of the signals (before that, the interpreter
    is starting, and SIGINT ends it as it ends any program), through loading the pipeline."""
    source, out, earlier, cache = folders
    process = start(str(source), "-o", str(out), "--cache-dir", str(cache))
    wait_for(lambda: catches(process.pid, signal.SIGTERM), "the command taking charge of signals", process)
    threading.Event().wait(after)  # the moment is the point here: start-up, whatever it is doing
    elapsed = stop(process)
    assert_stopped_cleanly(process, elapsed, out, earlier)


def test_ctrl_c_while_fetching(folders):
    _, out, earlier, cache = folders
    asked = threading.Event()
    with LocalServer(
        lambda *request: (asked.set(), Reply(200, b"<html>late</html>", {"Content-Type": "text/html"}, delay=60))[1]
    ) as server:
        process = start(server.url + "/story", "-o", str(out), "--cache-dir", str(cache))
        wait_for(asked.is_set, "the request", process)
        elapsed = stop(process)
    assert_stopped_cleanly(process, elapsed, out, earlier)


@pytest.mark.parametrize(
    "workers, to_group, number",
    [
        ("2", False, signal.SIGINT),
        ("2", True, signal.SIGINT),
        ("1", False, signal.SIGINT),
        ("2", False, signal.SIGTERM),
    ],
    ids=["worker-processes", "terminal-group", "in-process", "sigterm"],
)
def test_ctrl_c_or_sigterm_during_synthesis(folders, workers, to_group, number):
    source, out, earlier, cache = folders
    process = start(str(source), "-o", str(out), "--cache-dir", str(cache), "--workers", workers)
    wait_for(lambda: segments_in(cache) >= 1, "a synthesised segment", process)
    elapsed = stop(process, number, to_group)
    assert_stopped_cleanly(
        process, elapsed, out, earlier, *((143, "briefing: stopped") if number == signal.SIGTERM else ())
    )


def test_ctrl_c_while_mastering(folders):
    source, out, earlier, cache = folders
    process = start(str(source), "-o", str(out), "--cache-dir", str(cache), "--no-cache")
    wait_for(lambda: any(name.startswith("ffmpeg") for _, name in children(process.pid)), "ffmpeg running", process)
    elapsed = stop(process)
    assert_stopped_cleanly(process, elapsed, out, earlier)


def test_ctrl_c_while_writing_the_episode(folders):
    source, out, earlier, cache = folders
    process = start(str(source), "-o", str(out), "--cache-dir", str(cache), "--publish")
    wait_for(
        lambda: list((out / "episodes").glob(".*.part")) if (out / "episodes").is_dir() else [],
        "a staged episode file",
        process,
    )
    elapsed = stop(process)
    stderr = process.stderr.read()
    assert process.returncode == 130 and stderr == "briefing: interrupted\n", stderr
    assert elapsed < PROMPT
    episodes = out / "episodes"
    # Nothing partial under a final name: either nothing was renamed, or the whole episode was.
    finals = sorted(p.suffix for p in episodes.iterdir() if not p.name.startswith("."))
    assert finals in ([], sorted([".mp3", ".txt", ".json", ".vtt", ".srt", ".json"])), finals
