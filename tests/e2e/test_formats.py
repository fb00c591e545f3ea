"""The output seam: formats in one registry, and M4A (AAC-LC in MP4) as the proof that a new output
is one file: mastered to the same loudness with every ffmpeg, tagged with chapters and cover,
published, linted, served and played like the MP3."""

import json
import re
import subprocess
from pathlib import Path

import pytest
from conftest import decode_to_array, integrated_loudness, runner, true_peak_dbfs

from briefing.audio import master, mix
from briefing.audio.formats import Tags, audio_format
from briefing.cli import main
from briefing.ffmpeg import ffmpeg_exe
from briefing.model import Chapter, Segment

ARTICLE = (
    "Drones over Sabratha\n\nItalian officials confirmed the drones. They fly at night from Sicily.\n\n"
    "Critics in parliament asked for a vote on the mission."
)


def ffmpeg_chapters(path: Path) -> list[tuple[float, str]]:
    """(start, title) of each chapter as ffmpeg reads it (ffprobe is not always there: imageio-ffmpeg ships none)."""
    text = subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-i", str(path), "-f", "ffmetadata", "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    chapters, in_chapter, timebase, start = [], False, 1.0, 0
    for line in text.splitlines():
        if line.startswith("["):
            in_chapter = line == "[CHAPTER]"
        elif in_chapter and line.startswith("TIMEBASE="):
            numerator, denominator = line.split("=")[1].split("/")
            timebase = int(numerator) / int(denominator)
        elif in_chapter and line.startswith("START="):
            start = int(line.split("=")[1])
        elif in_chapter and line.startswith("title="):
            chapters.append((round(start * timebase, 3), re.sub(r"\\(.)", r"\1", line.split("=", 1)[1])))
    return chapters


@pytest.fixture(scope="module")
def speech(piper_engine):
    texts = [
        "Special units from France joined troops from Libya's parliament.",
        "The Royal Air Force is flying missions.",
    ]
    segments = [Segment("body", t, t, 0.5) for t in texts]
    stitched, _ = mix.stitch(
        segments,
        [piper_engine.synthesize(t) for t in texts],
        piper_engine.sample_rate,
        mix.make_sting(piper_engine.sample_rate),
    )
    return stitched


@pytest.mark.usefixtures("each_ffmpeg")
def test_m4a_is_mastered_to_the_targets_as_aac_lc_with_its_index_first(tmp_path, speech):
    from mutagen.mp4 import MP4

    options = master.MasterOptions(format="m4a", bitrate=64)
    path = tmp_path / "out.m4a"
    reported = master.master_to_file(speech, path, options)
    samples = decode_to_array(path, options.sample_rate)
    loudness = integrated_loudness(samples, options.sample_rate)
    assert abs(loudness - options.loudness) <= 0.5 and abs(reported - loudness) <= 0.3
    assert true_peak_dbfs(samples) <= options.true_peak
    info = MP4(path).info
    assert (info.codec, info.sample_rate) == ("mp4a.40.2", 44100)  # AAC-LC
    # The channel count in the sample entry is 2 by the MP4 template (ffmpeg 5.1 writes that); the
    # decoder's configuration says mono, and that is what ffmpeg reports.
    described = subprocess.run([ffmpeg_exe(), "-hide_banner", "-i", str(path)], capture_output=True, text=True).stderr
    assert "Audio: aac (LC)" in described and "mono" in described, described
    assert info.length == pytest.approx(speech.duration_seconds, abs=0.05)
    head = path.read_bytes()[:4096]
    assert head.find(b"moov") != -1 and (
        head.find(b"mdat") == -1 or head.find(b"moov") < head.find(b"mdat")
    )  # faststart


@pytest.mark.usefixtures("each_ffmpeg")
def test_m4a_tags_cover_and_chapters_are_read_back(tmp_path, speech):
    from mutagen.mp4 import MP4

    path = tmp_path / "out.m4a"
    master.master_to_file(speech, path, master.MasterOptions(format="m4a"))
    png = _png()
    chapters = (
        Chapter("Introduction", 0.0, 1.2),
        Chapter("Café = news; #1", 1.2, 3.0, "https://example.org/a"),
        Chapter("Closing", 3.0, round(speech.duration_seconds, 3)),
    )
    audio_format("m4a").write_tags(
        path,
        Tags(
            "Morning — Desk",
            "Le Café",
            "2026-11-30",
            "Source: a.txt",
            round(speech.duration_seconds * 1000),
            png,
            chapters,
        ),
    )
    mp4 = MP4(path)
    assert (
        mp4.tags["\xa9nam"] == ["Morning — Desk"]
        and mp4.tags["\xa9ART"] == ["Le Café"]
        and mp4.tags["\xa9day"] == ["2026-11-30"]
    )
    assert bytes(mp4.tags["covr"][0]) == png
    expected = [(chapter.start, chapter.title) for chapter in chapters]
    assert [(round(c.start, 3), c.title) for c in mp4.chapters] == expected  # Nero chapters, as mutagen reads them
    assert ffmpeg_chapters(path) == expected  # and as ffmpeg-based players read them, in time order
    assert decode_to_array(path).size > 0  # still playable after the remux and tagging


def _png() -> bytes:
    from briefing.publish.artwork import cover_png

    return cover_png("Le Café", 300)


def test_an_m4a_episode_is_published_linted_served_and_listed(tmp_path):
    import feedparser
    import requests

    from e2e.test_serve import Served

    source = tmp_path / "drones.txt"
    source.write_text(ARTICLE)
    folder = tmp_path / "site"
    config = tmp_path / "briefing.toml"
    config.write_text(
        '[show]\ntitle = "Morning Desk"\nowner_email = "desk@example.org"\nbase_url = "https://pods.example.org/desk"\n'
    )
    result = runner().invoke(
        main,
        [
            "make",
            str(source),
            "-o",
            str(folder),
            "--format",
            "m4a",
            "--publish",
            "--quiet",
            "--config",
            str(config),
            "--cache-dir",
            str(tmp_path / "cache"),
        ],
    )
    assert result.exit_code == 0, result
    audio = Path(result.stdout.strip())
    assert audio.suffix == ".m4a" and audio.parent == folder / "episodes"
    record = json.loads(audio.with_suffix(".json").read_text())
    assert record["format"] == "m4a"
    chapters = json.loads(audio.with_suffix(".chapters.json").read_text())["chapters"]
    assert ffmpeg_chapters(audio) == [(round(c["startTime"], 3), c["title"]) for c in chapters]
    samples = decode_to_array(audio)
    assert abs(integrated_loudness(samples) - record["loudness_target_lufs"]) <= 0.5

    feed = feedparser.parse((folder / "feed.xml").read_bytes())
    [enclosure] = feed.entries[0].enclosures
    assert enclosure.type == "audio/mp4" and enclosure.href == f"https://pods.example.org/desk/episodes/{audio.name}"
    assert int(enclosure.length) == audio.stat().st_size
    lint = runner().invoke(main, ["feed", "lint", "-d", str(folder), "--config", str(config)])
    assert lint.exit_code == 0, lint.stdout
    assert f'src="episodes/{audio.name}"' in (folder / "index.html").read_text()

    served = Served(folder)
    try:
        head = requests.head(f"{served.url}/episodes/{audio.name}", timeout=10)
        ranged = requests.get(f"{served.url}/episodes/{audio.name}", headers={"Range": "bytes=0-99"}, timeout=10)
        played = played_in_chromium(served.url)
    finally:
        served.stop()
    assert head.headers["content-type"] == "audio/mp4" and int(head.headers["content-length"]) == audio.stat().st_size
    assert ranged.status_code == 206 and len(ranged.content) == 100
    if played is not None:
        assert played == pytest.approx(record["duration"], rel=0.01)


def played_in_chromium(url: str) -> float | None:
    """The duration the page's player reads from the episode in Chromium, or None without Chromium."""
    from e2e.test_page import ARGS, CHROMIUM

    if not Path(CHROMIUM).exists():
        return None
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page()
            page.goto(url + "/")
            page.wait_for_function("document.querySelector('audio').readyState >= 1", timeout=15000)
            return page.evaluate("document.querySelector('audio').duration")
        finally:
            browser.close()


def test_a_second_render_in_m4a_comes_from_the_cache_and_an_mp3_does_not(tmp_path):
    source = tmp_path / "drones.txt"
    source.write_text(ARTICLE)
    cache = tmp_path / "cache"

    def render(*extra: str) -> Path:
        result = runner().invoke(
            main, ["make", str(source), "-o", str(tmp_path / "out"), "--quiet", "--cache-dir", str(cache), *extra]
        )
        assert result.exit_code == 0, result
        return Path(result.stdout.strip())

    first = render("--format", "m4a")
    assert render("--format", "m4a").read_bytes() == first.read_bytes()
    m4a_pieces = set(cache.glob("*/*.piece"))
    assert m4a_pieces
    mp3 = render()
    assert mp3.suffix == ".mp3" and mp3.read_bytes()[:3] == b"ID3"
    assert len(set(cache.glob("*/*.piece")) - m4a_pieces) == len(
        m4a_pieces
    )  # each format is mastered once, and kept apart
