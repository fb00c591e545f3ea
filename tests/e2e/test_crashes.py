"""kill -9 at any moment of `make --publish`: the feed still parses and lists exactly the complete
episodes, no partial file sits under a final name, and the next run completes."""

import io
import json
import random
import subprocess
import sys
import time
from pathlib import Path

import feedparser
import podcastparser
import webvtt

from briefing.ffmpeg import ffmpeg_exe
from briefing.publish.podcast import lint

BASE = "https://pods.example.org/daily"
KILLS = 20


def start(tmp_path: Path, number: int) -> subprocess.Popen:
    source = tmp_path / f"story-{number}.txt"
    source.write_text(
        f"Story number {number}\n\nThe council met on Tuesday to agree the budget for story {number}. "
        "Officials said the talks would resume next week. Rain is expected tonight across the region."
    )
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "briefing",
            "make",
            str(source),
            "--publish",
            "-o",
            str(tmp_path / "site"),
            "-q",
            "--cache-dir",
            str(tmp_path / "cache"),
        ],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


_decoded: dict[tuple, float] = {}


def decodes_whole(mp3: Path) -> float:
    """Seconds of audio in mp3; fails when ffmpeg finds the stream damaged or cut short."""
    stat = mp3.stat()
    version = (mp3.name, stat.st_size, stat.st_mtime_ns)
    if version not in _decoded:
        _decoded[version] = _decode(mp3)
    return _decoded[version]


def _decode(mp3: Path) -> float:
    result = subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-i", str(mp3), "-f", "s16le", "-ac", "1", "-ar", "8000", "-"],
        capture_output=True,
    )
    assert result.returncode == 0 and not result.stderr, (mp3.name, result.stderr[-300:])
    return len(result.stdout) / 2 / 8000


def children(pid: int) -> list[int]:
    try:
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def gone_within(pids: list[int], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        alive = [
            pid
            for pid in pids
            if Path(f"/proc/{pid}").exists()
            and "zombie" not in Path(f"/proc/{pid}/status").read_text(errors="replace").lower()
        ]
        if not alive:
            return
        time.sleep(0.1)
    raise AssertionError(f"worker processes {alive} outlived their killed parent")


def check_folder(site: Path) -> set[str]:
    """The invariants after a crash; returns the stems the feed lists."""
    episodes = site / "episodes"
    visible = [path for path in episodes.iterdir() if not path.name.startswith(".")] if episodes.is_dir() else []
    complete = {path.stem for path in visible if path.suffix == ".json" and not path.name.endswith(".chapters.json")}
    for path in visible:  # every file under a final name is whole
        if path.suffix == ".mp3":
            seconds = decodes_whole(path)
            record = path.with_suffix(".json")
            if record.exists():
                assert abs(seconds - json.loads(record.read_text())["duration"]) < 0.1
        elif path.suffix == ".json":
            json.loads(path.read_text())
        elif path.suffix == ".vtt":
            assert webvtt.from_string(path.read_text()).captions
    if not (site / "feed.xml").exists():
        assert not complete
        return set()
    feed = (site / "feed.xml").read_bytes()
    parsed = feedparser.parse(feed)
    assert not parsed.bozo, parsed.get("bozo_exception")
    listed = set()
    for entry in podcastparser.parse(BASE + "/feed.xml", io.BytesIO(feed))["episodes"]:
        [enclosure] = entry["enclosures"]
        mp3 = episodes / enclosure["url"].rsplit("/", 1)[1]
        assert mp3.stat().st_size == enclosure["file_size"]
        for suffix in (".vtt", ".srt", ".chapters.json", ".txt"):
            assert mp3.with_suffix(suffix).exists()
        listed.add(mp3.stem)
    assert listed == complete
    return listed


def test_kill_9_at_twenty_moments_loses_nothing(tmp_path):
    (tmp_path / "briefing.toml").write_text(f'[show]\nowner_email = "jane@example.org"\nbase_url = "{BASE}"\n')
    site = tmp_path / "site"
    began = time.monotonic()
    first = start(tmp_path, 0)
    assert first.wait(timeout=120) == 0, first.stderr.read()
    typical = time.monotonic() - began
    randomness = random.Random(20261124)
    kills, number, listed = 0, 1, check_folder(site)
    moments, workers, killed_with_workers = [], [], 0
    while kills < KILLS:
        run = start(tmp_path, number)
        delay = randomness.uniform(0.0, typical * 1.1)
        time.sleep(delay)
        if run.poll() is None:
            workers = children(run.pid)
            run.kill()
            kills += 1
            run.wait(timeout=60)
            moments.append((round(delay, 2), len(list(site.glob("**/.*.part")))))  # leftovers: killed while writing
        run.wait(timeout=60)
        if workers:
            gone_within(workers, seconds=5)  # Piper workers do not outlive their parent
            killed_with_workers += 1
            workers = []
        now = check_folder(site)
        assert listed <= now  # nothing published earlier was lost
        listed = now
        number += 1
    print(
        f"runs take {typical:.2f} s; killed at (seconds, temporary files left) {moments}; "
        f"{killed_with_workers} with Piper workers running"
    )
    assert killed_with_workers >= 1
    final = start(tmp_path, number)
    assert final.wait(timeout=120) == 0, final.stderr.read()
    assert any(stem.endswith(f"story-number-{number}") for stem in check_folder(site))
    assert lint(site).problems == []
    assert not list(site.glob("**/.*.part")), "temporary files of killed runs are cleared by the next publish"
