"""`briefing make` end to end with real Piper and ffmpeg, through the library and the CLI."""

import datetime as dt
import io
import itertools
import json
import os
from pathlib import Path

import pytest
from conftest import decode_to_array, integrated_loudness, runner
from mutagen.id3 import ID3
from PIL import Image

from briefing import MakeOptions, make
from briefing.cli import main
from briefing.errors import BriefingError
from briefing.model import Show
from briefing.options import WritingOptions

ARTICLE = """Analysis. A short dispatch about drones and diplomacy.

Drones over Sabratha

Italian officials confirmed on Monday that 5,000 soldiers could be sent. The U.S. welcomed it.

Gen. Haftar did not comment.

Subscribe to our newsletter

Share this article
"""


@pytest.fixture(scope="module")
def episode(tmp_path_factory):
    folder = tmp_path_factory.mktemp("make")
    source = folder / "drones.txt"
    source.write_text(ARTICLE)
    options = MakeOptions(
        output_dir=folder / "out", show=Show(title="Morning Desk"), writing=WritingOptions(date=dt.date(2026, 11, 24))
    )
    return make([str(source)], options), folder / "out"


def test_files_are_named_from_date_and_headline_and_nothing_temporary_is_left(episode):
    result, out = episode
    names = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert names == [
        f"2026-11-24-drones-over-sabratha{suffix}"
        for suffix in (".chapters.json", ".json", ".mp3", ".srt", ".txt", ".vtt")
    ]
    assert all(oct(os.stat(out / name).st_mode)[-3:] == "644" for name in names)


def test_duration_matches_metadata_and_loudness_is_on_target(episode):
    result, _ = episode
    samples = decode_to_array(result.audio)
    meta = json.loads(Path(result.metadata_json).read_text())
    decoded = len(samples) / 44100
    assert decoded == pytest.approx(meta["duration"], rel=0.01)
    assert abs(integrated_loudness(samples) - (-19.0)) <= 1.0
    assert meta["segments"][-1]["end"] <= meta["duration"]
    assert [s["start"] for s in meta["segments"]] == sorted(s["start"] for s in meta["segments"])
    assert all(s["end"] > s["start"] for s in meta["segments"])
    assert (meta["engine"], meta["voice"], meta["show"]) == ("piper", "joe", "Morning Desk")
    assert [d["rule"] for d in meta["stories"][0]["dropped"]] == ["newsletter-prompt", "share-prompt"]


def test_segment_times_match_the_audio(episode):
    """Speech is where the metadata says, silence in the pauses between."""
    import numpy as np

    result, _ = episode
    samples = decode_to_array(result.audio)
    meta = json.loads(Path(result.metadata_json).read_text())
    for before, after in itertools.pairwise(meta["segments"]):
        gap = samples[int((before["end"] + 0.03) * 44100) : int((after["start"] - 0.03) * 44100)]
        if len(gap) > 2000:
            assert np.sqrt(np.mean(gap**2)) < 0.003, (before["text"], after["text"])


def test_id3_tags_read_back(episode):
    result, _ = episode
    tags = ID3(result.audio)
    assert tags.version[:2] == (2, 4)
    assert str(tags["TIT2"]) == "Drones over Sabratha"
    assert str(tags["TPE1"]) == str(tags["TALB"]) == "Morning Desk"
    assert str(tags["TDRC"]) == "2026-11-24"
    assert "drones.txt" in str(tags["COMM::eng"])
    assert int(str(tags["TLEN"])) == pytest.approx(result.duration * 1000, abs=1)
    cover = Image.open(io.BytesIO(tags["APIC:Cover"].data))
    assert cover.format == "PNG" and cover.mode == "RGB" and cover.size[0] == cover.size[1] >= 1400


def test_no_local_path_is_written_into_what_may_be_published(episode, tmp_path_factory):
    result, out = episode
    folder = str(out.parent)  # the source file's folder: a path on the user's disk
    assert str(tags_comment := ID3(result.audio)["COMM::eng"]) == "Source: drones.txt", tags_comment
    for path in out.iterdir():
        if path.suffix != ".mp3":
            assert folder not in path.read_text(encoding="utf-8"), path.name
    assert json.loads(Path(result.metadata_json).read_text())["stories"][0]["source"] == "drones.txt"


def test_spoken_script_is_normalised_and_clean(episode):
    result, _ = episode
    text = Path(result.script_txt).read_text()
    assert "five thousand soldiers" in text and "The U S welcomed it." in text and "General [[hˈɑftɑɹ]]" in text
    assert "Subscribe" not in text and "Share this" not in text
    assert text.startswith("This is Morning Desk, for Tuesday, November twenty-fourth twenty twenty-six.")


def test_cli_make_from_stdin(tmp_path):
    result = runner().invoke(
        main, ["make", "-", "-o", str(tmp_path / "out"), "-q"], input="Short Story\n\nOne sentence only.\n"
    )
    assert result.exit_code == 0, result.stderr
    mp3 = Path(result.stdout.strip())
    assert mp3.parent == tmp_path / "out" and mp3.name.endswith("-short-story.mp3") and mp3.stat().st_size > 10_000
    assert result.stderr == ""


def test_cli_reports_progress_and_summary_unless_quiet(tmp_path):
    source = tmp_path / "a.txt"
    source.write_text("Headline\n\nA sentence.")
    result = runner().invoke(main, ["make", str(source), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0
    assert "Headline (0:" in result.stderr and "piper/joe" in result.stderr


def test_cli_music_replaces_the_sting(tmp_path, piper_engine):
    music = tmp_path / "music.wav"
    piper_engine.synthesize("La la la la la, la la la.").export(music, format="wav")
    source = tmp_path / "a.txt"
    source.write_text("Headline\n\nA sentence.")
    result = runner().invoke(main, ["make", str(source), "-o", str(tmp_path / "out"), "--music", str(music), "-q"])
    assert result.exit_code == 0, result.stderr
    meta = json.loads(Path(result.stdout.strip()).with_suffix(".json").read_text())
    assert meta["segments"][0]["start"] > 2.0  # the music plays first, longer than the sting


def bad_inputs(tmp_path):
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "boilerplate.txt").write_text("Headline\n\nSubscribe to our newsletter\n\nShare this article")
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    (tmp_path / "ok.txt").write_text("Headline\n\nBody.")
    (tmp_path / "a-file").write_text("x")
    return [
        (["missing.txt"], "no such file: missing.txt"),
        ([str(tmp_path / "empty.txt")], "is empty"),
        ([str(tmp_path / "boilerplate.txt")], "no article text left after removing boilerplate"),
        ([str(tmp_path / "image.txt")], "not text"),
        (["ftp://example.org/story"], "unsupported URL scheme 'ftp'"),
        (["http://127.0.0.1:9/story"], "cannot fetch http://127.0.0.1:9/story"),
        ([str(tmp_path / "ok.txt"), "--engine", "nope"], "unknown engine 'nope'"),
        ([str(tmp_path / "ok.txt"), "--voice", "nobody"], "unknown piper voice 'nobody'"),
        ([str(tmp_path / "ok.txt"), "--music", str(tmp_path / "none.mp3")], "no such music file"),
        ([str(tmp_path / "ok.txt"), "--music", str(tmp_path / "ok.txt")], "decoding music file"),
        ([str(tmp_path / "ok.txt"), "-o", str(tmp_path / "a-file" / "sub")], "cannot write to output folder"),
    ]


@pytest.mark.parametrize("case", range(11))
def test_bad_input_is_one_line_exit_2_and_nothing_written(tmp_path, case):
    args, message = bad_inputs(tmp_path)[case]
    out = tmp_path / "out"
    if "-o" not in args:
        args = [*args, "-o", str(out)]
    result = runner().invoke(main, ["make", *args])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("briefing: error: ") and message in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists() or list(out.iterdir()) == []


def test_failure_during_encoding_leaves_nothing(tmp_path, monkeypatch):
    from briefing.audio.formats.mp3 import Mp3

    def broken(*args, **kwargs):
        raise BriefingError("encoding audio failed: disk full")

    monkeypatch.setattr(Mp3, "write_tags", broken)
    source = tmp_path / "a.txt"
    source.write_text("Headline\n\nBody.")
    with pytest.raises(BriefingError, match="disk full"):
        make([str(source)], MakeOptions(output_dir=tmp_path / "out"))
    assert [path.name for path in (tmp_path / "out").iterdir()] == [
        ".briefing.lock"
    ]  # the folder's lock, and nothing else


def test_voices_lists_engines_and_usability():
    result = runner().invoke(main, ["voices"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert any(line.split()[:2] == ["piper", "joe"] and "usable" in line and "default" in line for line in lines)
    assert any(line.startswith("gtts") and " en " in f" {line} " for line in lines)
    assert any(line.startswith("espeak") for line in lines)


def test_make_renders_an_edited_script(tmp_path):
    script = tmp_path / "edited.md"
    script.write_text(
        '+++\ntitle = "Edited briefing"\nshow = "Desk"\ndate = 2026-01-02\n+++\n\n'
        "# Intro\nHello.\n\n# A story\nFirst part.\n\n[pause 2s]\n\nSecond part.\n\n# Outro\nBye.\n"
    )
    result = runner().invoke(main, ["make", str(script), "-o", str(tmp_path / "out"), "-q"])
    assert result.exit_code == 0, result.stderr
    mp3 = Path(result.stdout.strip())
    assert mp3.name == "2026-01-02-edited-briefing.mp3"
    segments = json.loads(mp3.with_suffix(".json").read_text())["segments"]
    first, second = [s for s in segments if s["kind"] == "body"]
    assert second["start"] - first["end"] == pytest.approx(2.0, abs=0.002)


def test_make_reports_a_malformed_script_line(tmp_path):
    script = tmp_path / "bad.md"
    script.write_text('+++\ntitle = "T"\n+++\n# Story\nText\n[pause soon]\n')
    result = runner().invoke(main, ["make", str(script), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2 and "bad.md line 6: unknown mark" in result.stderr
    assert not (tmp_path / "out").exists()
